"""/ask question — the same answer as `python -m bot ask`, as a paged embed."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.replies import reply_with_answer


class Ask(commands.Cog):
    def __init__(self, bot: commands.Bot):
        self.bot = bot

    @app_commands.command(description="Ask about international responses to the Uyghur crisis")
    @app_commands.describe(question="For example: what did Canada do · sanctions in 2021 · which countries "
                                    "recognized the genocide")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 300]) -> None:
        await reply_with_answer(interaction, "ask", ["a", question])


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ask(bot))
