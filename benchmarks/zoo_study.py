"""The whole-zoo study, as far as one session on a 2-core machine holds it (issue 17): every flow and map of the zoo,
the methods that fit in seconds, one seed, the default protocol.

The study the benchmark is named after (Gilpin, "Model scale versus domain knowledge in statistical forecasting of
chaotic systems", 2023: 24 methods on 135 systems) needs about 33 worker-hours with every method and 3 seeds
(`benchmarks/zoo_projection.py`), 84% of it in the trained networks. This runs the rest, the methods without a trained
network: the floors, SINDy (plain, weak, ensemble), Koopman (EDMD, ResDMD, Hankel DMD), the echo state network and the
zero-shot methods (context parroting and the shipped DynaMix, which takes at most 3 coordinates). The rows are written
as they finish, so a killed run resumes where it stopped; the chapter (nbs/10_bench.ipynb, "The whole zoo") reads the CSV.

Run: .venv/bin/python benchmarks/zoo_study.py [--store zoo_study.sqlite]   (about 45 minutes on 2 cores)
"""
import argparse
from pathlib import Path

METHODS = ["last_value", "mean", "sindy", "weak_sindy", "ensemble_sindy", "edmd", "resdmd", "hankel_dmd", "esn",
           "context_parroting", "dynamix"]
OUT = Path(__file__).parent / "results" / "zoo_study.csv"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--store", default="zoo_study.sqlite")
    args = p.parse_args()
    from dsrlab.bench import ResultStore, run_benchmark
    from dsrlab.systems import list_systems
    systems = list_systems("flow") + list_systems("map")      # the delay systems take no method
    rows = run_benchmark(systems, METHODS, [0], args.store)
    with ResultStore(args.store) as store:
        store.to_csv(OUT)
    print(f"{len(rows)} new rows; {len(systems)} systems x {len(METHODS)} methods in {OUT}")


if __name__ == "__main__":
    main()
