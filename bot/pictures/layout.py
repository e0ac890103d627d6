"""What a timeline shows, worked out without drawing anything: rows, marks, axis range, notes.

Kept free of matplotlib so the decisions (which records fit, how each date's precision is
shown, what is left out and why) can be tested directly rather than through pixels.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Collection

from bot.dataset.model import ACTING_ROLES
from bot.pictures.style import EmptyChart, Style, clean_label, type_styles, vocabulary_of
from bot.text import plural

# How a date part of each precision is drawn: a day is a point, anything coarser is a span.
PART_KIND = {"day": "day", "month": "month", "year": "period", "approximate": "period"}
NOMINAL_PLOT_PX = 1250    # for deciding when two marks would overlap on screen
COLLIDE_PX = 13
LANES = (0.0, -0.22, 0.22, -0.11, 0.11)   # in row heights, around the row's line
SPAN_OFFSET, SPAN_STEP = 0.42, 0.2         # span lanes under the points, each one making the row taller
SPANS = ("range", "open-end", "open-start")


@dataclass(frozen=True)
class Mark:
    row: int               # index into Layout.rows, 0 at the top
    x_start: dt.date
    x_end: dt.date         # inclusive: a day has x_end == x_start, a month runs 1st..last day
    kind: str              # day | month | period | range | open-end | open-start | link
    colour: str
    marker: str
    group: str             # legend entry (action type, or "Other")
    record_id: str
    offset: float = 0.0    # vertical nudge from the row's line (down is positive), so close marks stay visible
    hatch: str = ""        # stripes on bars, for the second and later rounds of colours
    co: bool = False       # on a co-actor's row: drawn faded, as the row only shares the asked actor's records


@dataclass
class Layout:
    rows: list[str]
    row_counts: list[int]
    row_y: list[float]     # y of each row's line, in row heights from the top (y grows downwards)
    row_band: list[tuple[float, float]]   # (top, bottom) of each row's band
    marks: list[Mark]
    styles: list[Style]    # legend entries in order; empty when the rows already name the types
    x_lo: dt.date
    x_hi: dt.date
    total: int
    shown: int
    notes: list[str] = field(default_factory=list)
    first_year: int = 0    # the axis runs over whole years first_year..last_year, as the title says
    last_year: int = 0
    co_rows: list[bool] = field(default_factory=list)  # rows of other actors in the asked actor's records
    several_types: int = 0  # drawn records with more than one type (coloured by their first)

    @property
    def omitted(self) -> int:
        return self.total - self.shown

    @property
    def height(self) -> float:
        return self.row_band[-1][1]

    @property
    def kinds(self) -> set[str]:
        return {m.kind for m in self.marks}


def _d(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def pieces(date: dict | None) -> tuple[list[tuple[str, dt.date, dt.date]], int]:
    """(kind, start, end) spans for one record's date, and how many of its parts have no year."""
    if not date:
        return [], 0
    parts = date["parts"]
    placed = [p for p in parts if p.get("start")]
    missing = len(parts) - len(placed)
    if date["kind"] == "range" and len(placed) == 2:
        return [("range", _d(placed[0]["start"]), _d(placed[1]["end"]))], missing
    if date["kind"] == "range" and len(placed) == 1:
        p = placed[0]
        kind = "open-start" if date["text"].lower().startswith("until") else "open-end"
        return [(kind, _d(p["start"]), _d(p["end"]))], missing
    return [(PART_KIND.get(p["precision"], "period"), _d(p["start"]), _d(p["end"])) for p in placed], missing


def row_keys(rec: dict, rows: str) -> list[str]:
    if rows == "type":
        return list(dict.fromkeys(rec.get("type_labels") or rec["types"]))
    acting = [a for a in rec["actors"] if a["role"] in ACTING_ROLES] or rec["actors"][:1]
    return list(dict.fromkeys(a.get("top_name") or a["name"] for a in acting))


def _lanes(marks: list[Mark], x_lo: dt.date, x_hi: dt.date) -> tuple[list[Mark], dict[int, int]]:
    """Nudge marks that would overlap on screen apart, deterministically.

    A long span sits on the row's line when nothing else is near it; otherwise it moves to a
    lane of its own under the points (the row grows to hold it), so it never hides them.
    Points and month bars that collide fan out around the line. Returns the marks and how
    many span lanes each row needs."""
    tol = (x_hi - x_lo).days * COLLIDE_PX / NOMINAL_PLOT_PX

    def near(a: Mark, b: Mark) -> bool:
        return a.x_start.toordinal() - tol <= b.x_end.toordinal() and b.x_start.toordinal() <= a.x_end.toordinal() + tol

    key = lambda m: (m.row, m.x_start, m.x_end, m.record_id)  # noqa: E731
    dots = sorted((m for m in marks if m.kind in ("day", "month")), key=key)
    placed, span_lanes = [], defaultdict(int)
    for m in sorted((m for m in marks if m.kind in SPANS), key=key):
        clash = [o for o in placed if o.row == m.row and near(m, o)]
        if not clash and not any(d.row == m.row and near(m, d) for d in dots):
            placed.append(m)
            continue
        taken = {o.offset for o in clash}
        lane = next(k for k in range(len(marks) + 1) if SPAN_OFFSET + SPAN_STEP * k not in taken)
        span_lanes[m.row] = max(span_lanes[m.row], lane + 1)
        placed.append(replace(m, offset=SPAN_OFFSET + SPAN_STEP * lane))
    done: list[Mark] = []
    for m in dots:
        taken = {o.offset for o in done if o.row == m.row and near(m, o)}
        free = [off for off in LANES if off not in taken]
        done.append(replace(m, offset=free[0] if free else LANES[len(done) % len(LANES)]))
    first = {}
    for m in done:
        first.setdefault((m.row, m.record_id), m.offset)
    links = [replace(m, offset=first.get((m.row, m.record_id), 0.0)) for m in marks if m.kind == "link"]
    return placed + done + links + [m for m in marks if m.kind == "period"], dict(span_lanes)


def _clip(spans: list, lo: dt.date, hi: dt.date) -> tuple[list, int]:
    """The spans inside [lo, hi], cut at its edges; and how many were cut or left out."""
    out, cut = [], 0
    for kind, s, e in spans:
        if e < lo or s > hi:
            cut += 1
            continue
        if s < lo or e > hi:
            cut += 1
        out.append((kind, max(s, lo), min(e, hi)))
    return out, cut


def layout_timeline(records: list[dict], rows: str = "actor", max_rows: int = 20, *,
                    styles: dict[str, Style] | None = None, focus: Collection[str] = (),
                    years: tuple[int | None, int | None] = (None, None)) -> Layout:
    """``styles``: type id -> style (type_styles of the vocabulary, so colours agree across charts);
    ``focus``: the row names of the actors asked for, whose rows come first (every other actor's
    row only shares their records, and is marked so); ``years``: the axis' first and last year
    when a period was asked for (marks are cut at its edges), else the years the dates cover."""
    if rows not in ("actor", "type"):
        raise ValueError(f"rows must be 'actor' or 'type', not {rows!r}")
    if not records:
        raise EmptyChart("Nothing to draw: no records match.")
    undated = no_year = partial = 0
    drawable: list[tuple[dict, list]] = []
    for rec in records:
        spans, missing = pieces(rec.get("date"))
        if not rec.get("date"):
            undated += 1
        elif not spans:
            no_year += 1
        else:
            partial += missing
            drawable.append((rec, spans))
    notes = []
    if no_year:
        notes.append(f"{plural(no_year, 'record')} without a year not drawn")
    if undated:
        notes.append(f"{plural(undated, 'undated record')} not drawn")
    if partial:
        notes.append(f"{plural(partial, 'date')} without a year left off records with several dates")
    if not drawable:
        raise EmptyChart("Nothing to draw: " + " and ".join(notes) + ".")

    first_year = years[0] or min(s.year for _, spans in drawable for _, s, _ in spans)
    last_year = years[1] or max(e.year for _, spans in drawable for _, _, e in spans)
    if years != (None, None):   # a period was asked for: the axis is that period, marks cut at its edges
        window = (dt.date(first_year, 1, 1), dt.date(last_year, 12, 31))
        clipped = [(rec, *_clip(spans, *window)) for rec, spans in drawable]
        cut = sum(c for _, _, c in clipped)
        drawable = [(rec, spans) for rec, spans, _ in clipped if spans]
        if cut:
            notes.append(f"{plural(cut, 'date')} running beyond {first_year}–{last_year} cut at the edge")
        if not drawable:
            raise EmptyChart("Nothing to draw: no record has a date inside the years asked for.")

    per_row: dict[str, list] = defaultdict(list)
    for rec, spans in drawable:
        for key in row_keys(rec, rows):
            per_row[key].append((rec, spans))
    focus = set(focus) if rows == "actor" else set()
    co = {k: bool(focus) and k not in focus for k in per_row}
    first = {k: min(s[1] for _, spans in v for s in spans) for k, v in per_row.items()}
    ranked = sorted(per_row, key=lambda k: (co[k], -len(per_row[k]), first[k], k))
    kept = ranked[:max(1, max_rows)]
    kept_set = set(kept)
    drawn = [rec for rec, _ in drawable if kept_set.intersection(row_keys(rec, rows))]
    if len(ranked) > len(kept):
        lost = len(drawable) - len(drawn)
        what = "action type" if rows == "type" else "actor"
        notes.append(f"{plural(len(ranked) - len(kept), 'more ' + what)} not shown (only the {len(kept)} "
                     f"busiest rows are drawn)" + (f", leaving out {plural(lost, 'record')}" if lost else ""))

    styles = styles or type_styles(vocabulary_of(records))
    if rows == "type":   # the row names the type: its colour, and no shapes or stripes to explain
        by_label = {label: t for rec in drawn for t, label in zip(rec["types"], rec.get("type_labels") or rec["types"])}
        style_of = lambda rec, key: replace(styles[by_label[key]], marker="o", hatch="")  # noqa: E731
        legend: list[Style] = []
    else:
        style_of = lambda rec, key: styles[rec["types"][0]]  # noqa: E731 — a record's first type
        used = {rec["types"][0] for rec in drawn}
        legend = list(dict.fromkeys(s for t, s in styles.items() if t in used))   # in the vocabulary's order

    days = (dt.date(last_year, 12, 31) - dt.date(first_year, 1, 1)).days
    pad = dt.timedelta(days=max(6, days // 80))
    x_lo, x_hi = dt.date(first_year, 1, 1) - pad, dt.date(last_year, 12, 31) + pad

    marks = []
    for i, key in enumerate(kept):
        for rec, spans in per_row[key]:
            st = style_of(rec, key)
            for kind, s, e in spans:
                if kind == "open-end":
                    e = x_hi
                elif kind == "open-start":
                    s = x_lo
                marks.append(Mark(i, s, e, kind, st.colour, st.marker, st.label, rec["id"], hatch=st.hatch, co=co[key]))
            if len(spans) > 1:
                mids = [s + (e - s) / 2 for _, s, e in spans]
                marks.append(Mark(i, min(mids), max(mids), "link", st.colour, st.marker, st.label, rec["id"],
                                  hatch=st.hatch, co=co[key]))
    marks, span_lanes = _lanes(marks, x_lo, x_hi)
    row_y, bands, y = [], [], 0.0
    for i in range(len(kept)):
        extra = span_lanes.get(i, 0)
        h = 1.0 if not extra else 0.92 + SPAN_STEP * extra
        row_y.append(y + (0.5 if not extra else 0.46))
        bands.append((y, y + h))
        y += h
    return Layout([clean_label(k, 34) for k in kept], [len(per_row[k]) for k in kept], row_y, bands, marks,
                  legend, x_lo, x_hi, len(records), len(drawn), notes, first_year, last_year,
                  [co[k] for k in kept], sum(1 for rec in drawn if len(rec["types"]) > 1))
