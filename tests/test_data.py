"""The shipped data is valid and complete; every kind of mistake is reported with file:line.

The validity checks read data/ itself, as moderators leave it: they must hold after any edit.
Whatever counts, or breaks files on purpose, reads the frozen copy tests/data_frozen/ (directly
or through ``data_copy``)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DATA, FROZEN_DATA, ROOT

from bot.dataset.files import data_files
from bot.dataset.schema import errors_only, load_dataset

SOURCE = ROOT.parent / "shared" / "source" / "000_6d4316901997b014.txt"


def test_shipped_data_has_no_problems():
    ds, problems = load_dataset(DATA)
    assert [str(p) for p in problems] == []
    assert ds.records


def test_frozen_copy_has_the_shipped_layout_and_no_problems():
    """tests/data_frozen/ may lag data/ in content, not in layout: the same top-level files and
    folders (data/'s history and lock files aside; the frozen copy must have none), and valid
    under today's schema."""
    def layout(folder, everything=False):
        return sorted(p.name + "/" * p.is_dir() for p in folder.iterdir()
                      if everything or (p.name != "history.jsonl" and not p.name.startswith(".")))

    assert layout(FROZEN_DATA, everything=True) == layout(DATA)
    ds, problems = load_dataset(FROZEN_DATA)
    assert [str(p) for p in problems] == []
    assert len(ds.records) == 86


@pytest.mark.parametrize("path", data_files(DATA), ids=lambda p: str(p.relative_to(DATA)))
def test_every_shipped_file_parses(path):
    from bot.dataset.yamlio import load_file

    assert load_file(path) is not None


@pytest.mark.parametrize("folder", [DATA, FROZEN_DATA], ids=["shipped", "frozen"])
def test_every_bullet_of_the_source_is_cited(folder):
    ds, _ = load_dataset(folder)
    cited = {(s["section_key"], s["item"]) for r in ds.records for s in r.sources}
    doc = next(iter(ds.documents.values()))
    expected = {(sec.key, n) for sec in doc.sections for n in range(1, sec.items + 1)}
    assert cited == expected
    if folder == FROZEN_DATA:
        assert len(expected) == 79


@pytest.mark.skipif(not SOURCE.exists(), reason="source document not beside the project")
def test_section_sizes_match_the_source():
    counts, current = {}, None
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s.startswith("•"):
            counts[current] = counts.get(current, 0) + 1
        elif s and not s.startswith(("Multilateral:", "National:", "Civil society:")):
            current = re.sub(r"[^\w\s]", "", s).strip()
    ds, _ = load_dataset(DATA)
    doc = next(iter(ds.documents.values()))
    assert {re.sub(r"[^\w\s]", "", sec.heading).strip(): sec.items for sec in doc.sections} == counts


def test_quotes_are_verbatim_from_the_source():
    if not SOURCE.exists():
        pytest.skip("source document not beside the project")
    text = " ".join(SOURCE.read_text(encoding="utf-8").split())
    ds, _ = load_dataset(DATA)
    for r in ds.records:
        if r.quote:
            assert " ".join(r.quote.split()) in text, r.id


def _break(data: Path, rel: str, old: str, new: str) -> None:
    p = data / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {rel}"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


BREAKAGES = [  # (file, text to replace, replacement, expected message)
    ("records/canada.yaml", "date: 2021-02-22", "date: 2021-02-30", "not a real day"),
    ("records/canada.yaml", "date: 2021-02-22", "date: 2021-13", "month 13 does not exist"),
    ("records/canada.yaml", "date: 2021-02-22", "date: sometime", "cannot read date"),
    ("records/canada.yaml", "{id: canada-house-of-commons, role: acted}", "{id: canda, role: acted}", "unknown actor 'canda'"),
    ("records/canada.yaml", "{id: canada-house-of-commons, role: acted}", "{id: canada, role: cheered}", "unknown role"),
    ("records/canada.yaml", "types: [genocide-recognition", "types: [genocide-recogniton", "unknown type"),
    ("records/canada.yaml", "item: 2,", "item: 9,", "has items 1–5"),
    ("records/canada.yaml", "section: Canada, item: 2", "section: Kanada, item: 2", "no section 'Kanada'"),
    ("records/canada.yaml", "  title:", "  titel:", "unknown field `titel`"),
    ("records/canada.yaml", "  summary: >-", "  summary: [not, text]\n  old_summary: >-", "`summary` must be text"),
    ("actors.yaml", "parent: canada-parliament", "parent: atlantis", "parent 'atlantis' is not defined"),
    ("types.yaml", "- id: visa-bans", "- id: Visa Bans", "must be lower-case"),
]


@pytest.mark.parametrize("rel,old,new,message", BREAKAGES, ids=[b[3] for b in BREAKAGES])
def test_mistakes_are_reported_with_file_and_line(data_copy, rel, old, new, message):
    _break(data_copy, rel, old, new)
    _, problems = load_dataset(data_copy)
    errors = errors_only(problems)
    hits = [p for p in errors if message in p.message]
    assert hits, [str(p) for p in errors]
    assert hits[0].file.endswith(rel) and hits[0].line > 1


def test_duplicate_record_id_names_both_places(data_copy):
    text = (data_copy / "records/canada.yaml").read_text(encoding="utf-8")
    first_id = re.search(r"- id: (\S+)", text).group(1)
    first_block = "- id:" + text.split("\n- id:")[1]
    (data_copy / "records/extra.yaml").write_text(first_block, encoding="utf-8")
    _, problems = load_dataset(data_copy)
    msgs = [str(p) for p in errors_only(problems)]
    assert any(f"duplicate record id '{first_id}'" in m and "canada.yaml" in m for m in msgs), msgs


def test_an_alias_shared_by_two_actors_is_an_error(data_copy):
    _break(data_copy, "actors.yaml", "- id: germany", "- id: germany\n  aliases: [Holland]\n  note: x\n- id: germany-2")
    _, problems = load_dataset(data_copy)
    assert any("'Holland'" in p.message or "Holland" in p.message for p in errors_only(problems))


@pytest.mark.parametrize("content,message", [
    ("- id: x\n  title: [unclosed\n", "not valid YAML"),
    ("just a string\n", "expected a list"),
    ("\x00\x01binary", "not valid YAML"),
])
def test_malformed_files(data_copy, content, message):
    (data_copy / "records/broken.yaml").write_text(content, encoding="utf-8")
    _, problems = load_dataset(data_copy)
    assert any(message in p.message and p.file.endswith("broken.yaml") for p in problems), [str(p) for p in problems]


def test_validate_command_exits_non_zero_with_file_and_line(data_copy):
    _break(data_copy, "records/canada.yaml", "date: 2021-02-22", "date: 2021-02-30")
    proc = subprocess.run([sys.executable, "-m", "bot", "validate", str(data_copy)], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert re.search(r"canada\.yaml:\d+: date: '2021-02-30' is not a real day", proc.stderr), proc.stderr
    ok = subprocess.run([sys.executable, "-m", "bot", "validate"], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
