"""Answering on Discord: what was asked, worked out in the answers lane, sent as paged embeds.

The engine and the page layout run in the answers lane (bot/discord_adapter/lanes.py), behind
ack_first.in_lane, which acknowledges every interaction within Discord's 3 seconds. The
buttons under an answer carry what was asked (answer_keys.py, page_view.py), so nothing is
kept per answer. Autocomplete has a lane of its own and answers within its deadline or with
no suggestions at all.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Callable

import discord
from discord import app_commands

from bot.discord_adapter import answer_keys
from bot.discord_adapter.ack_first import in_lane
from bot.discord_adapter.answer_pages import answer_pages, escape
from bot.discord_adapter.embeds import to_embed
from bot.discord_adapter.flights import FLIGHT, CutShort, outcome
from bot.discord_adapter.lanes import Busy
from bot.discord_adapter.page_view import ROOM, answer_view
from bot.discord_adapter.sending import log_interaction, send_embed, send_notice
from bot.engine.answer import Answer
from bot.engine.names import UnknownName

log = logging.getLogger("bot.discord")
EPHEMERAL_KINDS = {"empty", "help"}
INTERACTION_TOKEN_LIFETIME = 14 * 60.0  # a view must be done with an interaction's token before it expires
AUTOCOMPLETE_BY = 2.0  # seconds after creation: suggestions later than this would miss Discord's 3


@dataclass
class Made:
    """An answer with its pages, and the spec its buttons carry (None: no buttons)."""
    answer: Answer
    pages: list[dict]
    spec: str | None

    @property
    def ephemeral(self) -> bool:
        return self.answer.kind in EPHEMERAL_KINDS


def make(engine: Any, store: answer_keys.KeyStore, spec: list) -> Made:
    """In the answers lane: the answer to ``spec``, laid out; raises names.UnknownName."""
    answer = answer_keys.answer(engine, spec)
    made = Made(answer, answer_pages(answer), None)
    if not made.ephemeral and (len(made.pages) > 1 or answer.footnotes):
        made.spec = answer_keys.encode(spec, store, ROOM)
    return made


def _view(made: Made, owner_id: int) -> discord.ui.View | None:
    if made.spec is None:
        return None
    return answer_view(len(made.pages), 0, owner_id, made.spec, bool(made.answer.footnotes))


async def reply_with_answer(interaction: discord.Interaction, command: str, spec: list) -> None:
    """/ask, /actor, /search: the answer to ``spec``, public with buttons, or ephemeral when
    nothing matched; a name that matches nothing gets a hint."""
    client = interaction.client
    try:
        made = await in_lane(interaction, "answers", make, client.engine, client.answer_keys, spec)
    except UnknownName as exc:
        return await send_notice(interaction, escape(str(exc)), command)
    await send_embed(interaction, to_embed(made.pages[0]), ephemeral=made.ephemeral,
                     view=None if made.ephemeral else _view(made, interaction.user.id))
    log_interaction(interaction, command, len(made.answer.records), made.answer.kind)


async def reply_to_message(bot: Any, message: discord.Message, question: str) -> Answer:
    """A plain channel question: a reply (no ping) with the first page and the buttons; raises
    Busy when the answers lane is full."""
    made = await bot.lanes.answers.run(make, bot.engine, bot.answer_keys, ["a", question])
    kwargs: dict[str, Any] = {"embed": to_embed(made.pages[0]), "mention_author": False}
    view = _view(made, message.author.id)
    if view is not None:
        kwargs["view"] = view
    await message.reply(**kwargs)
    return made.answer


async def choices(fn: Callable[..., list[tuple[str, str]]], *args: Any) -> list[app_commands.Choice[str]]:
    """Autocomplete choices from a lookup function, in the autocomplete lane, by AUTOCOMPLETE_BY
    seconds after the interaction's creation; none when that cannot be (a full lane, a slow rebuild)."""
    flight = FLIGHT.get()
    interaction = flight.interaction if flight is not None else None
    lanes = getattr(getattr(interaction, "client", None), "lanes", None)
    try:
        if lanes is None:  # not under one of the bot's interactions (called directly)
            pairs = await asyncio.wait_for(asyncio.to_thread(fn, *args), AUTOCOMPLETE_BY)
        else:
            interaction.extras["autocomplete"] = True
            lanes.autocomplete.reserve()
            job = lanes.autocomplete.submit(fn, *args)
            pairs = (await asyncio.wait_for(outcome(job), max(0.0, AUTOCOMPLETE_BY - flight.age())))[1]
    except (Busy, CutShort):
        return []
    except asyncio.TimeoutError:
        log.info("autocomplete: no suggestions in time")
        return []
    except Exception:  # a broken index or a slow rebuild: no suggestions rather than a failure
        log.warning("autocomplete failed", exc_info=True)
        return []
    return [app_commands.Choice(name=label, value=value) for label, value in pairs if label and value]
