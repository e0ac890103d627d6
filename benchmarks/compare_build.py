"""Index build time of this checkout against another commit, run in turns on the same data.

    .venv/bin/python benchmarks/compare_build.py --baseline HEAD~3 [--data DIR] [--runs 4]

This machine's speed drifts by 10% within half an hour, so a build time measured alone
says little about a change. The baseline is checked out in a temporary git worktree; the two
builds alternate, each in a fresh process, and the table gives wall time and the CPU time of
the main process and of the parsing workers. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Runs inside each checkout; prints wall seconds, main CPU and workers' CPU.
_CHILD = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, '.')
from bot.index import build as index
db = Path(sys.argv[2]); db.unlink(missing_ok=True)
t = time.perf_counter()
index.build(Path(sys.argv[1]), db)
wall = time.perf_counter() - t
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime)
"""


def _run(checkout: Path, data: Path, db: Path) -> tuple[float, float, float]:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(data), str(db)], cwd=checkout,
                         capture_output=True, text=True, check=True)
    wall, main, workers = map(float, out.stdout.split())
    return wall, main, workers


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--baseline", required=True, help="a commit to compare with (e.g. HEAD~3, a tag)")
    p.add_argument("--data", default=str(HERE / "out" / "work" / "data-100000"),
                   help="a data folder; bench_scale.py generates the default")
    p.add_argument("--runs", type=int, default=4, help="builds of each, alternating")
    args = p.parse_args()
    data = Path(args.data).resolve()
    if not (data / "records").is_dir():
        sys.exit(f"no data at {data}: run benchmarks/bench_scale.py first, or pass --data")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), args.baseline], cwd=ROOT, check=True)
        try:
            rows: dict[str, list] = {f"baseline ({args.baseline})": [], "this checkout": []}
            for _ in range(args.runs):
                for (name, runs), checkout in zip(rows.items(), (base, ROOT)):
                    runs.append(_run(checkout, data, Path(tmp) / "index.db"))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    print(f"{args.runs} builds each, alternating, of {data}\n")
    print("| build of | wall min | wall median | main CPU | workers' CPU |\n|---|---|---|---|---|")
    for name, runs in rows.items():
        wall, main_cpu, workers = zip(*runs)
        print(f"| {name} | {min(wall):.2f} s | {statistics.median(wall):.2f} s | "
              f"{statistics.median(main_cpu):.2f} s | {statistics.median(workers):.2f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
