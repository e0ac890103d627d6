"""What a set of changes does to the files: each file's new text, and where each block lands.

Pure of any writing: a save, a check and a recovery all plan the same way from the files as
they are, so a change finished after a crash is byte for byte the change that was checked.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.dataset.blocks import Layout, Splice, Verbatim, indented, layout, rewrite
from bot.dataset.change import Change, ChangeRefused
from bot.dataset.folder import FolderView
from bot.dataset.yaml_edit import plain
from bot.dataset.yamlio import Problem, YamlError, load_text


@dataclass
class Written:
    change: Change
    line: int = 0                 # where its new block starts in the new text (0: removed)
    text: str | None = None       # the block as written (indented, the file's line breaks)
    text_before: str | None = None  # the block it replaces, as the file held it
    splice: Splice | None = None  # the file's bytes before and after, when it is the file's only change
    place: dict | None = None     # a removed record's neighbours, to put it back between them


@dataclass
class Plan:
    texts: dict[Path, str]
    written: list[Written]


def _as_written(text: str, lay: Layout) -> str:
    if isinstance(text, Verbatim):
        first = text.split("\n", 1)[0]
        if len(first) - len(first.lstrip(" ")) == lay.indent and ("\r\n" in text) == (lay.newline == "\r\n"):
            return text
        text = "\n".join(ln[lay.indent:] if ln.startswith(" " * lay.indent) else ln.lstrip(" ")
                         for ln in text.replace("\r\n", "\n").split("\n"))
    return indented(text, lay.indent, lay.newline)


def _refuse(problem: Problem) -> ChangeRefused:
    return ChangeRefused(str(problem), [problem])


def _same_alone(view: FolderView, path: Path, lay: Layout, index: int, item) -> None:
    """The block read on its own must be the record the whole file holds: else the rewrite
    would not be exact (a layout this module does not know), and it is refused."""
    block = lay.blocks[index]
    name = view.names.name(path)
    try:
        alone = load_text(lay.text[block.start:block.end], name)
    except YamlError:
        alone = None
    if not isinstance(alone, list) or len(alone) != 1 or plain(alone[0]) != plain(item):
        raise _refuse(Problem(name, block.line, "this record is written in a way its block cannot be rewritten "
                                                "exactly; edit this file by hand"))


def plan(view: FolderView, changes: list[Change], fresh: bool = False) -> Plan:
    """The new texts of the files these changes touch. Raises ChangeRefused (file:line) when a
    file cannot be rewritten exactly."""
    by_file: dict[Path, list[Change]] = {}
    for c in changes:
        by_file.setdefault(c.path, []).append(c)
    texts, written = {}, {}
    for path, group in by_file.items():
        try:
            lay, items = view.parsed(path, fresh) if path.exists() else (layout("", view.names.name(path)), [])
        except YamlError as exc:
            raise _refuse(exc.problem) from None
        ids = [str(d.get("id")) if isinstance(d, dict) else None for d in items]
        replace, after, appends, keys = {}, {}, [], {}
        for c in group:
            w = written[id(c)] = Written(c)
            if c.before is not None:
                if c.target not in ids:
                    raise _refuse(Problem(view.names.name(path), 1, f"{c.kind} {c.target!r} is no longer in this file"))
                i = ids.index(c.target)
                _same_alone(view, path, lay, i, items[i])
                w.text_before = lay.text[lay.blocks[i].start:lay.blocks[i].end]
                replace[i] = None if c.after is None else _as_written(c.text_after, lay)
                keys[id(c)] = ("r", i)
                if c.after is None:
                    w.place = {"prev": ids[i - 1] if i else None, "next": ids[i + 1] if i + 1 < len(ids) else None}
                continue
            text = _as_written(c.text_after, lay)
            spot = _spot(ids, c.place)
            if spot is None or spot in after:
                keys[id(c)] = ("n", len(appends))
                appends.append(text)
            else:
                after[spot], keys[id(c)] = text, ("a", spot)
        new_text, lines = rewrite(lay, {i: Verbatim(t) if t is not None else None for i, t in replace.items()},
                                  [Verbatim(t) for t in appends], {i: Verbatim(t) for i, t in after.items()})
        if len(group) == 1 and group[0].exact:
            restored = Splice(**group[0].exact).undone(lay.text)
            new_text = restored if restored is not None else new_text
        texts[path] = new_text
        for c in group:
            w = written[id(c)]
            key = keys[id(c)]
            if c.after is not None:
                w.line = lines[key]
                w.text = replace[key[1]] if key[0] == "r" else after[key[1]] if key[0] == "a" else appends[key[1]]
            if len(group) == 1:
                w.splice = Splice.between(lay.text, new_text)
    return Plan(texts, [written[id(c)] for c in changes])


def _spot(ids: list, place: dict | None) -> int | None:
    """Where a record put back goes: after its old neighbour before, or before the one after."""
    if not place:
        return None
    if place.get("prev") in ids:
        return ids.index(place["prev"])
    if place.get("next") in ids:
        return ids.index(place["next"]) - 1
    return None
