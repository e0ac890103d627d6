"""Discord pieces shared by the moderators' commands: the record form (a modal), the Confirm /
Cancel view only the moderator who asked can press, and the audit post.

Every Store call runs in a worker thread (file I/O, YAML and validation). A change is saved
only by Confirm; the buttons are disabled once pressed, or on timeout. Whoever submits a form,
presses a button or types in an autocompleted option is checked again, in code, each time: a
form or a preview can outlive the moderator rights of whoever opened it, and anyone who gets
hold of its id can send it.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any, Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.dataset.history import Entry
from bot.dataset.model import MAX_SUMMARY, MAX_TITLE
from bot.dataset.store import ChangeRefused
from bot.discord_adapter.answer_pages import notice_page
from bot.discord_adapter.checks import MODERATORS_ONLY, is_moderator
from bot.discord_adapter.embeds import to_embed
from bot.discord_adapter.errors import report_error
from bot.discord_adapter.flights import saving
from bot.discord_adapter.moderation_pages import (
    audit_page,
    cancelled_page,
    preview_page,
    recovery_page,
    refusal_page,
    saved_page,
    second_confirm_page,
)
from bot.discord_adapter.replies import INTERACTION_TOKEN_LIFETIME, choices
from bot.discord_adapter.sending import log_interaction, send_page
from bot.engine.names import actor_choices, record_choices, section_choices

log = logging.getLogger("bot.discord")
NOT_YOURS = "Only the moderator who asked can confirm or cancel this."
NOT_YOUR_FORM = "Only the moderator who opened this form can submit it."
CONFIRM_TIMEOUT = 600.0
# (custom id, label, description, paragraph?, required, max length)
FORM = (("title", "Title", f"One line in our own words, at most {MAX_TITLE} characters", False, True, MAX_TITLE),
        ("date", "Date", "2021-03-22, 2021-03, 2021, late 2020, 2020-07/2021-12… Empty: none given", False, False, 60),
        ("actors", "Actors", "Comma-separated names, aliases or ids; name:role for joined, venue, target, mentioned",
         True, True, 1000),
        ("types", "Types of action", "Comma-separated labels, synonyms or ids from types.yaml", False, True, 300),
        ("summary", "Summary", f"What the source says, in our own words, at most {MAX_SUMMARY} characters", True, True,
         MAX_SUMMARY))


Reason = app_commands.Range[str, 1, 300]


class ModeratorCog(commands.GroupCog):
    """A moderators' command group; the bot holds the one Store every change goes through."""

    def __init__(self, bot: commands.Bot):
        self.bot, self.store = bot, bot.store  # type: ignore[attr-defined]
        super().__init__()


def who(user: discord.abc.User) -> str:
    return f"discord:{user.id}:{user.name}"


async def refuse(interaction: discord.Interaction, exc: Exception, command: str, *, locations: bool = False) -> None:
    await send_page(interaction, refusal_page(exc, locations=locations), notice=True)
    log.info("/%s user=%s refused: %s", command, interaction.user.id, exc)
    log_interaction(interaction, command, 0, "refused")


async def defer(interaction: discord.Interaction) -> None:
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)


async def post_audit(bot: Any, entries: list[Entry], recovered: bool = False) -> None:
    """An embed for a saved change in the audit channel, if one is set; failures are only logged."""
    channel_id = getattr(bot.settings, "audit_channel", None)
    if not channel_id or not entries:
        return
    try:
        channel = bot.get_channel(channel_id) or await bot.fetch_channel(channel_id)
        page = recovery_page(entries) if recovered else audit_page(entries)
        await channel.send(embed=to_embed(page), allowed_mentions=discord.AllowedMentions.none())
    except Exception:
        log.warning("could not post change #%s to the audit channel %s", entries[0].seq, channel_id, exc_info=True)


async def still_allowed(interaction: discord.Interaction, owner_id: int, bot: Any, not_yours: str = NOT_YOURS) -> bool:
    """The member behind a form submit or a button press: the one who opened it, and a moderator now."""
    text = not_yours if interaction.user.id != owner_id else \
        None if is_moderator(interaction, bot.settings) else MODERATORS_ONLY
    if text is None:
        return True
    await interaction.response.send_message(text, ephemeral=True)
    log.info("user=%s refused at a form or button: %s", interaction.user.id, text)
    return False


async def report_recovery(bot: Any, interaction: discord.Interaction | None = None) -> None:
    """What recovery did (an interrupted save finished, or a conflict left as it was): to the
    audit channel, and to the moderator whose command ran it."""
    entries = bot.store.take_notices()
    if not entries:
        return
    await post_audit(bot, entries, recovered=True)
    if interaction is not None:
        try:
            await interaction.followup.send(embed=to_embed(recovery_page(entries), notice=True), ephemeral=True,
                                            allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            log.warning("could not tell the moderator about a recovered save", exc_info=True)


async def recover_now(bot: Any, interaction: discord.Interaction | None = None) -> None:
    """Finish a save a crash cut short (the bot's start, /data reload), and say so."""
    try:
        await asyncio.to_thread(bot.store.recover)
    except Exception:
        log.exception("recovering an interrupted save failed")
    await report_recovery(bot, interaction)


async def refresh_engine(bot: Any) -> None:
    """Rebuild the index now, so the next question is not the one that waits for it."""
    try:
        await asyncio.to_thread(bot.engine.refresh)
    except Exception:
        log.warning("the index could not be rebuilt after a change", exc_info=True)


class ConfirmView(discord.ui.View):
    """Confirm runs ``save`` (blocking: it runs in a thread) and shows what was saved. With
    ``again`` (a removal of most records), the first Confirm only asks a second time, on a
    button that names what goes."""

    def __init__(self, bot: Any, owner_id: int, save: Callable[[], list[Entry]], command: str,
                 again: str | None = None):
        timeout = min(getattr(bot, "confirm_timeout", CONFIRM_TIMEOUT), INTERACTION_TOKEN_LIFETIME)
        super().__init__(timeout=timeout)
        self.bot, self.owner_id, self.save, self.command, self.again = bot, owner_id, save, command, again
        self.message: discord.Message | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await still_allowed(interaction, self.owner_id, self.bot)

    def _disable(self) -> None:
        for item in self.children:
            item.disabled = True

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.success)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        if self.again:   # the second, explicit yes
            button.label, button.style, self.again = self.again[:80], discord.ButtonStyle.danger, None
            await interaction.response.edit_message(embed=to_embed(second_confirm_page(button.label), notice=True),
                                                    view=self)
            return
        self.stop()
        self._disable()
        await interaction.response.edit_message(view=self)
        async with saving(interaction):  # a graceful stop waits until the moderator is told the outcome
            try:
                entries = await asyncio.to_thread(self.save)
            except ChangeRefused as exc:
                await interaction.edit_original_response(embed=to_embed(refusal_page(exc), notice=True), view=self)
                log.info("/%s user=%s confirm refused: %s", self.command, interaction.user.id, exc)
                return await report_recovery(self.bot, interaction)
            await interaction.edit_original_response(embed=to_embed(saved_page(entries)), view=self)
            log_interaction(interaction, self.command, len(entries), "saved")
            await report_recovery(self.bot, interaction)
            await post_audit(self.bot, entries)
        await refresh_engine(self.bot)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.stop()
        self._disable()
        await interaction.response.edit_message(embed=to_embed(cancelled_page(), notice=True), view=self)

    async def on_timeout(self) -> None:
        self._disable()
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException as exc:
                log.debug("could not disable the confirm buttons: %s", exc)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await report_error(interaction, error)


async def ask_to_confirm(interaction: discord.Interaction, bot: Any, page: dict, save: Callable[[], list[Entry]],
                         command: str, again: str | None = None) -> None:
    """Show the preview ``page`` ephemerally with Confirm / Cancel for the invoker."""
    view = ConfirmView(bot, interaction.user.id, save, command, again)
    message = await send_page(interaction, page, view=view)
    view.message = message
    if message is not None:
        bot.views[message.id] = view
    log_interaction(interaction, command, 0, "preview")


async def propose_and_confirm(interaction: discord.Interaction, bot: Any, propose: Callable[[], Any],
                              reason: str | None, command: str) -> None:
    """Run ``propose`` (a Store.propose call) in a thread; show its preview with Confirm, or why not."""
    await defer(interaction)
    try:
        change = await asyncio.to_thread(propose)
    except ChangeRefused as exc:
        await refuse(interaction, exc, command)
        return await report_recovery(bot, interaction)
    await report_recovery(bot, interaction)
    if change.before is not None and change.after is not None and change.rev_before == change.rev_after:
        await send_page(interaction, notice_page("Nothing changed: there is nothing to save."), notice=True)
        return
    user = interaction.user
    await ask_to_confirm(interaction, bot, preview_page(change, reason or ""),
                         lambda: bot.store.apply([change], who(user), reason or ""), command)


async def undo_now(interaction: discord.Interaction, bot: Any, kind: str, target: str, reason: str | None,
                   command: str) -> None:
    """Revert the last change to ``target`` at once (no preview: an undo is undone by undoing again)."""
    await defer(interaction)
    async with saving(interaction):  # a graceful stop waits until the moderator is told the outcome
        try:
            entry = await asyncio.to_thread(bot.store.undo, kind, target, who(interaction.user), reason or "")
        except ChangeRefused as exc:
            await refuse(interaction, exc, command)
            return await report_recovery(bot, interaction)
        await send_page(interaction, saved_page([entry]))
        log_interaction(interaction, command, 1, "saved")
        await report_recovery(bot, interaction)
        await post_audit(bot, [entry])
    await refresh_engine(bot)


class RecordModal(discord.ui.Modal):
    """The five-field record form; ``on_values(interaction, values)`` handles a submit by the
    moderator who opened it (anyone else is refused)."""

    def __init__(self, bot: Any, owner_id: int, title: str, values: dict[str, str],
                 on_values: Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]):
        super().__init__(title=title[:45], custom_id=f"record-form:{secrets.token_hex(8)}",
                         timeout=INTERACTION_TOKEN_LIFETIME)
        self.bot, self.owner_id, self.on_values, self.inputs = bot, owner_id, on_values, {}
        for key, label, description, paragraph, required, limit in FORM:
            value = (values.get(key) or "")[:4000]
            text = discord.ui.TextInput(custom_id=key, required=required, default=value or None,
                                        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
                                        max_length=min(4000, max(limit, len(value))))
            self.inputs[key] = text
            self.add_item(discord.ui.Label(text=label, description=description[:100], component=text))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await still_allowed(interaction, self.owner_id, self.bot, NOT_YOUR_FORM)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.on_values(interaction, {k: t.value or "" for k, t in self.inputs.items()})

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report_error(interaction, error)


# ---- autocomplete shared by the moderators' cogs: moderators only, checked on every keystroke ----

async def _moderator_choices(interaction: discord.Interaction, lookup: Callable, current: str) -> list:
    client: Any = interaction.client
    if not is_moderator(interaction, client.settings):
        return []
    return await choices(lookup, client.engine, current)


async def record_autocomplete(interaction: discord.Interaction, current: str) -> list:
    return await _moderator_choices(interaction, record_choices, current)


async def section_autocomplete(interaction: discord.Interaction, current: str) -> list:
    return await _moderator_choices(interaction, section_choices, current)


async def actor_autocomplete(interaction: discord.Interaction, current: str) -> list:
    return await _moderator_choices(interaction, actor_choices, current)
