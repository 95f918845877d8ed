"""Cheaper training recipes for the benchmark's two dearest networks, run on the default suite's 30 (system, seed) pairs
with the suite's protocol, so that each can be set beside the method's rows of the suite of 6 December
(`benchmarks/results/default_suite_2026-12-06.csv`; chapter 10 compares them, seed noise included).

Each recipe halves the work of a training step or of the schedule. Mamba: `mamba_batch16` (16 windows a step, not 32),
`mamba_window32` (windows of 32 steps, not 64), `mamba_steps500` (500 steps, not 1,000:
`benchmarks/results/mamba_500_steps.csv`). The shallow PLRNN: `shallow_plrnn_steps10k` (10,000 steps, not 20,000),
`shallow_plrnn_batch8` (8 sequences a step, not 16). A recipe is registered as its own method (so its keys differ from the
method's: a second sample of the seeds) and run by `run_benchmark`, two jobs at a time, into one store.
`--step-times` instead times one jitted training step of each named Mamba recipe (`mamba_batch32` is the setting of
6 December; `benchmarks/mamba_training.py`'s `compiled_step`, Lorenz-63 windows), compiled in one process and timed in
alternation.
Run: .venv/bin/python benchmarks/recipes.py mamba_batch16 mamba_window32 [--store recipes.sqlite] [--export FILE.csv]
     .venv/bin/python benchmarks/recipes.py mamba_batch32 mamba_batch16 mamba_window32 --step-times [--rounds 15]   (Mamba)
"""
import argparse
import statistics

from dsrlab.bench import DEFAULT_SYSTEMS, ResultStore, benchmark_data, get_method, register_method, run_benchmark
from mamba_training import alternating_times, compiled_step   # (run from benchmarks/ or with it on the path)

RECIPES = {"mamba_batch32": ("mamba", dict(batch_size=32)),   # the settings of 6 December, for --step-times
           "mamba_batch16": ("mamba", dict(batch_size=16)), "mamba_window32": ("mamba", dict(window=32, batch_size=32)),
           "mamba_steps500": ("mamba", dict(n_steps=500, batch_size=32)),
           "shallow_plrnn_steps10k": ("shallow_plrnn", dict(n_steps=10_000)),
           "shallow_plrnn_batch8": ("shallow_plrnn", dict(batch_size=8))}


def register(recipe: str) -> str:
    "Registers the method with `recipe`'s change (on its settings of 6 December) under the recipe's name; returns it."
    name, change = RECIPES[recipe]
    m = get_method(name)
    register_method(recipe, m.cls, {**m.defaults, **change}, quick=m.quick, fast=m.fast, family=m.family,
                    together=m.together)
    return recipe


def step_times(names: list[str], rounds: int) -> None:
    "Median and fastest ms of one training step of each method, timed in alternation (5 steps a round)."
    data = benchmark_data("lorenz63", 0)
    times = alternating_times({n: compiled_step(n, data, "scan")[:2] for n in names}, rounds)
    print("| training step | ms (median) | ms (fastest round) |\n|---|---:|---:|")
    for n in names:
        print(f"| {n} | {1e3 * statistics.median(times[n]):.1f} | {1e3 * min(times[n]):.1f} |")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("recipes", nargs="+", choices=list(RECIPES))
    ap.add_argument("--store", default="recipes.sqlite")
    ap.add_argument("--export", help="write the store's rows (without the trajectories) to this CSV file")
    ap.add_argument("--step-times", action="store_true", help="only time one training step of each")
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    names = [register(r) for r in args.recipes]
    if args.step_times:
        step_times(names, args.rounds)
        raise SystemExit
    run_benchmark(DEFAULT_SYSTEMS, names, 3, args.store, threads=2)
    if args.export:
        with ResultStore(args.store) as db:
            db.to_csv(args.export)
