"""Acknowledge first, then work: the one way an interaction's work is run in a lane.

Discord allows 3 seconds from an interaction's creation (its snowflake, not when the bot got
to it) for the first response. So the interaction is deferred ("thinking…") before its job can
wait behind others: when no worker of the lane is free, or when much of the time has already
gone. Only a job that starts at once and is done by DIRECT_BY seconds after creation is sent as
the response itself; otherwise the interaction is deferred then and the answer follows up. A
full lane raises lanes.Busy before anything is queued (errors.py tells the member).
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

import discord

from bot.discord_adapter.flights import acked, age, outcome

DIRECT_BY = 1.5  # seconds after creation: a result ready later goes out as a follow-up


async def _defer(interaction: discord.Interaction, kind: str, **kwargs: Any) -> None:
    if not interaction.response.is_done():
        interaction.extras["acking"] = kind  # a stop that cancels this mid-request still knows (sending.tell)
        await interaction.response.defer(**kwargs)
        interaction.extras["deferred"] = True
        interaction.extras["public_thinking"] = kind == "thinking"
        acked(interaction)


async def think(interaction: discord.Interaction) -> None:
    """Public "thinking…", for a command whose answer is public."""
    await _defer(interaction, "thinking", thinking=True)


async def defer_update(interaction: discord.Interaction) -> None:
    """For a button that edits its own message (a page turn): no visible "thinking"."""
    await _defer(interaction, "update")


async def defer_ephemeral(interaction: discord.Interaction) -> None:
    """For a button whose reply is only for whoever clicked (Sources)."""
    await _defer(interaction, "ephemeral", ephemeral=True, thinking=True)


async def in_lane(interaction: discord.Interaction, lane_name: str, fn: Callable[..., Any], *args: Any,
                  ack: Callable[[discord.Interaction], Awaitable[None]] = think) -> Any:
    """``fn(*args)`` in the client's lane ``lane_name``, acknowledging the interaction in time."""
    lane = interaction.client.lanes[lane_name]  # type: ignore[attr-defined]
    direct_by = getattr(interaction.client, "direct_by", DIRECT_BY)
    free = lane.reserve()  # raises Busy: nothing queued, nothing acknowledged
    try:
        if not free or age(interaction) >= direct_by:
            await ack(interaction)
    except BaseException:
        lane.release()
        raise
    job = lane.submit(fn, *args)
    try:
        if not interaction.response.is_done():
            done, _ = await asyncio.wait({job}, timeout=max(0.0, direct_by - age(interaction)))
            if not done:
                await ack(interaction)
        return (await outcome(job))[1]
    finally:
        job.cancel()  # when the acknowledgement failed: a job not yet started is dropped
