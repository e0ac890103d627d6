"""An Interpretation as SQL: one fragment per part, with named parameters and a description.

Parts of one kind are alternatives (two actors: records of either); different kinds all
apply (an actor and a year: that actor's records in that year).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.dataset.model import ACTING_ROLES, LINK_ROLES
from bot.dataset.model import ROLES as ALL_ROLES
from bot.engine.interpret import KIND_MEMBERS, Interpretation

TARGET_ROLES = ("target",)


@dataclass
class Clause:
    sql: str
    params: dict = field(default_factory=dict)
    description: str = ""
    subquery: str = ""  # set when the clause is "r.rowid in (subquery)": such sets can be intersected


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


def actor_clause(ids: list[str], roles: tuple[str, ...], prefix: str, label: str) -> Clause:
    """Records where the actor or one of its parts has one of these roles."""
    params: dict = {}
    roles_sql = f" and ra.role in ({_in(prefix + 'r', list(roles), params)})"
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


def clauses(interp: Interpretation) -> list[Clause]:
    out: list[Clause] = []
    subjects = [a for a in interp.actors if not a.get("object")]
    objects = [a for a in interp.actors if a.get("object")]
    if subjects:
        out.append(actor_clause([a["id"] for a in subjects], subject_roles(interp), "a",
                                " or ".join(a["name"] for a in subjects)))
    if objects:
        out.append(actor_clause([a["id"] for a in objects], ALL_ROLES, "o",
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
    if interp.topic_words:
        out.append(text_clause(interp.topic_words, any_of=True))
    return out


def text_clause(words: list[str], any_of: bool = False) -> Clause:
    return rowid_clause("select rowid from records_fts where records_fts match :q",
                        {"q": fts_query(words, any_of)}, "mentioning " + (" or " if any_of else " and ").join(words))
