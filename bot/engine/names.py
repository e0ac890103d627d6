"""Name look-ups for slash-command options: autocomplete, resolving a typed name, /about facts."""
from __future__ import annotations

import datetime as dt
import json
import weakref
from bisect import bisect_left

from rapidfuzz import fuzz, process

from bot.engine.engine import Engine
from bot.text import fold

MAX_CHOICES = 25   # Discord's autocomplete limit
MAX_NAME = 100     # ... and the length of each choice's name and value


class _Choices:
    """Folded names, sorted, built once per index build: a prefix is then a bisect, not a fold of
    every name (at 2,000 actors that fold cost ~15 ms per keystroke)."""

    def __init__(self, names: dict[str, list[str]], labels: dict[str, str]):
        self.names, self.labels = names, labels
        self.by_name = sorted(labels, key=lambda k: names[k][0].casefold())
        self.flat = [(fold(n), k) for k, ns in names.items() for n in ns]
        self.folded = [f for f, _ in self.flat]   # rapidfuzz's choices, made once, not per keystroke
        self.sorted = sorted((f, len(n), k) for (f, k), n in zip(self.flat, (n for ns in names.values() for n in ns)))
        self.keys = [f for f, _, _ in self.sorted]

    def __call__(self, typed: str, limit: int) -> list[tuple[str, str]]:
        """(label, id) pairs for what someone is typing: names or aliases starting with it first
        (shortest first, so "UK" beats "UK Foreign Affairs Committee"), then close spellings."""
        names, labels = self.names, self.labels
        q = fold(typed).strip()
        if not q:
            out = list(self.by_name)
        else:
            starts: dict[str, int] = {}
            for f, length, k in self.sorted[bisect_left(self.keys, q):]:
                if not f.startswith(q):
                    break
                starts[k] = min(starts.get(k, length), length)
            out = sorted(starts, key=lambda k: (starts[k], names[k][0]))
            if len(out) < limit:
                # every name scored, then those already listed dropped: the same hits, in the same
                # order, as scoring only the others
                hits = process.extract(q, self.folded, scorer=fuzz.WRatio, score_cutoff=75, limit=None)
                hits = [h for h in hits if self.flat[h[2]][1] not in starts][:limit * 3]
                for _, _, i in hits:
                    if self.flat[i][1] not in out:
                        out.append(self.flat[i][1])
        return [(labels[k][:MAX_NAME], k[:MAX_NAME]) for k in out[:limit]]


_prepared: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _for_state(st, what: str, make) -> _Choices:
    per_state = _prepared.setdefault(st, {})
    if what not in per_state:
        per_state[what] = _Choices(*make())
    return per_state[what]


def actor_choices(engine: Engine, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    st = engine.state
    return _for_state(st, "actors", lambda: (st.actor_names, {
        k: f"{a['flag']} {a['name']}" if a.get("flag") else a["name"] for k, a in st.actors.items()}))(typed, limit)


def type_choices(engine: Engine, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    st = engine.state
    return _for_state(st, "types", lambda: ({k: [v] for k, v in st.types.items()}, dict(st.types)))(typed, limit)


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


class UnknownName(ValueError):
    """A typed actor or type that names nothing known; the message says what is close."""


def actor_id(engine: Engine, typed: str, otherwise: str = "") -> str:
    """resolve_actor, or UnknownName with "did you mean" (or `otherwise` when nothing is close)."""
    found, close = resolve_actor(engine, typed)
    if found is None:
        hint = f" Did you mean {', '.join(close[:5])}?" if close else otherwise
        raise UnknownName(f"I don't know an actor called “{typed}”.{hint}")
    return found


def type_id(engine: Engine, typed: str, otherwise: str = "") -> str:
    found = resolve_type(engine, typed)
    if found is None:
        near = [label for label, _ in type_choices(engine, typed, 3)]
        hint = f" Did you mean {', '.join(near)}?" if near else otherwise
        raise UnknownName(f"“{typed}” is not a type of action I know.{hint}")
    return found


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
