"""Which records a chart shows: the options of /timeline, /stats and their CLI twins, resolved
to records by the engine, so the picture and an answer to the same filters always agree."""
from __future__ import annotations

from dataclasses import dataclass

from bot.engine import options
from bot.engine.engine import Engine

CHART_LIMIT = 5000  # records fetched for one picture; more would not be legible anyway
SOURCE = "UHRP"


@dataclass
class Selection:
    records: list[dict]
    total: int
    label: str


def select(engine: Engine, *, actors: list[str] = (), types: list[str] = (), start: int | None = None,
           end: int | None = None) -> Selection:
    answer = options.answer_for(engine, actors=actors, types=types, start=start, end=end,
                                acting_only=any(actors), limit=CHART_LIMIT)
    return Selection(answer.records, answer.total, answer.question)


def timeline_chart(engine: Engine, *, actors=(), types=(), start=None, end=None, rows: str = "actor"):
    """(Chart, Selection); raises UnknownName, or EmptyChart when nothing can be drawn."""
    from bot.pictures.draw import EmptyChart, render_timeline

    sel = select(engine, actors=actors, types=types, start=start, end=end)
    if not sel.records:
        raise EmptyChart(f"No records match {sel.label}, so there is nothing to draw.")
    chart = render_timeline(sel.records, rows=rows, title=f"Who did what, when — {sel.label}", source=SOURCE)
    if sel.total > len(sel.records):
        chart.caption += f" Only the {len(sel.records):,} most relevant of {sel.total:,} matching records were drawn."
    return chart, sel


def stats_chart(engine: Engine, *, actors=(), types=(), start=None, end=None):
    from bot.pictures.draw import EmptyChart, render_stats

    sel = select(engine, actors=actors, types=types, start=start, end=end)
    if not sel.records:
        raise EmptyChart(f"No records match {sel.label}, so there is nothing to count.")
    return render_stats(sel.records, title=f"The records in numbers — {sel.label}", source=SOURCE), sel
