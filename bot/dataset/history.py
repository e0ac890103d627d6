"""The change log moderators' edits leave behind: one JSON object per line, appended and synced.

It lives in the data folder (data/history.jsonl), next to the files it describes, so it
survives restarts and index rebuilds and travels with the data in git. A line cut short by
a crash is not a change: readers skip it.

Nothing reads the whole log on a change. Saving needs only the last number (read from the
end of the file); a record's history is found through an index of where each entry starts,
kept in memory and in a sidecar file (.history.jsonl.idx, a cache: rebuilt from the log
whenever it does not match it) that only writers, under the store's lock, extend.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    seq: int
    at: str
    who: str
    action: str                 # add | edit | remove | undo | import | conflict
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
    txn: str | None = None      # the saving that wrote it (see journal.py); shared by an import
    text_before: str | None = None   # the record's block in its file, byte for byte, before
    text_after: str | None = None    # ... and after
    splice: dict | None = None  # at, old, new, sha_after: what undo needs to restore the file's bytes
    place: dict | None = None   # for a removal: the records it stood between (prev, next)


_NAMES = tuple(f.name for f in dataclasses.fields(Entry))
_FIELDS = set(_NAMES)


def _entry(raw: bytes | str) -> Entry | None:
    try:
        d = json.loads(raw)
        return Entry(**{k: v for k, v in d.items() if k in _FIELDS})
    except (ValueError, TypeError, AttributeError):
        return None   # a torn line from a crash mid-append, or not ours


def as_dict(e: Entry) -> dict:
    """Its fields, not copied (dataclasses.asdict deep-copies every record in it: 1 ms an entry)."""
    return {name: getattr(e, name) for name in _NAMES}


def encode(e: Entry) -> bytes:
    return (json.dumps(as_dict(e), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


class History:
    def __init__(self, path: Path):
        self.path = path
        self.index_path = path.with_name(f".{path.name}.idx")
        self._ino, self._covered, self._last = None, 0, 0
        self._where: dict[tuple[str, str], list[tuple[int, int]]] = {}
        self._rows: dict[int, str] = {}   # offset in the log -> its index line, for every entry

    # ---- the index ---------------------------------------------------------------------
    def _reset(self) -> None:
        self._covered, self._last, self._where, self._rows = 0, 0, {}, {}

    def _add(self, seq: int, kind: str, target: str, offset: int, length: int) -> None:
        self._where.setdefault((kind, target), []).append((offset, length))
        self._last = max(self._last, seq)
        self._rows[offset] = f"{seq}\t{kind}\t{target}\t{offset}\t{length}\n"

    def _matches_log(self, row: tuple) -> bool:
        seq, kind, target, offset, length = row
        with open(self.path, "rb") as fh:
            fh.seek(offset)
            e = _entry(fh.read(length))
        return e is not None and (e.seq, e.kind, e.target) == (seq, kind, target)

    def _load_sidecar(self, size: int) -> None:
        """The index as the last writer left it, if it describes this log (not an older one)."""
        try:
            lines = self.index_path.read_text(encoding="utf-8").splitlines(keepends=True)
        except (OSError, UnicodeDecodeError):
            return
        rows, end = [], 0
        for line in lines:
            row = _row(line)
            if row is None or row[3] < end:
                break   # torn, or not in the log's order: what follows is not trusted
            rows.append(row)
            end = row[3] + row[4]
        if not rows or end > size or not self._matches_log(rows[-1]):
            return
        for row in rows:
            self._add(*row)
        self._covered = end

    def _sync(self) -> None:
        """Bring the index up to the end of the log, reading only what was appended since."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._ino = None
            self._reset()
            return
        if st.st_ino != self._ino or st.st_size < self._covered:
            self._reset()
            self._ino = st.st_ino
            self._load_sidecar(st.st_size)
        if st.st_size == self._covered:
            return
        with open(self.path, "rb") as fh:
            fh.seek(self._covered)
            data = fh.read()
        offset = self._covered
        for raw in data.splitlines(keepends=True):
            if not raw.endswith(b"\n"):
                break   # a torn last line: not a change (yet)
            e = _entry(raw)
            if e is not None:
                self._add(e.seq, e.kind, e.target, offset, len(raw))
            offset += len(raw)
        self._covered = offset

    def _save_sidecar(self) -> None:
        """Extend the sidecar with what it lacks (only under the store's lock: one writer at a time),
        or write it anew when its last line is not one of ours."""
        end, last = 0, None
        try:
            with open(self.index_path, "rb") as fh:
                fh.seek(max(0, fh.seek(0, os.SEEK_END) - 4096))
                tail = fh.read().decode("utf-8", "replace").splitlines(keepends=True)
            last = _row(tail[-1]) if tail else None
        except OSError:
            tail = []
        fresh = bool(tail) and (last is None or self._rows.get(last[3]) != tail[-1])
        if last is not None and not fresh:
            end = last[3] + last[4]
        rows = [self._rows[o] for o in sorted(self._rows) if o >= end]
        try:
            with open(self.index_path, "w" if fresh else "a", encoding="utf-8") as fh:
                fh.writelines(rows)
        except OSError:
            pass   # a cache: the next writer tries again

    # ---- reading -----------------------------------------------------------------------
    def _raw(self, spots: list[tuple[int, int]]) -> list[bytes]:
        out = []
        with open(self.path, "rb") as fh:
            for offset, length in spots:
                fh.seek(offset)
                out.append(fh.read(length))
        return out

    def for_target(self, kind: str, target: str) -> list[Entry]:
        self._sync()
        spots = self._where.get((kind, target), [])
        return [e for e in map(_entry, self._raw(spots)) if e is not None] if spots else []

    def entries(self) -> list[Entry]:
        """Every entry (tests, tools): the one reader that reads the whole log."""
        if not self.path.exists():
            return []
        return [e for raw in self.path.read_bytes().splitlines(keepends=True)
                if raw.endswith(b"\n") and (e := _entry(raw)) is not None]

    def last_seq(self) -> int:
        self._sync()
        return self._last

    def next_seq(self) -> int:
        return self.last_seq() + 1

    def tail(self, txn: str) -> list[Entry]:
        """The entries at the end of the log written by saving `txn` (recovery asks: did it get
        this far?), read backwards from the end."""
        self._sync()
        out, end, size = [], self._covered, 65536
        with open(self.path, "rb") if end else open(os.devnull, "rb") as fh:
            while end > 0:
                start = max(0, end - size)
                fh.seek(start)
                lines = fh.read(end - start).splitlines(keepends=True)
                if start > 0:
                    lines = lines[1:]   # perhaps cut short: it is read whole with the next chunk
                    if not lines:
                        size *= 2
                        continue
                for raw in reversed(lines):
                    e = _entry(raw)
                    if e is not None and e.txn != txn:
                        return out
                    if e is not None:
                        out.insert(0, e)
                end -= sum(len(x) for x in lines)
        return out

    # ---- writing -----------------------------------------------------------------------
    def append(self, entries: list[Entry]) -> None:
        """Append and fsync (under the store's lock): once this returns, the entries are history."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._sync()
        with open(self.path, "ab") as fh:
            offset = fh.seek(0, os.SEEK_END)
            if offset > self._covered:   # a torn line from an earlier crash: end it, it is not read
                fh.write(b"\n")
                offset += 1
            for e in entries:
                data = encode(e)
                fh.write(data)
                self._add(e.seq, e.kind, e.target, offset, len(data))
                offset += len(data)
            fh.flush()
            os.fsync(fh.fileno())
        self._covered = offset
        self._ino = os.stat(self.path).st_ino
        self._save_sidecar()


def _row(line: str) -> tuple | None:
    parts = line.rstrip("\n").split("\t")
    if not line.endswith("\n") or len(parts) != 5:
        return None
    try:
        return int(parts[0]), parts[1], parts[2], int(parts[3]), int(parts[4])
    except ValueError:
        return None


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
