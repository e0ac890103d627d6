"""Turn a question into an Interpretation (bot/engine/interpretation.py).

The steps run in a fixed order, each consuming the words it understood: the language and its
function words, chatty framing, typos, named things (longest phrase first, so "Beijing 2022
Olympics" is an event, not a year), dates, short names, what is left out, intent, kinds and
stages, fuzzy names, who acted on whom, and what is left goes to full-text search.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Protocol

from bot.engine import structure
from bot.engine.framing import framing_spans
from bot.engine.interpretation import Interpretation
from bot.engine.languages import ENGLISH, detect
from bot.engine.lexicon import Lexicon, Name
from bot.engine.periods import ALL_MONTHS, read_dates
from bot.engine.spelling import Speller
from bot.engine.structure import KIND_MEMBERS, KIND_WORDS, RECORD_WORDS
from bot.text import QUESTION_WORDS, STOPWORDS, Token, clean, fold, stem, tokenize

MAX_QUESTION_CHARS = 500  # longer text is cut: nobody asks a question of 10,000 characters
__all__ = ["Interpretation", "Interpreter", "KIND_MEMBERS"]

STAGE_WORDS = {"fail": "failed", "reject": "failed", "enact": "enacted", "introduc": "introduced",
               "propos": "introduced", "pending": "pending"}
_INTENTS = [
    ("count", re.compile(r"\bhow many\b|\bnumber of\b|\bhow much\b|\bcount\b|\btotal\b|\bcombien\b|\bcuant|"
                         r"\bwie viele\b|\bkac\b")),
    ("when", re.compile(r"^\W*when\b|\bwhen (?:did|was|were|has|have|is|will)\b|\bwhat (?:date|year|day)\b")),
    ("which", re.compile(r"^\W*(?:which|what)\s+(?:\w+\s+)?(?:countries|nations|governments|parliaments|"
                         r"legislatures|organi[sz]ations|groups|companies|bodies|actors|states|ngos|members)\b"
                         r"|\bwho\b|\bwhom\b|\bby whom\b")),
]
_COMPARE = re.compile(r"\b(?:compare|comparison|versus|vs|differ|difference|differences)\b")
_RELATIVE_EVENT = re.compile(r"\b(?:in\s+)?the\s+(year|month)\s+(after|before)\s+(.+?)\s*\??$", re.I)
TOPIC_WORDS = frozenset("about regarding concerning on over".split())
COMMON_SHARE = 0.25  # a word in more than this share of records narrows nothing
QUESTION_STEMS = frozenset(stem(w) for w in QUESTION_WORDS | ENGLISH.acting)
ENGLISH_WORDS = frozenset(STOPWORDS | QUESTION_WORDS | ENGLISH.acting | ENGLISH.questions | ENGLISH.objects)


class Vocabulary(Protocol):
    """The words of the records: how many records hold a stem, and the closest known stem."""
    n_records: int

    def lookup(self, stem: str) -> tuple[int, str] | None: ...   # (records holding it, a word form)


def _listed(text: str, spans: list[str]) -> bool:
    """Whether phrases are listed as alternatives ("sanctions and import bans", "bans, freezes")
    rather than describing one thing together ("demanded an investigation")."""
    found = sorted((text.find(s), s) for s in spans if s in text)
    for (a, first), (b, _) in zip(found, found[1:]):
        between = text[a + len(first):b].casefold()
        if not re.search(r"\band\b|\bor\b|,|&|/|\bet\b|\by\b|\bund\b|\bve\b", between):
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
                 canonical: dict[tuple[str, str], str] | None = None, acting: set[str] | None = None,
                 groups: dict[str, dict] | None = None, years: tuple[int | None, int | None] = (None, None),
                 speller: Speller | None = None, parents: dict[str, str | None] | None = None):
        self.lex = lexicon
        self.vocab = vocab
        self.canonical = canonical or {}   # (category, id) -> display name
        self.acting = acting               # actors that act in some record (themselves or by a part)
        self.groups = groups or {}         # group id -> {members, ...}
        self.years = years                 # the first and last year the data covers
        self.speller = speller
        self.parents = parents or {}       # actor id -> the actor it is part of

    def _name(self, n: Name) -> Name:
        return Name(n.category, n.target, self.canonical.get((n.category, n.target), n.name))

    # ---- the steps ---------------------------------------------------------------------
    def __call__(self, question: str) -> Interpretation:
        text = clean(question)
        interp = Interpretation(question=text[:MAX_QUESTION_CHARS], truncated=len(text) > MAX_QUESTION_CHARS)
        text = text[:MAX_QUESTION_CHARS]
        toks = tokenize(text)
        lang = detect([t.text for t in toks], ENGLISH_WORDS)
        interp.language = lang.code
        if lang is not ENGLISH:   # the language's own function words hold the sentence, like stop words
            own = lang.stop | lang.questions | lang.acting | lang.objects | lang.agents
            toks = [dataclasses.replace(t, stop=True) if t.norm in own else t for t in toks]
        used = [False] * len(toks)
        claims: list[dict] = []            # every named party, type or kind, with its token span

        self._framing(text, toks, used, interp)
        self._relative_event(text, toks, used, interp)
        original = list(toks)
        toks = self._spell(toks, used, interp)                       # typos, against the data's words

        def claim(idx: list[int], name: Name, how: str) -> None:
            if how == "exact" and any(toks[i] is not original[i] for i in idx):
                how = "corrected"   # a typo read as a known word made the name
            for i in idx:
                used[i] = True
            item = self._add(interp, self._name(name), text[toks[idx[0]].start:toks[idx[-1]].end], how)
            if item is not None:
                item["at"] = (idx[0], idx[-1])
                claims.append(item)

        content = [i for i, t in enumerate(toks) if not t.stop and not used[i]]
        self._exact(toks, content, used, claim)                      # 1. names, longest first
        self._exact(toks, [i for i in content if not self._common(toks[i])], used, claim)
        self._which_kind(toks, used, claims, interp, claim)
        self._dates(text, toks, used, interp)                        # 2. dates, in what names left
        for n, t in enumerate(toks):                                 # 3. short names: US, U.K., EU
            if not used[n] and not t.stop and len(t.norm) <= 3:
                names = self.lex.lookup_short(t.norm)
                if names:
                    claim([n], names[0], "exact")
        self._fuzzy(toks, used, claim, interp)                       # 4. names with a typo
        folded = fold(text)
        interp.polarity = structure.polarity(toks, [used[n] and not toks[n].stop for n in range(len(toks))])
        kind_at = self._intent(interp, toks, used, folded)            # 6. intent, kinds, stages, counts
        self._exclusions(text, toks, used, interp, kind_at)          # 7. what is left out
        self._roles(toks, interp, lang, claims, kind_at)             # 8. who acted on whom
        self._rest(toks, used, interp, lang)                         # 9. the rest
        self._settle(interp, toks, text, folded, lang)
        return interp

    def _framing(self, text: str, toks: list[Token], used: list[bool], interp: Interpretation) -> None:
        for s, e in framing_spans(text):
            hit = [n for n, t in enumerate(toks) if t.start < e and s < t.end]
            if hit:
                interp.framing.append(text[s:e].strip())
                for n in hit:
                    used[n] = True

    def _known(self, t: Token, n: int, toks: list[Token]) -> bool:
        if t.stop or t.is_number or len(t.norm) < 4 or not t.norm.isalpha():
            return True
        if t.norm in QUESTION_WORDS or t.stem in QUESTION_WORDS or t.norm in ENGLISH_WORDS or t.norm in ALL_MONTHS \
                or t.norm in structure.STRUCTURE_WORDS:
            return True
        if t.stem in self.lex.words or (self.vocab and self.vocab.lookup(t.stem)) or t.stem in QUESTION_STEMS:
            return True
        first = next((i for i, x in enumerate(toks) if not x.stop), n)
        return t.text[:1].isupper() and n != first    # a Name: the fuzzy name match reads it

    def _spell(self, toks: list[Token], used: list[bool], interp: Interpretation) -> list[Token]:
        if self.speller is None:
            return toks
        out = list(toks)
        for n, t in enumerate(toks):
            if used[n] or self._known(t, n, toks):
                continue
            neighbours = [toks[j].stem for j in (n - 1, n + 1) if 0 <= j < len(toks) and not toks[j].stop]
            fits = (lambda w, near=neighbours: any(self.vocab.phrase(a, b) for a, b in
                                                     [(x, w) for x in near[:1]] + [(w, x) for x in near[1:]])) \
                if self.vocab is not None and hasattr(self.vocab, "phrase") else None
            fixed = self.speller.correct(t.stem, fits)
            if fixed:
                shown = self.vocab.lookup(fixed)[1] if self.vocab and self.vocab.lookup(fixed) else fixed
                out[n] = dataclasses.replace(t, norm=shown, stem=fixed)
                interp.corrections.append([t.text, shown])
        return out

    def _which_kind(self, toks: list[Token], used: list[bool], claims: list[dict], interp: Interpretation,
                    claim) -> None:
        """'which European parliament…': after "which", a name made of a group's word and a kind
        word asks for one of that kind in that group, not for the body of that name."""
        for item in [c for c in claims if c.get("category") == "actor"]:
            lo, hi = item["at"]
            if hi == lo or lo == 0 or toks[lo - 1].norm not in ("which", "what") or not self._kind(toks[hi]):
                continue
            group = [n for n in self.lex.lookup(tuple(toks[k].stem for k in range(lo, hi))) if n.category == "group"]
            if group:
                interp.actors.remove(item)
                claims.remove(item)
                used[hi] = False
                claim(list(range(lo, hi)), group[0], "exact")

    def _relative_event(self, text: str, toks: list[Token], used: list[bool], interp: Interpretation) -> None:
        """'the year after Abe raised the Uyghurs with Xi': a period dated by an event, which the
        engine finds as a question of its own; its words are not part of this one."""
        m = _RELATIVE_EVENT.search(text)
        if m and not read_dates(m.group(3), self.years).periods:
            interp.relative = {"relation": f"{m.group(1).lower()} {m.group(2).lower()}", "event": m.group(3)}
            for n, t in enumerate(toks):
                if t.start >= m.start():
                    used[n] = True

    def _dates(self, text: str, toks: list[Token], used: list[bool], interp: Interpretation) -> None:
        chars = list(text)
        for n, t in enumerate(toks):
            if used[n]:
                chars[t.start:t.end] = " " * (t.end - t.start)
        reading = read_dates("".join(chars), self.years)
        spans = [(s, e) for s, e, _ in reading.periods] + [(s, e) for s, e, _ in reading.months]
        interp.periods = [p for _, _, p in reading.periods]
        interp.months = sorted({m for _, _, m in reading.months})
        interp.unknown_dates = [w for _, _, w in reading.unknown]
        spans += [(s, e) for s, e, _ in reading.unknown]
        for s, e in spans:
            for n, t in enumerate(toks):
                if t.start < e and s < t.end:
                    used[n] = True

    def _add(self, interp: Interpretation, name: Name, text: str, how: str) -> dict | None:
        bucket = {"actor": interp.actors, "group": interp.groups, "entity": interp.entities,
                  "type": interp.types, "section": interp.sections}[name.category]
        if any(i["id"] == name.target for i in bucket):
            return None
        item = {"id": name.target, "name": name.name, "text": text, "how": how}
        if name.category in ("actor", "group"):
            item["object"] = False
        if name.category == "group":
            item["members"] = list(self.groups.get(name.target, {}).get("members", []))
        item["category"] = name.category
        bucket.append(item)
        return item

    def _exact(self, toks: list[Token], content: list[int], used: list[bool], claim) -> None:
        for width in range(min(self.lex.max_words, len(content)), 0, -1):
            for k in range(len(content) - width + 1):
                idx = content[k:k + width]
                if any(used[i] for i in idx):
                    continue
                # a phrase may skip stop words, and words too common to say anything ("recognised the
                # Uyghur genocide"), but not run across other words
                if idx[-1] - idx[0] + 1 > width and any(not toks[j].stop and not self._common(toks[j])
                                                        for j in range(idx[0], idx[-1] + 1) if j not in idx):
                    continue
                names = self.lex.lookup(tuple(toks[i].stem for i in idx))
                if names and not (width == 1 and len(toks[idx[0]].norm) <= 3):
                    claim(idx, names[0], "exact")

    def _intent(self, interp: Interpretation, toks: list[Token], used: list[bool], folded: str) -> dict[str, int]:
        """Intent, what "how many" counts, a superlative, kinds and stages; returns where each
        kind word stands."""
        kind_at: dict[str, int] = {}
        for intent, rx in _INTENTS:
            if rx.search(folded):
                interp.intent = intent
                break
        if interp.intent == "count":
            for n, word in structure.count_nouns(folded, toks):
                kind = next((k for k, stems in KIND_WORDS.items() if toks[n].stem in stems), None)
                what = kind or ("records" if toks[n].stem in RECORD_WORDS else word)
                if what not in interp.count_of:
                    interp.count_of.append(what)
                if kind or what == "records":
                    used[n] = True
        free = " ".join(t.norm for n, t in enumerate(toks) if not used[n])
        if sup := structure.superlative(free):
            order, unit = sup
            if order == "most":
                interp.superlative = {"order": "most", "unit": unit}
                for n, t in enumerate(toks):
                    if t.norm in ("most", "largest", "biggest", "highest") or t.norm == unit:
                        used[n] = used[n] or t.norm != unit or not t.stop
            elif interp.intent not in ("count",):
                for n, t in enumerate(toks):
                    if not used[n] and t.norm in structure.SUPERLATIVE_WORDS:
                        used[n] = True
                interp.intent = order
                interp.superlative = {"order": order, "one": structure.singular_after(toks, order), "word": unit}
        for n, t in enumerate(toks):
            if used[n] or t.stop or _after_topic_word(toks, n, used):
                continue  # "what did UN experts say about companies": a topic, not who acted
            for kind, stems in KIND_WORDS.items():
                if t.stem in stems:
                    if kind not in interp.kinds:
                        interp.kinds.append(kind)
                        kind_at[kind] = n
                    used[n] = True
            for prefix, stage in STAGE_WORDS.items():
                if t.norm.startswith(prefix) and stage not in interp.stages:
                    interp.stages.append(stage)
                    used[n] = True
        return kind_at

    def _exclusions(self, text: str, toks: list[Token], used: list[bool], interp: Interpretation,
                    kind_at: dict[str, int]) -> None:
        """Names, groups, kinds and types inside a part the question leaves out move to `exclude`."""
        members_of = {g["of"]: g for g in self.groups.values() if g.get("of")}
        for marker, lo, hi in structure.exclusion_ranges(text, toks):
            for n in marker:
                used[n] = True
            for bucket in (interp.actors, interp.groups, interp.types):
                for item in [i for i in bucket if lo <= i["at"][0] <= hi]:
                    bucket.remove(item)
                    group = members_of.get(item["id"]) if item["category"] == "actor" else None
                    if group is not None and (interp.groups or "country" in interp.kinds):
                        # "European countries outside the EU": outside its member states
                        item = {**item, "category": "group", "id": group["id"], "name": group["name"],
                                "members": list(group["members"])}
                    interp.exclude.append(item)
            for kind, n in list(kind_at.items()):
                if lo <= n <= hi and kind in interp.kinds:
                    interp.kinds.remove(kind)
                    interp.exclude.append({"category": "kind", "id": kind, "name": structure.KIND_NOUNS.get(kind, kind),
                                           "text": toks[n].text, "at": (n, n)})

    def _roles(self, toks: list[Token], interp: Interpretation, lang, claims: list[dict],
               kind_at: dict[str, int]) -> None:
        parties = [c for c in claims if any(c is p for p in interp.actors + interp.groups)]
        types_at = {n for c in claims if c.get("category") == "type" for n in range(c["at"][0], c["at"][1] + 1)}
        named = {n for c in claims for n in range(c["at"][0], c["at"][1] + 1)}
        kinds = {n for n, t in enumerate(toks) if any(t.stem in stems for stems in KIND_WORDS.values())}
        verbs = {n for n, t in enumerate(toks) if not t.stop and (n not in named or n in types_at) and n not in kinds
                 and t.norm not in ENGLISH.questions | lang.questions and not t.is_number}
        for whole in list(parties):   # "Canada's parliamentary subcommittee": the part says it all
            part = next((p for p in parties if p is not whole and 0 < p["at"][0] - whole["at"][1] <= 3
                         and self._part_of(p["id"], whole["id"])), None)
            if part is not None and whole in interp.actors:
                interp.actors.remove(whole)
                parties.remove(whole)
        interp.voice, interp.asks = structure.assign_roles(toks, parties, verbs, lang, types_at)
        subject = min((p["at"][0] for p in parties if not p["object"]), default=None)
        for kind, n in list(kind_at.items()):
            if subject is not None and n < subject and kind in interp.kinds and any(
                    toks[j].norm in structure.AUXILIARIES | structure.YES_NO for j in range(n + 1, subject)):
                if interp.intent == "which":     # "which companies did the US sanction": those aimed at
                    interp.kinds_targeted, interp.asks = True, "target"
                else:                            # "what products and companies has the US banned…"
                    interp.kinds.remove(kind)
                    self._term(interp, toks[n])
        for kind, n in kind_at.items():   # "has the US warned companies…": a kind after the verb is aimed at
            if subject is not None and n > subject and any(v in verbs for v in range(subject + 1, n)) \
                    and kind in interp.kinds and interp.intent not in ("which", "count"):
                interp.kinds.remove(kind)   # ... and says what it was about, in the records' words
                self._term(interp, toks[n])

    def _common(self, t: Token) -> bool:
        found = self.vocab.lookup(t.stem) if self.vocab is not None else None
        return found is not None and found[0] > COMMON_SHARE * max(self.vocab.n_records, 1)

    @staticmethod
    def _kind(t: Token) -> bool:
        return any(t.stem in stems for stems in KIND_WORDS.values())

    def _part_of(self, part: str, whole: str) -> bool:
        seen = set()
        while part and part not in seen:
            seen.add(part)
            part = self.parents.get(part)
            if part == whole:
                return True
        return False

    def _rest(self, toks: list[Token], used: list[bool], interp: Interpretation, lang) -> None:
        for n, t in enumerate(toks):
            if used[n] or t.stop:
                continue
            if t.norm in QUESTION_WORDS or t.stem in QUESTION_WORDS or len(t.norm) < 2 or t.norm in lang.questions \
                    or t.norm in ENGLISH.acting or t.norm in lang.acting or t.norm in ENGLISH.objects | lang.objects:
                interp.ignored.append(t.text)
            else:
                self._term(interp, t)
                if interp.unknown and interp.unknown[-1] is t.text:
                    if self._is_name(toks, n, interp):
                        interp.unknown_names.append(t.text)
                    elif _after_topic_word(toks, n, used):
                        interp.unknown_topic.append(t.text)

    def _is_name(self, toks: list[Token], n: int, interp: Interpretation) -> bool:
        """An unknown Name is what the question is about: capitalised after the first word
        ("sanctions by Austria"), or, as the first word, close to a known name ("Austria sanctions")."""
        first = next(i for i, x in enumerate(toks) if not x.stop)
        return toks[n].text[:1].isupper() and (n != first or bool(interp.suggestions))

    def _settle(self, interp: Interpretation, toks: list[Token], text: str, folded: str, lang) -> None:
        interp.acting_only = bool(interp.subjects or interp.groups) and any(
            t.norm in ENGLISH.acting or t.norm in lang.acting for t in toks) and interp.voice == "active"
        # "European Union" alone means what the EU took part in; "Hikvision" alone, which never
        # acts, means every record that names it
        interp.mentions = self.acting is not None and not any(a["id"] in self.acting for a in interp.actors)
        if _COMPARE.search(folded) and len(interp.actors) >= 2:
            interp.intent = "compare"
        for bucket in (interp.actors, interp.groups, interp.types, interp.entities, interp.sections):
            bucket.sort(key=lambda item: item["at"][0])
        interp.all_types = len(interp.types) > 1 and not _listed(text, [t["text"] for t in interp.types])
        first = interp.types[0]["text"].split()[-1].lower() if interp.types else ""
        interp.types_object = interp.all_types and first.endswith(("ed", "ing"))
        interp.kinds_targeted = interp.kinds_targeted or (bool(interp.kinds) and interp.voice == "passive")
        if interp.intent == "count" and set(interp.kinds) <= set(interp.count_of):
            interp.kinds = []   # "how many countries…": what is counted, not who may count

    def _term(self, interp: Interpretation, t: Token) -> None:
        if self.vocab is None:
            interp.terms.append(t.norm)
            return
        found = self.vocab.lookup(t.stem)
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
                if all(toks[i].norm in QUESTION_WORDS or toks[i].stem in QUESTION_WORDS or self._kind(toks[i])
                       or (self.vocab and self.vocab.lookup(toks[i].stem)) for i in idx):
                    continue  # words the data uses are those words, not a misspelt name
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

