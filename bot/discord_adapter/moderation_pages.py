"""The moderators' replies as page dicts (see answer_pages.py): previews, results, history, audit.

No discord import. Text from the data or from people is escaped, or shown inside code
blocks (which cannot be closed early: a ``` in the text is broken with a zero-width space).
Every page fits Discord's limits on its own.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.dataset.history import Entry
from bot.dataset.store import Change
from bot.dataset.yaml_edit import dump_record
from bot.discord_adapter.answer_pages import (
    DESCRIPTION_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    clip,
    escape,
    page,
    page_length,
)
from bot.text import plural

DIFF_BUDGET = 3000          # characters of diff in a preview's description
HISTORY_DIFF = 700          # ... in one history field
HISTORY_BUDGET = 5600       # of the 6000 per message
VERBS = {"add": "added", "edit": "edited", "remove": "removed", "undo": "undone", "import": "imported",
         "conflict": "not recovered"}


def code_block(text: str, limit: int, lang: str = "diff") -> str:
    """``text`` in a code block of at most ``limit`` characters, cut at a line with a note."""
    text = text.replace("```", "`\u200b``").rstrip("\n") or "(empty)"
    room = limit - len(lang) - 8
    if len(text) > room:
        lines, kept, size = text.splitlines(), [], 0
        for ln in lines:
            ln = clip(ln, 300)
            if size + len(ln) + 1 > room - 40:
                break
            kept.append(ln)
            size += len(ln) + 1
        text = "\n".join(kept) + f"\n… {len(lines) - len(kept)} more lines"
    return f"```{lang}\n{text}\n```"


def who_label(who: str) -> str:
    """`discord:<id>:<name>` -> "name (Discord 123)"; `cli:<user>` -> "user (command line)"."""
    parts = str(who).split(":", 2)
    if parts[0] == "discord" and len(parts) == 3:
        return f"{escape(parts[2])} (Discord `{parts[1]}`)"
    if parts[0] == "cli" and len(parts) >= 2:
        return f"{escape(parts[1])} (command line)"
    return escape(str(who))


def when(at: str) -> str:
    """An ISO time as a Discord timestamp (shown in each reader's time zone)."""
    try:
        return f"<t:{int(dt.datetime.fromisoformat(at).timestamp())}:f>"
    except (TypeError, ValueError):
        return escape(str(at))


def entry_diff(e: Entry) -> str:
    return Change(e.action, e.kind, e.target, Path(e.file), e.before, e.after).diff()


def _what(action: str, kind: str, target: str) -> str:
    return f"{action} {kind} {target}"


def preview_page(change: Change, reason: str = "") -> dict:
    rel = f"{change.path.parent.name}/{change.path.name}" if change.path.parent.name == "records" else change.path.name
    desc = (f"Nothing is saved until you press **Confirm**. File: `{rel}`"
            + (f"\nReason: {escape(clip(reason, 300))}" if reason else "") + "\n"
            + code_block(change.diff() or "(no difference)", DIFF_BUDGET))
    revs = f"revision {change.rev_before or '—'} → {change.rev_after or '—'}"
    return page(f"Preview: {_what(change.action, change.kind, change.target)}", desc, footer=revs)


def saved_page(entries: list[Entry]) -> dict:
    if len(entries) == 1:
        e = entries[0]
        tail = f" (reverts change #{e.undoes})" if e.undoes else ""
        desc = (f"Saved as change **#{e.seq}**{tail}: {e.kind} `{escape(e.target)}` {VERBS.get(e.action, e.action)}. "
                f"To revert it: `/{'record' if e.kind == 'record' else 'actors'} undo`.")
        return page("Saved", desc + "\n" + code_block(entry_diff(e), DIFF_BUDGET),
                    footer=f"revision {e.rev_after or '—'}")
    counts = {}
    for e in entries:
        counts[_kind_of(e)] = counts.get(_kind_of(e), 0) + 1
    desc = (f"Saved {len(entries)} changes (#{entries[0].seq}–#{entries[-1].seq}): "
            + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".")
    return page("Saved", desc)


def _kind_of(e: Entry) -> str:
    return "added" if e.before is None else "removed" if e.after is None else "changed"


def cancelled_page() -> dict:
    return page("Cancelled", "Nothing was saved.")


def refusal_page(exc: Exception, *, locations: bool = False) -> dict:
    """Why a change was refused: each problem names its field (and file:line for files)."""
    problems = getattr(exc, "problems", None) or []
    lines = [f"• {escape(str(p) if locations and p.line else p.message)}" for p in problems[:15]]
    if len(problems) > 15:
        lines.append(f"… and {len(problems) - 15} more")
    lead = str(exc)
    if lines and lead != "; ".join(p.message for p in problems[:5]) and lead != problems[0].message:
        lines.insert(0, escape(clip(lead, 1000)))  # a summary that says more than the list
    text = "\n".join(lines) if lines else escape(lead)
    return page("Not saved", "Nothing was saved.\n" + text)


def record_page(rec: dict, rel_file: str, rev: str, changes: int) -> dict:
    desc = f"File: `{rel_file}` · {plural(changes, 'recorded change')}\n" + code_block(dump_record(rec), 3800, "yaml")
    return page(f"Record {rec.get('id')}", desc, footer=f"revision {rev}")


def history_page(kind: str, target: str, entries: list[Entry]) -> dict:
    """Who changed what, when and why, newest first, with diffs; as much as fits one message."""
    title = f"History of {kind} {target}"
    if not entries:
        return page(title, "No recorded changes: it is as it was written in the data files.")
    fields, shown = [], 0
    base = page(title, f"{plural(len(entries), 'change')}, newest first.")
    for e in reversed(entries):
        head = f"by {who_label(e.who)} · {when(e.at)}" + (f"\n“{escape(clip(e.reason, 200))}”" if e.reason else "")
        room = min(HISTORY_DIFF, FIELD_VALUE_MAX - len(head) - 1)
        value = head + "\n" + code_block(entry_diff(e) or "(no difference)", room)
        field = {"name": clip(f"#{e.seq} · {e.action}" + (f" (reverts #{e.undoes})" if e.undoes else ""), 256),
                 "value": clip(value, FIELD_VALUE_MAX), "inline": False}
        if len(fields) >= FIELDS_MAX or page_length({**base, "fields": fields + [field]}) > HISTORY_BUDGET:
            break
        fields.append(field)
        shown += 1
    footer = "" if shown == len(entries) else \
        f"Showing the newest {shown} of {len(entries)}; all of them: python -m bot history {target}"
    return {**base, "fields": fields, "footer": clip(footer, 2048)}


def import_preview_page(plan, name: str, reason: str = "") -> dict:
    diffs = "\n".join(c.diff() for c in plan.changes[:20])
    warn = (f"\n⚠️ **This removes {len(plan.removed)} of the {plan.total} records.** Confirm asks once more."
            if plan.mass_removal else "")
    desc = (f"Importing `{escape(clip(name, 100))}` would **add {len(plan.added)}**, **change {len(plan.changed)}** "
            f"and **remove {len(plan.removed)}** records. Nothing is saved until you press **Confirm**." + warn
            + (f"\nReason: {escape(clip(reason, 300))}" if reason else ""))
    fields = [{"name": label, "value": clip(escape(", ".join(ids)), FIELD_VALUE_MAX), "inline": False}
              for label, ids in (("Added", plan.added), ("Changed", plan.changed), ("Removed", plan.removed)) if ids]
    base = page("Preview: import", desc, fields)
    room = DESCRIPTION_MAX - len(base["description"]) - 2
    room = min(room, 5900 - page_length(base))
    if diffs and room > 200:
        base["description"] += "\n" + code_block(diffs, room)
    return base


def audit_page(entries: list[Entry]) -> dict:
    """The audit channel's post for one saved change (or one import)."""
    e = entries[0]
    fields = [{"name": "Who", "value": clip(who_label(e.who), FIELD_VALUE_MAX), "inline": True},
              {"name": "When", "value": when(e.at), "inline": True}]
    if len(entries) == 1:
        title = f"{e.kind.capitalize()} {VERBS.get(e.action, e.action)}: {e.target}"
        fields.append({"name": "Change", "value": f"#{e.seq}" + (f" (reverts #{e.undoes})" if e.undoes else ""),
                       "inline": True})
        diff = entry_diff(e)
    else:
        title = f"Import: {len(entries)} records changed"
        fields.append({"name": "Changes", "value": f"#{entries[0].seq}–#{entries[-1].seq}", "inline": True})
        for label in ("added", "changed", "removed"):
            ids = [x.target for x in entries if _kind_of(x) == label]
            if ids:
                fields.append({"name": label.capitalize(), "value": clip(escape(", ".join(ids)), FIELD_VALUE_MAX),
                               "inline": False})
        diff = "\n".join(entry_diff(x) for x in entries[:10])
    if e.reason:
        fields.append({"name": "Reason", "value": clip(escape(e.reason), FIELD_VALUE_MAX), "inline": False})
    return page(title, code_block(diff or "(no difference)", 3000), fields)


def second_confirm_page(label: str) -> dict:
    return page("Are you sure?", f"Nothing is saved yet. Press **{escape(label)}** to save the import, removals "
                                 "included, or **Cancel**. Each removal can be undone later with `/record undo`.")


def recovery_page(entries: list[Entry]) -> dict:
    """What recovery did with a save a crash cut short: finished, or left as it was (a conflict)."""
    done = [e for e in entries if e.action != "conflict"]
    conflicts = [e for e in entries if e.action == "conflict"]
    lines = []
    if done:
        lines.append(f"An interrupted save was finished: {plural(len(done), 'change')} "
                     f"(#{done[0].seq}–#{done[-1].seq}) by {who_label(done[0].who)} are now in the files.")
    for e in conflicts[:10]:
        lines.append(f"**Conflict** (#{e.seq}): {escape(clip(e.reason, 400))} — {e.kind} `{escape(e.target)}`.")
    if len(conflicts) > 10:
        lines.append(f"… and {len(conflicts) - 10} more conflicts (`python -m bot history ID`).")
    fields = [{"name": f"{e.kind.capitalize()} {VERBS.get(e.action, e.action)}", "value": clip(escape(e.target), 1024),
               "inline": True} for e in entries[:10]]
    return page("Recovered an interrupted save" if not conflicts else "Interrupted save: conflicts",
                clip("\n".join(lines), DESCRIPTION_MAX), fields)


def reload_page(counts: dict | None, problems: list | None, data_dir: Path, kept: bool = False) -> dict:
    if not problems:
        return page("Data reloaded", f"{counts['records']} records, {counts['actors']} actors, "
                                     f"{counts['types']} types of action. Answers use them now.")
    lines = []
    for p in problems[:20]:
        f = Path(p.file)
        try:
            f = f.resolve().relative_to(Path(data_dir).resolve())
        except ValueError:
            pass
        lines.append(f"• `{escape(str(f))}:{p.line}` {escape(p.message)}")
    more = f"\n… and {len(problems) - 20} more (`python -m bot validate`)" if len(problems) > 20 else ""
    lead = (f"The data has {plural(len(problems), 'problem')}; "
            + ("answers still come from the last good version." if kept else "answers are unavailable until fixed."))
    return page("Data not reloaded", lead + "\n" + "\n".join(lines) + more)
