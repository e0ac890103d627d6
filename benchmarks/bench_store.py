"""A moderator's one-record edit: its time at 20,000 records, and at 0, 10,000 and 50,000 history entries.

    .venv/bin/python benchmarks/bench_store.py [--baseline COMMIT] [--runs 3] [--out benchmarks/out/store.json]

Each figure is an edit made through `Store.propose` + `Store.apply` (what `python -m bot record
edit` and the Discord Confirm button run), timed inside a fresh process on a fresh copy of the
data: `first` is the first edit of that process (the command line's case: nothing cached),
`next` the median of the three edits after it on the same Store (the bot's case: one Store
for the life of the process). The median over --runs processes counts.

- scale: a dataset of 20,000 records from benchmarks/generate.py (in benchmarks/out/work/), an
  empty history;
- history: the shipped data/ with 0, 10,000 and 50,000 entries already in history.jsonl (edits
  of one record, each holding the record before and after, as real entries do), and the index
  of it (.history.jsonl.idx) that any earlier save leaves: one edit is made on each before the
  timing, by this checkout. (Without that index, the first save of a process reads the whole
  log once to build it: --no-index times that case.)

With --baseline the same edits also run on that commit (exported with `git archive` into a
temporary folder), in turns with this checkout, on the same data. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "out" / "work"

# Runs inside a checkout (cwd): one Store, four edits of one record; prints the four times.
_CHILD = """
import json, sys, time
sys.path.insert(0, '.')
from bot.dataset.store import Store
data, rid = sys.argv[1], sys.argv[2]
times = []
t0 = time.perf_counter()
store = Store(data)
for n in range(4):
    t = time.perf_counter() if n else t0
    rec = store.get("record", rid)
    after = dict(rec, title=f"Edited title {n}")
    store.apply([store.propose("record", "edit", rid, after)], "bench", "benchmark")
    times.append(time.perf_counter() - t)
print(json.dumps(times))
"""


def _edit_times(checkout: Path, pristine: Path, rid: str, history: Path | None) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(pristine, data, ignore=shutil.ignore_patterns(".*", "history.jsonl"))
        if history is not None:
            shutil.copy(history, data / "history.jsonl")
            if (index := history.with_name(f".{history.name}.idx")).exists():
                shutil.copy(index, data / ".history.jsonl.idx")
        os.sync()   # else the first fsync of the edit also writes out the copy just made
        out = subprocess.run([sys.executable, "-c", _CHILD, str(data), rid], cwd=checkout,
                             capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"the edit failed in {checkout}:\n{out.stderr}")
        return json.loads(out.stdout)


def _history(path: Path, entries: int, data: Path, rid: str, index: bool) -> Path:
    """history.jsonl with `entries` edits of record rid that leave it as it is (so no recovery runs),
    and with index, one real edit more that leaves the index a save keeps beside it."""
    sys.path.insert(0, str(ROOT))
    from bot.dataset.store import Store, revision

    rec = Store(data).get("record", rid)
    rev = revision(rec)
    with open(path, "w", encoding="utf-8") as fh:
        for seq in range(1, entries + 1):
            fh.write(json.dumps({"seq": seq, "at": "2026-01-01T00:00:00+00:00", "who": "bench", "action": "edit",
                                 "kind": "record", "target": rid, "file": "records/germany.yaml",
                                 "reason": "benchmark", "before": rec, "after": rec, "rev_before": rev,
                                 "rev_after": rev, "batch": None, "undoes": None, "extra": {}},
                                ensure_ascii=False, sort_keys=True) + "\n")
    if index:   # a save that changes nothing: the same revision, so no recovery runs in the timed edits
        with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
            copy = Path(tmp) / "data"
            shutil.copytree(data, copy, ignore=shutil.ignore_patterns(".*", "history.jsonl"))
            shutil.copy(path, copy / "history.jsonl")
            store = Store(copy)
            store.apply([store.propose("record", "edit", rid, store.get("record", rid))], "bench")
            shutil.copy(copy / "history.jsonl", path)
            shutil.copy(copy / ".history.jsonl.idx", path.with_name(f".{path.name}.idx"))
    return path


def _summary(runs: list[list[float]]) -> dict:
    if not runs:
        return {}
    first = [r[0] for r in runs]
    nxt = [statistics.median(r[1:]) for r in runs]
    return {"first_s": round(statistics.median(first), 4), "next_s": round(statistics.median(nxt), 4),
            "runs": runs}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--baseline", help="a commit to compare with (e.g. main, HEAD~3)")
    p.add_argument("--runs", type=int, default=3, help="fresh processes per figure (the median counts)")
    p.add_argument("--records", type=int, default=20_000)
    p.add_argument("--history", default="0,10000,50000", help="history sizes, comma-separated")
    p.add_argument("--parts", default="scale,history", help="which figures: scale, history or both")
    p.add_argument("--no-index", action="store_true", help="no .history.jsonl.idx beside the history")
    p.add_argument("--out", default=str(HERE / "out" / "store.json"))
    args = p.parse_args()
    sys.path.insert(0, str(HERE))
    from generate import generate

    scale = WORK / f"store-{args.records}"
    if "scale" in args.parts and not (scale / "records").is_dir():
        generate(args.records, scale)
    checkouts = {"this checkout": ROOT}
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        if args.baseline:
            base = Path(tmp) / "baseline"
            base.mkdir()
            archive = subprocess.run(["git", "archive", args.baseline], cwd=ROOT, capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
            checkouts = {f"baseline ({args.baseline})": base, **checkouts}
        scale_rid = "de-halt-deportations-2018"
        hist_rid = "de-halt-deportations-2018"
        sizes = [int(s) for s in args.history.split(",")]
        histories = {n: _history(Path(tmp) / f"history-{n}.jsonl", n, ROOT / "data", hist_rid, not args.no_index)
                     for n in sizes} if "history" in args.parts else {}
        results: dict = {name: {"scale": [], "history": {n: [] for n in sizes}} for name in checkouts}
        for _ in range(args.runs):   # in turns, so a drift of the machine's speed hits both alike
            for name, checkout in checkouts.items():
                if "scale" in args.parts:
                    results[name]["scale"].append(_edit_times(checkout, scale, scale_rid, None))
                for n in histories:
                    results[name]["history"][n].append(_edit_times(checkout, ROOT / "data", hist_rid, histories[n]))
    report = {name: {"scale": _summary(r["scale"]), "history": {n: _summary(v) for n, v in r["history"].items()}}
              for name, r in results.items()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"one-record edit, median of {args.runs} fresh processes (first edit / next edits on the same Store)\n")
    print(f"| code | {args.records:,} records | " + " | ".join(f"{n:,} history entries" for n in sizes) + " |")
    print("|---|---|" + "---|" * len(sizes))
    for name, r in report.items():
        cells = [f"{x['first_s']:.3f} / {x['next_s']:.3f} s" if x else "—"
                 for x in [r["scale"], *(r["history"][n] for n in sizes)]]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
