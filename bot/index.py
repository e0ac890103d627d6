"""Build the SQLite index from a checked dataset, atomically, and tell when it is stale.

The database is derived data: it is written to a temporary file next to its final place
and renamed over it, so readers see the old index or the new one, never half of one,
and a dataset with errors leaves the existing index untouched.
"""
from __future__ import annotations

import fcntl
import gc
import json
import os
import sqlite3
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from .dataset import Dataset, content_hash, errors_only, load_dataset, stat_signature
from .text import phrase_key, stem, words
from .yamlio import Problem

SCHEMA_VERSION = "5"
RECORD_COLUMNS = ("rowid:int id title summary body quote keywords stage date_kind date_text date_sort:int date_parts "
                  "votes figures sources types entities actors file line:int")
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


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
    if meta.get("stat_signature") == stat_signature(data_dir):
        return True
    return meta.get("content_hash") == content_hash(data_dir)


@contextmanager
def build_lock(db_path: Path):
    """One builder at a time across processes; the others wait, then find it fresh."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{db_path}.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_index(data_dir: Path, db_path: Path, force: bool = False) -> bool:
    """Rebuild when the data changed; True if it did. Raises DataError on bad data."""
    if not force and is_fresh(data_dir, db_path):
        return False
    with build_lock(db_path):
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
    ds, problems = load_dataset(data_dir)
    errors = errors_only(problems)
    if errors:
        raise DataError(errors)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        counts = _write(ds, sqlite_utils.Database(tmp))
        meta = {"schema_version": SCHEMA_VERSION, "data_dir": str(data_dir.resolve()),
                "stat_signature": signature, "content_hash": digest, "built_at": str(int(time.time())),
                "counts": json.dumps(counts),
                "data_changed_at": str(max(int(p.stat().st_mtime) for p in ds.root.rglob("*.yaml")))}
        conn = sqlite3.connect(tmp)
        conn.executemany("insert into meta values (?, ?)", meta.items())
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


def _write(ds: Dataset, db: sqlite_utils.Database) -> dict:
    db.execute("pragma journal_mode = off")
    db.execute("pragma synchronous = off")
    db["meta"].create({"key": str, "value": str}, pk="key")
    acts = ds.actors
    db["actors"].insert_all(({"id": a.id, "name": a.name, "kind": a.kind, "parent": a.parent, "flag": a.flag,
                              "country": _country_of(acts, a.id), "aliases": json.dumps(a.aliases)}
                             for a in acts.values()), pk="id")
    db["actor_closure"].insert_all(_closure(acts))
    db["types"].insert_all(({"id": t.id, "label": t.label, "parent": t.parent} for t in ds.types.values()), pk="id")
    db["type_closure"].insert_all(_closure(ds.types))
    db["entities"].insert_all(({"id": e.id, "name": e.name, "kind": e.kind, "aliases": json.dumps(e.aliases)}
                               for e in ds.entities.values()), pk="id")

    names = []
    for cat, items, extra in (("actor", acts.values(), "aliases"), ("entity", ds.entities.values(), "aliases"),
                              ("type", ds.types.values(), "synonyms")):
        for it in items:
            main = it.label if cat == "type" else it.name
            for n in {main, *getattr(it, extra), *( [it.id.replace("-", " ")] if cat == "type" else [])}:
                key = phrase_key(n)
                if key:
                    names.append({"key": " ".join(key), "category": cat, "target": it.id, "name": n,
                                  "words": len(key)})
    db["names"].insert_all(names)

    rec_rows, dates, links, rtypes, rents = [], [], [], [], []
    df: Counter = Counter()
    seen_words: Counter = Counter()   # every word form, in order of first use
    stems: dict[str, str] = {}        # stem() per distinct word, not per occurrence
    for n, r in enumerate(ds.records, start=1):
        d = r.date
        keywords = " ".join([acts[a].name for a, _ in r.actors]
                            + [x for e in r.entities for x in (ds.entities[e].name, *ds.entities[e].aliases)])
        rec_rows.append((
            n, r.id, r.title, r.summary, r.body, r.quote, keywords, r.stage,
            d.kind if d else None, d.text if d else None, d.sort_key if d else None,
            json.dumps([{"precision": p.precision, "start": p.start, "end": p.end, "text": p.text}
                        for p in d.parts]) if d else None,
            json.dumps(r.votes), json.dumps(r.figures), json.dumps(r.sources),
            json.dumps(r.types), json.dumps(r.entities), json.dumps(r.actors), r.file, r.line))
        dates += [(n, a, b) for a, b in (d.anchors if d else ())]
        links += [(n, a, role) for a, role in r.actors]
        rtypes += [(n, t) for t in r.types]
        rents += [(n, e) for e in r.entities]
        ws = words(" ".join((r.title, r.summary, r.body, r.quote, keywords)))
        seen_words.update(ws)
        for w in set(ws).difference(stems):
            stems[w] = stem(w)
        df.update({stems[w] for w in ws})
    # plain executemany: sqlite-utils' per-row type inference cost more than the inserts
    for table, cols in (("records", RECORD_COLUMNS), ("record_dates", "record:int start:int end:int"),
                        ("record_actors", "record:int actor role"), ("record_types", "record:int type"),
                        ("record_entities", "record:int entity")):
        spec = [c.partition(":") for c in cols.split()]
        db.execute(f'create table "{table}" (' + ", ".join(
            f'"{c}" {"INTEGER" if t == "int" else "TEXT"}{" PRIMARY KEY" if c == "rowid" else ""}'
            for c, _, t in spec) + ")")
        rows = {"records": rec_rows, "record_dates": dates, "record_actors": links,
                "record_types": rtypes, "record_entities": rents}[table]
        db.conn.executemany(f'insert into "{table}" values ({", ".join("?" * len(spec))})', rows)
    db.conn.commit()
    forms: dict[str, Counter] = {}
    for w, c in seen_words.items():   # first-seen order, so most_common breaks ties as before
        forms.setdefault(stems[w], Counter())[w] += c
    db["terms"].insert_all(({"stem": s, "df": c, "word": forms[s].most_common(1)[0][0]} for s, c in df.items()),
                           pk="stem")
    db["records"].enable_fts(["title", "summary", "body", "quote", "keywords"], tokenize=FTS_TOKENIZER)
    for table, cols in (("record_dates", ["start", "end"]), ("record_actors", ["actor", "record"]),
                        ("record_types", ["type", "record"]), ("record_entities", ["entity", "record"]),
                        ("actor_closure", ["ancestor"]), ("type_closure", ["ancestor"]), ("names", ["key"]),
                        ("records", ["date_sort"])):
        db[table].create_index(cols)
    # the midpoint of a date (start + end), for filters.clauses' period test; covering
    db.execute('create index idx_record_dates_mid on record_dates ((start + "end"), record, start, "end")')
    db.execute("analyze")
    return {"records": len(ds.records), "actors": len(acts), "types": len(ds.types),
            "entities": len(ds.entities), "documents": len(ds.documents)}
