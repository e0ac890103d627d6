"""What the README's "Beyond one machine" section relies on: shard settings, proxies, and
several processes reading one index while it is rebuilt."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from fakediscord import running_bot
from helpers import ROOT, started

from bot.config import load_settings
from bot.files import atomic_write


@pytest.mark.asyncio
async def test_shard_ids_from_settings_connect_only_those_shards(fake, engine, tmp_path):
    fake.add_guild("Second Guild", guild_id=fake.guild.id + (1 << 22))
    bot = await started(fake, engine, tmp_path, shard_count=2, shard_ids=[1])
    async with running_bot(bot, fake):
        identified = [m["d"]["shard"] for m in fake.gateway_received if m["op"] == 2]
        assert identified == [[1, 2]] and sorted(bot.shards) == [1]
        expected = [g.id for g in fake.guilds if (g.id >> 22) % 2 == 1]  # Discord's rule for a guild's shard
        assert len(expected) == 1 and [g.id for g in bot.guilds] == expected


def test_proxy_and_shard_settings_from_config_and_environment(tmp_path, monkeypatch):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("api_base: http://nirn:8080/api/v10\nshard_count: 4\nshard_ids: [2, 3]\n", encoding="utf-8")
    s = load_settings(str(cfg))
    assert (s.api_base, s.shard_count, s.shard_ids) == ("http://nirn:8080/api/v10", 4, [2, 3])
    monkeypatch.setenv("DISCORD_GATEWAY_URL", "ws://gateway-proxy:7878")
    assert load_settings(str(cfg)).gateway_url == "ws://gateway-proxy:7878"


READER = """
import json, sys, time
sys.path.insert(0, {root!r})
from bot.engine.engine import Engine
eng = Engine({data!r}, {db!r})
seen, errors, end = set(), [], time.time() + {seconds}
while time.time() < end:
    try:
        seen.update(r["title"] for r in eng.answer("Germany").records if r["id"] == "de-halt-deportations-2018")
    except Exception as exc:
        errors.append(repr(exc))
print(json.dumps({{"seen": sorted(seen), "errors": errors[:3]}}))
"""


def test_several_processes_share_one_index_while_it_is_rebuilt(data_copy, tmp_path):
    db = tmp_path / "shared.db"
    code = READER.format(root=str(ROOT), data=str(data_copy), db=str(db), seconds=4)
    subprocess.run([sys.executable, "-c", code.replace("4", "0", 1)], check=True, capture_output=True)  # first build
    readers = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(3)]
    path = data_copy / "records" / "germany.yaml"
    for n in range(3):  # one writer, saving atomically as the Store does; the readers race to rebuild
        time.sleep(0.8)
        text = path.read_text(encoding="utf-8")
        atomic_write(path, text.replace("Germany halts all deportations" if n == 0 else f"Edit {n - 1} -", f"Edit {n} -", 1))
    results = [json.loads(r.communicate(timeout=60)[0]) for r in readers]
    for res in results:
        assert res["errors"] == []
        assert any(t.startswith("Edit 2 -") for t in res["seen"]), res["seen"]
    assert not list(tmp_path.glob(".*.tmp"))
