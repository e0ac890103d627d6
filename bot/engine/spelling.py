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
        self._by_length: dict[int, list[str]] | None = None

    def candidates(self, stem: str) -> list[str]:
        """The known stems closest to `stem` within its budget: one, several tied, or none."""
        budget = edit_budget(len(stem))
        if budget == 0 or not stem.isalpha():
            return []
        if self._by_length is None:
            source = self._source() if callable(self._source) else self._source
            self._by_length = {}
            for w in sorted({w for w in source if len(w) >= 4 and w.isalpha()}):
                self._by_length.setdefault(len(w), []).append(w)
        # a word more letters longer or shorter than the budget is too far: compare only the others
        near = [w for n in range(len(stem) - budget, len(stem) + budget + 1) for w in self._by_length.get(n, ())]
        hits = process.extract(stem, near, scorer=OSA.distance, score_cutoff=budget, limit=5)
        best = min((d for _, d, _ in hits), default=None)
        return [w for w, d, _ in hits if d == best]

    def correct(self, stem: str, fits=None) -> str | None:
        """The one closest known stem; when several are as close, the one `fits` its neighbours
        ("value chians": "chains" forms a phrase the records use, "China" does not)."""
        found = self.candidates(stem)
        if len(found) > 1 and fits is not None:
            found = [w for w in found if fits(w)]
        return found[0] if len(found) == 1 else None
