"""`python -m bot …`: ask, validate, index, and (importing discord only then) run and sync."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.text import plural

log = logging.getLogger("bot")


def setup_logging(settings: Settings, console_level: int = logging.WARNING) -> None:
    """Tracebacks go to the log file; the console gets one clear line."""
    root = logging.getLogger()
    root.setLevel(getattr(logging, str(settings.log_level).upper(), logging.INFO))
    log_file = settings.log_file or settings.db_path.parent / "bot.log"
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        fh = logging.FileHandler(log_file, encoding="utf-8")
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(fh)
    except OSError:
        pass  # a read-only home must not stop an answer
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    console.addFilter(lambda rec: rec.exc_info is None or rec.levelno >= logging.CRITICAL)
    root.addHandler(console)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="YAML config file (default: $UYGHUR_BOT_CONFIG or ./config.yaml)")
    common.add_argument("--data", dest="data_dir", help="data folder (default: the shipped data/)")
    common.add_argument("--db", dest="database", help="SQLite index file (default: in the cache folder)")
    p = argparse.ArgumentParser(prog="python -m bot", description=__doc__, parents=[common])
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("ask", parents=[common], help="answer a question")
    a.add_argument("question", nargs="+")
    a.add_argument("--json", action="store_true", help="print one JSON object: answer, records, interpretation")
    a.add_argument("--explain", action="store_true", help="also print how the question was understood")
    v = sub.add_parser("validate", parents=[common], help="check a data folder; exit 1 on errors")
    v.add_argument("path", nargs="?", help="data folder (default: the configured one)")
    i = sub.add_parser("index", parents=[common], help="build the SQLite index (only if the data changed)")
    i.add_argument("--force", action="store_true", help="rebuild even if the index is fresh")
    sub.add_parser("run", parents=[common], help="start the Discord bot (token from $DISCORD_TOKEN)")
    s = sub.add_parser("sync", parents=[common], help="register the slash commands with Discord")
    s.add_argument("--guild", type=int, help="sync to one server (instant) instead of globally")
    for name, helptext in (("timeline", "draw who did what, when, as a PNG"),
                           ("stats", "draw records per year, per type and per actor, as a PNG")):
        c = sub.add_parser(name, parents=[common], help=helptext)
        c.add_argument("--actor", action="append", default=[], help="an actor (repeat for several)")
        c.add_argument("--type", action="append", default=[], help="a type of action (repeat for several)")
        c.add_argument("--from", dest="start", type=int, help="first year")
        c.add_argument("--to", dest="end", type=int, help="last year")
        if name == "timeline":
            c.add_argument("--rows", choices=("actor", "type"), default="actor", help="one row per actor or per type")
        c.add_argument("--out", required=True, help="PNG file to write")
    from bot.cli.moderation import add_parsers

    add_parsers(sub, common)
    return p


def cmd_ask(args, settings: Settings) -> int:
    from bot.engine.engine import Engine
    from bot.index.build import DataError

    engine = Engine(settings.data_dir, settings.db_path, settings.max_records)
    try:
        answer = engine.answer(" ".join(args.question))
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
    else:
        if args.explain and answer.interpretation:
            print(answer.interpretation.describe(), end="\n\n")
        print(answer.text)
    return 0


def cmd_validate(args, settings: Settings) -> int:
    from bot.dataset.schema import errors_only, load_dataset

    path = Path(args.path) if args.path else settings.data_dir
    ds, problems = load_dataset(path)
    for p in problems:
        print(p, file=sys.stderr if not p.warning else sys.stdout)
    errors = errors_only(problems)
    print(f"{path}: {len(ds.records)} records, {len(ds.actors)} actors, {len(ds.types)} types, "
          f"{len(ds.entities)} entities; {plural(len(errors), 'error')}, {plural(len(problems) - len(errors), 'warning')}")
    return 1 if errors else 0


def cmd_index(args, settings: Settings) -> int:
    from bot.index.build import DataError, ensure_index, read_meta

    try:
        built = ensure_index(settings.data_dir, settings.db_path, force=args.force)
    except DataError as exc:
        print(exc, file=sys.stderr)
        print("the existing index was left as it was", file=sys.stderr)
        return 1
    meta = read_meta(settings.db_path)
    print(f"{'built' if built else 'up to date'}: {settings.db_path} {meta.get('counts', '')}")
    return 0


def cmd_chart(args, settings: Settings) -> int:
    from bot.engine.engine import Engine
    from bot.engine.names import UnknownName
    from bot.index.build import DataError
    from bot.pictures.draw import EmptyChart
    from bot.pictures.select import stats_chart, timeline_chart

    engine = Engine(settings.data_dir, settings.db_path, settings.max_records)
    options = {"actors": args.actor, "types": args.type, "start": args.start, "end": args.end}
    try:
        if args.command == "timeline":
            chart, _ = timeline_chart(engine, rows=args.rows, **options)
        else:
            chart, _ = stats_chart(engine, **options)
    except (UnknownName, EmptyChart) as exc:
        print(exc)
        return 0
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    Path(args.out).write_bytes(chart.png)
    print(f"wrote {args.out} ({chart.width}×{chart.height} px): {chart.caption}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config, data_dir=args.data_dir, database=args.database)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings, logging.INFO if args.command in ("run", "sync") else logging.WARNING)
    try:
        if args.command in ("run", "sync"):
            from bot.discord_adapter.client import run_command  # the only path that imports discord
            return run_command(args, settings)
        if args.command in ("record", "actor", "history", "undo", "export", "import"):
            from bot.cli.moderation import run
            return run(args, settings)
        commands = {"ask": cmd_ask, "validate": cmd_validate, "index": cmd_index, "timeline": cmd_chart,
                    "stats": cmd_chart}
        return commands[args.command](args, settings)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `… | head` closed the pipe: not an error
        sys.stderr.close()
        return 0
    except Exception as exc:  # the user gets one line; the log gets the traceback
        log.exception("%s failed", args.command)
        print(f"error: {type(exc).__name__}: {exc} (details in the log)", file=sys.stderr)
        return 1
