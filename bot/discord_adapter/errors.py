"""What a member is told when something fails, while the traceback goes to the log."""
from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.discord_adapter.sending import send_notice
from bot.index.build import DataError

log = logging.getLogger("bot.discord")


class NotAllowed(app_commands.CheckFailure):
    """A check failure whose message is shown to the user as is."""


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
