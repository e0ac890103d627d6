"""An Interpretation as SQL: one fragment per part, with named parameters and a description.

Parts of one kind are alternatives (two actors: records of either); different kinds all
apply (an actor and a year: that actor's records in that year).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field

from bot.dataset.model import ACTING_ROLES, LINK_ROLES
from bot.dataset.model import ROLES as ALL_ROLES
from bot.engine.interpretation import Interpretation
from bot.engine.structure import KIND_MEMBERS

TARGET_ROLES = ("target",)


@dataclass
class Clause:
    sql: str
    params: dict = field(default_factory=dict)
    description: str = ""
    subquery: str = ""  # set when the clause is "r.rowid in (subquery)": such sets can be intersected
    words: list[str] = field(default_factory=list)   # the words a full-text clause searches


def rowid_clause(subquery: str, params: dict, description: str) -> Clause:
    return Clause(f"r.rowid in ({subquery})", params, description, subquery)


def fts_query(words: list[str], any_of: bool = False) -> str:
    """A MATCH expression that treats every word as a literal string: no operators get through."""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words if w.strip()]
    return (" OR " if any_of else " ").join(quoted)


def _in(prefix: str, values: list[str], params: dict) -> str:
    names = []
    for n, v in enumerate(values):
        params[f"{prefix}{n}"] = v
        names.append(f":{prefix}{n}")
    return ", ".join(names)


def actor_clause(ids: list[str], roles: tuple[str, ...], prefix: str, label: str, parts: bool = True) -> Clause:
    """Records where the actor or (`parts`) one of its parts has one of these roles."""
    params: dict = {}
    roles_sql = f" and ra.role in ({_in(prefix + 'r', list(roles), params)})" + ("" if parts else " and c.depth = 0")
    sub = (f"select ra.record from record_actors ra join actor_closure c on c.descendant = ra.actor"
           f" where c.ancestor in ({_in(prefix, ids, params)}){roles_sql}")
    return rowid_clause(sub, params, f"{label}{' (as actor)' if roles == ACTING_ROLES else ''}")


def subject_roles(interp: Interpretation) -> tuple[str, ...]:
    """What the actor did ("what did X do"); everything that names it when the question is only
    the name of something that never acts itself ("Hikvision"); otherwise any part it took, but
    not a passing mention."""
    if interp.acting_only:
        return ACTING_ROLES
    bare = not (interp.types or interp.entities or interp.kinds or interp.stages or interp.periods or interp.terms)
    return ALL_ROLES if bare and interp.mentions else LINK_ROLES


def _party_ids(parties: list[dict]) -> list[str]:
    """Actors, and the members of groups ("EU member states"), as one list of alternatives."""
    return list(dict.fromkeys(i for p in parties for i in (p.get("members") or [p["id"]])))


def clauses(interp: Interpretation) -> list[Clause]:
    out: list[Clause] = []
    parties = interp.actors + interp.groups
    subjects = [a for a in parties if not a.get("object")]
    objects = [a for a in parties if a.get("object")]
    if subjects:
        roles = ALL_ROLES if all(a.get("any_role") for a in subjects) else subject_roles(interp)
        out.append(actor_clause(_party_ids(subjects) or ["-"], roles, "a",
                                " or ".join(a["name"] for a in subjects), parts=not all(a.get("itself") for a in subjects)))
    if objects:
        out.append(actor_clause(_party_ids(objects) or ["-"], ALL_ROLES, "o",
                                "concerning " + " or ".join(a["name"] for a in objects)))
    if interp.kinds:
        params: dict = {}
        kinds = [k for kind in interp.kinds for k in KIND_MEMBERS[kind]]
        country = " or a.country is not null" if "country" in interp.kinds else ""
        # a test per record, not a set: "by a country" holds for most records, and building that
        # set to intersect it with a small one cost 150 ms at 100,000 records
        out.append(Clause(
            "exists (select 1 from record_actors ra join actors a on a.id = ra.actor where ra.record = r.rowid"
            f" and ra.role in ({_in('kr', list(TARGET_ROLES if interp.kinds_targeted else ACTING_ROLES), params)})"
            f" and (a.kind in ({_in('k', kinds, params)}){country}))",
            params, "by " + " or ".join(interp.kinds)))
    # types are alternatives, unless the question puts them together: then each must apply
    for n, group in enumerate([[t] for t in interp.types] if interp.all_types else [interp.types] if interp.types else []):
        params = {}
        out.append(rowid_clause(
            "select rt.record from record_types rt join type_closure tc on tc.descendant = rt.type"
            f" where tc.ancestor in ({_in(f't{n}_', [t['id'] for t in group], params)})",
            params, " or ".join(t["name"] for t in group)))
    if interp.entities:
        params = {}
        out.append(rowid_clause(
            f"select record from record_entities where entity in "
            f"({_in('e', [e['id'] for e in interp.entities], params)})",
            params, "about " + " or ".join(e["name"] for e in interp.entities)))
    if interp.stages:
        params = {}
        out.append(Clause(f"r.stage in ({_in('s', interp.stages, params)})", params,
                          "stage " + " or ".join(interp.stages)))
    if interp.periods:
        params, parts = {}, []
        for n, p in enumerate(interp.periods):
            params[f"p{n}s"], params[f"p{n}e"] = p.start, p.end
            # at least half of a record's date lies in the period (the one place this rule is written). That puts
            # the date's midpoint within half a day of the period, which the index on
            # start + end can find without reading every date.
            parts.append(f"(d.start + d.end between 2 * :p{n}s - 1 and 2 * :p{n}e + 1"
                         f" and (min(d.end, :p{n}e) - max(d.start, :p{n}s) + 1) * 2 >= d.end - d.start + 1)")
        out.append(rowid_clause(f"select d.record from record_dates d where {' or '.join(parts)}",
                                params, " or ".join(p.text for p in interp.periods)))
    if interp.months:
        out.append(month_clause(interp.months))
    if interp.sections:
        params = {f"sec{n}": f'%"section_key": "{s["id"].split(":", 1)[1]}"%' for n, s in enumerate(interp.sections)}
        out.append(rowid_clause("select rowid from records where " + " or ".join(f"sources like :sec{n}" for n in range(len(params))),
                                params, "in the source's " + " or ".join(f"“{s['name']}”" for s in interp.sections)))
    if interp.topic_words:
        out.append(text_clause(interp.topic_words, any_of=True))
    out += exclusion_clauses(interp.exclude)
    return out


JULIAN = 1721424.5   # date.toordinal() + JULIAN is the Julian day SQLite's date functions read


def month_clause(months: list[int]) -> Clause:
    """A month named without a year ("in December"): that month of any year, including the
    dates whose year the source does not give. A date matches when its middle falls in the month
    and it is no longer than two months (a year or a season says nothing of its December)."""
    params = {f"m{n}": m for n, m in enumerate(months)}
    params.update({f"mn{n}": f"% {calendar.month_name[m]} (year not given)%" for n, m in enumerate(months)})
    in_month = ", ".join(f":m{n}" for n in range(len(months)))
    no_year = " or ".join(f"' ' || date_text like :mn{n}" for n in range(len(months)))
    sub = (f'select d.record from record_dates d where d."end" - d.start < 62 and cast(strftime(\'%m\','
           f' (d.start + d."end") / 2.0 + {JULIAN}) as integer) in ({in_month})'
           f" union select rowid from records where {no_year}")
    return rowid_clause(sub, params, "in " + " or ".join(calendar.month_name[m] for m in months) + " of any year")


def exclusion_clauses(exclude: list[dict]) -> list[Clause]:
    """What the question leaves out. A record stays when someone outside the excluded parties or
    kinds acted in it ("sanctions other than the US" keeps the EU, Canada, UK and US ones; "apart
    from the G7" drops what the G7's members only joined), and goes when it has an excluded type
    ("apart from sanctions")."""
    out: list[Clause] = []
    parties = [e for e in exclude if e["category"] in ("actor", "group")]
    kinds = [k for e in exclude if e["category"] == "kind" for k in KIND_MEMBERS.get(e["id"], (e["id"],))]
    if parties or kinds:
        params: dict = {}
        roles = _in("xr", ["acted"], params)
        conditions = []
        if parties:
            conditions.append("ra.actor not in (select descendant from actor_closure where ancestor in "
                              f"({_in('xa', _party_ids(parties), params)}))")
        if kinds:
            conditions.append("ra.actor not in (select c.descendant from actor_closure c join actors a on a.id = c.ancestor"
                              f" where a.kind in ({_in('xk', kinds, params)}))")
        out.append(Clause(f"exists (select 1 from record_actors ra where ra.record = r.rowid and ra.role in ({roles})"
                          f" and {' and '.join(conditions)})", params,
                          "leaving out " + " and ".join(e["name"] for e in exclude if e["category"] != "type")))
    types = [e for e in exclude if e["category"] == "type"]
    if types:
        params = {}
        out.append(Clause("r.rowid not in (select rt.record from record_types rt join type_closure tc on"
                          f" tc.descendant = rt.type where tc.ancestor in ({_in('xt', [t['id'] for t in types], params)}))",
                          params, "leaving out " + " and ".join(t["name"] for t in types)))
    return out


def text_clause(words: list[str], any_of: bool = False) -> Clause:
    clause = rowid_clause("select rowid from records_fts where records_fts match :q",
                          {"q": fts_query(words, any_of)}, "mentioning " + (" or " if any_of else " and ").join(words))
    clause.words = list(words)
    return clause
