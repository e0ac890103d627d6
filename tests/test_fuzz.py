"""Arbitrary text never breaks the engine: every question gets an Answer, never an exception."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WORDS = ["Canada", "sanctions", "2021", "between", "and", "since", "US", "the", '"', "*", "OR", "NEAR",
         "(", ")", "^", ":", "'", "-", "AND", "NOT", "March", "late", "how many", "which", "compare", "vs",
         "Hikvision", "canda", "🇨🇦", "\u202e", "\x00", "台灣", "كندا"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text(engine, text):
    a = engine.answer(text)
    assert isinstance(a.text, str) and a.text
    assert all(r["sources"] for r in a.records)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join))
def test_question_shaped_text(engine, text):
    a = engine.answer(text)
    assert a.text
    a.to_json()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7f), max_size=200) | st.text(max_size=100))
def test_words_split_like_the_word_regex(text):
    """words() splits ASCII without the regex; it must cut exactly where \\w+ does."""
    from bot.text import _WORD, fold, words

    assert words(text) == _WORD.findall(fold(text))
