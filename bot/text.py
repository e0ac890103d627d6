"""Normalisation, tokenising and a light stemmer shared by the index and the question parser.

Both sides of every comparison (aliases at index time, questions at answer time) go
through the same functions, so a crude stemmer is enough: it only has to be consistent.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Function words. Aliases and synonyms are matched with these skipped on both sides,
# so "House of Commons" matches "house commons" and "recognized the genocide"
# matches the synonym "recognized genocide".
STOPWORDS = frozenset("""
a an the of on in at to for from by with and or but as is are was were be been being
it its this that these those there their they them he she his her we our you your i me my
has have had do does did done doing what which who whom whose when where why how
any all some about into over under than then so not no nor can could would should will
shall may might must also such very just only up out off per via vs
""".split())

# Stop words only in some places: "tell us" is a pronoun, "the US" and "US" are a country.
# Names in the data never use them as pronouns, so phrase_key keeps them.
PRONOUN_NAMES = frozenset({"us"})

# Words that shape a question but say nothing about which records are wanted.
QUESTION_WORDS = frozenset("""
tell show list give know find explain describe please ever yet still happen happened
happening take taken took action actions measure measures step steps respond responded
response responses thing things anything everything something say said says react
reacted reaction make made record records info information detail details regarding
concerning around re get got go going whether far much many number count latest recent
newest earliest first oldest last most compare comparison versus difference between
since before after until till
""".split())

# British spellings folded onto American ones so "recognised" meets "recognized".
_SPELLING = (
    ("isation", "ization"), ("ised", "ized"), ("ises", "izes"), ("ising", "izing"),
    ("labour", "labor"), ("judgement", "judgment"), ("honour", "honor"),
    ("favour", "favor"), ("defence", "defense"),
)

_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}")  # U.S., U.K., E.U.
_DOTTED_HINT = re.compile(r"\.[^\W\d_]\.")
_WORD = re.compile(r"\w+")
_ASCII_NON_WORD = {c: " " for c in range(128) if not re.match(r"\w", chr(c))}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean(text: str) -> str:
    """Unicode-normalise, drop control and direction characters, collapse white space."""
    text = unicodedata.normalize("NFKC", str(text))
    if not (text.isascii() and text.isprintable()):  # else no control character to find: skip the scan
        text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def fold(text: str) -> str:
    """Lower-case plain form used for all matching: 'U.S.' -> 'us', "Canada's" -> 'canada'."""
    text = clean(text)
    if _DOTTED_HINT.search(text):  # a fast literal scan: every dotted abbreviation holds ".X."
        text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    text = text.replace("’", "'").replace("'s ", " ").replace("'", "")
    if not text.isascii():  # ASCII has no accents to strip; skipping this halves index build time
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.casefold()


def spell(word: str) -> str:
    for brit, amer in _SPELLING:
        if brit in word:
            word = word.replace(brit, amer)
    return word


def _undouble(w: str) -> str:
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        return w[:-1]
    return w


def stem(word: str) -> str:
    """A deliberately small suffix stripper: plural, past tense, -ing, final e."""
    w = spell(word)
    if len(w) < 4 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ing") and len(w) > 5:
        w = _undouble(w[:-3])
    elif w.endswith("ed") and len(w) > 4:
        w = _undouble(w[:-2])
    elif w.endswith("es") and len(w) > 4 and (w[-3] in "sxz" or w.endswith(("ches", "shes"))):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


@dataclass(frozen=True)
class Token:
    text: str      # as the user wrote it
    norm: str      # folded
    stem: str
    start: int     # character offsets in the cleaned question
    end: int
    stop: bool

    @property
    def is_number(self) -> bool:
        return self.norm.isdigit()


_POSSESSIVE = re.compile(r"['’]s\b")


def _prepare(text: str) -> str:
    """Same length as text, so offsets still point into it: 'U.S.' -> 'US  '."""
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", "").ljust(len(m.group(0))), text)
    return _POSSESSIVE.sub("  ", text)


def tokenize(text: str) -> list[Token]:
    """Tokens of a cleaned text, with character offsets into it."""
    out: list[Token] = []
    for m in _WORD.finditer(_prepare(text)):
        raw = m.group(0)
        norm = fold(raw)
        if not norm:
            continue
        stop = norm in STOPWORDS
        if norm in PRONOUN_NAMES:
            stop = not (raw.isupper() or (out and out[-1].norm == "the"))
        out.append(Token(raw, norm, stem(norm), m.start(), m.end(), stop))
    return out


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The key a name or synonym is stored under: stems of its non-stop words."""
    words = [w for w in _WORD.findall(fold(phrase))]
    content = tuple(stem(w) for w in words if w not in STOPWORDS)
    # A name made only of stop words ("US") keeps them, or it would vanish.
    return content or tuple(stem(w) for w in words)


def words(text: str) -> list[str]:
    text = fold(text)
    if text.isascii():   # the usual case, and \w on ASCII is [A-Za-z0-9_]: 40% faster than the regex
        return text.translate(_ASCII_NON_WORD).split()
    return _WORD.findall(text)


def plural(n: int, word: str, many: str = "") -> str:
    """'1 record', '2 records'; `many` for irregular plurals ('2 countries')."""
    return f"{n} {word if n == 1 else many or word + 's'}"
