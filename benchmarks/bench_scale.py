"""The engine on 1,000 to 100,000 records, side by side with a plain BM25 search and raw FTS5.

    .venv/bin/python benchmarks/bench_scale.py --sizes 1000,10000,100000 --out benchmarks/out/scale.json

For each size: generate a dataset (benchmarks/generate.py), then build the index three
times, each in a fresh process (the median counts), and in another fresh process answer a
fixed mix of questions, autocomplete actor prefixes and run both baselines on the same
records and questions. Peak memory is each process's own maximum RSS. Not part of the test
suite. See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

GOALS = {"build_s": 10, "answer_p99_ms": 25, "ac_p99_ms": 5, "rss_mb": 200, "vs_bm25": 10, "vs_fts": 20}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def _stats(xs: list[float]) -> dict:
    return {"p50": _pct(xs, 50), "p95": _pct(xs, 95), "p99": _pct(xs, 99), "n": len(xs)}


def _typo(name: str) -> str:
    """Two neighbouring letters swapped in the longest word: one edit for the fuzzy matcher."""
    w = max(name.split(), key=len)
    i = len(w) // 2
    return name.replace(w, w[:i - 1] + w[i] + w[i - 1] + w[i + 1:], 1)


def questions(conn) -> tuple[list[tuple[str, str]], list[str]]:
    """The fixed mix, with invented names taken from the dataset in id order."""
    def names(prefix: str, k: int) -> list[str]:
        rows = conn.execute("select name from actors where id like ? order by id limit ?", (prefix + "%", k))
        return [r[0] for r in rows]

    c, comp, comm = names("syn-coun-", 3), names("syn-comp-", 1)[0], names("syn-comm-", 1)[0]
    mix = [("actor", f"what did {c[0]} do"), ("actor", c[1]), ("actor", "what did Canada do"),
           ("actor", f"what has the {comm} done"),
           ("actor+year", f"{c[2]} in 2015"), ("actor+year", f"what did {comp} do in 2010"),
           ("actor+year", "UK sanctions in 2021"),
           ("type+year", "sanctions in 2021"), ("type+year", "import bans in 2005"),
           ("type+year", "how many genocide recognitions in 2019"),
           ("free text", "forced labour in cotton supply chains"), ("free text", "olympics boycott diplomats"),
           ("free text", "latest statements on detention camps"),
           ("typo", f"what did {_typo(c[0])} do"), ("typo", "what did Canda do"),
           ("no match", "zebra quantum pineapple"), ("no match", "what did Atlantis do about penguins")]
    prefixes = [n[:k] for n in (c[0], c[1], comp, "Canada", "United") for k in (1, 2, 3, 5)]
    return mix, prefixes + [_typo(c[0]), "Canda", "zzqx"]


def child_build(data: Path, db: Path) -> dict:
    from bot.index import build as index

    db.unlink(missing_ok=True)
    t = time.perf_counter()
    counts = index.build(data, db)
    return {"build_s": time.perf_counter() - t, "rss_build_mb": _rss_mb(), "db_mb": db.stat().st_size / 2**20,
            "counts": counts}


def child_serve(data: Path, db: Path, reps: int, bm25_reps: int) -> dict:
    from bot.engine.engine import Engine
    from bot.engine.names import actor_choices

    t = time.perf_counter()
    engine = Engine(data, db)
    st = engine.state
    open_s = time.perf_counter() - t
    mix, prefixes = questions(engine.conn())
    for _, q in mix:                       # warm-up pass
        engine.answer(q)
    per_q: dict[str, list[float]] = {q: [] for _, q in mix}
    for _ in range(reps):
        for _, q in mix:
            t = time.perf_counter_ns()
            engine.answer(q)
            per_q[q].append((time.perf_counter_ns() - t) / 1e6)
    ac: list[float] = []
    for p in prefixes:
        actor_choices(engine, p)
    for _ in range(reps):
        for p in prefixes:
            t = time.perf_counter_ns()
            actor_choices(engine, p)
            ac.append((time.perf_counter_ns() - t) / 1e6)
    rss_serve = _rss_mb()                   # before the baselines load their own copies

    # the floor: the FTS5 query our search rests on, the question's words OR-ed and quoted
    conn = engine.conn()
    fts: list[float] = []
    fts_q = {q: " OR ".join('"' + w.replace('"', '""') + '"' for w in re.findall(r"\w+", q.lower())) for _, q in mix}
    for _ in range(reps):
        for _, q in mix:
            t = time.perf_counter_ns()
            conn.execute("select rowid from records_fts where records_fts match ? order by rank limit 50",
                         (fts_q[q],)).fetchall()
            fts.append((time.perf_counter_ns() - t) / 1e6)

    # a plain BM25 search over title + summary, top 10
    import numpy as np
    from rank_bm25 import BM25Okapi

    t = time.perf_counter()
    docs = [re.findall(r"\w+", f"{a} {b}".lower()) for a, b in conn.execute("select title, summary from records")]
    bm25 = BM25Okapi(docs)
    bm25_build = time.perf_counter() - t
    del docs
    bm: list[float] = []
    for _ in range(bm25_reps):
        for _, q in mix:
            t = time.perf_counter_ns()
            np.argsort(bm25.get_scores(re.findall(r"\w+", q.lower())))[::-1][:10]
            bm.append((time.perf_counter_ns() - t) / 1e6)
    answer = [x for xs in per_q.values() for x in xs]
    return {"records": st.n_records, "actors": len(st.actors), "open_s": open_s, "rss_serve_mb": rss_serve,
            "answer_ms": _stats(answer), "ac_ms": _stats(ac), "fts_ms": _stats(fts), "bm25_ms": _stats(bm),
            "bm25_build_s": bm25_build,
            "per_question_p50_ms": {q: _pct(xs, 50) for q, xs in per_q.items()},
            "mix": [{"kind": k, "q": q} for k, q in mix], "prefixes": prefixes}


def _child(args, mode: str, n: int, data: Path, db: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--data", str(data), "--db", str(db),
           "--reps", str(args.reps), "--bm25-reps", str(args.bm25_reps)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _row(n: int, r: dict) -> dict:
    a, f, b = r["answer_ms"], r["fts_ms"], r["bm25_ms"]
    return {"n": n, **{k: r[k] for k in ("records", "actors", "files", "build_s", "db_mb", "rss_build_mb",
                                         "rss_serve_mb", "open_s", "bm25_build_s")},
            "answer_p50": a["p50"], "answer_p95": a["p95"], "answer_p99": a["p99"],
            "ac_p50": r["ac_ms"]["p50"], "ac_p95": r["ac_ms"]["p95"], "ac_p99": r["ac_ms"]["p99"],
            "fts_p50": f["p50"], "fts_p99": f["p99"], "bm25_p50": b["p50"], "bm25_p99": b["p99"],
            "vs_bm25": b["p50"] / a["p50"], "vs_fts": a["p50"] / f["p50"]}


COLUMNS = [("records", "{:>7}"), ("build_s", "{:>7.2f}"), ("db_mb", "{:>6.1f}"), ("rss_build_mb", "{:>7.0f}"),
           ("rss_serve_mb", "{:>7.0f}"), ("answer_p50", "{:>6.2f}"), ("answer_p95", "{:>6.2f}"),
           ("answer_p99", "{:>6.2f}"), ("ac_p50", "{:>6.2f}"), ("ac_p99", "{:>6.2f}"), ("fts_p50", "{:>6.2f}"),
           ("bm25_p50", "{:>8.1f}"), ("vs_bm25", "{:>7.1f}"), ("vs_fts", "{:>6.1f}")]


def table(rows: list[dict]) -> str:
    head = " | ".join(c for c, _ in COLUMNS)
    lines = [f"| {head} |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(fmt.format(r[c]).strip() for c, fmt in COLUMNS) + " |" for r in rows]
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--out", default=str(HERE / "out" / "scale.json"))
    p.add_argument("--work", default=str(HERE / "out" / "work"), help="where generated data and indexes go")
    p.add_argument("--reps", type=int, default=20, help="timed passes over the question mix")
    p.add_argument("--bm25-reps", type=int, default=2, help="BM25 is slow: fewer passes")
    p.add_argument("--builds", type=int, default=3, help="index builds per size; the median is reported")
    p.add_argument("--child", choices=("build", "serve"), help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        fn = child_build(Path(args.data), Path(args.db)) if args.child == "build" else \
            child_serve(Path(args.data), Path(args.db), args.reps, args.bm25_reps)
        print(json.dumps(fn))
        return 0

    from generate import generate

    work, rows = Path(args.work), []
    for n in (int(x) for x in args.sizes.split(",")):
        data, db = work / f"data-{n}", work / f"index-{n}.db"
        t = time.perf_counter()
        info = generate(n, data)
        gen_s = time.perf_counter() - t
        os.sync()   # so the first build does not also wait for the generated files to reach the disk
        r = {"gen_s": gen_s, "files": len(list((data / "records").glob("*.yaml")))}
        # the median of several builds, each in a fresh process: one build varies by ±5% here
        builds = [_child(args, "build", n, data, db) for _ in range(args.builds)]
        r.update(sorted(builds, key=lambda b: b["build_s"])[len(builds) // 2])
        r["build_runs_s"] = [b["build_s"] for b in builds]
        r.update(_child(args, "serve", n, data, db))
        rows.append({**_row(n, r), "gen_s": gen_s, "detail": r})
        print(f"{n:>7}: generated in {gen_s:.1f}s ({info['actors']} actors), built in {r['build_s']:.2f}s, "
              f"answer p99 {r['answer_ms']['p99']:.2f} ms", file=sys.stderr)
    first, last = rows[0], rows[-1]
    growth = {"records_x": last["records"] / first["records"],
              "answer_p50_x": last["answer_p50"] / first["answer_p50"],
              "answer_p99_x": last["answer_p99"] / first["answer_p99"],
              "ac_p99_x": last["ac_p99"] / first["ac_p99"]}
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
               "processor": platform.processor() or platform.machine()}
    result = {"machine": machine, "goals_at_largest": GOALS, "rows": rows, "growth": growth}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(table(rows))
    print(f"\nfrom {first['records']} to {last['records']} records ({growth['records_x']:.0f}x): answer p50 "
          f"{growth['answer_p50_x']:.1f}x, p99 {growth['answer_p99_x']:.1f}x, autocomplete p99 {growth['ac_p99_x']:.1f}x")
    checks = {"build_s": last["build_s"] <= GOALS["build_s"], "answer_p99_ms": last["answer_p99"] <= GOALS["answer_p99_ms"],
              "ac_p99_ms": last["ac_p99"] <= GOALS["ac_p99_ms"],
              "rss_mb": max(last["rss_build_mb"], last["rss_serve_mb"]) <= GOALS["rss_mb"],
              "vs_bm25": last["vs_bm25"] >= GOALS["vs_bm25"], "vs_fts": last["vs_fts"] <= GOALS["vs_fts"]}
    print("goals at", last["records"], "records:", ", ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in checks.items()))
    result["goals_met"] = checks
    Path(args.out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
