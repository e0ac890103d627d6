"""The refusals every front end shares, made in one place (the store calls them): what may be
proposed at all, an actor's names, and how many records one save may remove."""
from __future__ import annotations

from collections import Counter

from bot.dataset.change import ChangeRefused, Conflict, field_error, revision

MAX_NAME = 100   # an actor's name or alias, as Discord's option allows


def mass_removal(removed: int, total: int) -> str | None:
    """Why removing `removed` of `total` records at once needs an explicit yes, or None."""
    if removed >= 2 and removed * 2 > total:
        return (f"this would remove {removed} of the {total} records; removing most or all of the records is "
                "refused unless asked for explicitly (--allow-removals, or the second confirmation on Discord)")
    return None


def _fold(text) -> str:
    return " ".join(str(text).casefold().split())


def tidy_actor(before: dict | None, after: dict) -> dict:
    """An actor with its name and aliases' spaces tidied; a new alias that repeats its name or
    another alias (case and spaces aside) is refused."""
    out = dict(after)
    if isinstance(out.get("name"), str):
        out["name"] = " ".join(out["name"].split())
    aliases = out.get("aliases")
    if not isinstance(aliases, list):
        return out
    out["aliases"] = [" ".join(a.split()) if isinstance(a, str) else a for a in aliases]
    out["aliases"] = [a for a in out["aliases"] if a != ""]
    old = Counter(before.get("aliases") or []) if before else Counter()
    new = []
    for alias in out["aliases"]:   # the aliases it had are not judged again
        if old[alias]:
            old[alias] -= 1
        else:
            new.append(alias)
    seen = {_fold(x) for x in [out.get("name", ""), *out["aliases"]] if x not in new}
    for alias in new:
        if len(str(alias)) > MAX_NAME:
            raise field_error("alias", f"“{alias}” is {len(str(alias))} characters; the limit is {MAX_NAME}")
        if _fold(alias) in seen:
            raise field_error("alias", f"{out.get('name')} is already called “{alias}”")
        seen.add(_fold(alias))
    return out


def proposal(kind: str, action: str, target: str, before: dict | None, after: dict | None,
             base_revision: str | None) -> dict | None:
    """`after` as it may be proposed (an actor's names tidied), or ChangeRefused saying why not."""
    if action != "add" and before is None:
        raise ChangeRefused(f"there is no {kind} {target!r}")
    if base_revision and revision(before) != base_revision:
        raise Conflict(f"{kind} {target!r} was changed by someone else since you opened it (your revision "
                       f"{base_revision}, now {revision(before)}); reopen it and edit again")
    if after is not None and str(after.get("id")) != target:
        raise ChangeRefused(f"the id cannot change ({target!r} → {after.get('id')!r}); add a new {kind} instead")
    if after is not None and kind == "actor":
        after = tidy_actor(before, after)
    return after
