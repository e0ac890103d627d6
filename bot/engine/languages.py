"""The function words of the languages questions come in: knowledge of English, French,
Spanish, German and Turkish, not of any dataset.

Names of countries and bodies in those languages are aliases in the data, and the action
types' translations are in types.yaml; what lives here is what every dataset shares: the
words that ask, that say "do" or "say", that mark whom an action was aimed at, and that only
hold a sentence together. Everything is matched folded (lower case, no accents).
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.text import fold


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    stop: frozenset[str]        # hold a sentence together; never searched for
    questions: frozenset[str]   # ask (what, who, how many…)
    acting: frozenset[str]      # "do", "say", "act": the question is about what the actor did
    passive: frozenset[str]     # "was done": the named party was acted upon
    objects: frozenset[str]     # mark what an action was aimed at ("against", "on")
    agents: frozenset[str]      # mark who acted in a passive sentence ("by")


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(w) for w in text.split())


ENGLISH = Language(
    "en", "English",
    stop=frozenset(),   # English stop words live in bot.text, shared with the index
    questions=_words("what which who whom whose when where why how"),
    acting=_words("do did does done doing say said says take took taken respond responded react reacted "
                  "announce announced act acted action actions measure measures step steps response "
                  "responses move moves conclude concluded conclusion conclusions decide decided"),
    passive=frozenset(),
    objects=_words("on against about regarding concerning toward towards over with at to for"),
    agents=_words("by"),
)

OTHERS = (
    Language(
        "fr", "French",
        stop=_words("le la les l un une des du de d et ou en au aux a ont est sont ete été ce cette ces "
                    "il elle ils elles se sa son ses leur leurs y ne pas que qu dans par pour avec sur"),
        questions=_words("quoi quel quelle quels quelles qui quand combien comment pourquoi ou"),
        acting=_words("fait faits faite faites fit dit dite declare déclaré agi"),
        passive=_words("ete été"),
        objects=_words("contre sur envers concernant"),
        agents=_words("par"),
    ),
    Language(
        "es", "Spanish",
        stop=_words("el la los las lo un una unos unas de del al y o en a ha han he hemos es son fue fueron "
                    "se su sus que por para con sobre este esta estos estas"),
        questions=_words("que qué quien quién quienes cual cuál cuales cuando cuándo cuanto cuánto cuantos "
                         "cuántos cuantas como cómo donde dónde"),
        acting=_words("hecho hizo hicieron hace hacen dicho dijo dijeron"),
        passive=_words("fue fueron sido"),
        objects=_words("contra sobre hacia"),
        agents=_words("por"),
    ),
    Language(
        "de", "German",
        stop=_words("der die das den dem des ein eine einen einem einer und oder in im am an auf zu zum zur "
                    "hat haben hatte ist sind war waren wurde wurden es sie er ihr ihre sich von mit fur für "
                    "uber über bei nach"),
        questions=_words("was wer wen wem wessen welche welcher welches wann wo wie wieviel wieviele warum"),
        acting=_words("getan gemacht gesagt unternommen tat taten sagte sagten"),
        passive=_words("wurde wurden"),
        objects=_words("gegen gegenuber gegenüber"),
        agents=_words("von"),
    ),
    Language(
        "tr", "Turkish",
        stop=_words("ve veya ile bir bu su şu o da de mi mı mu mü icin için ne neler a e ya ye"),
        questions=_words("ne neler kim kimler hangi nasil nasıl kac kaç ne zaman nerede neden"),
        acting=_words("yapti yaptı yaptilar yaptılar yapildi yapıldı dedi soyledi söyledi"),
        passive=_words("yapildi yapıldı"),
        objects=_words("karsi karşı hakkinda hakkında"),
        agents=_words("tarafindan tarafından"),
    ),
)
BY_CODE = {lang.code: lang for lang in (ENGLISH, *OTHERS)}


def _own(lang: Language, english: frozenset[str]) -> frozenset[str]:
    """The words that mark a language: its function words that are not also English words."""
    return (lang.stop | lang.questions | lang.acting | lang.objects | lang.agents) - english


MIN_OWN_WORDS = 2   # one stray word ("un", "die") is not a language


def detect(words: list[str], english: frozenset[str]) -> Language:
    """The language of a question from its function words (as typed: "UN" and "UE" in capitals
    are names, not French articles); English unless another language has at least two of its own
    words, and more than any other."""
    norms = [fold(w) for w in words if not (w.isupper() and len(w) > 1)]
    best, score = ENGLISH, MIN_OWN_WORDS - 1
    for lang in OTHERS:
        own = _own(lang, english)
        n = sum(1 for w in norms if w in own)
        if n > score:
            best, score = lang, n
    return best
