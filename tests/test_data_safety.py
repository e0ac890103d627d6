"""Nothing a moderator does loses data (issue 12): each way a save once lost or corrupted data,
on real files and real processes, and the store's checks held to what `validate` says.

The Discord side (permissions on every form and button, recovery told to the audit channel,
the second confirmation of a mass removal, the same refusals as the command line) is in
tests/test_moderation_safety.py.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, killed_saver, snapshot

from bot.dataset.change import Change
from bot.dataset.history import Entry, encode
from bot.dataset.plan import plan
from bot.dataset.schema import errors_only, load_dataset
from bot.dataset.store import ChangeRefused, Conflict, Store, revision
from bot.dataset.transfer import apply_import, export_text, plan_import
from bot.dataset.yaml_edit import dump_list
from bot.dataset.yamlio import load_text
from bot.index.build import ensure_index

RID = "de-halt-deportations-2018"          # the second record of records/germany.yaml
FIRST = "de-religious-freedom-commissioner-concern-2020"   # the first
CA = "ca-coordinated-sanctions-2021"        # in records/canada.yaml
NEW = {"id": "de-test-2024", "title": "Germany test", "summary": "A test record.", "date": "2024-01",
       "actors": ["germany"], "types": ["statements"],
       "sources": [{"document": "uhrp-responses", "section": "Germany", "item": 1}]}


@pytest.fixture
def store(data_copy):
    return Store(data_copy)


def edit(store: Store, rid: str, who: str = "alice", **fields):
    rec = store.get("record", rid)
    return store.apply([store.propose("record", "edit", rid, {**rec, **fields}, revision(rec))], who)[0]


def cli(*args: str, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args, "--data", str(data)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


# --------------------------------------------------------------------------- the cases, one by one

def test_case2_an_import_removing_most_records_needs_an_explicit_yes(store, data_copy):
    before = snapshot(data_copy)
    plan_all = plan_import(store, "[]")
    assert len(plan_all.removed) == plan_all.total == 86 and "remove 86 of the 86 records" in plan_all.mass_removal
    with pytest.raises(ChangeRefused, match="remove 86 of the 86 records"):
        apply_import(store, plan_all, "alice")
    kept = [r for r in store.all_records()][:30]   # 56 of 86 removed: most
    with pytest.raises(ChangeRefused, match="remove 56 of the 86"):
        apply_import(store, plan_import(store, dump_list(kept)), "alice")
    (data_copy.parent / "empty.yaml").write_text("[]\n", encoding="utf-8")
    refused = cli("import", str(data_copy.parent / "empty.yaml"), "--yes", data=data_copy)
    assert refused.returncode == 1 and "remove 86 of the 86 records" in refused.stderr
    assert snapshot(data_copy) == before and store.history.entries() == []
    assert len(apply_import(store, plan_import(store, dump_list(store.all_records()[:60])), "alice")) == 26  # 26: not most
    saved = cli("import", str(data_copy.parent / "empty.yaml"), "--yes", "--allow-removals", data=data_copy)
    assert saved.returncode == 0 and "saved: 60 changes" in saved.stdout
    problems = load_dataset(data_copy)[1]
    assert any("holds no records" in p.message and p.warning for p in problems)


def test_case3_a_hand_edit_after_a_bot_edit_is_never_put_back(store, data_copy):
    germany = data_copy / "records/germany.yaml"
    edit(store, RID, title="Bot title")
    germany.write_text(germany.read_text(encoding="utf-8").replace("title: Bot title", "title: Hand title"),
                       encoding="utf-8")                                 # or a `git pull`
    edit(store, CA, title="Another record")
    assert store.get("record", RID)["title"] == "Hand title"
    edit(store, FIRST, title="Bot edit before a hand removal")
    text = germany.read_text(encoding="utf-8")
    start = text.index(f"- id: {FIRST}")
    germany.write_text(text[:start] + text[text.index("- id: ", start + 1):], encoding="utf-8")
    edit(store, CA, title="Yet another")
    assert store.get("record", FIRST) is None and "Hand title" in germany.read_text(encoding="utf-8")
    assert [e.action for e in store.history.entries()] == ["edit"] * 4   # nothing recorded that did not happen


LAYOUTS = {
    "dash alone on its line": lambda t: t.replace(f"- id: {RID}\n", f"-\n  id: {RID}\n"),
    "comment after the dash": lambda t: t.replace(f"- id: {RID}\n", f"- # moved here in 2024\n  id: {RID}\n"),
    "comments inside records": lambda t: t.replace("  types: [asylum]\n", "  # the source's own word\n  types: [asylum]\n"),
    "indented list": lambda t: "\n".join("  " + ln if ln and not ln.startswith("#") else ln for ln in t.split("\n")),
    "CRLF line breaks": lambda t: t.replace("\n", "\r\n"),
    "no blank lines": lambda t: t.replace("\n\n- id:", "\n- id:"),
    "an id spelled with an escape": lambda t: t.replace(f"- id: {RID}", '- id: "de-\\x68alt-deportations-2018"'),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_case4_any_layout_of_a_record_list_is_edited_exactly(store, data_copy, layout):
    path = data_copy / "records/germany.yaml"
    path.write_bytes(LAYOUTS[layout](path.read_text(encoding="utf-8")).encode())
    original, first, second = path.read_bytes(), store.get("record", FIRST), store.get("record", RID)
    edit(store, FIRST, title="Edited above it")     # once swallowed the record below into its block
    assert store.get("record", RID) == second and not errors_only(load_dataset(data_copy)[1])
    edit(store, RID, title="Edited itself")
    assert store.get("record", FIRST) == {**first, "title": "Edited above it"}
    assert store.get("record", RID) == {**second, "title": "Edited itself"}
    store.undo("record", RID, "alice")
    store.undo("record", FIRST, "alice")
    assert path.read_bytes() == original


def test_case4_a_layout_that_cannot_be_rewritten_is_refused_with_file_and_line(store, data_copy):
    path = data_copy / "records/germany.yaml"
    records = load_text(path.read_text(encoding="utf-8"), "g")
    path.write_text("# a flow list\n" + json.dumps(records), encoding="utf-8")
    with pytest.raises(ChangeRefused) as info:
        edit(store, RID, title="x")
    assert str(info.value).startswith("data/records/germany.yaml:2: the records are not written as a `- ` list")


def test_case5_a_record_moved_by_hand_is_changed_where_it_is(store, data_copy):
    germany, canada = data_copy / "records/germany.yaml", data_copy / "records/canada.yaml"
    edit(store, RID, title="Edited in germany.yaml")
    text = germany.read_text(encoding="utf-8")
    block = text[text.index(f"- id: {RID}"):]
    germany.write_text(text[:text.index(f"- id: {RID}")].rstrip() + "\n", encoding="utf-8")
    canada.write_text(canada.read_text(encoding="utf-8") + "\n" + block.replace("Edited in germany.yaml", "Moved"),
                      encoding="utf-8")
    edit(store, CA, title="Any other save")                      # once: KeyError, and every save after it
    e = edit(store, RID, title="Edited in canada.yaml")
    assert e.file == "records/canada.yaml" and RID not in germany.read_text(encoding="utf-8")
    store.undo("record", RID, "alice")
    assert store.locate("record", RID) == (canada, {**store.get("record", RID), "title": "Moved"})


def test_case6_a_save_cut_short_is_finished_before_an_undo_and_said(data_copy):
    killed_saver(data_copy, RID, "journal", "Saved just before the crash")
    store = Store(data_copy)
    assert store.history.entries() == [] and store.get("record", RID)["title"].startswith("Germany halts")
    out = cli("undo", RID, data=data_copy)                       # recovery runs first
    assert out.returncode == 0, out.stderr
    assert "recovered: an interrupted save was finished, change #1, edit record" in out.stderr
    assert "undone: change 1 reverted by change 2" in out.stdout
    [saved, undo] = Store(data_copy).history.entries()
    assert (saved.who, saved.reason, saved.extra["recovered"]) == ("discord:1:alice", "before the crash",
                                                                   "finished from the journal")
    assert undo.undoes == 1 and Store(data_copy).get("record", RID)["title"].startswith("Germany halts")


def test_case6_recovery_applies_a_save_only_onto_the_revision_it_started_from(data_copy):
    killed_saver(data_copy, RID, "file", "Saved just before the crash")   # the file is written, the history is not
    killed_saver(data_copy, RID, "journal", "Never saved")                # nothing recovers it before...
    path = data_copy / "records/germany.yaml"                        # ...a hand edit of the same record
    path.write_text(path.read_text(encoding="utf-8").replace("Saved just before the crash", "By hand"),
                    encoding="utf-8")
    store = Store(data_copy)
    [conflict] = store.recover()
    assert conflict.action == "conflict" and "no longer holds the revision it started from" in conflict.reason
    assert store.get("record", RID)["title"] == "By hand" and store.take_notices() == [conflict]
    out = cli("history", RID, data=data_copy)
    assert "conflict — an interrupted save of this record (edit" in out.stdout


def test_case8_yaml_aliases_are_refused_before_they_expand(store, data_copy):
    laughs = "- id: x\n  note: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"  n{k}: &{k} [{', '.join(['*' + p] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi"))
    with pytest.raises(ChangeRefused, match="anchors and aliases .* are not allowed"):
        plan_import(store, laughs, "laughs.yaml")              # 9**9 strings once expanded
    path = data_copy / "records/germany.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  types: [asylum]\n", "  types: &t [asylum]\n  x: *t\n"),
                    encoding="utf-8")
    errors = errors_only(load_dataset(data_copy)[1])
    assert [(p.file, p.line) for p in errors] == [("data/records/germany.yaml", 29)]
    assert "anchors and aliases" in errors[0].message


def test_case9_a_save_keeps_the_file_mode(store, data_copy):
    for n, (rid, mode) in enumerate(((RID, 0o644), (CA, 0o664))):
        path = store.locate("record", rid)[0]
        path.chmod(mode)
        edit(store, rid, title=f"Mode kept {n}")
        assert path.stat().st_mode & 0o777 == mode


def test_case10_undo_restores_the_bytes_and_the_place(store, data_copy):
    path = data_copy / "records/germany.yaml"
    text = path.read_text(encoding="utf-8").replace("  types: [asylum]\n", "  # kept by undo\n  types: [asylum]\n")
    path.write_text(text.replace("  date: 2018-08\n", "  date: '2018-08'\n"), encoding="utf-8")
    original = path.read_bytes()
    edit(store, RID, title="Edited", summary="A summary long enough to be folded by the house style " * 3)
    store.undo("record", RID, "alice")
    assert path.read_bytes() == original                  # quoting, folding, comments: as they were
    store.apply([store.propose("record", "remove", FIRST)], "alice")
    store.undo("record", FIRST, "alice")
    assert path.read_bytes() == original                  # in its place, not at the end
    store.apply([store.propose("record", "remove", FIRST)], "alice")
    edit(store, RID, title="Changed meanwhile")           # the file is not as the removal left it
    store.undo("record", FIRST, "alice")
    ids = [r["id"] for r in load_text(path.read_text(encoding="utf-8"), "g")]
    assert ids == [FIRST, RID] and original.decode()[:original.decode().index(f"- id: {RID}")] in path.read_text()


def test_case10_a_new_record_goes_to_the_file_of_its_section(store, data_copy):
    rec = {**NEW, "id": "g7-test-2024", "sources": [{"document": "uhrp-responses", "section": "Multilateral Action",
                                                      "item": 2}]}
    [e] = store.apply([store.propose("record", "add", rec["id"], rec)], "alice")
    assert e.file == "records/multilateral.yaml" and not (data_copy / "records/moderated.yaml").exists()


def test_case11_a_reader_sees_an_import_whole_or_not_at_all(data_copy, tmp_path):
    db = tmp_path / "index.db"
    ensure_index(data_copy, db)
    records = load_text(export_text(Store(data_copy)), "export")
    for r in records:
        r["title"] = r["title"][:100] + " (imported)"
    (tmp_path / "all.yaml").write_text(dump_list(records), encoding="utf-8")
    code = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from bot.dataset.store import Store
from bot.dataset.transfer import apply_import, plan_import
s = Store({str(data_copy)!r})
plan = plan_import(s, open({str(tmp_path / 'all.yaml')!r}, 'rb').read())
def pause(stage, seen=[]):
    if stage == "file" and not seen:      # the first file of about twenty is written
        seen.append(stage)
        print("writing", flush=True)
        time.sleep(0.3)
s.pause = pause
apply_import(s, plan, "alice")
print("saved", flush=True)
"""
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert select.select([proc.stdout], [], [], 30)[0] and proc.stdout.readline() == "writing\n"
    ensure_index(data_copy, db)                            # one file of ~20 written: it waits for the rest
    titles = [t for (t,) in sqlite3.connect(db).execute("select title from records")]
    assert len(titles) == 86 and all(t.endswith(" (imported)") for t in titles)
    assert proc.stdout.readline() == "saved\n" and proc.wait(timeout=30) == 0


def test_case12_a_save_does_not_read_the_whole_history(data_copy):
    rec = Store(data_copy).get("record", FIRST)
    with open(data_copy / "history.jsonl", "wb") as fh:       # 2,000 entries, about 4 MB
        for seq in range(1, 2001):
            fh.write(encode(Entry(seq, "2026-01-01T00:00:00+00:00", "bench", "edit", "record", FIRST,
                                  "records/germany.yaml", "x", rec, rec, revision(rec), revision(rec))))
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from bot.dataset.store import Store, revision
def rchar():
    return int(next(l for l in open("/proc/self/io") if l.startswith("rchar")).split()[1])
s = Store({str(data_copy)!r})
s.get("record", {RID!r}); s.history.for_target("record", "none")
for n in range(2):
    before = rchar()
    rec = s.get("record", {RID!r})
    s.apply([s.propose("record", "edit", {RID!r}, dict(rec, title=f"Edit {{n}}"), revision(rec))], "x")
    print(rchar() - before, len(s.history.for_target("record", {FIRST!r})))
"""
    size = (data_copy / "history.jsonl").stat().st_size
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    # the first process scans the log once to build its index (.history.jsonl.idx); no save reads it again
    assert first[1] == first[3] == again[1] == "2000"
    assert max(int(first[0]), int(first[2]), int(again[0]), int(again[2])) < size / 10, (first, again, size)


# --------------------------------------------------------------------------- the store's checks are validate's

def _moved(store: Store, data: Path) -> Change:
    germany, canada = data / "records/germany.yaml", data / "records/canada.yaml"
    text = germany.read_text(encoding="utf-8")
    germany.write_text(text[:text.index(f"- id: {RID}")], encoding="utf-8")
    canada.write_text(canada.read_text(encoding="utf-8") + "\n" + text[text.index(f"- id: {RID}"):], encoding="utf-8")
    rec = store.get("record", RID)
    return Change("edit", "record", RID, canada, rec, {**rec, "date": "2018-13"})


def _actor_gone(store: Store, data: Path) -> Change:
    store.apply([store.propose_actor("atlantis", "Atlantis", "country")], "alice")
    store.apply([store.propose("record", "add", "at-test", {**NEW, "id": "at-test", "actors": ["atlantis"]})], "alice")
    return Change("undo", "actor", "atlantis", data / "actors.yaml", store.get("actor", "atlantis"), None)


def _record(store, data, **fields):
    rec = store.get("record", RID)
    return Change("edit", "record", RID, data / "records/germany.yaml", rec, {**rec, **fields})


BAD = {
    "unknown actor": lambda s, d: _record(s, d, actors=[{"id": "atlantis", "role": "acted"}, "germany"]),
    "unknown type": lambda s, d: _record(s, d, types=["hugs"]),
    "unknown entity": lambda s, d: _record(s, d, entities=["nowhere"]),
    "bad date": lambda s, d: _record(s, d, date="2018-02-30"),
    "over-long title": lambda s, d: _record(s, d, title="x" * 500),
    "item beyond the section": lambda s, d: _record(s, d, sources=[{"document": "uhrp-responses", "section": "Germany",
                                                                     "item": 40}]),
    "unknown field and many problems": lambda s, d: _record(s, d, colour="blue", stage="dreamt", votes={"for": -1}),
    "duplicate id": lambda s, d: Change("add", "record", FIRST, d / "records/canada.yaml", None,
                                        {**NEW, "id": FIRST}),
    "a moved record": _moved,
    "an alias that is another actor's name": lambda s, d: Change(
        "edit", "actor", "france", d / "actors.yaml", s.get("actor", "france"),
        {**s.get("actor", "france"), "aliases": ["Germany"]}),
    "an actor taken away that a record names": _actor_gone,
}


@pytest.mark.parametrize("case", BAD)
def test_a_refusal_is_what_validate_would_say(store, data_copy, tmp_path, case):
    change = BAD[case](store, data_copy)
    problems = store.check([change])
    reference = tmp_path / "copy" / "data"      # the same folder name: the same file names in the messages
    shutil.copytree(data_copy, reference)
    for path, text in plan(store.view, [change]).texts.items():
        (reference / path.relative_to(data_copy)).write_text(text, encoding="utf-8")
    expected = errors_only(load_dataset(reference)[1])
    key = lambda p: (p.file, p.line, p.message)    # noqa: E731
    assert problems and sorted(problems, key=key) == sorted(expected, key=key)


def test_the_refusal_a_moderator_gets_carries_those_problems(store, data_copy):
    with pytest.raises(ChangeRefused) as info:
        store.propose("record", "add", FIRST, {**NEW, "id": FIRST})
    assert str(info.value).startswith(f"record {FIRST!r} already exists (data/records/germany.yaml)")
    assert [p.message for p in info.value.problems] == [
        f"duplicate record id {FIRST!r} (first at data/records/germany.yaml:3)"]
    with pytest.raises(Conflict):
        store.propose("record", "edit", RID, store.get("record", RID), "0123456789ab")


# --------------------------------------------------------------------------- crashes and concurrent writers

def test_random_sigkills_and_concurrent_writers_lose_nothing(tmp_path):
    """A small run of benchmarks/bench_crash.py (the full one: 200 changes, 8 writers × 50 edits)."""
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None   # a SIGKILL loses nothing the kernel has: same test
    out = tmp_path / "crash.json"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks/bench_crash.py"), "--changes", "30", "--writers", "3",
                          "--edits", "5", "--seed", "3", "--out", str(out)] + (["--tmp", shm] if shm else []),
                         capture_output=True, text=True, timeout=300)
    report = json.loads(out.read_text())
    mixed, writers = report["mixed"], report["concurrent"]
    assert run.returncode == 0, (run.stdout, mixed["failures"], writers)
    assert mixed["kills"] >= 3 and all(mixed["stage_kills"].values()) and mixed["saved"] >= 15
    assert (mixed["torn"], mixed["lost"], mixed["history_mismatch"], mixed["conflicts"]) == (0, 0, 0, 0)
    assert writers["saved"] == writers["history_entries"] == 15 and writers["stale_tried"] == 3
    assert (writers["stale_accepted"], writers["broken_chain"], writers["lost"]) == (0, [], [])
