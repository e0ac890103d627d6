"""Keep the index in step with the files without rebuilding it: which files changed since the
index was made (plan), and re-indexing just those record files in one transaction (apply).

The live file keeps SQLite's rollback journal, not WAL: a full build is renamed over the
index, and a WAL index's log and shared memory are found by file name, so a reader still on
the old file would read the new file's log. With the journal, a reader sees a transaction
whole or not at all; it waits (its busy timeout) only while the change commits. A reader left
on a renamed-away file meets the new file's journal as a "hot" one it may not roll back (it
opens read-only): it gets an error, never wrong rows, and the engine reconnects.
"""
from __future__ import annotations

import gc
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.dataset.files import VOCABULARY_FILES, file_hash, file_stats
from bot.dataset.reader import Reader
from bot.dataset.yamlio import Problem
from bot.index.meta import (
    FTS_COLUMNS,
    IN_FILE_BITS,
    RANK_GAP,
    RECORD_COLUMNS,
    SCHEMA_VERSION,
    DataError,
    meta_of,
    read_meta,
    read_vocab,
)
from bot.index.rows import count_words, each_file, text_of

RECORD_WIDTH = len(RECORD_COLUMNS.split())
MANY = 0.25   # re-index at most this share of the record files; past it a full build is quicker


@dataclass
class Plan:
    fresh: bool
    full: bool = False
    changed: list[str] = field(default_factory=list)   # record files to (re)index: edited or new
    removed: list[str] = field(default_factory=list)
    touched: dict = field(default_factory=dict)        # same bytes, new times: only remembered
    stats: dict = field(default_factory=dict)          # what the files on disk looked like


def indexed_files(db_path: Path) -> dict[str, tuple]:
    """path -> (name, size, mtime_ns, hash, rank) as the index last saw each file."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return {r[0]: r[1:] for r in conn.execute("select path, name, size, mtime_ns, hash, rank from files")}


def plan(root: Path, db_path: Path, stats: dict | None = None) -> Plan:
    """What it takes to bring the index up to date with the files in root."""
    stats = file_stats(root) if stats is None else stats
    meta = read_meta(db_path)
    if meta.get("schema_version") != SCHEMA_VERSION or meta.get("data_dir") != str(root.resolve()):
        return Plan(False, full=True, stats=stats)
    try:
        known = indexed_files(db_path)
    except sqlite3.Error:
        return Plan(False, full=True, stats=stats)
    todo = Plan(True, stats=stats)
    for rel, st in stats.items():
        k = known.get(rel)
        if k and (k[1], k[2]) == st:
            continue
        if k and k[1] == st[0] and file_hash(root / rel) == k[3]:
            todo.touched[rel] = st       # a checkout or a copy: touched, not changed
            continue
        if rel in VOCABULARY_FILES:
            return Plan(False, full=True, stats=stats)
        todo.changed.append(rel)
    todo.removed = [rel for rel in known if rel not in stats]
    records = [rel for rel in stats if rel not in VOCABULARY_FILES]
    if any(rel in VOCABULARY_FILES for rel in todo.removed) or not records \
            or len(todo.changed) + len(todo.removed) > max(1, MANY * len(records)):
        return Plan(False, full=True, stats=stats)
    todo.fresh = not (todo.changed or todo.removed)   # touched files are only remembered
    return todo


class NeedsFullBuild(Exception):
    """A new file sorts between two whose ranks are adjacent: only a full build can place it."""


_vocab_cache: dict = {}


def _vocab(root: Path, known: dict) -> tuple:
    """The vocabularies, read once per version of their files (4,000 actors take a while)."""
    key = (str(root.resolve()), tuple(known[rel][3] for rel in VOCABULARY_FILES if rel in known))
    if key not in _vocab_cache:
        _vocab_cache.clear()
        _vocab_cache[key] = read_vocab(root)
    return _vocab_cache[key]


def apply(todo: Plan, root: Path, db_path: Path) -> bool:
    """Re-index the changed record files and drop the removed ones, in one transaction.
    Raises DataError (the index unchanged) when a changed file has errors, NeedsFullBuild
    when a new file cannot be given a place."""
    known = indexed_files(db_path)
    parts, problems, hashes = {}, [], {}
    if todo.changed:
        changed = sorted(todo.changed, key=lambda rel: root / rel)
        # hashed before they are read: a file changed meanwhile differs at the next check
        hashes = {rel: file_hash(root / rel) for rel in changed}
        paused = gc.isenabled()
        gc.disable()   # parsing makes many small acyclic objects (see build.build)
        try:
            with each_file([root / rel for rel in changed], _vocab(root, known), counted=False) as read:
                for rel, part in zip(changed, read):
                    parts[rel] = part
                    problems += part.problems
        finally:
            if paused:
                gc.enable()
    if problems:
        raise DataError(problems)
    conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    try:
        conn.execute("pragma cache_size = -262144")   # the change stays in memory until it commits
        conn.execute("begin immediate")
        try:
            if parts or todo.removed:
                _update(conn, root, todo, known, parts)
            _files(conn, root, todo, known, hashes)
        except BaseException:
            conn.execute("rollback")
            raise
        conn.execute("commit")
    finally:
        conn.close()
    return bool(parts or todo.removed)


def _ranks(root: Path, known: dict, todo: Plan) -> dict[str, int]:
    """Each changed file's rank: its own, or one between the files it now sorts between."""
    ranks = {rel: k[4] for rel, k in known.items() if k[4] is not None and rel not in todo.removed}
    for rel in sorted(todo.changed, key=lambda rel: root / rel):
        if rel in ranks:
            continue
        order = sorted([*ranks, rel], key=lambda r: root / r)
        i = order.index(rel)
        lo = ranks[order[i - 1]] if i > 0 else None
        hi = ranks[order[i + 1]] if i + 1 < len(order) else None
        lo = hi - 2 * RANK_GAP if lo is None and hi is not None else lo
        rank = (lo + RANK_GAP if hi is None else (lo + hi) // 2) if lo is not None else 0
        if hi is not None and not lo < rank < hi:
            raise NeedsFullBuild
        ranks[rel] = rank
    return ranks


def _duplicates(conn, root: Path, todo: Plan, parts: dict, names: dict, ranks: dict) -> list[Problem]:
    """Ids of the changed files that another file (or another changed file) also holds, worded
    as validate words them: at the later one, naming the first."""
    mine: dict[str, tuple] = {}   # id -> (rank, name, line)
    out = []
    for rel, part in parts.items():
        for rid, rec in zip(part.ids, part.records):
            here = (ranks[rel], names[rel], rec[-1])
            if rid in mine:
                first, later = sorted((mine[rid], here))
                out.append(Problem(later[1], later[2], f"duplicate record id {rid!r} (first at {first[1]}:{first[2]})"))
            mine[rid] = here
    gone = [names[rel] for rel in [*todo.changed, *todo.removed]]
    ids = list(mine)
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        for rid, name, line, o in conn.execute(
                f"select r.id, r.file, r.line, o.ord from records r join record_order o on o.id = r.rowid"
                f" where r.id in ({', '.join('?' * len(chunk))})", chunk):
            if name in gone:
                continue
            first, later = sorted((mine[rid], (o >> IN_FILE_BITS, name, line)))
            out.append(Problem(later[1], later[2], f"duplicate record id {rid!r} (first at {first[1]}:{first[2]})"))
    return sorted(out, key=lambda p: (p.file, p.line))


def _update(conn: sqlite3.Connection, root: Path, todo: Plan, known: dict, parts: dict) -> None:
    reader = Reader(root)
    names = {rel: known[rel][0] if rel in known else reader.name(root / rel) for rel in [*todo.changed, *todo.removed]}
    ranks = _ranks(root, known, todo)
    dups = _duplicates(conn, root, todo, parts, names, ranks)
    if dups:
        raise DataError(dups)
    cols = ", ".join(FTS_COLUMNS)
    # Only the records whose content changed are replaced; the others of a changed file keep
    # their rows and get their new line and place (an edit moves the records after it).
    drop, add, moved = [], [], []
    for rel in todo.removed:
        drop += [r for (r,) in conn.execute("select rowid from records where file = ?", (names[rel],))]
    for rel, part in parts.items():
        old = {row[1]: row for row in conn.execute(
            "select r.*, o.ord from records r join record_order o on o.id = r.rowid where r.file = ?", (names[rel],))}
        for rec in part.records:
            was = old.pop(rec[1], None)
            place = (ranks[rel] << IN_FILE_BITS) + rec[0]
            if was is not None and was[1:-2] == rec[1:-1]:   # the same but for its line (and place)
                if (was[-2], was[-1]) != (rec[-1], place):
                    moved.append((rec[-1], place, was[0]))
                continue
            if was is not None:
                drop.append(was[0])
            add.append((rel, rec, place))
        drop += [row[0] for row in old.values()]
    stems: dict[str, str] = {}
    forms, df = count_words((text_of(*r) for r in _each(conn, f"select {cols} from records where rowid in", drop)), stems)
    conn.execute("create temp table gone (id integer primary key)")
    conn.executemany("insert into temp.gone values (?)", ((r,) for r in drop))
    # an external-content full-text index forgets a row given the values it was indexed with
    conn.execute(f"insert into records_fts (records_fts, rowid, {cols}) select 'delete', rowid, {cols} from records"
                 " where rowid in temp.gone")
    for table, key in (("records", "rowid"), ("record_order", "id"), ("record_dates", "record"),
                       ("record_actors", "record"), ("record_types", "record"), ("record_entities", "record")):
        conn.execute(f"delete from {table} where {key} in temp.gone")
    conn.execute("drop table temp.gone")
    conn.executemany("update records set line = ? where rowid = ?", ((line, r) for line, _, r in moved))
    conn.executemany("update record_order set ord = ? where id = ?", ((place, r) for _, place, r in moved))
    base = conn.execute("select coalesce(max(rowid), 0) from records").fetchone()[0]
    rowid_of = {(rel, rec[0]): base + 1 + n for n, (rel, rec, _) in enumerate(add)}
    conn.executemany(f"insert into records values ({', '.join('?' * RECORD_WIDTH)})",
                     ((rowid_of[(rel, rec[0])], *rec[1:]) for rel, rec, _ in add))
    conn.executemany("insert into record_order values (?, ?, ?, ?, ?)",
                     ((rowid_of[(rel, rec[0])], rec[10], rec[7], -1 if rec[10] is None else rec[10], place)
                      for rel, rec, place in add))
    for rel, part in parts.items():
        for table, rows in (("record_dates", part.dates), ("record_actors", part.actors),
                            ("record_types", part.types), ("record_entities", part.entities)):
            new = [(rowid_of[(rel, k)], *rest) for k, *rest in rows if (rel, k) in rowid_of]
            if new:
                conn.executemany(f"insert into {table} values ({', '.join('?' * len(new[0]))})", new)
    conn.execute(f"insert into records_fts (rowid, {cols}) select rowid, {cols} from records where rowid > ?", (base,))
    new_forms, new_df = count_words((text_of(*rec[2:7]) for _, rec, _ in add), stems)
    _terms(conn, forms, df, new_forms, new_df)
    conn.executemany("insert or replace into files (path, name, rank) values (?, ?, ?)",
                     ((rel, names[rel], ranks[rel]) for rel in todo.changed))
    counts = json.loads(conn.execute("select value from meta where key = 'counts'").fetchone()[0])
    counts["records"] = conn.execute("select count(*) from records").fetchone()[0]
    generation = int(conn.execute("select value from meta where key = 'generation'").fetchone()[0]) + 1
    conn.executemany("insert or replace into meta values (?, ?)", meta_of(root, todo.stats, counts, generation).items())


def _each(conn, sql: str, ids: list[int]):
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        yield from conn.execute(f"{sql} ({', '.join('?' * len(chunk))})", chunk)


def _terms(conn, old_forms: Counter, old_df: Counter, new_forms: Counter, new_df: Counter) -> None:
    """Take the old files' words out of term_forms and terms, put the new ones in, and pick the
    most used form again for the stems that changed (the same rule as write_terms)."""
    from bot.text import stem

    forms, df = Counter(new_forms), Counter(new_df)
    forms.subtract(old_forms)
    df.subtract(old_df)
    conn.executemany("insert into term_forms values (?, ?, ?) on conflict (word) do update set n = n + excluded.n",
                     ((w, stem(w), c) for w, c in forms.items() if c))
    conn.execute("delete from term_forms where n <= 0")
    conn.executemany("insert into terms values (?, ?, null) on conflict (stem) do update set df = df + excluded.df",
                     ((s, c) for s, c in df.items() if c))
    conn.execute("delete from terms where df <= 0")
    touched = {stem(w) for w, c in forms.items() if c} | {s for s, c in df.items() if c}
    conn.executemany("update terms set word = (select word from term_forms f where f.stem = terms.stem"
                     " order by n desc, word limit 1) where stem = ?", ((s,) for s in touched))


def _files(conn, root: Path, todo: Plan, known: dict, hashes: dict) -> None:
    """What the files looked like when they were read, for the next plan."""
    conn.executemany("delete from files where path = ?", ((rel,) for rel in todo.removed))
    conn.executemany("update files set size = ?, mtime_ns = ? where path = ?",
                     ((*st, rel) for rel, st in todo.touched.items()))
    conn.executemany("update files set size = ?, mtime_ns = ?, hash = ? where path = ?",
                     ((*todo.stats[rel], hashes[rel], rel) for rel in todo.changed))
