"""Typos in any word, corrected against the words the data itself uses.

A word no record, name or synonym uses is read as the one known word within its edit budget
(1 edit from 5 letters, 2 from 9, a swapped pair counting once), provided no other known word is
as close: "sanctoins" → "sanctions", "genocyde" → "genocide", "goverment" → "government". The
correction is shown with the answer, so a wrong guess is visible.
"""
from __future__ import annotations

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.engine.lexicon import edit_budget


class Speller:
    def __init__(self, words):
        self._source = words      # stems, or a function giving them, read on the first correction
        self._words: list[str] | None = None

    def correct(self, stem: str) -> str | None:
        """The one known stem closest to `stem`, or None when none is close or two are as close."""
        budget = edit_budget(len(stem))
        if budget == 0 or not stem.isalpha():
            return None
        if self._words is None:
            source = self._source() if callable(self._source) else self._source
            self._words = sorted({w for w in source if len(w) >= 4 and w.isalpha()})
        hits = process.extract(stem, self._words, scorer=OSA.distance, score_cutoff=budget, limit=3)
        hits = sorted(hits, key=lambda h: h[1])
        if not hits or (len(hits) > 1 and hits[1][1] == hits[0][1]):
            return None
        return hits[0][0]
