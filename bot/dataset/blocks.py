"""Where each record of a YAML list stands in its file, from the parser's own tokens, and the
file rewritten with some records replaced, removed or added.

A record's block runs from the line of its `-` to the line of its last character, so any
layout YAML allows is found as the parser reads it (`-` alone on its line, comments inside,
folded text, an indented list): never by a pattern on the text. Blank and comment lines
between records stay where they are. A layout this cannot rewrite exactly (a flow list,
unusual line breaks) is refused with file:line, never guessed at.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import yaml
from yaml.tokens import (
    BlockEndToken,
    BlockEntryToken,
    BlockMappingStartToken,
    BlockSequenceStartToken,
    FlowMappingEndToken,
    FlowMappingStartToken,
    FlowSequenceEndToken,
    FlowSequenceStartToken,
    ScalarToken,
    StreamEndToken,
)

from bot.dataset.yamlio import Problem, YamlError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN = (BlockSequenceStartToken, BlockMappingStartToken, FlowSequenceStartToken, FlowMappingStartToken)
_CLOSE = (BlockEndToken, FlowSequenceEndToken, FlowMappingEndToken)
_ODD_BREAKS = ("\x85", "\u2028", "\u2029")   # line breaks to YAML, not to a line-based rewrite


@dataclass(frozen=True)
class Block:
    start: int   # offset of the start of the line holding its "-"
    end: int     # offset just past the line holding its last character
    line: int    # 1-based line of its "-"


@dataclass(frozen=True)
class Layout:
    text: str
    blocks: tuple[Block, ...]
    indent: int          # the column of the list's "-"
    newline: str         # "\n", or "\r\n" when the file uses it


def _refuse(name: str, line: int, why: str) -> YamlError:
    return YamlError(Problem(name, line, f"{why}; edit this file by hand"))


def layout(text: str, name: str) -> Layout:
    """The blocks of the top-level list in text. Raises YamlError (file:line) when the file is
    not a block list this module can rewrite exactly."""
    for n, ch in enumerate(text):
        if ch in _ODD_BREAKS or (ch == "\r" and text[n + 1:n + 2] != "\n"):
            raise _refuse(name, text.count("\n", 0, n) + 1, "a line break other than \\n or \\r\\n")
    loader = _Loader(text)
    try:
        blocks, indent, depth, top, last = [], 0, 0, None, -1
        starts: list[tuple[int, int]] = []
        while True:
            tok = loader.get_token()
            t = type(tok)
            if t is StreamEndToken:
                break
            if t in _CLOSE:
                depth -= 1
                if t is not BlockEndToken and depth:
                    last = tok.end_mark.index
                continue
            if depth == 0 and t in _OPEN:
                top = t
                if t is not BlockSequenceStartToken:
                    raise _refuse(name, tok.start_mark.line + 1, "the records are not written as a `- ` list")
            elif depth == 1 and t is BlockEntryToken and top is BlockSequenceStartToken:
                if starts:
                    blocks.append(_block(text, name, starts[-1], last))
                starts.append((tok.start_mark.index, tok.start_mark.line + 1))
                indent = tok.start_mark.column
                last = tok.end_mark.index
                continue
            elif depth == 0 and t is ScalarToken:
                raise _refuse(name, tok.start_mark.line + 1, "the file holds a single value, not a list of records")
            if t in _OPEN:
                depth += 1
            elif depth and tok.end_mark.index > tok.start_mark.index:
                last = tok.end_mark.index
        if starts:
            blocks.append(_block(text, name, starts[-1], last))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(Problem(name, mark.line + 1 if mark else 1, f"not valid YAML: {exc.problem or exc}")) from None
    finally:
        loader.dispose()
    return Layout(text, tuple(blocks), indent, "\r\n" if "\r\n" in text else "\n")


def _block(text: str, name: str, start: tuple[int, int], last: int) -> Block:
    dash, line = start
    begin = text.rfind("\n", 0, dash) + 1
    if text[begin:dash].strip():
        raise _refuse(name, line, "a record's `-` does not start its line")
    while last > dash and text[last - 1] in " \t\r\n":   # a folded text's token ends after its line breaks
        last -= 1
    end = text.find("\n", last)
    return Block(begin, len(text) if end < 0 else end + 1, line)


class Verbatim(str):
    """A block to write exactly as it is (an undo puts back the bytes the file held)."""


def indented(block: str, indent: int, newline: str = "\n") -> str:
    """A block written at column 0 (dump_record) moved to the list's column and line breaks."""
    if isinstance(block, Verbatim):
        return block
    lines = block.rstrip("\n").split("\n")
    pad = " " * indent
    return newline.join(pad + ln if ln else ln for ln in lines) + newline


def _blank(line: str) -> bool:
    return not line.strip()


def _drop_blank_head(gap: str) -> tuple[str, bool]:
    lines = gap.splitlines(keepends=True)
    n = 0
    while n < len(lines) and _blank(lines[n]):
        n += 1
    return "".join(lines[n:]), n > 0


def _drop_blank_tail(gap: str) -> str:
    lines = gap.splitlines(keepends=True)
    while lines and _blank(lines[-1]):
        lines.pop()
    return "".join(lines)


class _Out:
    """The new text, piece by piece, counting lines so each new block's line is known."""

    def __init__(self, newline: str):
        self.pieces: list[str] = []
        self.line, self.tail, self.content, self.newline = 1, "", False, newline
        self.lines: dict = {}

    def emit(self, piece: str, key=None) -> None:
        if key is not None:
            self.lines[key] = self.line
        self.pieces.append(piece)
        self.line += piece.count("\n")
        self.tail = (self.tail + piece)[-4:]
        self.content = self.content or bool(piece.strip())

    def separate(self) -> None:
        """Before a block added at the end: finish the last line, then leave one blank line."""
        if self.tail and not self.tail.endswith("\n"):
            self.emit(self.newline)
        if self.content and not self.tail.endswith(self.newline * 2):
            self.emit(self.newline)


def rewrite(lay: Layout, replace: dict[int, str | None], appends: list[str] = (),
            after: dict[int, str] | None = None) -> tuple[str, dict]:
    """The file with block i replaced by replace[i] (removed when None), after[i] inserted after
    block i (-1: before the first) and `appends` added at the end. New blocks come at column 0
    with "\n" breaks. Returns the text and the 1-based line where each new block starts, keyed
    ("r", i), ("a", i) or ("n", k)."""
    text, blocks, after = lay.text, lay.blocks, after or {}
    n = len(blocks)
    head = text[:blocks[0].start] if blocks else text
    bodies: list[str | None] = [text[b.start:b.end] for b in blocks]
    gaps = [text[b.end:(blocks[k + 1].start if k + 1 < n else len(text))] for k, b in enumerate(blocks)]
    for i, new in replace.items():
        bodies[i] = None if new is None else indented(new, lay.indent, lay.newline)
    for i in range(n):
        if bodies[i] is None:   # a removed record takes one blank separator with it
            gaps[i], dropped = _drop_blank_head(gaps[i])
            if not dropped and i == 0:
                head = _drop_blank_tail(head)
            elif not dropped:
                gaps[i - 1] = _drop_blank_tail(gaps[i - 1])
    out = _Out(lay.newline)
    out.emit(head)
    if -1 in after:
        out.emit(indented(after[-1], lay.indent, lay.newline), ("a", -1))
        out.emit(lay.newline)
    for i in range(n):
        if bodies[i] is not None:
            out.emit(bodies[i], ("r", i) if i in replace else None)
        if i in after:
            out.emit(lay.newline)
            out.emit(indented(after[i], lay.indent, lay.newline), ("a", i))
        if i < n - 1:
            out.emit(gaps[i])
    tail = gaps[-1] if n else ""
    last_first = not _only_comments(tail)   # a document end ("...") stays after the records
    if not last_first:
        out.emit(tail)
    for k, block in enumerate(appends):
        out.separate()
        out.emit(indented(block, lay.indent, lay.newline), ("n", k))
    if last_first:
        out.emit(tail)
    return "".join(out.pieces), out.lines


def _only_comments(gap: str) -> bool:
    return all(_blank(ln) or ln.lstrip().startswith("#") for ln in gap.splitlines())


@dataclass(frozen=True)
class Splice:
    """One stretch of a file replaced: what undoing a change needs to restore the bytes."""
    at: int
    old: str
    new: str
    sha_after: str   # of the whole file once the splice is made

    @classmethod
    def between(cls, before: str, after: str) -> Splice:
        p, limit = 0, min(len(before), len(after))
        while p < limit and before[p] == after[p]:
            p += 1
        s = 0
        while s < limit - p and before[-1 - s] == after[-1 - s]:
            s += 1
        return cls(p, before[p:len(before) - s], after[p:len(after) - s], sha(after))

    def undone(self, text: str) -> str | None:
        """The file as it was before this splice, if it is still exactly as the splice left it."""
        if sha(text) != self.sha_after or text[self.at:self.at + len(self.new)] != self.new:
            return None
        return text[:self.at] + self.old + text[self.at + len(self.new):]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
