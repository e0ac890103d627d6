"""Slash-command descriptions that speak of the dataset, worked out from the engine's snapshot.

The cogs set them in setup(), so /ask, /actor and /search describe whatever dataset the bot
runs on (and a sync registers that). Discord allows 100 characters for a command's and an
option's description; each text here is fitted to that, falling back to a shorter wording.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Any

from discord import app_commands

log = logging.getLogger("bot.discord")
DESCRIPTION_MAX = 100


def fit(*candidates: str) -> str:
    """The first candidate within Discord's limit, else the last one cut to it."""
    for text in candidates:
        if text and len(text) <= DESCRIPTION_MAX:
            return text
    return candidates[-1][:DESCRIPTION_MAX - 1].rstrip() + "…"


def listing(prefix: str, items: list[str], suffix: str = "") -> str:
    """``prefix`` with as many of ``items`` as fit in 100 characters."""
    shown: list[str] = []
    for item in items:
        if len(prefix + " · ".join(shown + [item]) + suffix) > DESCRIPTION_MAX:
            break
        shown.append(item)
    return prefix + " · ".join(shown) + suffix if shown else ""


def command_texts(state: Any) -> dict[str, dict[str, str]]:
    """command -> {"": its description, option: the option's description}, from the data."""
    covers, hints = state.covers, state.hint_examples()
    actors = hints.get("actors") or []
    types = hints.get("types") or []
    return {
        "ask": {"": fit(f"Ask about {covers}", "Ask a question about the data"),
                "question": listing("For example: ", state.examples) or "Your question, in plain words"},
        "actor": {"": "Everything a country, body or organisation did, newest first",
                  "name": listing("Start typing a name: ", actors[:6], "…") or "Start typing a name"},
        "search": {"": fit(f"Find records on {covers} by actor, type of action, year(s) and words",
                           "Find records by actor, type of action, year(s) and words"),
                   "actor": listing("Who acted, e.g. ", actors[:3], " (autocompletes)") or "Who acted (autocompletes)",
                   "kind": listing("Type of action, e.g. ", types[:3], " (autocompletes)")
                   or "Type of action (autocompletes)"},
    }


def describe(command: app_commands.Command, texts: dict[str, str]) -> None:
    """Set a cog's command (its own copy) and its options' descriptions."""
    if texts.get(""):
        command.description = texts[""]
    params = command._params  # discord.py keeps option descriptions only here; no public setter
    for name, text in texts.items():
        if name and name in params and text:
            # a copy, so the class's command (shared by every bot in the process) stays as it was
            params[name] = dataclasses.replace(params[name], description=text)


async def describe_from_data(bot: Any, **commands: app_commands.Command) -> None:
    """Give ``commands`` (name -> the cog's command) the descriptions of the loaded dataset;
    when the data cannot be read, they keep their generic ones."""
    import asyncio

    try:
        state = await asyncio.to_thread(lambda: bot.engine.state)
        texts = command_texts(state)
    except Exception:
        log.warning("could not read the data for the commands' descriptions; using generic ones", exc_info=True)
        return
    for name, command in commands.items():
        try:
            describe(command, texts.get(name, {}))
        except Exception:  # a discord.py that keeps options elsewhere must not stop the bot starting
            log.warning("could not set /%s's descriptions; it keeps its generic ones", name, exc_info=True)
