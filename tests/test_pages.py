"""bot/discord_adapter/answer_pages.py: the Discord layout as plain data — limits, escaping, citations per page."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from fakediscord import limits
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord_adapter import answer_pages as pages
from bot.engine.answer import Answer, Line, newest_first

QUESTIONS = ["what did Canada do", "sanctions in 2021", "how many sanctions has the US imposed", "Hikvision",
             "what happened in March 2021?", "what happened in 2021", "compare canada and the uk", "which countries recognized the genocide",
                        "sanctions", "zzyzx", "", "latest import bans", "how many records"]


def as_embed(page: dict) -> dict:
    out = {"title": page["title"], "description": page["description"], "fields": page["fields"]}
    if page["footer"]:
        out["footer"] = {"text": page["footer"]}
    return out


def assert_fits(page: dict) -> None:
    assert limits.check_message({"embeds": [as_embed(page)]}) == {}, page
    assert pages.page_length(page) <= pages.TOTAL_MAX


def markers_in(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"(?<!\\)\[(\d+)\]", text)}


@pytest.mark.parametrize("question", QUESTIONS)
def test_real_answers_fit_and_cite_per_page(engine, question):
    answer = engine.answer(question)
    laid_out = pages.answer_pages(answer)
    assert laid_out
    for i, page in enumerate(laid_out, 1):
        assert_fits(page)
        assert page["footer"] == (f"Page {i}/{len(laid_out)}" if len(laid_out) > 1 else "")
        lines_cite = markers_in(page["description"])
        assert set(pages.page_numbers(page)) == lines_cite  # each page carries the sources it uses
    shown = [ln for p in laid_out for ln in p["description"].splitlines() if ln.startswith("• ")]
    assert len(shown) == sum(len(ls) for _, ls in answer.groups)  # nothing dropped
    assert all(len(p["description"].splitlines()) for p in laid_out)
    for page in pages.sources_pages(answer):
        assert_fits(page)


def test_escape_makes_markdown_inert():
    raw = "*bold* _it_ `code` ~~gone~~ ||spoiler|| [link](http://x) <@123> \\ @everyone @here"
    out = pages.escape(raw)
    assert out == ("\\*bold\\* \\_it\\_ \\`code\\` \\~\\~gone\\~\\~ \\|\\|spoiler\\|\\| \\[link\\](http://x) "
                   "\\<@123> \\\\ @\u200beveryone @\u200bhere")
    assert pages.escape("# heading\n> quote\n- item\n  + item\n1. first\nnot-a-list 3.5") == \
        "\\# heading\n\\> quote\n\\- item\n  \\+ item\n1\\. first\nnot-a-list 3.5"
    assert pages.escape("266-0 (for)") == "266-0 (for)"  # ordinary text stays readable


def test_clip_never_leaves_a_dangling_escape():
    text = pages.escape("a" * 9 + "*" * 20)
    for n in range(5, 40):
        cut = pages.clip(text, n)
        assert len(cut) <= n
        assert (len(cut.rstrip("…")) - len(cut.rstrip("…").rstrip("\\"))) % 2 == 0


def _record(n: int, text: str) -> dict:
    return {"id": f"r{n}", "title": text, "summary": text * 3, "quote": text, "date": {"text": "2021"},
            "sources": [{"title": "Doc", "section": f"S{n}", "item": n}]}


def synthetic(texts: list[str], detail: bool) -> Answer:
    lines = [Line(f"{i} — {t}", [i + 1], f"r{i}", t * 4 if detail else "") for i, t in enumerate(texts)]
    groups = [("2021", lines[: len(lines) // 2]), ("Date not given", lines[len(lines) // 2:])]
    notes = [(i + 1, f"Doc › S{i + 1} › item {i + 1} " + t, "https://example.org/x") for i, t in enumerate(texts)]
    return Answer(texts[0] if texts else "q", "list", "headline " + " ".join(texts)[:3000], groups, notes,
                  [_record(i + 1, t) for i, t in enumerate(texts)], len(texts), notes=["a note " * 50])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab *_~`|[]()<>#-@\\\n1.everyone"), min_size=0, max_size=1200),
                min_size=1, max_size=30), st.booleans())
def test_any_text_fits_discord_limits(texts, detail):
    answer = synthetic(texts, detail)
    laid_out = pages.answer_pages(answer)
    for page in laid_out:
        assert_fits(page)
        assert "@everyone" not in page["description"] and "@everyone" not in page["title"]
        assert set(pages.page_numbers(page)) == markers_in(page["description"])
    for page in pages.sources_pages(answer):
        assert_fits(page)
    assert sum(p["description"].count("\n• ") + p["description"].startswith("• ") for p in laid_out) == len(texts)


def test_long_sources_split_into_fields():
    texts = ["x" * 50] * 8
    answer = synthetic(texts, False)
    answer.footnotes = [(n, "passage " * 40, "") for n, _, _ in answer.footnotes]
    first = pages.answer_pages(answer)[0]
    names = [f["name"] for f in first["fields"]]
    assert names[0] == "Sources" and names[1] == "Sources (continued)"
    assert all(len(f["value"]) <= 1024 for f in first["fields"])


def test_newest_first_renumbers_in_reading_order(engine):
    answer = engine.select(actors=["canada"], acting_only=True, label="What Canada did")
    flipped = newest_first(answer)
    years = [h for h, _ in flipped.groups]
    assert years == sorted(years, reverse=True)
    marks = [m for _, ls in flipped.groups for ln in ls for m in ln.markers]
    assert marks == sorted(marks) and [n for n, _, _ in flipped.footnotes] == sorted(set(marks))
    old = {ln.record_id: [dict((n, p) for n, p, _ in answer.footnotes)[m] for m in ln.markers]
           for _, ls in answer.groups for ln in ls}
    new = {ln.record_id: [dict((n, p) for n, p, _ in flipped.footnotes)[m] for m in ln.markers]
           for _, ls in flipped.groups for ln in ls}
    assert old == new  # every line still cites the same passages


def test_sources_pages_show_passage_and_records(engine):
    answer = engine.answer("Hikvision")
    shown = pages.sources_pages(answer, [1])
    assert len(shown) == 1 and shown[0]["description"].startswith("**[1]** International Responses")
    assert "Norway's Oil Fund divests from Hikvision" in shown[0]["description"]


def test_help_and_about_pages_fit(engine):
    st = engine.state
    for page in (pages.help_page(st.covers, st.examples), pages.help_page(st.covers, []), pages.about_page(engine.state.about()), pages.notice_page("x" * 5000)):
        assert_fits(page)


def test_pages_module_does_not_import_discord():
    code = "import sys, bot.discord_adapter.answer_pages; print(any(m.split('.')[0] == 'discord' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_answer_keys_inline_when_they_fit_else_stored_and_bounded(tmp_path, monkeypatch):
    from bot.discord_adapter import answer_keys
    from bot.discord_adapter.page_view import ROOM

    store = answer_keys.KeyStore(tmp_path / "keys.db")
    short, long = ["a", "what did Canada do"], ["s", "canada", None, 2019, 2021, "forced labour " * 12]
    inline, stored = answer_keys.encode(short, store, ROOM), answer_keys.encode(long, store, ROOM)
    assert inline.startswith("=") and stored.startswith("#") and len(stored) == 13
    assert answer_keys.decode(inline, store) == short and answer_keys.decode(stored, store) == long
    assert answer_keys.decode('=["zz"]', store) is None  # not something the bot asks
    monkeypatch.setattr(answer_keys, "KEEP", 3)
    monkeypatch.setattr(answer_keys, "PRUNE_EVERY", 1)
    keys = [answer_keys.encode(["a", f"question {i} " + "y" * 100], store, ROOM) for i in range(5)]
    assert answer_keys.decode(keys[0], store) is None and answer_keys.decode(keys[-1], store) is not None
    store.close()
