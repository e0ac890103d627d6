"""The change log moderators' edits leave behind: one JSON object per line, appended and synced.

It lives in the data folder (data/history.jsonl), next to the files it describes, so it
survives restarts and index rebuilds and travels with the data in git. A line cut short by
a crash is not a change: readers skip it.

Nothing reads the whole log on a change. Saving needs only the last number: the last line of
the index, checked against the log, and whatever the log gained after it. A record's history
is found through that index of where each entry starts (.history.jsonl.idx, a sidecar file
that only writers extend, under the store's lock: a cache, rebuilt from the log whenever it
does not match it), read whole only when a record's history is asked for.
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
        self._indexed = 0   # how far into the log the sidecar goes (0: it does not match the log)
        self._rows: dict[int, str] = {}   # offset -> index line, for the entries past _indexed
        self._where: dict[tuple[str, str], list[tuple[int, int]]] | None = None   # loaded when asked

    # ---- the index ---------------------------------------------------------------------
    def _sidecar_tail(self) -> tuple | None:
        """The sidecar's last line, parsed, if it is whole."""
        try:
            with open(self.index_path, "rb") as fh:
                fh.seek(max(0, fh.seek(0, os.SEEK_END) - 4096))
                lines = fh.read().decode("utf-8", "replace").splitlines(keepends=True)
        except OSError:
            return None
        return _row(lines[-1]) if lines else None

    def _matches_log(self, row: tuple | None, size: int) -> bool:
        if row is None or row[3] + row[4] > size:
            return False
        seq, kind, target, offset, length = row
        with open(self.path, "rb") as fh:
            fh.seek(offset)
            e = _entry(fh.read(length))
        return e is not None and (e.seq, e.kind, e.target) == (seq, kind, target)

    def _sync(self) -> None:
        """Bring what is known up to the end of the log, reading only what was appended since:
        on a new log, only the sidecar's last line, then the log after it."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._ino, self._covered, self._last, self._indexed, self._rows, self._where = None, 0, 0, 0, {}, None
            return
        if st.st_ino != self._ino or st.st_size < self._covered:
            self._ino, self._rows, self._where = st.st_ino, {}, None
            row = self._sidecar_tail()
            ok = self._matches_log(row, st.st_size)
            self._indexed = self._covered = row[3] + row[4] if ok else 0
            self._last = row[0] if ok else 0
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

    def _add(self, seq: int, kind: str, target: str, offset: int, length: int) -> None:
        self._last = max(self._last, seq)
        self._rows[offset] = f"{seq}\t{kind}\t{target}\t{offset}\t{length}\n"
        if self._where is not None:
            self._where.setdefault((kind, target), []).append((offset, length))

    def _index(self) -> dict:
        """Where every entry starts, by record: the sidecar as far as it matches the log, and what
        was read of the log past it."""
        self._sync()
        if self._where is None:
            rows: dict[int, tuple] = {}
            if self._indexed:
                try:
                    lines = self.index_path.read_text(encoding="utf-8").splitlines(keepends=True)
                except (OSError, UnicodeDecodeError):
                    lines = []
                rows = {r[3]: r for r in map(_row, lines) if r is not None and r[3] < self._indexed}
            rows.update((o, _row(line)) for o, line in self._rows.items())
            self._where = {}
            for offset in sorted(rows):
                _, kind, target, _, length = rows[offset]
                self._where.setdefault((kind, target), []).append((offset, length))
        return self._where

    def _save_sidecar(self) -> None:
        """Extend the sidecar with the entries it lacks (only under the store's lock: one writer at a
        time), or write it anew when it does not match the log (missing, torn, another log's)."""
        row = self._sidecar_tail()
        end = row[3] + row[4] if self._matches_log(row, self._covered) else 0
        if not end and self._indexed:
            self._rows.update(self._all_rows(0, self._indexed))
        rows = [self._rows[o] for o in sorted(self._rows) if o >= end]
        try:
            with open(self.index_path, "a" if end else "w", encoding="utf-8") as fh:
                fh.writelines(rows)
            self._indexed, self._rows = self._covered, {}
        except OSError:
            pass   # a cache: the next writer tries again

    def _all_rows(self, start: int, stop: int) -> dict[int, str]:
        out, offset = {}, start
        with open(self.path, "rb") as fh:
            fh.seek(start)
            for raw in fh.read(stop - start).splitlines(keepends=True):
                if raw.endswith(b"\n") and (e := _entry(raw)) is not None:
                    out[offset] = f"{e.seq}\t{e.kind}\t{e.target}\t{offset}\t{len(raw)}\n"
                offset += len(raw)
        return out

    # ---- reading -----------------------------------------------------------------------
    def _raw(self, spots: list[tuple[int, int]]) -> list[bytes]:
        out = []
        with open(self.path, "rb") as fh:
            for offset, length in spots:
                fh.seek(offset)
                out.append(fh.read(length))
        return out

    def for_target(self, kind: str, target: str) -> list[Entry]:
        spots = self._index().get((kind, target), [])
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
