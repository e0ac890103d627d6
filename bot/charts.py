"""Which records a chart shows: the options of /timeline, /stats and their CLI twins, resolved
to records by the engine, so the picture and an answer to the same filters always agree."""
from __future__ import annotations

from dataclasses import dataclass

from . import lookup
from .engine import Engine

CHART_LIMIT = 5000  # records fetched for one picture; more would not be legible anyway
SOURCE = "UHRP"


class UnknownName(ValueError):
    """An actor or type option that names nothing; the message says what is close."""


@dataclass
class Selection:
    records: list[dict]
    total: int
    label: str


def _resolve(engine: Engine, actors: list[str], types: list[str]) -> tuple[list[str], list[str]]:
    actor_ids, type_ids = [], []
    for name in actors:
        aid, close = lookup.resolve_actor(engine, name)
        if aid is None:
            hint = f" Did you mean {', '.join(close[:3])}?" if close else ""
            raise UnknownName(f"I don't know an actor called “{name}”.{hint}")
        actor_ids.append(aid)
    for name in types:
        tid = lookup.resolve_type(engine, name)
        if tid is None:
            known = ", ".join(label for label, _ in lookup.type_choices(engine, name, 3))
            raise UnknownName(f"I don't know a type of action called “{name}”." + (f" Close: {known}." if known else ""))
        type_ids.append(tid)
    return actor_ids, type_ids


def select(engine: Engine, *, actors: list[str] = (), types: list[str] = (), start: int | None = None,
           end: int | None = None) -> Selection:
    actor_ids, type_ids = _resolve(engine, [a for a in actors if a], [t for t in types if t])
    st = engine.state
    parts = [st.actors[a]["name"] for a in actor_ids] + [st.types[t] for t in type_ids]
    if start or end:
        parts.append(f"{start or '…'}–{end or '…'}" if start != end else str(start))
    label = " · ".join(parts) or "all records"
    answer = engine.select(actors=actor_ids, types=type_ids, start=start, end=end, acting_only=bool(actor_ids),
                           label=label, limit=CHART_LIMIT)
    return Selection(answer.records, answer.total, label)


def timeline_chart(engine: Engine, *, actors=(), types=(), start=None, end=None, rows: str = "actor"):
    """(Chart, Selection); raises UnknownName, or EmptyChart when nothing can be drawn."""
    from .timeline import EmptyChart, render_timeline

    sel = select(engine, actors=actors, types=types, start=start, end=end)
    if not sel.records:
        raise EmptyChart(f"No records match {sel.label}, so there is nothing to draw.")
    chart = render_timeline(sel.records, rows=rows, title=f"Who did what, when — {sel.label}", source=SOURCE)
    if sel.total > len(sel.records):
        chart.caption += f" Only the {len(sel.records):,} most relevant of {sel.total:,} matching records were drawn."
    return chart, sel


def stats_chart(engine: Engine, *, actors=(), types=(), start=None, end=None):
    from .timeline import EmptyChart, render_stats

    sel = select(engine, actors=actors, types=types, start=start, end=end)
    if not sel.records:
        raise EmptyChart(f"No records match {sel.label}, so there is nothing to count.")
    return render_stats(sel.records, title=f"The records in numbers — {sel.label}", source=SOURCE), sel
