"""One builder per intent: list, count, which, when, latest/earliest, compare, and no match."""
from __future__ import annotations

from bot.engine.answer import (
    Answer,
    Citations,
    Line,
    chronological,
    record_line,
    relevant_figures,
    short_date,
)
from bot.engine.interpretation import Interpretation
from bot.engine.naming import NOT_DONE, names_text, noun_for, who_did
from bot.engine.structure import KIND_NOUNS
from bot.text import plural


def _describe(descriptions: list[str]) -> str:
    return f" ({'; '.join(d for d in descriptions if d)})" if descriptions else ""


def _shown(total: int, shown: int) -> str:
    return f", showing the {shown} most relevant" if total > shown else ""


def help_answer(question: str, interp: Interpretation | None = None, about=None) -> Answer:
    """``about``: the IndexState, whose `covers` and `examples` come from the dataset."""
    examples = "; ".join(f"“{e}”" for e in (about.examples if about else []))
    covers = about.covers if about else "the records in the data"
    return Answer(question, "help", f"Ask me about {covers}" + (f", for example {examples}." if examples else "."),
                  interpretation=interp)


def list_answer(interp: Interpretation, records: list[dict], total: int, descriptions: list[str]) -> Answer:
    cites = Citations()
    groups = chronological(records, cites)
    head = f"{plural(total, 'record')}{_describe(descriptions)}{_shown(total, len(records))}:"
    return Answer(interp.question, "list", head, groups, cites.notes, records, total, interp)


def count_answer(interp: Interpretation, records: list[dict], total: int, descriptions: list[str]) -> Answer:
    """The figure the source states for what is counted ("43 countries", "94 sanctions"), cited;
    else the distinct countries, parliaments… among the records, named; else the records."""
    asked = interp.count_of or [w for w in interp.question.split()]
    figures = relevant_figures(records, " ".join(asked))
    with_figures = {rec["id"] for rec, _ in figures}
    records = [r for r in records if r["id"] in with_figures] + [r for r in records if r["id"] not in with_figures]
    cites = Citations()
    lines = []
    for rec, fig in figures:
        label = fig["label"] or fig["unit"]
        said = label if str(fig["value"]) in label else f"{fig['value']:,} {label}"  # "more than 60 …" says it
        lines.append(Line(f"The source gives {said} ({short_date(rec)})", cites.mark(rec), rec["id"]))
    kinds = [k for k in interp.count_of if k in KIND_NOUNS]
    if kinds and not figures:
        who = who_did(records, cites, kinds, exclude=interp.exclude)
        head = f"{len(who)} {noun_for(kinds, len(who))}{_describe(descriptions)}: {names_text(who)}."
    elif figures and len(figures) == 1:
        head = f"{lines[0].text} {''.join(f'[{m}]' for m in lines[0].markers)}."
    else:
        head = f"{plural(total, 'record')} match{_describe(descriptions)}."
    groups = ([("Figures from the source", lines)] if lines else []) + chronological(records, cites)
    return Answer(interp.question, "count", head, groups, cites.notes, records, total, interp)


def which_answer(interp: Interpretation, records: list[dict], total: int, descriptions: list[str], *,
                 targeted: bool = False) -> Answer:
    """Who did it (or, `targeted`, whom it was aimed at), each name cited. A motion that failed or a
    bill still on its way is not counted as done; such names are listed apart with their stage."""
    cites = Citations()
    asked = set(interp.stages)
    done = [r for r in records if r.get("stage") not in NOT_DONE or r.get("stage") in asked]
    targeted = targeted or interp.kinds_targeted
    leave = interp.exclude + (interp.subjects if targeted else [])
    who = who_did(done, cites, interp.kinds, targeted, exclude=leave)
    tried: dict[str, tuple[str, list[int]]] = {}
    for rec in records:
        if rec in done:
            continue
        for key, (name, marks) in who_did([rec], cites, interp.kinds, targeted, exclude=leave).items():
            if key not in who:
                label = f"{name} ({NOT_DONE[rec['stage']]})"
                tried.setdefault(f"{key}:{label}", (label, marks))
    noun = noun_for(interp.kinds, len(who), "targets" if targeted and not interp.kinds else "actors")
    descriptions = [d for d in descriptions if not d.startswith("by ")]  # "countries" says it already
    head = f"{len(who)} {noun}{_describe(descriptions)}: {names_text(who)}." if who else \
        f"No {noun} found{_describe(descriptions)}."
    notes = [f"Not done, or not yet: {names_text(tried)}."] if tried else []
    groups = chronological(records, cites)
    return Answer(interp.question, "which", head, groups, cites.notes, records, total, interp, notes)


def when_answer(interp: Interpretation, records: list[dict], total: int, descriptions: list[str]) -> Answer:
    cites = Citations()
    top = records[:3]
    lines = [record_line(r, cites, True) for r in top]
    head = f"{short_date(top[0])}: {top[0]['title']}" if len(top) == 1 else \
        f"{plural(total, 'record')} match{_describe(descriptions)}; the most relevant:"
    return Answer(interp.question, "when", head, [("", lines)], cites.notes, records, total, interp)


def ordered_answer(interp: Interpretation, records: list[dict], total: int, descriptions: list[str]) -> Answer:
    cites = Citations()
    which = "most recent" if interp.intent == "latest" else "earliest"
    if interp.superlative and interp.superlative["order"] == "most":
        which = f"most {interp.superlative['unit']}"
    one = bool(interp.superlative) and (interp.superlative.get("one") or interp.superlative["order"] == "most")
    lines = [record_line(r, cites, one and len(records) <= 3) for r in records]
    if one and len(records) == 1:
        head = f"The {which}{_describe(descriptions)}: {lines[0].text} {''.join(f'[{m}]' for m in lines[0].markers)}"
    elif one:
        head = f"The {which}{_describe(descriptions)}: {plural(len(records), 'record')} on the same date, of {total}:"
    else:
        head = f"The {which} {plural(len(records), 'record')}{_describe(descriptions)}, of {total}:"
    return Answer(interp.question, interp.intent, head, [("", lines)], cites.notes, records, total, interp)


def compare_answer(interp: Interpretation, per_actor: list[tuple[dict, list[dict], int]]) -> Answer:
    cites = Citations()
    groups, parts, seen, records = [], [], set(), []
    for actor, recs, total in per_actor:
        parts.append(f"{actor['name']}: {plural(total, 'record')}")
        lines = [line for _, ls in chronological(recs, cites) for line in ls]
        groups.append((f"{actor['name']} — {plural(total, 'record')}", lines or [Line("No records.", [])]))
        for r in recs:
            if r["id"] not in seen:
                seen.add(r["id"])
                records.append(r)
    return Answer(interp.question, "compare", "Side by side — " + "; ".join(parts) + ".", groups, cites.notes,
                  records, len(records), interp)


def empty_answer(interp: Interpretation, descriptions: list[str], reasons: list[str], about=None) -> Answer:
    if interp.unknown:  # words the records never use: say which, with whatever else was asked
        others = [d for d in descriptions if not d.startswith("mentioning ")]
        head = "No records mention " + ", ".join(f"“{w}”" for w in interp.unknown[:5]) + f"{_describe(others)}."
    elif descriptions:
        head = f"No records match{_describe(descriptions)}."
    else:
        head = "No records match that question."
    notes = list(reasons)
    if interp.suggestions:
        notes.append("Did you mean: " + ", ".join(interp.suggestions[:5]) + "?")
    h = about.hint_examples() if about else {}   # names picked from the dataset itself
    tries = [f"an actor (“{h['actor']}”)" if h.get("actor") else "an actor",
             f"a type of action (“{h['type']}”)" if h.get("type") else "a type of action", "a year",
             f"a name (“{h['name']}”)" if h.get("name") else "a name"]
    notes.append(f"Try {', '.join(tries[:-1])}, or {tries[-1]}.")
    return Answer(interp.question, "empty", head, interpretation=interp, notes=notes)
