"""One name resolver for every command: actors, types, record ids and source sections, as
autocomplete choices and as what a typed name (or a typo of one) stands for."""
from __future__ import annotations

import threading
import weakref
from bisect import bisect_left

from rapidfuzz import fuzz, process

from bot.engine.engine import Engine
from bot.text import fold

MAX_CHOICES = 25   # Discord's autocomplete limit
MAX_NAME = 100     # ... and the length of each choice's name and value


class Choices:
    """Names folded and sorted once per index build, so a prefix is a bisect, not a fold of
    every name per keystroke (at 2,000 actors that fold cost ~15 ms)."""

    def __init__(self, names: dict[str, list[str]], labels: dict[str, str], cutoff: float = 75):
        self.names, self.labels, self.cutoff = names, labels, cutoff
        self.by_name = sorted(labels, key=lambda k: names[k][0].casefold())
        self.flat = [(fold(n), k) for k, ns in names.items() for n in ns]
        self.folded = [f for f, _ in self.flat]   # rapidfuzz's choices, made once, not per keystroke
        self.sorted = sorted((f, len(n), k) for (f, k), n in zip(self.flat, (n for ns in names.values() for n in ns)))
        self.keys = [f for f, _, _ in self.sorted]

    def keys_for(self, typed: str, limit: int) -> list[str]:
        """Keys for what someone is typing: names starting with it first (shortest first, so "UK"
        beats "UK Foreign Affairs Committee"), then close spellings."""
        q = fold(typed).strip()
        if not q:
            return self.by_name[:limit]
        starts: dict[str, int] = {}
        for f, length, k in self.sorted[bisect_left(self.keys, q):]:
            if not f.startswith(q):
                break
            starts[k] = min(starts.get(k, length), length)
        out = sorted(starts, key=lambda k: (starts[k], self.names[k][0]))
        if len(out) < limit:
            # every name scored, then those already listed dropped: the same hits, in the same
            # order, as scoring only the others
            hits = process.extract(q, self.folded, scorer=fuzz.WRatio, score_cutoff=self.cutoff, limit=None)
            for _, _, i in hits:
                key = self.flat[i][1]
                if key not in starts and key not in out:
                    out.append(key)
                    if len(out) >= limit:
                        break
        return out[:limit]

    def __call__(self, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
        """(label, key) pairs, each within Discord's length limits."""
        return [(_clip(self.labels[k]), k[:MAX_NAME]) for k in self.keys_for(typed, limit)]


def _clip(label: str) -> str:
    return label if len(label) <= MAX_NAME else label[:MAX_NAME - 1] + "…"


_prepared: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _for_state(st, what: str, make) -> Choices:
    with _lock:
        per_state = _prepared.setdefault(st, {})
        if what not in per_state:
            per_state[what] = make()
        return per_state[what]


def _actors(st) -> Choices:
    return _for_state(st, "actors", lambda: Choices(st.actor_names, {
        k: f"{a['flag']} {a['name']}" if a.get("flag") else a["name"] for k, a in st.actors.items()}))


def _types(st) -> Choices:
    return _for_state(st, "types", lambda: Choices({k: [v] for k, v in st.types.items()}, dict(st.types)))


def _records(engine: Engine, st) -> Choices:
    def make() -> Choices:
        rows = engine.conn().execute("select id, title from records order by rowid").fetchall()
        rows = [(rid, title) for rid, title in rows if len(rid) <= MAX_NAME]
        return Choices({rid: [rid, f"{rid} {title}"] for rid, title in rows},
                       {rid: f"{rid} — {title}" if title else rid for rid, title in rows}, cutoff=60)
    return _for_state(st, "records", make)


def _sections(st) -> Choices:
    secs = {f"{s['document']}:{s['key']}": s for s in st.sections}
    return _for_state(st, "sections", lambda: Choices(
        {k: [s["heading"], s["key"]] for k, s in secs.items()},
        {k: f"{s['heading']} ({s['items']} items)" for k, s in secs.items()}, cutoff=60))


def actor_choices(engine: Engine, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    return _actors(engine.state)(typed, limit)


def type_choices(engine: Engine, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    return _types(engine.state)(typed, limit)


def record_choices(engine: Engine, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    """Ids starting with what was typed first, then close matches of id and title. From the
    index, which follows every change of the files, so a record saved a moment ago is offered."""
    return _records(engine, engine.state)(typed, limit)


def section_choices(engine: Engine, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    """The source's sections: the heading as label, `document:key` as value."""
    return _sections(engine.state)(typed, limit)


class UnknownName(ValueError):
    """A typed actor, type or section that names nothing known; the message says what is close."""


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


def section(engine: Engine, typed: str, otherwise: str = "") -> dict:
    """The section for a `document:key` value, a key or a heading (any case); else UnknownName
    with the closest headings."""
    st, text = engine.state, typed.strip()
    for s in st.sections:
        if text in (f"{s['document']}:{s['key']}", s["key"]) or fold(text) == fold(s["heading"]):
            return s
    near = [st.section_by_key[k]["heading"] for k in _sections(st).keys_for(text, 3)] if text else []
    hint = f" Did you mean {', '.join(near)}?" if near else otherwise
    raise UnknownName(f"there is no section “{typed}” in the sources.{hint}")
