"""A change to one record or actor, before it is saved: what it was, what it becomes, and the
refusals every front end shows the same way."""
from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from bot.dataset.yaml_edit import dump_record, ordered
from bot.dataset.yamlio import Problem


class ChangeRefused(Exception):
    """The change was not made; the message says why, problems name each field."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


class Conflict(ChangeRefused):
    pass


def field_error(field: str, message: str) -> ChangeRefused:
    """A refusal that names the field (of a form, an option, a file) it is about."""
    text = f"{field}: {message}"
    return ChangeRefused(text, [Problem(field, 0, text)])


def refused(problems: list[Problem], lead: str = "") -> ChangeRefused:
    return ChangeRefused(lead + "; ".join(p.message for p in problems[:5]), problems)


def revision(item: dict | None) -> str | None:
    """A short fingerprint of an item's content: what an edit says it was based on."""
    if item is None:
        return None
    return hashlib.sha256(json.dumps(ordered(item), sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


@dataclass
class Change:
    action: str                  # add | edit | remove | undo | import
    kind: str                    # record | actor
    target: str
    path: Path
    before: dict | None
    after: dict | None
    problems: list[Problem] = field(default_factory=list)
    undoes: int | None = None
    text_before: str | None = None     # the block as the file holds it now
    text_after: str | None = None      # the block to write: dump_record(after) unless Verbatim
    place: dict | None = None          # where a record put back goes: next to prev / next
    exact: dict | None = None          # an undo's Splice: the whole file's bytes, when it still matches

    def __post_init__(self):
        if self.text_after is None and self.after is not None:
            self.text_after = dump_record(self.after)

    @property
    def rev_before(self) -> str | None:
        return revision(self.before)

    @property
    def rev_after(self) -> str | None:
        return revision(self.after)

    def diff(self) -> str:
        a = dump_record(self.before).splitlines(keepends=True) if self.before else []
        b = dump_record(self.after).splitlines(keepends=True) if self.after else []
        return "".join(difflib.unified_diff(a, b, "before", "after", n=1))
