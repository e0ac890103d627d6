"""Yes/no questions: a direct verdict, cited, drawn only from the records.

"Yes — …[1]" when records show the thing asked; "No — … failed [1]" or "Not yet — … (pending)
[1]" when the records show it tried and not (yet) done; "No record shows …" when none matches,
followed by what the records do show about the same parties and topic. A "no" is only ever
about the records, never about the world.
"""
from __future__ import annotations

from bot.engine.answer import Answer, Citations, chronological, short_date
from bot.engine.interpretation import Interpretation

NOT_DONE = {"failed": "failed", "pending": "still pending", "introduced": "only introduced",
            "passed-one-chamber": "passed one chamber only"}
COMPLETION = frozenset("law pass passed enact enacted adopt adopted approve approved sign signed ratify ratified "
                       "become became recognise recognised recognize recognized".split())


def _line(rec: dict) -> str:
    return f"{rec['title']} ({short_date(rec)})"


def verdict(interp: Interpretation, records: list[dict], total: int, descriptions: list[str], *,
            full_match: bool, related: list[dict] = (), related_total: int = 0) -> Answer:
    """`full_match`: every part of the question (its action, its words) matched the records,
    not only the parties and the period."""
    cites = Citations()
    asked_stages = set(interp.stages)
    completion = bool(COMPLETION & {w.lower() for w in interp.question.replace("?", " ").split()}) or bool(asked_stages)
    if records:
        done = [r for r in records if not r.get("stage") or r["stage"] not in NOT_DONE or r["stage"] in asked_stages]
        shown = done or records
        marks = "".join(f"[{m}]" for m in cites.mark(shown[0]))
        if not full_match:
            head = f"The records do not say so directly; this is what they show: {_line(shown[0])} {marks}"
            kind = "unclear"
        elif done and not (completion and done[0].get("stage") in NOT_DONE):
            head, kind = f"Yes — {_line(done[0])} {marks}", "yes"
        else:
            stage = records[0].get("stage")
            word = "No" if stage == "failed" else "Not yet" if completion else "Partly"
            head, kind = f"{word} — {_line(records[0])}: {NOT_DONE.get(stage, stage)} {marks}", "no" if word == "No" \
                else "not-yet"
        groups = chronological(records, cites)
        return Answer(interp.question, kind, head.strip(), groups, cites.notes, records, total, interp)
    what = "; ".join(d for d in descriptions if d) or "that"
    head = f"No record shows that ({what})."
    if not related:
        return Answer(interp.question, "empty", head, interpretation=interp,
                      notes=["This says nothing about the world beyond the records."])
    groups = chronological(related, cites)
    return Answer(interp.question, "no-record", head, groups, cites.notes, list(related), related_total, interp,
                  notes=["What the records do show about it:"])
