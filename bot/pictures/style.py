"""Shared look of the charts: palette, label cleaning, figure creation, captions, PNG output.

Everything here builds a bare `Figure` with its own Agg canvas instead of using pyplot, so
charts can be rendered in worker threads without touching global pyplot state.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
import textwrap
from dataclasses import dataclass, field

from bot.text import plural

DPI = 100          # fixed, so pixel sizes are exact and output is byte-for-byte repeatable
WIDTH_PX = 1600
MAX_HEIGHT_PX = 4000  # Discord shows images up to ~4096 px

# Okabe–Ito, without its yellow (too faint on white). Safe for the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
MARKERS = ("o", "D")   # the second round of colours gets a second shape, so no two styles look alike
OTHER_COLOUR = "#9A9A9A"
INK, MUTED, GRID, BAND = "#222222", "#555555", "#D9D9D9", "#F3F3F3"
MAX_STYLES = len(PALETTE) * len(MARKERS)


@dataclass(frozen=True)
class Style:
    label: str
    colour: str
    marker: str


@dataclass
class Chart:
    png: bytes
    width: int
    height: int
    caption: str
    shown: int
    omitted: int
    notes: list[str] = field(default_factory=list)


class EmptyChart(ValueError):
    """Nothing to draw; the message says why, for the user."""


@functools.lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
    return frozenset(FT2Font(font_manager.findfont(font_manager.FontProperties())).get_charmap())


_EMOJI = re.compile("[\U0001F1E6-\U0001F1FF\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]")


def clean_label(text: str, limit: int = 32) -> str:
    """Flags and any character the font lacks would render as empty boxes: drop them, then shorten."""
    glyphs = _glyphs()
    text = "".join(c for c in _EMOJI.sub("", text) if ord(c) in glyphs or c.isspace())
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip(" ,;:-") + "…"


def assign_styles(counts: dict[str, int]) -> dict[str, Style]:
    """Most frequent first; past the distinguishable styles, the rest share a grey 'Other'."""
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    room = len(ranked) if len(ranked) <= MAX_STYLES else MAX_STYLES - 1
    styles = {k: Style(clean_label(k, 40), PALETTE[i % len(PALETTE)], MARKERS[i // len(PALETTE)])
              for i, k in enumerate(ranked[:room])}
    rest = ranked[room:]
    for k in rest:
        styles[k] = Style(f"Other ({plural(len(rest), 'type')})", OTHER_COLOUR, "s")
    return styles


def text_px(text: str, size: float) -> float:
    """Width of one line of text in pixels, so margins fit the labels instead of guessing."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath
    return TextToPath().get_text_width_height_descent(text, FontProperties(size=size), ismath=False)[0] * DPI / 72


def source_line(records: list[dict], source: str = "") -> str:
    titles = list(dict.fromkeys(r["sources"][0]["title"] for r in records if r.get("sources")))
    text = "; ".join(titles)
    if source:
        text = f"{text} ({source})" if text else source
    return f"Source: {text}" if text else ""


def wrap(text: str, width_px: int, font_px: float) -> list[str]:
    # DejaVu Sans averages a little over half an em per character.
    return textwrap.wrap(text, max(20, int(width_px / (font_px * 0.56)))) or [""]


def new_figure(width_px: int, height_px: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig) -> bytes:
    buf = io.BytesIO()
    # No bbox_inches="tight": it would change the size the Chart reports. No metadata: repeatable bytes.
    fig.canvas.print_png(buf, metadata={"Software": None})
    return buf.getvalue()


def draw_title(fig, title: str, subtitle: str, left_px: int, top_px: int = 18) -> None:
    h = fig.get_figheight() * DPI
    fig.text(left_px / fig.dpi / fig.get_figwidth(), 1 - top_px / h, clean_label(title, 110), fontsize=17,
             fontweight="bold", color=INK, va="top")
    if subtitle:
        fig.text(left_px / fig.dpi / fig.get_figwidth(), 1 - (top_px + 32) / h, subtitle, fontsize=11,
                 color=MUTED, va="top")


def draw_caption(fig, lines: list[str], left_px: int, bottom_px: int = 14) -> None:
    h = fig.get_figheight() * DPI
    fig.text(left_px / (fig.get_figwidth() * DPI), bottom_px / h, "\n".join(lines), fontsize=9.5,
             color=MUTED, va="bottom", linespacing=1.45)


def time_axis(ax, lo: dt.date, hi: dt.date, top: bool = False) -> None:
    """Year ticks for long spans, months for short ones; never so many that labels collide."""
    from matplotlib import dates as mdates
    days = (hi - lo).days
    if days <= 1100:
        step = next(k for k in (1, 2, 3, 6) if days / (30.4 * k) <= 12)
        ax.xaxis.set_major_locator(mdates.MonthLocator(interval=step))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    else:
        years = days / 365.25
        base = next(b for b in (1, 2, 5, 10, 20, 50, 100) if years / b <= 16)
        ax.xaxis.set_major_locator(mdates.YearLocator(base))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        if base == 1 and years <= 8:
            ax.xaxis.set_minor_locator(mdates.MonthLocator((4, 7, 10)))
    ax.set_xlim(mdates.date2num(lo), mdates.date2num(hi))
    ax.tick_params(axis="x", which="major", labelsize=10.5, colors=INK, length=5, top=top, labeltop=top)
    ax.tick_params(axis="x", which="minor", length=2.5, top=top)
    ax.grid(axis="x", which="major", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
