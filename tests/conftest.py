"""Shared fixtures: a real engine on the shipped data, and throw-away copies of the data."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pytest_asyncio

from bot.engine.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def engine(tmp_path_factory) -> Engine:
    return Engine(DATA, tmp_path_factory.mktemp("index") / "index.db")


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of data/ that a test may break."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def passages(answer) -> set[str]:
    """'Canada#2'-style keys of every passage the answer's records cite."""
    return {f"{s['section']}#{s['item']}" for r in answer.records for s in r["sources"]}


@pytest_asyncio.fixture
async def fake(request):
    """A local fake Discord the real client talks to; afterwards every payload is checked against
    Discord's limits (and, for a module's EPHEMERAL_COMMANDS, that every reply was ephemeral)."""
    from fake_discord import FakeDiscord, check_payloads

    from bot.discord_adapter.endpoints import use_endpoints

    server = await FakeDiscord().start()
    use_endpoints(server.api_base, server.gateway_url)
    try:
        yield server
        check_payloads(server, getattr(request.module, "EPHEMERAL_COMMANDS", frozenset()))
    finally:
        use_endpoints(None, None)  # later tests must not inherit the fake
        await server.stop()
