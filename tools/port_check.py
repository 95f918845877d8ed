"""Check system definitions against dysts before they go into 01_systems (a developer tool).

  python tools/port_check.py FILE.py [NAME ...]

FILE holds `@_flow(...)` / `@_map(...)` / `@_delay(...)` definitions written as in 01_systems; it is run
inside `dsrlab.systems`' namespace, and every system it registers (or only NAME ...) is checked:
dysts' default parameters and initial condition, the right-hand side at 20 random states (to 1e-10,
the angle form for systems with `angles`), periodicity of the angle coordinates, and a finite
trajectory of 2000 samples at the system's dt from ours.
"""
import sys

import numpy as np

import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import dysts.flows as dflows  # noqa: E402
import dysts.maps as dmaps  # noqa: E402

import dsrlab.systems as S  # noqa: E402


def check(name):
    spec = S.SYSTEMS[name]
    if spec.dysts is None:
        print(f"{name:28s} not in dysts: skipped"); return True
    ds = getattr(dmaps if spec.kind == "map" else dflows, spec.dysts)()
    problems = []
    rename = S.DYSTS_PARAM_NAMES.get(name, {})
    ours = {rename.get(k, k): v for k, v in spec.params.items()}
    theirs = {k: np.asarray(v, dtype=np.float64) for k, v in ds.params.items()}
    if set(ours) != set(theirs):
        problems.append(f"parameter names differ: ours {sorted(ours)}, dysts {sorted(theirs)}")
    else:
        problems += [f"param {k}: {ours[k]} vs {theirs[k]}" for k in ours
                     if np.shape(ours[k]) != np.shape(theirs[k]) or not np.allclose(ours[k], theirs[k], rtol=1e-12)]
    if spec.kind != "delay":
        ic = np.atleast_1d(np.asarray(ds.ic, dtype=np.float64))
        if (ic.shape != np.shape(spec.x0) or not np.allclose(spec.x0, ic, rtol=1e-7, atol=1e-9)) and not spec.note:
            problems.append(f"x0 {spec.x0} vs dysts ic {ic}")
    p = {k: jnp.asarray(v) for k, v in spec.params.items()}
    rng = np.random.default_rng(0)
    x0 = np.asarray(spec.x0)
    for x in x0 + rng.normal(size=(20, x0.size)) * (0.5 + 0.5 * np.abs(x0)):
        if spec.kind == "flow":
            a = np.asarray(spec.fn(jnp.asarray(x), p)); b = np.ravel(np.asarray(ds.rhs(x, 0.0), dtype=np.float64))
        elif spec.kind == "map":
            a = np.asarray(spec.fn(jnp.asarray(x), p)); b = np.ravel(np.asarray(ds.rhs(x[None]), dtype=np.float64))
        else:
            xn, xt = abs(x[0]), abs(x[0]) + 0.3
            a = np.asarray(spec.fn(jnp.array([xn]), jnp.array([xt]), p))
            b = np.ravel(np.asarray(ds._rhs(xn, xt, 0.0, *ds.param_list), dtype=np.float64))
        if a.shape != b.shape or not np.allclose(a, b, rtol=1e-10, atol=1e-10, equal_nan=True):
            if spec.note:
                print(f"    departs from dysts as its note says: at {x}: ours {a}, dysts {b}")
            else:
                problems.append(f"rhs differs at {x}: ours {a}, dysts {b}")
            break
        for i, T in spec.angles.items():
            shifted = np.asarray(spec.fn(jnp.asarray(x) + T * (np.arange(x.size) == i), p))
            if not np.allclose(shifted, a, rtol=1e-9, atol=1e-9):
                problems.append(f"rhs is not periodic in coordinate {i} with period {T}"); break
    try:
        xs = np.asarray(S.get_system(name).trajectory(2000))
        if not np.all(np.isfinite(xs)):
            problems.append("trajectory of 2000 samples is not finite")
    except Exception as e:  # noqa: BLE001
        problems.append(f"trajectory failed: {type(e).__name__}: {e}")
    print(f"{name:28s} {'OK' if not problems else 'FAIL'}")
    for q in problems:
        print("    ", q)
    return not problems


if __name__ == "__main__":
    before = set(S.SYSTEMS)
    exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), S.__dict__)
    names = sys.argv[2:] or sorted(set(S.SYSTEMS) - before)
    S.DYSTS_NAMES.update({n: s.dysts for n, s in S.SYSTEMS.items() if s.dysts})
    ok = [check(n) for n in names]
    print(f"{sum(ok)}/{len(ok)} OK")
    sys.exit(0 if all(ok) else 1)
