"""The whole-zoo study, as far as one session on a 2-core machine holds it (issue 17): every flow and map of the zoo,
one seed, the default protocol.

The study the benchmark is named after (Gilpin, "Model scale versus domain knowledge in statistical forecasting of
chaotic systems", 2023: 24 methods on 135 systems) needs about 29 worker-hours with every method and 3 seeds
(`benchmarks/zoo_projection.py`), most of it in the trained networks. Two runs, each writing its rows as they finish
(a killed run resumes where it stopped; `--export` writes the CSV of what a store holds):

- the methods without a trained network (default): the floors, SINDy (plain, weak, ensemble), Koopman (EDMD, ResDMD,
  Hankel DMD), the echo state network and the zero-shot methods (context parroting and the shipped DynaMix, which takes
  at most 3 coordinates). About 25 minutes on 2 cores; rows in benchmarks/results/zoo_study.csv.
- `--networks`: the trained networks but Mamba (a minute a job: 2.6 hours for the zoo alone), on the systems in a
  seeded random order, so that a run stopped early holds every network on a random sample of the zoo. About 45 seconds
  a system on 2 cores; rows in benchmarks/results/zoo_study_networks.csv.

The chapter (nbs/10_bench.ipynb, "The whole zoo") reads the CSVs.

Run: .venv/bin/python benchmarks/zoo_study.py [--networks] [--store FILE] [--export]
"""
import argparse
import random
from pathlib import Path

METHODS = ["last_value", "mean", "sindy", "weak_sindy", "ensemble_sindy", "edmd", "resdmd", "hankel_dmd", "esn",
           "context_parroting", "dynamix"]
NETWORKS = ["rectified_flow", "s4d", "lru", "neural_ode", "alrnn_stf", "alrnn", "shallow_plrnn"]
RESULTS = Path(__file__).parent / "results"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--networks", action="store_true", help="the trained networks (but Mamba) instead of the others")
    p.add_argument("--store", default=None, help="SQLite store (default: zoo_study[_networks].sqlite)")
    p.add_argument("--export", action="store_true", help="only write the CSV of what the store holds")
    args = p.parse_args()
    from dsrlab.bench import ResultStore, run_benchmark
    from dsrlab.systems import list_systems
    stem = "zoo_study_networks" if args.networks else "zoo_study"
    store, out = args.store or f"{stem}.sqlite", RESULTS / f"{stem}.csv"
    systems = list_systems("flow") + list_systems("map")      # the delay systems take no method
    if args.networks:
        random.Random(0).shuffle(systems)
    methods = NETWORKS if args.networks else METHODS
    if not args.export:
        rows = run_benchmark(systems, methods, [0], store)
        print(f"{len(rows)} new rows")
    with ResultStore(store) as db:
        db.to_csv(out)
    print(f"{len(systems)} systems x {len(methods)} methods: {out}")


if __name__ == "__main__":
    main()
