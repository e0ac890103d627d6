"""Benchmark (not a test): 200 /ask interactions dispatched at once to the real bot via the fake Discord.

    .venv/bin/python benchmarks/bench_discord.py [-n 200] [--rounds 1] [--data DIR [--db FILE]]

Reports p50/p99/max time to acknowledgement (Discord's 3-second deadline) and to the full
answer, how many were deferred, and the event loop's worst lag during the burst (a timer
task that should wake every 5 ms: how late it woke). With --data (e.g. a folder made by
benchmarks/generate.py) the index is built before the bot starts, outside the timed part.
Exits 1 if any interaction was not acknowledged in time.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakediscord import FakeDiscord, running_bot  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.discord_adapter.client import ResponsesBot, sync_commands  # noqa: E402
from bot.discord_adapter.endpoints import use_endpoints  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.index.build import ensure_index  # noqa: E402

QUESTIONS = ["what did Canada do", "sanctions in 2021", "which countries recognized the genocide",
             "how many sanctions has the US imposed", "Hikvision", "what happened in March 2021?",
             "what happened in 2021", "compare canada and the uk", "import bans", "latest statements",
             "when did the Dutch parliament vote", "genocide recognition by parliaments", "zzyzx quux",
             "what did the European Parliament do", "forced labour", "visa bans since 2020"]
DEADLINE = 3.0


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def settled(fake: FakeDiscord, iid: int) -> bool:
    record = fake.interaction(iid)
    return final_time(fake, iid) is not None or record.expired



def final_time(fake: FakeDiscord, iid: int) -> float | None:
    """When the answer itself arrived: the callback with a message, or the first follow-up after a defer."""
    record = fake.interaction(iid)
    for r in fake.responses(iid):
        if r["status"] >= 300:
            continue
        if (r["kind"] == "callback" and r["type"] == 4) or r["kind"] == "followup":
            return r["time"] - record.dispatched_at
    return None


async def loop_lag(lags: list[float], period: float = 0.005) -> None:
    """How late the event loop wakes a timer: anything blocking the loop shows up here."""
    loop = asyncio.get_running_loop()
    while True:
        t = loop.time()
        await asyncio.sleep(period)
        lags.append(loop.time() - t - period)


async def bench(n: int, rounds: int, data: Path, db: Path | None) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        logging.basicConfig(level=logging.INFO, filename=str(Path(tmp) / "bench.log"))
        db = db or Path(tmp) / "index.db"
        t = time.perf_counter()
        ensure_index(data, db)               # not timed: a bot starts on a built index
        engine = Engine(data, db)
        st = engine.state
        print(f"{data}: {st.n_records} records, {len(st.actors)} actors; index ready in "
              f"{time.perf_counter() - t:.1f} s", file=sys.stderr)
        fake = await FakeDiscord().start()
        use_endpoints(fake.api_base, fake.gateway_url)
        bot = ResponsesBot(Settings(database=db), engine, guild_ready_timeout=0.05)
        failures = 0
        try:
            async with running_bot(bot, fake):
                await sync_commands(bot, fake.guild.id)
                rows = []
                for rnd in range(1, rounds + 1):
                    lags: list[float] = []
                    lag_task = asyncio.ensure_future(loop_lag(lags))
                    await asyncio.sleep(0.05)
                    started = time.perf_counter()
                    iids = await asyncio.gather(*(fake.dispatch_slash("ask", {"question": QUESTIONS[i % len(QUESTIONS)]})
                                                  for i in range(n)))
                    await fake.wait_for(lambda: all(settled(fake, i) for i in iids), 120)
                    wall = time.perf_counter() - started
                    lag_task.cancel()
                    acks = [fake.ack_latency(i) for i in iids]
                    late = sum(1 for a in acks if a is None or a > DEADLINE)
                    failures += late + len(fake.violations)
                    finals = [f for f in (final_time(fake, i) for i in iids) if f is not None] or [float("nan")]
                    deferred = sum(1 for i in iids if fake.interaction(i).callback_type == 5)
                    ok = [a for a in acks if a is not None] or [float("nan")]
                    rows.append((rnd, n, pct(ok, 50), pct(ok, 99), max(ok), pct(finals, 50), pct(finals, 99),
                                 max(finals), deferred, late, wall, max(lags, default=0.0), pct(lags, 99)))
        finally:
            use_endpoints(None, None)
            await fake.stop()
    print(f"{'round':>5} {'n':>4} | {'ack p50':>8} {'ack p99':>8} {'ack max':>8} | {'ans p50':>8} {'ans p99':>8} "
          f"{'ans max':>8} | {'deferred':>8} {'late':>4} | {'wall s':>6} | {'lag p99':>8} {'lag max':>8}")
    for r in rows:
        print(f"{r[0]:>5} {r[1]:>4} | " + " ".join(f"{v * 1000:>6.0f}ms" for v in r[2:5]) + " | "
              + " ".join(f"{v * 1000:>6.0f}ms" for v in r[5:8]) + f" | {r[8]:>8} {r[9]:>4} | {r[10]:>6.2f} | {r[12] * 1000:>6.1f}ms {r[11] * 1000:>6.1f}ms")
    print(f"violations: {len(fake.violations)}; every interaction acknowledged within {DEADLINE:.0f} s: "
          f"{'yes' if failures == 0 else 'NO'}")
    return 1 if failures else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=200, help="interactions dispatched at once (default 200)")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--data", type=Path, default=ROOT / "data", help="data folder (default: the shipped data/)")
    p.add_argument("--db", type=Path, help="index file to build or reuse (default: a temporary one)")
    args = p.parse_args()
    return asyncio.run(bench(args.n, args.rounds, args.data.resolve(), args.db))


if __name__ == "__main__":
    sys.exit(main())
