"""Shared fixtures: the frozen copy of the data, a real engine on it, and throw-away copies.
The fake Discord's fixtures (``fake``, ``fake_unchecked``) come from tests/fakediscord/plugin.py;
plain helpers are in tests/helpers.py."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.register_assert_rewrite("fakediscord", "helpers")  # their asserts report like a test's

from helpers import FROZEN_DATA  # noqa: E402

from bot.engine.engine import Engine  # noqa: E402

pytest_plugins = ["fakediscord.plugin"]


@pytest.fixture(scope="session")
def frozen_data() -> Path:
    """tests/data_frozen/: data/ as it was, for every test that counts records, names a record id,
    a passage or a figure (data/ changes whenever moderators edit it). Read-only: to change
    files, use ``data_copy``."""
    return FROZEN_DATA


@pytest.fixture(scope="session")
def engine(tmp_path_factory, frozen_data) -> Engine:
    return Engine(frozen_data, tmp_path_factory.mktemp("index") / "index.db")


@pytest.fixture
def data_copy(tmp_path, frozen_data) -> Path:
    """A private copy of the frozen data that a test may change or break."""
    dest = tmp_path / "data"
    shutil.copytree(frozen_data, dest, ignore=shutil.ignore_patterns("history.jsonl", ".*"))
    return dest


@pytest.fixture
def curator(fake):
    """A member who is a moderator by a role (``moderator_roles``), not by Manage Server: (user, role)."""
    role = fake.add_role("Curators", 0)
    return fake.add_user("curator", roles=[role.id]), role
