"""Follow-up questions: reading a question against the one before it.

After "what did Canada do", "and in 2020?" keeps Canada and changes the period, "what about
Australia?" changes the actor, "only the sanctions" narrows, "how many?" and "which was the
first?" ask about the same records, and "they" or "that" refer back. A question complete in
itself ("sanctions in 2019 by the UK") starts afresh. Deciding which, and what is carried over,
is part of the interpretation (`followup`), so `--explain` shows it and tests compare it.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re

from bot.dates import OPEN_END, OPEN_START, Period, month_span
from bot.engine.interpretation import Interpretation

# how a follow-up opens: it continues the question before ("and…", "what about…", "only…")
_OPENERS = re.compile(r"^\W*(?:and|but|also|so|then|what\s+about|how\s+about|same\s+for|and\s+what\s+about|"
                      r"only|just|now|et|y|und|ve|peki|what\s+else)\b", re.IGNORECASE)
# words that point back to what was asked before
_BACK = re.compile(r"\b(?:they|them|their|theirs|those|these|this\s+one|that\s+one|the\s+same|he|she|his|her|him)\b",
                   re.IGNORECASE)
PARTIES = ("actors", "groups")
TOPICS = ("types", "entities", "kinds", "stages", "sections")
TIME = ("periods", "months")


def _has(interp: Interpretation, fields) -> bool:
    return any(getattr(interp, f) for f in fields)


def continues(previous: Interpretation | None, follow: Interpretation) -> bool:
    """Whether `follow` continues `previous`: it opens like a follow-up, points back without
    naming a party of its own, or says only what changes (a period, a count, a superlative…)."""
    if previous is None:
        return False
    text = follow.question
    if _OPENERS.search(text):
        return True
    own_party = _has(follow, PARTIES)
    if _BACK.search(text) and not own_party:
        return True
    says_little = not (own_party or _has(follow, TOPICS) or follow.terms or follow.unknown)
    if says_little:
        return _has(follow, TIME) or follow.intent != "list" or bool(follow.exclude) or bool(follow.superlative) \
            or follow.polarity != "open"
    # "how many sanctions?", "which was the first resolution?": counting or picking among what was
    # asked, with no party of its own
    return not own_party and (follow.intent == "count" or bool(follow.superlative))


def combine(previous: Interpretation, follow: Interpretation) -> Interpretation:
    """`follow` read as a follow-up of `previous`: what it names replaces what was asked before
    (a new actor, a new period), what it adds narrows (a type, what to leave out), and whatever
    it does not say is carried over. `followup` says what was carried."""
    carried, out = [], {}
    for group in (PARTIES, TIME):
        if _has(follow, group):
            out.update({f: getattr(follow, f) for f in group})
        else:
            out.update({f: getattr(previous, f) for f in group})
            carried += [f for f in group if getattr(previous, f)]
    year = _one_year(previous)
    if follow.months and not follow.periods and year:
        # "and in April?" after "March 2021": April of that year, not of every year
        out["periods"] = [Period(*month_span(year, m), f"{calendar.month_name[m]} {year}") for m in follow.months]
        out["months"] = []
        carried.append("year")
    for f in TOPICS:
        mine = getattr(follow, f)
        out[f] = mine if mine else getattr(previous, f)
        if not mine and getattr(previous, f):
            carried.append(f)
    if not (follow.terms or _has(follow, TOPICS)) and previous.terms:
        out["terms"], out["common"] = previous.terms, previous.common
        carried.append("terms")
    out["exclude"] = previous.exclude + [e for e in follow.exclude if e not in previous.exclude]
    if previous.exclude:
        carried.append("exclude")
    if follow.intent == "list" and not follow.superlative and follow.polarity == "open":
        out.update(intent=previous.intent, superlative=previous.superlative, count_of=previous.count_of,
                   asks=previous.asks)
        if previous.intent != "list":
            carried.append("intent")
    elif follow.intent == "count" and not follow.count_of:
        out["count_of"] = previous.count_of or ["records"]
    if not _has(follow, PARTIES):
        out["acting_only"], out["voice"] = previous.acting_only, previous.voice
        out["mentions"] = previous.mentions
    out["all_types"] = len(out["types"]) > 1 and (follow.all_types or previous.all_types and not follow.types)
    out["types_object"] = out["all_types"] and (follow.types_object or previous.types_object)
    out["kinds_targeted"] = bool(out["kinds"]) and (follow.kinds_targeted or previous.kinds_targeted)
    out["followup"] = {"after": previous.question, "carried": carried}
    return dataclasses.replace(follow, **out)


def _one_year(interp: Interpretation) -> int | None:
    """The year the question's periods all lie in, if they lie in one."""
    years = {dt.date.fromordinal(o).year for p in interp.periods for o in (p.start, p.end)
             if OPEN_START < o < OPEN_END}
    return years.pop() if len(years) == 1 and all(OPEN_START < p.start and p.end < OPEN_END
                                                  for p in interp.periods) else None


def read(previous: Interpretation | None, follow: Interpretation) -> Interpretation:
    """`follow`, combined with `previous` when it continues it, else as it stands."""
    return combine(previous, follow) if continues(previous, follow) else follow


def summary(interp: Interpretation) -> str:
    """What a continued question is now about, in a few words: "Canada, 2020"."""
    parts = [a["name"] for a in interp.actors + interp.groups]
    parts += [t["name"] for t in interp.types] + [e["name"] for e in interp.entities]
    parts += [p.text for p in interp.periods]
    return ", ".join(parts) or "the same records"
