"""How long the whole-zoo study would take: every system of the zoo that a method applies to, every registered method,
3 seeds, on 1, 8 and 64 workers, projected from per-job times measured in a real run of the benchmark.

Each job's time is its wall time in a serial run: the gap between its `finished` timestamp and the previous one in the
store (1 s resolution; it includes the data, the fit, the forecasts and the scoring). A method's time on a flow of the zoo
is the mean of its jobs on the measured flows (1 s stamps: the mean, not the median, adds up), on a map the mean on the measured maps (all its jobs where none was
measured). Methods absent from the run take `--extra NAME=SECONDS` (Mamba and the zero-shot models, left out of the stored default suite: their job times in a serial one-seed run on Lorenz-63: Mamba 39 s with 16 windows a step (7 Dec 2026; 59 s with 32 on 6 Dec), the zero-shot models 2 s (6 Dec)).
The jobs are then placed on W identical workers, longest first, each on the worker that is free first (LPT list
scheduling; within 4/3 of the best possible makespan), and the makespan is printed beside its lower bound
max(total / W, longest job). A worker is what measured the times: one job at a time on a 2-core machine.

Run: .venv/bin/python benchmarks/zoo_projection.py [--store benchmarks/results/default_suite_2026-12-05.csv] [--extra mamba=39 context_parroting=2 dynamix=2]
"""
import argparse
import heapq
import statistics
import sys
from pathlib import Path

import numpy as np


def job_times(rows: list[dict]) -> dict:
    "(method, kind) -> the mean wall time in seconds of its jobs, from consecutive `finished` timestamps (their sum is exact)."
    rows = sorted(rows, key=lambda r: r["finished"])
    stamps = np.array([np.datetime64(r["finished"].rstrip("Z")) for r in rows], "datetime64[s]").astype(float)
    per = {}
    for r, gap in zip(rows[1:], np.diff(stamps)):
        per.setdefault((r["method"], r["kind"]), []).append(float(gap))
    return {k: statistics.mean(v) for k, v in per.items()}


def makespan(durations: list[float], workers: int) -> float:
    "Longest-first list scheduling of `durations` on `workers` identical workers: when the last one finishes."
    free = [0.0] * workers
    for d in sorted(durations, reverse=True):
        heapq.heappush(free, heapq.heappop(free) + d)
    return max(free)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--store", default="benchmarks/results/default_suite_2026-12-05.csv", help="a store (.sqlite) or its CSV export")
    p.add_argument("--extra", nargs="*", default=["mamba=39", "context_parroting=2", "dynamix=2"], help="METHOD=SECONDS for methods the run left out")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--workers", type=int, nargs="*", default=[1, 8, 64])
    a = p.parse_args()
    from dsrlab.bench import METHODS, ResultStore
    from dsrlab.systems import SYSTEMS, list_systems
    path = Path(a.store)
    if path.suffix == ".csv":
        import csv
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    else:
        with ResultStore(path, readonly=True) as db:
            rows = db.rows()
    for r in rows:
        r["kind"] = SYSTEMS[r["system"]].kind
    times = job_times(rows)
    extra = {k: float(v) for k, v in (e.split("=") for e in a.extra)}
    kinds = {"flow": [n for n in list_systems() if SYSTEMS[n].kind == "flow"],
             "map": [n for n in list_systems() if SYSTEMS[n].kind == "map"]}
    jobs, table = [], []
    for m, method in METHODS.items():
        if method.family == "test":
            continue
        for kind in method.kinds:
            if kind not in kinds:
                continue
            t = times.get((m, kind), times.get((m, "flow"), extra.get(m)))
            if t is None:
                sys.exit(f"no measured time for {m}: pass --extra {m}=SECONDS")
            n = len(kinds[kind]) * a.seeds
            jobs += [t] * n
            table.append((m, kind, t, n, "given" if m in extra and (m, "flow") not in times else "measured"))
    total = sum(jobs)
    n_systems = sum(len(v) for v in kinds.values())
    print(f"whole-zoo study: {n_systems} systems ({len(kinds['flow'])} flows, {len(kinds['map'])} maps; the delay systems "
          f"take no method), {len(METHODS)} methods, {a.seeds} seeds: {len(jobs)} jobs, {total / 3600:.1f} worker-hours; "
          f"per-job times from {path} ({len(rows)} rows)")
    print("\n| method | kind | s per job | jobs | source |\n|---|---|---:|---:|---|")
    for m, kind, t, n, src in sorted(table, key=lambda r: -r[2] * r[3]):
        print(f"| {m} | {kind} | {t:.1f} | {n} | {src} |")
    print("\n| workers | makespan, hours | lower bound, hours |\n|---:|---:|---:|")
    for w in a.workers:
        print(f"| {w} | {makespan(jobs, w) / 3600:.2f} | {max(total / w, max(jobs)) / 3600:.2f} |")


if __name__ == "__main__":
    main()
