"""Name look-ups for slash-command options: autocomplete, resolving a typed name, /about facts."""
from __future__ import annotations

import datetime as dt
import json

from rapidfuzz import fuzz, process

from .engine import Engine
from .text import fold

MAX_CHOICES = 25   # Discord's autocomplete limit
MAX_NAME = 100     # ... and the length of each choice's name and value


def _choices(names: dict[str, list[str]], labels: dict[str, str], typed: str, limit: int) -> list[tuple[str, str]]:
    """(label, id) pairs for what someone is typing: names or aliases starting with it first
    (shortest first, so "UK" beats "UK Foreign Affairs Committee"), then close spellings."""
    q = fold(typed).strip()
    if not q:
        out = sorted(labels, key=lambda k: names[k][0].casefold())
    else:
        starts = {}
        for k, ns in names.items():
            lens = [len(n) for n in ns if fold(n).startswith(q)]
            if lens:
                starts[k] = min(lens)
        out = sorted(starts, key=lambda k: (starts[k], names[k][0]))
        if len(out) < limit:
            flat = [(fold(n), k) for k, ns in names.items() if k not in starts for n in ns]
            hits = process.extract(q, [f for f, _ in flat], scorer=fuzz.WRatio, score_cutoff=75, limit=limit * 3)
            for _, _, i in hits:
                if flat[i][1] not in out:
                    out.append(flat[i][1])
    return [(labels[k][:MAX_NAME], k[:MAX_NAME]) for k in out[:limit]]


def actor_choices(engine: Engine, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    st = engine.state
    labels = {k: f"{a['flag']} {a['name']}" if a.get("flag") else a["name"] for k, a in st.actors.items()}
    return _choices(st.actor_names, labels, typed, limit)


def type_choices(engine: Engine, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    st = engine.state
    return _choices({k: [v] for k, v in st.types.items()}, dict(st.types), typed, limit)


def resolve_actor(engine: Engine, typed: str) -> tuple[str | None, list[str]]:
    """An actor id for what someone typed (id, name, alias or a typo), or suggestions."""
    st = engine.state
    if typed in st.actors:
        return typed, []
    interp = st.interpreter(typed)
    if len(interp.actors) == 1:
        return interp.actors[0]["id"], []
    return None, [a["name"] for a in interp.actors] or interp.suggestions


def resolve_type(engine: Engine, typed: str) -> str | None:
    st = engine.state
    if typed in st.types:
        return typed
    interp = st.interpreter(typed)
    return interp.types[0]["id"] if len(interp.types) == 1 else None


def about(engine: Engine) -> dict:
    st = engine.state
    conn = engine.conn()
    docs = conn.execute("select distinct sources from records limit 1").fetchone()
    source = json.loads(docs[0])[0] if docs else {}
    changed = st.meta.get("data_changed_at")
    years = conn.execute("select min(date_sort), max(date_sort) from records").fetchone()
    return {
        "records": st.n_records, "actors": len(st.actors), "types": len(st.types), "entities": len(st.entities),
        "source_title": source.get("title", ""), "source_url": source.get("url", ""),
        "data_changed": dt.datetime.fromtimestamp(int(changed), dt.timezone.utc).date().isoformat() if changed else None,
        "first_year": dt.date.fromordinal(years[0]).year if years[0] else None,
        "last_year": dt.date.fromordinal(years[1]).year if years[1] else None,
    }
