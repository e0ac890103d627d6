"""/search — records matching explicit filters: actor, type of action, year or years, words."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.ack_first import in_lane
from bot.discord_adapter.answer_pages import escape
from bot.discord_adapter.descriptions import describe_from_data
from bot.discord_adapter.replies import choices, reply_with_answer
from bot.discord_adapter.sending import send_notice
from bot.engine import names

Year = app_commands.Range[int, 1900, 2100]
HINT = "Give at least one filter: `actor`, `type`, `year` (or `from` / `to`) or `text`{example}. To ask in plain words, use `/ask`."


def hint(state) -> str:
    """The no-filter hint, its example made of the data's own busiest actor and commonest type."""
    h = state.hint_examples()
    parts = [f"actor: {h['actor']}" if h.get("actor") else "", f"type: {h['type']}" if h.get("type") else ""]
    example = " ".join(p for p in parts if p)
    return HINT.format(example=f" — e.g. `/search {escape(example)}`" if example else "")


class Search(commands.Cog):
    def __init__(self, bot: commands.Bot):
        self.bot = bot

    @app_commands.command(description="Find records by actor, type of action, year(s) and words")  # see setup()
    @app_commands.rename(kind="type", from_year="from", to_year="to")
    @app_commands.describe(actor="Who acted (autocompletes)", kind="Type of action (autocompletes)",
                           year="One year", from_year="From this year", to_year="Up to this year",
                           text="Words to look for")
    async def search(self, interaction: discord.Interaction, actor: app_commands.Range[str, 1, 100] | None = None,
                     kind: app_commands.Range[str, 1, 100] | None = None, year: Year | None = None,
                     from_year: Year | None = None, to_year: Year | None = None,
                     text: app_commands.Range[str, 1, 200] | None = None) -> None:
        if not any((actor, kind, year, from_year, to_year, text)):
            return await send_notice(interaction, await in_lane(interaction, "answers", lambda: hint(self.bot.engine.state)),
                                     "search")
        if year and (from_year or to_year):
            return await send_notice(interaction, "Give either `year`, or `from` / `to`, not both.", "search")
        start, end = (year, year) if year else (from_year, to_year)
        if start and end and start > end:
            return await send_notice(interaction, f"`from` ({start}) is after `to` ({end}).", "search")
        await reply_with_answer(interaction, "search", ["s", actor, kind, start, end, text])

    @search.autocomplete("actor")
    async def actor_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await choices(names.actor_choices, self.bot.engine, current)

    @search.autocomplete("kind")
    async def type_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await choices(names.type_choices, self.bot.engine, current)


async def setup(bot: commands.Bot) -> None:
    cog = Search(bot)
    await describe_from_data(bot, search=cog.search)
    await bot.add_cog(cog)
