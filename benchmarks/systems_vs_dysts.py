"""Lorenz-63 trajectories: dysts' `make_trajectory` (one initial condition a call, scipy Radau)
against dsrlab's batched, compiled diffrax solve of 256 initial conditions in one call.

Both at dysts' default tolerances (rtol = atol = 1e-12, float64) and on dysts' default grid
(`pts_per_period = 100`, so 1,000 points span 10 periods). Reports the cost per trajectory of
each, their ratio (compilation included on dsrlab's side), and the largest difference
between the two solutions from the same initial condition over the first period.

    python benchmarks/systems_vs_dysts.py             # 1,000 and 10,000 points
    python benchmarks/systems_vs_dysts.py --quick     # 1,000 points, 1 dysts run
"""
import argparse
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore", message=".*Numba.*")
import jax
import jax.numpy as jnp
from dysts.flows import Lorenz

from dsrlab.systems import get_system

TOL = 1e-12


def dysts_run(n: int, x0: np.ndarray) -> tuple[np.ndarray, float]:
    model = Lorenz()
    t0 = time.perf_counter()
    x = model.make_trajectory(n, init_cond=x0, rtol=TOL, atol=TOL)
    return np.asarray(x), time.perf_counter() - t0


def dsrlab_run(n: int, x0s: np.ndarray, dt: float) -> tuple[np.ndarray, float]:
    system = get_system("lorenz63")
    t0 = time.perf_counter()
    x = system.trajectories(x0s, n, dt=dt, rtol=TOL, atol=TOL, dtype=jnp.float64)
    x = np.asarray(jax.block_until_ready(x))
    return x, time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1,000 points only, one dysts run")
    p.add_argument("--batch", type=int, default=256, help="initial conditions in dsrlab's call")
    p.add_argument("--dysts-runs", type=int, default=3, help="dysts calls to average (one initial condition each)")
    args = p.parse_args()

    ref = Lorenz()
    rng = np.random.default_rng(0)
    x0s = np.asarray(ref.ic) + rng.normal(scale=1.0, size=(args.batch, 3))
    print(f"Lorenz-63, period {ref.period:.4f}, rtol = atol = {TOL:g}, float64, dysts' grid (100 points a period)")
    print(f"{'points':>8} {'dysts s/traj':>13} {'dsrlab s/traj':>14} {'ratio':>9} {'max |diff|, 1st period':>24}")
    for n in [1_000] if args.quick else [1_000, 10_000]:
        # dysts' grid: np.linspace(0, period * n / pts_per_period, n)
        dt = ref.period * n / (100 * (n - 1))
        first_period = int(np.ceil(ref.period / dt)) + 1
        runs = 1 if args.quick else (args.dysts_runs if n <= 1_000 else 1)
        results = [dysts_run(n, x0s[i]) for i in range(runs)]
        per_dysts = float(np.mean([s for _, s in results]))
        xs, total = dsrlab_run(n, x0s, dt)
        per_ours = total / args.batch
        diff = float(np.max(np.abs(xs[0, :first_period] - results[0][0][:first_period])))
        print(f"{n:>8} {per_dysts:>13.3f} {per_ours:>14.5f} {per_dysts / per_ours:>9.0f} {diff:>24.2e}"
              f"   (dsrlab: {total:.1f} s for {args.batch}, compile included)")


if __name__ == "__main__":
    main()
