"""Plain questions in channels: when the bot is mentioned, or in answer_channels and their threads.

Plain (unmentioned) questions need the privileged message content intent
(message_content_intent: true); mentions arrive with their content either way.
"""
from __future__ import annotations

import logging
import re
import time

import discord
from discord.ext import commands

from bot.discord_adapter.answer_pages import notice_page
from bot.discord_adapter.embeds import to_embed
from bot.discord_adapter.errors import friendly
from bot.discord_adapter.flights import RESTARTING, CutShort
from bot.discord_adapter.lanes import Busy
from bot.discord_adapter.replies import reply_to_message

log = logging.getLogger("bot.discord")
ON_COOLDOWN = "⏳"


class Questions(commands.Cog):
    def __init__(self, bot: commands.Bot):
        self.bot = bot
        seconds = bot.settings.user_cooldown_seconds or 0
        self.cooldown = commands.CooldownMapping.from_cooldown(1, seconds, commands.BucketType.user) \
            if seconds > 0 else None

    def question_in(self, message: discord.Message) -> str | None:
        """The question a message asks the bot, or None when it is not addressed to the bot."""
        me = self.bot.user
        mentioned = me is not None and any(u.id == me.id for u in message.mentions)
        channels = self.bot.settings.answer_channels
        channel = message.channel
        listed = channel.id in channels or (isinstance(channel, discord.Thread) and channel.parent_id in channels)
        if not (mentioned or listed):
            return None
        text = re.sub(rf"<@!?{me.id}>", " ", message.content).strip() if me else message.content.strip()
        if not text and not mentioned:
            return None  # no message content intent, or an attachment only
        return text

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id:
            return
        question = self.question_in(message)
        if question is None:
            return
        if self.cooldown is not None and self.cooldown.update_rate_limit(message):
            try:  # a reaction, not a reply: no spam
                await message.add_reaction(ON_COOLDOWN)
            except discord.HTTPException:
                pass
            log.info("question user=%s on cooldown", message.author.id)
            return
        if self.bot.flights.closing:  # stopping: not taken on
            return await self._tell(message, RESTARTING)
        t0 = time.perf_counter()
        try:
            async with self.bot.flights.question(message), message.channel.typing():
                answer = await reply_to_message(self.bot, message, question)
            log.info("question user=%s channel=%s latency_ms=%d results=%d kind=%s", message.author.id,
                     message.channel.id, (time.perf_counter() - t0) * 1000, len(answer.records), answer.kind)
        except Exception as exc:
            if isinstance(exc, (Busy, CutShort)):
                log.info("question user=%s: %s", message.author.id, friendly(exc))
            else:
                log.error("question user=%s failed", message.author.id, exc_info=exc)
            await self._tell(message, friendly(exc))

    async def _tell(self, message: discord.Message, text: str) -> None:
        try:
            await message.reply(embed=to_embed(notice_page(text), notice=True), mention_author=False)
        except discord.HTTPException:
            pass


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Questions(bot))
