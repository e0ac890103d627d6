"""/about (the data and its source) and /help (how to ask)."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.ack_first import in_lane
from bot.discord_adapter.answer_pages import about_page, help_page
from bot.discord_adapter.embeds import to_embed
from bot.discord_adapter.sending import log_interaction, send_embed


class Info(commands.Cog):
    def __init__(self, bot: commands.Bot):
        self.bot = bot

    @app_commands.command(description="What the data is, where it comes from, and when it last changed")
    async def about(self, interaction: discord.Interaction) -> None:
        facts = await in_lane(interaction, "answers", lambda: self.bot.engine.state.about())
        await send_embed(interaction, to_embed(about_page(facts)), ephemeral=False)
        log_interaction(interaction, "about", facts.get("records", 0), "about")

    @app_commands.command(description="How to ask questions, with examples")
    async def help(self, interaction: discord.Interaction) -> None:
        st = await in_lane(interaction, "answers", lambda: self.bot.engine.state)  # the examples are the dataset's
        await send_embed(interaction, to_embed(help_page(st.covers, st.examples)), ephemeral=True)
        log_interaction(interaction, "help", 0, "help")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Info(bot))
