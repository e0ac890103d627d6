"""What a timeline shows, worked out without drawing anything: rows, marks, axis range, notes.

Kept free of matplotlib so the decisions (which records fit, how each date's precision is
shown, what is left out and why) can be tested directly rather than through pixels.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from bot.dataset.model import ACTING_ROLES
from bot.pictures.style import PALETTE, EmptyChart, Style, assign_styles, clean_label
from bot.text import plural

# How a date part of each precision is drawn: a day is a point, anything coarser is a span.
PART_KIND = {"day": "day", "month": "month", "year": "period", "approximate": "period"}
MIN_SPAN_DAYS = 365       # a single event still gets a readable axis around it
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


def layout_timeline(records: list[dict], rows: str = "actor", max_rows: int = 20) -> Layout:
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

    per_row: dict[str, list] = defaultdict(list)
    for rec, spans in drawable:
        for key in row_keys(rec, rows):
            per_row[key].append((rec, spans))
    first = {k: min(s[1] for _, spans in v for s in spans) for k, v in per_row.items()}
    ranked = sorted(per_row, key=lambda k: (-len(per_row[k]), first[k], k))
    kept = ranked[:max(1, max_rows)]
    kept_set = set(kept)
    drawn = [rec for rec, _ in drawable if kept_set.intersection(row_keys(rec, rows))]
    if len(ranked) > len(kept):
        lost = len(drawable) - len(drawn)
        what = "action type" if rows == "type" else "actor"
        notes.append(f"{plural(len(ranked) - len(kept), 'more ' + what)} not shown (only the {len(kept)} "
                     f"busiest rows are drawn)" + (f", leaving out {plural(lost, 'record')}" if lost else ""))

    if rows == "type":
        styles = {}
        colour_of = lambda rec, key: Style(key, PALETTE[0], "o")  # noqa: E731 — the row names the type
    else:
        firsts = Counter((rec.get("type_labels") or rec["types"])[0] for rec in drawn)
        styles = assign_styles(firsts)
        colour_of = lambda rec, key: styles[(rec.get("type_labels") or rec["types"])[0]]  # noqa: E731

    known = [s for k in kept for _, spans in per_row[k] for s in spans]
    lo, hi = min(s[1] for s in known), max(s[2] for s in known)
    if any(s[0] == "open-end" for s in known):
        hi = max(hi, max(s[1] for s in known if s[0] == "open-end") + dt.timedelta(days=240))
    if any(s[0] == "open-start" for s in known):
        lo = min(lo, min(s[2] for s in known if s[0] == "open-start") - dt.timedelta(days=240))
    if (hi - lo).days < MIN_SPAN_DAYS:
        grow = (MIN_SPAN_DAYS - (hi - lo).days) // 2
        lo, hi = lo - dt.timedelta(days=grow), hi + dt.timedelta(days=grow)
    pad = dt.timedelta(days=max(20, (hi - lo).days // 40))
    x_lo, x_hi = lo - pad, hi + pad

    marks = []
    for i, key in enumerate(kept):
        for rec, spans in per_row[key]:
            st = colour_of(rec, key)
            for kind, s, e in spans:
                if kind == "open-end":
                    e = x_hi
                elif kind == "open-start":
                    s = x_lo
                marks.append(Mark(i, s, e, kind, st.colour, st.marker, st.label, rec["id"]))
            if len(spans) > 1:
                mids = [s + (e - s) / 2 for _, s, e in spans]
                marks.append(Mark(i, min(mids), max(mids), "link", st.colour, st.marker, st.label, rec["id"]))
    marks, span_lanes = _lanes(marks, x_lo, x_hi)
    row_y, bands, y = [], [], 0.0
    for i in range(len(kept)):
        extra = span_lanes.get(i, 0)
        h = 1.0 if not extra else 0.92 + SPAN_STEP * extra
        row_y.append(y + (0.5 if not extra else 0.46))
        bands.append((y, y + h))
        y += h
    return Layout([clean_label(k, 34) for k in kept], [len(per_row[k]) for k in kept], row_y, bands, marks,
                  list(dict.fromkeys(styles.values())), x_lo, x_hi, len(records), len(drawn), notes)
