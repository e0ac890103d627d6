"""Dates with their precision: record dates as the data writes them, periods as questions say them.

Every date becomes one or more *anchors*: closed intervals of day ordinals
(date.toordinal()). A record matches a period when at least half of one of its
anchors lies inside the period (the SQL is in bot/engine/filters.py), so a month-precision record matches its month and
year but never a single day, and nothing is ever made more precise than the source.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass, field

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

# Parts of a year, as (first month, last month); winter runs into the next year.
SEASONS = {
    "early": (1, 4), "mid": (5, 8), "late": (9, 12),
    "spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 14),
}
OPEN_START, OPEN_END = 1, dt.date.max.toordinal()


def month_span(year: int, month: int) -> tuple[int, int]:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1).toordinal(), dt.date(year, month, last).toordinal()


def _ord_text(o: int, precision: str) -> str:
    d = dt.date.fromordinal(o)
    if precision == "day":
        return f"{d.day} {calendar.month_name[d.month]} {d.year}"
    if precision == "month":
        return f"{calendar.month_name[d.month]} {d.year}"
    return str(d.year)


@dataclass(frozen=True)
class Part:
    """One date as written, with the interval it stands for."""
    precision: str          # day | month | year | approximate | no-year
    start: int | None
    end: int | None
    text: str


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_APPROX = re.compile(r"^(early|mid|late|spring|summer|autumn|fall|winter)\s+(\d{4})$", re.I)
_NO_YEAR = re.compile(r"^--(\d{2})-(\d{2})$")


def parse_part(value) -> Part:
    """One date in the data's notation; ValueError names what is wrong."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        o = value.toordinal()
        return Part("day", o, o, _ord_text(o, "day"))
    text = str(value).strip()
    if m := _ISO.match(text):
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        if mo is None:
            s, e = dt.date(y, 1, 1).toordinal(), dt.date(y, 12, 31).toordinal()
            return Part("year", s, e, str(y))
        if not 1 <= int(mo) <= 12:
            raise ValueError(f"month {mo} does not exist in {text!r}")
        if d is None:
            s, e = month_span(y, int(mo))
            return Part("month", s, e, _ord_text(s, "month"))
        try:
            o = dt.date(y, int(mo), int(d)).toordinal()
        except ValueError:
            raise ValueError(f"{text!r} is not a real day") from None
        return Part("day", o, o, _ord_text(o, "day"))
    if m := _APPROX.match(text):
        first, last = SEASONS[m.group(1).lower()]
        y = int(m.group(2))
        return Part("approximate", month_span(y, first)[0], month_span(y, last)[1], text)
    if m := _NO_YEAR.match(text):
        mo, d = int(m.group(1)), int(m.group(2))
        try:
            dt.date(2000, mo, d)  # a leap year, so 29 February is allowed
        except ValueError:
            raise ValueError(f"{text!r} is not a real day of the year") from None
        return Part("no-year", None, None, f"{d} {calendar.month_name[mo]} (year not given)")
    raise ValueError(f"cannot read date {text!r} (see data/README.md, Dates)")


@dataclass(frozen=True)
class DateValue:
    kind: str                        # a Part precision, or range | several
    parts: tuple[Part, ...]
    anchors: tuple[tuple[int, int], ...] = field(default=())
    text: str = ""

    @property
    def sort_key(self) -> int | None:
        starts = [a[0] for a in self.anchors]
        return min(starts) if starts else None


def parse_date(value) -> DateValue | None:
    """A record's `date` field; None when the source gives no date."""
    if value is None or value == "":
        return None
    if type(value) is str:
        return _parse_text(value)
    return _parse(value)


@functools.lru_cache(maxsize=2**16)
def _parse_text(value: str) -> DateValue:
    # Large datasets repeat their dates, and a DateValue is frozen: one parse per distinct text.
    return _parse(value)


def _parse(value) -> DateValue | None:
    if isinstance(value, (list, tuple)):
        if not value:
            return None
        parts = tuple(parse_part(v) for v in value)
        anchors = tuple((p.start, p.end) for p in parts if p.start is not None)
        return DateValue("several", parts, anchors, " and ".join(p.text for p in parts))
    if isinstance(value, str) and "/" in value:
        left, _, right = (s.strip() for s in value.partition("/"))
        if left in ("..", "") and right in ("..", ""):
            raise ValueError(f"range {value!r} has no end at all")
        a = None if left in ("..", "") else parse_part(left)
        b = None if right in ("..", "") else parse_part(right)
        for p in (a, b):
            if p is not None and p.precision == "no-year":
                raise ValueError(f"range {value!r} needs years at both known ends")
        if a and b:
            if a.start > b.end:
                raise ValueError(f"range {value!r} ends before it starts")
            anchors = ((a.start, a.end), (b.start, b.end), (a.start, b.end))
            return DateValue("range", (a, b), anchors, f"{a.text} – {b.text}")
        known = a or b
        text = f"from {known.text}" if a else f"until {known.text}"
        return DateValue("range", (known,), ((known.start, known.end),), text)
    p = parse_part(value)
    anchors = ((p.start, p.end),) if p.start is not None else ()
    return DateValue(p.precision, (p,), anchors, p.text)


def year_span(start: int | None, end: int | None) -> str:
    """A span of whole years as a label: '2021', '2019–2021', 'from 2019', 'until 2021'."""
    if start and end:
        return str(start) if start == end else f"{start}–{end}"
    return f"from {start}" if start else f"until {end}" if end else ""


# ---- periods in questions (the phrases are read in bot/engine/periods.py) -----------------

@dataclass(frozen=True)
class Period:
    start: int
    end: int
    text: str      # what the question said

    def describe(self) -> str:
        if self.start == OPEN_START:
            return f"up to {dt.date.fromordinal(self.end).isoformat()}"
        if self.end == OPEN_END:
            return f"from {dt.date.fromordinal(self.start).isoformat()}"
        return f"{dt.date.fromordinal(self.start).isoformat()} to {dt.date.fromordinal(self.end).isoformat()}"
