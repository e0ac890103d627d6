"""/record add|edit|remove|show|history|undo — moderators keep the records current from Discord.

Every change is validated as `python -m bot validate` would, previewed ephemerally and saved
only on Confirm (undo excepted: it saves at once and is itself undone by undoing again).
"""
from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot.dataset.model import STAGES
from bot.dataset.store import ChangeRefused, revision
from bot.discord_adapter.checks import moderator_only
from bot.discord_adapter.moderation_pages import history_page, record_page
from bot.discord_adapter.moderation_views import (
    ModeratorCog,
    Reason,
    RecordModal,
    propose_and_confirm,
    record_autocomplete,
    refuse,
    section_autocomplete,
    undo_now,
)
from bot.discord_adapter.record_form import NO_STAGE, apply_form, apply_options, form_values, new_record
from bot.discord_adapter.sending import log_interaction, send_page

RecordId = app_commands.Range[str, 1, 80]


@moderator_only()
class Records(ModeratorCog, group_name="record", group_description="Moderators: add, edit, remove, undo records"):
    @app_commands.command(description="Add a record: a form for its text, then a preview to confirm")
    @app_commands.rename(record_id="id")
    @app_commands.describe(section="The source section it cites (autocompletes)", item="Bullet number in that section",
                           record_id="Its id (default: made from the first actor, title and year)",
                           body="The body that acted, as the source names it", stage="For legislation and motions",
                           reason="Why (kept in the history)")
    @app_commands.choices(stage=[app_commands.Choice(name=s, value=s) for s in sorted(STAGES)])
    @app_commands.autocomplete(section=section_autocomplete)
    @moderator_only()
    async def add(self, interaction: discord.Interaction, section: app_commands.Range[str, 1, 100],
                  item: app_commands.Range[int, 1, 1000], record_id: RecordId | None = None,
                  body: app_commands.Range[str, 1, 200] | None = None, stage: str | None = None,
                  reason: Reason | None = None) -> None:
        async def submitted(inter: discord.Interaction, values: dict[str, str]) -> None:
            def propose():
                rec = new_record(self.bot.engine, self.store, values, section=section, item=item, rid=record_id,
                                 body=body, stage=stage)
                return self.store.propose("record", "add", rec["id"], rec)
            await propose_and_confirm(inter, self.bot, propose, reason, "record add")

        await interaction.response.send_modal(RecordModal(self.bot, interaction.user.id, "Add a record", {}, submitted))

    @app_commands.command(description="Edit a record: a form with its current text, then a preview to confirm")
    @app_commands.rename(record_id="id")
    @app_commands.describe(record_id="The record (autocompletes by id or title)", reason="Why (kept in the history)",
                           section="A new cited passage: its section (with item)", item="…and its bullet number",
                           body="The body that acted (- removes it)", stage="For legislation and motions")
    @app_commands.choices(stage=[app_commands.Choice(name=s, value=s) for s in (*sorted(STAGES), NO_STAGE)])
    @app_commands.autocomplete(record_id=record_autocomplete, section=section_autocomplete)
    @moderator_only()
    async def edit(self, interaction: discord.Interaction, record_id: RecordId, reason: Reason | None = None,
                   section: app_commands.Range[str, 1, 100] | None = None,
                   item: app_commands.Range[int, 1, 1000] | None = None,
                   body: app_commands.Range[str, 1, 200] | None = None, stage: str | None = None) -> None:
        rec = await asyncio.to_thread(self.store.get, "record", record_id)
        if rec is None:
            return await refuse(interaction, ChangeRefused(f"there is no record {record_id!r}"), "record edit")
        base = revision(rec)  # what the moderator saw: a save after someone else's is refused

        async def submitted(inter: discord.Interaction, values: dict[str, str]) -> None:
            def propose():
                after = apply_options(self.bot.engine, apply_form(self.bot.engine, rec, values), section=section,
                                      item=item, body=body, stage=stage)
                return self.store.propose("record", "edit", record_id, after, base)
            await propose_and_confirm(inter, self.bot, propose, reason, "record edit")

        await interaction.response.send_modal(RecordModal(self.bot, interaction.user.id, f"Edit {record_id}",
                                                          form_values(rec), submitted))

    @app_commands.command(description="Remove a record, after a preview")
    @app_commands.rename(record_id="id")
    @app_commands.describe(record_id="The record (autocompletes)", reason="Why (kept in the history)")
    @app_commands.autocomplete(record_id=record_autocomplete)
    @moderator_only()
    async def remove(self, interaction: discord.Interaction, record_id: RecordId, reason: Reason) -> None:
        await propose_and_confirm(interaction, self.bot, lambda: self.store.propose("record", "remove", record_id),
                                  reason, "record remove")

    @app_commands.command(description="Show a record as it is written in the data, with its revision")
    @app_commands.rename(record_id="id")
    @app_commands.autocomplete(record_id=record_autocomplete)
    @moderator_only()
    async def show(self, interaction: discord.Interaction, record_id: RecordId) -> None:
        def look():
            path, rec = self.store.locate("record", record_id)
            return path, rec, len(self.store.history.for_target("record", record_id))
        path, rec, n = await asyncio.to_thread(look)
        if rec is None:
            return await refuse(interaction, ChangeRefused(f"there is no record {record_id!r}"), "record show")
        await send_page(interaction, record_page(rec, f"records/{path.name}", revision(rec), n))
        log_interaction(interaction, "record show", 1, "record")

    @app_commands.command(description="Who changed a record, when and why, newest first")
    @app_commands.rename(record_id="id")
    @app_commands.autocomplete(record_id=record_autocomplete)
    @moderator_only()
    async def history(self, interaction: discord.Interaction, record_id: RecordId) -> None:
        entries = await asyncio.to_thread(self.store.history.for_target, "record", record_id)
        await send_page(interaction, history_page("record", record_id, entries))
        log_interaction(interaction, "record history", len(entries), "history")

    @app_commands.command(description="Revert the last change to a record (run again to redo)")
    @app_commands.rename(record_id="id")
    @app_commands.describe(record_id="The record (autocompletes)", reason="Why (kept in the history)")
    @app_commands.autocomplete(record_id=record_autocomplete)
    @moderator_only()
    async def undo(self, interaction: discord.Interaction, record_id: RecordId, reason: Reason | None = None) -> None:
        await undo_now(interaction, self.bot, "record", record_id, reason, "record undo")

async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Records(bot))
