"""Plain helpers shared by the test modules: paths, and small readers of answers and replies.

Not a test module and not a conftest: tests import it as ``from helpers import ...``
(``pythonpath = ["tests"]`` in pyproject.toml). Fixtures live in tests/conftest.py and, for
the fake Discord, in tests/fakediscord/plugin.py.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discord.ext import commands
    from fakediscord import FakeDiscord

    from bot.config import Settings
    from bot.discord_adapter.client import ResponsesBot
    from bot.engine.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"  # the shipped data, which moderators edit: only its validity is tested
FROZEN_DATA = ROOT / "tests" / "data_frozen"  # a frozen copy for tests that count (conftest: frozen_data)
EPHEMERAL = 64  # Discord's message flag


def passages(answer) -> set[str]:
    """'Canada#2'-style keys of every passage the answer's records cite."""
    return {f"{s['section']}#{s['item']}" for r in answer.records for s in r["sources"]}


def embed(response: dict) -> dict:
    """The first embed of a response recorded by the fake Discord."""
    return (response["data"] or {})["embeds"][0]


def settings(tmp: Path, **kw) -> Settings:
    from bot.config import Settings

    return Settings(database=tmp / "unused.db", **kw)


async def started(fake: FakeDiscord, engine: Engine, tmp_path: Path, *, cog: commands.Cog | None = None,
                  **kw) -> ResponsesBot:
    """The real bot on ``engine`` (not yet connected: use ``running_bot(bot, fake)``); ``kw`` are Settings."""
    from bot.discord_adapter.client import ResponsesBot

    bot = ResponsesBot(settings(tmp_path, **kw), engine, guild_ready_timeout=0.05)
    if cog is not None:
        await bot.add_cog(cog)
    return bot


async def final_response(fake: FakeDiscord, interaction_id: int | str, timeout: float = 10.0) -> dict:
    """The response that carries an interaction's reply: the callback, or, when the bot deferred
    ("thinking…", as it does when the work takes over 2 s on a busy machine), the follow-up."""
    first = await fake.wait_for_response(interaction_id, timeout)
    if first["type"] == 5:
        return await fake.wait_for_response(interaction_id, timeout, count=2)
    return first


def forget_cli_logging() -> None:
    """Close the log handlers bot.cli.main.setup_logging added when a test ran main() in-process."""
    import logging

    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, "bot_cli", False)]:
        root.removeHandler(h)
        h.close()


def content_hash(root) -> str:
    """One fingerprint of every file of a data folder, to show a command left it untouched."""
    import hashlib

    from bot.dataset.files import data_files

    h = hashlib.sha256()
    for p in data_files(Path(root)):
        h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()
