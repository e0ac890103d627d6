"""The floor for benchmarks/bench_discord.py: a discord.py bot that only defers.

    DISCORD_TOKEN=… DISCORD_API_BASE=… DISCORD_GATEWAY_URL=… python benchmarks/floor_bot.py

It registers the same `/ask question` command as the real bot and answers every call with a
deferred "thinking…" and nothing else: no engine, no threads. Its acknowledgement times are what
discord.py, the fake Discord and this machine cost on their own, the floor the real bot's
figures are set against. Stops on SIGTERM or SIGINT.
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
from discord import app_commands  # noqa: E402

from bot.discord_adapter.endpoints import use_endpoints  # noqa: E402


class FloorBot(discord.AutoShardedClient):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(description="Defer, and nothing else")
        async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, 300]) -> None:
            await interaction.response.defer(thinking=True)


async def main() -> int:
    use_endpoints(os.environ.get("DISCORD_API_BASE"), os.environ.get("DISCORD_GATEWAY_URL"))
    client = FloorBot()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(client.close()))
    async with client:
        await client.start(os.environ["DISCORD_TOKEN"])
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
