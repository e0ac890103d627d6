"""The dataset as typed objects, read from a data folder in the schema of data/README.md.

Reading and checking are one pass: `load_dataset` returns the objects it could build and
every problem it saw, each with file and line. The index is only built from a dataset
with no errors.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.dataset.yamlio import Problem, YamlError, line_of, load_file
from bot.dates import DateValue
from bot.text import fold

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
ACTOR_KINDS = frozenset("""country territory supranational intergovernmental un-body legislature
chamber committee government-body court tribunal civil-society company group person""".split())
ENTITY_KINDS = frozenset("legislation event person document programme topic place".split())
ROLES = ("acted", "joined", "venue", "target", "mentioned")
ACTING_ROLES = ("acted", "joined")
LINK_ROLES = ("acted", "joined", "venue", "target")  # "mentioned" is context, not involvement
STAGES = frozenset("introduced pending passed-one-chamber passed enacted failed".split())
MAX_TITLE, MAX_SUMMARY = 120, 1000


@dataclass
class Actor:
    id: str
    name: str
    kind: str
    parent: str | None = None
    flag: str | None = None
    aliases: list[str] = field(default_factory=list)


@dataclass
class TypeDef:
    id: str
    label: str
    parent: str | None = None
    synonyms: list[str] = field(default_factory=list)


@dataclass
class Entity:
    id: str
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Section:
    key: str
    heading: str
    items: int


_EMOJI_ETC = re.compile(r"[^\w\s&'’,.()-]")


@lru_cache(maxsize=4096)
def heading_key(heading: str) -> str:
    """Headings compare without emoji, case or spacing: 'Canada 🇨🇦' == 'canada'."""
    return " ".join(fold(_EMOJI_ETC.sub(" ", heading)).split())


@dataclass
class Document:
    id: str
    title: str
    publisher: str = ""
    url: str = ""
    sections: list[Section] = field(default_factory=list)
    _by_heading: dict = field(default_factory=dict, repr=False, compare=False)
    _indexed: int = field(default=-1, repr=False, compare=False)

    def section(self, heading: str) -> Section | None:
        """The section a citation names; looked up in a dict, as every record cites one."""
        if self._indexed != len(self.sections):   # built once the sections are read
            self._by_heading = {}
            for sec in reversed(self.sections):   # the first of equal headings wins
                self._by_heading[heading_key(sec.heading)] = sec
            self._indexed = len(self.sections)
        return self._by_heading.get(heading_key(heading))


@dataclass
class Record:
    id: str
    title: str
    summary: str
    date: DateValue | None
    actors: list[tuple[str, str]]          # (actor id, role)
    types: list[str]
    sources: list[dict]                    # document, section, item, url
    body: str = ""
    stage: str = ""
    votes: dict = field(default_factory=dict)
    figures: list[dict] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    quote: str = ""
    file: str = ""
    line: int = 0
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class Dataset:
    root: Path
    actors: dict[str, Actor]
    types: dict[str, TypeDef]
    entities: dict[str, Entity]
    documents: dict[str, Document]
    records: list[Record]


def record_files(root: Path) -> list[Path]:
    rec_dir = root / "records"
    return sorted(p for p in rec_dir.rglob("*") if p.suffix in (".yaml", ".yml")) if rec_dir.is_dir() else []


def data_files(root: Path) -> list[Path]:
    """Every file the dataset is made of, in a stable order."""
    fixed = [root / n for n in ("sources.yaml", "actors.yaml", "entities.yaml", "types.yaml")]
    return [p for p in fixed if p.exists()] + record_files(root)


def _stats(folder: str, prefix: str = ""):
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            if prefix or e.name == "records":
                yield from _stats(e.path, f"{prefix}{e.name}/")
        elif e.name.endswith((".yaml", ".yml")) and (prefix or e.name in _FIXED):
            st = e.stat()
            yield f"{prefix}{e.name}\0{st.st_size}\0{st.st_mtime_ns}\n"


_FIXED = {"sources.yaml", "actors.yaml", "entities.yaml", "types.yaml"}


def stat_signature(root: Path) -> str:
    """Cheap fingerprint (names, sizes, mtimes) of the files data_files lists: if it is
    unchanged, so are they. Checked before every answer, so it avoids Path objects."""
    return hashlib.sha256("".join(_stats(str(root))).encode()).hexdigest()


def content_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in data_files(root):
        h.update(str(p.relative_to(root)).encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


class _Reader:
    """Collects problems while turning raw YAML values into typed objects."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent)) if self.root.parent != path else str(path)
        except ValueError:
            return str(path)

    def err(self, file: str, line: int, msg: str, warning: bool = False) -> None:
        self.problems.append(Problem(file, line, msg, warning))

    def load(self, path: Path, want: type, required: bool = True):
        if not path.exists():
            if required:
                self.err(self.name(path), 1, "file is missing")
            return want()
        try:
            data = load_file(path, self.name(path))
        except YamlError as exc:
            self.problems.append(exc.problem)
            return want()
        if data is None:
            return want()
        if not isinstance(data, want):
            self.err(self.name(path), line_of(data), f"expected a {'list' if want is list else 'mapping'} at the top")
            return want()
        return data

    def string(self, d, key, file, required=True, limit=None) -> str:
        v = d.get(key)
        if v is None or v == "":
            if required:
                self.err(file, line_of(d), f"`{key}` is required")
            return ""
        if not isinstance(v, (str, int, float)) or isinstance(v, bool):
            self.err(file, line_of(d, key), f"`{key}` must be text")
            return ""
        v = str(v).strip()
        if limit and len(v) > limit:
            self.err(file, line_of(d, key), f"`{key}` is {len(v)} characters; the limit is {limit}")
        return v

    def str_list(self, d, key, file) -> list[str]:
        v = d.get(key)
        if v is None:
            return []
        if isinstance(v, (str, int)):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, (str, int)) for x in v):
            self.err(file, line_of(d, key), f"`{key}` must be a list of text")
            return []
        return [str(x).strip() for x in v if str(x).strip()]

    def ident(self, d, file, seen: dict, what: str) -> str | None:
        i = self.string(d, "id", file)
        if not i:
            return None
        if not ID_RE.match(i):
            self.err(file, line_of(d, "id"), f"{what} id {i!r} must be lower-case letters, digits and dashes")
            return None
        if i in seen:
            self.err(file, line_of(d, "id"), f"duplicate {what} id {i!r} (first at {seen[i]})")
            return None
        seen[i] = f"{file}:{line_of(d)}"
        return i

    def fields(self, d, file, allowed: set[str]) -> None:
        for key, line in getattr(d, "duplicate_keys", []):
            self.err(file, line, f"`{key}` is given twice")
        for key in d:
            if key not in allowed:
                self.err(file, line_of(d, key), f"unknown field `{key}` (allowed: {', '.join(sorted(allowed))})")


def load_dataset(root: Path | str) -> tuple[Dataset, list[Problem]]:
    from bot.dataset.schema import read_records, read_vocabularies

    root = Path(root)
    r = _Reader(root)
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
