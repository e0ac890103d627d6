"""Settings as a server admin meets them: the example config copied anywhere, paths relative to
the file, only a config the bot was pointed at, and every mistake named with its file and line."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FROZEN_DATA, ROOT

from bot.config import REPO_DATA, ConfigError, load_settings


@pytest.fixture(autouse=True)
def no_user_config(tmp_path, monkeypatch):
    """Nothing from the machine running the tests: no config in its home, no UYGHUR_BOT_* variables."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    for var in [v for v in os.environ if v.startswith(("UYGHUR_BOT_", "DISCORD_"))]:
        monkeypatch.delenv(var)


def test_a_copy_of_the_example_config_anywhere_means_the_shipped_data(tmp_path):
    copy = tmp_path / "elsewhere" / "config.yaml"
    copy.parent.mkdir()
    shutil.copy(ROOT / "config.example.yaml", copy)
    s = load_settings(str(copy))
    assert s.data_dir == REPO_DATA and s.database is None and s.log_level == "INFO"
    assert s.token_env == "DISCORD_TOKEN" and s.max_records == 50


def test_relative_paths_start_from_the_config_files_folder(tmp_path, monkeypatch):
    cfg = tmp_path / "conf" / "bot.yaml"
    cfg.parent.mkdir()
    cfg.write_text("data_dir: mydata\ndatabase: cache/index.db\nlog_file: ../logs/bot.log\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    s = load_settings("conf/bot.yaml")   # the file as given, relative to the current folder
    assert s.data_dir == Path("conf/mydata") and s.db_path == Path("conf/cache/index.db")
    assert s.log_path == Path("conf/../logs/bot.log")
    # flags and the environment are relative to the current folder, and printed as given
    assert load_settings("conf/bot.yaml", data_dir="other").data_dir == Path("other")
    monkeypatch.setenv("UYGHUR_BOT_DB", "env.db")
    assert load_settings("conf/bot.yaml").db_path == Path("env.db")


def test_only_a_config_it_was_pointed_at_or_its_own(tmp_path, monkeypatch):
    (tmp_path / "config.yaml").write_text("server: a-web-app-setting\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_settings().max_records == 50          # another program's ./config.yaml is not ours
    own = tmp_path / "xdg-config" / "uyghur-responses-bot" / "config.yaml"
    own.parent.mkdir(parents=True)
    own.write_text("max_records: 7\n", encoding="utf-8")
    assert load_settings().max_records == 7           # $XDG_CONFIG_HOME/uyghur-responses-bot/config.yaml
    named = tmp_path / "named.yaml"
    named.write_text("max_records: 9\n", encoding="utf-8")
    monkeypatch.setenv("UYGHUR_BOT_CONFIG", str(named))
    assert load_settings().max_records == 9
    assert load_settings(str(own)).max_records == 7


@pytest.mark.parametrize("text, line, words", [
    ("max_records: 5\nserver: x\n", 2, "unknown setting 'server'"),
    ("max_records: 5\n\nlog_level: LOUD\n", 3, "'LOUD' is not a log level"),
    ("log_level: DEBUG\nlog_level: INFO\n", 2, "set twice (first on line 1)"),
    ("max_records: ten\n", 1, "max_records: expected a whole number"),
    ("max_records: true\n", 1, "expected a whole number"),
    ("max_records: 0\n", 1, "expected at least 1"),
    ("shard_ids: [1, b]\n", 1, "expected a list of ids"),
    ("message_content_intent: maybe\n", 1, "expected true or false"),
    ("# a comment\ndata_dir: [a, b]\n", 2, "data_dir: expected a path"),
    ("token: {a: 1}\n", 1, "token: expected text"),
    ("user_cooldown_seconds: -1\n", 1, "expected at least 0 seconds"),
    ("max_records: [\n", 2, "not valid YAML"),
    ("- data_dir\n", 1, "must be a mapping of settings"),
])
def test_mistakes_are_refused_with_the_file_and_line(tmp_path, text, line, words):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(str(cfg))
    assert str(err.value).startswith(f"{cfg}:{line}: ") and words in str(err.value), str(err.value)


def test_a_bad_log_level_in_the_environment_names_the_variable(monkeypatch):
    monkeypatch.setenv("UYGHUR_BOT_LOG_LEVEL", "chatty")
    with pytest.raises(ConfigError, match=r"^\$UYGHUR_BOT_LOG_LEVEL: log_level: 'chatty' is not a log level"):
        load_settings()
    monkeypatch.setenv("UYGHUR_BOT_LOG_LEVEL", "debug")
    assert load_settings().log_level == "DEBUG"


def test_gitignore_covers_a_config_that_may_hold_the_token():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for path in ("config.yaml", "deploy/config.yaml"):
        assert subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT).returncode == 0, path
    assert subprocess.run(["git", "check-ignore", "-q", "config.example.yaml"], cwd=ROOT).returncode == 1


def test_ask_in_a_folder_holding_another_programs_config(tmp_path):
    """The issue as met: any command failed with "unknown setting 'server'"."""
    (tmp_path / "config.yaml").write_text("server: {port: 8080}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UYGHUR_BOT_", "DISCORD_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "xdg"), UYGHUR_BOT_DB=str(tmp_path / "index.db"),
               UYGHUR_BOT_DATA=str(FROZEN_DATA), PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-m", "bot", "ask", "Hikvision"], capture_output=True, text=True,
                       cwd=tmp_path, env=env, timeout=60)
    assert p.returncode == 0 and "3 records" in p.stdout, p.stderr
