"""Answering on Discord: run the engine in a thread, acknowledge in time, send paged embeds.

Timing: the engine runs in a worker thread (asyncio.to_thread). If it has not finished
after ``bot.defer_after`` seconds (2 s; Discord allows 3 s for the first response) the
interaction is deferred ("thinking…") and the answer follows up (bot/discord_adapter/sending.py).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

import discord
from discord import app_commands

from bot.discord_adapter.answer_pages import answer_pages
from bot.discord_adapter.embeds import to_embed
from bot.discord_adapter.page_view import PageView
from bot.discord_adapter.sending import log_interaction, send_embed, started
from bot.engine.answer import Answer

log = logging.getLogger("bot.discord")
EPHEMERAL_KINDS = {"empty", "help"}
INTERACTION_TOKEN_LIFETIME = 14 * 60.0  # buttons must be disabled before the 15-minute token expires
BUSY = 4  # engine calls already under way beyond which a new one will queue: defer at once


async def run_engine(interaction: discord.Interaction, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a thread; defer the interaction if it takes longer than bot.defer_after,
    or straight away when other calls are queued ahead of it (a burst of commands)."""
    started(interaction)
    client = interaction.client
    ahead = getattr(client, "engine_calls", 0)
    client.engine_calls = ahead + 1  # type: ignore[attr-defined]
    try:
        task = asyncio.ensure_future(asyncio.to_thread(fn, *args))
        # Discord's 3 s run from when it created the interaction; under load part of them has
        # passed before the handler runs. (A clock off by seconds is ignored.)
        age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
        budget = getattr(client, "defer_after", 2.0) - (age if 0 < age < 3 else 0.0)
        if ahead >= BUSY:
            budget = 0.0
        done, _ = await asyncio.wait({task}, timeout=max(0.05, budget))
        if not done and not interaction.response.is_done():
            await interaction.response.defer(thinking=True)
            interaction.extras["deferred"] = interaction.extras["public_thinking"] = True
        return await task
    finally:
        client.engine_calls -= 1  # type: ignore[attr-defined]


async def send_answer(interaction: discord.Interaction, answer: Answer, command: str, *,
                      title: str | None = None) -> None:
    """The answer as paged embeds: public with buttons, or ephemeral when nothing matched."""
    pages = answer_pages(answer, title)
    ephemeral = answer.kind in EPHEMERAL_KINDS
    view = None
    if not ephemeral:
        timeout = min(interaction.client.settings.page_timeout_seconds, INTERACTION_TOKEN_LIFETIME)
        view = PageView(pages, answer, interaction.user.id, timeout=timeout)
        view = None if view.empty else view
    message = await send_embed(interaction, to_embed(pages[0]), ephemeral=ephemeral, view=view)
    if view is not None:
        view.message = message
        if message is not None:
            interaction.client.views[message.id] = view
    log_interaction(interaction, command, len(answer.records), answer.kind)


async def choices(fn: Callable[..., list[tuple[str, str]]], *args: Any) -> list[app_commands.Choice[str]]:
    """Autocomplete choices from a lookup function, in a thread, well inside Discord's 3 s."""
    try:
        pairs = await asyncio.wait_for(asyncio.to_thread(fn, *args), 2.0)
    except Exception:  # a broken index or a slow rebuild: no suggestions rather than a failure
        log.warning("autocomplete failed", exc_info=True)
        return []
    return [app_commands.Choice(name=label, value=value) for label, value in pairs if label and value]


async def reply_to_message(bot: Any, message: discord.Message, answer: Answer) -> discord.Message:
    """Answer a plain channel question: a reply (no ping) with the first page and the buttons."""
    pages = answer_pages(answer)
    view = PageView(pages, answer, message.author.id, timeout=bot.settings.page_timeout_seconds)
    kwargs: dict[str, Any] = {"embed": to_embed(pages[0]), "mention_author": False}
    if not view.empty:
        kwargs["view"] = view
    sent = await message.reply(**kwargs)
    if not view.empty:
        view.message = sent
        bot.views[sent.id] = view
    return sent
