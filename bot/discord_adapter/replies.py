"""Answering on Discord: run the engine in a thread, acknowledge in time, send paged embeds.

Timing: the engine runs in a worker thread (asyncio.to_thread). If it has not finished
after ``bot.defer_after`` seconds (2 s; Discord allows 3 s for the first response) the
interaction is deferred ("thinking…") and the answer follows up. A deferred "thinking"
message is public, so when what follows must be ephemeral (a no-match answer, an error)
that message is deleted and the reply sent as an ephemeral follow-up.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Callable

import discord
from discord import app_commands

from bot.discord_adapter.answer_pages import answer_pages, message_page
from bot.discord_adapter.embeds import to_embed
from bot.discord_adapter.page_view import PageView
from bot.engine.answer import Answer
from bot.index.build import DataError

log = logging.getLogger("bot.discord")
EPHEMERAL_KINDS = {"empty", "help"}
INTERACTION_TOKEN_LIFETIME = 14 * 60.0  # buttons must be disabled before the 15-minute token expires


class NotAllowed(app_commands.CheckFailure):
    """A check failure whose message is shown to the user as is."""


def started(interaction: discord.Interaction) -> float:
    return interaction.extras.setdefault("t0", time.perf_counter())


def elapsed_ms(interaction: discord.Interaction) -> int:
    return int((time.perf_counter() - started(interaction)) * 1000)


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
            interaction.extras["deferred"] = True
        return await task
    finally:
        client.engine_calls -= 1  # type: ignore[attr-defined]


async def send_embed(interaction: discord.Interaction, embed: discord.Embed, *, ephemeral: bool,
                view: discord.ui.View | None = None, file: discord.File | None = None) -> discord.Message | None:
    """Respond, or follow up when already acknowledged (replacing a public "thinking" message
    when the reply must be ephemeral)."""
    kwargs: dict[str, Any] = {"embed": embed, "ephemeral": ephemeral}
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    if not interaction.response.is_done():
        response = await interaction.response.send_message(**kwargs)
        resource = response.resource
        return resource if isinstance(resource, discord.InteractionMessage) else None
    if ephemeral and interaction.response.type == discord.InteractionResponseType.deferred_channel_message \
            and not interaction.extras.get("thinking_deleted"):
        interaction.extras["thinking_deleted"] = True
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            pass
    return await interaction.followup.send(wait=True, **kwargs)


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


async def send_notice(interaction: discord.Interaction, text: str, command: str, *, title: str = "") -> None:
    """A short ephemeral message (hints, "did you mean", errors); ``text`` is ours, not escaped."""
    await send_embed(interaction, to_embed(message_page(text, title), notice=True), ephemeral=True)
    log_interaction(interaction, command, 0, "notice")


def log_interaction(interaction: discord.Interaction, command: str, results: int, kind: str) -> None:
    log.info("/%s user=%s guild=%s latency_ms=%d results=%d kind=%s%s", command, interaction.user.id,
             interaction.guild_id, elapsed_ms(interaction), results, kind,
             " deferred" if interaction.extras.get("deferred") else "")


def friendly(error: BaseException) -> str:
    original = getattr(error, "original", None) or error.__cause__ or error
    if isinstance(error, NotAllowed):
        return str(error)
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(original, DataError):
        return "The data is being updated and has a problem right now, so I can't answer. Please try again later."
    return "Sorry, something went wrong while answering. It has been logged; please try again later."


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """The global app-command (and view) error handler: log the traceback, tell the user briefly."""
    name = interaction.command.qualified_name if interaction.command else "component"
    original = getattr(error, "original", error)
    if isinstance(original, discord.NotFound) and original.code == 10062:  # too late: nothing can be sent
        log.warning("/%s user=%s: the interaction expired before it was answered", name, interaction.user.id)
        return
    if isinstance(error, app_commands.CheckFailure):
        log.info("/%s user=%s refused: %s", name, interaction.user.id, error)
    else:
        log.error("/%s user=%s failed", name, interaction.user.id, exc_info=error)
    if interaction.type == discord.InteractionType.autocomplete:
        return  # nothing to say; discord.py answers nothing and the client shows no choices
    try:
        await send_notice(interaction, friendly(error), name)
    except discord.HTTPException:
        log.warning("/%s: could not send the error message", name, exc_info=True)


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
