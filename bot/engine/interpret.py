"""Turn a question into an Interpretation: actors, periods, types, entities, intent, leftovers.

The steps run in a fixed order, each consuming the words it understood:
named things (longest phrase first, so "Beijing 2022 Olympics" is an event, not a year),
dates, short names, intent and kind words, fuzzy names, and what is left goes to
full-text search. The result is a plain value: print it, compare it in tests.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Protocol

from bot.dates import Period, find_periods
from bot.engine.lexicon import Lexicon, Name
from bot.text import QUESTION_WORDS, Token, clean, fold, tokenize

MAX_QUESTION_CHARS = 500  # longer text is cut: nobody asks a question of 10,000 characters

KIND_WORDS = {
    "country": ("country", "countri", "nation", "government", "state"),
    "legislature": ("parliament", "legislature", "lawmaker", "parliamentarian", "congress"),
    "civil-society": ("organization", "ngo", "group", "civil"),
    "company": ("company", "compani", "business", "firm"),
}
KIND_MEMBERS = {"country": ("country",), "legislature": ("legislature", "chamber", "committee"),
                "civil-society": ("civil-society", "group"), "company": ("company",)}
STAGE_WORDS = {"fail": "failed", "reject": "failed", "enact": "enacted", "introduc": "introduced",
               "propos": "introduced", "pending": "pending"}
ACTING_WORDS = frozenset("do did does done doing say said says take took taken respond responded "
                         "react reacted announce announced act acted action actions measure measures "
                         "step steps response responses".split())
OBJECT_WORDS = frozenset("on against about regarding targeting concerning toward towards over with".split())

_INTENTS = [
    ("count", re.compile(r"\bhow many\b|\bnumber of\b|\bhow much\b|\bcount\b|\btotal\b")),
    ("when", re.compile(r"^\W*when\b|\bwhen (?:did|was|were|has|have|is|will)\b|\bwhat (?:date|year|day)\b")),
    ("latest", re.compile(r"\b(?:latest|most recent|newest|recent|last)\b(?!\s+(?:year|month))")),
    ("earliest", re.compile(r"\b(?:earliest|first|oldest)\b")),
    ("which", re.compile(r"^\W*(?:which|what)\s+(?:\w+\s+)?(?:countries|nations|governments|parliaments|"
                         r"legislatures|organi[sz]ations|groups|companies|bodies|actors|states|ngos)\b|\bwho\b")),
]
_PASSIVE = re.compile(r"\b(?:were|was|been|being|are|is|got|get)\s+(?:\w+ly\s+)?\w+(?:ed|en)\b")
_COMPARE = re.compile(r"\b(?:compare|comparison|versus|vs|differ|difference|differences)\b")


@dataclass
class Interpretation:
    question: str
    intent: str = "list"
    actors: list[dict] = field(default_factory=list)     # {id, name, text, how, object}
    acting_only: bool = False
    kinds: list[str] = field(default_factory=list)
    types: list[dict] = field(default_factory=list)      # {id, name, text, how}
    all_types: bool = False  # "demanded an investigation": every type applies, not any of them
    mentions: bool = False   # a bare name of something only acted upon ("Hikvision"): mentions count
    kinds_targeted: bool = False  # "which companies were sanctioned": the kind is what was acted upon
    topic_words: list[str] = field(default_factory=list)  # records must use one of these words
    entities: list[dict] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)       # leftover words that narrow the search
    common: list[str] = field(default_factory=list)      # leftover words too frequent to narrow; rank only
    ignored: list[str] = field(default_factory=list)     # words that carry no filter
    unknown: list[str] = field(default_factory=list)     # words found nowhere in the data
    unknown_names: list[str] = field(default_factory=list)  # ... of them, Names ("Austria")
    unknown_topic: list[str] = field(default_factory=list)  # ... of them, what it is "about"
    suggestions: list[str] = field(default_factory=list)  # "did you mean" names
    truncated: bool = False

    def to_dict(self) -> dict:
        d = asdict(self)
        d["periods"] = [{"text": p.text, "range": p.describe()} for p in self.periods]
        return d

    def describe(self) -> str:
        """One line per part, for --explain and the logs."""
        out = [f"intent: {self.intent}"]
        for label, items in (("actors", self.actors), ("types", self.types), ("entities", self.entities)):
            if items:
                out.append(f"{label}: " + ", ".join(
                    f"{i['name']} ({i['how']}: {i['text']!r}{', as object' if i.get('object') else ''})" for i in items))
        if self.acting_only:
            out.append("actor roles: acting only (what the actor itself did)")
        for label, items in (("kinds", self.kinds), ("stages", self.stages), ("search words", self.terms),
                             ("too common to narrow", self.common), ("ignored", self.ignored), ("unknown words", self.unknown),
                             ("did you mean", self.suggestions)):
            if items:
                out.append(f"{label}: {', '.join(items)}")
        if self.periods:
            out.append("periods: " + "; ".join(f"{p.text!r} = {p.describe()}" for p in self.periods))
        return "\n".join(out)


def _add(interp: Interpretation, name: Name, text: str, how: str, obj: bool = False) -> None:
    bucket = {"actor": interp.actors, "entity": interp.entities, "type": interp.types}[name.category]
    if any(i["id"] == name.target for i in bucket):
        return
    item = {"id": name.target, "name": name.name, "text": text, "how": how}
    if name.category == "actor":
        item["object"] = obj
    bucket.append(item)


class Vocabulary(Protocol):
    """The words of the records: how many records hold a stem, and the closest known stem."""
    n_records: int

    def lookup(self, stem: str) -> tuple[int, str] | None: ...   # (records holding it, a word form)

    def correct(self, stem: str) -> str | None: ...


COMMON_SHARE = 0.25  # a word in more than this share of records narrows nothing


TOPIC_WORDS = frozenset("about regarding concerning on over".split())


def _is_name(toks: list[Token], n: int, interp: Interpretation) -> bool:
    """An unknown Name is what the question is about: capitalised after the first word
    ("sanctions by Austria"), or, as the first word, close to a known name ("Austria sanctions")."""
    first = next(i for i, x in enumerate(toks) if not x.stop)
    return toks[n].text[:1].isupper() and (n != first or bool(interp.suggestions))


def _listed(text: str, spans: list[str]) -> bool:
    """Whether phrases are listed as alternatives ("sanctions and import bans", "bans, freezes")
    rather than describing one thing together ("demanded an investigation")."""
    found = sorted((text.find(s), s) for s in spans if s in text)
    for (a, first), (b, _) in zip(found, found[1:]):
        between = text[a + len(first):b].casefold()
        if not re.search(r"\band\b|\bor\b|,|&|/", between):
            return False
    return True


def _after_topic_word(toks: list[Token], n: int, used: list[bool]) -> bool:
    """Whether token n is part of what follows "about" (possibly after other such words):
    in "what did France do about climate change" both words are the topic."""
    for j in range(n - 1, -1, -1):
        if toks[j].norm in TOPIC_WORDS:
            return True
        if used[j] or (not toks[j].stop and toks[j].norm in QUESTION_WORDS):
            return False
    return False


class Interpreter:
    def __init__(self, lexicon: Lexicon, vocab: Vocabulary | None = None,
                 canonical: dict[tuple[str, str], str] | None = None, acting: set[str] | None = None):
        self.lex = lexicon
        self.vocab = vocab
        self.canonical = canonical or {}   # (category, id) -> display name
        self.acting = acting               # actors that act in some record (themselves or by a part)

    def _name(self, n: Name) -> Name:
        return Name(n.category, n.target, self.canonical.get((n.category, n.target), n.name))

    def __call__(self, question: str) -> Interpretation:
        text = clean(question)
        interp = Interpretation(question=text[:MAX_QUESTION_CHARS], truncated=len(text) > MAX_QUESTION_CHARS)
        text = text[:MAX_QUESTION_CHARS]
        toks = tokenize(text)
        used = [False] * len(toks)

        def is_object(i: int) -> bool:
            j = i - 1
            while j >= 0 and toks[j].norm in ("the", "a", "an"):
                j -= 1
            return j >= 0 and toks[j].norm in OBJECT_WORDS

        def claim(idx: list[int], name: Name, how: str) -> None:
            for i in idx:
                used[i] = True
            _add(interp, self._name(name), text[toks[idx[0]].start:toks[idx[-1]].end], how, is_object(idx[0]))

        content = [i for i, t in enumerate(toks) if not t.stop]
        # 1. exact names, longest first, over the words that are not stop words
        self._exact(toks, content, used, claim)
        # 2. dates, in what the names left
        masked = "".join(c if not any(t.start <= k < t.end and used[n] for n, t in enumerate(toks)) else " "
                         for k, c in enumerate(text)) if any(used) else text
        for s, e, period in find_periods(masked):
            interp.periods.append(period)
            for n, t in enumerate(toks):
                if t.start < e and s < t.end:
                    used[n] = True
        # 3. short names: US, U.K., EU, "the us"
        for n, t in enumerate(toks):
            if not used[n] and not t.stop and len(t.norm) <= 3:
                names = self.lex.lookup_short(t.norm)
                if names:
                    claim([n], names[0], "exact")
        # 4. intent, kinds, stages
        self._intent(interp, toks, used, fold(text))
        # 5. fuzzy names over what is left
        self._fuzzy(toks, used, claim, interp)
        # 6. the rest
        for n, t in enumerate(toks):
            if used[n] or t.stop:
                continue
            if t.norm in QUESTION_WORDS or t.stem in QUESTION_WORDS or len(t.norm) < 2:
                interp.ignored.append(t.text)
            else:
                self._term(interp, t)
                if interp.unknown and interp.unknown[-1] is t.text:
                    if _is_name(toks, n, interp):
                        interp.unknown_names.append(t.text)
                    elif _after_topic_word(toks, n, used):
                        interp.unknown_topic.append(t.text)
        interp.acting_only = bool(interp.actors) and any(t.norm in ACTING_WORDS for t in toks)
        # "European Union" alone means what the EU took part in; "Hikvision" alone, which never
        # acts, means every record that names it
        interp.mentions = self.acting is not None and not any(a["id"] in self.acting for a in interp.actors)
        subjects = [a for a in interp.actors if not a["object"]]
        if interp.actors and not subjects:      # "sanctions on XPCC": XPCC is the only actor asked
            for a in interp.actors:
                a["object"] = False
        if _COMPARE.search(fold(text)) and len(interp.actors) >= 2:
            interp.intent = "compare"
        for bucket in (interp.actors, interp.types, interp.entities):  # in the question's order
            bucket.sort(key=lambda item: text.find(item["text"]))
        interp.all_types = len(interp.types) > 1 and not _listed(text, [t["text"] for t in interp.types])
        interp.kinds_targeted = bool(interp.kinds) and bool(_PASSIVE.search(fold(text)))
        if interp.intent == "count":  # "how many countries…": what is counted, not who may count
            interp.kinds = []
        return interp

    def _exact(self, toks: list[Token], content: list[int], used: list[bool], claim) -> None:
        for width in range(min(self.lex.max_words, len(content)), 0, -1):
            for k in range(len(content) - width + 1):
                idx = content[k:k + width]
                if any(used[i] for i in idx):
                    continue
                # a phrase may skip stop words but not run across other words
                if idx[-1] - idx[0] + 1 > width and any(not toks[j].stop for j in range(idx[0], idx[-1] + 1) if j not in idx):
                    continue
                names = self.lex.lookup(tuple(toks[i].stem for i in idx))
                if names and not (width == 1 and len(toks[idx[0]].norm) <= 3):
                    claim(idx, names[0], "exact")

    def _intent(self, interp: Interpretation, toks: list[Token], used: list[bool], folded: str) -> None:
        for intent, rx in _INTENTS:
            if rx.search(folded):
                interp.intent = intent
                break
        for n, t in enumerate(toks):
            if used[n]:
                continue
            if _after_topic_word(toks, n, used):
                continue  # "what did UN experts say about companies": a topic, not who acted
            for kind, stems in KIND_WORDS.items():
                if t.stem in stems and kind not in interp.kinds:
                    interp.kinds.append(kind)
                    used[n] = True
            for prefix, stage in STAGE_WORDS.items():
                if t.norm.startswith(prefix) and stage not in interp.stages:
                    interp.stages.append(stage)
                    used[n] = True

    def _term(self, interp: Interpretation, t: Token) -> None:
        if self.vocab is None:
            interp.terms.append(t.norm)
            return
        found = self.vocab.lookup(t.stem)
        if found is None and not t.is_number:
            fixed = self.vocab.correct(t.stem)
            found = self.vocab.lookup(fixed) if fixed else None
        if found is None:
            interp.unknown.append(t.text)
        elif found[0] > COMMON_SHARE * max(self.vocab.n_records, 1):
            interp.common.append(found[1])
        elif found[1] not in interp.terms:
            interp.terms.append(found[1])

    def _fuzzy(self, toks: list[Token], used: list[bool], claim, interp: Interpretation) -> None:
        for width in (3, 2, 1):
            for k in range(len(toks) - width + 1):
                idx = list(range(k, k + width))
                if any(used[i] or toks[i].stop or toks[i].is_number for i in idx):
                    continue
                if width == 1 and (toks[k].norm in QUESTION_WORDS or toks[k].stem in QUESTION_WORDS
                                   or (self.vocab and self.vocab.lookup(toks[k].stem))):
                    continue  # a word the records use is that word, not a misspelt name
                span = " ".join(toks[i].stem for i in idx)
                match, close = self.lex.fuzzy(span)
                if match:
                    claim(idx, match[0], "fuzzy")
                elif width == 1 and (toks[k].text[:1].isupper() or sum(not t.stop for t in toks) == 1):
                    # a near name is worth suggesting for a Name, or a word asked on its own;
                    # "change" being two letters from "China" is not
                    for n in close:
                        label = self.canonical.get((n.category, n.target), n.name)
                        if label not in interp.suggestions:
                            interp.suggestions.append(label)
