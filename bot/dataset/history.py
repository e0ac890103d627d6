"""The change log moderators' edits leave behind: one JSON object per line, appended and synced.

It lives in the data folder (data/history.jsonl), next to the files it describes, so it
survives restarts and index rebuilds and travels with the data in git. A line cut short by
a crash is not a change: readers skip it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Entry:
    seq: int
    at: str
    who: str
    action: str                 # add | edit | remove | undo | import
    kind: str                   # record | actor
    target: str                 # the record or actor id
    file: str                   # relative to the data folder
    reason: str = ""
    before: dict | None = None
    after: dict | None = None
    rev_before: str | None = None
    rev_after: str | None = None
    batch: str | None = None    # entries of one import share it
    undoes: int | None = None   # the seq an undo reverts
    extra: dict = field(default_factory=dict)


class History:
    def __init__(self, path: Path):
        self.path = path

    def entries(self) -> list[Entry]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(Entry(**json.loads(line)))
            except (ValueError, TypeError):
                continue  # a torn last line from a crash mid-append
        return out

    def for_target(self, kind: str, target: str) -> list[Entry]:
        return [e for e in self.entries() if e.kind == kind and e.target == target]

    def next_seq(self) -> int:
        entries = self.entries()
        return entries[-1].seq + 1 if entries else 1

    def append(self, entries: list[Entry]) -> None:
        """Append and fsync: once this returns, the change is committed (see Store.recover)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = "".join(json.dumps(asdict(e), ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
        with open(self.path, "a+", encoding="utf-8") as fh:
            fh.seek(0, os.SEEK_END)
            if fh.tell():  # a previous crash may have left a torn line without its newline
                fh.seek(fh.tell() - 1)
                if fh.read(1) != "\n":
                    fh.write("\n")
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
