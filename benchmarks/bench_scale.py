"""The engine at 1,000 to 100,000 records beside fair baselines, and a one-record edit.

    .venv/bin/python benchmarks/bench_scale.py --out benchmarks/out/scale.json
    .venv/bin/python benchmarks/bench_scale.py --engine-root /tmp/before ...   # another checkout's bot/

For each of --sizes: generate a dataset (benchmarks/generate.py), build the index (the
median of --builds, each in a fresh process), and in another fresh process answer a fixed mix
of questions, autocomplete actor prefixes and run the two baselines of baselines.py (FTS5 and
bm25s, same words, same filters, as many results) on the same questions, with how many of the
engine's records each also returns. The freshness check's share is the time spent in
Engine.refresh during the timed answers over their total.
For each of --edit-sizes: in a running engine, rewrite one record file on disk (a word added
to one record, atomically, as the store writes) and time it to the first answer showing the
word, then a full build of the same data in the same process. Not part of the test suite.
See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the checkout under test: this one, or (for the "before" figures) another one's bot/
sys.path.insert(0, os.environ.get("BENCH_ENGINE_ROOT", str(HERE.parent)))

GOALS = {"answer_p99_ms": 25, "p99_vs_fts": 2, "fresh_share": 0.01, "edit_to_answer_s": 1, "rebuild_over_edit": 20}


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

    def word_near(share: float) -> str:
        """The word held by the number of records closest to this share of them."""
        n = conn.execute("select count(*) from records").fetchone()[0]
        return conn.execute("select word from terms where length(stem) > 4 order by abs(df - ?), stem limit 1",
                            (share * n,)).fetchone()[0]

    c, comp, comm = names("syn-coun-", 3), names("syn-comp-", 1)[0], names("syn-comm-", 1)[0]
    mix = [("actor", f"what did {c[0]} do"), ("actor", c[1]), ("actor", "what did Canada do"),
           ("actor", f"what has the {comm} done"),
           ("actor+year", f"{c[2]} in 2015"), ("actor+year", f"what did {comp} do in 2010"),
           ("actor+year", "UK sanctions in 2021"),
           ("type+year", "sanctions in 2021"), ("type+year", "import bans in 2005"),
           ("type+year", "how many genocide recognitions in 2019"),
           ("free text", "forced labour in cotton supply chains"), ("free text", "olympics boycott diplomats"),
           ("free text", "latest statements on detention camps"),
           ("free text", f"{word_near(0.005)} {word_near(0.001)}"), ("free text", f"what about {word_near(0.02)}"),
           ("typo", f"what did {_typo(c[0])} do"), ("typo", "what did Canda do"),
           ("no match", "zebra quantum pineapple"), ("no match", "what did Atlantis do about penguins")]
    prefixes = [n[:k] for n in (c[0], c[1], comp, "Canada", "United") for k in (1, 2, 3, 5)]
    return mix, prefixes + [_typo(c[0]), "Canda", "zzqx"]


def child_build(data: Path, db: Path) -> dict:
    from bot.index import build as index

    db.unlink(missing_ok=True)
    t = time.perf_counter()
    counts = index.build(data, db)
    import sqlite3

    stems = sqlite3.connect(db).execute("select count(*) from terms").fetchone()[0]
    return {"build_s": time.perf_counter() - t, "rss_build_mb": _rss_mb(), "db_mb": db.stat().st_size / 2**20,
            "counts": counts, "stems": stems}


def _timed_refresh(engine) -> list[float]:
    """Time each run of the freshness check every answer makes: LiveIndex._fresh (which updates
    the index when files changed), or in older checkouts Engine.refresh."""
    spent: list[float] = []
    target = getattr(engine, "live", engine)
    name = "_fresh" if hasattr(target, "_fresh") else "refresh"
    inner = getattr(target, name)

    def refresh(*a, **k):
        t = time.perf_counter_ns()
        try:
            return inner(*a, **k)
        finally:
            spent.append((time.perf_counter_ns() - t) / 1e6)
    setattr(target, name, refresh)
    return spent


def _overlap(a: list[str], b: list[str]) -> float | None:
    return len(set(a) & set(b)) / len(a) if a else None


def child_serve(data: Path, db: Path, reps: int, bm25_reps: int) -> dict:
    from baselines import Bm25sBaseline, FtsBaseline, content_words

    from bot.engine.engine import Engine
    from bot.engine.names import actor_choices

    t = time.perf_counter()
    engine = Engine(data, db)
    st = engine.state
    open_s = time.perf_counter() - t
    mix, prefixes = questions(engine.conn())
    for _, q in mix:                       # warm-up pass
        engine.answer(q)
    spent = _timed_refresh(engine)
    per_q: dict[str, list[float]] = {q: [] for _, q in mix}
    cpu: list[float] = []   # CPU time per answer: on a busy machine, closer to what a quiet one takes
    shown: dict[str, list[str]] = {}
    t_all = time.perf_counter_ns()
    for _ in range(reps):
        for _, q in mix:
            t, c = time.perf_counter_ns(), time.process_time_ns()
            shown[q] = [r["id"] for r in engine.answer(q).records]
            per_q[q].append((time.perf_counter_ns() - t) / 1e6)
            cpu.append((time.process_time_ns() - c) / 1e6)
    answering_ms = (time.perf_counter_ns() - t_all) / 1e6
    fresh = {"calls": len(spent), "ms_total": sum(spent), "share_of_answering": sum(spent) / answering_ms,
             "per_call": _stats(spent)}
    ac: list[float] = []
    for p in prefixes:
        actor_choices(engine, p)
    for _ in range(reps):
        for p in prefixes:
            t = time.perf_counter_ns()
            actor_choices(engine, p)
            ac.append((time.perf_counter_ns() - t) / 1e6)
    rss_serve = _rss_mb()                   # before the baselines load their own copies

    # the same job plainly: the engine's filters and content words, as many results as it shows
    conn = engine.conn()
    interps = {q: engine.interpret(q) for _, q in mix}
    limits = {q: max(len(shown[q]), 1) for _, q in mix}
    ids = dict(conn.execute("select rowid, id from records"))
    t = time.perf_counter()
    bm25s = Bm25sBaseline(conn)
    bm25_build = time.perf_counter() - t
    base: dict = {}
    for name, impl, n in (("fts", FtsBaseline(conn), reps), ("bm25s", bm25s, bm25_reps)):
        times, cpu_b, got = [], [], {}
        for _ in range(n):
            for _, q in mix:
                t, c = time.perf_counter_ns(), time.process_time_ns()
                got[q] = impl.search(interps[q], limits[q])
                times.append((time.perf_counter_ns() - t) / 1e6)
                cpu_b.append((time.process_time_ns() - c) / 1e6)
        overlap = {q: _overlap(shown[q], [ids[r] for r in got[q]]) for _, q in mix}
        known = [v for v in overlap.values() if v is not None]
        base[name] = {"ms": _stats(times), "cpu_ms": _stats(cpu_b), "overlap_per_question": overlap,
                      "overlap_mean": sum(known) / len(known) if known else None}
    answer = [x for xs in per_q.values() for x in xs]
    return {"records": st.n_records, "actors": len(st.actors), "open_s": open_s, "rss_serve_mb": rss_serve,
            "answer_ms": _stats(answer), "answer_cpu_ms": _stats(cpu), "ac_ms": _stats(ac), "fts_ms": base["fts"]["ms"],
            "bm25_ms": base["bm25s"]["ms"], "bm25_build_s": bm25_build, "baselines": base, "freshness": fresh,
            "content_words": {q: content_words(interps[q]) for _, q in mix},
            "per_question_p50_ms": {q: _pct(xs, 50) for q, xs in per_q.items()},
            "mix": [{"kind": k, "q": q} for k, q in mix], "prefixes": prefixes}


def _edit_one(path: Path, rid: str, word: str) -> None:
    """Rewrite one record file with a word added to that record's body, atomically, as the store
    saves. (Benchmark code on files generate.py wrote: every generated record has a body.)"""
    from bot.files import atomic_write

    text = path.read_text(encoding="utf-8")
    head = '\n  body: "'
    at = text.index(head, text.index(f"- id: {rid}\n")) + len(head)
    atomic_write(path, text[:at] + f"{word} " + text[at:])


def child_edit(data: Path, db: Path, edits: int) -> dict:
    """A one-record edit on disk and the time to the first answer that shows it, against a full
    rebuild of the same data, in one process."""
    from bot.engine.engine import Engine
    from bot.index.build import build

    engine = Engine(data, db, strict=False)
    engine.answer("what did Canada do")
    files = sorted((data / "records").glob("gen-*.yaml"))
    path = files[len(files) // 2]
    ids = re.findall(r"^- id: (\S+)$", path.read_text(encoding="utf-8"), re.M)
    rid = ids[len(ids) // 2]
    spent = _timed_refresh(engine)
    runs = []
    for n in range(edits):
        rng = random.Random(f"{os.getpid()}-{n}")   # far from every other word, or it is taken for a typo
        word = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(14))
        assert not engine.answer(word).records
        spent.clear()
        t0 = time.perf_counter()
        _edit_one(path, rid, word)
        t1 = time.perf_counter()
        answers = 0
        while True:
            answers += 1
            if any(r["id"] == rid for r in engine.answer(word).records):
                break
        t2 = time.perf_counter()
        runs.append({"write_s": t1 - t0, "to_answer_s": t2 - t1, "edit_to_answer_s": t2 - t0,
                     "index_s": max(spent) / 1000, "answers_tried": answers})
        time.sleep(0.5)
    t = time.perf_counter()
    build(data, db.with_name(db.name + ".full"))
    full = time.perf_counter() - t
    db.with_name(db.name + ".full").unlink()
    med = {k: sorted(r[k] for r in runs)[len(runs) // 2] for k in runs[0]}
    return {"records": engine.state.n_records, "file": str(path.relative_to(data)), "record": rid,
            "runs": runs, "median": med, "full_build_s": full,
            "rebuild_over_edit": full / med["edit_to_answer_s"], "rss_mb": _rss_mb()}


def _child(args, mode: str, data: Path, db: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--data", str(data), "--db", str(db),
           "--reps", str(args.reps), "--bm25-reps", str(args.bm25_reps), "--edits", str(args.edits)]
    env = dict(os.environ, BENCH_ENGINE_ROOT=str(Path(args.engine_root).resolve()))
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _row(n: int, r: dict) -> dict:
    a, f, b = r["answer_ms"], r["fts_ms"], r["bm25_ms"]
    return {"n": n, **{k: r[k] for k in ("records", "actors", "files", "stems", "build_s", "db_mb", "rss_build_mb",
                                         "rss_serve_mb", "open_s", "bm25_build_s")},
            "answer_p50": a["p50"], "answer_p95": a["p95"], "answer_p99": a["p99"],
            "ac_p50": r["ac_ms"]["p50"], "ac_p95": r["ac_ms"]["p95"], "ac_p99": r["ac_ms"]["p99"],
            "fts_p50": f["p50"], "fts_p99": f["p99"], "bm25_p50": b["p50"], "bm25_p99": b["p99"],
            "cpu_p50": r["answer_cpu_ms"]["p50"], "cpu_p99": r["answer_cpu_ms"]["p99"],
            "fts_cpu_p99": r["baselines"]["fts"]["cpu_ms"]["p99"],
            "fts_overlap": r["baselines"]["fts"]["overlap_mean"], "bm25_overlap": r["baselines"]["bm25s"]["overlap_mean"],
            "fresh_share": r["freshness"]["share_of_answering"],
            "p99_vs_fts": a["p99"] / f["p99"], "p50_vs_bm25": a["p50"] / b["p50"]}


COLUMNS = [("records", "{:>7}"), ("stems", "{:>7}"), ("build_s", "{:>7.2f}"), ("db_mb", "{:>6.1f}"),
           ("rss_build_mb", "{:>7.0f}"), ("rss_serve_mb", "{:>7.0f}"), ("answer_p50", "{:>6.2f}"),
           ("answer_p99", "{:>6.2f}"), ("fts_p50", "{:>6.2f}"), ("fts_p99", "{:>6.2f}"), ("fts_overlap", "{:>5.2f}"),
           ("bm25_p50", "{:>6.2f}"), ("bm25_p99", "{:>6.2f}"), ("bm25_overlap", "{:>5.2f}"),
           ("p99_vs_fts", "{:>5.2f}"), ("cpu_p50", "{:>6.2f}"), ("cpu_p99", "{:>6.2f}"), ("fts_cpu_p99", "{:>6.2f}"),
           ("fresh_share", "{:>6.2%}"), ("ac_p50", "{:>6.2f}"), ("ac_p99", "{:>6.2f}")]
EDIT_COLUMNS = [("records", "{:>7}"), ("write_s", "{:>6.3f}"), ("index_s", "{:>6.3f}"), ("to_answer_s", "{:>6.3f}"),
                ("edit_to_answer_s", "{:>6.3f}"), ("full_build_s", "{:>6.2f}"), ("rebuild_over_edit", "{:>6.1f}")]


def table(rows: list[dict], columns=COLUMNS) -> str:
    head = " | ".join(c for c, _ in columns)
    lines = [f"| {head} |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(fmt.format(r[c]).strip() if r.get(c) is not None else "–" for c, fmt in columns) + " |"
              for r in rows]
    return "\n".join(lines)


def _dataset(work: Path, n: int) -> tuple[Path, Path, dict]:
    from generate import generate

    data, db = work / f"data-{n}", work / f"index-{n}.db"
    t = time.perf_counter()
    info = generate(n, data)
    info["gen_s"] = time.perf_counter() - t
    os.sync()   # so the first build does not also wait for the generated files to reach the disk
    return data, db, info


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,10000,100000", help="sizes for answers and baselines ('' for none)")
    p.add_argument("--edit-sizes", default="20000,100000", help="sizes for the one-record edit ('' for none)")
    p.add_argument("--out", default=str(HERE / "out" / "scale.json"))
    p.add_argument("--work", default=str(HERE / "out" / "work"), help="where generated data and indexes go")
    p.add_argument("--engine-root", default=str(HERE.parent),
                   help="the checkout whose bot/ is measured (a worktree of an older commit: the 'before')")
    p.add_argument("--reps", type=int, default=20, help="timed passes over the question mix")
    p.add_argument("--bm25-reps", type=int, default=5, help="timed passes of the bm25s baseline")
    p.add_argument("--builds", type=int, default=3, help="index builds per size; the median is reported")
    p.add_argument("--edits", type=int, default=3, help="one-record edits per size; the median is reported")
    p.add_argument("--child", choices=("build", "serve", "edit"), help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        data, db = Path(args.data), Path(args.db)
        fn = {"build": lambda: child_build(data, db), "serve": lambda: child_serve(data, db, args.reps, args.bm25_reps),
              "edit": lambda: child_edit(data, db, args.edits)}[args.child]
        print(json.dumps(fn()))
        return 0

    work, rows, edits = Path(args.work), [], []
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
               "processor": platform.processor() or platform.machine(), "engine_root": args.engine_root,
               "load_at_start": os.getloadavg()}
    for n in (int(x) for x in args.sizes.split(",") if x):
        data, db, info = _dataset(work, n)
        r = {"gen_s": info["gen_s"], "files": info["files"], "generated": info}
        # the median of several builds, each in a fresh process: one build varies by ±5% here
        builds = [_child(args, "build", data, db) for _ in range(args.builds)]
        r.update(sorted(builds, key=lambda b: b["build_s"])[len(builds) // 2])
        r["build_runs_s"] = [b["build_s"] for b in builds]
        r.update(_child(args, "serve", data, db))
        rows.append({**_row(n, r), "gen_s": info["gen_s"], "detail": r})
        print(f"{n:>7}: {r['stems']} stems, built in {r['build_s']:.2f}s, answer p99 {r['answer_ms']['p99']:.2f} ms, "
              f"fair FTS5 p99 {r['fts_ms']['p99']:.2f} ms", file=sys.stderr)
    for n in (int(x) for x in args.edit_sizes.split(",") if x):
        data, db, info = _dataset(work, n)
        _child(args, "build", data, db)       # a bot starts on a built index
        e = _child(args, "edit", data, db)
        edits.append({"n": n, "records": e["records"], **e["median"], "full_build_s": e["full_build_s"],
                      "rebuild_over_edit": e["rebuild_over_edit"], "detail": e})
        print(f"{n:>7}: edit to answer {e['median']['edit_to_answer_s']:.3f}s, full build {e['full_build_s']:.2f}s",
              file=sys.stderr)
    machine["load_at_end"] = os.getloadavg()
    result = {"machine": machine, "goals_at_largest": GOALS, "rows": rows, "edits": edits}
    if rows:
        last = rows[-1]
        result["goals_met"] = {"answer_p99_ms": last["answer_p99"] <= GOALS["answer_p99_ms"],
                               "p99_vs_fts": last["p99_vs_fts"] <= GOALS["p99_vs_fts"],
                               "fresh_share": last["fresh_share"] <= GOALS["fresh_share"]}
        print(table(rows))
    if edits:
        result["edit_goals_met"] = {"edit_to_answer_s": edits[-1]["edit_to_answer_s"] <= GOALS["edit_to_answer_s"],
                                    "rebuild_over_edit": edits[-1]["rebuild_over_edit"] >= GOALS["rebuild_over_edit"]}
        print(table(edits, EDIT_COLUMNS))
    print("goals:", {**result.get("goals_met", {}), **result.get("edit_goals_met", {})}, "load", machine["load_at_start"],
          machine["load_at_end"])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
