"""The dataset's model: actors, types, entities, documents and records as typed objects,
with the controlled values (kinds, roles, stages) the schema in data/README.md allows."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

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
MAX_COVERS, MAX_EXAMPLE, MAX_EXAMPLES = 150, 100, 12


@dataclass
class Actor:
    id: str
    name: str
    kind: str
    parent: str | None = None
    flag: str | None = None
    aliases: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)     # ids from groups.yaml: regions, memberships


@dataclass
class TypeDef:
    id: str
    label: str
    parent: str | None = None
    synonyms: list[str] = field(default_factory=list)
    translations: dict[str, list[str]] = field(default_factory=dict)   # language code -> words


@dataclass
class Group:
    """A set of actors a question may name together ("EU member states", "Scandinavian countries")."""
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    of: str | None = None    # the actor whose members these are ("EU member states": the EU)


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
class About:
    """What sources.yaml says about the dataset as a whole, for help, /about and hints."""
    covers: str = ""                       # one line: "international responses to the Uyghur crisis"
    examples: list[str] = field(default_factory=list)   # questions the data answers


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


@dataclass
class Dataset:
    root: Path
    actors: dict[str, Actor]
    types: dict[str, TypeDef]
    entities: dict[str, Entity]
    documents: dict[str, Document]
    records: list[Record]
    groups: dict[str, Group] = field(default_factory=dict)
    about: About = field(default_factory=About)
