"""The command line's habits: global options honoured wherever they are written, --version, the
program's own name, help on every argument, pictures in any format or on standard output,
errors that say where the log is, paths printed as given, and history newest first with diffs."""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DATA, FROZEN_DATA, ROOT, content_hash, forget_cli_logging

from bot.cli.main import _parser, main

MARK = "SCRATCHMARK"   # in the scratch copy only: output that shows it was read from there


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    """A copy of the frozen data with a marked title; nothing from the machine's own settings."""
    dest = tmp_path / "scratch"
    shutil.copytree(FROZEN_DATA, dest, ignore=shutil.ignore_patterns("history.jsonl", ".*", "README.md"))
    path = dest / "records" / "canada.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: Canada imposes coordinated", f"title: Canada imposes {MARK} coordinated", 1), encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    for var in [v for v in os.environ if v.startswith(("UYGHUR_BOT_", "DISCORD_"))]:
        monkeypatch.delenv(var)
    yield dest
    forget_cli_logging()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


RECORD = """id: test-added-{p}
title: A record added {how}
summary: Added by the test of the global options.
date: 2021-05-01
actors: [canada]
types: [statements]
sources:
  - {{document: uhrp-responses, section: Canada, item: 1}}
"""


def test_global_options_are_honoured_before_and_after_every_subcommand(scratch, tmp_path, capsys):
    """`python -m bot --data DIR actor alias canada X --yes` wrote to the shipped data/: the
    subcommand's own copy of --data (None) overwrote the one given before it."""
    from bot.discord_adapter.endpoints import use_endpoints

    shipped = content_hash(DATA)
    db = tmp_path / "index.db"
    api = f"http://127.0.0.1:{closed_port()}/api/v10"
    export = tmp_path / "export.yaml"
    commands = {  # subcommand path and arguments -> what its output must show
        "ask": (["ask", "what did Canada do"], MARK),
        "validate": (["validate"], f"{scratch}: 86 records"),
        "index": (["index"], f": {db} "),
        "record show": (["record", "show", "ca-coordinated-sanctions-2021"], MARK),
        "record add": (["record", "add", "--file", "{tmp}/add-{p}.yaml", "--yes"], "saved"),
        "record edit": (["record", "edit", "test-added-{p}", "--file", "{tmp}/edit-{p}.yaml", "--yes"], "saved"),
        "history": (["history", "test-added-{p}"], "edit"),
        "undo": (["undo", "test-added-{p}"], "undone"),
        "record remove": (["record", "remove", "test-added-{p}", "--yes"], "saved"),
        "actor add": (["actor", "add", "--file", "{tmp}/actor-{p}.yaml", "--yes"], "saved"),
        "actor alias": (["actor", "alias", "canada", "Alias {p}", "--yes"], "saved"),
        # an actor only the scratch copy has, and who acted in nothing: no picture to draw (drawing is
        # tested below); with the shipped data the name would be unknown
        "timeline": (["timeline", "--actor", "Test Actor {p}", "--out", "{tmp}/t.png"], "so there is nothing to draw"),
        "stats": (["stats", "--actor", "Test Actor {p}", "--out", "{tmp}/s.png"], "so there is nothing to count"),
        "export": (["export", "--out", str(export)], "wrote"),
        "import": (["import", str(export), "--yes"], "saved: 1 change"),
        "run": (["run"], f"cannot reach Discord at {api}"),
        "sync": (["sync"], f"cannot reach Discord at {api}"),
    }
    assert {c.split()[0] for c in commands} == set(_parser()._subparsers._group_actions[0].choices)  # every one
    try:
        for p in ("before", "after"):
            write(tmp_path / f"add-{p}.yaml", RECORD.format(p=p, how="from the command line"))
            write(tmp_path / f"edit-{p}.yaml", RECORD.format(p=p, how="and edited"))
            write(tmp_path / f"actor-{p}.yaml", f"id: test-actor-{p}\nname: Test Actor {p}\nkind: civil-society\n")
            for name, (args, shown) in commands.items():
                if name == "import":   # the file differs from the data by one title: one change
                    text = export.read_text(encoding="utf-8")
                    export.write_text(text.replace(MARK, f"{MARK} {p}", 1), encoding="utf-8")
                log = tmp_path / "logs" / f"{p}-{name.replace(' ', '-')}.log"
                cfg = write(tmp_path / "config.yaml", f"log_file: {log}\ntoken: fake-token\napi_base: {api}\n")
                options = ["--config", cfg, "--data", str(scratch), "--db", str(db)]
                args = [a.format(tmp=tmp_path, p=p) for a in args]
                argv = options + args if p == "before" else args + options
                code = main(argv)
                out, err = capsys.readouterr()
                assert code == (1 if name in ("run", "sync") else 0), (argv, out, err)
                assert shown in out + err, (argv, out, err)
                assert log.exists(), f"--config {p} {name} was ignored"
    finally:
        use_endpoints(None, None)
    assert content_hash(DATA) == shipped, "a command wrote to the shipped data/"
    assert not (tmp_path / "xdg-cache" / "uyghur-responses-bot").exists(), "a command ignored --db"
    assert "Alias before" in (scratch / "actors.yaml").read_text(encoding="utf-8")
    assert "Alias after" in (scratch / "actors.yaml").read_text(encoding="utf-8")
    assert f"{MARK} after" in (scratch / "records" / "canada.yaml").read_text(encoding="utf-8")


def test_the_issue_as_reported(scratch):
    """In a real process, options first, as `--help` shows them."""
    shipped = content_hash(DATA)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-m", "bot", "--data", str(scratch), "--db", str(scratch.parent / "i.db"),
                        "actor", "alias", "canada", "Dominion", "--yes"], capture_output=True, text=True, env=env,
                       cwd=ROOT, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "Dominion" in (scratch / "actors.yaml").read_text(encoding="utf-8")
    assert content_hash(DATA) == shipped


def test_version_and_the_program_name_as_invoked():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-m", "bot", "--version"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert p.returncode == 0 and p.stdout.startswith("python -m bot ") and p.stdout.split()[-1][0].isdigit()
    script = Path(sys.executable).parent / "uyghur-bot"
    if not script.exists():
        pytest.skip("the uyghur-bot script is not installed next to this Python")
    p = subprocess.run([str(script), "--help"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert p.stdout.startswith("usage: uyghur-bot ") and "python -m bot" not in p.stdout


def test_every_argument_has_help():
    missing = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{path} {name}")
            elif not action.help:
                missing.append(f"{path} {action.dest}")

    walk(_parser(), "bot")
    assert missing == []


def test_pictures_in_the_format_the_extension_names_or_png_on_standard_output(scratch, tmp_path, capsysbinary):
    where = ["--data", str(scratch), "--db", str(tmp_path / "i.db")]
    pick = ["--actor", "Canada", "--from", "2021", "--to", "2021"]
    for ext, start in {"svg": b"<?xml", "jpg": b"\xff\xd8\xff"}.items():
        out = tmp_path / f"chart.{ext}"
        assert main(["timeline", *pick, "--out", str(out), *where]) == 0
        assert out.read_bytes().startswith(start), ext
        assert f"wrote {out} ".encode() in capsysbinary.readouterr().out
    assert main(["stats", *pick, "--out", "-", *where]) == 0
    out, err = capsysbinary.readouterr()
    assert out.startswith(b"\x89PNG\r\n\x1a\n") and b"wrote standard output" in err
    assert not Path("-").exists()
    assert main(["stats", *pick, "--out", str(tmp_path / "chart.docx"), *where]) == 2
    err = capsysbinary.readouterr().err.decode()
    assert "cannot write a picture as '.docx'" in err and ".svg" in err
    assert not (tmp_path / "chart.docx").exists()


def test_an_unexpected_error_names_the_log_file(scratch, tmp_path, capsys):
    log = tmp_path / "where" / "bot.log"
    cfg = write(tmp_path / "c.yaml", f"log_file: {log}\n")
    code = main(["export", "--out", str(tmp_path / "no-such-folder" / "x.yaml"), "--data", str(scratch), "--config", cfg])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and f"(details in {log})" in err and "Traceback" not in err
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_validate_prints_paths_that_open_from_the_current_folder(scratch, tmp_path, monkeypatch, capsys):
    path = scratch / "records" / "canada.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n- id: broken-record\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "scratch"]) == 1
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith("scratch/records/canada.yaml:")
    assert Path(first.split(":")[0]).is_file()   # relative to here, as the folder was given
    assert main(["validate", "no-such-folder"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == "no-such-folder: data folder does not exist"


def test_history_is_newest_first_with_each_diff(scratch, tmp_path, capsys):
    where = ["--data", str(scratch), "--db", str(tmp_path / "i.db")]
    for alias in ("First Alias", "Second Alias"):
        assert main(["actor", "alias", "canada", alias, "--yes", "--reason", f"adding {alias}", *where]) == 0
    capsys.readouterr()
    assert main(["history", "canada", "--actor", *where]) == 0
    out = capsys.readouterr().out
    second, first = out.index("adding Second Alias"), out.index("adding First Alias")
    assert second < first
    assert "+  aliases: [" in out and "Second Alias" in out[second:first] and "-  aliases:" in out[second:first]
