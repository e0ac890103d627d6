"""/actor name — everything one actor did, newest first; the name autocompletes."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.descriptions import describe_from_data
from bot.discord_adapter.replies import choices, reply_with_answer
from bot.engine import names


class Actor(commands.Cog):
    def __init__(self, bot: commands.Bot):
        self.bot = bot

    @app_commands.command(description="Everything a country, parliament or organisation did, newest first")
    @app_commands.describe(name="Start typing a name")  # setup() adds the data's busiest names
    async def actor(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        await reply_with_answer(interaction, "actor", ["c", name])

    @actor.autocomplete("name")
    async def name_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await choices(names.actor_choices, self.bot.engine, current)


async def setup(bot: commands.Bot) -> None:
    cog = Actor(bot)
    await describe_from_data(bot, actor=cog.actor)
    await bot.add_cog(cog)
