"""Records as YAML in the house style of data/records (a block per record, see data/README.md),
and the plain dicts and key order they are compared and dumped in.

Where a block goes in its file, and what else of the file stays as it was, is blocks.py's.
"""
from __future__ import annotations

import re
import textwrap

import yaml

FIELD_ORDER = ("id", "title", "date", "summary", "actors", "body", "types", "stage", "votes", "figures",
               "entities", "quote", "sources", "note")
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
