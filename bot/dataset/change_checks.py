"""What `python -m bot validate` would say of the data with a change made, from only what the
change can affect: the changed records against the vocabularies, the ids and the passages
they cite; for an actor, the vocabularies and the records that name it.

The rules are validate's own (schema.read_record, schema.read_vocabularies), run on each new
block as it will stand in its file, so a refusal names the same file, line and words validate
would. What the change cannot affect is not read again.
"""
from __future__ import annotations

from pathlib import Path

from bot.dataset.folder import FolderView, Found
from bot.dataset.plan import Plan
from bot.dataset.reader import Reader
from bot.dataset.schema import errors_only, read_record
from bot.dataset.yamlio import Problem, YamlError, line_of, load_text


def _block_item(text: str, line: int, name: str):
    """A block parsed alone, its lines as they will be in the file."""
    data = load_text("\n" * (line - 1) + text, name)
    return data[0] if isinstance(data, list) and data else data


def _duplicates(view: FolderView, plan: Plan, item, path: Path, target: str) -> list[Problem]:
    """validate's "duplicate record id" for a record added where the id already is."""
    gone = {(w.change.path, w.change.target) for w in plan.written if w.change.after is None}
    found, blind = view.occurrences("record", target)
    if blind:
        return [Problem(p.file, p.line, f"cannot check that id {target!r} is used once: {p.message}") for p in blind]
    found = [f for f in found if (f.path, target) not in gone]
    if not found:
        return []
    order = {p: n for n, p in enumerate(view.paths("record"))}
    every = sorted([*found, Found(path, 10**9, item)],
                   key=lambda f: (order.get(f.path, len(order)), line_of(f.item)))
    first, name = every[0], view.names.name
    return [Problem(name(f.path), line_of(f.item, "id"),
                    f"duplicate record id {target!r} (first at {name(first.path)}:{line_of(first.item)})")
            for f in every[1:]]


def check(view: FolderView, plan: Plan) -> list[Problem]:
    """validate's errors that this plan's changes would bring, sorted by file and line."""
    name = view.names.name
    vocab_texts = {p: t for p, t in plan.texts.items() if p.parent == view.root and p.suffix == ".yaml"}
    vocab = view.vocabulary(vocab_texts)
    r = Reader(view.root)
    problems: list[Problem] = []
    if vocab_texts:
        problems += errors_only(vocab.problems)
    args = (vocab.actors, vocab.types, vocab.entities, vocab.documents)
    for w in plan.written:
        c = w.change
        if c.kind != "record" or c.after is None:
            continue
        f = name(c.path)
        try:
            item = _block_item(w.text, w.line, f)
        except YamlError as exc:
            problems.append(exc.problem)
            continue
        read_record(r, item, f, {}, *args, set())
        if c.before is None:
            problems += _duplicates(view, plan, item, c.path, c.target)
    gone = [w.change.target for w in plan.written if w.change.kind == "actor" and w.change.after is None]
    for actor in gone:   # records that name an actor taken away
        for path in view.holding(actor):
            for d in view.items(path):
                if isinstance(d, dict) and actor in _actor_ids(d):
                    read_record(r, d, name(path), {}, *args, set())
    problems += errors_only(r.problems)
    return sorted(problems, key=lambda p: (p.file, p.line))


def _actor_ids(d: dict) -> set:
    return {a if isinstance(a, str) else a.get("id") if isinstance(a, dict) else None for a in d.get("actors") or []}
