"""Follow-up questions: deciding that a question continues the one before, what it carries over,
and whole conversations (tests/questions/conversations.yaml) checked turn by turn."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from helpers import FROZEN_DATA, ROOT, check

from bot.engine import followup

CONVERSATIONS = yaml.safe_load((ROOT / "tests" / "questions" / "conversations.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("before,question,continues,carried", [
    ("what did Canada do", "and in 2020?", True, ["actors"]),
    ("what did Canada do", "what about Australia?", True, []),
    ("sanctions in 2021", "only the UK", True, ["periods", "types"]),
    ("what did Japan do", "how many?", True, ["actors"]),
    ("what did Japan do", "which was the first?", True, ["actors"]),
    ("what did the Czech Senate do", "when did they vote?", True, ["actors"]),
    ("what did Canada do", "sanctions in 2019", False, None),            # complete in itself
    ("what did Canada do", "who did the UK sanction?", False, None),
    ("what did Canada do", "Hikvision", False, None),
])
def test_what_continues_and_what_is_carried(engine, before, question, continues, carried):
    previous, follow = engine.interpret(before), engine.interpret(question)
    assert followup.continues(previous, follow) is continues
    got = engine.interpret_after(question, [before])
    assert (got.followup["carried"] if got.followup else None) == carried
    assert (got.followup is not None) is continues


def test_a_new_period_replaces_and_a_type_narrows(engine):
    got = engine.interpret_after("only the sanctions", ["what did the US do in 2021"])
    assert [a["id"] for a in got.actors] == ["united-states"] and [t["id"] for t in got.types] == ["sanctions"]
    assert [p.text for p in got.periods] == ["2021"]
    got = engine.interpret_after("and in 2020?", ["what did the US do in 2021"])
    assert [p.text for p in got.periods] == ["2020"]


def test_explain_shows_what_was_carried(engine):
    assert "follow-up of “what did Canada do”; carried over: actors" in \
        engine.interpret_after("and in 2020?", ["what did Canada do"]).describe()


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[" → ".join(t["q"] for t in c["turns"]) for c in CONVERSATIONS])
def test_conversations(engine, conversation):
    asked = []
    for turn in conversation["turns"]:
        answer = engine.answer(turn["q"], asked)
        if "must" in turn or turn.get("empty"):
            assert check(answer, turn) == [], f"{turn['q']!r} after {asked}:\n{answer.text}"
        asked.append(turn["q"])
    assert len(CONVERSATIONS) >= 20


def test_the_answer_says_it_continues(engine):
    text = engine.answer("and in 2020?", ["what did Canada do"]).text
    assert "Canada, 2020 — continuing your question “what did Canada do”." in text


def test_the_command_line_gives_the_same_answer(engine):
    cmd = [sys.executable, "-m", "bot", "ask", "--data", str(FROZEN_DATA), "--json",
           "--after", "what did Canada do", "and in 2020?"]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["interpretation"]["followup"] == {"after": "what did Canada do", "carried": ["actors"]}
    assert out["answer"] == engine.answer("and in 2020?", ["what did Canada do"]).text
