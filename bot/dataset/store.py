"""Moderators' changes to the data: checked, attributed, reversible, crash-safe. Every front
end goes through here, so every refusal is made here, once.

The YAML files in data/ stay the one source of truth: a change rewrites the block of the
record (or actor) it touches, in place (plan.py), and the index is rebuilt from the files as
always. A save holds the folder's lock, writes what it is about to do (journal.py), writes
the files (each atomically, keeping its mode), appends the history, then drops the journal.
Readers that take the lock in shared mode (the index build: `reading`) see all of a save or
none of it. A save cut short is finished by `recover` from the journal, onto records that
still hold the revision it started from, and only onto those: for the others a conflict is
recorded and the files are left as they are. An edit names the revision it was based on; if
the record changed since, the edit is refused instead of overwriting.
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

from bot.dataset import journal
from bot.dataset.blocks import Verbatim
from bot.dataset.change import Change, ChangeRefused, Conflict, field_error, refused, revision
from bot.dataset.change_checks import check
from bot.dataset.folder import FolderView
from bot.dataset.history import Entry, History, now
from bot.dataset.plan import Plan, plan
from bot.dataset.rules import mass_removal, proposal
from bot.dataset.yaml_edit import plain
from bot.files import atomic_write, locked

__all__ = ["Change", "ChangeRefused", "Conflict", "Store", "field_error", "mass_removal", "reading", "revision"]
log = logging.getLogger(__name__)


class Store:
    def __init__(self, data_dir: Path | str, history_path: Path | str | None = None):
        self.data_dir = Path(data_dir)
        self.history = History(Path(history_path) if history_path else self.data_dir / "history.jsonl")
        self.view = FolderView(self.data_dir)
        self.pause = None   # a test seam: called with each stage a save reaches: "journal", "file", "history"
        self.notices: list[Entry] = []   # what recovery did, for a front end to tell (take_notices)
        self._mutex = threading.RLock()  # the bot's threads share one Store and its cache

    # ---- reading ----------------------------------------------------------------------
    def files(self, kind: str) -> list[Path]:
        return self.view.paths(kind)

    def locate(self, kind: str, target: str) -> tuple[Path | None, dict | None]:
        with self._mutex:
            found = self.view.find(kind, target)
            return (found.path, found.value) if found else (None, None)

    def get(self, kind: str, target: str) -> dict | None:
        return self.locate(kind, target)[1]

    def all_records(self) -> list[dict]:
        return [d for _, d in self.records_where()]

    def records_where(self) -> list[tuple[Path, dict]]:
        """Every record with its file. Raises ChangeRefused when a record file cannot be read: its
        records would be taken for missing."""
        with self._mutex:
            if unreadable := self.view.unreadable("record"):
                raise refused(unreadable, "a record file cannot be read, fix it first: ")
            return [(path, plain(d)) for path, d in self.view.records()]

    def home_file(self, kind: str, item: dict) -> Path:
        """Where a new item goes: the file holding most records that cite its first known passage,
        else the file named after that section, else records/moderated.yaml."""
        if kind == "actor":
            return self.data_dir / "actors.yaml"
        with self._mutex:
            documents = self.view.vocabulary().documents
            for src in [s for s in item.get("sources") or [] if isinstance(s, dict)]:
                doc = documents.get(str(src.get("document") or ""))
                sec = doc.section(str(src.get("section") or "")) if doc else None
                if sec is None:
                    continue
                counts = Counter(path for path, d in self.view.records(self.view.holding(str(src.get("section")),
                                                                                         sec.heading))
                                 for s in d.get("sources") or [] if isinstance(s, dict)
                                 and s.get("document") == doc.id and doc.section(str(s.get("section") or "")) is sec)
                if counts:
                    return counts.most_common(1)[0][0]
                named = self.data_dir / "records" / f"{'-'.join(str(src.get('section')).lower().split())}.yaml"
                if named.exists():
                    return named
        return self.data_dir / "records" / "moderated.yaml"

    # ---- proposing --------------------------------------------------------------------
    def propose(self, kind: str, action: str, target: str, after: dict | None = None,
                base_revision: str | None = None) -> Change:
        """A checked change, not yet saved: show it, then `apply` it. Raises ChangeRefused."""
        with self._mutex:
            self.recover()
            found = self.view.find(kind, target)
            before = found.value if found else None
            after = proposal(kind, action, target, before, after, base_revision)
            path = found.path if found and action != "add" else self.home_file(kind, after or {})
            change = Change(action, kind, target, path, None if action == "add" else before,
                            plain(after) if after is not None else None)
            change.problems = self.check([change])
            if action == "add" and before is not None:
                where = f" ({self.view.names.name(found.path)})"
                raise ChangeRefused(f"{kind} {target!r} already exists{where}", change.problems)
            if change.problems:
                raise refused(change.problems)
            return change

    def propose_actor(self, actor_id: str, name: str, kind: str, *, parent: str | None = None,
                      flag: str | None = None, aliases: list[str] = ()) -> Change:
        """A new actor from its parts (ids already resolved)."""
        actor: dict = {"id": actor_id.strip(), "name": name, "kind": kind}
        if parent:
            actor["parent"] = parent
        if flag and flag.strip():
            actor["flag"] = flag.strip()
        if [a for a in aliases if a.strip()]:
            actor["aliases"] = list(aliases)
        return self.propose("actor", "add", actor["id"], actor)

    def propose_alias(self, actor_id: str, alias: str) -> Change:
        """Another name for an actor; refused when the actor already has it (in any case)."""
        current = self.get("actor", actor_id)
        if current is None:
            raise ChangeRefused(f"there is no actor {actor_id!r} in actors.yaml")
        if not alias.strip():
            raise field_error("alias", "an alias cannot be empty")
        after = {**current, "aliases": [*(current.get("aliases") or []), alias]}
        return self.propose("actor", "edit", actor_id, after, revision(current))

    def check(self, changes: list[Change], fresh: bool = False) -> list:
        """What `validate` would say of the data with these changes made (errors only), from
        what the changes can affect."""
        with self._mutex:
            return check(self.view, plan(self.view, changes, fresh)) if changes else []

    # ---- saving -----------------------------------------------------------------------
    def _locked(self):
        """The folder itself is the lock: writers hold it alone, readers (`reading`) together."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return locked(self.data_dir)

    def apply(self, changes: list[Change], who: str, reason: str = "", allow_removals: bool = False) -> list[Entry]:
        """Save proposed changes for good, all of them or none."""
        if not changes:
            return []
        with self._mutex, self._locked():
            self._recover_locked()
            for c in changes:   # someone may have saved between propose and apply: read again
                found = self.view.find(c.kind, c.target, fresh=True)
                if revision(found.value if found else None) != c.rev_before:
                    raise Conflict(f"{c.kind} {c.target!r} was changed by someone else in the meantime; nothing was saved")
                if found and found.path != c.path:
                    c.path = found.path   # moved to another file by hand: changed where it is
            removed = sum(1 for c in changes if c.kind == "record" and c.after is None)
            if removed > 1 and not allow_removals and (why := mass_removal(removed, len(self.view.records()))):
                raise ChangeRefused(why)
            p = plan(self.view, changes, fresh=True)
            problems = check(self.view, p)
            if problems:
                raise refused(problems)
            txn = uuid.uuid4().hex[:12]
            batch = txn if len(changes) > 1 else None
            entries = [self._entry(w, who, reason, txn, batch) for w in p.written]
            journal.write(self.data_dir, journal.Pending(txn, entries, [c.place for c in changes],
                                                         [c.exact for c in changes]))
            self._reached("journal")
            return self._finish(p, entries)

    def _reached(self, stage: str) -> None:
        if self.pause:
            self.pause(stage)

    def _entry(self, w, who: str, reason: str, txn: str, batch: str | None) -> Entry:
        c = w.change
        return Entry(0, now(), who, c.action, c.kind, c.target, str(c.path.relative_to(self.data_dir)), reason,
                     c.before, c.after, c.rev_before, c.rev_after, batch, c.undoes, txn=txn,
                     text_before=w.text_before, text_after=w.text,
                     splice=vars(w.splice) if w.splice else None, place=w.place)

    def _finish(self, p: Plan, entries: list[Entry]) -> list[Entry]:
        """Write the files, then the history; the journal goes last (it is what says "unfinished")."""
        for path, text in p.texts.items():
            atomic_write(path, text)
            self.view.wrote(path, text)
            self._reached("file")
        seq = self.history.next_seq()
        entries = [replace(e, seq=seq + n) for n, e in enumerate(entries)]
        self.history.append(entries)
        self._reached("history")
        journal.clear(self.data_dir)
        return entries

    # ---- recovery ---------------------------------------------------------------------
    def recover(self) -> list[Entry]:
        """Finish a save a crash cut short (see the module's doc); what it did is also kept in
        `notices` for the front end to tell. Cheap when there is nothing to do."""
        if not journal.pending(self.data_dir) and not self._junk():
            return []
        with self._mutex, self._locked():
            return self._recover_locked()

    def _junk(self) -> list[Path]:
        """The temporary files of writes a crash cut short (atomic_write's, never renamed)."""
        return [*self.data_dir.glob(".*.tmp"), *(self.data_dir / "records").glob(".*.tmp")]

    def _recover_locked(self) -> list[Entry]:
        for junk in self._junk():
            junk.unlink(missing_ok=True)
        pending = journal.read(self.data_dir)
        if pending is None:
            return []
        logged = {(e.kind, e.target) for e in self.history.tail(pending.txn)}
        todo, redo, entries = [], [], []
        for e, insert, exact in zip(pending.entries, pending.inserts, pending.exact):
            if (e.kind, e.target) in logged:
                continue
            found = self.view.find(e.kind, e.target, fresh=True)
            rev = revision(found.value if found else None)
            if rev == e.rev_after:
                entries.append(replace(e, extra={**e.extra, "recovered": "its files were already written"}))
            elif rev == e.rev_before:
                path = found.path if found else self.data_dir / e.file
                todo.append(Change(e.action, e.kind, e.target, path, e.before, e.after, undoes=e.undoes,
                                   text_after=Verbatim(e.text_after) if e.text_after is not None else None,
                                   place=insert, exact=exact))
                redo.append(e)
            else:
                entries.append(self._conflict(e, found.value if found else None))
        p = plan(self.view, todo, fresh=True)
        entries += [replace(self._entry(w, e.who, e.reason, e.txn, e.batch), at=e.at,
                            extra={**e.extra, "recovered": "finished from the journal"})
                    for w, e in zip(p.written, redo)]
        entries = self._finish(p, entries)
        self.notices += entries
        for e in entries:
            log.warning("recovered an interrupted save: %s %s %s (%s)", e.action, e.kind, e.target,
                        e.reason if e.action == "conflict" else e.extra.get("recovered"))
        return entries

    def _conflict(self, e: Entry, current: dict | None) -> Entry:
        return Entry(0, now(), e.who, "conflict", e.kind, e.target, e.file,
                     f"an interrupted save of this {e.kind} ({e.action}, {e.at}) was not finished: the file no longer "
                     f"holds the revision it started from (expected {e.rev_before or 'none'}, found "
                     f"{revision(current) or 'none'}); the files were left as they are",
                     current, current, revision(current), revision(current), e.batch, None, txn=e.txn,
                     extra={"not_applied": e.after, "was": e.action})

    def take_notices(self) -> list[Entry]:
        """What recovery did since the last call (once each): for the moderator and the audit channel."""
        with self._mutex:
            out, self.notices = self.notices, []
            return out

    # ---- undo -------------------------------------------------------------------------
    def undo(self, kind: str, target: str, who: str, reason: str = "") -> Entry:
        """Revert the last recorded change to target, byte for byte where the file allows."""
        with self._mutex:
            self.recover()
            entries = [e for e in self.history.for_target(kind, target) if e.action != "conflict"]
            if not entries:
                raise ChangeRefused(f"{kind} {target!r} has no recorded change to undo")
            last = entries[-1]
            found = self.view.find(kind, target)
            current = found.value if found else None
            if revision(current) != last.rev_after:
                raise Conflict(f"{kind} {target!r} was changed outside the bot since its last recorded change; "
                               "undo it by hand or edit it again")
            path = found.path if found else self.data_dir / last.file
            text = Verbatim(last.text_before) if last.text_before is not None else None
            exact = last.splice if path == self.data_dir / last.file else None
            change = Change("undo", kind, target, path, current, last.before, undoes=last.seq, text_after=text,
                            place=last.place if current is None else None, exact=exact)
            return self.apply([change], who, reason or f"undo of change {last.seq}")[0]


@contextmanager
def reading(data_dir: Path | str):
    """For readers of a whole data folder (the index build): no save is half made while inside.
    A save a crash cut short is finished first. A folder this process cannot lock (read-only)
    is read as it is."""
    data_dir = Path(data_dir)
    stack = ExitStack()
    if data_dir.is_dir():
        try:
            if journal.pending(data_dir):
                Store(data_dir).recover()
            stack.enter_context(locked(data_dir, shared=True))
        except OSError as exc:
            log.warning("reading %s without its lock: %s", data_dir, exc)
    with stack:
        yield
