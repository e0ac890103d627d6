"""The moderators' record form (title, date, actors, types, summary) to and from a record.

No discord import. Names typed in the form are resolved the way /actor and /search resolve
them (bot.engine.names: ids, names, aliases, typos); anything unknown is refused with a message
that names the field and suggests what was probably meant. What the form does not hold
(sources, body, stage, figures…) is kept from the record as it was when the form opened.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from bot.dataset.model import ROLES
from bot.dataset.store import Store, field_error
from bot.engine import names

SLUG_WORDS, SLUG_MAX = 5, 60
_STOP = set("a an and the of to in on for by with at from as its it is are was were be has have had into over "
            "against about after before than that this".split())


def form_values(rec: dict) -> dict[str, str]:
    """A record as the text the form shows."""
    date = rec.get("date")
    if isinstance(date, list):
        date = "[" + ", ".join(str(d) for d in date) + "]"
    actors = [a if isinstance(a, dict) else {"id": a, "role": "acted"} for a in rec.get("actors") or []]
    return {"title": str(rec.get("title") or ""), "date": "" if date is None else str(date),
            "actors": ", ".join(f"{a.get('id')}:{a.get('role') or 'acted'}" for a in actors),
            "types": ", ".join(str(t) for t in rec.get("types") or []), "summary": str(rec.get("summary") or "")}


def parse_date(text: str):
    text = " ".join(text.split())
    if not text:
        return None
    if text.startswith("[") and text.endswith("]"):
        return [part.strip() for part in text[1:-1].split(",") if part.strip()]
    return text


def _items(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def resolve_actors(engine, text: str) -> list[dict]:
    out: list[dict] = []
    for part in _items(text):
        name, role = part, "acted"
        if ":" in part:
            name, role = (s.strip() for s in part.rsplit(":", 1))
            if role.lower() not in ROLES:
                raise field_error("actors", f"unknown role “{role}” in “{part}” (one of {', '.join(ROLES)})")
            role = role.lower()
        try:
            actor_id = names.actor_id(engine, name, " Use an actor's id, name or alias (`/actors add` adds a new one).")
        except names.UnknownName as exc:
            raise field_error("actors", str(exc)) from None
        if actor_id not in [a["id"] for a in out]:
            out.append({"id": actor_id, "role": role})
    if not out:
        raise field_error("actors", "give at least one actor (comma-separated names, ids or aliases)")
    return out


def resolve_types(engine, text: str) -> list[str]:
    out: list[str] = []
    for part in _items(text):
        try:
            type_id = names.type_id(engine, part)
        except names.UnknownName as exc:
            raise field_error("types", str(exc)) from None
        if type_id not in out:
            out.append(type_id)
    if not out:
        raise field_error("types", "give at least one type of action")
    return out


def apply_form(engine, base: dict, values: dict[str, str]) -> dict:
    """``base`` with the form's fields replaced (an empty date removes the date)."""
    rec = dict(base)
    rec["title"] = " ".join(values.get("title", "").split())
    rec["summary"] = " ".join(values.get("summary", "").split())
    date = parse_date(values.get("date", ""))
    if date is None:
        rec.pop("date", None)
    else:
        rec["date"] = date
    rec["actors"] = resolve_actors(engine, values.get("actors", ""))
    rec["types"] = resolve_types(engine, values.get("types", ""))
    return rec


def slug(actor_id: str, title: str, date, taken: Container[str]) -> str:
    """A readable, unique id: first actor, a few title words, the year."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    skip = _STOP | set(actor_id.split("-"))
    words = [w for w in re.findall(r"[a-z0-9]+", text) if w not in skip][:SLUG_WORDS]
    year = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", str(date or ""))
    parts = [actor_id, *words, *([year.group(1)] if year else [])]
    base = "-".join(parts)
    while len(base) > SLUG_MAX and len(parts) > 2:
        parts.pop(-2 if year else -1)
        base = "-".join(parts)
    base = base[:SLUG_MAX].strip("-") or "record"
    rid, n = base, 2
    while rid in taken:
        rid, n = f"{base}-{n}", n + 1
    return rid


class _InUse:
    def __init__(self, store: Store):
        self.store = store

    def __contains__(self, rid: object) -> bool:
        return self.store.get("record", str(rid)) is not None


NO_STAGE = "none"  # the stage option's value that removes a stage


def apply_options(engine, rec: dict, *, section: str | None = None, item: int | None = None,
                  body: str | None = None, stage: str | None = None) -> dict:
    """``rec`` with the options the form has no room for: the cited passage (section and item,
    which replace the sources), the body ("-" removes it) and the stage (NO_STAGE removes it)."""
    out = dict(rec)
    if section is not None or item is not None:
        if section is None or item is None:
            raise field_error("section", "give both section and item to change the passage a record cites")
        try:
            sec = names.section(engine, section, " Pick one from the list as you type.")
        except names.UnknownName as exc:
            raise field_error("section", str(exc)) from None
        out["sources"] = [{"document": sec["document"], "section": sec["heading"], "item": item, "url": ""}]
    if body is not None:
        body = " ".join(body.split())
        if body in ("", "-"):
            out.pop("body", None)
        else:
            out["body"] = body
    if stage is not None:
        if stage == NO_STAGE:
            out.pop("stage", None)
        else:
            out["stage"] = stage
    return out


def new_record(engine, store: Store, values: dict[str, str], *, section: str, item: int, rid: str | None = None,
               body: str | None = None, stage: str | None = None) -> dict:
    """A record from the add form and the command's options (not yet validated: Store.propose does that)."""
    out = apply_options(engine, apply_form(engine, {}, values), section=section, item=item, body=body,
                        stage=None if stage == NO_STAGE else stage)
    taken = _InUse(store)   # asked id by id: no need to read every record
    out["id"] = rid.strip() if rid else slug(out["actors"][0]["id"], out["title"], out.get("date"), taken)
    return out
