"""The stats picture: records per year, per action type and per acting actor, on one page.

The type bars take each type's fixed colour (as in the timeline), and the caption says why the
panels' totals differ from the number of records and from the timeline's count.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from bot.dataset.model import ACTING_ROLES
from bot.pictures.style import (
    CO_ALPHA,
    DPI,
    GRID,
    INK,
    MUTED,
    NEUTRAL,
    WIDTH_PX,
    Chart,
    EmptyChart,
    Style,
    caption_text,
    clean_label,
    draw_caption,
    draw_title,
    image_bytes,
    new_figure,
    px_axes,
    text_px,
    type_styles,
    vocabulary_of,
    wrap,
)
from bot.text import plural

CAPTION_PX = 9.5 * DPI / 72
STATS_HEIGHT = 1060


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


def _hbars(ax, counts: Counter, heading: str, styles, top: int = 12) -> str:
    """Horizontal bars, busiest first; ``styles(label)`` gives a bar's (colour, hatch, alpha)."""
    from matplotlib.ticker import MaxNLocator
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown, rest = ranked[:top], ranked[top:]
    for i, (k, v) in enumerate(shown):
        colour, hatch, alpha = styles(k)
        ax.barh(i, v, color=colour, height=0.7, hatch=hatch or None, edgecolor="white", linewidth=0.6, alpha=alpha)
    ax.set_yticks(range(len(shown)), [clean_label(k, 34) for k, _ in shown], fontsize=10.5, color=INK)
    ax.set_ylim(len(shown) - 0.5, -0.6)
    for i, (_, v) in enumerate(shown):
        ax.text(v, i, f" {v}", va="center", fontsize=10, color=INK)
    ax.set_xlim(0, max(v for _, v in shown) * 1.12)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    more = f" (top {top} of {len(ranked)})" if rest else ""
    ax.set_title(heading + more, loc="left", fontsize=13, color=INK, pad=10)
    noun = heading.split(" per ")[-1].split()[-1].rstrip("s").lower()
    return f"{plural(len(rest), 'more ' + noun)} not shown" if rest else ""


def _how_stats(c: dict, n: int, focus: list[str]) -> str:
    """Why the three panels' totals differ from the number of records and from the timeline."""
    in_types, in_actors = sum(c["types"].values()), sum(c["actors"].values())
    parts = []
    if in_types > n:
        parts.append(f"a record with several action types counts once for each, so the type bars add up to "
                     f"{in_types} for {plural(n, 'record')} (the timeline colours a record by its first type only)")
    if in_actors > n:
        parts.append(f"a record with several acting countries or organisations counts once for each, so the "
                     f"actor bars add up to {in_actors}")
    if focus:
        parts.append(f"faded actor bars: others acting in {' and '.join(focus)}'s records, counting only those")
    text = "Per year: each record once, in the year its date starts"
    return text + ("; " + "; ".join(parts) if parts else "") + "."


def render_stats(records: list[dict], *, title: str = "", documents: dict | None = None,
                 styles: dict[str, Style] | None = None, focus: list[str] = (),
                 years: tuple[int | None, int | None] = (None, None), fmt: str = "png") -> Chart:
    """Records per year, per action type and per top-level acting actor, in one PNG. The type bars
    take each type's colour (``styles``, as in the timeline); ``years`` is the period asked for."""
    if not records:
        raise EmptyChart("Nothing to count: no records match.")
    from matplotlib.ticker import MaxNLocator
    c = stats_counts(records)
    notes = list(c["notes"])
    styles = styles or type_styles(vocabulary_of(records))
    by_label = {label: styles[t] for rec in records for t, label in zip(rec["types"], rec.get("type_labels") or rec["types"])}
    fig = new_figure(WIDTH_PX, STATS_HEIGHT)
    ax_years = px_axes(fig, 70, 120, WIDTH_PX - 120, 300)
    if c["years"] or years != (None, None):
        span = range(years[0] or min(c["years"]), (years[1] or max(c["years"])) + 1)
        vals = [c["years"].get(y, 0) for y in span]
        ax_years.bar(list(span), vals, color=NEUTRAL, width=0.7)
        for y, v in zip(span, vals):
            if v:
                ax_years.text(y, v, str(v), ha="center", va="bottom", fontsize=10, color=INK)
        step = next(b for b in (1, 2, 5, 10, 20, 50) if len(span) / b <= 20)
        ax_years.set_xticks([y for y in span if y % step == 0 or len(span) == 1])
        ax_years.set_xlim(span[0] - 0.6, span[-1] + 0.6)
        ax_years.set_ylim(0, max(max(vals), 1) * 1.15)
        ax_years.yaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax_years.text(0.5, 0.5, "No record has a year", ha="center", va="center", transform=ax_years.transAxes,
                      color=MUTED)
        ax_years.set_xticks([])
    ax_years.set_title("Records per year (by the year each date starts)", loc="left", fontsize=13, color=INK, pad=10)

    def margin(counts: Counter) -> float:   # room for the longest label that will be shown
        return max(text_px(clean_label(k, 34), 10.5) for k in counts) + 16 if counts else 40
    half = WIDTH_PX // 2
    tl, al = 40 + margin(c["types"]), half + 20 + margin(c["actors"])
    ax_types = px_axes(fig, tl, 510, half - 60 - tl, 440)
    ax_actors = px_axes(fig, al, 510, WIDTH_PX - 60 - al, 440)
    focus_set = set(focus)
    notes += [n for n in (
        _hbars(ax_types, c["types"], "Records per action type", lambda k: (by_label[k].colour, by_label[k].hatch, 1.0)),
        _hbars(ax_actors, c["actors"], "Records per acting actor" + (" (faded: in " + " and ".join(focus) + "'s records)"
                                                                      if focus else ""),
               lambda k: (NEUTRAL, "", CO_ALPHA if focus_set and k not in focus_set else 1.0))) if n]
    for ax in (ax_years, ax_types, ax_actors):
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(colors=INK, labelsize=10.5)
        ax.grid(axis="y" if ax is ax_years else "x", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)

    caption = caption_text(len(records), len(records), notes, _how_stats(c, len(records), list(focus)), records,
                       documents, verb="counted")
    draw_title(fig, title or "The records in numbers", f"{plural(len(records), 'record')}", 40)
    draw_caption(fig, wrap(caption, WIDTH_PX - 80, CAPTION_PX), 40)
    return Chart(image_bytes(fig, fmt), WIDTH_PX, STATS_HEIGHT, caption, len(records), 0, notes, fmt)
