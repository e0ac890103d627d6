"""The index: idempotent builds, rebuilt when data changes, untouched when data is bad."""
from __future__ import annotations

import json
import os
import re
import sqlite3

import pytest

from bot.engine.engine import Engine
from bot.index import build as index_mod
from bot.index import rows as index_rows
from bot.index.build import DataError, build, ensure_index, is_fresh, read_meta


def _rows(db, table):
    return sqlite3.connect(db).execute(f"select count(*) from {table}").fetchone()[0]


def test_build_is_idempotent(data_copy, tmp_path):
    db = tmp_path / "i.db"
    first = build(data_copy, db)
    dump1 = "\n".join(l for l in sqlite3.connect(db).iterdump() if "meta" not in l)
    second = build(data_copy, db)
    dump2 = "\n".join(l for l in sqlite3.connect(db).iterdump() if "meta" not in l)
    assert first == second and dump1 == dump2
    assert _rows(db, "records") == first["records"]
    assert _rows(db, "records_fts") == first["records"]


def _dump(db):
    """Every row, with the full-text index as its terms: batches lay out its segments differently."""
    conn = sqlite3.connect(db)
    conn.execute("create virtual table temp.v using fts5vocab(main, records_fts, 'instance')")
    rows = [l for l in conn.iterdump() if "meta" not in l and "records_fts_data" not in l and "records_fts_idx" not in l]
    return "\n".join(rows + [repr(r) for r in conn.execute("select * from v order by 1, 2, 3, 4")])


def test_worker_processes_build_the_same_index(data_copy, tmp_path, monkeypatch):
    serial = tmp_path / "serial.db"
    build(data_copy, serial)
    monkeypatch.setattr(index_rows, "PARALLEL_BYTES", 0)   # the shipped data is far below it
    monkeypatch.setattr(index_mod, "FTS_BATCH", 7)          # and several full-text batches
    parallel = tmp_path / "parallel.db"
    build(data_copy, parallel)
    assert _dump(parallel) == _dump(serial)


def test_worker_processes_stop_at_bad_data_and_name_it(data_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(index_rows, "PARALLEL_BYTES", 0)
    p = data_copy / "records/canada.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("types: [", "types: [no-such-type, ", 1), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        build(data_copy, tmp_path / "i.db")
    assert re.search(r"records/canada.yaml:\d+: unknown type 'no-such-type'", str(exc.value))
    assert not (tmp_path / "i.db").exists() and not list(tmp_path.glob(".*.tmp"))


def test_ensure_builds_once_then_only_when_changed(data_copy, tmp_path):
    db = tmp_path / "i.db"
    assert ensure_index(data_copy, db) is True
    assert ensure_index(data_copy, db) is False
    # touching a file without changing it: the content hash says fresh, no rebuild
    p = data_copy / "records/canada.yaml"
    os.utime(p, (p.stat().st_atime + 5, p.stat().st_mtime + 5))
    assert is_fresh(data_copy, db) and ensure_index(data_copy, db) is False


def test_engine_rebuilds_before_answering_after_an_edit(data_copy, tmp_path):
    eng = Engine(data_copy, tmp_path / "i.db")
    eng.check_every = 0   # look at the files before every answer, not every 250 ms
    assert "266" in eng.answer("Canadian House of Commons genocide").text
    p = data_copy / "records/canada.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("votes 266-0", "votes unanimously"), encoding="utf-8")
    assert "votes unanimously" in eng.answer("Canadian House of Commons genocide").text
    # a new record file is noticed too
    (data_copy / "records/new.yaml").write_text(
        "- id: ca-test-record\n  title: Canada tests the index\n  summary: A test record.\n  date: 2024-01-02\n"
        "  actors: [canada]\n  types: [statements]\n"
        "  sources: [{document: uhrp-responses, section: Canada, item: 1}]\n", encoding="utf-8")
    assert any(r["id"] == "ca-test-record" for r in eng.answer("what did Canada do in 2024").records)


def test_bad_data_leaves_the_existing_index_untouched(data_copy, tmp_path):
    db = tmp_path / "i.db"
    ensure_index(data_copy, db)
    before = (db.read_bytes(), read_meta(db))
    (data_copy / "records/canada.yaml").write_text("- id: [broken\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        ensure_index(data_copy, db)
    assert re.search(r"records/canada.yaml:\d+: not valid YAML", str(exc.value))
    assert (db.read_bytes(), read_meta(db)) == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_lenient_engine_keeps_serving_the_last_good_index(data_copy, tmp_path):
    eng = Engine(data_copy, tmp_path / "i.db", strict=False)
    eng.check_every = 0
    assert eng.answer("Lithuania").records
    (data_copy / "records/lithuania.yaml").write_text("not: [valid\n", encoding="utf-8")
    assert eng.answer("Lithuania").records
    assert eng.last_error is not None
    strict = Engine(data_copy, tmp_path / "i.db")
    with pytest.raises(DataError):
        strict.answer("Lithuania")


def test_schema_of_the_index(engine):
    engine.refresh()
    tables = {r[0] for r in engine.conn().execute("select name from sqlite_master where type = 'table'")}
    assert {"records", "actors", "names", "record_actors", "types", "record_types", "entities",
            "record_dates", "records_fts", "meta"} <= tables


@pytest.mark.parametrize("value", [[], ["canada"], ["canada", "eu", "us-congress"]])
def test_ids_are_written_as_json_would(value):
    assert index_rows._ids(value) == json.dumps(value)
    links = [(v, role) for v, role in zip(value, ("acted", "target", "mentioned"))]
    assert index_rows._links(links) == json.dumps(links)
