"""From an Interpretation to an Answer: search, widen only where the question allows it, pick
the builder for its intent, and say in notes what was read, corrected or left out."""
from __future__ import annotations

import dataclasses
import datetime as dt

from bot.dates import Period
from bot.engine import compose, followup, verdict
from bot.engine.answer import Answer
from bot.engine.interpretation import Interpretation
from bot.engine.languages import BY_CODE
from bot.text import stem

SUPERLATIVE_POOL = 200   # candidates a superlative picks its one record (and ties) from
BUILDERS = {"count": compose.count_answer, "which": compose.which_answer, "when": compose.when_answer,
            "latest": compose.ordered_answer, "earliest": compose.ordered_answer}


def _with(interp: Interpretation, **changes) -> Interpretation:
    return dataclasses.replace(interp, **changes)


def answer(engine, interp: Interpretation, limit: int | None = None) -> Answer:
    if interp.intent == "compare":
        return _compare(engine, interp)
    if interp.relative:
        interp = _dated_by_event(engine, interp)
    one = bool(interp.superlative) and (interp.superlative.get("one") or interp.superlative["order"] == "most")
    found = engine.search(interp, SUPERLATIVE_POOL if one else limit)
    if found is None:  # nothing in the question to search for
        if interp.unknown or interp.suggestions:
            return _noted(compose.empty_answer(interp, [], [], engine.state), interp)
        return compose.help_answer(interp.question, interp, engine.state)
    cl, records, total = found
    if interp.all_types and (interp.types_object or not records):
        # A verb and its object ("demanded an investigation"), or no record with every type asked:
        # the first type is the action, the others say what it was about, in the records' words.
        words = [w for t in interp.types[1:] for w in engine.state.lexicon.words_by_type.get(t["id"], [])]
        about = _with(interp, types=interp.types[:1], all_types=False, topic_words=words)
        found = engine.search(about, limit) if words else None
        if found and found[1]:
            (cl, records, total), interp = found, about
    note = ""
    if not records and interp.acting_only and interp.polarity == "open":
        # "what did the OIC do": it acted in no record, but records that involve it may exist
        wider = _with(interp, acting_only=False)
        found = engine.search(wider, limit)
        if found and found[1]:
            (cl, records, total), interp = found, wider
            names = " or ".join(a["name"] for a in interp.subjects)
            note = f"No record shows {names} acting; these records involve {names}:"
    if not records and interp.terms and interp.subjects and interp.objects:
        # "what did the NYC Bar send to China's leaders": both parties pin the records down; the
        # other words may be the question's, not the records' (said so in a note)
        found = engine.search(_with(interp, terms=[], common=[]), limit)
        if found and found[1]:
            (cl, records, total) = found
            note = "No record uses the words " + ", ".join(f"“{w}”" for w in interp.terms) + \
                f"; these records involve both {interp.subjects[0]['name']} and {interp.objects[0]['name']}:"
    if not records and interp.subjects and interp.polarity == "open" and not note:
        # "how many MEPs voted…": they acted in no record, but a record may name them
        named = _with(interp, actors=[dict(a, any_role=True) if not a.get("object") else a for a in interp.actors],
                      acting_only=False)
        found = engine.search(named, limit)
        if found and found[1]:
            (cl, records, total), interp = found, named
            names = " or ".join(a["name"] for a in interp.subjects)
            note = f"No record shows {names} acting; these records name {names}:"
    desc = [c.description for c in cl]
    if interp.polarity == "yes-no":
        return _noted(_yes_no(engine, interp, cl, records, total, desc), interp, engine, cl)
    if not records:
        return _noted(compose.empty_answer(interp, desc, engine.why_empty(cl), engine.state), interp)
    if one:
        records, total = _superlative(interp, records), len(records)
    if interp.asks == "target" and interp.intent != "count":
        result = compose.which_answer(interp, records, total, desc, targeted=True)
    else:
        result = BUILDERS.get(interp.intent, compose.list_answer)(interp, records, total, desc)
    if note:
        result.notes.insert(0, note)
    return _noted(result, interp, engine, cl)


def _yes_no(engine, interp: Interpretation, cl, records: list[dict], total: int, desc: list[str]) -> Answer:
    # the action asked is in the records: its type, stage or entity matched, or else every word
    searched = {w for c in cl for w in c.words}
    full = bool(interp.types or interp.stages or interp.entities) or (bool(interp.terms)
                                                                      and set(interp.terms) <= searched)
    full = full and not interp.unknown_topic
    if records:
        return verdict.verdict(interp, records, total, desc, full_match=full)
    related, related_total = [], 0
    # what the records show about the same party and topic: the party with the words of the action
    # asked ("sanction", "resolution"), or with the entity asked about
    words = [w for t in interp.types for w in engine.state.lexicon.words_by_type.get(t["id"], [])]
    bare = dict(types=[], stages=[], terms=[], kinds=[], acting_only=False, polarity="open")
    tries = [_with(interp, **bare, topic_words=words)] if words else []
    tries += [_with(interp, **bare)] if interp.entities else []
    for wider in tries:
        if not (wider.actors or wider.groups or wider.entities):
            continue
        found = engine.search(wider, 5)
        if found and found[1]:
            related, related_total = found[1], found[2]
            break
    return verdict.verdict(interp, [], 0, desc, full_match=full, related=related, related_total=related_total)


def _superlative(interp: Interpretation, records: list[dict]) -> list[dict]:
    """The one record a superlative asks for, and those tied with it. A motion that failed or a
    bill still pending is not something that happened, unless the question asks for those."""
    asked = set(interp.stages)
    happened = [r for r in records if r.get("stage") not in verdict.NOT_DONE or r.get("stage") in asked] or records
    subjects = {a["id"] for a in interp.subjects}
    own = [r for r in happened if any(a["role"] == "acted" and subjects & {a["id"], a.get("top"), a.get("country")}
                                      for a in r["actors"])]
    sup = interp.superlative
    if sup["order"] != "most":
        happened = own or happened   # "the UK's most recent move": what it did itself, before what it joined
    if sup["order"] == "most":
        def size(rec: dict) -> float | None:
            unit = stem(sup["unit"])
            if unit.startswith("vote"):
                return (rec.get("votes") or {}).get("for")
            vals = [f["value"] for f in rec.get("figures") or [] if unit in {stem(w) for w in f["unit"].lower().split()}]
            return max(vals) if vals else None
        sized = [(size(r), r) for r in happened if size(r) is not None]
        if not sized:
            return happened[:1]
        best = max(s for s, _ in sized)
        return [r for s, r in sized if s == best]
    dated = [r for r in happened if (r.get("date") or {}).get("sort") is not None] or happened
    first = (dated[0].get("date") or {}).get("sort")
    return [r for r in dated if (r.get("date") or {}).get("sort") == first]


def _dated_by_event(engine, interp: Interpretation) -> Interpretation:
    """'the year after Abe raised the Uyghurs with Xi': the event's record gives the period."""
    rel = interp.relative
    event = engine.state.interpreter(rel["event"])
    found = engine.search(_with(event, polarity="open", intent="list"), 3)
    dated = [r for r in (found[1] if found else []) if (r.get("date") or {}).get("sort") is not None]
    if not dated:
        return interp
    day = dt.date.fromordinal(dated[0]["date"]["sort"])
    unit, direction = rel["relation"].split()
    if unit == "year":
        year = day.year + (1 if direction == "after" else -1)
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    else:
        month = day.month + (1 if direction == "after" else -1)
        year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
        start = dt.date(year, month, 1)
        end = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
    period = Period(start.toordinal(), end.toordinal(), f"the {rel['relation']} {dated[0]['title']} ({day.year})")
    return _with(interp, periods=interp.periods + [period])


def _compare(engine, interp: Interpretation) -> Answer:
    per_actor = []
    for actor in interp.actors:
        found = engine.search(_with(interp, actors=[dict(actor, object=False)], intent="list"))
        _, records, total = found if found else ([], [], 0)
        per_actor.append((actor, records, total))
    return compose.compare_answer(interp, per_actor)


def _noted(result: Answer, interp: Interpretation, engine=None, cl=None) -> Answer:
    """What the reader should know about how the question was read, before the records."""
    notes = []
    if interp.followup:
        notes.append(f"{followup.summary(interp)} — continuing your question “{interp.followup['after']}”.")
    if interp.language != "en":
        notes.append(f"Your question was read as {BY_CODE[interp.language].name}; the answer is in English.")
    if interp.corrections:
        notes.append("Read " + ", ".join(f"“{a}” as “{b}”" for a, b in interp.corrections) + ".")
    if interp.exclude and engine is not None and result.records:
        kept = [c for c in cl if not c.description.startswith("leaving out")]
        left = engine.count(kept) - result.total if len(kept) < len(cl) else 0
        what = ", ".join(e["name"] for e in interp.exclude)
        notes.append(f"Leaving out {what}" + (f" ({left} more record{'s' if left != 1 else ''})." if left > 0 else "."))
    if interp.months:
        notes.append("A month without a year means that month of every year the records cover.")
    if interp.unknown_dates:
        years = engine.state.years if engine is not None else (None, None)
        span = f"; the records run from {years[0]} to {years[1]}" if years[0] else ""
        notes.append("Dates relative to today (" + ", ".join(f"“{w}”" for w in interp.unknown_dates)
                     + f") are not understood, so they were not used{span}.")
    ignored = [w for w in interp.unknown if w not in interp.unknown_names + interp.unknown_topic]
    if ignored and result.records:
        notes.append("Not in the records, so not searched: " + ", ".join(f"“{w}”" for w in ignored) + ".")
    result.notes[:0] = notes
    return result
