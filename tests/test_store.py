"""Moderators' changes on real files: validated, attributed, reversible. (Crashes, concurrent
writers and the cases that once lost data: tests/test_data_safety.py.)"""
from __future__ import annotations

import pytest

from bot.dataset.schema import errors_only, load_dataset
from bot.dataset.store import ChangeRefused, Conflict, Store, revision
from bot.dataset.transfer import apply_import, export_text, plan_import
from bot.engine.engine import Engine

RID = "de-halt-deportations-2018"


@pytest.fixture
def store(data_copy):
    return Store(data_copy)


def edited(store, **fields):
    rec = store.get("record", RID)
    return {**rec, **fields}


def test_edit_is_saved_in_place_and_logged(store, data_copy):
    before_other = (data_copy / "records/canada.yaml").read_text(encoding="utf-8")
    rec = store.get("record", RID)
    change = store.propose("record", "edit", RID, edited(store, title="Germany stops deportations"), revision(rec))
    assert "+  title: Germany stops deportations" in change.diff()
    [entry] = store.apply([change], "discord:1:alice", "shorter title")
    assert store.get("record", RID)["title"] == "Germany stops deportations"
    assert (entry.who, entry.action, entry.reason, entry.rev_before) == ("discord:1:alice", "edit", "shorter title", revision(rec))
    assert (data_copy / "records/canada.yaml").read_text(encoding="utf-8") == before_other
    text = (data_copy / "records/germany.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Section: Germany") and text.count("- id:") == 2  # the rest of the file kept


def test_outdated_revision_is_refused(store):
    base = revision(store.get("record", RID))
    first = store.propose("record", "edit", RID, edited(store, title="First edit"), base)
    second = store.propose("record", "edit", RID, edited(store, title="Second edit"), base)
    store.apply([first], "alice")
    with pytest.raises(Conflict):
        store.apply([second], "bob")  # proposed before alice saved
    with pytest.raises(Conflict):
        store.propose("record", "edit", RID, edited(store, title="Third"), base)
    assert store.get("record", RID)["title"] == "First edit"


@pytest.mark.parametrize("fields,message", [
    ({"date": "2018-02-30"}, "not a real day"),
    ({"actors": ["atlantis"]}, "unknown actor 'atlantis'"),
    ({"types": ["hugs"]}, "unknown type 'hugs'"),
    ({"title": "x" * 500}, "the limit is 120"),
    ({"sources": [{"document": "uhrp-responses", "section": "Germany", "item": 40}]}, "has items 1–2"),
    ({"colour": "blue"}, "unknown field `colour`"),
])
def test_bad_edits_change_nothing(store, data_copy, fields, message):
    before = (data_copy / "records/germany.yaml").read_bytes()
    with pytest.raises(ChangeRefused) as exc:
        store.propose("record", "edit", RID, edited(store, **fields))
    assert message in str(exc.value) and exc.value.problems
    assert (data_copy / "records/germany.yaml").read_bytes() == before
    assert store.history.entries() == []


def test_add_remove_undo_and_history(store, data_copy):
    new = {"id": "de-test-2024", "title": "Germany test", "summary": "A test record.", "date": "2024-01",
           "actors": ["germany"], "types": ["statements"],
           "sources": [{"document": "uhrp-responses", "section": "Germany", "item": 1}]}
    store.apply([store.propose("record", "add", "de-test-2024", new)], "alice", "new")
    assert "de-test-2024" in (data_copy / "records/germany.yaml").read_text(encoding="utf-8")
    with pytest.raises(ChangeRefused, match="already exists"):
        store.propose("record", "add", "de-test-2024", new)
    store.apply([store.propose("record", "remove", "de-test-2024")], "bob", "duplicate")
    assert store.get("record", "de-test-2024") is None
    undo = store.undo("record", "de-test-2024", "carol")
    assert undo.action == "undo" and undo.undoes == 2 and store.get("record", "de-test-2024")["title"] == "Germany test"
    assert [e.action for e in store.history.for_target("record", "de-test-2024")] == ["add", "remove", "undo"]
    # history survives a new Store (a restart) and a rebuild of the index
    assert len(Store(data_copy).history.for_target("record", "de-test-2024")) == 3


def test_answers_reflect_a_change_immediately(store, data_copy, tmp_path):
    eng = Engine(data_copy, tmp_path / "i.db")
    assert "halts all deportations" in eng.answer("Germany").text
    store.apply([store.propose("record", "edit", RID, edited(store, title="Germany ends deportations"))], "alice")
    assert "Germany ends deportations" in eng.answer("Germany").text
    store.undo("record", RID, "alice")
    assert "halts all deportations" in eng.answer("Germany").text


def test_actor_alias_is_a_change_like_any_other(store, tmp_path, data_copy):
    actor = store.get("actor", "germany")
    after = {**actor, "aliases": [*actor.get("aliases", []), "Bundesrepublik"]}
    store.apply([store.propose("actor", "edit", "germany", after)], "alice", "alias")
    assert Engine(data_copy, tmp_path / "i.db").interpret("Bundesrepublik").actors[0]["id"] == "germany"
    with pytest.raises(ChangeRefused, match="also a name of"):
        bad = {**store.get("actor", "france"), "aliases": ["Bundesrepublik"]}
        store.propose("actor", "edit", "france", bad)


def test_export_import_round_trip_and_preview(store, data_copy):
    text = export_text(store)
    assert not plan_import(store, text).changes
    changed = text.replace("Germany halts all deportations", "Germany halts deportations")
    plan = plan_import(store, changed)
    assert (plan.added, plan.changed, plan.removed) == ([], [RID], [])
    apply_import(store, plan, "alice")
    assert store.get("record", RID)["title"].startswith("Germany halts deportations")
    assert not errors_only(load_dataset(data_copy)[1])


@pytest.mark.parametrize("data,message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
    (b"- id: [unclosed\n", "not valid YAML"),
    (b"hello: world\n", "must be a YAML list of records"),
    (b"- id: a\n- id: a\n", "same id twice"),
    (b"- " + b"x" * (6 * 1024 * 1024), "the limit is 5 MiB"),
])
def test_bad_imports_are_refused(store, data, message):
    with pytest.raises(ChangeRefused, match=message):
        plan_import(store, data, "upload.yaml")
    assert store.history.entries() == []
