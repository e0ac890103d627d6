"""Which records a chart shows: the options of /timeline, /stats and their CLI twins, resolved
to records by the engine, so the picture and an answer to the same filters always agree.

What the charts need from the dataset comes from the engine's snapshot too: the vocabulary's
order (one fixed colour per type in every chart), the documents' publishers (the caption's
source) and the asked actors' row names (the other actors' rows are marked as shared)."""
from __future__ import annotations

import os
import threading
import time
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



# ---- drawing in a worker process (bot/discord_adapter/lanes.py) ------------------------------
# A worker has no engine of its own until its first job: it opens one on the same data and index
# as the bot's (read-only; it follows rebuilds like any engine). In a thread of the bot's own
# process, share_engine() makes it use the bot's engine instead.

_engines: dict[tuple, Engine] = {}


def start_worker(parent: int) -> None:
    """A worker's initializer: it ends itself once the bot's process is gone (killed outright,
    nothing else would stop it)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(2.0)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def where(engine: Engine) -> tuple:
    """What a worker needs to open the same engine: picklable."""
    return str(engine.data_dir), str(engine.db_path), engine.max_records


def share_engine(engine: Engine) -> None:
    _engines[where(engine)] = engine


def _engine(at: tuple) -> Engine:
    if at not in _engines:
        _engines[at] = Engine(at[0], at[1], at[2], strict=False)
    return _engines[at]


def warm(at: tuple) -> None:
    """Load the drawing code and the index before the first picture is asked for."""
    import bot.pictures.draw  # noqa: F401

    try:
        _engine(at).refresh()
    except Exception:  # bad data: the first picture says so
        pass


def draw(kind: str, options: dict, at: tuple):
    """(Chart, label, number of records drawn) for /timeline or /stats; raises UnknownName,
    EmptyChart or DataError (all picklable)."""
    fn = timeline_chart if kind == "timeline" else stats_chart
    chart, sel = fn(_engine(at), **options)
    return chart, sel.label, len(sel.records)
