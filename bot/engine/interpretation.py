"""What a question was understood to ask: a plain value, printed by `--explain`, returned in
`--json`, compared in tests. Each kind of question is a field with its own mechanism."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from bot.dates import Period

_PRIVATE = ("at",)   # token positions, for the interpreter's own use


@dataclass
class Interpretation:
    question: str
    language: str = "en"                                   # the question's language (the answer is English)
    framing: list[str] = field(default_factory=list)       # greetings, thanks, "for a class…": set aside
    corrections: list[list[str]] = field(default_factory=list)  # [typed, read as]
    polarity: str = "open"                                 # open | yes-no ("did…", "has…", "is… law?")
    intent: str = "list"                                   # list | which | count | when | latest | earliest | compare
    asks: str = ""                                         # which party: "" | actor ("who did") | target ("whom")
    voice: str = "active"                                  # passive: "was X sanctioned (by Y)"
    actors: list[dict] = field(default_factory=list)       # {id, name, text, how, object}
    groups: list[dict] = field(default_factory=list)       # {id, name, text, how, object, members}
    acting_only: bool = False
    kinds: list[str] = field(default_factory=list)
    types: list[dict] = field(default_factory=list)        # {id, name, text, how}
    all_types: bool = False  # "genocide recognition resolutions": every type applies, not any of them
    types_object: bool = False  # "demanded an investigation": a verb, then what it was about
    mentions: bool = False   # a bare name of something only acted upon ("Hikvision"): mentions count
    kinds_targeted: bool = False  # "which companies were sanctioned": the kind is what was acted upon
    topic_words: list[str] = field(default_factory=list)  # records must use one of these words
    entities: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)     # {id, name, text, how}: "multilateral action"
    stages: list[str] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    months: list[int] = field(default_factory=list)        # a month named without a year: in every year
    relative: dict | None = None                           # {relation, event}: "the year after Abe met Xi"
    exclude: list[dict] = field(default_factory=list)      # {category: actor|group|kind|type, id, name, text}
    count_of: list[str] = field(default_factory=list)      # what "how many" counts: records, a kind, a unit
    superlative: dict | None = None                        # {order: earliest|latest|most, unit?}: one record
    terms: list[str] = field(default_factory=list)         # leftover words that narrow the search
    common: list[str] = field(default_factory=list)        # leftover words too frequent to narrow; rank only
    ignored: list[str] = field(default_factory=list)       # words that carry no filter
    unknown: list[str] = field(default_factory=list)       # words found nowhere in the data
    unknown_names: list[str] = field(default_factory=list)  # ... of them, Names ("Austria")
    unknown_topic: list[str] = field(default_factory=list)  # ... of them, what it is "about"
    unknown_dates: list[str] = field(default_factory=list)  # date-like words not understood ("last year")
    suggestions: list[str] = field(default_factory=list)   # "did you mean" names
    truncated: bool = False
    followup: dict | None = None                           # {after, carried}: read as continuing a question

    @property
    def subjects(self) -> list[dict]:
        return [a for a in self.actors if not a.get("object")]

    @property
    def objects(self) -> list[dict]:
        return [a for a in self.actors if a.get("object")]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["periods"] = [{"text": p.text, "range": p.describe()} for p in self.periods]
        for bucket in ("actors", "groups", "types", "entities", "sections", "exclude"):
            d[bucket] = [{k: v for k, v in item.items() if k not in _PRIVATE} for item in d[bucket]]
        return d

    def describe(self) -> str:
        """One line per part, for --explain and the logs."""
        out = [f"intent: {self.intent}" + (f", asking for the {self.asks}" if self.asks else "")]
        if self.polarity != "open":
            out.append(f"polarity: {self.polarity} (the answer opens with a verdict from the records)")
        if self.language != "en":
            out.append(f"language: {self.language} (answered in English)")
        if self.voice != "active":
            out.append(f"voice: {self.voice} (the party named first was acted upon)")
        for label, items in (("actors", self.actors), ("groups", self.groups), ("types", self.types),
                             ("entities", self.entities), ("sections of the source", self.sections)):
            if items:
                out.append(f"{label}: " + ", ".join(
                    f"{i['name']} ({i['how']}: {i['text']!r}{', as object' if i.get('object') else ''})" for i in items))
        if self.acting_only:
            out.append("actor roles: acting only (what the actor itself did)")
        if self.exclude:
            out.append("leaving out: " + ", ".join(f"{e['name']} ({e['category']})" for e in self.exclude))
        if self.count_of:
            out.append("counting: " + ", ".join(self.count_of))
        if self.superlative:
            out.append("superlative: " + ", ".join(f"{k} {v}" for k, v in self.superlative.items()))
        if self.corrections:
            out.append("read as: " + ", ".join(f"{a!r} → {b!r}" for a, b in self.corrections))
        for label, items in (("kinds", self.kinds), ("stages", self.stages), ("search words", self.terms),
                             ("too common to narrow", self.common), ("framing, set aside", self.framing),
                             ("ignored", self.ignored), ("unknown words", self.unknown),
                             ("dates not understood", self.unknown_dates), ("did you mean", self.suggestions)):
            if items:
                out.append(f"{label}: {', '.join(items)}")
        if self.periods:
            out.append("periods: " + "; ".join(f"{p.text!r} = {p.describe()}" for p in self.periods))
        if self.months:
            out.append("months of any year: " + ", ".join(str(m) for m in self.months))
        if self.followup:
            carried = ", ".join(self.followup["carried"]) or "nothing"
            out.append(f"follow-up of “{self.followup['after']}”; carried over: {carried}")
        if self.relative:
            out.append(f"period relative to an event: {self.relative['relation']} “{self.relative['event']}”")
        return "\n".join(out)
