"""Pictures of the records: a timeline of who did what, when, and a one-page summary of counts.

Both return a Chart (PNG bytes plus the caption a reply should carry). Drawing uses a bare
matplotlib Figure on an Agg canvas, never pyplot, so it can run in a worker thread off the
event loop. Deciding what to draw lives in timeline_layout, which is pure and tested as such.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from bot.dataset.model import ACTING_ROLES
from bot.pictures.layout import Layout, Mark, layout_timeline
from bot.pictures.style import (
    BAND,
    DPI,
    GRID,
    INK,
    MAX_HEIGHT_PX,
    MUTED,
    PALETTE,
    WIDTH_PX,
    Chart,
    EmptyChart,
    clean_label,
    draw_caption,
    draw_title,
    new_figure,
    png_bytes,
    source_line,
    text_px,
    time_axis,
    wrap,
)
from bot.text import plural

__all__ = ["Chart", "EmptyChart", "Layout", "Mark", "layout_timeline", "render_timeline", "render_stats",
           "stats_counts"]

KEY = {  # how each precision is drawn, for the "how to read" legend
    "day": "exact day", "month": "month (bar spans it)", "period": "year or season",
    "range": "from … to", "open-end": "open-ended", "open-start": "open-ended", "link": "several dates",
}
CAPTION_PX = 9.5 * DPI / 72
STATS_HEIGHT = 1060
ROW_LIMIT = 150   # beyond this the labels could not stay readable within Discord's ~4096 px


def _caption(shown: int, total: int, notes: list[str], how: str, records: list[dict], source: str,
             verb: str = "drawn") -> str:
    head = (f"All {plural(total, 'record')} {verb}" if total > 1 else f"The one record {verb}") if shown == total else f"{shown} of {plural(total, 'record')} {verb}"
    text = "; ".join([head] + notes) + ". " + how
    src = source_line(records, source)
    return f"{text} {src}".strip() if src else text


def _px_axes(fig, left: float, top: float, width: float, height: float):
    W, H = fig.get_figwidth() * DPI, fig.get_figheight() * DPI
    return fig.add_axes((left / W, 1 - (top + height) / H, width / W, height / H))


def _key_handles(kinds: set[str]):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    proxies = {
        "day": Line2D([], [], marker="o", color=INK, linestyle="none", markersize=8),
        "month": Patch(facecolor=INK),
        "period": Patch(facecolor=INK, alpha=0.25, edgecolor=INK),
        "range": Line2D([], [], color=INK, linewidth=4, marker="|", markersize=12),
        "open-end": Line2D([], [], color=INK, linewidth=4, marker=">", markersize=8, markevery=[1]),
        "link": Line2D([], [], color=INK, linewidth=1.6, linestyle=(0, (1, 2)), marker="o", markersize=5),
    }
    order = [k for k in proxies if k in kinds or (k == "open-end" and "open-start" in kinds)]
    return [proxies[k] for k in order], [KEY[k] for k in order]


def _draw_marks(ax, marks: list[Mark], row_y: list[float]) -> None:
    """One collection per kind and style, not one per mark: a thousand artists draw slowly."""
    from collections import defaultdict

    from matplotlib import dates as mdates
    one = dt.timedelta(days=1)
    groups: dict[tuple, list] = defaultdict(list)
    for m in marks:
        groups[(m.kind, m.colour, m.marker)].append(
            (row_y[m.row] + m.offset, mdates.date2num(m.x_start), mdates.date2num(m.x_end + one)))
    for (kind, colour, marker), pts in sorted(groups.items()):
        ys, ss, es = (list(v) for v in zip(*pts))
        widths = [e - s for s, e in zip(ss, es)]
        hatch = "////" if marker != "o" else None   # the second round of colours: stripes on bars
        if kind == "day":
            ax.scatter([s + 0.5 for s in ss], ys, s=62, marker=marker, color=colour, edgecolors="white",
                       linewidths=0.8, zorder=5)
        elif kind == "month":
            ax.barh(ys, widths, left=ss, height=0.36, color=colour, edgecolor="white", hatch=hatch,
                    linewidth=0.6, zorder=4)
        elif kind == "period":
            ax.barh(ys, widths, left=ss, height=0.62, color=colour, alpha=0.22, linewidth=0, zorder=2)
            ax.barh(ys, widths, left=ss, height=0.62, fill=False, edgecolor=colour, linewidth=1.1, zorder=2)
        elif kind == "range":
            ax.barh(ys, widths, left=ss, height=0.11, color=colour, linewidth=0, zorder=3)
            ax.scatter(ss + es, ys + ys, marker="|", s=90, color=colour, linewidths=2, zorder=3)
        elif kind in ("open-end", "open-start"):
            tails, heads = (ss, es) if kind == "open-end" else (es, ss)
            for y, tail, head in zip(ys, tails, heads):
                ax.annotate("", xy=(head, y), xytext=(tail, y), zorder=3, annotation_clip=False,
                            arrowprops=dict(arrowstyle="-|>,head_length=0.9,head_width=0.45", color=colour,
                                            linewidth=2.6, shrinkA=0, shrinkB=0))
            ax.scatter(tails, ys, marker="|", s=90, color=colour, linewidths=2, zorder=3)
        elif kind == "link":
            for y, s, e in zip(ys, ss, es):
                ax.plot([s, e], [y, y], color=colour, linewidth=1.6, linestyle=(0, (1, 2)), zorder=3)


def render_timeline(records: list[dict], *, rows: str = "actor", title: str = "", max_rows: int = 20,
                    source: str = "") -> Chart:
    """One row per acting actor (or per action type), x = time, each date drawn at its real precision."""
    from matplotlib.lines import Line2D
    lay = layout_timeline(records, rows=rows, max_rows=min(max_rows, ROW_LIMIT))
    how = ("Rows: the country or organisation that acted or joined (a record appears on each of their rows); "
           "colour: the record's first action type." if rows == "actor" else
           "Rows: action types (a record with several types appears on each of their rows).")
    caption = _caption(lay.shown, lay.total, lay.notes, how, records, source)

    n = len(lay.rows)
    cap_lines = wrap(caption, WIDTH_PX - 2 * 40, CAPTION_PX)
    ncol = min(5, len(lay.styles)) or 1
    legend_rows = -(-len(lay.styles) // ncol)
    top = 100 + (26 if n > 12 else 0)
    bottom = 44 + (34 + 24 * legend_rows if lay.styles else 0) + 60 + len(cap_lines) * 19 + 24
    units = lay.height
    row_h = max(16, min(46, (MAX_HEIGHT_PX - top - bottom) / units))
    height = int(min(MAX_HEIGHT_PX, max(460, top + bottom + units * row_h)))
    row_h = (height - top - bottom) / units
    label_size = 11 if row_h >= 24 else 8.5
    labels = [f"{r} ({c})" for r, c in zip(lay.rows, lay.row_counts)]
    left = int(min(420, max(110, max(text_px(s, label_size) for s in labels) + 50)))
    plot_w = WIDTH_PX - left - 50

    fig = new_figure(WIDTH_PX, height)
    ax = _px_axes(fig, left, top, plot_w, units * row_h)
    for lo, hi in lay.row_band[1::2]:
        ax.axhspan(lo, hi, color=BAND, zorder=0, linewidth=0)
    ax.set_ylim(units, 0)
    time_axis(ax, lay.x_lo, lay.x_hi, top=n > 12)
    ax.set_autoscale_on(False)   # the limits are decided; recomputing them per collection is slow
    _draw_marks(ax, lay.marks, lay.row_y)
    ax.set_yticks(lay.row_y, labels, fontsize=label_size, color=INK)
    ax.tick_params(axis="y", length=0, pad=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(GRID)

    ends = [m.x_start for m in lay.marks if m.kind != "open-start"] + [m.x_end for m in lay.marks if m.kind != "open-end"]
    first, last = min(ends), max(ends)   # an open end is the axis edge, not a date the source gave
    span = str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    sub = f"{'By actor, coloured by action type' if rows == 'actor' else 'By action type'} · " \
          f"{plural(lay.shown, 'record')}, {span}"
    draw_title(fig, title or ("Who did what, when" if rows == "actor" else "What was done, when"), sub, 40)

    H = height
    y = top + units * row_h + 44
    if lay.styles:
        handles = [Line2D([], [], marker=s.marker, color=s.colour, linestyle="none", markersize=9) for s in lay.styles]
        fig.legend(handles, [s.label for s in lay.styles], loc="upper left", bbox_to_anchor=(40 / WIDTH_PX, 1 - y / H),
                   ncol=ncol, frameon=False, fontsize=10.5, title="Action type", title_fontsize=11, alignment="left",
                   columnspacing=2.2, handletextpad=0.5, borderaxespad=0)
        y += 34 + 24 * legend_rows
    kh, kl = _key_handles(lay.kinds)
    fig.legend(kh, kl, loc="upper left", bbox_to_anchor=(40 / WIDTH_PX, 1 - (y + 6) / H), ncol=len(kh),
               frameon=False, fontsize=10.5, title="Date shown as", title_fontsize=11, alignment="left",
               columnspacing=2.2, handlelength=2.4, borderaxespad=0)
    draw_caption(fig, cap_lines, 40)
    return Chart(png_bytes(fig), WIDTH_PX, height, caption, lay.shown, lay.omitted, lay.notes)


def stats_counts(records: list[dict]) -> dict:
    """Per year (of the date's start), per action type, per top-level acting actor; and what was left out."""
    years, types, actors = Counter(), Counter(), Counter()
    for rec in records:
        d = rec.get("date")
        if d and d.get("sort") is not None:
            years[dt.date.fromordinal(d["sort"]).year] += 1
        types.update(dict.fromkeys(rec.get("type_labels") or rec["types"], 1))
        acting = [a for a in rec["actors"] if a["role"] in ACTING_ROLES] or rec["actors"][:1]
        actors.update(dict.fromkeys((a.get("top_name") or a["name"] for a in acting), 1))
    notes = []
    if (lost := len(records) - sum(years.values())):
        notes.append(f"{plural(lost, 'record')} without a year not counted per year")
    return {"years": years, "types": types, "actors": actors, "notes": notes}


def _hbars(ax, counts: Counter, heading: str, colour: str, top: int = 12) -> str:
    from matplotlib.ticker import MaxNLocator
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown, rest = ranked[:top], ranked[top:]
    ax.barh(range(len(shown)), [v for _, v in shown], color=colour, height=0.7)
    ax.set_yticks(range(len(shown)), [clean_label(k, 34) for k, _ in shown], fontsize=10.5, color=INK)
    ax.set_ylim(len(shown) - 0.5, -0.6)
    for i, (_, v) in enumerate(shown):
        ax.text(v, i, f" {v}", va="center", fontsize=10, color=INK)
    ax.set_xlim(0, max(v for _, v in shown) * 1.12)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    more = f" (top {top} of {len(ranked)})" if rest else ""
    ax.set_title(heading + more, loc="left", fontsize=13, color=INK, pad=10)
    return f"{plural(len(rest), 'more ' + heading.split()[-1].rstrip('s').lower())} not shown" if rest else ""


def render_stats(records: list[dict], *, title: str = "", source: str = "") -> Chart:
    """Records per year, per action type and per top-level acting actor, in one PNG."""
    if not records:
        raise EmptyChart("Nothing to count: no records match.")
    from matplotlib.ticker import MaxNLocator
    c = stats_counts(records)
    notes = list(c["notes"])
    fig = new_figure(WIDTH_PX, STATS_HEIGHT)
    years = _px_axes(fig, 70, 120, WIDTH_PX - 120, 300)
    if c["years"]:
        span = range(min(c["years"]), max(c["years"]) + 1)
        vals = [c["years"].get(y, 0) for y in span]
        years.bar(list(span), vals, color=PALETTE[0], width=0.7)
        for y, v in zip(span, vals):
            if v:
                years.text(y, v, str(v), ha="center", va="bottom", fontsize=10, color=INK)
        step = next(b for b in (1, 2, 5, 10, 20, 50) if len(span) / b <= 20)
        years.set_xticks([y for y in span if y % step == 0 or len(span) == 1])
        years.set_ylim(0, max(vals) * 1.15)
        years.yaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        years.text(0.5, 0.5, "No record has a year", ha="center", va="center", transform=years.transAxes, color=MUTED)
        years.set_xticks([])
    years.set_title("Records per year (by the year each date starts)", loc="left", fontsize=13, color=INK, pad=10)

    def margin(counts: Counter) -> float:   # room for the longest label that will be shown
        return max(text_px(clean_label(k, 34), 10.5) for k in counts) + 16 if counts else 40
    half = WIDTH_PX // 2
    tl, al = 40 + margin(c["types"]), half + 20 + margin(c["actors"])
    types = _px_axes(fig, tl, 510, half - 60 - tl, 440)
    actors = _px_axes(fig, al, 510, WIDTH_PX - 60 - al, 440)
    notes += [n for n in (_hbars(types, c["types"], "Records per action type", PALETTE[2]),
                          _hbars(actors, c["actors"], "Records per acting actor", PALETTE[3])) if n]
    for ax in (years, types, actors):
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(colors=INK, labelsize=10.5)
        ax.grid(axis="y" if ax is years else "x", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)

    how = ("A record with several action types, or several acting countries or organisations, "
           "counts once for each.")
    caption = _caption(len(records), len(records), notes, how, records, source, verb="counted")
    draw_title(fig, title or "The records in numbers", f"{plural(len(records), 'record')}", 40)
    draw_caption(fig, wrap(caption, WIDTH_PX - 80, CAPTION_PX), 40)
    return Chart(png_bytes(fig), WIDTH_PX, STATS_HEIGHT, caption, len(records), 0, notes)
