"""pytest fixtures for the fake Discord, registered in tests/conftest.py with
``pytest_plugins = ["fakediscord.plugin"]``.

``fake``: a running FakeDiscord that discord.py talks to; afterwards every payload is checked
against Discord's limits (and, for a test module's ``EPHEMERAL_COMMANDS``, that every reply
was ephemeral). ``fake_unchecked``: the same without the checks, for tests that break the
limits on purpose (tests/test_fake_discord.py).
"""
from __future__ import annotations

from typing import AsyncIterator

import pytest_asyncio

from bot.discord_adapter.endpoints import use_endpoints

from .checks import check_payloads
from .server import FakeDiscord


@pytest_asyncio.fixture
async def fake_unchecked() -> AsyncIterator[FakeDiscord]:
    """A running FakeDiscord that discord.py's endpoints point at (restored afterwards); no checks."""
    server = await FakeDiscord().start()
    use_endpoints(server.api_base, server.gateway_url)
    try:
        yield server
    finally:
        use_endpoints(None, None)  # later tests must not inherit the fake
        await server.stop()


@pytest_asyncio.fixture
async def fake(request, fake_unchecked: FakeDiscord) -> AsyncIterator[FakeDiscord]:
    """``fake_unchecked``, then every payload checked against Discord's limits (and the module's
    ``EPHEMERAL_COMMANDS`` replied to ephemerally)."""
    yield fake_unchecked
    check_payloads(fake_unchecked, getattr(request.module, "EPHEMERAL_COMMANDS", frozenset()))
