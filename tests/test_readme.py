"""Every command the README shows runs and exits 0, and prints what the README says it prints
(like sqlite-utils' documentation tests).

The commands are read from the README, not listed here: each line of a ```sh or ```text block
that starts with `python -m bot` or `$ python -m bot` (also after `&&`). Under a `$ ` line, the
lines up to the next `$ ` line or the end of the block are what the command prints. They run in
a scratch folder holding a copy of data/ (which they use by default), with a throw-away index,
against the local fake of Discord; `--guild ID` is the fake's server, and `run` is stopped
(SIGTERM) once it is ready. So a README block must hold commands that run as written.
"""
from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import signal
import sys

from helpers import DATA, ROOT, content_hash

BLOCK = re.compile(r"^```(?:sh|text)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def readme_commands(text: str) -> list[tuple[str, str | None]]:
    """(command, what it prints or None) for every command the README's blocks show."""
    found = []
    for body in BLOCK.findall(text):
        lines = body.splitlines()
        for i, line in enumerate(lines):
            shown = line.startswith("$ ")
            for part in (line[2:] if shown else line).split("&&"):
                part = part.strip()
                if not part.startswith("python -m bot"):
                    continue
                printed = None
                if shown:
                    end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("$ ")), len(lines))
                    printed = "\n".join(ln.rstrip() for ln in lines[i + 1:end]).strip("\n")
                found.append((part, printed))
    return found


COMMANDS = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_shows_commands_with_their_output():
    assert any(c.startswith("python -m bot ask") for c, _ in COMMANDS)   # the opening command
    assert any(printed for _, printed in COMMANDS)


async def test_every_readme_command_runs_and_prints_what_the_readme_says(fake, tmp_path):
    shipped = content_hash(DATA)
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("history.jsonl", ".*"))
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "UYGHUR_BOT_"))}
    env.update(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_CONFIG_HOME=str(tmp_path / "xdg"),
               UYGHUR_BOT_DATA=str(tmp_path / "data"), UYGHUR_BOT_DB=str(tmp_path / "index.db"),
               DISCORD_TOKEN="fake-token", DISCORD_API_BASE=fake.api_base, DISCORD_GATEWAY_URL=fake.gateway_url)
    for command, printed in COMMANDS:
        args = shlex.split(command, comments=True)[3:]   # after `python -m bot`
        args = [str(fake.guild.id) if a == "ID" and args[i - 1] == "--guild" else a for i, a in enumerate(args)]
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, cwd=tmp_path, env=env,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        if args[:1] == ["run"]:   # serves until stopped: stop it once it is ready
            await _until_ready(proc, command)
            proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, f"{command}\n{err.decode()}"
        if printed is not None:
            got = "\n".join(ln.rstrip() for ln in out.decode().splitlines()).strip("\n")
            assert got == printed, f"README.md shows other output for: {command}"
    assert content_hash(DATA) == shipped   # whatever the commands change, they change the copy


async def _until_ready(proc: asyncio.subprocess.Process, command: str) -> None:
    seen = []
    while not any("ready as" in ln for ln in seen):
        line = await asyncio.wait_for(proc.stderr.readline(), 60)
        assert line, f"{command} stopped before it was ready: {seen}"
        seen.append(line.decode())
