"""Sending on Discord: the one way a reply or follow-up goes out, and the interaction log line.

A reply is the interaction's response when it has none yet, else a follow-up. A deferred
"thinking" message is public, so when what follows must be ephemeral (a no-match answer, an
error) that message is deleted and the reply sent as an ephemeral follow-up. (Moderators'
commands defer ephemerally: their "thinking" is private, and stays.)
"""
from __future__ import annotations

import logging
import time
from typing import Any

import discord

from bot.discord_adapter.answer_pages import notice_page
from bot.discord_adapter.embeds import to_embed
from bot.discord_adapter.flights import answered

log = logging.getLogger("bot.discord")


def started(interaction: discord.Interaction) -> float:
    return interaction.extras.setdefault("t0", time.perf_counter())


def elapsed_ms(interaction: discord.Interaction) -> int:
    return int((time.perf_counter() - started(interaction)) * 1000)


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
        answered(interaction)
        resource = response.resource
        return resource if isinstance(resource, discord.InteractionMessage) else None
    message = await _follow_up(interaction, kwargs)
    answered(interaction)
    return message


async def _follow_up(interaction: discord.Interaction, kwargs: dict[str, Any]) -> discord.Message:
    if kwargs["ephemeral"] and interaction.extras.get("public_thinking") and not interaction.extras.get("thinking_deleted"):
        interaction.extras["thinking_deleted"] = True
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            pass
    return await interaction.followup.send(wait=True, **kwargs)


async def send_page(interaction: discord.Interaction, page: dict, *, view: discord.ui.View | None = None,
                    file: discord.File | None = None, notice: bool = False) -> discord.Message | None:
    """An ephemeral reply made of one page (bot/discord_adapter/answer_pages.py)."""
    return await send_embed(interaction, to_embed(page, notice=notice), ephemeral=True, view=view, file=file)


async def send_notice(interaction: discord.Interaction, text: str, command: str, *, title: str = "") -> None:
    """A short ephemeral message (hints, "did you mean", errors); ``text`` is ours, not escaped."""
    await send_embed(interaction, to_embed(notice_page(text, title), notice=True), ephemeral=True)
    log_interaction(interaction, command, 0, "notice")


def log_interaction(interaction: discord.Interaction, command: str, results: int, kind: str) -> None:
    log.info("/%s user=%s guild=%s latency_ms=%d results=%d kind=%s%s", command, interaction.user.id,
             interaction.guild_id, elapsed_ms(interaction), results, kind,
             " deferred" if interaction.extras.get("deferred") else "")


async def tell(target: discord.Interaction | discord.Message, text: str) -> None:
    """A short notice of ours to a member: ephemeral for an interaction, a reply to a message.
    For an interaction whose acknowledgement was cut short (its task cancelled while the defer
    was on its way) discord.py cannot know whether Discord got it: when Discord says it did,
    the notice follows up instead."""
    embed = to_embed(notice_page(text), notice=True)
    if isinstance(target, discord.Message):
        await target.reply(embed=embed, mention_author=False)
        return
    try:
        await send_embed(target, embed, ephemeral=True)
    except discord.HTTPException as exc:
        if exc.code != 40060:  # "already acknowledged"
            raise
        target.extras["public_thinking"] = target.extras.get("acking") == "thinking"
        await _follow_up(target, {"embed": embed, "ephemeral": True})
        answered(target)
