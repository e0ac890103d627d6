"""The whole set of records as one YAML file: export it, or import one after a preview."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.dataset.history import Entry
from bot.dataset.store import Change, ChangeRefused, Store, mass_removal
from bot.dataset.yaml_edit import dump_list, ordered, plain
from bot.dataset.yamlio import Problem, YamlError, load_text, too_large

MAX_IMPORT_BYTES = 5 * 1024 * 1024
HEADER = ("# Records exported by the bot. Edit, then import with `/data import` or\n"
          "# `python -m bot import FILE`: records added, changed and removed are shown before anything is saved.\n\n")


def export_text(store: Store) -> str:
    return HEADER + dump_list(store.all_records())


@dataclass
class ImportPlan:
    changes: list[Change] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    total: int = 0                  # records in the data now
    mass_removal: str | None = None  # why saving it needs an explicit yes (see store.mass_removal)

    def summary(self, limit: int = 10) -> str:
        def part(label, ids):
            shown = ", ".join(ids[:limit]) + (f" … and {len(ids) - limit} more" if len(ids) > limit else "")
            return f"{label} {len(ids)}" + (f": {shown}" if ids else "")
        return "; ".join([part("add", self.added), part("change", self.changed), part("remove", self.removed)])


def plan_import(store: Store, data: bytes | str, name: str = "import.yaml") -> ImportPlan:
    """What importing this file would do. Raises ChangeRefused, naming the line, if it is not a
    valid set of records or would leave the data invalid. The file is refused unparsed when it is
    too large, and its YAML with any anchor or alias."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if why := too_large(len(raw), MAX_IMPORT_BYTES):
        raise ChangeRefused(f"{name} {why}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ChangeRefused(f"{name} is not UTF-8 text (is it a YAML file?)") from None
    try:
        items = load_text(text, name)
    except YamlError as exc:
        raise ChangeRefused(str(exc.problem), [exc.problem]) from None
    if isinstance(items, dict) and isinstance(items.get("records"), list):
        items = items["records"]
    if not isinstance(items, list) or not all(isinstance(i, dict) and i.get("id") for i in items):
        raise ChangeRefused(f"{name} must be a YAML list of records, each with an `id` (as `/data export` writes)",
                            [Problem(name, 1, "expected a list of records")])
    ids = [str(i["id"]) for i in items]
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dupes:
        raise ChangeRefused(f"{name} has the same id twice: {', '.join(dupes[:5])}")
    store.recover()
    current = {}
    for path, rec in store.records_where():
        current.setdefault(str(rec.get("id")), (path, rec))
    plan, wanted = ImportPlan(total=len(current)), set(ids)
    for item in items:
        rid, new = str(item["id"]), plain(item)
        if rid not in current:
            plan.changes.append(Change("import", "record", rid, store.home_file("record", new), None, new))
            plan.added.append(rid)
        elif ordered(new) != ordered(current[rid][1]):
            plan.changes.append(Change("import", "record", rid, current[rid][0], current[rid][1], new))
            plan.changed.append(rid)
    for rid, (path, old) in current.items():
        if rid not in wanted:
            plan.changes.append(Change("import", "record", rid, path, old, None))
            plan.removed.append(rid)
    plan.mass_removal = mass_removal(len(plan.removed), plan.total)
    problems = store.check(plan.changes)
    if problems:
        raise ChangeRefused(f"importing {name} would leave {len(problems)} problem(s): "
                            + "; ".join(p.message for p in problems[:5]), problems)
    return plan


def apply_import(store: Store, plan: ImportPlan, who: str, reason: str = "", allow_removals: bool = False) -> list[Entry]:
    """Save the plan: all of it, or nothing. Removing most records needs allow_removals."""
    return store.apply(plan.changes, who, reason or "import", allow_removals=allow_removals)
