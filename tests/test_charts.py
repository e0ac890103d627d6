"""/timeline and /stats through the fake Discord, and their CLI twins."""
from __future__ import annotations

import struct
import subprocess
import sys

import pytest
from fakediscord import running_bot
from helpers import EPHEMERAL, ROOT, answer_of, embed, started

from bot.discord_adapter.client import sync_commands
from bot.engine.names import UnknownName
from bot.pictures.draw import EmptyChart
from bot.pictures.select import select, timeline_chart


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_selection_resolves_names_like_the_commands(engine):
    sel = select(engine, actors=["canda"], types=["sanctions"])
    assert sel.label == "Canada · Sanctions" and sel.records
    with pytest.raises(UnknownName, match="Brazil"):
        select(engine, actors=["Brazil"])
    with pytest.raises(EmptyChart, match="nothing to draw"):
        timeline_chart(engine, types=["sanctions"], start=2015, end=2015)


def test_cli_draws_the_same_picture(tmp_path, frozen_data):
    out, where = tmp_path / "t.png", ["--data", str(frozen_data), "--db", str(tmp_path / "index.db")]
    p = subprocess.run([sys.executable, "-m", "bot", "timeline", "--actor", "Canada", "--out", str(out), *where],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    assert png_size(out.read_bytes())[0] == 1600 and "Source: International Responses" in p.stdout
    p = subprocess.run([sys.executable, "-m", "bot", "stats", "--from", "2030", "--out", str(out), *where],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0 and "nothing to count" in p.stdout


@pytest.mark.asyncio
async def test_timeline_and_stats_reply_with_a_png(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        for name, options in (("timeline", {"actor": "Canada", "rows": "type"}), ("stats", {"from": 2021, "to": 2021})):
            iid = await fake.dispatch_slash(name, options, user=fake.member)
            response = await answer_of(fake, iid)
            assert not (response["data"].get("flags") or 0) & EPHEMERAL
            [file] = response["files"]
            width, height = png_size(file["data"])
            assert width == 1600 and 300 < height <= 4096 and file["size"] < 8 * 1024 * 1024
            e = embed(response)
            assert e["image"]["url"] == "attachment://chart.png"
            assert "Source: International Responses to the Uyghur Crisis" in e["description"]
        iid = await fake.dispatch_slash("timeline", {"type": "sanctions", "from": 2015, "to": 2015})
        empty = await answer_of(fake, iid)
        assert empty["data"]["flags"] & EPHEMERAL and not empty["files"]
        assert "nothing to draw" in embed(empty)["description"]
