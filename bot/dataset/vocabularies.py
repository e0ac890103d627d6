"""The vocabulary files of a data folder (data/README.md): actors, groups of actors, entities,
action types with their synonyms and translations, and the source documents. One name has
one owner across all of them, so a phrase in a question means one thing."""
from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from bot.dataset.model import (
    ACTOR_KINDS,
    ENTITY_KINDS,
    MAX_COVERS,
    MAX_EXAMPLE,
    MAX_EXAMPLES,
    About,
    Actor,
    Document,
    Entity,
    Group,
    Section,
    TypeDef,
)
from bot.dataset.reader import Reader
from bot.dataset.yamlio import YamlError, line_of, load_file
from bot.text import phrase_key

LANGUAGE = re.compile(r"^[a-z]{2}$")   # ISO 639-1 codes mark the translations of action types


class Vocabularies(NamedTuple):
    actors: dict[str, Actor]
    types: dict[str, TypeDef]
    entities: dict[str, Entity]
    documents: dict[str, Document]
    groups: dict[str, Group]


def _check_parents(r: Reader, items: dict, lines: dict, what: str) -> None:
    for i, item in items.items():
        if item.parent and item.parent not in items:
            r.err(*lines[i], f"{what} {i!r}: parent {item.parent!r} is not defined")
            item.parent = None
    for i in items:  # a cycle would make "includes its parts" loop forever
        seen, cur = set(), i
        while cur and cur not in seen:
            seen.add(cur)
            cur = items[cur].parent if cur in items else None
        if cur:
            r.err(*lines[i], f"{what} {i!r} is its own ancestor")
            items[i].parent = None


def _entries(r: Reader, path: Path, what: str, allowed: set[str], required: bool = True):
    """(mapping, file name, id) for each well-formed item of a vocabulary file; the rest reported."""
    f, seen = r.name(path), {}
    for d in r.load(path, list, required=required):
        if not isinstance(d, dict):
            r.err(f, line_of(d), f"each {what} must be a mapping")
            continue
        r.fields(d, f, allowed)
        i = r.ident(d, f, seen, what)
        if i:
            yield d, f, i


def _kind(r: Reader, d, f: str, i: str, what: str, kinds: frozenset[str]) -> str:
    kind = r.string(d, "kind", f)
    if kind and kind not in kinds:
        r.err(f, line_of(d, "kind"), f"{what} {i!r}: unknown kind {kind!r} (one of {', '.join(sorted(kinds))})")
    return kind


def read_vocabularies(r: Reader, root: Path) -> Vocabularies:
    actors, types, entities, documents, groups = {}, {}, {}, {}, {}
    group_lines: dict[str, tuple[str, int]] = {}
    lines: dict[str, tuple[str, int]] = {}
    names: dict[tuple, tuple[str, str]] = {}  # phrase key -> (owner, where): one name, one owner

    def claim(name: str, owner: str, file: str, line: int) -> None:
        key = phrase_key(name)
        if not key:
            return
        prev = names.get(key)
        if prev and prev[0] != owner:
            r.err(file, line, f"name {name!r} of {owner} is also a name of {prev[0]} ({prev[1]})")
        names.setdefault(key, (owner, f"{file}:{line}"))

    for d, f, i in _entries(r, root / "groups.yaml", "group", {"id", "name", "aliases", "of", "note"}, False):
        g = groups[i] = Group(i, r.string(d, "name", f), r.str_list(d, "aliases", f), r.string(d, "of", f, False) or None)
        for n in [g.name, *g.aliases]:
            claim(n, f"group {i}", f, line_of(d, "aliases"))
        group_lines[i] = (f, line_of(d, "of"))

    fields = {"id", "name", "kind", "parent", "flag", "aliases", "groups", "note"}
    for d, f, i in _entries(r, root / "actors.yaml", "actor", fields):
        a = Actor(i, r.string(d, "name", f), _kind(r, d, f, i, "actor", ACTOR_KINDS),
                  r.string(d, "parent", f, False) or None, r.string(d, "flag", f, False) or None,
                  r.str_list(d, "aliases", f), r.str_list(d, "groups", f))
        for g in a.groups:
            if g not in groups:
                r.err(f, line_of(d, "groups"), f"actor {i!r}: unknown group {g!r} (see groups.yaml)")
        a.groups = [g for g in a.groups if g in groups]
        actors[i], lines[i] = a, (f, line_of(d))
        for n in [a.name, *a.aliases]:
            claim(n, f"actor {i}", f, line_of(d, "aliases"))
    _check_parents(r, actors, lines, "actor")
    for i, g in groups.items():
        if g.of and g.of not in actors:
            r.err(*group_lines[i], f"group {i!r}: `of` names no actor ({g.of!r})")
            g.of = None

    for d, f, i in _entries(r, root / "entities.yaml", "entity", {"id", "name", "kind", "aliases", "note"}, False):
        e = entities[i] = Entity(i, r.string(d, "name", f), _kind(r, d, f, i, "entity", ENTITY_KINDS),
                                 r.str_list(d, "aliases", f))
        for n in [e.name, *e.aliases]:
            claim(n, f"entity {i}", f, line_of(d, "aliases"))

    tlines: dict[str, tuple[str, int]] = {}
    for d, f, i in _entries(r, root / "types.yaml", "type", {"id", "label", "parent", "synonyms", "translations", "note"}):
        types[i] = TypeDef(i, r.string(d, "label", f), r.string(d, "parent", f, False) or None,
                           r.str_list(d, "synonyms", f), _translations(r, d, f))
        tlines[i] = (f, line_of(d))
        for n in types[i].synonyms:
            claim(n, f"type {i}", f, line_of(d, "synonyms"))
        for words in types[i].translations.values():
            for n in words:
                claim(n, f"type {i}", f, line_of(d, "translations"))
    _check_parents(r, types, tlines, "type")

    f = r.name(root / "sources.yaml")
    src = r.load(root / "sources.yaml", dict)
    seen = {}
    docs = src.get("documents") if isinstance(src, dict) else None
    if not isinstance(docs, list) or not docs:
        r.err(f, line_of(src), "`documents` must be a non-empty list")
        docs = []
    for d in docs:
        if not isinstance(d, dict):
            r.err(f, line_of(d), "each document must be a mapping")
            continue
        r.fields(d, f, {"id", "title", "publisher", "url", "sections", "note"})
        i = r.ident(d, f, seen, "document")
        if not i:
            continue
        doc = Document(i, r.string(d, "title", f), r.string(d, "publisher", f, False), r.string(d, "url", f, False))
        for s in d.get("sections") or []:
            if not isinstance(s, dict):
                r.err(f, line_of(d), "each section must be a mapping")
                continue
            r.fields(s, f, {"key", "heading", "items"})
            items = s.get("items")
            if not isinstance(items, int) or isinstance(items, bool) or items < 1:
                r.err(f, line_of(s, "items"), "`items` must be a positive whole number")
                items = 0
            doc.sections.append(Section(r.string(s, "key", f), r.string(s, "heading", f), items))
        documents[i] = doc
    return Vocabularies(actors, types, entities, documents, groups)




def _translations(r: Reader, d, f: str) -> dict[str, list[str]]:
    """`translations: {fr: [...], es: [...]}`: the type's words in other languages."""
    raw = d.get("translations")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        r.err(f, line_of(d, "translations"), "`translations` must map language codes (fr, es…) to lists of words")
        return {}
    out = {}
    for lang in raw:
        if not LANGUAGE.match(str(lang)):
            r.err(f, line_of(raw, lang), f"translations: {lang!r} is not a two-letter language code")
            continue
        out[str(lang)] = r.str_list(raw, lang, f)
    return out


SOURCES_FIELDS = {"documents", "covers", "examples", "note"}


def read_about(r: Reader, root: Path) -> About:
    """sources.yaml's description of the whole dataset: `covers` (one line) and `examples`
    (questions). Read apart from the documents so neither reader changes shape; a file that
    does not parse was reported by read_vocabularies already."""
    path = root / "sources.yaml"
    f = r.name(path)
    try:
        src = load_file(path, f) if path.exists() else None
    except YamlError:
        return About()
    if not isinstance(src, dict):
        return About()
    r.fields(src, f, SOURCES_FIELDS)
    covers = r.string(src, "covers", f, False, limit=MAX_COVERS)
    if "\n" in covers:
        r.err(f, line_of(src, "covers"), "`covers` must be one line")
        covers = " ".join(covers.split())
    examples = r.str_list(src, "examples", f)
    for n, e in enumerate(examples):
        if len(e) > MAX_EXAMPLE:
            r.err(f, line_of(src, "examples"), f"example {n + 1} is {len(e)} characters; the limit is {MAX_EXAMPLE}")
    if len(examples) > MAX_EXAMPLES:
        r.err(f, line_of(src, "examples"), f"{len(examples)} examples; at most {MAX_EXAMPLES} are shown")
    return About(covers, examples[:MAX_EXAMPLES])
