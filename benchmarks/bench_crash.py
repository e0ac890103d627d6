"""Crash and concurrency torture of the moderators' store, with real processes and real SIGKILLs.

    .venv/bin/python benchmarks/bench_crash.py [--changes 200] [--writers 8] [--edits 50] [--seed 1]

1. Mixed changes: a driver process makes `--changes` changes to a copy of tests/data_frozen/
   (adds, edits, removals, undos and imports of a handful of records across several files), one
   after another, printing each as it starts and when it is saved. It is killed with SIGKILL at
   random moments, and also exactly at each stage of a save (after the journal, between two data
   files, after the history), then started again. After every kill the next start's recovery
   runs, and the folder is checked: no torn or invalid file, no temporary file left, every saved
   change in the history, and the history, replayed from the start, giving exactly the records
   and actors the files hold (so nothing lost, nothing resurrected, nothing unlogged).
2. Concurrent writers: `--writers` processes each make `--edits` edits to three records at
   once, each edit based on the revision it read, retrying when another writer got there first;
   every fifth edit is also tried once on a revision known to be stale, which must be refused.
   Then every record's history must be one unbroken chain of revisions, holding every edit a
   writer was told was saved, and no stale edit.

Prints a table and writes JSON (--out). tests/test_data_safety.py runs it with small numbers.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.dataset.change import ChangeRefused, Conflict, revision  # noqa: E402
from bot.dataset.schema import errors_only, load_dataset  # noqa: E402
from bot.dataset.store import Store  # noqa: E402
from bot.dataset.transfer import apply_import, export_text, plan_import  # noqa: E402
from bot.dataset.yaml_edit import dump_list  # noqa: E402
from bot.dataset.yamlio import load_text  # noqa: E402

FROZEN = ROOT / "tests" / "data_frozen"
# records the driver plays with, spread over several files, and passages its new records cite
POOL = ["de-halt-deportations-2018", "de-religious-freedom-commissioner-concern-2020", "ca-coordinated-sanctions-2021",
        "g7-trade-ministers-forced-labour-statement-2021"]
PASSAGES = [("Germany", 1), ("Canada", 2), ("Multilateral Action", 3), ("Japan", 1)]
STAGES = ("journal", "file", "history")


# --------------------------------------------------------------------------- the driver (a child process)

def _op(store: Store, i: int, seed: int) -> list[int]:
    """Change number i: which one depends only on the seed, i and what the data holds."""
    rng = random.Random(seed * 100_003 + i)
    kind = rng.choices(["add", "edit", "remove", "undo", "import"], [3, 4, 2, 2, 1])[0]
    ids = sorted(r["id"] for r in store.all_records() if r["id"] in POOL or r["id"].startswith("crash-"))
    who = f"crash:{i}"
    if kind == "add" or not ids:
        section, item = rng.choice(PASSAGES)
        rec = {"id": f"crash-{i}", "title": f"Added by change {i}", "summary": f"Change {i} added this.",
               "actors": ["germany"], "types": ["statements"],
               "sources": [{"document": "uhrp-responses", "section": section, "item": item}]}
        return [e.seq for e in store.apply([store.propose("record", "add", rec["id"], rec)], who)]
    target = rng.choice(ids)
    if kind == "edit":
        rec = store.get("record", target)
        change = store.propose("record", "edit", target, dict(rec, title=f"Edited by change {i}"), revision(rec))
        return [e.seq for e in store.apply([change], who)]
    if kind == "remove":
        return [e.seq for e in store.apply([store.propose("record", "remove", target)], who)]
    if kind == "undo":
        return [store.undo("record", target, who).seq]
    records, retitled = load_text(export_text(store), "export.yaml"), set(rng.sample(ids, min(3, len(ids))))
    for rec in records:
        if rec["id"] in retitled:
            rec["title"] = f"Imported by change {i}"
    records = [r for r in records if r["id"] != target]
    section, item = rng.choice(PASSAGES)
    records.append({"id": f"crash-{i}", "title": f"Imported by change {i}", "summary": "An imported record.",
                    "actors": ["canada"], "types": ["statements"],
                    "sources": [{"document": "uhrp-responses", "section": section, "item": item}]})
    return [e.seq for e in apply_import(store, plan_import(store, dump_list(records)), who)]


def driver(data: str, seed: int, start: int, stop: int, crash_op: int, crash_stage: str) -> None:
    store = Store(data)
    store.recover()
    for i in range(start, stop):
        if i == crash_op:
            store.pause = lambda stage: stage == crash_stage and os.kill(os.getpid(), signal.SIGKILL)
        print(f"start {i}", flush=True)
        try:
            seqs = _op(store, i, seed)
            print(f"done {i} {' '.join(map(str, seqs))}", flush=True)
        except (ChangeRefused, Conflict) as exc:
            print(f"refused {i} {exc}".replace("\n", " "), flush=True)
        store.pause = None


def writer(data: str, w: int, edits: int, ids: list[str]) -> None:
    store, rng = Store(data), random.Random(w)
    stale = None
    for n in range(edits):
        rid = rng.choice(ids)
        if n % 5 == 4 and stale:   # a revision another edit has since replaced
            old_rid, old_rec = stale
            try:
                store.apply([store.propose("record", "edit", old_rid, dict(old_rec, title=f"stale w{w}-{n}"),
                                           revision(old_rec))], f"writer:{w}")
                print(f"stale-accepted {old_rid}", flush=True)
            except Conflict:
                print("stale-refused", flush=True)
        while True:
            rec = store.get("record", rid)
            title = f"Writer {w} edit {n}"
            try:
                [e] = store.apply([store.propose("record", "edit", rid, dict(rec, title=title), revision(rec))],
                                  f"writer:{w}")
                print(f"ok {rid} {e.seq} {title}", flush=True)
                stale = (rid, rec)
                break
            except Conflict:
                print("retry", flush=True)


class Child:
    """A real process forked from this one (so it starts without importing anything again),
    running target(*args) with its prints sent back through a pipe; SIGKILL ends it like any."""

    def __init__(self, target, *args):
        r, w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:   # the child
            os.close(r)
            sys.stdout = os.fdopen(w, "w", buffering=1)
            code = 0
            try:
                target(*args)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                os._exit(code)
        os.close(w)
        self.stdout, self.code = os.fdopen(r), None

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)

    def wait(self) -> int:
        """Its exit code, or minus the signal that ended it (as subprocess has it)."""
        if self.code is None:
            status = os.waitpid(self.pid, 0)[1]
            self.code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            self.stdout.close()
        return self.code


# --------------------------------------------------------------------------- the checks (the parent)

def _state(data: Path) -> dict:
    store = Store(data)
    out = {("record", r["id"]): revision(r) for r in store.all_records()}
    out.update({("actor", a["id"]): revision(a) for a in _actors(data)})
    return out


def _actors(data: Path) -> list[dict]:
    return [dict(a) for a in load_text((data / "actors.yaml").read_text(encoding="utf-8"), "actors.yaml")]


def check_folder(data: Path, initial: dict, saved: set[int]) -> dict:
    """Recover as the next start would, then compare the files with the history."""
    store = Store(data)
    recovered = store.recover()
    problems = [str(p) for p in errors_only(load_dataset(data)[1])]
    junk = [str(p) for p in data.rglob(".*.tmp")] + ([".pending.json"] if (data / ".pending.json").exists() else [])
    entries = store.history.entries()
    replay = dict(initial)
    for e in entries:
        if e.action != "conflict":
            replay[(e.kind, e.target)] = e.rev_after
    now = _state(data)
    differ = sorted(f"{k[0]} {k[1]}: history {replay.get(k)} files {now.get(k)}"
                    for k in set(replay) | set(now) if replay.get(k) != now.get(k))
    seqs = {e.seq for e in entries}
    return {"torn": problems + junk, "history_mismatch": differ, "lost": sorted(saved - seqs),
            "conflicts": sum(e.action == "conflict" for e in entries), "recovered": len(recovered),
            "duplicate_seqs": len(entries) - len(seqs)}


def mixed(work: Path, changes: int, seed: int) -> dict:
    data = work / "mixed"
    shutil.copytree(FROZEN, data, ignore=shutil.ignore_patterns(".*", "history.jsonl"))
    initial, rng = _state(data), random.Random(seed)
    saved: set[int] = set()
    report = {"changes": changes, "saved": 0, "refused": 0, "kills": 0, "stage_kills": dict.fromkeys(STAGES, 0),
              "torn": 0, "lost": 0, "history_mismatch": 0, "conflicts": 0, "recovered": 0, "failures": [],
              "refusals": []}
    start, runs, staged = 0, 0, 0
    while start < changes:
        crash_op, stage, runs = -1, "", runs + 1
        if runs <= len(STAGES) or runs % 2:   # die exactly at a stage of a save (each in turn), else at random
            crash_op, stage, staged = start + rng.randrange(2, 6), STAGES[staged % len(STAGES)], staged + 1
        proc = Child(driver, str(data), seed, start, changes, crash_op, stage)
        deadline = None if stage else time.monotonic() + rng.uniform(0.02, 0.3)
        last = start - 1
        for line in proc.stdout:
            word, i, *rest = line.split()
            last = max(last, int(i))
            if word == "done":
                saved.update(int(s) for s in rest)
                report["saved"] += 1
            elif word == "refused":
                report["refused"] += 1
                report["refusals"].append(" ".join(rest)[:200])
            if deadline and time.monotonic() > deadline:
                time.sleep(rng.uniform(0, 0.02))
                proc.kill()
                break
        if proc.wait() == -signal.SIGKILL:
            report["kills"] += 1
            if stage and last == crash_op:
                report["stage_kills"][stage] += 1
        found = check_folder(data, initial, saved)
        for key in ("torn", "history_mismatch", "lost"):
            report[key] += len(found[key])
            if found[key]:
                report["failures"].append({"after_change": last, key: found[key][:5]})
        report["recovered"] += found["recovered"]
        report["conflicts"] = found["conflicts"]
        start = last + 1
    return report


def start_writers(work: Path, n: int, edits: int) -> tuple:
    """The writers, started (they run while the mixed changes do: another folder)."""
    data = work / "writers"
    shutil.copytree(FROZEN, data, ignore=shutil.ignore_patterns(".*", "history.jsonl"))
    ids = POOL[:3]
    first = {rid: revision(Store(data).get("record", rid)) for rid in ids}
    procs = [Child(writer, str(data), w, edits, ids) for w in range(n)]
    return data, ids, first, procs, n, edits


def writers(data: Path, ids: list[str], first: dict, procs: list, n: int, edits: int) -> dict:
    lines = []
    for proc in procs:
        out = proc.stdout.read()
        proc.wait()
        lines += [line.split(maxsplit=3) for line in out.splitlines()]
    ok = [x for x in lines if x[0] == "ok"]
    store = Store(data)
    broken, missing = [], []
    for rid in ids:
        chain = store.history.for_target("record", rid)
        rev = first[rid]
        for e in chain:
            if e.rev_before != rev:
                broken.append(f"{rid} #{e.seq}: based on {e.rev_before}, the record was {rev}")
            rev = e.rev_after
        if revision(store.get("record", rid)) != rev:
            broken.append(f"{rid}: the file is not the history's last revision")
        titles = {e.after["title"] for e in chain}
        missing += [f"{rid}: {t}" for r, _, t in ((x[1], x[2], x[3]) for x in ok) if r == rid and t not in titles]
    return {"writers": n, "edits_each": edits, "saved": len(ok), "history_entries": len(store.history.entries()),
            "retries": sum(x[0] == "retry" for x in lines), "stale_tried": sum(x[0].startswith("stale") for x in lines),
            "stale_accepted": sum(x[0] == "stale-accepted" for x in lines), "broken_chain": broken,
            "lost": missing + ([f"{n * edits - len(ok)} edits never reported saved"] if len(ok) != n * edits else [])}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--changes", type=int, default=200)
    p.add_argument("--writers", type=int, default=8)
    p.add_argument("--edits", type=int, default=50)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "out" / "crash.json"))
    p.add_argument("--tmp", help="where the data copies go (default: the system's temporary folder); a SIGKILL "
                                 "loses nothing the kernel has, so a RAM disk (/dev/shm) tests the same, faster")
    args = p.parse_args()
    logging.basicConfig(level=logging.ERROR)   # recovery's warnings: counted in the report instead
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-crash-", dir=args.tmp) as tmp:
        started = start_writers(Path(tmp), args.writers, args.edits)
        report = {"mixed": mixed(Path(tmp), args.changes, args.seed), "concurrent": writers(*started)}
    report["seconds"] = round(time.perf_counter() - t0, 1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    m, c = report["mixed"], report["concurrent"]
    print(f"mixed: {m['changes']} changes ({m['saved']} saved, {m['refused']} refused), {m['kills']} SIGKILLs "
          f"({', '.join(f'{k} {v}' for k, v in m['stage_kills'].items())} at a save's stages), "
          f"{m['recovered']} recovered entries: torn {m['torn']}, lost {m['lost']}, "
          f"history ≠ files {m['history_mismatch']}, conflicts {m['conflicts']}")
    print(f"concurrent: {c['writers']} writers × {c['edits_each']} edits: {c['saved']} saved, "
          f"{c['history_entries']} in the history, {c['retries']} retries after a conflict, "
          f"{c['stale_tried']} stale edits tried, {c['stale_accepted']} accepted; "
          f"broken chains {len(c['broken_chain'])}, lost {len(c['lost'])}")
    print(f"{report['seconds']} s; wrote {args.out}")
    bad = m["torn"] or m["lost"] or m["history_mismatch"] or c["stale_accepted"] or c["broken_chain"] or c["lost"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
