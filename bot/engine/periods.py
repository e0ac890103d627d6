"""Date phrases in questions, as periods of days (bot.dates.Period).

Points ("March 2021", "22 March 2021", "late 2020", "Q2 2021", "the second half of 2020",
"the end of 2020") combine into ranges ("between September and November 2020": the year said
once), open ranges ("since mid 2021", "before 2019") and plain periods. A month with no year
("in December") means that month of every year, and is kept apart. Phrases relative to the
data ("the final year covered") use the years the data spans; relative to today ("last year")
they are reported as not understood, since the records are a fixed set.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from bot.dates import MONTHS, OPEN_END, OPEN_START, Period, month_span, parse_part

# month names of the languages questions come in (bot.engine.languages), folded
FOREIGN_MONTHS = {
    "janvier": 1, "fevrier": 2, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12, "décembre": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "januar": 1, "februar": 2, "marz": 3, "märz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
    "ocak": 1, "subat": 2, "şubat": 2, "mart": 3, "nisan": 4, "mayis": 5, "mayıs": 5, "haziran": 6,
    "temmuz": 7, "agustos": 8, "ağustos": 8, "eylul": 9, "eylül": 9, "ekim": 10, "kasim": 11, "kasım": 11,
    "aralik": 12, "aralık": 12,
}
ALL_MONTHS = {**MONTHS, **FOREIGN_MONTHS}
_YEAR = r"(?<![\w.])(?:1[89]|20)\d{2}(?![\w.])"
_ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
        "last": 4, "final": 4}
_PART = r"(?:early|late|mid|spring|summer|autumn|fall|winter)"
@functools.lru_cache(maxsize=256)
def _rules(months: tuple[str, ...]) -> list[tuple[re.Pattern, str]]:
    """The date rules, naming only the months a question holds: with every month of five
    languages spelt out in each pattern, compiling them cost a tenth of a second at every start."""
    mon = ("(?:" + "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True)) + r")\.?") if months \
        else r"(?!x)x"
    point = (  # a span of days; each alternative is one kind of point
        rf"(?:(?:the\s+)?(?:q[1-4]|[1-4]q|h[12]|[12]h)\s*(?:of\s+)?{_YEAR}|{_YEAR}\s*(?:q[1-4]|h[12])"
        rf"|(?:the\s+)?(?:first|1st|second|2nd|third|3rd|fourth|4th|last|final)\s+(?:quarter|half)\s+(?:of\s+)?{_YEAR}"
        rf"|(?:the\s+)?(?:end|close|beginning|start|middle)\s+of\s+{_YEAR}"
        rf"|{_PART}(?:\s*-\s*|\s+of\s+|\s+){_YEAR}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{mon},?\s+{_YEAR}"
        rf"|{mon}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}"
        rf"|{mon},?\s+(?:of\s+)?{_YEAR}"
        r"|\d{4}-(?:0?[1-9]|1[0-2])(?:-\d{1,2})?(?!\d)"
        rf"|(?:the\s+)?(?:19|20)\d0s"
        rf"|{_YEAR})"
    )
    rules = [  # (pattern, how the points become a period); the first match of a span wins
        (rf"\b(?:between|from|entre|zwischen)\s+({mon}){_TO}({mon}),?\s+(?:of\s+)?({_YEAR})", "months"),
        (rf"\b({mon})\s*(?:-|–|—|to|through|until|till)\s*({mon}),?\s+(?:of\s+)?({_YEAR})", "months"),
        (rf"\bbetween\s+({point})\s+and\s+({point})", "range"),
        (rf"\bfrom\s+({point}){_TO}({point})", "range"),
        (rf"({point})\s*(?:-|–|—|to|until|through)\s*({point})", "range"),
        (rf"\b(?:after|later\s+than|apres|après|despues\s+de|después\s+de|nach)\s+({point})", "after"),
        (rf"\b(?:since|from|starting(?:\s+in)?|beginning(?:\s+in)?|depuis|desde|seit)\s+({point})", "since"),
        (rf"\b(?:before|prior\s+to|earlier\s+than|avant|antes\s+de|vor)\s+({point})", "before"),
        (rf"\b(?:until|till|up\s+to|by)\s+({point})", "until"),
        (rf"({point})", "in"),
    ]
    return [(re.compile(p, re.I), how) for p, how in rules]


_TO = r"\s*(?:-|–|—|to|until|till|through|thru|and|et|y|und|ve|à|a|al|bis|ile)\s*"

_COVERED = re.compile(r"\b(?:in\s+)?the\s+(first|earliest|last|latest|final|most\s+recent)\s+year"
                      r"(?:\s+(?:covered|listed|recorded|in\s+the\s+(?:data|records|list)))?\b", re.I)
_BARE_MONTH = re.compile(r"\b([^\W\d_]{3,10})\b\.?", re.I)
_WORD = re.compile(r"[^\W\d_]+")
_RELATIVE = re.compile(r"\b(?:last|this|next|past|previous|coming)\s+(?:year|month|week|decade)s?\b|\b(?:recently|"
                       r"lately|nowadays|currently|yesterday|today|tonight|tomorrow|now)\b|\b\w+\s+(?:years?|months?|"
                       r"weeks?|days?)\s+ago\b|\bthe\s+(?:\w+\s+)?(?:century|millennium)\b", re.I)
_MONTH_WORDS = {"may", "march", "mar", "jun", "jan", "dec", "oct", "nov", "aug", "sep", "sept", "feb", "apr",
                "jul", "mai", "mart", "ekim"}   # also ordinary words: a month only beside a date word


@dataclass
class DateReading:
    periods: list[tuple[int, int, Period]] = field(default_factory=list)
    months: list[tuple[int, int, int]] = field(default_factory=list)     # (start, end, month) with no year
    unknown: list[tuple[int, int, str]] = field(default_factory=list)    # date-like words not understood


def _mid_year(year: int) -> tuple[int, int]:
    """'mid 2021' as a point of an open range: the year's middle, 1 July."""
    o = dt.date(year, 7, 1).toordinal()
    return o, o - 1   # since/after start there; before/until end just before


def _point(text: str, open_range: bool = False) -> tuple[int, int]:
    t = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text.lower().replace(",", " "))
    t = " ".join(t.replace(".", " ").replace("-", " ").replace(" of ", " ").split())
    t = t.removeprefix("the ")
    year = int(re.search(r"\d{4}", t).group(0)) if re.search(r"\d{4}", t) else None
    if m := re.fullmatch(r"(?:q([1-4])|([1-4])q) ?\d{4}|\d{4} ?q([1-4])", t):
        q = int(next(g for g in m.groups() if g))
        return month_span(year, 3 * q - 2)[0], month_span(year, 3 * q)[1]
    if m := re.fullmatch(r"(?:h([12])|([12])h) ?\d{4}|\d{4} ?h([12])", t):
        h = int(next(g for g in m.groups() if g))
        return month_span(year, 6 * h - 5)[0], month_span(year, 6 * h)[1]
    if m := re.fullmatch(r"(\w+) (quarter|half) \d{4}", t):
        n = _ORD[m.group(1)]
        if m.group(2) == "half":
            n = 2 if n > 1 else 1
            return month_span(year, 6 * n - 5)[0], month_span(year, 6 * n)[1]
        return month_span(year, 3 * n - 2)[0], month_span(year, 3 * n)[1]
    if m := re.fullmatch(r"(end|close|beginning|start|middle) \d{4}", t):
        t = {"end": "late", "close": "late", "beginning": "early", "start": "early", "middle": "mid"}[m.group(1)] \
            + f" {year}"
    if m := re.fullmatch(r"(19|20)(\d)0s", t):
        start = int(m.group(1) + m.group(2) + "0")
        return dt.date(start, 1, 1).toordinal(), dt.date(start + 9, 12, 31).toordinal()
    if m := re.fullmatch(r"(early|late|mid|spring|summer|autumn|fall|winter) (\d{4})", t):
        if open_range and m.group(1) == "mid":
            return _mid_year(year)
        p = parse_part(f"{m.group(1)} {m.group(2)}")
        return p.start, p.end
    if re.fullmatch(r"\d{4}( \d{1,2}){0,2}", t):
        p = parse_part(t.replace(" ", "-"))
        return p.start, p.end
    bits = t.split()
    if len(bits) == 2:
        return month_span(year, ALL_MONTHS[bits[0]])
    day, month = (bits[0], bits[1]) if bits[0].isdigit() else (bits[1], bits[0])
    o = dt.date(year, ALL_MONTHS[month], int(day)).toordinal()
    return o, o


def _period(m: re.Match, how: str) -> tuple[int, int]:
    if how == "months":
        a, b, year = m.group(1), m.group(2), int(m.group(3))
        first, last = ALL_MONTHS[a.lower().rstrip(".")], ALL_MONTHS[b.lower().rstrip(".")]
        if first > last:   # "November to February 2021": the range runs into the year named
            return month_span(year - 1, first)[0], month_span(year, last)[1]
        return month_span(year, first)[0], month_span(year, last)[1]
    pts = [_point(g, open_range=how not in ("in", "range")) for g in m.groups()]
    if how == "range":
        start, end = pts[0][0], pts[1][1]
        return (start, end) if start <= end else (pts[1][0], pts[0][1])
    return {"after": (pts[0][1] + 1, OPEN_END), "since": (pts[0][0], OPEN_END),
            "before": (OPEN_START, pts[0][0] - 1), "until": (OPEN_START, pts[0][1]), "in": pts[0]}[how]


def read_dates(text: str, years: tuple[int | None, int | None] = (None, None)) -> DateReading:
    """Every date phrase of a cleaned question, left to right, with character spans."""
    out, taken = DateReading(), []

    def free(s: int, e: int) -> bool:
        return not any(s < b and a < e for a, b in taken)

    months = tuple(sorted({w.lower() for w in _WORD.findall(text) if w.lower() in ALL_MONTHS}))
    for rx, how in _rules(months) if any(c.isdigit() for c in text) else ():   # every rule's point has a year
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            try:
                start, end = _period(m, how)
            except (ValueError, KeyError, AttributeError, OverflowError):
                continue  # "31 February 2021": not a date, the words stay as words
            taken.append((m.start(), m.end()))
            out.periods.append((m.start(), m.end(), Period(start, end, m.group(0).strip())))
    for m in _COVERED.finditer(text):
        if free(m.start(), m.end()):
            year = years[0] if m.group(1).lower() in ("first", "earliest") else years[1]
            taken.append((m.start(), m.end()))
            if year:
                out.periods.append((m.start(), m.end(), Period(dt.date(year, 1, 1).toordinal(),
                                                               dt.date(year, 12, 31).toordinal(),
                                                               f"{m.group(0).strip()} ({year})")))
    for m in _BARE_MONTH.finditer(text):
        word = m.group(1).lower()
        if word in ALL_MONTHS and free(m.start(), m.end()) and (word not in _MONTH_WORDS or _month_context(text, m)):
            taken.append((m.start(), m.end()))
            out.months.append((m.start(), m.end(), ALL_MONTHS[word]))
    for m in _RELATIVE.finditer(text):
        if free(m.start(), m.end()) and not text[:m.start()].lower().rstrip().endswith("most"):  # "most recently"
            out.unknown.append((m.start(), m.end(), m.group(0)))
    out.periods.sort(key=lambda p: p[0])
    return out


def _month_context(text: str, m: re.Match) -> bool:
    """'in May', 'during March', 'en mai': a word that is also a month is one after these."""
    before = text[:m.start()].lower().split()[-1:] or [""]
    return before[0] in ("in", "during", "of", "en", "im", "de", "since", "until", "before", "after", "every")


def find_periods(text: str) -> list[tuple[int, int, Period]]:
    """(span start, span end, Period) for every dated phrase in a question, left to right."""
    return read_dates(text).periods
