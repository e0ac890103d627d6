"""/data export|import|reload — moderators move the records in and out as one YAML file.

Import checks the attachment's size before downloading it (from Discord's CDN, through the
bot's HTTP session), validates the whole file, previews what would be added, changed and
removed, and saves only on Confirm (twice, naming the count, when it removes most records).
Reload finishes a save a crash cut short, then re-reads data/ after an edit on disk.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.dataset.store import ChangeRefused, field_error
from bot.dataset.transfer import MAX_IMPORT_BYTES, apply_import, export_text, plan_import
from bot.discord_adapter.answer_pages import notice_page
from bot.discord_adapter.checks import moderator_only
from bot.discord_adapter.moderation_pages import import_preview_page, reload_page
from bot.discord_adapter.moderation_views import (
    ModeratorCog,
    ask_to_confirm,
    defer,
    recover_now,
    refuse,
    report_recovery,
    who,
)
from bot.discord_adapter.sending import log_interaction, send_page


@moderator_only()
class DataAdmin(ModeratorCog, group_name="data", group_description="Moderators: export, import, reload the data"):
    @app_commands.command(description="Every record as one YAML file, to edit and import again")
    @moderator_only()
    async def export(self, interaction: discord.Interaction) -> None:
        await defer(interaction)
        try:
            text = await asyncio.to_thread(export_text, self.store)
        except ChangeRefused as exc:
            return await refuse(interaction, exc, "data export", locations=True)
        data = text.encode("utf-8")
        limit = getattr(interaction, "filesize_limit", 0) or 8 * 2**20
        if len(data) > limit:
            return await send_page(interaction, notice_page(
                f"The export is {len(data) // 1024} KiB, more than Discord lets me attach here; "
                "use `python -m bot export` on the server."), notice=True)
        name = f"records-{dt.date.today().isoformat()}.yaml"
        page = notice_page(f"{text.count(chr(10) + '- id:')} records, {len(data) // 1024 or 1} KiB. Edit the file and "
                           "send it back with `/data import`: you will see what changes before anything is saved.",
                           "Export")
        await send_page(interaction, page, file=discord.File(io.BytesIO(data), filename=name))
        log_interaction(interaction, "data export", 1, "export")

    @app_commands.command(name="import", description="Replace the records with a YAML file, after a preview")
    @app_commands.describe(file="A YAML file as /data export writes it", reason="Why (kept in the history)")
    @moderator_only()
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment,
                      reason: app_commands.Range[str, 1, 300] | None = None) -> None:
        if file.size > MAX_IMPORT_BYTES:  # before downloading anything
            return await refuse(interaction, field_error(
                "file", f"{file.filename} is {file.size // 1024} KiB; the limit is {MAX_IMPORT_BYTES // 2**20} MiB"),
                "data import")
        await defer(interaction)
        try:
            data = await file.read()
        except discord.HTTPException as exc:
            return await refuse(interaction, field_error("file", f"could not download {file.filename} ({exc.status})"),
                                "data import")
        try:
            plan = await asyncio.to_thread(plan_import, self.store, data, file.filename)
        except ChangeRefused as exc:
            await refuse(interaction, exc, "data import", locations=True)
            return await report_recovery(self.bot, interaction)
        await report_recovery(self.bot, interaction)
        if not plan.changes:
            await send_page(interaction, notice_page("Nothing to import: the file matches the data."), notice=True)
            return log_interaction(interaction, "data import", 0, "unchanged")
        user, again = interaction.user, f"Yes, remove {len(plan.removed)} records" if plan.mass_removal else None
        await ask_to_confirm(interaction, self.bot, import_preview_page(plan, file.filename, reason or ""),
                             lambda: apply_import(self.store, plan, who(user), reason or "", allow_removals=bool(again)),
                             "data import", again)

    @app_commands.command(description="Re-read the data files after an edit on disk, and report any problem")
    @moderator_only()
    async def reload(self, interaction: discord.Interaction) -> None:
        await defer(interaction)
        await recover_now(self.bot, interaction)   # a save a crash cut short is finished (or its conflict told)
        counts, problems, kept = await asyncio.to_thread(self.bot.engine.reload_status)
        page = reload_page(counts, problems, self.store.data_dir, kept)
        await send_page(interaction, page, notice=bool(problems))
        log_interaction(interaction, "data reload", len(problems or []), "problems" if problems else "reloaded")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(DataAdmin(bot))
