"""Zero-shot against per-system training on the flows DynaMix never saw in training (issue 19; nbs/08a_zeroshot.ipynb).

The benchmark (`dsrlab.bench.run_benchmark`) on the held-out systems (`dsrlab.zeroshot.HELD_OUT`), one seed, with the
protocol's test context lengthened from 50 to 2,000 steps, the context DynaMix's own evaluation gives on Lorenz-63.
The zero-shot methods (the shipped DynaMix and context parroting) see only that context of each test trajectory; the
trained methods fit on the protocol's 4 training trajectories of the same system and use the context to start from.
The trained methods are the networks, each at its registered default settings: Mamba takes about a minute per fit on
a 2-core CPU (a median of 52 s on 7 Dec 2026), the others less.

Writes the rows to benchmarks/results/zeroshot_heldout.csv (the store's rows replace those of the same system, method
and seed; the file's other rows are kept, so one method can be rerun alone) and prints, per method, the median over systems of D_stsp
and D_H (a failed run, e.g. a forecast that diverged, counts as the worst score; a system whose data cannot be made,
multi_chua at 50 samples of its stored period, is left out) and the median fit time.

Run: .venv/bin/python benchmarks/zeroshot_heldout.py [--store zeroshot_heldout.sqlite] [--methods dynamix,context_parroting,...]
     [--published DynaMix-julia/models/dynamix-3d-alrnn-v1.0.bson]   (DynaMix-3d's published weights, as a method)
A rerun with the same store resumes: finished rows are kept.
"""
import argparse
import csv
import math
import statistics
from pathlib import Path

METHODS = ["dynamix", "context_parroting", "mamba", "alrnn", "shallow_plrnn", "lru", "neural_ode"]
OUT = Path(__file__).parent / "results" / "zeroshot_heldout.csv"


def medians(rows: list[dict], methods: list[str]) -> list[tuple]:
    """(method, median D_stsp, median D_H, failed runs, median fit seconds), a failed run counted as infinitely bad;
    systems whose data could not be made (the error begins 'the data:') are left out."""
    out = []
    for m in methods:
        mine = [r for r in rows if r["method"] == m and not (r["error"] or "").startswith("the data:")]  # no method's fault
        if not mine:
            continue
        score = lambda r, k: float(r[k]) if r["status"] == "ok" and r[k] not in ("", None) and math.isfinite(float(r[k])) else math.inf
        fits = [float(r["fit_time"]) for r in mine if r["status"] == "ok"]
        out.append((m, statistics.median(score(r, "state_space_divergence") for r in mine),
                    statistics.median(score(r, "power_spectrum_distance") for r in mine),
                    sum(r["status"] != "ok" for r in mine), statistics.median(fits) if fits else math.nan))
    return out


def merged(new: Path, old: Path) -> list[dict]:
    "The rows of `new`, and those of `old` for a (system, method, seed) `new` lacks, written to `old`; `new` removed."
    read = lambda p: list(csv.DictReader(open(p, newline=""))) if p.exists() else []
    rows, fields = read(new), next(csv.reader(open(new, newline="")))
    have = {(r["system"], r["method"], r["seed"]) for r in rows}
    rows += [r for r in read(old) if (r["system"], r["method"], r["seed"]) not in have]
    with open(old, "w", newline="") as f:
        w = csv.DictWriter(f, fields)
        w.writeheader()
        w.writerows(sorted(rows, key=lambda r: (r["system"], r["method"], r["seed"])))
    new.unlink()
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--store", default="zeroshot_heldout.sqlite")
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--published", default=None,
                   help="DynaMix-3d's published weights (DynaMix-julia's models/dynamix-3d-alrnn-v1.0.bson): "
                        "adds the method dynamix_published")
    args = p.parse_args()
    from dsrlab.bench import Protocol, ResultStore, register_method, run_benchmark
    from dsrlab.zeroshot import DYNAMIX_CASES, HELD_OUT, ZeroShotDynaMix
    systems = [n for n in HELD_OUT if n not in DYNAMIX_CASES]   # DynaMix's examples are scored in the chapter
    methods = args.methods.split(",")
    if args.published:
        register_method("dynamix_published", ZeroShotDynaMix, {"weights": args.published}, family="zero-shot", fast=False)
        methods = [m for m in methods if m != "dynamix_published"] + ["dynamix_published"]
    run_benchmark(systems, methods, [0], args.store, protocol=Protocol(context=2000))
    with ResultStore(args.store) as store:
        store.to_csv(OUT.with_suffix(".new.csv"))
    rows = merged(OUT.with_suffix(".new.csv"), OUT)
    rows = [r for r in rows if r["method"] in methods and r["system"] in systems]
    print(f"{len(systems)} held-out flows: {', '.join(systems)}")
    print(f"{'method':18s} {'median D_stsp':>14s} {'median D_H':>11s} {'failed':>7s} {'median fit (s)':>15s}")
    for m, d, h, failed, fit in medians(rows, methods):
        print(f"{m:18s} {d:14.3f} {h:11.3f} {failed:7d} {fit:15.1f}")
    print(f"rows: {OUT}")


if __name__ == "__main__":
    main()
