"""Benchmark (not a test): the real bot, in its own process, under load from the fake Discord.

    .venv/bin/python benchmarks/bench_discord.py burst [-n 200] [--runs 3] [--data DIR --db FILE] [--floor]
    .venv/bin/python benchmarks/bench_discord.py sustained [--rate 20] [--seconds 180] [--window 30]

The bot runs as `python -m bot run` in a subprocess (as in production: Discord is not in its
process), pointed at a FakeDiscord served from this process, which also generates the load and
times every response. `--code DIR` runs another checkout of the bot (e.g. an earlier commit
extracted with `git archive`), so a change is measured against its baseline on the same load.

burst: `-n` `/ask` dispatched at the same moment, `--runs` times, each run against a fresh bot
process. Per run: time to acknowledgement (Discord's 3-second deadline, counted from dispatch)
p50/p99/max, how many were late, time to the full answer, how many were deferred, answered
"busy", or never answered. `--floor` adds, run for run, the same burst against
benchmarks/floor_bot.py, a bot that only defers: what discord.py and this machine cost alone.

sustained: `--rate` interactions a second for `--seconds`, mixed evenly between `/ask`, `/actor`
autocomplete, `/search` and `/timeline`. Every `--window` seconds one line for the interactions
dispatched in that window: acknowledgement p50/p99 and late, answer p50/p99 of `/ask` and
`/search` and of the pictures drawn, failed (an error, or acknowledged too late) and unanswered, "busy" replies, late and empty autocompletes,
interactions acknowledged but not yet answered, the bot's queue depth per lane (from its health
log line, when it has one) and RSS (the bot process, and with its picture workers).

Exits 1 if any interaction was acknowledged late, failed or went unanswered.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakediscord import FakeDiscord  # noqa: E402
from helpers import BotProcess  # noqa: E402

QUESTIONS = ["what did Canada do", "sanctions in 2021", "which countries recognized the genocide",
             "how many sanctions has the US imposed", "Hikvision", "what happened in March 2021?",
             "what happened in 2021", "compare canada and the uk", "import bans", "latest statements",
             "when did the Dutch parliament vote", "genocide recognition by parliaments", "zzyzx quux",
             "what did the European Parliament do", "forced labour", "visa bans since 2020"]
PREFIXES = ["can", "eu", "uni", "ger", "fr", "jap", "aus", "uk", "us", "neth", "", "par", "bel", "swe", "new"]
SEARCHES = [{"actor": "canada", "type": "sanctions"}, {"year": 2021}, {"text": "forced labour"},
            {"from": 2019, "to": 2021, "type": "statements"}, {"actor": "eu"}, {"type": "import-bans"},
            {"text": "Hikvision", "from": 2020}, {"actor": "us", "year": 2022}]
TIMELINES = [{"actor": "Canada"}, {"type": "sanctions"}, {"from": 2020, "to": 2021}, {},
             {"actor": "European Union", "actor2": "United States"}, {"type": "statements", "rows": "type"}]
DEADLINE = 3.0
BUSY = "try again in a few seconds"
FAILED = ("went wrong", "restarting", "could not finish", "is being updated")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def ms(v: float) -> str:
    return "     -" if v != v else f"{v * 1000:6.0f}"


# --------------------------------------------------------------------------- reading the fake's record

def final(fake: FakeDiscord, iid: int) -> tuple[float, dict] | None:
    """(seconds from dispatch, message data) of the answer itself: a callback with a message, or
    the first follow-up after a defer; None while there is none."""
    record = fake.interaction(iid)
    for r in fake.responses(iid):
        if r["status"] >= 300:
            continue
        if (r["kind"] == "callback" and r["type"] in (4, 7, 8)) or r["kind"] in ("followup", "edit_original"):
            return r["time"] - record.dispatched_at, (r["data"] or {})
    return None


def text_of(data: dict) -> str:
    return " ".join([data.get("content") or ""] + [(e.get("description") or "") for e in data.get("embeds") or []])


def outcome(fake: FakeDiscord, iid: int, floor: bool = False) -> dict:
    """What became of one interaction, as the member saw it."""
    rec = fake.interaction(iid)
    ack = rec.ack_latency
    out = {"kind": rec.payload["data"]["name"] if rec.type in (2, 4) else "click", "autocomplete": rec.type == 4,
           "ack": ack, "late": rec.expired or ack is None or ack > DEADLINE, "answer": None,
           "deferred": rec.callback_type in (5, 6), "busy": False, "failed": rec.expired, "empty": False}
    if floor:
        out["answer"] = ack
        return out
    got = final(fake, iid)
    if got is not None:
        out["answer"], data = got
        text = text_of(data)
        out["busy"] = BUSY in text
        out["failed"] = out["failed"] or any(f in text for f in FAILED)
        out["empty"] = rec.type == 4 and not data.get("choices")
    out["failed"] = out["failed"] or any(r["status"] >= 400 for r in fake.responses(iid))
    return out


def settled(fake: FakeDiscord, iid: int, floor: bool) -> bool:
    rec = fake.interaction(iid)
    return rec.expired or (rec.callback_type is not None if floor else final(fake, iid) is not None)


# --------------------------------------------------------------------------- the bot in its own process

def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            continue
        for k in kids:
            out += [k] + _children(k)
    return out


def rss(bot: BotProcess) -> tuple[float, float]:
    """MB: the bot process, and with its children (picture workers)."""
    own = _rss_mb(bot.proc.pid)
    return own, own + sum(_rss_mb(c) for c in _children(bot.proc.pid))


def lanes(bot: BotProcess) -> str:
    """Queue depth per lane from the bot's last health log line, if it writes one."""
    try:
        lines = [ln for ln in bot.log.read_text(encoding="utf-8").splitlines() if " health: " in ln]
    except OSError:
        return "-"
    found = re.search(r"queued (\S+)", lines[-1]) if lines else None
    return found.group(1) if found else "-"


def bot_process(args, fake: FakeDiscord, tmp: Path, *, floor: bool = False, **settings) -> BotProcess:
    run = (str(ROOT / "benchmarks" / "floor_bot.py"),) if floor else ("-m", "bot", "run")
    settings.update(kv.split("=", 1) for kv in args.set)
    return BotProcess(fake, tmp, code=args.code, args=run, data_dir=args.data, database=args.db, **settings)


async def dispatch(fake: FakeDiscord, i: int) -> int:
    """The i-th interaction of the sustained mix."""
    kind, n = i % 4, i // 4
    if kind == 0:
        return await fake.dispatch_slash("ask", {"question": QUESTIONS[n % len(QUESTIONS)]})
    if kind == 1:
        return await fake.dispatch_autocomplete("actor", {"name": PREFIXES[n % len(PREFIXES)]}, focused="name")
    if kind == 2:
        return await fake.dispatch_slash("search", SEARCHES[n % len(SEARCHES)])
    return await fake.dispatch_slash("timeline", TIMELINES[n % len(TIMELINES)])


async def warm_up(fake: FakeDiscord) -> None:
    """One of each kind and every picture of the mix, answered one by one, before anything is
    timed or the first RSS is read: imports, the picture workers and their working set."""
    for i in [0, 1, 2] + [3 + 4 * n for n in range(len(TIMELINES))]:
        iid = await dispatch(fake, i)
        await fake.wait_for(lambda: settled(fake, iid, False), 60)


# --------------------------------------------------------------------------- burst

def burst_row(outs: list[dict], wall: float) -> dict:
    acks = [o["ack"] for o in outs if o["ack"] is not None]
    answers = [o["answer"] for o in outs if o["answer"] is not None]
    return {"n": len(outs), "ack50": pct(acks, 50), "ack99": pct(acks, 99), "ackmax": max(acks, default=float("nan")),
            "late": sum(o["late"] for o in outs), "ans50": pct(answers, 50), "ans99": pct(answers, 99),
            "ansmax": max(answers, default=float("nan")), "deferred": sum(o["deferred"] for o in outs),
            "busy": sum(o["busy"] for o in outs), "failed": sum(o["failed"] for o in outs),
            "unanswered": sum(o["answer"] is None for o in outs), "wall": wall}


async def one_burst(fake: FakeDiscord, n: int, floor: bool) -> dict:
    started = time.perf_counter()
    iids = await asyncio.gather(*(fake.dispatch_slash("ask", {"question": QUESTIONS[i % len(QUESTIONS)]})
                                  for i in range(n)))
    try:
        await fake.wait_for(lambda: all(settled(fake, i, floor) for i in iids), 120)
    except TimeoutError:
        pass
    return burst_row([outcome(fake, i, floor) for i in iids], time.perf_counter() - started)


async def burst(args, fake: FakeDiscord, tmp: Path) -> int:
    rows, bad = [], 0
    for run in range(1, args.runs + 1):
        for floor in ((False, True) if args.floor else (False,)):
            bot = await bot_process(args, fake, tmp, floor=floor).start()
            if not floor:
                await warm_up(fake)
            row = await one_burst(fake, args.n, floor)
            await bot.stop()
            rows.append((run, "floor" if floor else "bot", row))
            if not floor:
                bad += row["late"] + row["failed"] + row["unanswered"]
    print(f"{'run':>3} {'bot':>5} {'n':>4} | {'ack p50':>7} {'p99':>6} {'max':>6} {'late':>4} | {'answer p50':>10} "
          f"{'p99':>6} {'max':>6} | {'deferred':>8} {'busy':>4} {'failed':>6} {'unans.':>6} | {'wall s':>6}")
    for run, who, r in rows:
        print(f"{run:>3} {who:>5} {r['n']:>4} | {ms(r['ack50'])}ms {ms(r['ack99'])} {ms(r['ackmax'])} {r['late']:>4} | "
              f"{ms(r['ans50']):>8}ms {ms(r['ans99'])} {ms(r['ansmax'])} | {r['deferred']:>8} {r['busy']:>4} "
              f"{r['failed']:>6} {r['unanswered']:>6} | {r['wall']:>6.2f}")
    print(f"violations: {len(fake.violations)}; every interaction acknowledged within {DEADLINE:.0f} s and answered: "
          f"{'yes' if bad == 0 and not fake.violations else 'NO'}")
    return 1 if bad or fake.violations else 0


# --------------------------------------------------------------------------- sustained

def window_line(w: int, outs: list[dict], open_: int, lanes: str, rss: tuple[float, float]) -> str:
    slash = [o for o in outs if not o["autocomplete"]]
    auto = [o for o in outs if o["autocomplete"]]
    acks = [o["ack"] for o in outs if o["ack"] is not None]
    answers = [o["answer"] for o in slash if o["answer"] is not None and o["kind"] != "timeline"]
    charts = [o["answer"] for o in slash if o["answer"] is not None and o["kind"] == "timeline" and not o["busy"]]
    busy = {k: sum(o["busy"] for o in slash if o["kind"] == k) for k in ("ask", "search", "timeline")}
    return (f"{w:>4} {len(outs):>5} | {ms(pct(acks, 50))} {ms(pct(acks, 99))} {sum(o['late'] for o in outs):>4} | "
            f"{ms(pct(answers, 50))} {ms(pct(answers, 99))} {ms(pct(charts, 50))} {ms(pct(charts, 99))} | "
            f"{sum(o['failed'] for o in slash):>6} "
            f"{sum(o['answer'] is None for o in slash):>6} | {busy['ask'] + busy['search']:>4} {busy['timeline']:>5} | "
            f"{sum(o['late'] for o in auto):>4} {sum(o['empty'] for o in auto):>5} | {open_:>5} {lanes:>14} | "
            f"{rss[0]:>5.0f} {rss[1]:>6.0f}")


HEADER = (f"{'s':>4} {'sent':>5} | {'ack50':>6} {'ack99':>6} {'late':>4} | {'ans50':>6} {'ans99':>6} {'pic50':>6} "
          f"{'pic99':>6} | {'failed':>6} "
          f"{'unans.':>6} | {'busy':>4} {'chart':>5} | {'ac>3s':>4} {'ac[]':>5} | {'open':>5} {'queued a/c/p':>14} | "
          f"{'rss':>5} {'+kids':>6}")


async def sustained(args, fake: FakeDiscord, tmp: Path) -> int:
    settings = {"health_seconds": args.window} if "health_seconds" in (args.code / "config.example.yaml").read_text() \
        else {}
    bot = await bot_process(args, fake, tmp, **settings).start()
    await warm_up(fake)
    rss0 = rss(bot)
    print(f"rate {args.rate}/s for {args.seconds} s; RSS after warm-up {rss0[0]:.0f} MB ({rss0[1]:.0f} MB with "
          f"picture workers)\n{HEADER}")
    sent: list[tuple[float, int]] = []  # (seconds since start, interaction id)
    windows: dict[int, tuple[int, str, tuple[float, float]]] = {}
    total = int(args.rate * args.seconds)
    t0 = time.perf_counter()

    def open_now() -> int:
        return sum(1 for _, i in sent if fake.interaction(i).callback_type is not None and not settled(fake, i, False))

    async def report() -> None:
        w, peak = args.window, 0
        while True:
            await asyncio.sleep(1.0)
            peak = max(peak, open_now())
            now = time.perf_counter() - t0
            if now >= w:
                windows[w] = (peak, lanes(bot), rss(bot))
                print(window_line(w, [outcome(fake, i) for t, i in sent if w - args.window <= t < w], *windows[w])
                      + "  (so far)", file=sys.stderr)
                w, peak = w + args.window, 0

    reporter = asyncio.ensure_future(report())
    for k in range(total):
        delay = t0 + k / args.rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent.append((time.perf_counter() - t0, await dispatch(fake, k)))
    lag = time.perf_counter() - t0 - (total - 1) / args.rate
    try:
        await fake.wait_for(lambda: all(settled(fake, i, False) for _, i in sent), 60)
    except TimeoutError:
        pass
    await asyncio.sleep(args.window - (time.perf_counter() - t0) % args.window + 1.5)
    reporter.cancel()
    rss1 = rss(bot)
    code = await bot.stop()
    outs = [(t, outcome(fake, i)) for t, i in sent]
    for w in sorted(windows):
        print(window_line(w, [o for t, o in outs if w - args.window <= t < w], *windows[w]))
    every = [o for _, o in outs]
    print(window_line(0, every, max(v[0] for v in windows.values()), "all", rss1).replace("   0", " all", 1))
    bad = sum(o["late"] or o["failed"] or (o["answer"] is None and not o["autocomplete"]) for o in every)
    print(f"dispatch fell behind the schedule by {lag:.2f} s; RSS {rss0[0]:.0f} → {rss1[0]:.0f} MB "
          f"(with picture workers {rss0[1]:.0f} → {rss1[1]:.0f} MB); bot exit code {code}; "
          f"violations {len(fake.violations)}; late, failed or unanswered: {bad}")
    return 1 if bad or fake.violations else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=("burst", "sustained"))
    p.add_argument("-n", type=int, default=200, help="burst: interactions dispatched at once (default 200)")
    p.add_argument("--runs", type=int, default=3, help="burst: how many bursts, each on a fresh bot (default 3)")
    p.add_argument("--floor", action="store_true", help="burst: also run each burst against the defer-only bot")
    p.add_argument("--rate", type=float, default=20.0, help="sustained: interactions a second (default 20)")
    p.add_argument("--seconds", type=float, default=180.0, help="sustained: how long (default 180)")
    p.add_argument("--window", type=int, default=30, help="sustained: seconds per report line (default 30)")
    p.add_argument("--data", type=Path, default=ROOT / "data", help="data folder (default: the shipped data/)")
    p.add_argument("--db", type=Path, help="index file to build or reuse (default: a temporary one)")
    p.add_argument("--code", type=Path, default=ROOT, help="the checkout to run as the bot (default: this one)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="a setting for the bot's config file, e.g. answer_threads=2 (repeatable)")
    args = p.parse_args()
    args.data, args.code = args.data.resolve(), args.code.resolve()

    async def run() -> int:
        with tempfile.TemporaryDirectory() as tmp:
            args.db = (args.db or Path(tmp) / "index.db").resolve()
            index = await asyncio.create_subprocess_exec(  # not timed: a bot starts on a built index
                sys.executable, "-m", "bot", "index", "--data", str(args.data), "--db", str(args.db), cwd=args.code,
                env={**os.environ, "PYTHONPATH": str(args.code)})
            await index.wait()
            fake = await FakeDiscord().start()
            try:
                return await (burst if args.mode == "burst" else sustained)(args, fake, Path(tmp))
            finally:
                await fake.stop()
    return asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
