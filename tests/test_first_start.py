"""A server admin's first start: the example config copied to a folder of their own works for
every command, and `run` / `sync` refuse, in one line and before connecting, data they cannot use."""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest
from helpers import DATA, FROZEN_DATA, ROOT, content_hash, forget_cli_logging

from bot.cli.main import main

pytestmark = pytest.mark.asyncio


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "UYGHUR_BOT_"))}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_CONFIG_HOME=str(tmp_path / "xdg"), PYTHONPATH=str(ROOT),
               **extra)
    return env


async def _start(tmp_path: Path, *args: str, **env: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, cwd=tmp_path,
                                                env=_env(tmp_path, **env), stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)


async def _cli(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    proc = await _start(tmp_path, *args, **env)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode(), err.decode()


def _site(tmp_path: Path, data: str = "") -> Path:
    """config.example.yaml copied, as it is (or with data_dir set), to a folder of its own."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    if data:
        assert "\ndata_dir:\n" in text
        text = text.replace("\ndata_dir:\n", f"\ndata_dir: {data}\n")
    cfg = site / ("config.yaml" if not data else "moderators.yaml")
    cfg.write_text(text, encoding="utf-8")
    return cfg


async def test_run_and_sync_refuse_data_they_cannot_use_before_connecting(fake, tmp_path, monkeypatch, capsys):
    for var, value in (("DISCORD_TOKEN", "fake-token"), ("DISCORD_API_BASE", fake.api_base),
                       ("DISCORD_GATEWAY_URL", fake.gateway_url), ("XDG_CACHE_HOME", str(tmp_path / "cache"))):
        monkeypatch.setenv(var, value)
    monkeypatch.chdir(tmp_path)
    try:
        assert main(["run", "--data", "no-such-folder"]) == 1
        out, err = capsys.readouterr()
        assert out == "" and err == ("error: the data folder no-such-folder does not exist "
                                     "(set data_dir, UYGHUR_BOT_DATA or --data)\n")
        broken = tmp_path / "broken"
        shutil.copytree(FROZEN_DATA, broken)
        types = broken / "types.yaml"
        lines = types.read_text(encoding="utf-8").count("\n")
        types.write_text(types.read_text(encoding="utf-8") + "- id: bad-type\n  label: [not, text]\n", encoding="utf-8")
        assert main(["sync", "--data", "broken", "--db", "i.db"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert err.startswith("error: the data in broken has 1 problem(s); the first: ")
        assert f"broken/types.yaml:{lines + 2}: `label` must be text" in err
        assert "python -m bot validate broken" in err
    finally:
        forget_cli_logging()
    assert fake.requests == [] and fake.gateway_connections == []   # never connected


async def test_a_copy_of_the_example_config_works_for_every_kind_of_command(fake, tmp_path, monkeypatch, capsys):
    shipped = content_hash(DATA)
    cfg = _site(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)   # not the config's folder, nor the project's
    try:
        assert main(["--config", str(cfg), "ask", "what did Canada do"]) == 0
        assert "[1]" in capsys.readouterr().out
        assert main(["--config", str(cfg), "validate"]) == 0
        assert f"{DATA}: " in capsys.readouterr().out
        # the moderators' commands, on a copy of the data beside the config (data_dir: data, relative to it)
        shutil.copytree(FROZEN_DATA, cfg.parent / "data")
        moderators = _site(tmp_path, data="data")
        assert main(["--config", str(moderators), "actor", "alias", "canada", "Great White North", "--yes"]) == 0
        assert main(["--config", str(moderators), "history", "canada", "--actor"]) == 0
        assert "Great White North" in capsys.readouterr().out
        assert "Great White North" in (cfg.parent / "data" / "actors.yaml").read_text(encoding="utf-8")
        assert main(["--config", str(moderators), "undo", "canada", "--actor"]) == 0
    finally:
        forget_cli_logging()
    assert content_hash(DATA) == shipped

    proc = await _start(tmp_path, "run", "--config", str(cfg), DISCORD_TOKEN="fake-token",
                        DISCORD_API_BASE=fake.api_base, DISCORD_GATEWAY_URL=fake.gateway_url)
    lines = []
    try:
        while not any("ready as" in ln for ln in lines):
            line = await asyncio.wait_for(proc.stderr.readline(), 60)
            assert line, f"the bot stopped: {lines}"
            lines.append(line.decode())
        assert fake.gateway_connections
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 30)
    assert proc.returncode == 0, lines
