"""The page-turning view under an answer: ◀ n/N ▶ and Sources.

Only the person who asked can turn pages (anyone may open the sources: they are shown
ephemerally to whoever asks). On timeout the buttons are disabled by editing the message.
"""
from __future__ import annotations

import logging

import discord

from bot.discord_adapter.answer_pages import page_numbers, sources_pages
from bot.discord_adapter.embeds import to_embed
from bot.discord_adapter.errors import report_error
from bot.engine.answer import Answer

log = logging.getLogger("bot.discord")
NOT_YOURS = "Only the person who asked can turn pages."


class PageView(discord.ui.View):
    def __init__(self, pages: list[dict], answer: Answer, owner_id: int, *, timeout: float = 600.0):
        super().__init__(timeout=timeout)
        self.pages, self.answer, self.owner_id, self.index = pages, answer, owner_id, 0
        self.message: discord.Message | None = None  # set once sent, for on_timeout
        if len(pages) <= 1:
            for item in (self.previous, self.counter, self.next):
                self.remove_item(item)
        if not answer.footnotes:
            self.remove_item(self.sources)
        self._update()

    @property
    def empty(self) -> bool:
        return not self.children

    def _update(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.counter.label = f"{self.index + 1}/{len(self.pages)}"

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()  # disabled; never clicked in practice

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, 1)

    @discord.ui.button(label="Sources", style=discord.ButtonStyle.primary)
    async def sources(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        shown = sources_pages(self.answer, page_numbers(self.pages[self.index]))
        await interaction.response.send_message(embed=to_embed(shown[0]), ephemeral=True)
        for page in shown[1:]:
            await interaction.followup.send(embed=to_embed(page), ephemeral=True)
        log.info("sources user=%s page=%d passages=%d", interaction.user.id, self.index + 1,
                 len(page_numbers(self.pages[self.index])))

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return
        self.index = max(0, min(len(self.pages) - 1, self.index + step))
        self._update()
        await interaction.response.edit_message(embed=to_embed(self.pages[self.index]), view=self)

    async def on_timeout(self) -> None:
        for item in self.children:
            item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException as exc:  # deleted message, expired token: nothing to disable
                log.debug("could not disable page buttons: %s", exc)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await report_error(interaction, error)
