"""One builder per intent: list, count, which, when, latest/earliest, compare, and no match."""
from __future__ import annotations

from bot.dataset.model import ACTING_ROLES
from bot.engine.answer import (
    Answer,
    Citations,
    Line,
    chronological,
    record_line,
    relevant_figures,
    short_date,
)
from bot.engine.interpret import KIND_MEMBERS, Interpretation
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
    figures = relevant_figures(records, interp.question)
    with_figures = {rec["id"] for rec, _ in figures}
    records = [r for r in records if r["id"] in with_figures] + [r for r in records if r["id"] not in with_figures]
    cites = Citations()
    lines = []
    for rec, fig in figures:
        label = fig["label"] or fig["unit"]
        said = label if str(fig["value"]) in label else f"{fig['value']:,} {label}"  # "more than 60 …" says it
        lines.append(Line(f"The source gives {said} ({short_date(rec)})", cites.mark(rec), rec["id"]))
    head = f"{plural(total, 'record')} match{_describe(descriptions)}."
    groups = ([("Figures from the source", lines)] if lines else []) + chronological(records, cites)
    return Answer(interp.question, "count", head, groups, cites.notes, records, total, interp)


KIND_NOUNS = {"country": "countries", "legislature": "parliaments", "company": "companies",
              "civil-society": "organisations"}


def _who_key(rec: dict, kinds: list[str], targeted: bool = False) -> list[tuple[str, str]]:
    """Who to name for a record: the country when countries are asked for, the body itself when
    another kind is ("which parliaments"), else the country, or the organisation itself. When the
    kind was acted upon ("which companies were sanctioned"), the targets of that kind."""
    out = []
    for a in rec["actors"]:
        if targeted:
            if a["role"] == "target" and a["kind"] in {k for kind in kinds for k in KIND_MEMBERS[kind]}:
                out.append((a["id"], a["name"]))
            continue
        if a["role"] not in ACTING_ROLES:
            continue
        if "country" in kinds:
            if a.get("country"):
                out.append((a["country"], a["country_name"]))
        elif kinds or not a.get("country"):
            out.append((a["id"], a["name"]))
        else:
            out.append((a["country"], a["country_name"]))
    return out


def _who_list(records: list[dict], cites: Citations, kinds: list[str],
              targeted: bool = False) -> dict[str, tuple[str, list[int]]]:
    who: dict[str, tuple[str, list[int]]] = {}
    for rec in sorted(records, key=lambda r: (r.get("date") or {}).get("sort") or 10**7):
        marks = cites.mark(rec)
        for key, name in _who_key(rec, kinds, targeted):
            who.setdefault(key, (name, []))
            who[key][1].extend(m for m in marks if m not in who[key][1])
    return who


def _names(who: dict[str, tuple[str, list[int]]]) -> str:
    return ", ".join(f"{name} {''.join(f'[{m}]' for m in marks)}" for name, marks in who.values())


NOT_DONE = {"failed": "failed", "pending": "pending", "introduced": "introduced",
            "passed-one-chamber": "passed one chamber"}


def which_answer(interp: Interpretation, records: list[dict], total: int, descriptions: list[str]) -> Answer:
    """Who did it, each name cited. A motion that failed or a bill still on its way is not
    counted as done; such names are listed apart with their stage."""
    cites = Citations()
    asked = set(interp.stages)
    done = [r for r in records if r.get("stage") not in NOT_DONE or r.get("stage") in asked]
    who = _who_list(done, cites, interp.kinds, interp.kinds_targeted)
    tried: dict[str, tuple[str, list[int]]] = {}
    for rec in records:
        if rec in done:
            continue
        for key, (name, marks) in _who_list([rec], cites, interp.kinds, interp.kinds_targeted).items():
            if key not in who:
                label = f"{name} ({NOT_DONE[rec['stage']]})"
                tried.setdefault(f"{key}:{label}", (label, marks))
    noun = KIND_NOUNS.get(interp.kinds[0], "actors") if len(interp.kinds) == 1 else "actors"
    if len(who) == 1:
        noun = {"countries": "country", "companies": "company"}.get(noun, noun[:-1])
    descriptions = [d for d in descriptions if not d.startswith("by ")]  # "countries" says it already
    head = f"{len(who)} {noun}{_describe(descriptions)}: {_names(who)}." if who else f"No {noun} found{_describe(descriptions)}."
    notes = [f"Not done, or not yet: {_names(tried)}."] if tried else []
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
    lines = [record_line(r, cites, False) for r in records]
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
