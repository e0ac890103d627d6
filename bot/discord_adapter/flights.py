"""Interactions in flight, and stopping without abandoning any of them.

Every INTERACTION_CREATE becomes a Flight before discord.py sees it: the tasks discord.py starts
for it (a command, a button, a form) are the flight's, and it lands when they are done. That
gives one place to stop taking new interactions, to know what is still being worked on, and to
tell a member that something will not be finished, whatever code handles it.

Graceful stop (SIGTERM/SIGINT, bot/discord_adapter/client.py): new interactions are answered
at once that the bot is restarting; flights in progress may finish within ``shutdown_seconds``;
what is left is then cancelled and its member told it could not be finished. A save in progress
(``saving``) is never cut short: the stop waits for it, so the moderator always learns its
outcome. Only then does the connection close.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from contextvars import ContextVar
from typing import Any, AsyncIterator, Awaitable, Callable

import discord

log = logging.getLogger("bot.discord")
RESTARTING = "The bot is restarting, so it could not finish this. Please try again in a minute."
STALE = ("These buttons (or this form) have expired; the bot may have restarted since. Nothing was changed: "
         "please run the command again.")
SAVE_WAIT = 120.0  # a save still running after this long is left to finish on its own, and logged
CUT_GRACE = 2.0    # for cut-short flights to tell their members themselves
FLIGHT: ContextVar[Flight | None] = ContextVar("flight", default=None)


class Flight:
    """One interaction (or plain channel question) being worked on."""

    __slots__ = ("id", "created", "received", "interaction", "message", "tasks", "jobs", "saving", "cut")

    def __init__(self, flight_id: int, *, message: discord.Message | None = None):
        self.id = flight_id
        self.created = discord.utils.snowflake_time(flight_id).timestamp()  # when Discord made it
        self.received = time.monotonic()
        self.interaction: discord.Interaction | None = None
        self.message = message
        self.tasks: set[asyncio.Task] = set()
        self.jobs: set[asyncio.Future] = set()  # its work in the lanes (lanes.py), while under way
        self.saving = 0  # > 0 while a moderator's change is being saved
        self.cut = False  # a stop has dropped its work

    def age(self) -> float:
        """Seconds since Discord created it (a clock behind Discord's is caught by local time)."""
        return max(time.time() - self.created, time.monotonic() - self.received, 0.0)


class CutShort(Exception):
    """The bot is stopping and dropped this work before it was done (the member is told so)."""


def track(job: asyncio.Future) -> None:
    """A lane's job, as the work of the flight running now: a stop that cuts the flight short
    cancels it (at once, if the flight is cut already)."""
    flight = FLIGHT.get()
    if flight is None:
        return
    if flight.cut:
        job.cancel()
        return
    flight.jobs.add(job)
    job.add_done_callback(flight.jobs.discard)


async def outcome(job: asyncio.Future) -> Any:
    """The result of a tracked job; CutShort when a stop cancelled it (not when the task awaiting
    it was cancelled), so the flight's own code tells its member, in turn with what it sent."""
    try:
        return await job
    except asyncio.CancelledError:
        flight = FLIGHT.get()
        task = asyncio.current_task()
        if flight is not None and flight.cut and job.cancelled() and not (task and task.cancelling()):
            raise CutShort() from None
        raise


def age(interaction: discord.Interaction) -> float:
    flight = FLIGHT.get()
    if flight is not None and flight.interaction is interaction:
        return flight.age()
    return max(0.0, (discord.utils.utcnow() - interaction.created_at).total_seconds())


def acked(interaction: discord.Interaction) -> None:
    interaction.extras.setdefault("acked_at", time.time())


def answered(interaction: discord.Interaction) -> None:
    """The member has the answer (or the reason there is none): a stop need not tell them anything."""
    acked(interaction)
    interaction.extras.setdefault("answered_at", time.time())


Tell = Callable[[Any, str], Awaitable[None]]  # (an interaction or a message, a notice of ours)
Report = Callable[[discord.Interaction, BaseException], Awaitable[None]]


class Flights:
    """``tell`` sends a short notice, ``report`` reports an error to a member (sending.py, errors.py:
    passed in because they sit above this module); ``landed`` takes each flight as it ends."""

    def __init__(self, tell: Tell, report: Report, landed: Callable[[Flight], None] = lambda f: None):
        self.live: dict[int, Flight] = {}
        self.closing = False
        self.tell, self.report = tell, report
        self._landed = landed  # health statistics
        self._receiving: Flight | None = None
        self._changed = asyncio.Event()
        self._hurry = asyncio.Event()
        self._replies: set[asyncio.Task] = set()
        self._previous_factory: Any = None

    # ---- taking interactions in ---------------------------------------------------------
    def install(self, client: discord.Client) -> None:
        """Put receive() in front of discord.py's handler of INTERACTION_CREATE."""
        parsers = client._connection.parsers  # the dict the gateway reads: a mutation reaches it
        original = parsers["INTERACTION_CREATE"]
        parsers["INTERACTION_CREATE"] = lambda data: self.receive(client, data, original)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the running loop: tasks made while an interaction is being received are its tasks."""
        self._previous_factory = loop.get_task_factory()
        loop.set_task_factory(self._task_factory)

    def stop(self, loop: asyncio.AbstractEventLoop) -> None:
        if loop.get_task_factory() == self._task_factory:
            loop.set_task_factory(self._previous_factory)

    def _task_factory(self, loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task:
        factory = self._previous_factory
        task = factory(loop, coro, **kwargs) if factory else asyncio.Task(coro, loop=loop, **kwargs)
        flight = self._receiving
        if flight is not None:
            flight.tasks.add(task)
            task.add_done_callback(lambda t, f=flight: self._task_done(f, t))
        return task

    def receive(self, client: discord.Client, data: dict, original: Callable[[dict], None]) -> None:
        if self.closing:
            self._reply(self._refuse(discord.Interaction(data=data, state=client._connection)))
            return
        flight = Flight(int(data["id"]))
        token = FLIGHT.set(flight)  # the handler tasks copy this context: they can find their flight
        self._receiving = flight
        try:
            original(data)  # creates the interaction and the tasks that handle it; calls seen()
        finally:
            self._receiving = None
            FLIGHT.reset(token)
        if flight.tasks:
            self.live[flight.id] = flight
        elif flight.interaction is not None and data.get("type") in (3, 5):
            self._reply(self._tell(flight.interaction, STALE))  # no view or form knows it any more

    def seen(self, interaction: discord.Interaction) -> None:
        """discord.py's "interaction" event, raised inside receive(): the flight's interaction."""
        if self._receiving is not None and self._receiving.id == interaction.id:
            self._receiving.interaction = interaction

    def _task_done(self, flight: Flight, task: asyncio.Task) -> None:
        flight.tasks.discard(task)
        if not flight.tasks and self.live.pop(flight.id, None) is not None:
            self._landed(flight)
            self._changed.set()

    @contextlib.asynccontextmanager
    async def question(self, message: discord.Message) -> AsyncIterator[Flight]:
        """A plain channel question as a flight, for the length of the block."""
        flight = Flight(message.id, message=message)
        task = asyncio.current_task()
        flight.tasks.add(task)
        self.live[flight.id] = flight
        token = FLIGHT.set(flight)
        try:
            yield flight
        finally:
            FLIGHT.reset(token)
            self._task_done(flight, task)

    # ---- replies of our own -------------------------------------------------------------
    def _reply(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._replies.add(task)
        task.add_done_callback(self._replies.discard)

    async def _refuse(self, interaction: discord.Interaction) -> None:
        if interaction.type == discord.InteractionType.autocomplete:
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.autocomplete([])
            return
        await self._tell(interaction, RESTARTING)

    async def _tell(self, target: Any, text: str) -> None:
        try:
            await self.tell(target, text)
        except discord.HTTPException as exc:
            log.warning("could not tell %s: %s", target, exc)

    # ---- stopping -----------------------------------------------------------------------
    def hurry(self) -> None:
        """A second signal: stop waiting for flights to finish."""
        self._hurry.set()

    async def _wait(self, done: Callable[[], bool], timeout: float) -> bool:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not done() and loop.time() < end and not self._hurry.is_set():
            self._changed.clear()
            waiters = [asyncio.ensure_future(self._changed.wait()), asyncio.ensure_future(self._hurry.wait())]
            await asyncio.wait(waiters, timeout=end - loop.time(), return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()
        return done()

    def _unpinned(self) -> list[Flight]:
        return [f for f in self.live.values() if not f.saving]

    async def land(self, seconds: float) -> tuple[int, int]:
        """Stop taking interactions, let flights finish within ``seconds``, cut the rest short
        (saves excepted) telling their members; (finished, cut short)."""
        self.closing = True
        at_start = len(self.live)
        log.info("stopping: %d interaction(s) in flight, up to %.0f s to finish", at_start, seconds)
        await self._wait(lambda: not self.live, seconds)
        # First drop their work in the lanes: their own code then tells the member (CutShort).
        dropped = self._unpinned()
        for flight in dropped:
            flight.cut = True
            for job in list(flight.jobs):
                job.cancel()
        if dropped:
            await self._wait(lambda: not self._unpinned(), CUT_GRACE)
        # Whatever still runs waits on something else: cancel it and tell the member here.
        cut = self._unpinned()
        tasks: set[asyncio.Task] = set()
        for flight in cut:  # out of the registry first: they land here, not when cancelled
            del self.live[flight.id]
            tasks |= flight.tasks
            flight.tasks = set()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)
        await asyncio.gather(*(self._cut_short(f) for f in cut), return_exceptions=True)
        self._hurry.clear()
        if not await self._wait(lambda: not any(f.saving for f in self.live.values()), SAVE_WAIT):
            log.error("a save was still running %.0f s after the stop began", SAVE_WAIT)
        if self._replies:
            await asyncio.wait(set(self._replies), timeout=5.0)
        return at_start - len(dropped), len(dropped)

    async def _cut_short(self, flight: Flight) -> None:
        interaction = flight.interaction
        if flight.message is not None:
            await self._tell(flight.message, RESTARTING)
        elif interaction is not None and not interaction.extras.get("answered_at"):
            interaction.extras["failed"] = True
            if interaction.type == discord.InteractionType.autocomplete:
                if not interaction.response.is_done():
                    await self._refuse(interaction)
            elif interaction.response.is_done() or interaction.extras.get("acking") or flight.age() < 2.8:
                await self._tell(interaction, RESTARTING)
            else:
                log.warning("user=%s: the interaction expired before the stop could answer it", interaction.user.id)
        log.info("cut short by the stop: %s", flight.id)
        self._landed(flight)


@contextlib.asynccontextmanager
async def saving(interaction: discord.Interaction) -> AsyncIterator[None]:
    """Around a moderator's save and the message that tells its outcome: a stop waits for it, and
    once the block is done the member counts as answered. An error in the block is reported to
    the member here, before a waiting stop can close the connection, and not raised further."""
    flight = FLIGHT.get()
    if flight is not None:
        flight.saving += 1
    try:
        yield
    except Exception as exc:
        flights = getattr(interaction.client, "flights", None)
        if flights is None:
            raise
        await flights.report(interaction, exc)
    finally:
        answered(interaction)
        if flight is not None:
            flight.saving -= 1
