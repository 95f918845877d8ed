"""Three fits of one benchmark method on three seeds' Lorenz-63 data: one after the other, against `fit_many` (one
vmapped training), both warm (each compiled by a first call). Prints the times, their ratio and the largest relative
difference between the parameters of the two routes (float32 round-off: they are the same fits).

    .venv/bin/python benchmarks/seeds_together.py shallow_plrnn 2000    # METHOD STEPS
    .venv/bin/python benchmarks/seeds_together.py lru 300

On a 2-core CPU (6 Dec 2026, two runs): shallow PLRNN (2,000 steps) 1.16-1.29x, AL-RNN (2,000) 1.14-1.37x, neural ODE (300) 1.20x faster
together; LRU (300) 0.93-0.99x, S4D (300) 0.85x, Mamba (60) 0.83x.
"""
import sys
import time

import equinox as eqx
import jax
import numpy as np

from dsrlab.bench import Protocol, benchmark_data, get_method


def _leaves(models):
    return [np.asarray(x) for x in jax.tree_util.tree_leaves(eqx.filter(models, eqx.is_inexact_array))]


def main(name: str, steps: int) -> None:
    datas = [benchmark_data("lorenz63", s, Protocol()) for s in range(3)]
    sets, dt = [d["train"] for d in datas], datas[0]["dt"]
    est = get_method(name).estimator(False, n_steps=steps)
    keys = [jax.random.key(100 + s) for s in range(3)]
    apart = lambda: [est.fit(x, dt, key=k) for x, k in zip(sets, keys)]
    together = lambda: est.fit_many(sets, dt, keys=keys)
    times = {}
    for label, run in (("apart", apart), ("together", together)):
        jax.block_until_ready(_leaves(run()))                      # compiles
        t = time.perf_counter()
        times[label] = models = run()
        jax.block_until_ready(_leaves(models))
        times[label + " s"] = time.perf_counter() - t
    diff = max(float(np.max(np.abs(a - b), initial=0) / (np.max(np.abs(a), initial=0) + 1e-12))
               for a, b in zip(_leaves(times["apart"]), _leaves(times["together"])))
    print(f"{name} ({steps} steps): 3 fits apart {times['apart s']:.2f} s, together {times['together s']:.2f} s, "
          f"ratio {times['apart s'] / times['together s']:.2f}; largest relative parameter difference {diff:.1e}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
