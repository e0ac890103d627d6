"""Answer latency on the shipped data, beside its baselines (a benchmark, not a test).

    python benchmarks/bench_answer.py [--rounds 200] [--runs 15]

Warm: one Engine, every question of the mix answered `rounds` times after a warm-up pass.
Beside it, the fair FTS5 baseline of baselines.py (the engine's content words and filters,
ranked by bm25(), as many results). Whole process: the median wall time of
`python -m bot ask`, beside a bare `python -c pass` start.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from baselines import FtsBaseline  # noqa: E402

from bot.engine.engine import Engine  # noqa: E402

MIX = [
    "what did Canada do", "sanctions in 2021", "what has the UK done?", "which countries recognized the genocide",
    "Hikvision", "what did the netherlnds do", "Beijing 2022 Olympics", "import bans", "what happened in March 2021?",
    "how many sanctions has the US imposed", "latest actions", "compare Canada and the UK",
    "who called for a UN commission of inquiry", "what did Brazil do", "pizza recipes",
    "forced labour in the solar industry", 'sanctions" OR NEAR(x', "🇨🇦🔥", "what did Japan do in 2021",
]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def timed(fn, items, rounds):
    out = []
    for _ in range(rounds):
        for it in items:
            t = time.perf_counter()
            fn(it)
            out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    engine = Engine(ROOT / "data", tmp / "index.db")
    for q in MIX:
        engine.answer(q)
    warm = timed(engine.answer, MIX, args.rounds)
    fts = FtsBaseline(engine.conn())
    interps = {q: engine.interpret(q) for q in MIX}
    limits = {q: max(len(engine.answer(q).records), 1) for q in MIX}
    floor = timed(lambda q: fts.search(interps[q], limits[q]), MIX, args.rounds)
    env = {"UYGHUR_BOT_DB": str(tmp / "index.db"), "PATH": "/usr/bin:/bin"}

    def wall(cmd):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=True)
        return time.perf_counter() - t

    ask = [wall([sys.executable, "-m", "bot", "ask", "what did Canada do"]) for _ in range(args.runs)]
    bare = [wall([sys.executable, "-c", "pass"]) for _ in range(args.runs)]
    res = {
        "questions": len(MIX), "rounds": args.rounds,
        "engine_ms": {"p50": pct(warm, 50), "p99": pct(warm, 99), "max": max(warm)},
        "fair_fts5_ms": {"p50": pct(floor, 50), "p99": pct(floor, 99)},
        "process_s": {"ask_median": statistics.median(ask), "python_bare_median": statistics.median(bare)},
    }
    print(f"{'':28}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'engine.answer (warm)':28}{res['engine_ms']['p50']:10.3f}{res['engine_ms']['p99']:10.3f}")
    print(f"{'fair FTS5 baseline':28}{res['fair_fts5_ms']['p50']:10.3f}{res['fair_fts5_ms']['p99']:10.3f}")
    print(f"{'python -m bot ask':28}{'median':>10}{res['process_s']['ask_median']:9.3f}s")
    print(f"{'python -c pass':28}{'median':>10}{res['process_s']['python_bare_median']:9.3f}s")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
