"""Record files to index rows, one file at a time, so a build never holds every record.

Each file is parsed, checked (schema.read_record, the same rules as load_dataset) and turned
into rows in one step. On a large dataset the files go to a pool of worker processes: YAML
parsing is most of a build and one core cannot do 100,000 records in time. Results come back
in file order, so record numbers are the same as a serial build's.
"""
from __future__ import annotations

import gc
import json
import multiprocessing
import os
from collections import Counter
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Iterator, NamedTuple

from bot.dataset.reader import Reader
from bot.dataset.schema import read_record
from bot.dates import DateValue
from bot.text import stem, words

PARALLEL_BYTES = 8 * 2**20   # below this, starting workers costs more than they save
_encode = json.JSONEncoder().encode   # json.dumps' defaults without its per-call wrapper


class FileRows(NamedTuple):
    problems: list            # the file's errors (then nothing else is filled), as load_dataset words them
    ids: list[str]            # record ids, in order; duplicates across files are checked by the caller
    records: list[tuple]      # `records` rows, the rowid counted from 0 in this file
    dates: list[tuple]        # (record index in this file, start, end)
    actors: list[tuple]       # (index, actor, role)
    types: list[tuple]        # (index, type)
    entities: list[tuple]     # (index, entity)
    words: Counter            # every word form with its count, in order of first use
    df: Counter               # stem -> records of this file holding it


def _json(v) -> str:
    if not v:  # most votes, figures and entities are empty
        return "{}" if isinstance(v, dict) else "[]"
    return _encode(v)


def _ids(ids: list[str]) -> str:
    """json.dumps of checked ids (ID_RE: nothing to escape), without the encoder."""
    return '["' + '", "'.join(ids) + '"]' if ids else "[]"


def _links(links: list[tuple[str, str]]) -> str:
    """json.dumps of (actor id, role) pairs: checked ids and known roles, nothing to escape."""
    return "[" + ", ".join([f'["{a}", "{role}"]' for a, role in links]) + "]"


_DATE_PARTS: dict[tuple[str, str], str] = {}


def _date_parts(dv: DateValue) -> str:
    """A date's parts as JSON, encoded once per distinct date: large datasets repeat their dates,
    and a kind with its text names one date (see dates.parse_date)."""
    key = (dv.kind, dv.text)
    out = _DATE_PARTS.get(key)
    if out is None:
        out = _encode([{"precision": p.precision, "start": p.start, "end": p.end, "text": p.text} for p in dv.parts])
        if len(_DATE_PARTS) < 2**16:
            _DATE_PARTS[key] = out
    return out


_vocab: tuple | None = None   # (root, actors, types, entities, documents), set once per process


def text_of(title: str, summary: str, body: str, quote: str, keywords: str) -> str:
    """The text of a record whose words the `terms` table counts (the full-text columns)."""
    return " ".join((title, summary, body, quote, keywords))


def count_words(texts, stems: dict[str, str]) -> tuple[Counter, Counter]:
    """(every word form with its count, in order of first use; stem -> records holding it) for
    the records' texts. `stems` caches stem() across calls."""
    forms, df = Counter(), Counter()
    for text in texts:
        ws = words(text)
        forms.update(ws)
        distinct = set(ws)
        for w in distinct.difference(stems):
            stems[w] = stem(w)
        df.update({stems[w] for w in distinct})
    return forms, df


def _init(vocab: tuple | None) -> None:
    global _vocab
    _vocab = vocab


def _init_worker(vocab: tuple) -> None:
    _init(vocab)
    gc.disable()  # it only makes acyclic objects (see index.build)


def file_rows(path: Path, counted: bool = True) -> FileRows:
    """counted=False: without `words` and `df` (re-indexing counts only the records that changed)."""
    root, acts, types, ents, documents = _vocab
    r = Reader(root)
    f = r.name(path)
    seen: dict = {}
    out = FileRows([], [], [], [], [], [], [], Counter(), Counter())
    texts = []
    for k, d in enumerate(r.load(path, list)):
        rec = read_record(r, d, f, seen, acts, types, ents, documents, set())
        if r.problems:
            return out._replace(problems=_errors(r))
        dv = rec.date
        keywords = " ".join([acts[a].name for a, _ in rec.actors]
                            + [x for e in rec.entities for x in (ents[e].name, *ents[e].aliases)])
        out.ids.append(rec.id)
        out.records.append((
            k, rec.id, rec.title, rec.summary, rec.body, rec.quote, keywords, rec.stage,
            dv.kind if dv else None, dv.text if dv else None, dv.sort_key if dv else None,
            _date_parts(dv) if dv else None,
            _json(rec.votes), _json(rec.figures), _encode(rec.sources),
            _ids(rec.types), _ids(rec.entities), _links(rec.actors), rec.file, rec.line))
        if dv:
            out.dates.extend((k, a, b) for a, b in dv.anchors)
        out.actors.extend((k, a, role) for a, role in rec.actors)
        out.types.extend((k, t) for t in rec.types)
        out.entities.extend((k, e) for e in rec.entities)
        texts.append(text_of(rec.title, rec.summary, rec.body, rec.quote, keywords))
    if r.problems:
        return out._replace(problems=_errors(r))
    if not counted:
        return out
    forms, df = count_words(texts, {})
    return out._replace(words=forms, df=df)


def _errors(r: Reader) -> list:
    """The file's errors, or one naming it when it has only warnings (then it is not read on)."""
    found = sorted((p for p in r.problems if not p.warning), key=lambda p: (p.file, p.line))
    return found or r.problems[:1]


def _context():
    # fork is cheapest, but forking a process with other threads running (the bot rebuilding
    # from a worker thread) can copy a lock some thread holds; start clean workers then.
    import threading

    return multiprocessing.get_context("fork" if threading.active_count() == 1 else "spawn")


@contextmanager
def each_file(files: list[Path], vocab: tuple, counted: bool = True) -> Iterator[Iterator[FileRows]]:
    """FileRows per file, in order; in worker processes when there is much to parse. The
    workers start at once, so they parse while the caller prepares the database."""
    size = sum(p.stat().st_size for p in files)
    workers = min(os.cpu_count() or 1, len(files))
    if size < PARALLEL_BYTES or workers < 2:
        prev = _vocab
        _init(vocab)
        try:
            yield map(partial(file_rows, counted=counted), files)
        finally:
            _init(prev)
        return
    with _context().Pool(workers, initializer=_init_worker, initargs=(vocab,)) as pool:
        yield pool.imap(partial(file_rows, counted=counted), files)
