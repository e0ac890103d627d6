"""Pictures of the records: a timeline of who did what, when (here), and a one-page summary of
counts (stats.py, re-exported here so callers take every picture from one module).

Both return a Chart (the image bytes plus the caption a reply should carry). Drawing uses a bare
matplotlib Figure on an Agg canvas, never pyplot, so it can run in a worker thread off the
event loop. Deciding what to draw lives in layout.py, which is pure and tested as such.
"""
from __future__ import annotations

import datetime as dt

from bot.pictures.layout import Layout, Mark, layout_timeline
from bot.pictures.stats import render_stats, stats_counts
from bot.pictures.style import (
    BAND,
    CO_ALPHA,
    DPI,
    GRID,
    INK,
    MAX_HEIGHT_PX,
    MUTED,
    WIDTH_PX,
    Chart,
    EmptyChart,
    Style,
    caption_text,
    draw_caption,
    draw_title,
    image_bytes,
    new_figure,
    px_axes,
    text_px,
    time_axis,
    type_styles,
    vocabulary_of,
    wrap,
)
from bot.text import plural

__all__ = ["Chart", "EmptyChart", "Layout", "Mark", "layout_timeline", "render_timeline", "render_stats",
           "stats_counts"]

KEY = {  # how each precision is drawn, for the "how to read" legend
    "day": "exact day", "month": "month (bar spans it)", "period": "year or season",
    "range": "from … to", "open-end": "open-ended", "open-start": "open-ended", "link": "several dates",
    "co": "faded row: another actor, only the records it shares",
}
CAPTION_PX = 9.5 * DPI / 72
ROW_LIMIT = 150   # beyond this the labels could not stay readable within Discord's ~4096 px


def _key_handles(kinds: set[str], co: bool):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    proxies = {
        "day": Line2D([], [], marker="o", color=INK, linestyle="none", markersize=8),
        "month": Patch(facecolor=INK),
        "period": Patch(facecolor=INK, alpha=0.25, edgecolor=INK),
        "range": Line2D([], [], color=INK, linewidth=4, marker="|", markersize=12),
        "open-end": Line2D([], [], color=INK, linewidth=4, marker=">", markersize=8, markevery=[1]),
        "link": Line2D([], [], color=INK, linewidth=1.6, linestyle=(0, (1, 2)), marker="o", markersize=5),
        "co": Line2D([], [], marker="o", color=INK, alpha=CO_ALPHA, linestyle="none", markersize=8),
    }
    order = [k for k in proxies if k in kinds or (k == "open-end" and "open-start" in kinds) or (k == "co" and co)]
    return [proxies[k] for k in order], [KEY[k] for k in order]


def _type_handle(style: Style):
    """A type's legend entry: its point shape and its bar (with the bar's stripes), side by side."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    return (Line2D([], [], marker=style.marker, color=style.colour, linestyle="none", markersize=9),
            Patch(facecolor=style.colour, edgecolor="white", hatch=style.hatch or None, linewidth=0.6))


def _draw_marks(ax, marks: list[Mark], row_y: list[float]) -> None:
    """One collection per kind and style, not one per mark: a thousand artists draw slowly."""
    from collections import defaultdict

    from matplotlib import dates as mdates
    one = dt.timedelta(days=1)
    groups: dict[tuple, list] = defaultdict(list)
    for m in marks:
        groups[(m.kind, m.colour, m.marker, m.hatch, m.co)].append(
            (row_y[m.row] + m.offset, mdates.date2num(m.x_start), mdates.date2num(m.x_end + one)))
    for (kind, colour, marker, hatch, co), pts in sorted(groups.items()):
        ys, ss, es = (list(v) for v in zip(*pts))
        widths = [e - s for s, e in zip(ss, es)]
        alpha = CO_ALPHA if co else 1.0
        if kind == "day":
            ax.scatter([s + 0.5 for s in ss], ys, s=62, marker=marker, color=colour, edgecolors="white",
                       linewidths=0.8, zorder=5, alpha=alpha)
        elif kind == "month":
            ax.barh(ys, widths, left=ss, height=0.36, color=colour, edgecolor="white", hatch=hatch or None,
                    linewidth=0.6, zorder=4, alpha=alpha)
        elif kind == "period":
            ax.barh(ys, widths, left=ss, height=0.62, color=colour, alpha=0.22 * alpha, linewidth=0, zorder=2)
            ax.barh(ys, widths, left=ss, height=0.62, fill=False, edgecolor=colour, linewidth=1.1, zorder=2, alpha=alpha)
        elif kind == "range":
            ax.barh(ys, widths, left=ss, height=0.11, color=colour, linewidth=0, zorder=3, alpha=alpha)
            ax.scatter(ss + es, ys + ys, marker="|", s=90, color=colour, linewidths=2, zorder=3, alpha=alpha)
        elif kind in ("open-end", "open-start"):
            tails, heads = (ss, es) if kind == "open-end" else (es, ss)
            for y, tail, head in zip(ys, tails, heads):
                ax.annotate("", xy=(head, y), xytext=(tail, y), zorder=3, annotation_clip=False,
                            arrowprops=dict(arrowstyle="-|>,head_length=0.9,head_width=0.45", color=colour,
                                            linewidth=2.6, shrinkA=0, shrinkB=0, alpha=alpha))
            ax.scatter(tails, ys, marker="|", s=90, color=colour, linewidths=2, zorder=3, alpha=alpha)
        elif kind == "link":
            for y, s, e in zip(ys, ss, es):
                ax.plot([s, e], [y, y], color=colour, linewidth=1.6, linestyle=(0, (1, 2)), zorder=3, alpha=alpha)


def _how_timeline(lay: Layout, rows: str, focus: list[str]) -> str:
    """How to read the rows and colours, with the counts that differ from the stats chart's."""
    marks_total = sum(lay.row_counts)
    if rows == "type":
        how = "Rows: action types, colour: the type"
        if marks_total > lay.shown:
            how += (f"; a record with several types appears on each of their rows ({marks_total} marks for "
                    f"{plural(lay.shown, 'record')}), as the stats chart counts it once per type")
        return how + "."
    how = "Rows: the country or organisation that acted or joined"
    if marks_total > lay.shown:
        how += f"; a record appears on the row of each ({marks_total} for {plural(lay.shown, 'record')})"
    if any(lay.co_rows):
        who = " and ".join(focus) or "the actor asked for"
        how += (f". Faded rows marked “shared”: other actors acting in {who}'s records, counting only those "
                "records, not everything they did")
    how += ". Colour: the record's first action type"
    if lay.several_types:
        how += (f" ({plural(lay.several_types, 'record')} have more than one; the stats chart counts each "
                "of their types, so its type bars add up to more)")
    return how + "."


def render_timeline(records: list[dict], *, rows: str = "actor", title: str = "", max_rows: int = 20,
                    documents: dict | None = None, styles: dict[str, Style] | None = None,
                    focus: list[str] = (), years: tuple[int | None, int | None] = (None, None),
                    fmt: str = "png") -> Chart:
    """One row per acting actor (or per action type), x = time, each date drawn at its real precision.
    ``styles`` (type id -> Style) keeps each type's colour the same in every chart; ``focus`` names
    the rows of the actors asked for; ``years`` is the period asked for, which the axis then spans."""
    from matplotlib.legend_handler import HandlerTuple
    lay = layout_timeline(records, rows=rows, max_rows=min(max_rows, ROW_LIMIT),
                          styles=styles or type_styles(vocabulary_of(records)), focus=focus, years=years)
    caption = caption_text(lay.shown, lay.total, lay.notes, _how_timeline(lay, rows, list(focus)), records, documents)

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
    labels = [f"{r} ({c} shared)" if co else f"{r} ({c})" for r, c, co in zip(lay.rows, lay.row_counts, lay.co_rows)]
    left = int(min(420, max(110, max(text_px(s, label_size) for s in labels) + 50)))
    plot_w = WIDTH_PX - left - 50

    fig = new_figure(WIDTH_PX, height)
    ax = px_axes(fig, left, top, plot_w, units * row_h)
    for lo, hi in lay.row_band[1::2]:
        ax.axhspan(lo, hi, color=BAND, zorder=0, linewidth=0)
    ax.set_ylim(units, 0)
    time_axis(ax, lay.first_year, lay.last_year, lay.x_lo, lay.x_hi, top=n > 12)
    ax.set_autoscale_on(False)   # the limits are decided; recomputing them per collection is slow
    _draw_marks(ax, lay.marks, lay.row_y)
    ax.set_yticks(lay.row_y, labels, fontsize=label_size, color=INK)
    for tick, co in zip(ax.get_yticklabels(), lay.co_rows):
        if co:
            tick.set_color(MUTED)
            tick.set_fontstyle("italic")
    if any(lay.co_rows) and not all(lay.co_rows):   # a line between the asked actors and the others
        ax.axhline(lay.row_band[lay.co_rows.index(True)][0], color=MUTED, linewidth=1, linestyle=(0, (4, 3)))
    ax.tick_params(axis="y", length=0, pad=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(GRID)

    span = str(lay.first_year) if lay.first_year == lay.last_year else f"{lay.first_year}–{lay.last_year}"
    sub = f"{'By actor, coloured by action type' if rows == 'actor' else 'By action type'} · " \
          f"{plural(lay.shown, 'record')}, {span}"
    draw_title(fig, title or ("Who did what, when" if rows == "actor" else "What was done, when"), sub, 40)

    H = height
    y = top + units * row_h + 44
    if lay.styles:
        fig.legend([_type_handle(s) for s in lay.styles], [s.label for s in lay.styles], loc="upper left",
                   bbox_to_anchor=(40 / WIDTH_PX, 1 - y / H), ncol=ncol, frameon=False, fontsize=10.5,
                   title="Action type (point, bar)", title_fontsize=11, alignment="left", columnspacing=2.2,
                   handletextpad=0.5, borderaxespad=0, handlelength=2.6,
                   handler_map={tuple: HandlerTuple(ndivide=None, pad=0.35)})
        y += 34 + 24 * legend_rows
    kh, kl = _key_handles(lay.kinds, any(lay.co_rows))
    fig.legend(kh, kl, loc="upper left", bbox_to_anchor=(40 / WIDTH_PX, 1 - (y + 6) / H), ncol=len(kh),
               frameon=False, fontsize=10.5, title="How to read", title_fontsize=11, alignment="left",
               columnspacing=2.2, handlelength=2.4, borderaxespad=0)
    draw_caption(fig, cap_lines, 40)
    return Chart(image_bytes(fig, fmt), WIDTH_PX, height, caption, lay.shown, lay.omitted, lay.notes, fmt)
