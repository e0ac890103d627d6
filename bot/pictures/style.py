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
# Each round of the colours gets its own point shape and bar stripes, so no two styles look alike.
MARKERS = ("o", "D", "s", "^")
HATCHES = ("", "////", "....", "xxxx")
OTHER_COLOUR = "#9A9A9A"
NEUTRAL = "#5B6770"    # bars that count records, not types: never one of the type colours
INK, MUTED, GRID, BAND = "#222222", "#555555", "#D9D9D9", "#F3F3F3"
MAX_STYLES = len(PALETTE) * len(MARKERS)
CO_ALPHA = 0.38   # marks and bars of the actors that only share the asked actor's records


@dataclass(frozen=True)
class Style:
    label: str
    colour: str
    marker: str
    hatch: str = ""


def type_styles(vocabulary: dict[str, str]) -> dict[str, Style]:
    """type id -> its style, fixed by the type's place in the vocabulary (types.yaml's order),
    so a type looks the same in every chart whatever else is drawn; past the distinguishable
    styles, the last types share a grey 'Other'."""
    ids = list(vocabulary)
    room = len(ids) if len(ids) <= MAX_STYLES else MAX_STYLES - 1
    styles = {k: Style(clean_label(vocabulary[k], 40), PALETTE[i % len(PALETTE)], MARKERS[i // len(PALETTE)],
                       HATCHES[i // len(PALETTE)]) for i, k in enumerate(ids[:room])}
    rest = ids[room:]
    for k in rest:
        styles[k] = Style(f"Other ({plural(len(rest), 'type')})", OTHER_COLOUR, "s")
    return styles


def vocabulary_of(records: list[dict]) -> dict[str, str]:
    """Type id -> label in order of first use: the vocabulary when a chart is drawn without one."""
    out: dict[str, str] = {}
    for rec in records:
        for t, label in zip(rec["types"], rec.get("type_labels") or rec["types"]):
            out.setdefault(t, label)
    return out


@dataclass
class Chart:
    image: bytes
    width: int
    height: int
    caption: str
    shown: int
    omitted: int
    notes: list[str] = field(default_factory=list)
    format: str = "png"

    @property
    def png(self) -> bytes:
        if self.format != "png":
            raise ValueError(f"this chart was drawn as {self.format}, not png")
        return self.image


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


def text_px(text: str, size: float) -> float:
    """Width of one line of text in pixels, so margins fit the labels instead of guessing."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath
    return TextToPath().get_text_width_height_descent(text, FontProperties(size=size), ismath=False)[0] * DPI / 72


def source_line(records: list[dict], documents: dict | None = None) -> str:
    """"Source: Title (Publisher)" for each document the records cite, publishers as the data names them."""
    docs = documents or {}
    parts = []
    for doc_id, title in dict.fromkeys((s.get("document"), s["title"]) for r in records for s in r.get("sources") or []):
        publisher = (docs.get(doc_id) or {}).get("publisher")
        parts.append(f"{title} ({publisher})" if publisher else title)
    parts = list(dict.fromkeys(parts))
    return f"Source{'s' if len(parts) > 1 else ''}: " + "; ".join(parts) if parts else ""


def caption_text(shown: int, total: int, notes: list[str], how: str, records: list[dict], documents: dict | None,
             verb: str = "drawn") -> str:
    head = (f"All {plural(total, 'record')} {verb}" if total > 1 else f"The one record {verb}") if shown == total else f"{shown} of {plural(total, 'record')} {verb}"
    text = "; ".join([head] + notes) + ". " + how
    src = source_line(records, documents)
    return f"{text} {src}".strip() if src else text


def px_axes(fig, left: float, top: float, width: float, height: float):
    W, H = fig.get_figwidth() * DPI, fig.get_figheight() * DPI
    return fig.add_axes((left / W, 1 - (top + height) / H, width / W, height / H))


def wrap(text: str, width_px: int, font_px: float) -> list[str]:
    # DejaVu Sans averages a little over half an em per character.
    return textwrap.wrap(text, max(20, int(width_px / (font_px * 0.56)))) or [""]


def new_figure(width_px: int, height_px: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


# Metadata left out where a format writes the time or the program: repeatable bytes.
_NO_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}


def image_bytes(fig, fmt: str = "png") -> bytes:
    """The figure in ``fmt`` (any format matplotlib writes: png, svg, pdf, jpg…)."""
    buf = io.BytesIO()
    # No bbox_inches="tight": it would change the size the Chart reports.
    kwargs = {"metadata": _NO_METADATA[fmt]} if fmt in _NO_METADATA else {}
    fig.savefig(buf, format=fmt, dpi=DPI, facecolor=fig.get_facecolor(), **kwargs)
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


def year_ticks(first: int, last: int) -> tuple[list[dt.date], str, list[dt.date]]:
    """(major ticks, their date format, minor ticks) for an axis running over whole years
    first..last: months for short spans, years for long ones, never a label outside them."""
    years = last - first + 1
    if years <= 3:
        months = [dt.date(y, m, 1) for y in range(first, last + 1) for m in range(1, 13)]
        step = next(k for k in (1, 2, 3, 6, 12) if len(months) / k <= 12)
        return months[::step], "%b %Y", []
    base = next(b for b in (1, 2, 5, 10, 20, 50, 100) if years / b <= 16)
    major = [dt.date(y, 1, 1) for y in range(first, last + 1) if y % base == 0 or base == 1]
    minor = [dt.date(y, m, 1) for y in range(first, last + 1) for m in (4, 7, 10)] if base == 1 and years <= 8 else []
    return major or [dt.date(first, 1, 1)], "%Y", minor


def time_axis(ax, first: int, last: int, x_lo: dt.date, x_hi: dt.date, top: bool = False) -> None:
    """The x axis over the years first..last (drawn from x_lo to x_hi, a little either side)."""
    from matplotlib import dates as mdates
    from matplotlib.ticker import FixedLocator
    major, fmt, minor = year_ticks(first, last)
    ax.xaxis.set_major_locator(FixedLocator([mdates.date2num(d) for d in major]))
    ax.xaxis.set_major_formatter(mdates.DateFormatter(fmt))
    ax.xaxis.set_minor_locator(FixedLocator([mdates.date2num(d) for d in minor]))
    ax.set_xlim(mdates.date2num(x_lo), mdates.date2num(x_hi))
    ax.tick_params(axis="x", which="major", labelsize=10.5, colors=INK, length=5, top=top, labeltop=top)
    ax.tick_params(axis="x", which="minor", length=2.5, top=top)
    ax.grid(axis="x", which="major", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
