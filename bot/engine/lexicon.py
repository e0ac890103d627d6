"""Names of actors, entities and types, looked up exactly or, for long spans, fuzzily.

Fuzzy matching is edit distance (optimal string alignment, so a swapped pair of letters
counts once) with a budget that grows with length: 1 edit from 5 letters, 2 from 9.
A fuzzy match must also beat every other candidate, so a span halfway between two
names matches neither. Short names (US, UK, EU, UN) are never matched fuzzily.
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

PRIORITY = {"entity": 0, "group": 1, "actor": 2, "type": 3, "section": 4}  # a phrase owned by two kinds goes to the first


@dataclass(frozen=True)
class Name:
    category: str   # actor | group | entity | type | section
    target: str     # id
    name: str       # the name as written in the data


def edit_budget(length: int) -> int:
    return 0 if length < 5 else 1 if length < 9 else 2


class Lexicon:
    def __init__(self, rows: list[tuple[str, str, str, str]]):
        self.exact: dict[tuple[str, ...], list[Name]] = defaultdict(list)
        self.short: dict[str, list[Name]] = defaultdict(list)
        by_string: dict[str, set[Name]] = defaultdict(set)
        for key, category, target, name in rows:
            parts = tuple(key.split())
            n = Name(category, target, name)
            if n not in self.exact[parts]:
                self.exact[parts].append(n)
            if len(parts) == 1 and len(parts[0]) <= 3:
                self.short[parts[0]].append(n)
            joined = " ".join(parts)
            if len(joined.replace(" ", "")) >= 5:
                by_string[joined].add(n)
        for names in self.exact.values():
            names.sort(key=lambda n: PRIORITY[n.category])
        self.max_words = max((len(k) for k in self.exact), default=1)
        self.words = frozenset(w for k in self.exact for w in k)   # every stem a name is made of
        self._strings = list(by_string)
        self._owners = [sorted(by_string[s], key=lambda n: PRIORITY[n.category]) for s in self._strings]
        self.names_by_target: dict[tuple[str, str], str] = {}
        self.words_by_type: dict[str, list[str]] = defaultdict(list)   # one-word synonyms, for search
        for key, category, target, name in rows:
            self.names_by_target.setdefault((category, target), name)
            if category == "type" and " " not in name.strip() and name.lower() not in self.words_by_type[target]:
                self.words_by_type[target].append(name.lower())

    @classmethod
    def from_db(cls, conn: sqlite3.Connection) -> "Lexicon":
        return cls(conn.execute("select key, category, target, name from names").fetchall())

    def lookup(self, stems: tuple[str, ...]) -> list[Name]:
        return self.exact.get(stems, [])

    def lookup_short(self, norm: str) -> list[Name]:
        """Names of three letters or fewer, only ever matched as a whole word."""
        return self.short.get(norm, [])

    def fuzzy(self, text: str) -> tuple[list[Name], list[Name]]:
        """(the match, or [] ; close names worth suggesting when there is no clear match)."""
        budget = edit_budget(len(text.replace(" ", "")))
        if budget == 0 or not self._strings:
            return [], []
        hits = process.extract(text, self._strings, scorer=OSA.distance, score_cutoff=budget + 1, limit=8)
        if not hits:
            return [], []
        hits.sort(key=lambda h: h[1])
        best = hits[0][1]
        if best > budget:
            return [], [self._owners[i][0] for _, _, i in hits[:3]]
        winners = {(n.category, n.target) for s, d, i in hits if d == best for n in self._owners[i]}
        if len(winners) > 1:
            return [], [n for s, d, i in hits if d == best for n in self._owners[i]][:3]
        return [self._owners[hits[0][2]][0]], []
