"""The command line, run as a user would run it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT


def run(*args, env_extra=None, db=None):
    env = dict(os.environ, **(env_extra or {}))
    if db:
        env["UYGHUR_BOT_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=60)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return tmp_path_factory.mktemp("cli") / "index.db"


@pytest.fixture(scope="module")
def ask(db, frozen_data):
    """``python -m bot ask ARGS`` on the frozen data, sharing one index."""
    return lambda *args: run("ask", "--data", str(frozen_data), *args, db=db)


def test_ask_prints_a_cited_answer(ask):
    p = ask("what did Canada do")
    assert p.returncode == 0, p.stderr
    assert "[1]" in p.stdout and "International Responses to the Uyghur Crisis › Canada › item" in p.stdout


def test_ask_json(ask):
    p = ask("--json", "sanctions in 2021")
    j = json.loads(p.stdout)
    assert j["records"] and j["answer"] and j["interpretation"]["types"][0]["id"] == "sanctions"


def test_ask_explain(ask):
    p = ask("--explain", "what did canda do")
    assert "Canada (corrected: 'canda')" in p.stdout


BAD = {
    "empty": "",
    "whitespace": "   \t  ",
    "long": "what did Canada do " * 530,
    "emoji": "🇨🇦🔥😀🙏",
    "control": "what\x01 did\x07 Canada\x1b[31m do\u202e",  # argv cannot hold NUL; test_fuzz covers it
    "sql": "'; DROP TABLE records; --",
    "fts": 'sanctions" OR title:* AND NEAR(a b) ^x (',
    "fts2": '"""',
    "rtl": "ماذا فعلت كندا",
    "hebrew": "מה עשתה קנדה",
    "cjk": "台灣國會維吾爾連線",
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_gets_a_clear_answer_and_exit_0(ask, name):
    p = ask(BAD[name])
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip()
    assert "Traceback" not in p.stdout + p.stderr


def test_ask_does_not_import_discord(db, frozen_data):
    code = (f"import sys, runpy; sys.argv=['bot','ask','--data',{str(frozen_data)!r},'Hikvision']\n"
            "try:\n runpy.run_module('bot', run_name='__main__')\n"
            "except SystemExit: pass\n"
            "print('DISCORD' if any(m == 'discord' or m.startswith('discord.') for m in sys.modules) else 'CLEAN')")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env=dict(os.environ, UYGHUR_BOT_DB=str(db)))
    assert p.stdout.strip().endswith("CLEAN"), p.stdout + p.stderr


def test_index_command_and_bad_data(tmp_path, data_copy):
    db = tmp_path / "i.db"
    p = run("index", "--data", str(data_copy), "--db", str(db))
    assert p.returncode == 0 and "built" in p.stdout
    assert "up to date" in run("index", "--data", str(data_copy), "--db", str(db)).stdout
    before = db.read_bytes()
    (data_copy / "records" / "canada.yaml").write_text("- id: x\n  date: [\n", encoding="utf-8")
    p = run("index", "--data", str(data_copy), "--db", str(db))
    assert p.returncode == 1 and "canada.yaml:" in p.stderr and "Traceback" not in p.stderr
    assert db.read_bytes() == before
    p = run("ask", "Canada", "--data", str(data_copy), "--db", str(db))
    assert p.returncode == 1 and "canada.yaml:" in p.stderr


def test_config_file_and_environment(tmp_path, data_copy):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"data_dir: {data_copy}\ndatabase: {tmp_path / 'from-config.db'}\n", encoding="utf-8")
    p = run("index", "--config", str(cfg))
    assert p.returncode == 0 and (tmp_path / "from-config.db").exists()
    p = run("index", env_extra={"UYGHUR_BOT_CONFIG": str(cfg), "UYGHUR_BOT_DB": str(tmp_path / "env.db")})
    assert (tmp_path / "env.db").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("colour: blue\n", encoding="utf-8")
    p = run("ask", "x", "--config", str(bad))
    assert p.returncode == 2 and "unknown setting 'colour'" in p.stderr


def test_example_config_is_valid():
    from bot.config import load_settings

    s = load_settings(str(ROOT / "config.example.yaml"))
    assert s.data_dir.name == "data" and s.token_env == "DISCORD_TOKEN"
