"""The command line: ask, validate, index, pictures, the moderators' commands, and (importing
discord only then) run and sync."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.text import plural

log = logging.getLogger("bot")
PICTURE_FORMATS = ("png", "svg", "svgz", "pdf", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp", "gif")


def setup_logging(settings: Settings, console_level: int = logging.WARNING) -> bool:
    """Tracebacks go to the log file; the console gets one clear line. True if the file opened."""
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, "bot_cli", False)]:  # main() run again in one process
        root.removeHandler(h)
        h.close()
    root.setLevel(getattr(logging, str(settings.log_level).upper(), logging.INFO))
    handlers: list[logging.Handler] = []
    opened = True
    try:
        settings.log_path.parent.mkdir(parents=True, exist_ok=True)
        fh = logging.FileHandler(settings.log_path, encoding="utf-8")
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handlers.append(fh)
    except OSError:
        opened = False  # a read-only home must not stop an answer
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    console.addFilter(lambda rec: rec.exc_info is None or rec.levelno >= logging.CRITICAL)
    handlers.append(console)
    for h in handlers:
        h.bot_cli = True  # type: ignore[attr-defined]
        root.addHandler(h)
    return opened


def prog_name() -> str:
    """The name the program was invoked by: `uyghur-bot`, or `python -m bot`."""
    name = Path(sys.argv[0] if sys.argv else "").name
    return "python -m bot" if name in ("", "__main__.py", "-c") else name


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("uyghur-responses-bot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


class _Version(argparse.Action):
    """--version, looked up only when asked: reading the package metadata costs more than an answer."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog} {version()}")
        parser.exit()


def _common(top: bool) -> argparse.ArgumentParser:
    """The global options. Given on a subcommand as well (`ask --data DIR`), they must not undo
    the same option given before it (`--data DIR ask`): below the top, an option left out sets
    nothing (SUPPRESS) instead of resetting the value to None."""
    default = None if top else argparse.SUPPRESS
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=default, metavar="FILE",
                        help="YAML config file (default: $UYGHUR_BOT_CONFIG, else "
                             "$XDG_CONFIG_HOME/uyghur-responses-bot/config.yaml if it exists)")
    common.add_argument("--data", dest="data_dir", default=default, metavar="DIR",
                        help="data folder (default: the shipped data/)")
    common.add_argument("--db", dest="database", default=default, metavar="FILE",
                        help="SQLite index file (default: in the cache folder)")
    return common


def _parser(prog: str | None = None) -> argparse.ArgumentParser:
    common = _common(top=False)
    p = argparse.ArgumentParser(prog=prog or prog_name(), parents=[_common(top=True)],
                                description="Answer questions from the cited dataset, check and index it, draw "
                                            "pictures of it, keep it current, and run the Discord bot.",
                                epilog="--config, --data and --db may come before the command or after it.")
    p.add_argument("--version", action=_Version, help="print the version and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    a = sub.add_parser("ask", parents=[common], help="answer a question")
    a.add_argument("question", nargs="+", help="the question, in plain words (quote it, or not)")
    a.add_argument("--json", action="store_true", help="print one JSON object: answer, records, interpretation")
    a.add_argument("--explain", action="store_true", help="also print how the question was understood")
    a.add_argument("--after", action="append", metavar="QUESTION",
                   help="an earlier question of the conversation (repeat, oldest first): the question is read "
                        "as its follow-up where it continues it (\"and in 2020?\")")
    v = sub.add_parser("validate", parents=[common], help="check a data folder; exit 1 on errors")
    v.add_argument("path", nargs="?", help="data folder (default: the configured one)")
    i = sub.add_parser("index", parents=[common], help="build the SQLite index (only if the data changed)")
    i.add_argument("--force", action="store_true", help="rebuild even if the index is fresh")
    sub.add_parser("run", parents=[common], help="start the Discord bot (token from $DISCORD_TOKEN)")
    s = sub.add_parser("sync", parents=[common], help="register the slash commands with Discord")
    s.add_argument("--guild", type=int, help="sync to one server (instant) instead of globally")
    for name, helptext in (("timeline", "draw who did what, when, as a picture"),
                           ("stats", "draw records per year, per type and per actor, as a picture")):
        c = sub.add_parser(name, parents=[common], help=helptext)
        c.add_argument("--actor", action="append", default=[], help="an actor (repeat for several)")
        c.add_argument("--type", action="append", default=[], help="a type of action (repeat for several)")
        c.add_argument("--from", dest="start", type=int, help="first year")
        c.add_argument("--to", dest="end", type=int, help="last year")
        if name == "timeline":
            c.add_argument("--rows", choices=("actor", "type"), default="actor", help="one row per actor or per type")
        c.add_argument("--out", required=True, metavar="FILE",
                       help="file to write; its extension picks the format (.png, .svg, .pdf, .jpg, …); "
                            "- writes PNG to standard output")
    from bot.cli.moderation_args import add_parsers

    add_parsers(sub, common)
    return p


def located(problem, root: Path) -> str:
    """A problem with a path that opens from the current folder (the data folder as given);
    the data folder itself has no line to name."""
    from bot.dataset.yamlio import Problem

    if problem.file == str(root):
        return f"{root}: {'warning: ' if problem.warning else ''}{problem.message}"
    return str(Problem(str(Path(root).parent / problem.file), problem.line, problem.message, problem.warning))


def print_data_error(exc, root: Path) -> None:
    problems = exc.problems
    print(f"{plural(len(problems), 'problem')} in the data in {root}:", file=sys.stderr)
    for p in problems[:20]:
        print(located(p, root), file=sys.stderr)
    if len(problems) > 20:
        print(f"… and {len(problems) - 20} more (python -m bot validate {root} lists them all)", file=sys.stderr)


def cmd_ask(args, settings: Settings) -> int:
    from bot.engine.engine import Engine
    from bot.index.build import DataError

    engine = Engine(settings.data_dir, settings.db_path, settings.max_records)
    try:
        answer = engine.answer(" ".join(args.question), args.after or ())
    except DataError as exc:
        print_data_error(exc, settings.data_dir)
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
        print(located(p, path), file=sys.stderr if not p.warning else sys.stdout)
    errors = errors_only(problems)
    print(f"{path}: {len(ds.records)} records, {len(ds.actors)} actors, {len(ds.types)} types, "
          f"{len(ds.entities)} entities; {plural(len(errors), 'error')}, {plural(len(problems) - len(errors), 'warning')}")
    return 1 if errors else 0


def cmd_index(args, settings: Settings) -> int:
    from bot.index.build import DataError, ensure_index, read_meta

    try:
        built = ensure_index(settings.data_dir, settings.db_path, force=args.force)
    except DataError as exc:
        print_data_error(exc, settings.data_dir)
        print("the existing index was left as it was", file=sys.stderr)
        return 1
    meta = read_meta(settings.db_path)
    print(f"{'built' if built else 'up to date'}: {settings.db_path} {meta.get('counts', '')}")
    return 0


def picture_format(out: str) -> str | None:
    """The format a picture is written in, from the file's extension (PNG for none and for -)."""
    if out == "-":
        return "png"
    ext = Path(out).suffix.lower().lstrip(".")
    if not ext:
        return "png"
    return ext if ext in PICTURE_FORMATS else None


def cmd_chart(args, settings: Settings) -> int:
    fmt = picture_format(args.out)
    if fmt is None:
        print(f"error: cannot write a picture as {Path(args.out).suffix!r}: use one of "
              + ", ".join(f".{f}" for f in PICTURE_FORMATS) + ", or - for PNG on standard output", file=sys.stderr)
        return 2
    from bot.engine.engine import Engine
    from bot.engine.names import UnknownName
    from bot.index.build import DataError
    from bot.pictures.draw import EmptyChart
    from bot.pictures.select import stats_chart, timeline_chart

    engine = Engine(settings.data_dir, settings.db_path, settings.max_records)
    options = {"actors": args.actor, "types": args.type, "start": args.start, "end": args.end, "fmt": fmt}
    try:
        if args.command == "timeline":
            chart, _ = timeline_chart(engine, rows=args.rows, **options)
        else:
            chart, _ = stats_chart(engine, **options)
    except (UnknownName, EmptyChart) as exc:
        print(exc, file=sys.stderr if args.out == "-" else sys.stdout)
        return 0
    except DataError as exc:
        print_data_error(exc, settings.data_dir)
        return 1
    said = f"({chart.width}×{chart.height} px, {fmt.upper()}): {chart.caption}"
    if args.out == "-":   # the picture is the output; what it shows goes to the console
        sys.stdout.buffer.write(chart.image)
        sys.stdout.flush()
        print(f"wrote standard output {said}", file=sys.stderr)
    else:
        Path(args.out).write_bytes(chart.image)
        print(f"wrote {args.out} {said}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config, data_dir=args.data_dir, database=args.database)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    logged = setup_logging(settings, logging.INFO if args.command in ("run", "sync") else logging.WARNING)
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
        where = f"details in {settings.log_path}" if logged else f"no details: the log {settings.log_path} could not be opened"
        print(f"error: {type(exc).__name__}: {exc} ({where})", file=sys.stderr)
        return 1
