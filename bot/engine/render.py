"""Plain-text layout of an Answer, for the command line (Discord has its own in bot/embeds.py)."""
from __future__ import annotations

import textwrap

from bot.engine.answer import Answer


def markers(ns: list[int]) -> str:
    return "".join(f"[{n}]" for n in ns)


def line_text(text: str, ns: list[int]) -> str:
    return f"{text} {markers(ns)}" if ns else text


def render_text(answer: Answer, width: int = 100) -> str:
    out = [answer.headline]
    out += answer.notes
    for heading, lines in answer.groups:
        out.append("")
        if heading:
            out.append(heading)
        for ln in lines:
            out.append(textwrap.fill(line_text(ln.text, ln.markers), width, initial_indent="  • ",
                                     subsequent_indent="    "))
            if ln.detail:
                out.append(textwrap.fill(ln.detail, width, initial_indent="      ", subsequent_indent="      "))
    if answer.footnotes:
        out += ["", "Sources"]
        out += [f"  [{n}] {passage}" + (f" <{url}>" if url else "") for n, passage, url in answer.footnotes]
    return "\n".join(out)
