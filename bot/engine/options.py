"""Answers for explicit options instead of a question: /search, /actor and the pictures.

Typed names are resolved as in a question (ids, names, aliases, typos); one that names nothing
raises names.UnknownName saying what is close. The label says what was asked, in the order
actor · type · years · words.
"""
from __future__ import annotations

from bot.dates import year_span
from bot.engine import names
from bot.engine.answer import Answer, newest_first
from bot.engine.engine import Engine


def label(engine: Engine, actor_ids: list[str], type_ids: list[str], start: int | None = None,
          end: int | None = None, text: str = "") -> str:
    st = engine.state
    parts = [st.actors[a]["name"] for a in actor_ids] + [st.types[t] for t in type_ids]
    if start or end:
        parts.append(year_span(start, end))
    if text:
        parts.append(f"“{text}”")
    return " · ".join(parts)


def answer_for(engine: Engine, *, actors: list[str] = (), types: list[str] = (), start: int | None = None,
               end: int | None = None, text: str = "", acting_only: bool = False, prefix: str = "",
               limit: int | None = None) -> Answer:
    """The records for typed actor and type names, years and words; raises names.UnknownName."""
    actor_ids = [names.actor_id(engine, a) for a in actors if a]
    type_ids = [names.type_id(engine, t, " Pick one from the list as you type.") for t in types if t]
    what = label(engine, actor_ids, type_ids, start, end, text) or "all records"
    return engine.select(actors=actor_ids, types=type_ids, start=start, end=end, text=text,
                         acting_only=acting_only, label=f"{prefix}{what}", limit=limit)


def actor_answer(engine: Engine, typed: str) -> Answer:
    """Everything one actor did, newest first (/actor); raises names.UnknownName."""
    actor_id = names.actor_id(engine, typed, " Pick a name from the list as you type.")
    name = engine.state.actors[actor_id]["name"]
    return newest_first(engine.select(actors=[actor_id], acting_only=True, label=f"What {name} did"))
