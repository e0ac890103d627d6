"""How long a timeline takes to render: the shipped dataset and 1,000 synthetic records.

    .venv/bin/python benchmarks/bench_timeline.py [-n RUNS] [--cpu]

Prints median and p95 milliseconds per chart (PNG bytes included). A script, not a test.
--cpu times the CPU seconds of this process instead of the clock: on a shared, busy machine the
fairer way to compare two commits (run it in a checkout of each, in turns).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the same 1,000 synthetic records the tests draw

from test_timeline import synthetic  # noqa: E402

from bot.engine.engine import Engine  # noqa: E402
from bot.pictures.draw import render_stats, render_timeline  # noqa: E402


def timed(fn, runs: int, clock=time.perf_counter) -> tuple[float, float, int]:
    fn()  # warm-up: font cache, imports
    ms = []
    for _ in range(runs):
        t = clock()
        chart = fn()
        ms.append((clock() - t) * 1000)
    ms.sort()
    return statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))], len(chart.png)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--runs", type=int, default=20)
    ap.add_argument("--cpu", action="store_true", help="CPU time of this process, not wall-clock time")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        records = Engine(ROOT / "data", Path(tmp) / "index.db").select(label="all", limit=100000).records
    many = synthetic(records)
    cases = {
        f"timeline, shipped data by actor ({len(records)} records)": lambda: render_timeline(records),
        f"timeline, shipped data by type ({len(records)} records)": lambda: render_timeline(records, rows="type"),
        "timeline, 1,000 synthetic records (20 of 60 rows)": lambda: render_timeline(many),
        f"stats, shipped data ({len(records)} records)": lambda: render_stats(records),
        "stats, 1,000 synthetic records": lambda: render_stats(many),
    }
    print(f"{'case':<52} {'median ms':>10} {'p95 ms':>8} {'PNG KB':>7}   ({args.runs} runs each"
          f"{', CPU time' if args.cpu else ''})")
    for name, fn in cases.items():
        med, p95, size = timed(fn, args.runs, time.process_time if args.cpu else time.perf_counter)
        print(f"{name:<52} {med:>10.1f} {p95:>8.1f} {size / 1024:>7.0f}")


if __name__ == "__main__":
    main()
