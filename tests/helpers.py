"""Plain helpers shared by the test modules: paths, and small readers of answers and replies.

Not a test module and not a conftest: tests import it as ``from helpers import ...``
(``pythonpath = ["tests"]`` in pyproject.toml). Fixtures live in tests/conftest.py and, for
the fake Discord, in tests/fakediscord/plugin.py.
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
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


async def answer_of(fake: FakeDiscord, interaction_id: int, timeout: float = 10.0) -> dict:
    """The response that carries an interaction's answer: its callback when it answered at once
    (type 4), else the follow-up after its "thinking…" (the bot defers whenever the work may
    take a while, e.g. the first picture, drawn by a process that is still starting)."""
    def found() -> dict | None:
        return next((r for r in fake.responses(interaction_id) if r["status"] < 300 and (
            (r["kind"] == "callback" and r["type"] == 4) or r["kind"] == "followup")), None)

    await fake.wait_for(found, timeout)
    return found()


class BotProcess:
    """``python -m bot run`` (or ``args``) from the checkout ``code``, in a subprocess talking to
    ``fake``; ``settings`` go into its config file. Also used by benchmarks/bench_discord.py."""

    def __init__(self, fake: FakeDiscord, tmp: Path, *, code: Path = ROOT, args: tuple[str, ...] = ("-m", "bot", "run"),
                 **settings):
        self.fake, self.tmp, self.code, self.args = fake, tmp, code, args
        self.log = tmp / f"bot-{time.monotonic_ns()}.log"
        self.stderr = tmp / "bot-stderr.txt"
        config = {"data_dir": FROZEN_DATA, "database": tmp / "index.db", "log_file": self.log, **settings}
        self.config = tmp / f"config-{time.monotonic_ns()}.yaml"
        self.config.write_text("".join(f"{k}: {v}\n" for k, v in config.items()), encoding="utf-8")
        self.proc: asyncio.subprocess.Process | None = None
        self.signalled = False

    async def start(self, timeout: float = 60.0) -> BotProcess:
        """Started, and connected to the fake's gateway."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "UYGHUR_BOT_"))}
        env.update(DISCORD_TOKEN="fake-token", DISCORD_API_BASE=self.fake.api_base,
                   DISCORD_GATEWAY_URL=self.fake.gateway_url, PYTHONPATH=str(self.code),
                   UYGHUR_BOT_CONFIG=str(self.config), XDG_CACHE_HOME=str(self.tmp / "cache"))
        seen = len(self.fake.gateway_connections)
        with open(self.stderr, "ab") as err:
            self.proc = await asyncio.create_subprocess_exec(sys.executable, *self.args, cwd=self.code, env=env,
                                                             stdout=asyncio.subprocess.DEVNULL, stderr=err)
        waiter = asyncio.ensure_future(self.fake.wait_for(
            lambda: len(self.fake.gateway_connections) > seen and self.fake._live, timeout))
        exited = asyncio.ensure_future(self.proc.wait())
        await asyncio.wait({waiter, exited}, return_when=asyncio.FIRST_COMPLETED)
        if exited.done():
            waiter.cancel()
            raise RuntimeError(f"the bot exited ({self.proc.returncode}): {self.stderr.read_text()[-2000:]}")
        exited.cancel()
        waiter.result()  # identified (the cogs are loaded and the index is open before it connects)
        await asyncio.sleep(0.3)  # READY and GUILD_CREATE handled
        return self

    async def __aenter__(self) -> BotProcess:
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        if self.proc is not None and self.proc.returncode is None:  # the block failed: leave nothing behind
            self.proc.kill()
            await self.proc.wait()

    def send_signal(self, sig: int = signal.SIGTERM) -> None:
        self.proc.send_signal(sig)
        self.signalled = True

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 60.0) -> int:
        """The exit code after ``sig`` (unless a signal was sent already: a second one means
        "hurry"); killed if it takes longer than ``timeout``."""
        if self.proc.returncode is None:
            if not self.signalled:
                self.send_signal(sig)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        await self.fake.wait_for(lambda: not self.fake._live, 10)
        return self.proc.returncode


final_response = answer_of   # the name the configuration and dataset tests use


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
