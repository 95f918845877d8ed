"""The largest Lyapunov exponent by two nearby trajectories, in NumPy/SciPy only (no dsrlab code).

An independent check of the zoo's invariants: Benettin et al. (1976)'s method, a reference
trajectory and a neighbour at distance d0 (1 + |x|), both integrated with SciPy's DOP853 (the Fortran
`ode` interface, adaptive, rtol 1e-10), the separation renormalised to d0 every `tau` time
units; lambda = sum ln(d / d0) / T. For maps, the same with one iteration per renormalisation.
Used by tests/test_lyapunov_independent.py and by tools/zoo_invariants.py (with dysts'
right-hand sides, so that neither the equations nor the integrator are ours).
"""
import time

import numpy as np
from scipy.integrate import ode


def flow_max_lyapunov(rhs, x0, T, tau=1.0, transient=100.0, d0=1e-7, rtol=1e-10, seed=0, max_seconds=None, nsteps=10**6):
    "Largest exponent of dx/dt = rhs(x, t) from x0 (after `transient`), over time T, renormalised every tau."
    start = time.perf_counter()
    x0 = np.asarray(x0, dtype=np.float64)
    D = x0.size
    single = ode(lambda t, y: np.asarray(rhs(y, t), dtype=np.float64)).set_integrator("dop853", rtol=rtol, atol=1e-12, nsteps=nsteps)
    single.set_initial_value(x0, 0.0)
    x = single.integrate(transient)
    pair = ode(lambda t, y: np.concatenate([np.asarray(rhs(y[:D], t), dtype=np.float64), np.asarray(rhs(y[D:], t), dtype=np.float64)]))
    pair.set_integrator("dop853", rtol=rtol, atol=1e-14, nsteps=nsteps)
    d0 = d0 * (1.0 + np.linalg.norm(x))   # relative to the state's size, far above the integration error (rtol |x|)
    v = np.random.default_rng(seed).normal(size=D)
    y, t, total = np.concatenate([x, x + v * d0 / np.linalg.norm(v)]), transient, 0.0
    for _ in range(int(round(T / tau))):
        pair.set_initial_value(y, t)
        y = pair.integrate(t + tau)
        if not pair.successful() or not np.all(np.isfinite(y)):
            raise RuntimeError(f"the integration failed at t = {t:g} (stiff, or more than {nsteps} steps per interval)")
        if max_seconds is not None and time.perf_counter() - start > max_seconds:
            raise TimeoutError(f"more than {max_seconds} s (reached t = {t:g} of {transient + T:g})")
        t += tau
        d = np.linalg.norm(y[D:] - y[:D])
        total += np.log(d / d0)
        y[D:] = y[:D] + (y[D:] - y[:D]) * (d0 / d)
    return total / (t - transient)


def map_max_lyapunov(step, x0, n, transient=1000, d0=1e-9, seed=0):
    "Largest exponent (per iteration) of x -> step(x) from x0, over n iterations."
    x = np.asarray(x0, dtype=np.float64)
    for _ in range(transient):
        x = np.asarray(step(x), dtype=np.float64)
    v = np.random.default_rng(seed).normal(size=x.size)
    z, total = x + v * d0 / np.linalg.norm(v), 0.0
    for _ in range(n):
        x, z = np.asarray(step(x), dtype=np.float64), np.asarray(step(z), dtype=np.float64)
        d = np.linalg.norm(z - x)
        total += np.log(d / d0)
        z = x + (z - x) * (d0 / d)
    return total / n
