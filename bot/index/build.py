"""Build the SQLite index from a checked dataset, atomically, and tell when it is stale.

The database is derived data: it is written to a temporary file next to its final place
and renamed over it, so readers see the old index or the new one, never half of one,
and a dataset with errors leaves the existing index untouched.
"""
from __future__ import annotations

import gc
import json
import os
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from bot.dataset.files import content_hash, record_files, stat_signature
from bot.dataset.reader import Reader
from bot.dataset.schema import errors_only, load_dataset, read_vocabularies
from bot.dataset.store import reading
from bot.dataset.yamlio import Problem
from bot.files import locked
from bot.index.rows import FileRows, each_file
from bot.text import phrase_key, stem

if TYPE_CHECKING:
    import sqlite_utils

SCHEMA_VERSION = "8"
RECORD_COLUMNS = ("rowid:int id title summary body quote keywords stage date_kind date_text date_sort:int date_parts "
                  "votes figures sources types entities actors file line:int")
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
FTS_COLUMNS = ("title", "summary", "body", "quote", "keywords")
FTS_BATCH = 10_000   # records per statement that fills the full-text index (see _write_records)


class DataError(Exception):
    """The data folder has errors; the index was not (re)built."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the data:\n{shown}{more}")


def read_meta(db_path: Path) -> dict[str, str]:
    if not db_path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            return dict(conn.execute("select key, value from meta"))
    except sqlite3.Error:
        return {}


def is_fresh(data_dir: Path, db_path: Path, meta: dict | None = None) -> bool:
    meta = read_meta(db_path) if meta is None else meta
    if meta.get("schema_version") != SCHEMA_VERSION or meta.get("data_dir") != str(data_dir.resolve()):
        return False
    signature = stat_signature(data_dir)
    if meta.get("stat_signature") == signature:
        return True
    if meta.get("content_hash") != content_hash(data_dir):
        return False
    # touched but unchanged (a checkout, a copy): remember the new times so the next check is cheap
    try:
        with sqlite3.connect(db_path, timeout=5) as conn:
            conn.execute("update meta set value = ? where key = 'stat_signature'", (signature,))
    except sqlite3.Error:
        pass  # a read-only index still answers; the check just stays the slower one
    return True


def ensure_index(data_dir: Path, db_path: Path, force: bool = False) -> bool:
    """Rebuild when the data changed; True if it did. Raises DataError on bad data."""
    if not force and is_fresh(data_dir, db_path):
        return False
    # one builder at a time (the others wait, then find it fresh), reading no save half made
    with locked(f"{db_path}.lock"), reading(data_dir):
        if not force and is_fresh(data_dir, db_path):
            return False
        build(data_dir, db_path)
        return True


def build(data_dir: Path, db_path: Path) -> dict:
    # Loading makes millions of small acyclic objects; with the cyclic collector on, each of
    # its passes rescans all of them: at 100,000 records that was 40 s of a 55 s load.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _build(data_dir, db_path)
    finally:
        if paused:
            gc.enable()


def _build(data_dir: Path, db_path: Path) -> dict:
    signature, digest = stat_signature(data_dir), content_hash(data_dir)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        counts = _write(Path(data_dir), tmp)
        meta = {"schema_version": SCHEMA_VERSION, "data_dir": str(data_dir.resolve()),
                "stat_signature": signature, "content_hash": digest, "built_at": str(int(time.time())),
                "counts": json.dumps(counts),
                "data_changed_at": str(max(int(p.stat().st_mtime) for p in Path(data_dir).rglob("*.yaml")))}
        conn = sqlite3.connect(tmp)
        conn.executemany("insert into meta values (?, ?)", meta.items())
        conn.commit()
        conn.close()
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def _data_error(root: Path) -> DataError:
    """The build streams and stops at the first sign of a problem; load_dataset then reads
    everything again to report every problem, worded and ordered as `validate` does."""
    errors = errors_only(load_dataset(root)[1])
    return DataError(errors or [Problem(str(root), 1, "the data has errors")])


def _closure(items: dict) -> list[dict]:
    rows = []
    for i in items:
        cur, depth = i, 0
        while cur:
            rows.append({"ancestor": cur, "descendant": i, "depth": depth})
            cur, depth = items[cur].parent, depth + 1
    return rows


def _country_of(actors: dict, aid: str) -> str | None:
    cur = aid
    while cur:
        if actors[cur].kind == "country":
            return cur
        cur = actors[cur].parent
    return None


def _write(root: Path, tmp: Path) -> dict:
    reader = Reader(root)
    if not root.is_dir():
        raise _data_error(root)
    acts, types, entities, documents = read_vocabularies(reader, root)
    files = record_files(root)
    if errors_only(reader.problems) or not files:
        raise _data_error(root)
    vocab = (root, acts, types, entities, documents)
    try:
        with each_file(files, vocab) as parts:
            import sqlite_utils  # only to build: answering must not pay for importing it (and numpy)

            db = sqlite_utils.Database(tmp)
            try:
                return _fill(db, parts, acts, types, entities, documents)
            finally:
                db.close()
    except _Invalid:
        pass
    raise _data_error(root)   # once the workers are stopped: it reads everything again


class _Invalid(Exception):
    """A record file has errors: stop the build and let _data_error name them."""


def _fill(db: sqlite_utils.Database, parts: Iterator[FileRows], acts: dict, types: dict, entities: dict,
          documents: dict) -> dict:
    db.execute("pragma journal_mode = off")
    db.execute("pragma synchronous = off")
    db["meta"].create({"key": str, "value": str}, pk="key")
    _write_vocabularies(db, acts, types, entities)
    _write_documents(db, documents)
    n = _write_records(db, parts)
    for table, cols in (("record_dates", ["start", "end"]), ("record_actors", ["actor", "record"]),
                        ("record_actors", ["record", "actor", "role"]), ("record_types", ["type", "record"]), ("record_entities", ["entity", "record"]),
                        ("actor_closure", ["ancestor"]), ("type_closure", ["ancestor"]), ("names", ["key"]),
                        ("records", ["date_sort"])):
        db[table].create_index(cols)
    # the midpoint of a date (start + end), for filters.clauses' period test; covering
    db.execute('create index idx_record_dates_mid on record_dates ((start + "end"), record, start, "end")')
    db.execute("analyze")
    return {"records": n, "actors": len(acts), "types": len(types),
            "entities": len(entities), "documents": len(documents)}


def _write_vocabularies(db: sqlite_utils.Database, acts: dict, types: dict, entities: dict) -> None:
    db["actors"].insert_all(({"id": a.id, "name": a.name, "kind": a.kind, "parent": a.parent, "flag": a.flag,
                              "country": _country_of(acts, a.id), "aliases": json.dumps(a.aliases)}
                             for a in acts.values()), pk="id")
    db["actor_closure"].insert_all(_closure(acts))
    db["types"].insert_all(({"id": t.id, "label": t.label, "parent": t.parent} for t in types.values()), pk="id")
    db["type_closure"].insert_all(_closure(types))
    db["entities"].insert_all(({"id": e.id, "name": e.name, "kind": e.kind, "aliases": json.dumps(e.aliases)}
                               for e in entities.values()), pk="id")
    names = []
    for cat, items, extra in (("actor", acts.values(), "aliases"), ("entity", entities.values(), "aliases"),
                              ("type", types.values(), "synonyms")):
        for it in items:
            main = it.label if cat == "type" else it.name
            for n in {main, *getattr(it, extra), *( [it.id.replace("-", " ")] if cat == "type" else [])}:
                key = phrase_key(n)
                if key:
                    names.append({"key": " ".join(key), "category": cat, "target": it.id, "name": n,
                                  "words": len(key)})
    db["names"].insert_all(names)


def _write_documents(db: sqlite_utils.Database, documents: dict) -> None:
    """The documents and their sections, for citations' autocomplete and the captions."""
    db["documents"].create({"id": str, "title": str, "publisher": str, "url": str}, pk="id")
    db["documents"].insert_all({"id": d.id, "title": d.title, "publisher": d.publisher, "url": d.url}
                               for d in documents.values())
    db["sections"].create({"document": str, "position": int, "key": str, "heading": str, "items": int})
    db["sections"].insert_all({"document": d.id, "position": n, "key": s.key, "heading": s.heading, "items": s.items}
                              for d in documents.values() for n, s in enumerate(d.sections))


def _write_records(db: sqlite_utils.Database, parts: Iterator[FileRows]) -> int:
    """Insert every record file's rows as it arrives; return the number of records."""
    # plain executemany: sqlite-utils' per-row type inference cost more than the inserts
    inserts = {}
    for table, cols in (("records", RECORD_COLUMNS), ("record_dates", "record:int start:int end:int"),
                        ("record_actors", "record:int actor role"), ("record_types", "record:int type"),
                        ("record_entities", "record:int entity")):
        spec = [c.partition(":") for c in cols.split()]
        db.execute(f'create table "{table}" (' + ", ".join(
            f'"{c}" {"INTEGER" if t == "int" else "TEXT"}{" PRIMARY KEY" if c == "rowid" else ""}'
            for c, _, t in spec) + ")")
        # the first value is the record's number within its file: offset in SQL, not by
        # rebuilding 600,000 tuples in Python
        inserts[table] = f'insert into "{table}" values (? + {{}}, {", ".join("?" * (len(spec) - 1))})'
    # The full-text index is filled in batches while the workers parse, so little of it is
    # left for the end. FTS5 writes a segment per statement: filling it per file (120 statements
    # at 100,000 records) cost 3.4 s, in batches of 10,000 records about 1 s, like one statement.
    cols = ", ".join(FTS_COLUMNS)
    db.execute(f"create virtual table records_fts using fts5 ({cols}, tokenize='{FTS_TOKENIZER}', content=records)")
    fill_fts = f"insert into records_fts (rowid, {cols}) select rowid, {cols} from records where rowid > ?"
    in_fts = 0
    ids: set[str] = set()
    seen_words: Counter = Counter()   # every word form, in order of first use
    df: Counter = Counter()
    n, conn = 0, db.conn
    for part in parts:
        if not part.ok or ids.intersection(part.ids) or len(set(part.ids)) < len(part.ids):
            raise _Invalid
        ids.update(part.ids)
        for table, rows in (("records", part.records), ("record_dates", part.dates), ("record_actors", part.actors),
                            ("record_types", part.types), ("record_entities", part.entities)):
            conn.executemany(inserts[table].format(n + 1), rows)
        seen_words.update(part.words)
        df.update(part.df)
        n += len(part.records)
        if n - in_fts >= FTS_BATCH:
            conn.execute(fill_fts, (in_fts,))
            in_fts = n
    conn.execute(fill_fts, (in_fts,))
    # The columns filters and ordering read, in rows a tenth the size of `records`: sorting
    # thousands of matches by date then reads a few pages instead of thousands.
    conn.execute("create table record_order (id integer primary key, date_sort integer, stage text)")
    conn.execute("insert into record_order select rowid, date_sort, stage from records")
    conn.commit()
    forms: dict[str, Counter] = {}
    stems: dict[str, str] = {}
    for w, c in seen_words.items():   # first-seen order, so most_common breaks ties as before
        s = stems[w] = stem(w)
        forms.setdefault(s, Counter())[w] += c
    db["terms"].insert_all(({"stem": s, "df": c, "word": forms[s].most_common(1)[0][0]} for s, c in df.items()),
                           pk="stem")
    return n
