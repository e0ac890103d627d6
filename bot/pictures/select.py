"""Which records a chart shows: the options of /timeline, /stats and their CLI twins, resolved
to records by the engine, so the picture and an answer to the same filters always agree.

What the charts need from the dataset comes from the engine's snapshot too: the vocabulary's
order (one fixed colour per type in every chart), the documents' publishers (the caption's
source) and the asked actors' row names (the other actors' rows are marked as shared)."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.engine import options
from bot.engine.engine import Engine

CHART_LIMIT = 5000  # records fetched for one picture; more would not be legible anyway


@dataclass
class Selection:
    records: list[dict]
    total: int
    label: str
    focus: list[str] = field(default_factory=list)   # the row names of the actors asked for


def select(engine: Engine, *, actors: list[str] = (), types: list[str] = (), start: int | None = None,
           end: int | None = None) -> Selection:
    answer = options.answer_for(engine, actors=actors, types=types, start=start, end=end,
                                acting_only=any(actors), limit=CHART_LIMIT)
    st = engine.state
    asked = [a["id"] for a in (answer.interpretation.actors if answer.interpretation else []) if a["id"] in st.actors]
    focus = list(dict.fromkeys(st.actors[a]["top_name"] for a in asked))
    return Selection(answer.records, answer.total, answer.question, focus)


def _dataset(engine: Engine, start: int | None, end: int | None) -> dict:
    from bot.pictures.style import type_styles

    st = engine.state
    return {"documents": st.documents, "styles": type_styles(st.types),
            "years": (start, end) if start or end else (None, None)}


def timeline_chart(engine: Engine, *, actors=(), types=(), start=None, end=None, rows: str = "actor",
                   fmt: str = "png"):
    """(Chart, Selection); raises UnknownName, or EmptyChart when nothing can be drawn."""
    from bot.pictures.draw import EmptyChart, render_timeline

    sel = select(engine, actors=actors, types=types, start=start, end=end)
    if not sel.records:
        raise EmptyChart(f"No records match {sel.label}, so there is nothing to draw.")
    chart = render_timeline(sel.records, rows=rows, title=f"Who did what, when — {sel.label}", focus=sel.focus,
                            fmt=fmt, **_dataset(engine, start, end))
    if sel.total > len(sel.records):
        chart.caption += f" Only the {len(sel.records):,} most relevant of {sel.total:,} matching records were drawn."
    return chart, sel


def stats_chart(engine: Engine, *, actors=(), types=(), start=None, end=None, fmt: str = "png"):
    from bot.pictures.draw import EmptyChart, render_stats

    sel = select(engine, actors=actors, types=types, start=start, end=end)
    if not sel.records:
        raise EmptyChart(f"No records match {sel.label}, so there is nothing to count.")
    return render_stats(sel.records, title=f"The records in numbers — {sel.label}", focus=sel.focus, fmt=fmt,
                        **_dataset(engine, start, end)), sel
