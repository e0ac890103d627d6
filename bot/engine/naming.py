"""Who an answer names for its records: the countries when countries are asked for, the
bodies when another kind is ("which parliaments"), else the country or the organisation
itself; or, for "whom did…", the targets. Every name carries the citations of its records."""
from __future__ import annotations

from bot.dataset.model import ACTING_ROLES
from bot.engine.answer import Citations
from bot.engine.structure import KIND_MEMBERS, KIND_NOUNS

NOT_DONE = {"failed": "failed", "pending": "pending", "introduced": "introduced",
            "passed-one-chamber": "passed one chamber"}
SINGULAR = {"countries": "country", "companies": "company", "parliaments": "parliament", "actors": "actor",
            "targets": "target", "committees": "committee", "organisations": "organisation"}


def _left_out(a: dict, exclude: list[dict]) -> bool:
    ids = {i for e in exclude if e.get("category") in ("actor", "group", None) for i in (e.get("members") or [e["id"]])}
    kinds = {k for e in exclude if e.get("category") == "kind" for k in KIND_MEMBERS.get(e["id"], ())}
    return bool(ids & {a["id"], a.get("country"), a.get("top")}) or a["kind"] in kinds


def names_for(rec: dict, kinds: list[str], targeted: bool = False, exclude: list[dict] = ()) -> list[tuple[str, str]]:
    out = []
    for a in rec["actors"]:
        if _left_out(a, exclude):
            continue
        if targeted:
            if a["role"] == "target" and (not kinds or a["kind"] in {k for kind in kinds for k in KIND_MEMBERS[kind]}):
                out.append((a["id"], a["name"]))
            continue
        if a["role"] not in ACTING_ROLES:
            continue
        if "country" in kinds:
            if a.get("country"):
                out.append((a["country"], a["country_name"]))
        elif kinds or not a.get("country"):
            out.append((a["id"], a["name"]))
        else:
            out.append((a["country"], a["country_name"]))
    return out


def who_did(records: list[dict], cites: Citations, kinds: list[str], targeted: bool = False,
            exclude: list[dict] = ()) -> dict[str, tuple[str, list[int]]]:
    who: dict[str, tuple[str, list[int]]] = {}
    for rec in sorted(records, key=lambda r: (r.get("date") or {}).get("sort") or 10**7):
        marks = cites.mark(rec)
        for key, name in names_for(rec, kinds, targeted, exclude):
            who.setdefault(key, (name, []))
            who[key][1].extend(m for m in marks if m not in who[key][1])
    return who


def names_text(who: dict[str, tuple[str, list[int]]]) -> str:
    return ", ".join(f"{name} {''.join(f'[{m}]' for m in marks)}" for name, marks in who.values())


def noun_for(kinds: list[str], n: int, default: str = "actors") -> str:
    noun = KIND_NOUNS.get(kinds[0], default) if len(kinds) == 1 else default
    return SINGULAR.get(noun, noun) if n == 1 else noun
