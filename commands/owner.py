"""/sync — owner only: register the slash commands from Discord (this server, or globally)."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.checks import owner_only
from bot.discord_adapter.client import sync_commands
from bot.discord_adapter.sending import log_interaction


class Owner(commands.Cog):
    def __init__(self, bot: commands.Bot):
        self.bot = bot

    @app_commands.command(description="Owner only: register the slash commands with Discord")
    @app_commands.describe(scope="This server (instant) or every server (global; slow to appear)")
    @app_commands.choices(scope=[app_commands.Choice(name="this server", value="guild"),
                                 app_commands.Choice(name="global", value="global")])
    @owner_only()
    async def sync(self, interaction: discord.Interaction, scope: str = "guild") -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = interaction.guild_id if scope == "guild" else None
        synced = await sync_commands(self.bot, guild_id)
        where = "to this server" if guild_id else "globally (may take a while to appear)"
        await interaction.followup.send(f"Synced {len(synced)} commands {where}: "
                                        + ", ".join(f"`/{c.name}`" for c in synced), ephemeral=True)
        log_interaction(interaction, "sync", len(synced), scope)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Owner(bot))
