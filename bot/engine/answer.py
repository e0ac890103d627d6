"""What a reply says: an Answer built from matching records, with a citation on every line.

The Answer is structured (headline, groups of lines, footnotes) so the CLI and Discord can
lay it out differently while saying exactly the same thing.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import textwrap
from dataclasses import dataclass, field

from bot.dataset.model import ACTING_ROLES
from bot.engine.interpretation import Interpretation
from bot.text import stem, tokenize

UNDATED = "Date not given"   # a record whose source gives no date
SUMMARY_UP_TO = 3  # answers this short show each record's summary under its line
# Example questions come from the dataset (sources.yaml's `examples`, IndexState.examples), never from here.


@dataclass
class Line:
    text: str
    markers: list[int]
    record_id: str = ""
    detail: str = ""          # the summary, when the answer is short enough to show it


@dataclass
class Answer:
    question: str
    kind: str                                   # list | count | which | when | latest | earliest | compare | empty | help
    headline: str
    groups: list[tuple[str, list[Line]]] = field(default_factory=list)
    footnotes: list[tuple[int, str, str]] = field(default_factory=list)  # (n, passage, url)
    records: list[dict] = field(default_factory=list)
    total: int = 0
    interpretation: Interpretation | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return render_text(self)

    def to_json(self) -> dict:
        return {"answer": self.text, "kind": self.kind, "total": self.total, "records": self.records,
                "footnotes": [{"n": n, "passage": p, "url": u} for n, p, u in self.footnotes],
                "interpretation": self.interpretation.to_dict() if self.interpretation else None}


def short_date(rec: dict) -> str:
    d = rec.get("date")
    if not d:
        return UNDATED
    if d["kind"] in ("day", "month") and d.get("sort") is not None:
        o = dt.date.fromordinal(d["sort"])
        mon = calendar.month_abbr[o.month]
        return f"{o.day} {mon} {o.year}" if d["kind"] == "day" else f"{mon} {o.year}"
    return d["text"]


def year_of(rec: dict) -> str:
    d = rec.get("date")
    if not d or d.get("sort") is None:
        return UNDATED
    return str(dt.date.fromordinal(d["sort"]).year)


def who(rec: dict) -> str:
    acting = [a for a in rec["actors"] if a["role"] in ACTING_ROLES] or rec["actors"]
    first = acting[0]
    label = f"{first['flag']} {first['name']}" if first.get("flag") else first["name"]
    return label + (f" and {len(acting) - 1} more" if len(acting) > 1 else "")


def votes_text(v: dict) -> str:
    if not v:
        return ""
    parts = [f"{v[k]} {label}" for k, label in (("for", "for"), ("against", "against"),
                                                  ("abstentions", "abstaining")) if k in v]
    if v.get("unanimous"):
        parts.insert(0, "unanimous")
    return f" ({', '.join(parts)})"


class Citations:
    """Numbers passages in order of first use; records citing one passage share its number."""

    def __init__(self):
        self.numbers: dict[tuple, int] = {}
        self.notes: list[tuple[int, str, str]] = []

    def mark(self, rec: dict) -> list[int]:
        out = []
        for s in rec["sources"]:
            key = (s["document"], s["section"], s["item"])
            if key not in self.numbers:
                self.numbers[key] = len(self.numbers) + 1
                self.notes.append((self.numbers[key], f"{s['title']} › {s['section']} › item {s['item']}", s.get("url", "")))
            out.append(self.numbers[key])
        return out


def record_line(rec: dict, cites: Citations, with_detail: bool) -> Line:
    text = f"{short_date(rec)} — {who(rec)}: {rec['title']}{votes_text(rec.get('votes') or {})}"
    return Line(text, cites.mark(rec), rec["id"], rec["summary"] if with_detail else "")


def chronological(records: list[dict], cites: Citations) -> list[tuple[str, list[Line]]]:
    dated = sorted((r for r in records if r.get("date") and r["date"].get("sort") is not None),
                   key=lambda r: r["date"]["sort"])
    undated = [r for r in records if not (r.get("date") and r["date"].get("sort") is not None)]
    detail = len(records) <= SUMMARY_UP_TO
    groups: list[tuple[str, list[Line]]] = []
    for rec in dated + undated:
        y = year_of(rec)
        if not groups or groups[-1][0] != y:
            groups.append((y, []))
        groups[-1][1].append(record_line(rec, cites, detail))
    return groups


def relevant_figures(records: list[dict], question: str) -> list[tuple[dict, dict]]:
    """Figures whose unit the question names ("how many *sanctions*")."""
    asked = {t.stem for t in tokenize(question)}
    return [(rec, f) for rec in records for f in rec.get("figures") or []
            if any(stem(w) in asked for w in f["unit"].lower().split())]


def newest_first(answer: Answer) -> Answer:
    """The same answer, newest year and line first (undated last), footnotes renumbered in order."""
    dated = [(h, list(reversed(ls))) for h, ls in reversed(answer.groups) if h != UNDATED]
    groups = dated + [(h, ls) for h, ls in answer.groups if h == UNDATED]
    order: dict[int, int] = {}
    for _, lines in groups:
        for ln in lines:
            for m in ln.markers:
                order.setdefault(m, len(order) + 1)
    for n, _, _ in answer.footnotes:
        order.setdefault(n, len(order) + 1)
    groups = [(h, [dataclasses.replace(ln, markers=[order[m] for m in ln.markers]) for ln in ls]) for h, ls in groups]
    notes = sorted(((order[n], p, u) for n, p, u in answer.footnotes), key=lambda f: f[0])
    return dataclasses.replace(answer, groups=groups, footnotes=notes)


# ---- plain-text layout, for the command line (Discord lays pages out in discord_adapter/answer_pages.py)
def markers(ns: list[int]) -> str:
    return "".join(f"[{n}]" for n in ns)


def line_text(text: str, ns: list[int]) -> str:
    return f"{text} {markers(ns)}" if ns else text


def render_text(answer: Answer, width: int = 100) -> str:
    out = [answer.headline]
    out += answer.notes
    for heading, lines in answer.groups:
        out.append("")
        if heading:
            out.append(heading)
        for ln in lines:
            out.append(textwrap.fill(line_text(ln.text, ln.markers), width, initial_indent="  • ",
                                     subsequent_indent="    "))
            if ln.detail:
                out.append(textwrap.fill(ln.detail, width, initial_indent="      ", subsequent_indent="      "))
    if answer.footnotes:
        out += ["", "Sources"]
        out += [f"  [{n}] {passage}" + (f" <{url}>" if url else "") for n, passage, url in answer.footnotes]
    return "\n".join(out)
