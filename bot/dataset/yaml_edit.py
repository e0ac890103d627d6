"""Writing records back into their YAML files: one block at a time, atomically.

Only the block of the record that changed is rewritten, so comments and the layout of the
rest of a hand-written file survive and `git diff data/` shows just the change. A file is
replaced by rename after its new text is flushed to disk: a crash leaves the old file or
the new one, never a torn one.
"""
from __future__ import annotations

import re
import textwrap

import yaml

FIELD_ORDER = ("id", "title", "date", "summary", "actors", "body", "types", "stage", "votes", "figures",
               "entities", "quote", "sources", "note")
_RECORD_START = re.compile(r"^- ", re.M)


_BARE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def plain(value):
    """A value from the line-aware loader as plain dicts and lists, for dumping and comparing."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def ordered(record: dict) -> dict:
    rec = plain(record)
    out = {k: rec[k] for k in FIELD_ORDER if k in rec and rec[k] not in (None, "", [], {})}
    out.update({k: v for k, v in rec.items() if k not in out and v not in (None, "", [], {})})
    return out


def scalar(value) -> str:
    """A value as YAML flow text, quoted only when it must be."""
    if isinstance(value, str) and _BARE_DATE.match(value):
        return value  # our loader keeps dates as text; bare reads like the hand-written files
    return yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=10**6).strip()[1:-1]


# Nested mappings keep the documented key order, whatever order they arrive in.
_KEY_ORDER = {k: n for n, k in enumerate(("id", "role", "document", "section", "item", "url", "for", "against",
                                            "abstentions", "unanimous", "value", "unit", "label"))}


def _flow(value) -> str:
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: _KEY_ORDER.get(k, len(_KEY_ORDER)))
        return "{" + ", ".join(f"{k}: {_flow(value[k])}" for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value)


def dump_record(record: dict) -> str:
    """One record as a YAML list item in the house style of data/records (see data/README.md)."""
    lines = []
    for n, (key, value) in enumerate(ordered(record).items()):
        lead = "- " if n == 0 else "  "
        if key in ("summary", "quote", "note") and isinstance(value, str) and len(value) > 80 \
                and value == " ".join(value.split()):
            lines.append(f"{lead}{key}: >-")
            lines += textwrap.wrap(value, 88, initial_indent="    ", subsequent_indent="    ",
                                   break_long_words=False, break_on_hyphens=False)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{lead}{key}:")
            lines += [f"    - {_flow(v)}" for v in value]
        else:
            lines.append(f"{lead}{key}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def dump_list(items: list[dict]) -> str:
    return "\n".join(dump_record(i) for i in items)


def blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the top-level list items of a YAML file."""
    starts = [m.start() for m in _RECORD_START.finditer(text)]
    return [(s, starts[n + 1] if n + 1 < len(starts) else len(text)) for n, s in enumerate(starts)]


def _block_id(block: str) -> str | None:
    m = re.match(r"- id:\s*['\"]?([a-z0-9-]+)", block)
    if m:
        return m.group(1)
    m = re.search(r"^  id:\s*['\"]?([a-z0-9-]+)", block, re.M)
    return m.group(1) if m else None


def _split_trailer(block: str) -> tuple[str, str]:
    """A block's own lines, and the blank and comment lines after them (which introduce the next)."""
    lines = block.splitlines(keepends=True)
    i = len(lines)
    while i > 1 and (not lines[i - 1].strip() or lines[i - 1].lstrip().startswith("#")):
        i -= 1
    return "".join(lines[:i]), "".join(lines[i:])


def replace_block(text: str, record_id: str, new_block: str | None) -> str:
    """The file text with one record's block replaced (or removed when new_block is None)."""
    for start, end in blocks(text):
        if _block_id(text[start:end]) == record_id:
            _, trailer = _split_trailer(text[start:end])
            if new_block is None:
                if not text[:start].strip() or text[:start].endswith("\n\n"):
                    trailer = trailer.lstrip("\n")
                return text[:start] + trailer + text[end:]
            return text[:start] + new_block.rstrip("\n") + "\n" + trailer + text[end:]
    raise KeyError(record_id)


def append_block(text: str, new_block: str) -> str:
    if text and not text.endswith("\n"):
        text += "\n"
    sep = "\n" if text.strip() else ""
    return text + sep + new_block
