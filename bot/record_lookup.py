"""Look-ups for the moderators' commands: record ids and source sections, for autocomplete.

No discord import. Records are read from the YAML files (through the Store), not the index,
so a record saved a moment ago is offered at once; the list is cached until a file changes.
"""
from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz, process

from .dataset import stat_signature
from .store import Store
from .yamlio import YamlError, load_file

MAX_CHOICES = 25   # Discord's autocomplete limit
MAX_NAME = 100     # ... and the length of each choice's name and value

_cache: dict[Path, tuple[str, list[tuple[str, str]]]] = {}
_lock = threading.Lock()


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def records(store: Store) -> list[tuple[str, str]]:
    """(id, title) of every record, in file order; cached per state of the data files."""
    sig = stat_signature(store.data_dir)
    with _lock:
        hit = _cache.get(store.data_dir)
        if hit and hit[0] == sig:
            return hit[1]
    out = []
    for path in store.files("record"):
        try:
            items = load_file(path) or []
        except YamlError:
            continue
        out += [(str(i["id"]), str(i.get("title") or "")) for i in items if isinstance(i, dict) and i.get("id")]
    with _lock:
        _cache[store.data_dir] = (sig, out)
    return out


def record_choices(store: Store, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    """(label, id) pairs: ids starting with what was typed first, then close matches of id + title."""
    recs = [(rid, title) for rid, title in records(store) if len(rid) <= MAX_NAME]
    q = _fold(typed)
    if not q:
        picked = recs[:limit]
    else:
        starts = [r for r in recs if r[0].startswith(typed.strip().lower())]
        keys = [_fold(f"{rid} {title}") for rid, title in recs]
        hits = process.extract(q, keys, scorer=fuzz.WRatio, score_cutoff=60, limit=limit * 2)
        picked = starts + [recs[i] for _, _, i in hits if recs[i] not in starts]
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
