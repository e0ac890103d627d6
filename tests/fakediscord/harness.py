"""Run a real discord.py client against a FakeDiscord for the duration of a block."""

from __future__ import annotations

import asyncio
import contextlib
from typing import AsyncIterator

import discord

from .server import FakeDiscord


@contextlib.asynccontextmanager
async def running_bot(client: discord.Client, fake: FakeDiscord, token: str = "fake-token", *,
                      ready_timeout: float = 5.0, close_timeout: float = 5.0) -> AsyncIterator[discord.Client]:
    """``await client.start(token)`` in a task, wait for on_ready, close cleanly on exit.

    The caller must already have called ``use_endpoints(fake.api_base, fake.gateway_url)``.
    Errors raised by ``start()`` (e.g. LoginFailure) propagate out of the ``async with``.
    """
    ready = asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    # Bot/AutoShardedBot accept extra listeners before start(); plain Clients do not.
    has_listeners = hasattr(client, "add_listener")
    if has_listeners:
        client.add_listener(on_ready, "on_ready")  # type: ignore[attr-defined]
    task = asyncio.create_task(client.start(token), name="discord-client")
    waiter = asyncio.create_task(ready.wait() if has_listeners else _poll_ready(client))
    try:
        done, _ = await asyncio.wait({task, waiter}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()  # start() only returns early by raising
            raise RuntimeError("client.start() returned before the client became ready")
        if waiter not in done:
            raise TimeoutError(f"client not ready after {ready_timeout}s; unknown routes: {fake.unknown_routes}")
        yield client
    finally:
        waiter.cancel()
        if has_listeners:
            client.remove_listener(on_ready, "on_ready")  # type: ignore[attr-defined]
        if not client.is_closed():
            await asyncio.wait_for(client.close(), close_timeout)
        if not task.done():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(task, close_timeout)
    # Only reached when the block itself did not raise: surface a crash of the client.
    if task.done() and not task.cancelled() and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]


async def _poll_ready(client: discord.Client) -> None:
    # Fallback for plain Client: wait_until_ready() needs the loop set up by login().
    while not client.is_ready():
        await asyncio.sleep(0.01)
