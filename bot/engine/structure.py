"""How a question is built, read from its words: yes/no or open, who acted on whom (active and
passive voice, prepositions), what is left out ("other than", "apart from", "(not …)"), what
"how many" counts, and which superlative asks for one record. English with the other
languages' words from bot.engine.languages; nothing here knows any dataset."""
from __future__ import annotations

import re

from bot.engine.languages import Language
from bot.text import Token, fold, stem

_KIND_WORDS = {   # the words that name a kind of actor, in the languages of bot.engine.languages
    "country": "country countries nation nations government governments state states pays land lander länder "
               "ulke ülke ulkeler ülkeler paises países",
    "legislature": "parliament parliaments legislature legislatures lawmaker lawmakers parliamentarian "
                   "parliamentarians congress parliamentary legislator legislators mp mps parlement parlements "
                   "parlamento parlamentos parlament parlamente meclis",
    "committee": "committee committees subcommittee subcommittees",
    "civil-society": "organization organizations ngo ngos group groups civil",
    "company": "company companies business businesses firm firms corporation corporations",
}
KIND_WORDS = {kind: frozenset(stem(fold(w)) for w in words.split()) for kind, words in _KIND_WORDS.items()}
KIND_MEMBERS = {"country": ("country",), "legislature": ("legislature", "chamber", "committee"),
                "committee": ("committee",), "civil-society": ("civil-society", "group"), "company": ("company",)}
KIND_NOUNS = {"country": "countries", "legislature": "parliaments", "committee": "committees",
              "company": "companies", "civil-society": "organisations"}
RECORD_WORDS = frozenset(stem(w) for w in "record records entry entries item items action actions measure measures "
                         "step steps time times event events thing things case cases move moves".split())

YES_NO = frozenset("did does do has have had is are was were will would can could should shall "
                   "hat haben ist sind wurde wurden".split())
AUXILIARIES = frozenset("was were been being is are be got get gets getting wurde wurden fue fueron ete".split())
PARTICIPLES = frozenset("done made taken given held put sent hit set known shown seen told brought sought "
                        "won lost struck".split())
_JOINERS = frozenset("and or nor , & / plus".split())
_DETERMINERS = frozenset("the a an its their his her our this that these those any all".split())

_EXCLUDE = re.compile(
    r"\b(?:other\s+than|apart\s+from|aside\s+from|except(?:\s+for)?|excluding|exclusive\s+of|not\s+counting|"
    r"not\s+including|leaving\s+(?:aside|out)|setting\s+aside|besides|barring|save\s+for|but\s+not|and\s+not|"
    r"with\s+the\s+exception\s+of|outside(?:\s+of)?|non|sauf|hormis|a\s+part|à\s+part|en\s+dehors\s+de|excepto|"
    r"salvo|aparte\s+de|fuera\s+de|ausser|außer|ausgenommen|abgesehen\s+von|haric|hariç|disinda|dışında)\b"
    r"|\(\s*not\b", re.IGNORECASE)
# words the markers above are made of: never read as typos of something else
STRUCTURE_WORDS = frozenset(
    "other than apart aside except excluding exclusive counting including leaving setting besides barring save "
    "exception outside non sauf hormis part dehors excepto salvo aparte fuera ausser außer ausgenommen abgesehen "
    "haric hariç disinda dışında most largest biggest highest greatest number many much".split())
_BOUNDARY = re.compile(r"[,;:?!.)]")
_CLAUSE = frozenset("what which who whom whose when where why how did does do has have had is are was were".split())
_SUPERLATIVE = [
    ("earliest", re.compile(r"\b(?:earliest|first|oldest|initial|premier|premiere|primer|primera|erste|ersten|ilk)\b")),
    ("latest", re.compile(r"\b(?:latest|most\s+recent(?:ly)?|newest|last|recent|final|dernier|derniere|ultimo|"
                          r"ultima|letzte|letzten|son)\b(?!\s+(?:year|month|week|decade)s?\b)")),
]
_MOST = re.compile(r"\b(?:the\s+)?(?:most|largest\s+number\s+of|biggest\s+number\s+of|highest\s+number\s+of|"
                   r"greatest\s+number\s+of|largest|biggest|highest)\s+(\w+)")
_HOW_MANY = re.compile(r"\b(?:how\s+many|how\s+much|number\s+of|combien\s+de|cuantos|cuántos|cuantas|cuántas|"
                       r"wie\s+viele|kac|kaç)\s+", re.IGNORECASE)


def polarity(toks: list[Token], used: list[bool]) -> str:
    """Yes/no when the question opens with an auxiliary ("did…", "has…", "is… law?") or holds
    the Turkish question particle."""
    first = next((t for n, t in enumerate(toks) if not used[n]), None)
    if first is None:
        return "open"
    if first.norm in YES_NO or any(t.norm in ("mi", "mı", "mu", "mü") for t in toks):
        return "yes-no"
    return "open"


def exclusion_ranges(text: str, toks: list[Token]) -> list[tuple[list[int], int, int]]:
    """(the marker's tokens, first token, last token) of each part a question leaves out: from the
    marker to the next comma, closing bracket or new clause."""
    out = []
    for m in _EXCLUDE.finditer(text):
        marker = [n for n, t in enumerate(toks) if m.start() <= t.start and t.end <= m.end()]
        first = next((n for n, t in enumerate(toks) if t.start >= m.end()), None)
        if first is None:
            continue
        last = first
        for n in range(first, len(toks)):
            between = text[toks[n - 1].end:toks[n].start] if n > first else ""
            if _BOUNDARY.search(between) or (n > first and toks[n].norm in _CLAUSE):
                break
            last = n
            if m.group(0).lower() == "non":
                break   # "non-EU": the next word only
        out.append((marker, first, last))
    return out


def _before(toks: list[Token], n: int) -> int:
    """The index of the word before token n, skipping determiners; -1 if none."""
    j = n - 1
    while j >= 0 and toks[j].norm in _DETERMINERS:
        j -= 1
    return j


def passive_at(toks: list[Token], claimed_types: set[int], lang: Language) -> int | None:
    """The token of a passive verb ("sanctioned" in "were sanctioned", "was X sanctioned by Y",
    "was done", "yapıldı"): what stands before it, or between the auxiliary and it, was acted upon."""
    for n, t in enumerate(toks):
        if t.norm in lang.passive:
            return n
        if t.norm in AUXILIARIES:
            for k in range(n + 1, min(n + 6, len(toks))):
                if toks[k].norm in AUXILIARIES or toks[k].norm == "to":   # "was the first to declare"
                    break
                if toks[k].norm.endswith(("ed", "en")) or toks[k].norm in PARTICIPLES:
                    return k
    return None


def assign_roles(toks: list[Token], parties: list[dict], verbs: set[int], lang: Language,
                 claimed_types: set[int]) -> tuple[str, str]:
    """Mark each named party (actors and groups, in question order, each with its token span
    `at`) as subject or object; return (voice, asks). A party is the object after a marker of
    aim ("sanctions on XPCC", "done against Hikvision"), as the patient of a passive verb
    ("Chinese officials were sanctioned by the UK"), or after the verb that follows the subject
    ("UK parliamentarians asked the British government"). "by" marks the agent; "who did the
    UK sanction" asks for the target."""
    passive = passive_at(toks, claimed_types, lang)
    voice = "passive" if passive is not None else "active"
    subject_seen, last_subject_end = False, -1
    for party in sorted(parties, key=lambda p: p["at"][0]):
        lo = party["at"][0]
        prev = _before(toks, lo)
        marker = toks[prev].norm if prev >= 0 else ""
        if marker in lang.agents or marker == "by":
            party["object"] = False
        elif marker in lang.objects or (marker in ("in", "at") and not _after_kind(toks, prev)):
            party["object"] = True
        elif passive is not None and lo < passive:
            party["object"] = True
        elif subject_seen and any(v in verbs for v in range(last_subject_end + 1, lo)):
            party["object"] = True
        else:
            party["object"] = party.get("object", False)
        if not party["object"]:
            subject_seen, last_subject_end = True, party["at"][1]
    return voice, _asks(toks, parties, passive)


def _after_kind(toks: list[Token], n: int) -> bool:
    """'parliaments in EU member states': "in" after a kind word qualifies the actor."""
    j = _before(toks, n)
    return j >= 0 and any(toks[j].stem in stems for stems in KIND_WORDS.values())


def _asks(toks: list[Token], parties: list[dict], passive: int | None) -> str:
    """Which party a "who" question asks for: the actor ("who imposed…"), or the target ("who did
    the UK sanction", "who was sanctioned by Ostmark")."""
    words = [t.norm for t in toks]
    if words[:2] == ["by", "whom"]:
        return "actor"
    if not words or words[0] not in ("who", "whom", "kim", "wer", "wen", "qui", "quien", "quienes"):
        return ""
    if passive is not None and "by" not in words[:3]:
        return "target"
    if len(words) > 2 and words[1] in ("did", "does", "do", "has", "have", "had", "will", "would"):
        start = 3 if words[2] in ("the", "a", "an") else 2
        if any(not p["object"] and p["at"][0] == start for p in parties):
            return "target"
    return "actor"


def count_nouns(text: str, toks: list[Token]) -> list[tuple[int, str]]:
    """(token index, word) of what each "how many" counts: the head of the noun phrase after it
    ("how many human rights organisations signed" → organisations)."""
    out = []
    for m in _HOW_MANY.finditer(text):
        head = None
        for n, t in enumerate(toks):
            if t.start < m.end():
                continue
            if t.stop or (head is not None and (t.norm.endswith("ed") or t.norm in PARTICIPLES)):
                break
            head = n
        if head is not None:
            out.append((head, toks[head].norm))
    return out


def superlative(folded: str) -> tuple[str, str] | None:
    """('most', noun) for "the most countries", ('earliest'|'latest', the word) for "the first…"."""
    if m := _MOST.search(folded):
        if m.group(1) not in ("recent", "recently"):
            return "most", m.group(1)
    for order, rx in _SUPERLATIVE:
        if m := rx.search(folded):
            return order, m.group(0).split()[-1]
    return None


SUPERLATIVE_WORDS = frozenset("earliest first oldest initial latest recent recently newest last final most".split())
_SUPERLATIVE_WORDS = SUPERLATIVE_WORDS


def singular_after(toks: list[Token], order: str) -> bool:
    """Whether a superlative asks for one record: "the UK's most recent move", "the first genocide
    recognition" do; "the latest actions", "the first coordinated sanctions" ask for several."""
    at = next((n for n, t in enumerate(toks) if t.norm in _SUPERLATIVE_WORDS), None)
    if at is None:
        return True
    head = None
    for t in toks[at + 1:]:
        if t.stop or t.norm in _SUPERLATIVE_WORDS:
            if head is not None:
                break
            continue
        head = t
    if head is None:
        return True
    plural = head.norm.endswith("s") and not head.norm.endswith(("ss", "us", "is")) and head.stem != head.norm
    return not plural
