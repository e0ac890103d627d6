"""How questions are understood: a table of questions and what must (not) come out of them."""
from __future__ import annotations

import pytest

# question -> expected parts; only the keys given are checked
CASES = [
    ("what did Canada do", {"actors": ["canada"], "intent": "list", "acting_only": True}),
    ("what did canda do", {"actors": ["canada"]}),                       # typo
    ("what did the netherlnds do", {"actors": ["netherlands"]}),
    ("lithuaina", {"actors": ["lithuania"]}),                            # swapped letters
    ("Holland", {"actors": ["netherlands"]}),                            # former / informal name
    ("czechia", {"actors": ["czech-republic"]}),
    ("what did türkiye say", {"actors": ["turkey"]}),
    ("Turkiye", {"actors": ["turkey"]}),
    ("Britain's response", {"actors": ["united-kingdom"]}),
    ("what has the UK done?", {"actors": ["united-kingdom"]}),
    ("what did the U.S. do", {"actors": ["united-states"]}),
    ("what did the us do", {"actors": ["united-states"]}),               # lower case after "the"
    ("America", {"actors": ["united-states"]}),
    ("EU", {"actors": ["eu"]}),
    ("European Parliament resolution", {"actors": ["european-parliament"], "types": ["resolutions"]}),
    ("Canadian House of Commons", {"actors": ["canada-house-of-commons"]}),
    # things that must NOT become actors
    ("tell us about sanctions", {"actors": [], "types": ["sanctions"]}),
    ("the vote was unanimous", {"actors": []}),                          # "un" inside a word
    ("austria", {"actors": [], "suggestions_include": "Australia"}),     # near name: no guess
    ("what did Brazil do", {"actors": [], "unknown": ["Brazil"]}),
    ("it is in us", {"actors": []}),
    # types and synonyms
    ("sanctions in 2021", {"types": ["sanctions"], "periods": 1}),
    ("who punished officials", {"types": ["sanctions"], "intent": "which"}),
    ("blacklist", {"types": ["sanctions"]}),
    ("banned imports", {"types": ["import-bans"]}),
    ("which parliaments declared genocide", {"types": ["genocide-recognition"], "kinds": ["legislature"]}),
    ("which countries recognized the genocide", {"types": ["genocide-recognition"], "kinds": ["country"],
                                                 "intent": "which"}),
    ("asylum and refugees", {"types": ["asylum"]}),
    ("visa bans", {"types": ["visa-bans"]}),
    ("sanctions and import bans", {"types": ["sanctions", "import-bans"], "all_types": False}),
    ("visa bans, asset freezes", {"all_types": False}),
    ("genocide recognition resolutions", {"all_types": True}),
    ("Canadian actions", {"actors": ["canada"], "acting_only": True}),
    # entities, including ones with a year in their name
    ("Beijing 2022 Olympics", {"entities": ["beijing-2022-olympics"], "periods": 0}),
    ("Hikvision", {"actors": ["hikvision"]}),
    ("Ilham Tohti", {"entities": ["ilham-tohti"]}),
    ("Magnitsky sanctions", {"entities": ["magnitsky"]}),
    # intents
    ("how many sanctions has the US imposed", {"intent": "count", "actors": ["united-states"]}),
    ("latest actions", {"intent": "latest"}),
    ("what was the first genocide recognition", {"intent": "earliest"}),
    ("when did Canada recognise the genocide", {"intent": "when"}),
    ("compare Canada and the UK", {"intent": "compare", "actors": ["canada", "united-kingdom"]}),
    ("Canada vs Japan", {"intent": "compare"}),
    ("failed genocide motions", {"stages": ["failed"], "types": ["genocide-recognition"]}),
    # objects of an action are not its subjects
    ("sanctions on XPCC", {"actors": ["xpcc"]}),
    ("what did Norway do about Hikvision", {"actors": ["norway", "hikvision"], "objects": ["hikvision"]}),
    # leftovers
    ("what did the US do about solar panels", {"actors": ["united-states"], "entities": ["solar"],
                                               "unknown": ["panels"]}),
    ("pizza recipes", {"actors": [], "terms": [], "unknown": ["pizza", "recipes"]}),
    ("forced labour cotton", {"entities": ["forced-labour", "cotton"]}),
    ("surveillance cameras in mosques", {"terms": ["surveillance", "cameras", "mosques"]}),
]


@pytest.mark.parametrize("question,want", CASES, ids=[c[0] for c in CASES])
def test_interpretation(engine, question, want):
    got = engine.interpret(question)
    checks = {
        "actors": lambda: [a["id"] for a in got.actors],
        "types": lambda: [t["id"] for t in got.types],
        "entities": lambda: [e["id"] for e in got.entities],
        "intent": lambda: got.intent,
        "acting_only": lambda: got.acting_only,
        "kinds": lambda: got.kinds,
        "stages": lambda: got.stages,
        "periods": lambda: len(got.periods),
        "terms": lambda: got.terms,
        "unknown": lambda: got.unknown,
        "objects": lambda: [a["id"] for a in got.actors if a["object"]],
        "all_types": lambda: got.all_types,
    }
    for key, expected in want.items():
        if key == "suggestions_include":
            assert expected in got.suggestions, got.describe()
        else:
            assert checks[key]() == expected, f"{key}\n{got.describe()}"


def test_interpretation_is_a_printable_value(engine):
    got = engine.interpret("sanctions by canda since March 2021")
    text = got.describe()
    assert "Canada (corrected: 'canda')" in text and "since March 2021" in text
    assert got.to_dict()["periods"][0]["text"] == "since March 2021"
    assert engine.interpret("sanctions by canda since March 2021") == got


def test_long_questions_are_cut(engine):
    got = engine.interpret("Canada " * 3000)
    assert got.truncated and len(got.question) <= 500
