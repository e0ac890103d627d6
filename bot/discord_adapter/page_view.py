"""The buttons under an answer, ◀ n/N ▶ and Sources, with their state in their custom_ids.

Each button is a discord.py dynamic item: its custom_id says what it does, on which page, for
whom, and what was asked (bot/discord_adapter/answer_keys.py), so no view object lives on per
answer and the buttons keep working after the bot restarts. A click answers the question again
in the answers lane and shows the page. Only the person who asked can turn pages; anyone may
open the sources (shown ephemerally to whoever asks).
"""
from __future__ import annotations

import logging
from typing import Any

import discord

from bot.discord_adapter import answer_keys
from bot.discord_adapter.ack_first import defer_ephemeral, defer_update, in_lane
from bot.discord_adapter.answer_pages import answer_pages, page_numbers, sources_pages
from bot.discord_adapter.embeds import to_embed
from bot.discord_adapter.errors import report_error
from bot.discord_adapter.flights import answered
from bot.discord_adapter.sending import send_embed, send_notice

log = logging.getLogger("bot.discord")
NOT_YOURS = "Only the person who asked can turn pages."
EXPIRED = "This answer's buttons have expired. Please ask again."
# b(ack)/f(orward) to a page, n: the page counter (disabled), s: the sources of a page
TEMPLATE = r"ans:(?P<act>[bfns]):(?P<page>\d{1,3}):(?P<owner>[0-9a-z]{1,13}):(?P<spec>[=#].+)"
CUSTOM_ID_MAX = 100
ROOM = CUSTOM_ID_MAX - len("ans:b:999::") - 13  # for the spec: 13 is a user id in base 36


def _base36(n: int) -> str:
    digits = ""
    while True:
        n, d = divmod(n, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[d] + digits
        if not n:
            return digits


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button], template=TEMPLATE):
    def __init__(self, act: str, page: int, owner: str, spec: str, *, label: str = "·", disabled: bool = False):
        style = discord.ButtonStyle.primary if act == "s" else discord.ButtonStyle.secondary
        super().__init__(discord.ui.Button(label=label, style=style, disabled=disabled,
                                           custom_id=f"ans:{act}:{page}:{owner}:{spec}"))
        self.act, self.page, self.owner, self.spec = act, page, owner, spec

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: Any) -> AnswerButton:
        return cls(match["act"], int(match["page"]), match["owner"], match["spec"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:  # discord.py only logs what a dynamic item raises: the member must hear of it too
            if self.act == "s":
                await show_sources(interaction, self.spec, self.page)
            elif self.act in "bf":
                await turn(interaction, self.owner, self.spec, self.page)
            else:
                await interaction.response.defer()  # the counter is disabled; never clicked in practice
        except Exception as exc:
            await report_error(interaction, exc)


def answer_view(pages: int, index: int, owner_id: int, spec: str, sources: bool) -> discord.ui.View | None:
    """◀ n/N ▶ when there are several pages, Sources when the page cites any; None when neither."""
    view = discord.ui.View(timeout=None)
    owner = _base36(owner_id)
    if pages > 1:
        view.add_item(AnswerButton("b", max(0, index - 1), owner, spec, label="◀", disabled=index == 0))
        view.add_item(AnswerButton("n", index, owner, spec, label=f"{index + 1}/{pages}", disabled=True))
        view.add_item(AnswerButton("f", min(pages - 1, index + 1), owner, spec, label="▶",
                                   disabled=index >= pages - 1))
    if sources:
        view.add_item(AnswerButton("s", index, owner, spec, label="Sources"))
    return view if view.children else None


def _again(engine: Any, store: answer_keys.KeyStore, spec_text: str) -> tuple[Any, list[dict]] | None:
    """In the answers lane: the answer and its pages, asked again; None when the spec expired."""
    spec = answer_keys.decode(spec_text, store)
    if spec is None:
        return None
    answer = answer_keys.answer(engine, spec)
    return answer, answer_pages(answer)


async def turn(interaction: discord.Interaction, owner: str, spec: str, page: int) -> None:
    if _base36(interaction.user.id) != owner:
        await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        answered(interaction)
        return
    client = interaction.client
    again = await in_lane(interaction, "answers", _again, client.engine, client.answer_keys, spec, ack=defer_update)
    if again is None:
        return await send_notice(interaction, EXPIRED, "page")
    answer, pages = again
    index = min(page, len(pages) - 1)  # the data may have changed since: fewer pages
    view = answer_view(len(pages), index, interaction.user.id, spec, bool(answer.footnotes))
    kwargs = {"embed": to_embed(pages[index]), "view": view}
    if interaction.response.is_done():
        await interaction.edit_original_response(**kwargs)
    else:
        await interaction.response.edit_message(**kwargs)
    answered(interaction)
    log.info("page user=%s page=%d/%d", interaction.user.id, index + 1, len(pages))


async def show_sources(interaction: discord.Interaction, spec: str, page: int) -> None:
    client = interaction.client
    again = await in_lane(interaction, "answers", _again, client.engine, client.answer_keys, spec,
                          ack=defer_ephemeral)
    if again is None:
        return await send_notice(interaction, EXPIRED, "sources")
    answer, pages = again
    numbers = page_numbers(pages[min(page, len(pages) - 1)])
    for shown in sources_pages(answer, numbers):
        await send_embed(interaction, to_embed(shown), ephemeral=True)
    log.info("sources user=%s page=%d passages=%d", interaction.user.id, page + 1, len(numbers))
