"""Shared fixtures: a real engine, and throw-away copies of the data. The fake Discord's
fixtures (``fake``, ``fake_unchecked``) come from tests/fakediscord/plugin.py; plain helpers
are in tests/helpers.py."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.register_assert_rewrite("fakediscord", "helpers")  # their asserts report like a test's

from helpers import DATA  # noqa: E402

from bot.engine.engine import Engine  # noqa: E402

pytest_plugins = ["fakediscord.plugin"]


@pytest.fixture(scope="session")
def engine(tmp_path_factory) -> Engine:
    return Engine(DATA, tmp_path_factory.mktemp("index") / "index.db")


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of data/ that a test may break."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest
