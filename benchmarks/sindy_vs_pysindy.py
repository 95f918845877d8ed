"""SINDy on Lorenz-63: dsrlab against pysindy, in one run on the same data.

- fit: 10 trajectories x 10,000 samples (dt = 0.002), polynomial library of degree 3,
  second-order finite differences, STLSQ (threshold 0.1, alpha 0.05, unbiased);
- simulate: 10,000 steps of the identified model (pysindy: `solve_ivp` LSODA at its default
  rtol = atol = 1e-12; dsrlab: diffrax Tsit5 at the same tolerances, and at its defaults);
- ensemble: 100 bagged STLSQ models.

dsrlab's times are after compilation; the compilation time is reported separately, as the
first call minus a later one. The simulator is compiled once per library: a second model
on the same library, with other coefficients, is simulated without compiling (checked).

    python benchmarks/sindy_vs_pysindy.py            # full run (pysindy simulates 10,000 steps: minutes)
    python benchmarks/sindy_vs_pysindy.py --quick    # pysindy simulates 1,000 steps; ensemble of 20 for pysindy, scaled
"""
import argparse
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")
import jax
import jax.numpy as jnp
import pysindy as ps

from dsrlab.sindy import STLSQ, EnsembleSINDy, FiniteDifference, PolynomialLibrary, SINDy
from dsrlab.systems import get_system

DT, N_TRAJ, N_SAMPLES, N_SIM = 0.002, 10, 10_000, 10_000


def timed(fn, repeats=1):
    "Result of fn() and the best wall time over `repeats` calls."
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = jax.block_until_ready(fn())
        best = min(best, time.perf_counter() - t0)
    return out, best


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="pysindy simulates 1,000 steps and fits 20 ensemble members (both scaled)")
    args = p.parse_args()

    lorenz = get_system("lorenz63", beta=8 / 3)
    rng = np.random.default_rng(0)
    x0s = np.asarray(lorenz.x0) + rng.normal(scale=2.0, size=(N_TRAJ, 3))
    data = np.asarray(lorenz.trajectories(x0s, N_SAMPLES, dt=DT, transient=500, dtype=jnp.float64))
    xs = list(data)
    print(f"Lorenz-63: {N_TRAJ} trajectories x {N_SAMPLES:,} samples, dt = {DT}, polynomial degree 3 (20 features), float64")
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}, pysindy {ps.__version__}\n")
    rows = []

    # -- fit ---------------------------------------------------------------------------
    def fit_pysindy():
        m = ps.SINDy(optimizer=ps.STLSQ(threshold=0.1, alpha=0.05), feature_library=ps.PolynomialLibrary(degree=3),
                     differentiation_method=ps.FiniteDifference())
        return m.fit(xs, t=DT)

    def fit_ours(data=xs):
        return SINDy(PolynomialLibrary(3), STLSQ(threshold=0.1, alpha=0.05), FiniteDifference()).fit(data, DT)

    theirs, t_theirs = timed(fit_pysindy, 3)
    ours, t_first = timed(fit_ours)
    ours, t_ours = timed(fit_ours, 5)
    diff = np.abs(np.asarray(ours.coefficients) - theirs.coefficients()).max()
    same_support = np.array_equal(np.asarray(ours.coefficients) != 0, theirs.coefficients() != 0)
    rows.append(("fit", t_theirs, t_ours, t_first - t_ours))
    print(f"fit: same support: {same_support}; largest coefficient difference: {diff:.1e}")

    # -- simulate ----------------------------------------------------------------------
    x0 = data[0, 0]
    n_theirs = 1_000 if args.quick else N_SIM
    t_grid = DT * np.arange(N_SIM)
    sim_theirs, t_sim_theirs = timed(lambda: theirs.simulate(x0, t_grid[:n_theirs]))
    t_sim_theirs *= N_SIM / n_theirs
    tol = dict(rtol=1e-12, atol=1e-12)
    sim_ours, t_first = timed(lambda: ours.simulate(x0, N_SIM, **tol))
    sim_ours, t_sim_ours = timed(lambda: ours.simulate(x0, N_SIM, **tol), 5)
    rows.append((f"simulate {N_SIM:,} steps, rtol=atol=1e-12", t_sim_theirs, t_sim_ours, t_first - t_sim_ours))
    _, t_first_d = timed(lambda: ours.simulate(x0, N_SIM))
    _, t_sim_default = timed(lambda: ours.simulate(x0, N_SIM), 5)
    rows.append((f"simulate {N_SIM:,} steps, dsrlab rtol 1e-7, atol 1e-9", t_sim_theirs, t_sim_default,
                 t_first_d - t_sim_default))
    n_cmp = 1_000  # the two integrations agree until chaos separates them
    print(f"simulate: largest difference between the two solutions over the first {n_cmp} steps: "
          f"{np.abs(np.asarray(sim_ours[:n_cmp]) - sim_theirs[:n_cmp]).max():.1e}")

    # a second model on the same library: other data, other coefficients, no compilation
    compiles = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda event, secs, **kw: compiles.append(secs) if "backend_compile" in event else None)
    other = fit_ours([x + 0.05 * rng.normal(size=x.shape) for x in xs[:3]])
    compiles.clear()
    _, t_other = timed(lambda: other.simulate(x0, N_SIM, **tol))
    print(f"second model on the same library: simulated in {t_other * 1e3:.1f} ms with {len(compiles)} compilations")

    # -- ensemble ----------------------------------------------------------------------
    n_theirs_models = 20 if args.quick else 100

    def ensemble_pysindy():
        opt = ps.EnsembleOptimizer(ps.STLSQ(threshold=0.1, alpha=0.05), bagging=True, n_models=n_theirs_models)
        return ps.SINDy(optimizer=opt, feature_library=ps.PolynomialLibrary(degree=3)).fit(xs, t=DT)

    def ensemble_ours():
        ens = EnsembleSINDy(STLSQ(threshold=0.1, alpha=0.05), n_models=100)
        return SINDy(PolynomialLibrary(3), ens, FiniteDifference()).fit(xs, DT, key=jax.random.key(0)).coefficients

    _, t_ens_theirs = timed(ensemble_pysindy)
    t_ens_theirs *= 100 / n_theirs_models
    _, t_first = timed(ensemble_ours)
    _, t_ens_ours = timed(ensemble_ours, 3)
    rows.append(("ensemble of 100 bagged models", t_ens_theirs, t_ens_ours, t_first - t_ens_ours))

    print(f"\n{'':58s} {'pysindy':>10s} {'dsrlab':>10s} {'ratio':>8s} {'dsrlab compile':>15s}")
    for name, a, b, c in rows:
        print(f"{name:58s} {a:9.3f}s {b:9.4f}s {a / b:7.1f}x {c:14.2f}s")
    if args.quick:
        print(f"\n(--quick: pysindy simulated {n_theirs:,} steps and fitted {n_theirs_models} ensemble members; "
              "its times are scaled linearly to 10,000 steps and 100 members)")


if __name__ == "__main__":
    main()
