"""What a member is told when something fails, while the traceback goes to the log."""
from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.discord_adapter.flights import RESTARTING, CutShort
from bot.discord_adapter.lanes import Busy
from bot.discord_adapter.sending import send_notice
from bot.index.build import DataError

log = logging.getLogger("bot.discord")
BUSY_TEXT = "I'm busy right now. Please try again in a few seconds."


class NotAllowed(app_commands.CheckFailure):
    """A check failure whose message is shown to the user as is."""


def _original(error: BaseException) -> BaseException:
    return getattr(error, "original", None) or error.__cause__ or error


def friendly(error: BaseException) -> str:
    original = _original(error)
    if isinstance(error, NotAllowed):
        return str(error)
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(original, Busy):
        return BUSY_TEXT
    if isinstance(original, CutShort):
        return RESTARTING
    if isinstance(original, DataError):
        return "The data is being updated and has a problem right now, so I can't answer. Please try again later."
    return "Sorry, something went wrong while answering. It has been logged; please try again later."


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """The global app-command (and view) error handler: log the traceback, tell the user briefly."""
    name = interaction.command.qualified_name if interaction.command else "component"
    original = getattr(error, "original", error)
    if isinstance(original, discord.NotFound) and original.code == 10062:  # too late: nothing can be sent
        log.warning("/%s user=%s: the interaction expired before it was answered", name, interaction.user.id)
        interaction.extras["failed"] = True
        return
    if isinstance(original, Busy):
        log.info("/%s user=%s: %s, asked to try again", name, interaction.user.id, original)
        interaction.extras["busy"] = True
    elif isinstance(original, CutShort):
        log.info("/%s user=%s: cut short by the stop", name, interaction.user.id)
        interaction.extras["failed"] = True
    elif isinstance(error, app_commands.CheckFailure):
        log.info("/%s user=%s refused: %s", name, interaction.user.id, error)
    else:
        log.error("/%s user=%s failed", name, interaction.user.id, exc_info=error)
        interaction.extras["failed"] = True
    if interaction.type == discord.InteractionType.autocomplete:
        return  # nothing to say; discord.py answers nothing and the client shows no choices
    try:
        await send_notice(interaction, friendly(error), name)
    except discord.HTTPException:
        log.warning("/%s: could not send the error message", name, exc_info=True)
