"""Who may run what: Discord-side default permissions paired with a real check in code.

``default_permissions`` only decides who *sees* a command by default (server admins can change
it), so every restricted command also checks in code. Moderators: Manage Server, or a role in
``moderator_roles``. Owners: a user id in ``owner_ids``.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

import discord
from discord import app_commands

from bot.config import Settings
from bot.discord_adapter.errors import NotAllowed

T = TypeVar("T")
MODERATORS_ONLY = "Only moderators (Manage Server, or a moderator role) can use this command."


def is_owner(interaction: discord.Interaction, settings: Settings) -> bool:
    return interaction.user.id in settings.owner_ids


def is_moderator(interaction: discord.Interaction, settings: Settings) -> bool:
    if interaction.guild is None:
        return False
    if interaction.permissions.manage_guild:
        return True
    roles = getattr(interaction.user, "roles", [])
    return any(role.id in settings.moderator_roles for role in roles)


def owner_only() -> Callable[[T], T]:
    def check(interaction: discord.Interaction) -> bool:
        if not is_owner(interaction, interaction.client.settings):  # type: ignore[attr-defined]
            raise NotAllowed("Only the bot's owners can use this command.")
        return True

    def decorator(func: Any) -> Any:
        func = app_commands.default_permissions(administrator=True)(func)
        return app_commands.check(check)(func)
    return decorator


def moderator_only() -> Callable[[T], T]:
    def check(interaction: discord.Interaction) -> bool:
        if not is_moderator(interaction, interaction.client.settings):  # type: ignore[attr-defined]
            raise NotAllowed(MODERATORS_ONLY)
        return True

    def decorator(func: Any) -> Any:
        func = app_commands.default_permissions(manage_guild=True)(func)
        func = app_commands.guild_only()(func)
        return app_commands.check(check)(func)
    return decorator
