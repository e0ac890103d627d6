"""Plain helpers shared by the test modules: paths, and small readers of answers and replies.

Not a test module and not a conftest: tests import it as ``from helpers import ...``
(``pythonpath = ["tests"]`` in pyproject.toml). Fixtures live in tests/conftest.py and, for
the fake Discord, in tests/fakediscord/plugin.py.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import subprocess
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


# ---- the moderators' commands through the fake Discord

def make_bot(fake: FakeDiscord, data_copy: Path, tmp_path: Path, role=None, **kw) -> ResponsesBot:
    """The real bot for the moderators' commands on a copy of the data, auditing to the second channel."""
    from bot.config import Settings
    from bot.dataset.store import Store
    from bot.discord_adapter.client import ResponsesBot
    from bot.engine.engine import Engine

    settings = Settings(data_dir=data_copy, database=tmp_path / "index.db", audit_channel=fake.guild.channels[1].id,
                        moderator_roles=[role.id] if role else [], **kw)
    engine = Engine(data_copy, tmp_path / "index.db")
    return ResponsesBot(settings, engine, store=Store(data_copy), guild_ready_timeout=0.05)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of a folder, by its hash: what "nothing changed" compares."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def message_embed(message: dict) -> dict:
    """The first embed of a message (as the fake Discord keeps it)."""
    return message["embeds"][0]


def buttons(message: dict) -> dict[str, dict]:
    """A message's buttons by label."""
    return {c["label"]: c for row in message["components"] for c in row["components"]}


async def command(fake, name, options=None, user=None, count=1) -> dict:
    """Run a slash command; the ``count``-th response's message (2: the follow-up after a deferral)."""
    iid = await fake.dispatch_slash(name, options or {}, user=user or fake.admin)
    response = await fake.wait_for_response(iid, count=count)
    assert response["status"] == 200, response
    return response["message"] or response


async def reply(fake, name, options=None, user=None) -> dict:
    """A moderator command's final ephemeral message, deferred or not."""
    iid = await fake.dispatch_slash(name, options or {}, user=user or fake.admin)
    first = await fake.wait_for_response(iid)
    if first["type"] == 5:
        first = await fake.wait_for_response(iid, count=2)
    assert first["message"]["flags"] & EPHEMERAL
    return first["message"]


async def open_modal(fake, name, options, user=None) -> tuple[int, dict]:
    """Run a command that answers with a form; its interaction id and the form."""
    iid = await fake.dispatch_slash(name, options, user=user or fake.admin)
    response = await fake.wait_for_response(iid)
    assert response["type"] == 9, response
    return iid, response["data"]


def prefilled(modal: dict) -> dict[str, str]:
    """The values a form opens with."""
    return {c["component"]["custom_id"]: c["component"].get("value", "") for c in modal["components"]}


async def submit(fake, iid, modal, values, user=None) -> dict:
    """Submit a form; the message the bot follows up with after deferring."""
    sid = await fake.dispatch_modal_submit(modal["custom_id"], values, interaction_id=iid, user=user)
    assert (await fake.wait_for_response(sid))["type"] == 5  # deferred, ephemeral
    return (await fake.wait_for_response(sid, count=2))["message"]


async def click(fake, bot, message, label, user=None) -> dict:
    """Press a button of a message the bot sent; what the press shows (a reply, or the message edited)."""
    for _ in range(200):  # the view is registered once the send has returned
        if int(message["id"]) in bot.views:
            break
        await asyncio.sleep(0.01)
    cid = await fake.dispatch_click(message["id"], buttons(message)[label]["custom_id"], user=user or fake.admin)
    first = await fake.wait_for_response(cid)
    if first["type"] == 7 and label == "Confirm":
        await fake.wait_for_response(cid, count=2)  # the result replaces the preview
    return first if first["type"] == 4 else fake.message(message["id"])


async def audit_posts(fake, n: int) -> list[dict]:
    """The audit channel's posts, once there are at least n."""
    channel = fake.guild.channels[1].id
    await fake.wait_for(lambda: len([m for m in fake.channel_messages(channel) if m["embeds"]]) >= n)
    return [m for m in fake.channel_messages(channel) if m["embeds"]]


def killed_saver(data: Path, rid: str, stage: str, title: str) -> None:
    """A real process that saves an edit of record rid's title and is SIGKILLed when the save
    reaches `stage` ("journal", "file", "history": see Store.pause)."""
    code = f"""
import os, sys
sys.path.insert(0, {str(ROOT)!r})
from bot.dataset.store import Store
s = Store({str(data)!r})
s.pause = lambda stage: stage == {stage!r} and os.kill(os.getpid(), 9)
rec = s.get("record", {rid!r})
s.apply([s.propose("record", "edit", {rid!r}, dict(rec, title={title!r}))], "discord:1:alice", "before the crash")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr


# ---- question sets (tests/questions/*.yaml)

def cited(answer) -> list[str]:
    out = []
    for rec in answer.records:
        for s in rec["sources"]:
            key = f"{s['section_key']}#{s['item']}"
            if key not in out:
                out.append(key)
    return out


def check(answer, case: dict) -> list[str]:
    """What is wrong with an answer to a case of tests/questions/*.yaml (nothing: [])."""
    got = cited(answer)
    must, may, top = set(case.get("must") or []), set(case.get("may") or []), set(case.get("top") or [])
    wrong = []
    if case.get("empty"):
        return ["records for a question with no honest match: " + ", ".join(got)] if got else []
    if must - set(got):
        wrong.append(f"missing {sorted(must - set(got))}")
    if set(got) - must - may - top:
        wrong.append(f"extra {sorted(set(got) - must - may - top)}")
    first = {k for rec in answer.records[:3] for s in rec["sources"] for k in [f"{s['section_key']}#{s['item']}"]}
    if top - first:
        wrong.append(f"not in the first three: {sorted(top - first)}")
    text = answer.text.lower()
    wrong += [f"answer lacks {t!r}" for t in case.get("text") or [] if t.lower() not in text]
    return wrong
