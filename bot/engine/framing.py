"""Chatty framing around a question: greetings, thanks, apologies, why the person asks.

"hiya! quick question 🙂 … thx", "For a class presentation I need to know …", "sorry if this
is a dumb question, but …": none of it says which records are wanted, so it is set aside
before anything else reads the question, and `--explain` lists it. The patterns are English
(and a few greetings of the other languages); they are about how people talk, not about data.
"""
from __future__ import annotations

import re

_PURPOSE = (r"(?:class|school|uni|university|college|course|homework|assignment|project|presentation|essay|"
            r"paper|thesis|dissertation|article|blog|post|newsletter|podcast|story|piece|talk|debate|research)")
_PHRASES = [
    # greetings and addressing people
    r"\b(?:hi|hello|hey|hiya|heya|howdy|yo|greetings|dear|bonjour|salut|hola|hallo|merhaba|selam)\b"
    r"(?:\s+(?:there|all|everyone|everybody|folks|guys|team|bot|friends?))?",
    r"\bgood\s+(?:morning|afternoon|evening|day)\b(?:\s+(?:all|everyone))?",
    # thanks
    r"\b(?:many\s+|big\s+)?(?:thanks|thank\s+(?:you|u)|thx|thnx|tnx|ty|cheers|merci|gracias|danke|"
    r"te(?:s|ş)ekk(?:u|ü)rler)\b(?:\s+(?:so\s+much|a\s+lot|in\s+advance|again))?",
    r"\b(?:much\s+)?appreciated\b",
    # apologies and hedges
    r"\bsorry\b(?:\s+(?:if|for|but)\b(?:\s+(?:this|it|that|the))?(?:\s+(?:is|s|was))?(?:\s+(?:a|an))?"
    r"(?:\s+(?:dumb|stupid|silly|basic|naive|obvious|simple|newbie|noob))?(?:\s+question)?)?(?:\s+but)?",
    r"\b(?:apologies|pardon)\b",
    r"\b(?:please|pls|plz|kindly)\b",
    # what kind of question it is
    r"\b(?:a\s+)?quick\s+(?:question|q|one)\b",
    r"\b(?:i\s+)?(?:have|got)\s+a\s+question\b",
    r"\b(?:can|could|would)\s+(?:you|someone|anyone|somebody)\s+(?:please\s+)?(?:tell|show|explain\s+to)\s+me\b",
    r"\bdo\s+(?:you|any\s+of\s+you)\s+know\b",
    r"\b(?:i\s+)?(?:need|want|would\s+like|d\s+like|d\s+love|would\s+love|am\s+trying|m\s+trying)\s+to\s+"
    r"(?:know|find\s+out|understand|learn)\b",
    r"\b(?:i\s+)?(?:was|am|m)\s+(?:wondering|curious)\b|\bjust\s+(?:wondering|curious)\b|\bcurious\b",
    # why they ask
    rf"\bfor\s+(?:a|an|my|our|the)\s+(?:\w+\s+){{0,2}}?{_PURPOSE}(?:\s+{_PURPOSE})?\b",
    rf"\b(?:i\s+am|i\s+m|im|we\s+are|we\s+re)\s+(?:writing|doing|preparing|working\s+on)\s+(?:a|an|my|our)\s+"
    rf"(?:\w+\s+){{0,2}}?{_PURPOSE}(?:\s+{_PURPOSE})?\b",
    rf"\bwriting\s+(?:a|an|my)\s+(?:\w+\s+){{0,2}}?{_PURPOSE}(?:\s+{_PURPOSE})?\b",
    r"\bin\s+advance\b",
]
_FRAMING = re.compile("|".join(f"(?:{p})" for p in _PHRASES), re.IGNORECASE)


def _plain(text: str) -> str:
    """Lower case, every mark a space, one character for one: offsets stay those of `text`."""
    return "".join(c.lower() if c.isalnum() and len(c.lower()) == 1 else " " if not c.isalnum() else c for c in text)


def framing_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of framing in a cleaned question."""
    return [(m.start(), m.end()) for m in _FRAMING.finditer(_plain(text)) if m.group(0).strip()]
