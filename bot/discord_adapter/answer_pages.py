"""Discord layout of an Answer as plain data: pages of embed-shaped dicts, no discord import.

A page is ``{"title": str, "description": str, "fields": [{"name", "value", "inline"}],
"footer": str}``. Every page fits Discord's limits on its own (one embed per message):
title 256, description 4096, 25 fields, field name 256 / value 1024, footer 2048 and 6000
characters in all. Text from the data or from the user is markdown-escaped; our own
citation markers stay plain bracket text (``[1]``), and each page carries, as a "Sources"
field, the footnotes its own lines cite.
"""
from __future__ import annotations

import re

from bot.engine.answer import UNDATED, Answer, Line, markers

TITLE_MAX, DESCRIPTION_MAX, FIELDS_MAX = 256, 4096, 25
FIELD_NAME_MAX, FIELD_VALUE_MAX, FOOTER_MAX, TOTAL_MAX, CONTENT_MAX = 256, 1024, 2048, 6000, 2000

LINES_PER_PAGE = 8          # records per page: a screenful
DESCRIPTION_BUDGET = 3600   # leaves room under 4096 for a "(continued)" heading
PAGE_BUDGET = 5700          # of the 6000 per message, with the footer reserved
BLOCK_MAX = 1400            # one line (with its summary) never takes a whole page
PASSAGE_MAX = 300

_INLINE = re.compile(r"([\\*_~`|\[\]<])")   # "(" and ")" are inert once "[" and "]" are escaped
_LINE_START = re.compile(r"(?m)^(\s*)([#>+-])")
_ORDERED = re.compile(r"(?m)^(\s*)(\d+)\.")
_PINGS = re.compile(r"@(everyone|here)", re.IGNORECASE)


def escape(text: str) -> str:
    """Markdown-inert text: emphasis, code, spoilers, links, mentions, quotes, headings, lists.
    ``@everyone``/``@here`` get a zero-width space too (allowed_mentions is the real guard)."""
    text = _INLINE.sub(r"\\\1", str(text))
    text = _LINE_START.sub(r"\1\\\2", text)
    text = _ORDERED.sub(r"\1\2\\.", text)
    return _PINGS.sub("@\u200b\\1", text)


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending in "…" when cut; never ends inside an escape."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:  # a lone backslash would escape the ellipsis
        cut = cut[:-1]
    return cut.rstrip() + "…"


def page_length(page: dict) -> int:
    """Characters Discord counts toward the 6000 per message."""
    return (len(page.get("title") or "") + len(page.get("description") or "") + len(page.get("footer") or "")
            + sum(len(f["name"]) + len(f["value"]) for f in page.get("fields") or []))


def _line_block(line: Line) -> str:
    text = escape(clip(line.text, BLOCK_MAX // 2))
    block = f"• {text} {markers(line.markers)}".rstrip()
    if line.detail:
        block += "\n\u2003_" + escape(clip(line.detail, BLOCK_MAX // 2)) + "_"
    return clip(block, BLOCK_MAX) if len(block) > BLOCK_MAX else block


def _source_line(n: int, passage: str, url: str) -> str:
    text = escape(clip(passage, PASSAGE_MAX))
    if url and not re.search(r"[\s()<>]", url) and len(url) < 300:
        text = f"[{text}]({url})"
    return f"`[{n}]` {text}"


def _split_field(name: str, lines: list[str]) -> list[dict]:
    fields, chunk = [], ""
    for ln in lines:
        ln = clip(ln, FIELD_VALUE_MAX)
        if chunk and len(chunk) + 1 + len(ln) > FIELD_VALUE_MAX:
            fields.append(chunk)
            chunk = ln
        else:
            chunk = f"{chunk}\n{ln}" if chunk else ln
    if chunk:
        fields.append(chunk)
    return [{"name": name if i == 0 else f"{name} (continued)", "value": v, "inline": False}
            for i, v in enumerate(fields)]


def _sources_fields(answer: Answer, numbers: list[int]) -> list[dict]:
    notes = {n: (p, u) for n, p, u in answer.footnotes}
    lines = [_source_line(n, *notes[n]) for n in numbers if n in notes]
    return _split_field("Sources", lines)


def title_for(answer: Answer, title: str | None = None) -> str:
    return clip(escape(title if title is not None else answer.question or "Answer"), TITLE_MAX)


def intro_text(answer: Answer) -> str:
    parts = [escape(clip(answer.headline, 1500))]
    parts += [escape(clip(n, 600)) for n in answer.notes]
    return "\n".join(parts)


def answer_pages(answer: Answer, title: str | None = None) -> list[dict]:
    """The answer as pages: headline (and notes) on the first, then the dated lines in groups,
    at most LINES_PER_PAGE lines per page, each page with the sources its lines cite."""
    head = title_for(answer, title)
    intro = intro_text(answer)
    pages: list[dict] = []
    desc: list[str] = [intro]
    used: list[int] = []
    count = 0
    current_heading = None

    def cost(extra: str, extra_marks: list[int]) -> tuple[int, int]:
        text = "\n".join(desc + [extra])
        marks = used + [m for m in extra_marks if m not in used]
        page = {"title": head, "description": text, "fields": _sources_fields(answer, marks), "footer": ""}
        return len(text), page_length(page)

    def flush() -> None:
        nonlocal desc, used, count, current_heading
        pages.append({"title": head, "description": "\n".join(desc).strip(),
                      "fields": _sources_fields(answer, used), "footer": "", "cites": list(used)})
        desc, used, count, current_heading = [], [], 0, None

    last_flushed = None  # the group heading the previous page ended in

    def piece_for(heading: str, block: str) -> str:
        if not heading or heading == current_heading:
            return block
        cont = " (continued)" if not desc and heading == last_flushed else ""
        return ("\n" if desc else "") + f"**{escape(heading)}**{cont}\n" + block

    for heading, lines in answer.groups:
        for line in lines:
            block = _line_block(line)
            piece = piece_for(heading, block)
            d_len, p_len = cost(piece, line.markers)
            if count and (count >= LINES_PER_PAGE or d_len > DESCRIPTION_BUDGET or p_len > PAGE_BUDGET):
                last_flushed = current_heading
                flush()
                piece = piece_for(heading, block)
            desc.append(piece)
            used += [m for m in line.markers if m not in used]
            count += 1
            current_heading = heading
    if desc or not pages:
        flush()
    n = len(pages)
    for i, page in enumerate(pages, 1):
        page["description"] = clip(page["description"], DESCRIPTION_MAX) or "\u200b"
        page["fields"] = page["fields"][:FIELDS_MAX]
        page["footer"] = f"Page {i}/{n}" if n > 1 else ""
    return pages


def page_numbers(page: dict) -> list[int]:
    """The footnote numbers a page's lines cite (kept with the page, not read back from its text)."""
    return list(page.get("cites") or [])


def cited_records(answer: Answer) -> dict[int, list[dict]]:
    """Footnote number -> the records citing that passage."""
    by_passage = {p: n for n, p, _ in answer.footnotes}
    out: dict[int, list[dict]] = {}
    for rec in answer.records:
        for s in rec.get("sources") or []:
            n = by_passage.get(f"{s['title']} › {s['section']} › item {s['item']}")
            if n is not None and rec not in out.setdefault(n, []):
                out[n].append(rec)
    return out


def sources_pages(answer: Answer, numbers: list[int] | None = None) -> list[dict]:
    """The cited passages in full, with the title, summary and quote of every record they support,
    for the "Sources" button: one page per message, as many pages as needed."""
    notes = {n: (p, u) for n, p, u in answer.footnotes}
    numbers = [n for n in (numbers if numbers is not None else list(notes)) if n in notes]
    cited = cited_records(answer)
    blocks = []
    for n in numbers:
        passage, url = notes[n]
        block = [f"**[{n}]** {escape(clip(passage, PASSAGE_MAX))}" + (f"\n<{url}>" if url and " " not in url else "")]
        for rec in cited.get(n, []):
            date = (rec.get("date") or {}).get("text") or UNDATED
            block.append(f"• **{escape(clip(rec['title'], 300))}** ({escape(date)})")
            if rec.get("summary"):
                block.append("\u2003" + escape(clip(rec["summary"], 900)))
            if rec.get("quote"):
                block.append("\u2003_“" + escape(clip(rec["quote"], 600)) + "”_")
        blocks.append(clip("\n".join(block), 3000))
    if not blocks:
        return [{"title": "Sources", "description": "This answer cites no sources.", "fields": [], "footer": ""}]
    pages, desc = [], ""
    for block in blocks:
        if desc and len(desc) + 2 + len(block) > DESCRIPTION_BUDGET:
            pages.append(desc)
            desc = block
        else:
            desc = f"{desc}\n\n{block}" if desc else block
    pages.append(desc)
    n = len(pages)
    return [{"title": "Sources", "description": d, "fields": [], "footer": f"{i}/{n}" if n > 1 else ""}
            for i, d in enumerate(pages, 1)]


def help_page(covers: str, examples: list[str]) -> dict:
    """How to ask, with the dataset's own description (``covers``) and example questions."""
    how = (f"Ask in plain words about {escape(covers)}: who did what, when, how many, which countries. "
           "Every line cites the passage of the source it comes from ([1]); "
           "press **Sources** under an answer to read them.")
    fields = [
        {"name": "Examples", "value": clip("\n".join(f"• {escape(e)}" for e in examples), FIELD_VALUE_MAX),
         "inline": False},
        {"name": "Commands", "value": "\n".join([
            "`/ask question` — answer a question",
            "`/actor name` — everything a country, body or organisation did, newest first",
            "`/search` — filter by actor, type of action, year or years, and words",
            "`/timeline`, `/stats` — the same records as a picture",
            "`/about` — the data and its source",
        ]), "inline": False},
        {"name": "In channels", "value": "Mention the bot with your question, or ask in a channel the "
                                         "moderators set up for questions.", "inline": False},
    ]
    if not examples:
        fields.pop(0)
    return {"title": "How to ask", "description": clip(how, DESCRIPTION_MAX), "fields": fields, "footer": ""}


def _document(doc: dict) -> str:
    text = escape(doc.get("title") or "an untitled document")
    if doc.get("url") and not re.search(r"[\s()<>]", doc["url"]):
        text = f"[{text}]({doc['url']})"
    return text + (f" ({escape(doc['publisher'])})" if doc.get("publisher") else "")


def about_page(facts: dict) -> dict:
    """/about: what the data covers (from sources.yaml), its commonest types of action, the
    documents and their publishers, and the counts."""
    docs = facts.get("documents") or [{"title": facts.get("source_title"), "url": facts.get("source_url"),
                                       "publisher": facts.get("publisher")}]
    kinds = ", ".join(t.lower() for t in facts.get("common_types") or [])
    source = (f"one document: {_document(docs[0])}" if len(docs) == 1 else
              f"{len(docs)} documents: " + "; ".join(_document(d) for d in docs[:10]))
    desc = (f"Facts about {escape(facts.get('covers') or 'the records in the data')}"
            + (f" — {escape(kinds)} —" if kinds else "") + f" taken from {source}. Records say only what the "
            "source says, and every line of an answer cites the passage it comes from.")
    years = (f"{facts['first_year']}–{facts['last_year']}" if facts.get("first_year") else "—")
    fields = [
        {"name": "Records", "value": str(facts.get("records", 0)), "inline": True},
        {"name": "Actors", "value": str(facts.get("actors", 0)), "inline": True},
        {"name": "Types of action", "value": str(facts.get("types", 0)), "inline": True},
        {"name": "Years", "value": years, "inline": True},
        {"name": "Data last changed", "value": facts.get("data_changed") or "unknown", "inline": True},
    ]
    return {"title": "About this data", "description": clip(desc, DESCRIPTION_MAX), "fields": fields, "footer": ""}


def page(title: str, description: str, fields: list[dict] | None = None, footer: str = "") -> dict:
    """A page cut to Discord's limits; the text is used as given (escape what is not ours)."""
    return {"title": clip(title, TITLE_MAX), "description": clip(description, DESCRIPTION_MAX) or "\u200b",
            "fields": (fields or [])[:FIELDS_MAX], "footer": clip(footer, FOOTER_MAX)}


def notice_page(text: str, title: str = "") -> dict:
    """A short notice (errors, hints, results) as a page; the text is ours, not escaped."""
    return page(title, text)
