"""/ask question — the same answer as `python -m bot ask`, as a paged embed."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.descriptions import describe_from_data
from bot.discord_adapter.replies import reply_with_answer


class Ask(commands.Cog):
    def __init__(self, bot: commands.Bot):
        self.bot = bot

    # the descriptions here are generic; setup() gives them the dataset's words and examples
    @app_commands.command(description="Ask a question about the data")
    @app_commands.describe(question="Your question, in plain words")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 300]) -> None:
        await reply_with_answer(interaction, "ask", ["a", question])


async def setup(bot: commands.Bot) -> None:
    cog = Ask(bot)
    await describe_from_data(bot, ask=cog.ask)
    await bot.add_cog(cog)
