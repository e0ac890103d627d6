"""Moderators' changes to the data: validated, attributed, reversible, crash-safe.

The YAML files in data/ stay the one source of truth: a change rewrites the block of the
record (or actor) it touches, in place, and the index is rebuilt from the files as always.
Every change is first appended to data/history.jsonl (synced), then the file is replaced
atomically. If a crash falls between the two, `recover` finishes the change from the log,
so the data is always the old version or the new one. An edit names the revision it was
based on; if the record changed since, the edit is refused instead of overwriting.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bot.dataset.files import record_files
from bot.dataset.history import Entry, History, now
from bot.dataset.schema import errors_only, load_dataset
from bot.dataset.yaml_edit import append_block, dump_record, ordered, plain, replace_block
from bot.dataset.yamlio import Problem, YamlError, load_file
from bot.files import atomic_write, locked


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

    @property
    def rev_before(self) -> str | None:
        return revision(self.before)

    @property
    def rev_after(self) -> str | None:
        return revision(self.after)

    def diff(self) -> str:
        import difflib

        a = dump_record(self.before).splitlines(keepends=True) if self.before else []
        b = dump_record(self.after).splitlines(keepends=True) if self.after else []
        return "".join(difflib.unified_diff(a, b, "before", "after", n=1))


def revision(item: dict | None) -> str | None:
    """A short fingerprint of an item's content: what an edit says it was based on."""
    if item is None:
        return None
    return hashlib.sha256(json.dumps(ordered(item), sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


class Store:
    def __init__(self, data_dir: Path | str, history_path: Path | str | None = None):
        self.data_dir = Path(data_dir)
        self.history = History(Path(history_path) if history_path else self.data_dir / "history.jsonl")
        self.after_log = None   # a test seam: called between the history write and the file writes

    # ---- reading ----------------------------------------------------------------------
    def files(self, kind: str) -> list[Path]:
        if kind == "actor":
            return [self.data_dir / "actors.yaml"]
        return record_files(self.data_dir)

    def locate(self, kind: str, target: str) -> tuple[Path | None, dict | None]:
        for path in self.files(kind):
            try:
                items = load_file(path) or []
            except YamlError:
                continue
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and str(item.get("id")) == target:
                    return path, plain(item)
        return None, None

    def get(self, kind: str, target: str) -> dict | None:
        return self.locate(kind, target)[1]

    def all_records(self) -> list[dict]:
        out = []
        for path in self.files("record"):
            items = load_file(path) or []
            out += [plain(i) for i in items if isinstance(i, dict)]
        return out

    def home_file(self, kind: str, item: dict) -> Path:
        """Where a new item goes: the file of the section it cites, else records/moderated.yaml."""
        if kind == "actor":
            return self.data_dir / "actors.yaml"
        for src in item.get("sources") or []:
            if isinstance(src, dict):
                key = "-".join(str(src.get("section", "")).lower().split())
                candidate = self.data_dir / "records" / f"{key}.yaml"
                if key and candidate.exists():
                    return candidate
        return self.data_dir / "records" / "moderated.yaml"

    # ---- proposing --------------------------------------------------------------------
    def propose(self, kind: str, action: str, target: str, after: dict | None = None,
                base_revision: str | None = None) -> Change:
        """A checked change, not yet saved: show it, then `apply` it. Raises ChangeRefused."""
        self.recover()
        path, before = self.locate(kind, target)
        if action == "add":
            if before is not None:
                raise ChangeRefused(f"{kind} {target!r} already exists")
            path = self.home_file(kind, after or {})
        elif before is None:
            raise ChangeRefused(f"there is no {kind} {target!r}")
        if base_revision and revision(before) != base_revision:
            raise Conflict(f"{kind} {target!r} was changed by someone else since you opened it "
                           f"(your revision {base_revision}, now {revision(before)}); reopen it and edit again")
        if after is not None and str(after.get("id")) != target:
            raise ChangeRefused(f"the id cannot change ({target!r} → {after.get('id')!r}); add a new {kind} instead")
        change = Change(action, kind, target, path, before, plain(after) if after is not None else None)
        change.problems = self.check([change])
        if change.problems:
            raise ChangeRefused("; ".join(p.message for p in change.problems[:5]), change.problems)
        return change

    def propose_actor(self, actor_id: str, name: str, kind: str, *, parent: str | None = None,
                      flag: str | None = None, aliases: list[str] = ()) -> Change:
        """A new actor from its parts (ids already resolved), spaces tidied, aliases once each."""
        actor: dict = {"id": actor_id.strip(), "name": " ".join(name.split()), "kind": kind}
        if parent:
            actor["parent"] = parent
        if flag and flag.strip():
            actor["flag"] = flag.strip()
        aliases = [" ".join(a.split()) for a in aliases if a.strip()]
        if aliases:
            actor["aliases"] = list(dict.fromkeys(aliases))
        return self.propose("actor", "add", actor["id"], actor)

    def propose_alias(self, actor_id: str, alias: str) -> Change:
        """Another name for an actor; refused when the actor already has it (in any case)."""
        current = self.get("actor", actor_id)
        if current is None:
            raise ChangeRefused(f"there is no actor {actor_id!r} in actors.yaml")
        text = " ".join(alias.split())
        if not text:
            raise field_error("alias", "an alias cannot be empty")
        if text.casefold() in [str(a).casefold() for a in [current.get("name"), *(current.get("aliases") or [])]]:
            raise field_error("alias", f"{current.get('name')} is already called “{text}”")
        after = {**current, "aliases": [*(current.get("aliases") or []), text]}
        return self.propose("actor", "edit", actor_id, after, revision(current))

    def check(self, changes: list[Change]) -> list[Problem]:
        """What `validate` would say of the data with these changes applied (errors only)."""
        return self._validate(self._texts(changes)) if changes else []

    def _texts(self, changes: list[Change]) -> dict[Path, str]:
        texts: dict[Path, str] = {}
        for c in changes:
            text = texts.get(c.path)
            if text is None:
                text = c.path.read_text(encoding="utf-8") if c.path.exists() else ""
            if c.before is None:
                text = append_block(text, dump_record(c.after))
            else:
                text = replace_block(text, c.target, dump_record(c.after) if c.after is not None else None)
            texts[c.path] = text.rstrip("\n") + "\n" if text.strip() else ""
        return texts

    def _validate(self, texts: dict[Path, str]) -> list[Problem]:
        """Exactly what `validate` says of the data with these files changed: a scratch copy is checked."""
        with tempfile.TemporaryDirectory(prefix="bot-validate-") as tmp:
            scratch = Path(tmp) / self.data_dir.name
            shutil.copytree(self.data_dir, scratch, copy_function=_link_or_copy,
                            ignore=shutil.ignore_patterns("history.jsonl", ".*"))
            for path, text in texts.items():
                dest = scratch / path.relative_to(self.data_dir)
                dest.unlink(missing_ok=True)  # never write through a hard link into the real file
                dest.write_text(text, encoding="utf-8")
            _, problems = load_dataset(scratch)
        return errors_only(problems)

    # ---- saving -----------------------------------------------------------------------
    def _locked(self):
        return locked(self.data_dir / ".write.lock")

    def apply(self, changes: list[Change], who: str, reason: str = "") -> list[Entry]:
        """Save proposed changes for good: logged first, then written; nothing if anything is off."""
        if not changes:
            return []
        with self._locked():
            self.recover(locked=True)
            for c in changes:  # someone may have saved between propose and apply
                if revision(self.get(c.kind, c.target)) != c.rev_before:
                    raise Conflict(f"{c.kind} {c.target!r} was changed by someone else in the meantime; nothing was saved")
            texts = self._texts(changes)
            problems = self._validate(texts)
            if problems:
                raise ChangeRefused("; ".join(p.message for p in problems[:5]), problems)
            seq, at = self.history.next_seq(), now()
            batch = uuid.uuid4().hex[:12] if len(changes) > 1 else None
            entries = [Entry(seq + n, at, who, c.action, c.kind, c.target, str(c.path.relative_to(self.data_dir)),
                             reason, c.before, c.after, c.rev_before, c.rev_after, batch, c.undoes)
                       for n, c in enumerate(changes)]
            self.history.append(entries)
            if self.after_log:
                self.after_log()
            for path, text in texts.items():
                atomic_write(path, text)
            return entries

    def recover(self, locked: bool = False) -> list[Entry]:
        """Finish the last logged change if a crash stopped it before its file was written."""
        if locked:  # a crash inside atomic_write leaves its temporary file behind
            for junk in [*self.data_dir.glob(".*.tmp"), *(self.data_dir / "records").glob(".*.tmp")]:
                junk.unlink(missing_ok=True)
        entries = self.history.entries()
        if not entries:
            return []
        last = entries[-1]
        pending = [e for e in entries if e.batch == last.batch] if last.batch else [last]
        todo = [e for e in pending if revision(self.get(e.kind, e.target)) != e.rev_after]
        if not todo:
            return []
        if not locked:
            with self._locked():
                return self.recover(locked=True)
        changes = []
        for e in todo:
            path = self.data_dir / e.file
            current = self.get(e.kind, e.target)
            changes.append(Change(e.action, e.kind, e.target, path, current, e.after))
        for path, text in self._texts(changes).items():
            atomic_write(path, text)
        return todo

    # ---- history and undo -------------------------------------------------------------
    def undo(self, kind: str, target: str, who: str, reason: str = "") -> Entry:
        entries = self.history.for_target(kind, target)
        if not entries:
            raise ChangeRefused(f"{kind} {target!r} has no recorded change to undo")
        last = entries[-1]
        current = self.get(kind, target)
        if revision(current) != last.rev_after:
            raise Conflict(f"{kind} {target!r} was changed outside the bot since its last recorded change; "
                           "undo it by hand or edit it again")
        action = "add" if current is None else ("remove" if last.before is None else "edit")
        change = self.propose(kind, action, target, last.before, revision(current))
        change.action, change.undoes = "undo", last.seq
        return self.apply([change], who, reason or f"undo of change {last.seq}")[0]


def _link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
