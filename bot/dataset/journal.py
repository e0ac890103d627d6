"""The save under way, kept on disk while it is made: data/.pending.json.

A save writes (and syncs) this file first, then the data files, then appends the history,
then removes it. So whenever it exists, a save was cut short somewhere in between, and it
says exactly what that save was: recovery (store.py) finishes it, but only onto records that
still hold the revision the save started from, and records a conflict for the others.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.dataset.history import Entry, as_dict
from bot.files import atomic_write

log = logging.getLogger(__name__)
NAME = ".pending.json"


@dataclass
class Pending:
    txn: str
    entries: list[Entry]        # the history entries the save will append (seq 0: numbered then)
    inserts: list[dict | None]  # per entry: where a record put back goes (prev / next)
    exact: list[dict | None]    # per entry: an undo's splice, to restore a file's bytes


def path(data_dir: Path) -> Path:
    return data_dir / NAME


def pending(data_dir: Path) -> bool:
    return path(data_dir).exists()


def write(data_dir: Path, p: Pending) -> None:
    data = {"txn": p.txn, "entries": [as_dict(e) for e in p.entries], "inserts": p.inserts, "exact": p.exact}
    atomic_write(path(data_dir), json.dumps(data, ensure_ascii=False))


def read(data_dir: Path) -> Pending | None:
    """The save under way; None if there is none. It is written atomically, so it is whole or
    absent; anything else is not ours and is set aside, with a warning, rather than acted on."""
    try:
        raw = json.loads(path(data_dir).read_text(encoding="utf-8"))
        entries = [Entry(**e) for e in raw["entries"]]
        return Pending(raw["txn"], entries, raw["inserts"], raw["exact"])
    except FileNotFoundError:
        return None
    except (ValueError, TypeError, KeyError) as exc:
        aside = path(data_dir).with_suffix(".unreadable")
        path(data_dir).replace(aside)
        log.warning("%s could not be read (%s); moved to %s, nothing recovered from it", path(data_dir), exc, aside)
        return None


def clear(data_dir: Path) -> None:
    # not synced: if a crash brings it back, the history already has its save, and recovery
    # (which looks there first) only removes it again
    path(data_dir).unlink(missing_ok=True)
