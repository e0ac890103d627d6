"""Moderators' commands for the terminal: the same Store the Discord commands use."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from bot.dataset.store import ChangeRefused, Store, revision
from bot.dataset.transfer import MAX_IMPORT_BYTES, apply_import, export_text, plan_import
from bot.dataset.yaml_edit import dump_record, plain
from bot.dataset.yamlio import YamlError, load_file, too_large

MAX_RECORD_FILE = 2**20   # one record (or actor) from --file: refused unparsed beyond this


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli:unknown"


def _confirmed(args, preview: str) -> bool:
    print(preview)
    if getattr(args, "yes", False):
        return True
    if not sys.stdin.isatty():
        print("not saved: run again with --yes to save", file=sys.stderr)
        return False
    return input("Save this change? [y/N] ").strip().lower() in ("y", "yes")


def _read_record(path: str) -> dict:
    item = load_file(Path(path), limit=MAX_RECORD_FILE)
    if isinstance(item, list) and len(item) == 1:
        item = item[0]
    if not isinstance(item, dict):
        raise ChangeRefused(f"{path} must hold one record (a YAML mapping)")
    return plain(item)


def _read_bytes(path: Path) -> bytes:
    """The import file, refused unread when it is larger than an import may be."""
    try:
        if why := too_large(path.stat().st_size, MAX_IMPORT_BYTES):
            raise ChangeRefused(f"{path.name} {why}")
        return path.read_bytes()
    except OSError as exc:
        raise ChangeRefused(f"cannot read {path}: {exc.strerror}") from None


def run(args, settings) -> int:
    store = Store(settings.data_dir)
    try:
        return _dispatch(args, store)
    except (ChangeRefused, YamlError) as exc:
        print(f"refused, nothing saved: {exc}", file=sys.stderr)
        for p in getattr(exc, "problems", [])[1:]:
            print(f"  {p}", file=sys.stderr)
        return 1
    finally:
        _tell_recovery(store)


def _tell_recovery(store: Store) -> None:
    """A save a crash had cut short, finished (or left as it was) before this command ran."""
    for e in store.take_notices():
        if e.action == "conflict":
            print(f"conflict, change #{e.seq}: {e.reason} ({e.kind} {e.target})", file=sys.stderr)
        else:
            print(f"recovered: an interrupted save was finished, change #{e.seq}, {e.action} {e.kind} {e.target}",
                  file=sys.stderr)


def _dispatch(args, store: Store) -> int:
    cmd = args.command
    if cmd == "record" and args.action == "show":
        rec = store.get("record", args.id)
        if rec is None:
            raise ChangeRefused(f"there is no record {args.id!r}")
        print(f"# revision {revision(rec)}\n{dump_record(rec)}", end="")
        return 0
    if cmd == "record":
        if args.action == "add":
            rec = _read_record(args.file)
            change = store.propose("record", "add", str(rec.get("id", "")), rec)
        elif args.action == "edit":
            change = store.propose("record", "edit", args.id, _read_record(args.file), args.base)
        else:
            change = store.propose("record", "remove", args.id)
        if not _confirmed(args, change.diff() or "(no difference)"):
            return 0
        e = store.apply([change], _who(), args.reason)[0]
        print(f"saved: change {e.seq}, {e.action} {e.target}, revision {e.rev_after or '-'}")
        return 0
    if cmd == "actor":
        if args.action == "add":
            item = _read_record(args.file)
            change = store.propose("actor", "add", str(item.get("id", "")), item)
        else:
            change = store.propose_alias(args.id, args.alias)
        if not _confirmed(args, change.diff()):
            return 0
        e = store.apply([change], _who(), args.reason)[0]
        print(f"saved: change {e.seq}, {e.action} actor {e.target}")
        return 0
    kind = "actor" if getattr(args, "actor", False) else "record"
    if cmd == "history":
        from bot.discord_adapter.moderation_pages import entry_diff  # the diff /record history shows; no discord

        entries = store.history.for_target(kind, args.id)
        if not entries:
            print(f"no recorded changes to {kind} {args.id!r}")
        for n, e in enumerate(reversed(entries)):   # newest first, as /record history shows them
            undoes = f" (reverts #{e.undoes})" if e.undoes else ""
            print(("\n" if n else "") + f"#{e.seq} {e.at} {e.who} {e.action}{undoes}"
                  + (f" — {e.reason}" if e.reason else ""))
            print(entry_diff(e).rstrip("\n") or "(no difference)")
        return 0
    if cmd == "undo":
        e = store.undo(kind, args.id, _who(), args.reason)
        print(f"undone: change {e.undoes} reverted by change {e.seq}")
        return 0
    if cmd == "export":
        text = export_text(store)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
            print(f"wrote {args.out}")
        else:
            sys.stdout.write(text)
        return 0
    if cmd == "import":
        path = Path(args.file)
        plan = plan_import(store, _read_bytes(path), path.name)
        if not plan.changes:
            print("nothing to do: the file matches the data")
            return 0
        if plan.mass_removal and not args.allow_removals:
            raise ChangeRefused(plan.mass_removal)
        if not _confirmed(args, plan.summary() + (f"\nwarning: {plan.mass_removal}" if plan.mass_removal else "")):
            return 0
        entries = apply_import(store, plan, _who(), args.reason, allow_removals=args.allow_removals)
        print(f"saved: {len(entries)} changes")
        return 0
    raise ChangeRefused(f"unknown command {cmd}")
