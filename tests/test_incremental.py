"""Re-indexing only the files that changed gives what a full build gives, and never half of it."""
from __future__ import annotations

import re
import sqlite3
import threading
import time

import pytest

from bot.engine.engine import Engine
from bot.files import atomic_write
from bot.index.build import DataError, build, ensure_index, read_meta

QUESTIONS = ["what did Canada do", "sanctions in 2021", "Hikvision", "genocide", "what did Lithuania do",
             "latest actions", "how many statements", "forced labour in cotton", "Canada tests the index"]
NEW_RECORD = ("- id: ca-test-record\n  title: Canada tests the index\n  summary: A test record about cotton.\n"
              "  date: 2021-05-02\n  actors: [canada]\n  types: [statements]\n"
              "  sources: [{document: uhrp-responses, section: Canada, item: 1}]\n")


def _contents(db) -> dict:
    """Every table, with record numbers replaced by record ids (they are allotted differently)
    and the order key by the order it gives."""
    conn = sqlite3.connect(db)
    ids = dict(conn.execute("select rowid, id from records"))
    out = {"order": [ids[r] for (r,) in conn.execute("select id from record_order order by ord")]}
    out["records"] = sorted(r[1:] for r in conn.execute("select * from records"))   # less the number
    out["record_order"] = sorted((ids[r[0]], *r[1:4]) for r in conn.execute("select * from record_order"))
    for table in ("record_dates", "record_actors", "record_types", "record_entities"):
        out[table] = sorted((ids[r[0]], *r[1:]) for r in conn.execute(f"select * from {table}"))
    for table in ("terms", "term_forms", "actors", "names", "types", "entities", "documents", "sections"):
        out[table] = sorted(conn.execute(f"select * from {table}"))
    out["files"] = sorted(r[:5] for r in conn.execute("select * from files"))
    conn.execute("create virtual table temp.v using fts5vocab(main, records_fts, 'instance')")
    out["fts"] = sorted((t, ids[d], c, o) for t, d, c, o in conn.execute("select * from temp.v"))
    out["counts"] = read_meta(db)["counts"]
    return out


def _answers(data, db) -> list:
    eng = Engine(data, db)
    return [(a.text, [r["id"] for r in a.records]) for a in map(eng.answer, QUESTIONS)]


def _same_as_full_build(data, db, tmp_path):
    full = tmp_path / "full.db"
    build(data, full)
    assert _contents(db) == _contents(full)
    assert _answers(data, db) == _answers(data, full)


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    atomic_write(path, text.replace(old, new, 1))


@pytest.mark.parametrize("change", ["edit", "add a record", "new file", "remove a file"])
def test_reindexing_changed_files_gives_the_full_build(data_copy, tmp_path, change):
    db = tmp_path / "i.db"
    ensure_index(data_copy, db)
    generation = read_meta(db)["generation"]
    records = data_copy / "records"
    if change == "edit":
        _edit(records / "canada.yaml", "votes 266-0", "votes unanimously, cotton")
    elif change == "add a record":
        atomic_write(records / "canada.yaml", NEW_RECORD + (records / "canada.yaml").read_text(encoding="utf-8"))
    elif change == "new file":
        atomic_write(records / "cb-new.yaml", NEW_RECORD)   # sorts between canada.yaml and civil-society.yaml
    else:
        (records / "lithuania.yaml").unlink()
    inode = db.stat().st_ino
    assert ensure_index(data_copy, db) is True
    assert db.stat().st_ino == inode                      # changed in place, not rebuilt
    assert int(read_meta(db)["generation"]) == int(generation) + 1
    _same_as_full_build(data_copy, db, tmp_path)


def test_an_invalid_edit_leaves_the_index_answering_and_names_the_problem(data_copy, tmp_path):
    db = tmp_path / "i.db"
    eng = Engine(data_copy, db, strict=False)
    eng.check_every = 0
    before = eng.answer("what did Lithuania do").text
    _edit(data_copy / "records/lithuania.yaml", "types: [", "types: [no-such-type, ")
    assert eng.answer("what did Lithuania do").text == before
    assert "records/lithuania.yaml" in str(eng.last_error) and "unknown type 'no-such-type'" in str(eng.last_error)
    _edit(data_copy / "records/lithuania.yaml", "types: [no-such-type, ", "types: [")
    assert eng.answer("what did Lithuania do").text == before and eng.last_error is None
    # an id another file holds is named as validate names it: at the later file, naming the first
    rid = re.search(r"^- id: (\S+)", (data_copy / "records/canada.yaml").read_text(encoding="utf-8"), re.M)[1]
    atomic_write(data_copy / "records/zz-dup.yaml", NEW_RECORD.replace("ca-test-record", rid))
    with pytest.raises(DataError, match=rf"zz-dup.yaml:1: duplicate record id '{rid}' \(first at \S+canada.yaml:"):
        ensure_index(data_copy, db)
    (data_copy / "records/zz-dup.yaml").unlink()
    _same_as_full_build(data_copy, db, tmp_path)


def test_a_vocabulary_change_rebuilds_everything_into_a_new_file(data_copy, tmp_path):
    db = tmp_path / "i.db"
    ensure_index(data_copy, db)
    inode = db.stat().st_ino
    actors = data_copy / "actors.yaml"
    atomic_write(actors, actors.read_text(encoding="utf-8") + "\n- id: testland\n  name: Testland\n  kind: country\n")
    assert ensure_index(data_copy, db) is True
    assert db.stat().st_ino != inode
    assert sqlite3.connect(db).execute("select name from actors where id = 'testland'").fetchone() == ("Testland",)


def test_readers_never_see_half_a_change(data_copy, tmp_path):
    """Threads answer while a file is re-indexed, again and again: each answer shows the file
    as it was or as it is, never a mix of the two."""
    db = tmp_path / "i.db"
    eng = Engine(data_copy, db)
    path = data_copy / "records/canada.yaml"
    original = path.read_text(encoding="utf-8")
    # every Canada record edited at once, and one more record: both show, or neither
    edited = original.replace("  title: ", "  title: Edited ") + "\n" + NEW_RECORD

    def seen_now():
        a = eng.answer("what did Canada do")
        return a.total, sum(r["title"].startswith("Edited") for r in a.records)

    versions = []
    for text in (edited, original):
        atomic_write(path, text)
        eng.refresh()
        versions.append(seen_now())
    assert versions[0] != versions[1]
    seen, errors, stop = set(), [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                seen.add(seen_now())
            except Exception as exc:   # noqa: BLE001 - any error is a failure, reported below
                errors.append(repr(exc))

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for n in range(6):
            atomic_write(path, edited if n % 2 == 0 else original)
            eng.refresh()
            for _ in range(500):   # until a reader has answered from this version (at most 5 s)
                if versions[n % 2] in seen or errors:
                    break
                time.sleep(0.01)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert seen <= set(versions) and len(seen) == 2, seen
