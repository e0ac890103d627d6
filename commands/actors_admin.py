"""/actors add|alias|undo — moderators add actors and their other names, after a preview.

(`/actor name` is the public command; a Discord command cannot both run and have
subcommands, hence the separate `/actors` group.) New actors and aliases are recognised in
answers at once: the engine rebuilds its index when a data file changes.
"""
from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot.dataset.model import ACTOR_KINDS
from bot.dataset.store import ChangeRefused, field_error
from bot.discord_adapter.checks import moderator_only
from bot.discord_adapter.moderation_pages import history_page
from bot.discord_adapter.moderation_views import (
    ModeratorCog,
    Reason,
    actor_autocomplete,
    propose_and_confirm,
    refuse,
    undo_now,
)
from bot.discord_adapter.sending import log_interaction, send_page
from bot.engine import names


def _actor_id(engine, typed: str, field: str) -> str:
    try:
        return names.actor_id(engine, typed, " Pick one from the list as you type.")
    except names.UnknownName as exc:
        raise field_error(field, str(exc)) from None


@moderator_only()
class ActorsAdmin(ModeratorCog, group_name="actors", group_description="Moderators: add actors and aliases"):
    @app_commands.command(description="Add an actor (a country, body, organisation…), after a preview")
    @app_commands.rename(actor_id="id")
    @app_commands.describe(actor_id="Lower-case id, a-z 0-9 and -, e.g. new-zealand", name="The name a reader sees",
                           kind="What it is", parent="The actor it is part of (autocompletes)",
                           flag="A flag emoji, where one exists", aliases="Other names, comma-separated",
                           reason="Why (kept in the history)")
    @app_commands.choices(kind=[app_commands.Choice(name=k, value=k) for k in sorted(ACTOR_KINDS)])
    @app_commands.autocomplete(parent=actor_autocomplete)
    @moderator_only()
    async def add(self, interaction: discord.Interaction, actor_id: app_commands.Range[str, 1, 80],
                  name: app_commands.Range[str, 1, 100], kind: str,
                  parent: app_commands.Range[str, 1, 100] | None = None,
                  flag: app_commands.Range[str, 1, 16] | None = None,
                  aliases: app_commands.Range[str, 1, 1000] | None = None, reason: Reason | None = None) -> None:
        def propose():
            parent_id = _actor_id(self.bot.engine, parent, "parent") if parent else None
            return self.store.propose_actor(actor_id, name, kind, parent=parent_id, flag=flag,
                                            aliases=(aliases or "").split(","))
        await propose_and_confirm(interaction, self.bot, propose, reason, "actors add")

    @app_commands.command(description="Give an actor another name that questions may use, after a preview")
    @app_commands.describe(actor="The actor (autocompletes)", alias="The other name",
                           reason="Why (kept in the history)")
    @app_commands.autocomplete(actor=actor_autocomplete)
    @moderator_only()
    async def alias(self, interaction: discord.Interaction, actor: app_commands.Range[str, 1, 100],
                    alias: app_commands.Range[str, 1, 100], reason: Reason | None = None) -> None:
        def propose():
            return self.store.propose_alias(_actor_id(self.bot.engine, actor, "actor"), alias)
        await propose_and_confirm(interaction, self.bot, propose, reason, "actors alias")

    @app_commands.command(description="Who changed an actor, when and why, newest first")
    @app_commands.describe(actor="The actor (autocompletes)")
    @app_commands.autocomplete(actor=actor_autocomplete)
    @moderator_only()
    async def history(self, interaction: discord.Interaction, actor: app_commands.Range[str, 1, 100]) -> None:
        def look():
            target = _actor_id(self.bot.engine, actor.strip(), "actor")
            return target, self.store.history.for_target("actor", target)
        try:
            target, entries = await asyncio.to_thread(look)
        except ChangeRefused as exc:
            return await refuse(interaction, exc, "actors history")
        await send_page(interaction, history_page("actor", target, entries))
        log_interaction(interaction, "actors history", len(entries), "history")

    @app_commands.command(description="Revert the last change to an actor (run again to redo)")
    @app_commands.describe(actor="The actor (autocompletes)", reason="Why (kept in the history)")
    @app_commands.autocomplete(actor=actor_autocomplete)
    @moderator_only()
    async def undo(self, interaction: discord.Interaction, actor: app_commands.Range[str, 1, 100],
                   reason: Reason | None = None) -> None:
        try:
            target = await asyncio.to_thread(_actor_id, self.bot.engine, actor.strip(), "actor")
        except ChangeRefused as exc:
            return await refuse(interaction, exc, "actors undo")
        await undo_now(interaction, self.bot, "actor", target, reason, "actors undo")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ActorsAdmin(bot))
