"""/actor name — everything one actor did, newest first; the name autocompletes."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.answer_pages import escape, newest_first
from bot.discord_adapter.replies import choices, run_engine, send_answer
from bot.discord_adapter.sending import send_notice
from bot.engine import names


def actor_answer(engine, typed: str):
    """(answer, None) for a known or recognisable actor, else (None, why not)."""
    try:
        actor_id = names.actor_id(engine, typed, " Pick a name from the list as you type.")
    except names.UnknownName as exc:
        return None, str(exc)
    name = engine.state.actors[actor_id]["name"]
    answer = engine.select(actors=[actor_id], acting_only=True, label=f"What {name} did")
    return newest_first(answer), None


class Actor(commands.Cog):
    def __init__(self, bot: commands.Bot):
        self.bot = bot

    @app_commands.command(description="Everything a country, parliament or organisation did, newest first")
    @app_commands.describe(name="Start typing a name: Canada, European Parliament, UN…")
    async def actor(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        answer, why_not = await run_engine(interaction, actor_answer, self.bot.engine, name)
        if answer is None:
            await send_notice(interaction, escape(why_not), "actor")
            return
        await send_answer(interaction, answer, "actor")

    @actor.autocomplete("name")
    async def name_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await choices(names.actor_choices, self.bot.engine, current)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Actor(bot))
