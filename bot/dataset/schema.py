"""The rules of each data file (data/README.md), applied while reading it."""
from __future__ import annotations

import re
from pathlib import Path

from bot.dataset.files import record_files
from bot.dataset.model import (
    MAX_SUMMARY,
    MAX_TITLE,
    ROLES,
    STAGES,
    Dataset,
    Record,
)
from bot.dataset.reader import Reader
from bot.dataset.vocabularies import read_about, read_vocabularies
from bot.dataset.yamlio import Problem, line_of
from bot.dates import parse_date


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
    v = read_vocabularies(r, root)
    about = read_about(r, root)
    records = read_records(r, root, v.actors, v.types, v.entities, v.documents)
    ds = Dataset(root, v.actors, v.types, v.entities, v.documents, records, v.groups, about)
    r.problems.sort(key=lambda p: (p.file, p.line))
    return ds, r.problems


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.warning]
