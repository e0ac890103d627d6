"""/timeline and /stats — the records as a picture, drawn in the pictures lane (a worker process)."""
from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.ack_first import in_lane
from bot.discord_adapter.answer_pages import DESCRIPTION_MAX, TITLE_MAX, clip, escape
from bot.discord_adapter.embeds import to_embed
from bot.discord_adapter.replies import choices
from bot.discord_adapter.sending import log_interaction, send_embed, send_notice
from bot.engine import names
from bot.engine.names import UnknownName
from bot.pictures.draw import EmptyChart
from bot.pictures.select import draw

Year = app_commands.Range[int, 1900, 2100]


async def send_chart(interaction: discord.Interaction, chart, title: str, command: str, count: int) -> None:
    page = {"title": clip(title, TITLE_MAX), "description": clip(escape(chart.caption), DESCRIPTION_MAX)}
    embed = to_embed(page)
    embed.set_image(url="attachment://chart.png")
    file = discord.File(io.BytesIO(chart.png), filename="chart.png", description=clip(title, 1024))
    await send_embed(interaction, embed, ephemeral=False, file=file)
    log_interaction(interaction, command, count, "chart")


class Charts(commands.Cog):
    def __init__(self, bot: commands.Bot):
        self.bot = bot

    async def _draw(self, interaction: discord.Interaction, command: str, **options) -> None:
        try:
            chart, label, count = await in_lane(interaction, "pictures", draw, command, options, self.bot.lanes.where)
        except (UnknownName, EmptyChart) as exc:
            await send_notice(interaction, escape(str(exc)), command)
            return
        await send_chart(interaction, chart, f"{'Timeline' if command == 'timeline' else 'Stats'}: {label}",
                         command, count)

    @app_commands.command(description="A timeline picture: who did what, when")
    @app_commands.describe(actor="Only this actor", actor2="…and this one", type="Only this type of action",
                           start="From this year", end="Up to this year", rows="One row per actor or per type")
    @app_commands.rename(start="from", end="to")
    @app_commands.choices(rows=[app_commands.Choice(name="actor", value="actor"),
                                app_commands.Choice(name="type of action", value="type")])
    async def timeline(self, interaction: discord.Interaction, actor: str | None = None, actor2: str | None = None,
                       type: str | None = None, start: Year | None = None, end: Year | None = None,
                       rows: str = "actor") -> None:
        await self._draw(interaction, "timeline", actors=[a for a in (actor, actor2) if a],
                         types=[type] if type else [], start=start, end=end, rows=rows)

    @app_commands.command(description="Records per year, per type of action and per actor, as a chart")
    @app_commands.describe(actor="Only this actor", type="Only this type of action", start="From this year",
                           end="Up to this year")
    @app_commands.rename(start="from", end="to")
    async def stats(self, interaction: discord.Interaction, actor: str | None = None, type: str | None = None,
                    start: Year | None = None, end: Year | None = None) -> None:
        await self._draw(interaction, "stats", actors=[actor] if actor else [],
                         types=[type] if type else [], start=start, end=end)

    @timeline.autocomplete("actor")
    @timeline.autocomplete("actor2")
    @stats.autocomplete("actor")
    async def actor_autocomplete(self, interaction: discord.Interaction, current: str):
        return await choices(names.actor_choices, self.bot.engine, current)

    @timeline.autocomplete("type")
    @stats.autocomplete("type")
    async def type_autocomplete(self, interaction: discord.Interaction, current: str):
        return await choices(names.type_choices, self.bot.engine, current)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Charts(bot))
