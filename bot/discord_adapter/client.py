"""The Discord bot: the client class, command sync, and `python -m bot run` / `sync`.

The only module the CLI imports for Discord (and only for run/sync), so `python -m bot ask`
never loads discord.py. Slash commands live in cogs under commands/, loaded in setup_hook;
commands are registered with Discord only by an explicit sync, never on start. The client holds
the lanes of work (lanes.py), the interactions in flight (flights.py) and the health line
(health.py); SIGTERM or SIGINT stops it gracefully (shutdown()).
"""
from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
import sys
import time
import weakref
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.dataset.store import Store
from bot.discord_adapter.ack_first import DIRECT_BY
from bot.discord_adapter.answer_keys import KeyStore
from bot.discord_adapter.endpoints import use_endpoints
from bot.discord_adapter.errors import report_error
from bot.discord_adapter.flights import Flights
from bot.discord_adapter.health import Health
from bot.discord_adapter.lanes import Lanes
from bot.discord_adapter.moderation_views import recover_now
from bot.discord_adapter.page_view import AnswerButton
from bot.discord_adapter.sending import tell
from bot.engine.engine import Engine
from bot.index.build import DataError

log = logging.getLogger("bot.discord")


class _TextOnly(logging.Filter):
    """A text bot needs no voice libraries: drop discord.py's start-up warnings about them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


logging.getLogger("discord.client").addFilter(_TextOnly())

EXTENSIONS = ("commands.ask", "commands.actor", "commands.search", "commands.info", "commands.owner",
              "commands.questions", "commands.records", "commands.actors_admin", "commands.data_admin",
              "commands.charts")


class AnswerTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        interaction.extras["t0"] = time.perf_counter()  # for the latency in the interaction log line
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)


class ResponsesBot(commands.AutoShardedBot):
    """AutoShardedBot: with no shard settings it runs Discord's recommended number of shards in
    this process; shard_count/shard_ids split them across processes."""

    def __init__(self, settings: Settings, engine: Engine | None = None, *, warm: bool = True,
                 store: Store | None = None, **kwargs: Any):
        intents = discord.Intents.default()
        intents.message_content = bool(settings.message_content_intent)  # privileged: only when asked for
        if settings.shard_count is not None:
            kwargs.setdefault("shard_count", settings.shard_count)
        if settings.shard_ids:
            kwargs.setdefault("shard_ids", settings.shard_ids)
        super().__init__(command_prefix=commands.when_mentioned, intents=intents, help_command=None,
                         allowed_mentions=discord.AllowedMentions.none(), tree_cls=AnswerTree, **kwargs)
        self.settings = settings
        self.engine = engine or Engine(settings.data_dir, settings.db_path, settings.max_records, strict=False)
        self.store = store or Store(settings.data_dir)  # the moderators' changes to the files in data/
        self.direct_by = DIRECT_BY  # seconds after creation: a result ready later follows up a defer
        self.warm = warm
        self.views: weakref.WeakValueDictionary[int, discord.ui.View] = weakref.WeakValueDictionary()
        self.lanes = Lanes(settings, self.engine)
        self.answer_keys = KeyStore(settings.db_path.parent / "answer-keys.db")  # long specs of answer buttons
        self.health = Health(self.lanes)
        self.flights = self.health.flights = Flights(tell, report_error, self.health.landed)
        self.flights.install(self)
        self._health_task: asyncio.Task | None = None
        self._stopping: asyncio.Task | None = None
        self.running: asyncio.Future | None = None  # start(), when `python -m bot run` runs it

    async def setup_hook(self) -> None:
        self.flights.start(asyncio.get_running_loop())
        self.add_dynamic_items(AnswerButton)  # the answer buttons, even those sent before a restart
        self._health_task = asyncio.ensure_future(self.health.run(self.settings.health_seconds))
        # a save a crash cut short is finished (or its conflict recorded) before anything reads the
        # data, the cogs' descriptions included: only the store tells the audit channel
        await recover_now(self)
        for ext in EXTENSIONS:
            await self.load_extension(ext)
        if self.warm:  # build or load the index now, not in the first user's 3 seconds
            try:
                await asyncio.to_thread(self.engine.refresh)  # not a lane: its time is no answer's
            except Exception:
                log.exception("the engine could not load the data; questions will get an error until it can")

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        if event_name == "interaction":
            self.flights.seen(args[0])
        super().dispatch(event_name, *args, **kwargs)

    def stop_gracefully(self) -> None:
        """SIGTERM/SIGINT: a graceful stop; a second signal stops waiting for work in flight."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self.shutdown())
        else:
            self.flights.hurry()

    async def shutdown(self) -> None:
        """Stop taking interactions, finish or fail those in flight, then close the connection."""
        try:
            finished, cut = await self.flights.land(self.settings.shutdown_seconds)
            log.info("stopped: %d interaction(s) finished in time, %d cut short", finished, cut)
        finally:
            await self.close()
            if self.running is not None:  # discord.py may be sleeping before a reconnect: do not wait for it
                self.running.cancel()

    async def close(self) -> None:
        if self._health_task is not None:
            self._health_task.cancel()
        try:
            await super().close()
        finally:
            self.flights.stop(asyncio.get_running_loop())
            self.lanes.shutdown()
            self.answer_keys.close()

    async def on_message(self, message: discord.Message) -> None:
        return None  # no prefix commands; commands/questions.py answers plain questions

    async def on_ready(self) -> None:
        log.info("ready as %s (%s) in %d guild(s), %d shard(s)", self.user, self.user.id if self.user else "?",
                 len(self.guilds), self.shard_count or 1)


async def sync_commands(bot: commands.Bot, guild_id: int | None = None) -> list[app_commands.AppCommand]:
    """Register the slash commands: with a guild, copy them there (instant); else globally
    (rate limited, and can take a while to show up)."""
    if guild_id:
        guild = discord.Object(int(guild_id))
        bot.tree.copy_global_to(guild=guild)
        return await bot.tree.sync(guild=guild)
    return await bot.tree.sync()


# --------------------------------------------------------------------------- `python -m bot run|sync`

def _fail(text: str, code: int = 1) -> int:
    print(f"error: {text}", file=sys.stderr)
    return code


async def _run(settings: Settings, token: str, engine: Engine) -> int:
    bot = ResponsesBot(settings, engine)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, bot.stop_gracefully)
        except (NotImplementedError, RuntimeError):
            pass
    bot.lanes.warm()
    async with bot:
        bot.running = asyncio.ensure_future(bot.start(token))
        try:
            await bot.running
        except asyncio.CancelledError:  # by shutdown(), once closed
            if not bot.is_closed():
                raise
    return 0


async def _sync(settings: Settings, token: str, guild_id: int | None, engine: Engine) -> int:
    bot = ResponsesBot(settings, engine, warm=False)  # the commands' descriptions come from the data
    async with bot:
        await bot.login(token)  # no gateway needed; login runs setup_hook, which loads the cogs
        synced = await sync_commands(bot, guild_id)
    where = f"to guild {guild_id}" if guild_id else "globally (may take a while to appear)"
    print(f"synced {len(synced)} command(s) {where}: " + ", ".join(f"/{c.name}" for c in synced))
    return 0


def checked_engine(settings: Settings) -> tuple[Engine | None, str]:
    """The engine on data that loads, or why not in one line: a bot that connects only to answer
    every member "the data has a problem" is worse than one that does not start."""
    data = settings.data_dir
    if not data.is_dir():
        return None, f"the data folder {data} does not exist (set data_dir, UYGHUR_BOT_DATA or --data)"
    engine = Engine(data, settings.db_path, settings.max_records, strict=True)
    try:
        engine.refresh()
    except DataError as exc:
        first = exc.problems[0] if exc.problems else None
        where = f"; the first: {data.parent / first.file}:{first.line}: {first.message}" if first else ""
        return None, (f"the data in {data} has {len(exc.problems)} problem(s){where} "
                      f"(python -m bot validate {data} lists them)")
    except (OSError, sqlite3.Error) as exc:
        log.error("cannot build the index %s", settings.db_path, exc_info=True)
        return None, f"cannot build the index {settings.db_path} ({type(exc).__name__}: {exc})"
    engine.strict = False  # once running, keep answering from the last good index through a bad edit
    return engine, ""


def run_command(args: Any, settings: Settings) -> int:
    token = settings.discord_token()
    if not token:
        return _fail(f"no Discord bot token: set the {settings.token_env} environment variable "
                     "(or token_env / token in the config)")
    if settings.shard_ids and not settings.shard_count:
        return _fail("shard_ids needs shard_count (the total number of shards across all processes)", 2)
    engine, why = checked_engine(settings)
    if engine is None:
        return _fail(why)
    if str(settings.log_level).upper() != "DEBUG":  # discord.py's chatter only when debugging
        logging.getLogger("discord").setLevel(logging.WARNING)
    use_endpoints(settings.api_base, settings.gateway_url)
    api = settings.api_base or "https://discord.com/api/v10"
    try:
        if args.command == "sync":
            return asyncio.run(_sync(settings, token, getattr(args, "guild", None), engine))
        return asyncio.run(_run(settings, token, engine))
    except discord.LoginFailure:
        log.error("login failed: the token was rejected", exc_info=True)  # the log file only
        return _fail(f"Discord rejected the bot token (401 Unauthorized); check {settings.token_env}")
    except discord.PrivilegedIntentsRequired:
        return _fail("message_content_intent is on, but the Message Content intent is not enabled for this "
                     "bot in the Discord Developer Portal (Bot › Privileged Gateway Intents)")
    except discord.Forbidden as exc:
        return _fail(f"Discord refused the request ({exc.status}): {exc.text}")
    except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
        log.error("cannot reach Discord at %s", api, exc_info=exc)
        return _fail(f"cannot reach Discord at {api} ({type(exc).__name__}: {exc}; details in {settings.log_path})")
