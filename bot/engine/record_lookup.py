"""Look-ups for the moderators' commands: record ids and source sections, for autocomplete.

No discord import. Record choices come from the index, which the engine rebuilds as soon as a
file changes, so a record saved a moment ago is offered at once.
"""
from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.dataset.yamlio import YamlError, load_file
from bot.engine.engine import Engine

MAX_CHOICES = 25   # Discord's autocomplete limit
MAX_NAME = 100     # ... and the length of each choice's name and value

def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


class _Records:
    """Every record's id and title with its folded search key, made once per index build."""

    def __init__(self, engine: Engine):
        rows = engine.conn().execute("select id, title from records order by rowid").fetchall()
        self.items = [(rid, title) for rid, title in rows if len(rid) <= MAX_NAME]
        self.keys = [_fold(f"{rid} {title}") for rid, title in self.items]


_cache: dict[int, tuple[object, _Records]] = {}
_lock = threading.Lock()


def _records(engine: Engine) -> _Records:
    state = engine.state            # refreshed first: a record saved a moment ago is in it
    with _lock:
        hit = _cache.get(id(engine))
        if hit is None or hit[0] is not state:
            hit = _cache[id(engine)] = (state, _Records(engine))
    return hit[1]


def record_choices(engine: Engine, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    """(label, id) pairs: ids starting with what was typed first, then close matches of id + title."""
    recs = _records(engine)
    q = _fold(typed)
    if not q:
        picked = recs.items[:limit]
    else:
        prefix = typed.strip().lower()
        starts = [r for r in recs.items if r[0].startswith(prefix)][:limit]
        hits = process.extract(q, recs.keys, scorer=fuzz.WRatio, score_cutoff=60, limit=limit * 2)
        picked = starts + [recs.items[i] for _, _, i in hits if recs.items[i] not in starts]
    return [(_label(rid, title), rid) for rid, title in picked[:limit]]


def _label(rid: str, title: str) -> str:
    label = f"{rid} — {title}" if title else rid
    return label if len(label) <= MAX_NAME else label[:MAX_NAME - 1] + "…"


def sections(data_dir: Path) -> list[dict]:
    """Every section of every document: {document, key, heading, items}."""
    try:
        raw = load_file(Path(data_dir) / "sources.yaml") or {}
    except YamlError:
        return []
    out = []
    for doc in raw.get("documents") or [] if isinstance(raw, dict) else []:
        for sec in (doc.get("sections") or []) if isinstance(doc, dict) else []:
            if isinstance(sec, dict) and sec.get("heading"):
                out.append({"document": str(doc.get("id")), "key": str(sec.get("key") or ""),
                            "heading": str(sec["heading"]), "items": sec.get("items")})
    return out


def section_choices(data_dir: Path, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    """(label, value) pairs for the `section` option: the heading as label, `document:key` as value."""
    secs, q = sections(data_dir), _fold(typed)
    if q:
        starts = [s for s in secs if _fold(s["heading"]).startswith(q) or s["key"].startswith(q)]
        hits = process.extract(q, [_fold(s["heading"]) for s in secs], scorer=fuzz.WRatio, score_cutoff=60,
                               limit=limit)
        secs = starts + [secs[i] for _, _, i in hits if secs[i] not in starts]
    out = []
    for s in secs[:limit]:
        label = f"{s['heading']} ({s['items']} items)" if s.get("items") else s["heading"]
        out.append((label[:MAX_NAME], f"{s['document']}:{s['key']}"[:MAX_NAME]))
    return out


def resolve_section(data_dir: Path, typed: str) -> tuple[dict | None, list[str]]:
    """The section for a `document:key` value, a key or a heading (any case); else suggestions."""
    secs, text = sections(data_dir), typed.strip()
    for s in secs:
        if text in (f"{s['document']}:{s['key']}", s["key"]) or _fold(text) == _fold(s["heading"]):
            return s, []
    hits = process.extract(_fold(text), [_fold(s["heading"]) for s in secs], scorer=fuzz.WRatio,
                           score_cutoff=70, limit=3)
    return None, [secs[i]["heading"] for _, _, i in hits]
