"""Shared fixtures: a real engine on the shipped data, and throw-away copies of the data."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine import Engine

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
