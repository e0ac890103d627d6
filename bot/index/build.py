"""Build the SQLite index from a checked dataset, atomically, and keep it fresh.

The database is derived data. A full build is written to a temporary file next to its final
place and renamed over it, so readers see the old index or the new one, never half of one,
and a dataset with errors leaves the existing index untouched. When only record files
changed, index/update.py re-indexes just those, in one transaction on the live file.
"""
from __future__ import annotations

import gc
import json
import os
import sqlite3
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from bot.dataset.files import file_hash, file_stats, record_files
from bot.dataset.model import heading_key
from bot.dataset.reader import Reader
from bot.dataset.store import reading
from bot.files import locked
from bot.index.meta import (
    FTS_COLUMNS,
    FTS_TOKENIZER,
    IN_FILE_BITS,
    RANK_GAP,
    RECORD_COLUMNS,
    SCHEMA_VERSION,
    DataError,
    data_error,
    meta_of,
    read_meta,
    read_vocab_all,
)
from bot.index.rows import FileRows, each_file
from bot.index.update import NeedsFullBuild, apply, plan
from bot.text import phrase_key, stem

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["DataError", "SCHEMA_VERSION", "build", "ensure_index", "is_fresh", "read_meta"]
FTS_BATCH = 10_000   # records per statement that fills the full-text index (see _write_records)


def is_fresh(data_dir: Path, db_path: Path) -> bool:
    return plan(Path(data_dir), Path(db_path)).fresh


def ensure_index(data_dir: Path, db_path: Path, force: bool = False) -> bool:
    """Bring the index up to date with the files; True if it changed. Only changed record files
    are re-indexed; a change to a vocabulary file (or a new index) rebuilds everything.
    Raises DataError on bad data, leaving the index as it was."""
    data_dir, db_path = Path(data_dir), Path(db_path)
    todo = plan(data_dir, db_path)
    if not force and todo.fresh and not todo.touched:
        return False
    # one writer at a time (the others wait, then find it fresh), reading no save half made
    with locked(f"{db_path}.lock"), reading(data_dir):
        todo = plan(data_dir, db_path)
        if not (force or todo.full):
            try:
                return apply(todo, data_dir, db_path)
            except NeedsFullBuild:
                pass
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


def file_rows_of(root: Path, stats: dict[str, tuple[int, int]]) -> list[tuple]:
    """`files` rows, taken before the files are read: a file changed while it is read then
    differs from its row, and is read again at the next check."""
    reader = Reader(root)
    return [(rel, reader.name(root / rel), size, mtime, file_hash(root / rel), None)
            for rel, (size, mtime) in sorted(stats.items())]


def _build(data_dir: Path, db_path: Path) -> dict:
    data_dir = Path(data_dir)
    stats = file_stats(data_dir)
    files = file_rows_of(data_dir, stats)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        counts = _write(data_dir, tmp, files)
        generation = int(read_meta(db_path).get("generation", 0)) + 1   # never repeated at one path
        conn = sqlite3.connect(tmp)
        conn.executemany("insert into meta values (?, ?)", meta_of(data_dir, stats, counts, generation).items())
        conn.commit()
        conn.close()
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


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


def _write(root: Path, tmp: Path, files: list[tuple]) -> dict:
    vocab, groups, about = read_vocab_all(root)
    paths = record_files(root)
    if not paths:
        raise data_error(root)
    ranked = {p.relative_to(root).as_posix(): n * RANK_GAP for n, p in enumerate(paths)}
    files = [(*f[:5], ranked.get(f[0])) for f in files]
    names = [Reader(root).name(p) for p in paths]
    try:
        with each_file(paths, vocab) as parts:
            import sqlite_utils  # only to build: answering must not pay for importing it (and numpy)

            db = sqlite_utils.Database(tmp)
            try:
                counts = _fill(db, parts, files, names, *vocab[1:], groups)
                _write_about(db, about)
                return counts
            finally:
                db.close()
    except _Invalid:
        pass
    raise data_error(root)   # once the workers are stopped: it reads everything again


class _Invalid(Exception):
    """A record file has errors: stop the build and let _data_error name them."""


def _fill(db: sqlite_utils.Database, parts: Iterator[FileRows], files: list[tuple], names: list[str], acts: dict,
          types: dict, entities: dict, documents: dict, groups: dict) -> dict:
    db.execute("pragma journal_mode = off")
    db.execute("pragma synchronous = off")
    db["meta"].create({"key": str, "value": str}, pk="key")
    db.execute("create table files (path text primary key, name text, size integer, mtime_ns integer, hash text,"
               " rank integer)")
    db.conn.executemany("insert into files values (?, ?, ?, ?, ?, ?)", files)
    _write_vocabularies(db, acts, types, entities)
    _write_groups(db, acts, groups)
    _write_documents(db, documents)
    n = _write_records(db, parts, names)
    for table, cols in (("record_dates", ["start", "end"]), ("record_actors", ["actor", "role", "record"]),
                        ("record_actors", ["record", "actor", "role"]), ("record_types", ["type", "record"]), ("record_entities", ["entity", "record"]),
                        ("actor_closure", ["ancestor"]), ("type_closure", ["ancestor"]), ("names", ["key"]),
                        ("records", ["date_sort"]), ("records", ["file"]), ("records", ["id"]),
                        ("record_dates", ["record"]), ("record_types", ["record"]), ("record_entities", ["record"]),
                        ("term_forms", ["stem"])):
        db[table].create_index(cols)
    # the midpoint of a date (start + end), for filters.clauses' period test; covering
    db.execute('create index idx_record_dates_mid on record_dates ((start + "end"), record, start, "end")')
    # latest first, then in the order of the files: the default order of every answer, walked
    # when many records match (engine._run)
    db.execute("create index idx_record_order_latest on record_order (dkey desc, ord)")
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
            translated = [w for ws in it.translations.values() for w in ws] if cat == "type" else []
            for n in {main, *getattr(it, extra), *translated, *([it.id.replace("-", " ")] if cat == "type" else [])}:
                key = phrase_key(n)
                if key:
                    names.append({"key": " ".join(key), "category": cat, "target": it.id, "name": n,
                                  "words": len(key)})
    db["names"].insert_all(names)


def _write_groups(db: sqlite_utils.Database, acts: dict, groups: dict) -> None:
    """Groups of actors (regions, memberships) and who belongs to each, with the groups' names."""
    db["groups"].create({"id": str, "name": str, "of_actor": str}, pk="id")
    db["groups"].insert_all({"id": g.id, "name": g.name, "of_actor": g.of} for g in groups.values())
    db["actor_groups"].create({"actor": str, "grp": str})
    db["actor_groups"].insert_all({"actor": a.id, "grp": g} for a in acts.values() for g in a.groups)
    db["names"].insert_all(({"key": " ".join(key), "category": "group", "target": g.id, "name": n, "words": len(key)}
                            for g in groups.values() for n in {g.name, *g.aliases} if (key := phrase_key(n))),
                           columns={"key": str, "category": str, "target": str, "name": str, "words": int})


def _write_documents(db: sqlite_utils.Database, documents: dict) -> None:
    """The documents and their sections, for citations' autocomplete and the captions. A
    section's heading is also a name ("multilateral action") when nothing else owns it and it is
    not the document's own title."""
    owned = {key for (key,) in db.execute("select key from names")}
    db["names"].insert_all(({"key": " ".join(k), "category": "section", "target": f"{d.id}:{s.key}",
                             "name": s.heading.strip(), "words": len(k)}
                            for d in documents.values() for s in d.sections
                            if (k := phrase_key(heading_key(s.heading))) and len(k) > 1 and " ".join(k) not in owned
                            and heading_key(s.heading) != heading_key(d.title)),
                           columns={"key": str, "category": str, "target": str, "name": str, "words": int})
    db["documents"].create({"id": str, "title": str, "publisher": str, "url": str}, pk="id")
    db["documents"].insert_all({"id": d.id, "title": d.title, "publisher": d.publisher, "url": d.url}
                               for d in documents.values())
    db["sections"].create({"document": str, "position": int, "key": str, "heading": str, "items": int})
    db["sections"].insert_all({"document": d.id, "position": n, "key": s.key, "heading": s.heading, "items": s.items}
                              for d in documents.values() for n, s in enumerate(d.sections))


def _write_about(db: sqlite_utils.Database, about) -> None:
    """sources.yaml's `covers` and `examples`, for help, /about and the command descriptions."""
    db["dataset"].insert_all([{"key": "covers", "value": about.covers},
                              {"key": "examples", "value": json.dumps(about.examples, ensure_ascii=False)}], pk="key")


def _write_records(db: sqlite_utils.Database, parts: Iterator[FileRows], names: list[str]) -> int:
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
    firsts = []
    for part, name in zip(parts, names):
        if part.problems or ids.intersection(part.ids) or len(set(part.ids)) < len(part.ids):
            raise _Invalid
        ids.update(part.ids)
        firsts.append((name, n + 1))
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
    # thousands of matches by date then reads a few pages instead of thousands. dkey is the date
    # with "no date" last; ord the place in a full build (ties keep the files' order).
    conn.execute(ORDER_TABLE)
    conn.execute("create temp table first_rowid (name text primary key, first integer)")
    conn.executemany("insert into first_rowid values (?, ?)", firsts)
    conn.execute(f"insert into record_order select r.rowid, r.date_sort, r.stage, coalesce(r.date_sort, -1),"
                 f" (f.rank << {IN_FILE_BITS}) + r.rowid - t.first from records r join first_rowid t on t.name = r.file"
                 " join files f on f.name = r.file")
    conn.execute("drop table temp.first_rowid")
    conn.commit()
    write_terms(conn, seen_words, df)
    return n


ORDER_TABLE = ("create table record_order (id integer primary key, date_sort integer, stage text, dkey integer,"
               " ord integer)")


def write_terms(conn: sqlite3.Connection, forms: Counter, df: Counter) -> None:
    """`term_forms`: each word form, its stem and count; `terms`: each stem, the records holding
    it and its most used form (ties: the first in alphabetical order, so that re-indexing one file
    gives the same table as a full build)."""
    stems = {w: stem(w) for w in forms}
    best: dict[str, tuple[int, str]] = {}
    for w, c in forms.items():
        s = stems[w]
        if s not in best or (-c, w) < (-best[s][0], best[s][1]):
            best[s] = (c, w)
    conn.execute("create table term_forms (word text primary key, stem text, n integer)")
    # sorted: the order sets come in differs between processes (string hashing), and so would the tables'
    conn.executemany("insert into term_forms values (?, ?, ?)", ((w, stems[w], c) for w, c in sorted(forms.items())))
    conn.execute("create table terms (stem text primary key, df integer, word text)")
    conn.executemany("insert into terms values (?, ?, ?)", ((s, c, best[s][1]) for s, c in sorted(df.items())))
    conn.commit()
