"""The rules of each data file (data/README.md), applied while reading it."""
from __future__ import annotations

import re
from pathlib import Path

from bot.dataset.files import record_files
from bot.dataset.model import (
    ACTOR_KINDS,
    ENTITY_KINDS,
    MAX_SUMMARY,
    MAX_TITLE,
    ROLES,
    STAGES,
    Actor,
    Dataset,
    Document,
    Entity,
    Record,
    Section,
    TypeDef,
)
from bot.dataset.reader import Reader
from bot.dataset.yamlio import Problem, line_of
from bot.dates import parse_date
from bot.text import phrase_key


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


def read_vocabularies(r: Reader, root: Path):
    actors, types, entities, documents = {}, {}, {}, {}
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

    for d, f, i in _entries(r, root / "actors.yaml", "actor", {"id", "name", "kind", "parent", "flag", "aliases", "note"}):
        a = Actor(i, r.string(d, "name", f), _kind(r, d, f, i, "actor", ACTOR_KINDS),
                  r.string(d, "parent", f, False) or None, r.string(d, "flag", f, False) or None,
                  r.str_list(d, "aliases", f))
        actors[i], lines[i] = a, (f, line_of(d))
        for n in [a.name, *a.aliases]:
            claim(n, f"actor {i}", f, line_of(d, "aliases"))
    _check_parents(r, actors, lines, "actor")

    for d, f, i in _entries(r, root / "entities.yaml", "entity", {"id", "name", "kind", "aliases", "note"}, False):
        e = entities[i] = Entity(i, r.string(d, "name", f), _kind(r, d, f, i, "entity", ENTITY_KINDS),
                                 r.str_list(d, "aliases", f))
        for n in [e.name, *e.aliases]:
            claim(n, f"entity {i}", f, line_of(d, "aliases"))

    tlines: dict[str, tuple[str, int]] = {}
    for d, f, i in _entries(r, root / "types.yaml", "type", {"id", "label", "parent", "synonyms", "note"}):
        types[i] = TypeDef(i, r.string(d, "label", f), r.string(d, "parent", f, False) or None,
                           r.str_list(d, "synonyms", f))
        tlines[i] = (f, line_of(d))
        for n in types[i].synonyms:
            claim(n, f"type {i}", f, line_of(d, "synonyms"))
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
    return actors, types, entities, documents


def _votes(r: Reader, d, f) -> dict:
    v = d.get("votes")
    if v is None:
        return {}
    if not isinstance(v, dict):
        r.err(f, line_of(d, "votes"), "`votes` must be a mapping of for / against / abstentions / unanimous")
        return {}
    out = {}
    for k, val in v.items():
        if k == "unanimous" and isinstance(val, bool):
            out[k] = val
        elif k in ("for", "against", "abstentions") and isinstance(val, int) and not isinstance(val, bool) and val >= 0:
            out[k] = val
        else:
            r.err(f, line_of(v, k), f"votes: `{k}: {val!r}` is not allowed (counts are whole numbers ≥ 0)")
    return out


def _figures(r: Reader, d, f) -> list[dict]:
    out = []
    for fig in d.get("figures") or []:
        ok = isinstance(fig, dict) and isinstance(fig.get("value"), (int, float)) and not isinstance(fig.get("value"), bool)
        if not ok or not str(fig.get("unit") or "").strip():
            r.err(f, line_of(fig, default=line_of(d, "figures")), "each figure needs a numeric `value` and a `unit`")
            continue
        out.append({"value": fig["value"], "unit": str(fig["unit"]).strip(), "label": str(fig.get("label") or "").strip()})
    return out


def _sources(r: Reader, d, f, documents, cited) -> list[dict]:
    out = []
    srcs = d.get("sources")
    if not isinstance(srcs, list) or not srcs:
        r.err(f, line_of(d, "sources"), "`sources` must list at least one passage")
        return out
    for s in srcs:
        if not isinstance(s, dict):
            r.err(f, line_of(d, "sources"), "each source must be a mapping")
            continue
        r.fields(s, f, {"document", "section", "item", "url"})
        doc = documents.get(str(s.get("document") or ""))
        if doc is None:
            r.err(f, line_of(s, "document"), f"unknown document {s.get('document')!r}")
            continue
        sec = doc.section(str(s.get("section") or ""))
        item = s.get("item")
        if sec is None:
            r.err(f, line_of(s, "section"), f"document {doc.id!r} has no section {s.get('section')!r}")
            continue
        if not isinstance(item, int) or isinstance(item, bool) or not 1 <= item <= sec.items:
            r.err(f, line_of(s, "item"), f"section {sec.heading!r} has items 1–{sec.items}, not {item!r}")
            continue
        url = str(s.get("url") or "").strip()
        if url and not re.match(r"^https?://\S+$", url):
            r.err(f, line_of(s, "url"), f"url {url!r} is not an http(s) address")
        cited.add((doc.id, sec.key, item))
        out.append({"document": doc.id, "title": doc.title, "section": sec.heading,
                    "section_key": sec.key, "item": item, "url": url})
    return out


def _known(r: Reader, d, f: str, key: str, known: dict, what: str, required: bool) -> list[str]:
    """The ids a record lists under `key` that exist; each unknown one reported."""
    ids = r.str_list(d, key, f)
    for x in ids:
        if x not in known:
            r.err(f, line_of(d, key), f"unknown {what} {x!r} (see {key}.yaml)")
    if required and not ids:
        r.err(f, line_of(d, key), f"`{key}` must name at least one {what}")
    return [x for x in ids if x in known]


RECORD_FIELDS = {"id", "title", "summary", "date", "actors", "body", "types", "stage", "votes",
                 "figures", "entities", "quote", "sources", "note"}


def read_record(r: Reader, d, f, seen, actors, types, entities, documents, cited) -> Record | None:
    if not isinstance(d, dict):
        r.err(f, line_of(d), "each record must be a mapping")
        return None
    r.fields(d, f, RECORD_FIELDS)
    i = r.ident(d, f, seen, "record")
    try:
        date = parse_date(d.get("date"))
    except (ValueError, TypeError) as exc:
        r.err(f, line_of(d, "date"), f"date: {exc}")
        date = None
    links = []
    for a in d.get("actors") or []:
        aid, role = (a, "acted") if isinstance(a, str) else ((a.get("id"), a.get("role", "acted")) if isinstance(a, dict) else (None, None))
        if aid not in actors:
            r.err(f, line_of(a, "id", line_of(d, "actors")), f"unknown actor {aid!r}")
        elif role not in ROLES:
            r.err(f, line_of(a, "role", line_of(d, "actors")), f"unknown role {role!r} (one of {', '.join(ROLES)})")
        else:
            links.append((aid, role))
    if not links:
        r.err(f, line_of(d, "actors"), "`actors` must name at least one known actor")
    tlist = _known(r, d, f, "types", types, "type", required=True)
    elist = _known(r, d, f, "entities", entities, "entity", required=False)
    stage = r.string(d, "stage", f, False)
    if stage and stage not in STAGES:
        r.err(f, line_of(d, "stage"), f"unknown stage {stage!r} (one of {', '.join(sorted(STAGES))})")
    rec = Record(
        i or "", r.string(d, "title", f, limit=MAX_TITLE), r.string(d, "summary", f, limit=MAX_SUMMARY), date,
        links, tlist, _sources(r, d, f, documents, cited),
        body=r.string(d, "body", f, False), stage=stage if stage in STAGES else "",
        votes=_votes(r, d, f), figures=_figures(r, d, f), entities=elist,
        quote=r.string(d, "quote", f, False, limit=MAX_SUMMARY), file=f, line=line_of(d),
    )
    return rec if i else None


def read_records(r: Reader, root: Path, actors, types, entities, documents) -> list[Record]:
    records, seen, cited = [], {}, set()
    files = record_files(root)
    if not files:
        r.err(r.name(root / "records"), 1, "no record files (records/*.yaml)")
    for path in files:
        f = r.name(path)
        for d in r.load(path, list):
            rec = read_record(r, d, f, seen, actors, types, entities, documents, cited)
            if rec:
                records.append(rec)
    if files and not seen:   # valid, but every question would find nothing: say so
        r.err(r.name(root / "records"), 1, "the data holds no records: every records/*.yaml file is empty",
              warning=True)
    for doc in documents.values():
        for sec in doc.sections:
            for n in range(1, sec.items + 1):
                if (doc.id, sec.key, n) not in cited:
                    r.err(r.name(root / "sources.yaml"), 1,
                          f"{doc.title} › {sec.heading} › item {n} is cited by no record", warning=True)
    return records


def load_dataset(root: Path | str) -> tuple[Dataset, list[Problem]]:
    root = Path(root)
    r = Reader(root)
    if not root.is_dir():
        r.err(str(root), 1, "data folder does not exist")
        return Dataset(root, {}, {}, {}, {}, []), r.problems
    actors, types, entities, documents = read_vocabularies(r, root)
    records = read_records(r, root, actors, types, entities, documents)
    ds = Dataset(root, actors, types, entities, documents, records)
    r.problems.sort(key=lambda p: (p.file, p.line))
    return ds, r.problems


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.warning]
