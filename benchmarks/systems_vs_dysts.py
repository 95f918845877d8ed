"""Lorenz-63 trajectories: dsrlab's compiled solve against dysts' `make_trajectory`, each in fresh processes.

Both at dysts' default tolerances, rtol = atol = 1e-12, float64, on dysts' grid (`pts_per_period = 100`:
1,000 points span 10 of dysts' periods), from the same initial conditions (dysts' `ic` plus N(0, 1) noise).
dsrlab: `get_system("lorenz63").trajectories(x0s, 1000, dt, rtol=1e-12, atol=1e-12)`, with its default solver
at that tolerance (Dopri8's tableau at rtol < 1e-9), all initial conditions in one compiled, vmapped call.
dysts: `make_trajectory` (scipy `solve_ivp`, right-hand side and Jacobian compiled by numba) with its default
`method="Radau"` and with `method="DOP853"`, scipy's eighth-order explicit method, which scipy's `solve_ivp`
documentation recommends "for solving with high precision (low values of rtol and atol)" (Radau is implicit:
tens of seconds a trajectory here).

Rows: one trajectory of 1,000 points, and a batch of 256 (dsrlab in one batched call, compilation included
on its side; dysts passes the initial conditions to `make_trajectory`, which loops over them). dysts' DOP853
loop is timed once, after its first call in the same process, on `--dop853-loop` initial conditions (all 256
in a full run; scaled to 256 otherwise); Radau's is the one-trajectory warm time x 256 (the loop would take
hours); dysts' cold for the batch adds its first call's one-time cost (numba compiling the right-hand side).
Each side runs in fresh processes (benchmarks/_timing.py): dsrlab with an empty and then a filled JAX
compilation cache. After the table: the largest difference between the two solutions from the same initial
condition over the first period.

    .venv/bin/python benchmarks/systems_vs_dysts.py            # DOP853 loop over all 256 (a few minutes)
    .venv/bin/python benchmarks/systems_vs_dysts.py --quick    # DOP853 loop over 16, scaled
"""
import argparse
import os
import tempfile
import warnings
from importlib.metadata import version

import numpy as np

from _timing import Report, Times, best, fmt, time_dsrlab, time_peer

warnings.filterwarnings("ignore", message=".*Numba.*")
TOL = 1e-12
N_POINTS = 1_000


# -- run in the children ----------------------------------------------------------------------------------------

def setup_dsrlab(n, dt, x0s, out):
    from dsrlab.systems import get_system
    return dict(system=get_system("lorenz63"), n=n, dt=dt, x0s=np.asarray(x0s), out=out)


def _dsrlab(ctx, x0s):
    import jax.numpy as jnp
    x = ctx["system"].trajectories(x0s, ctx["n"], dt=ctx["dt"], rtol=TOL, atol=TOL, dtype=jnp.float64)
    ctx["last"] = x
    return x


def dsrlab_one(ctx):
    return _dsrlab(ctx, ctx["x0s"][:1])


def dsrlab_batch(ctx):
    return _dsrlab(ctx, ctx["x0s"])


def setup_dysts(n, x0s, method, k, out):
    from dysts.flows import Lorenz
    return dict(model=Lorenz(), n=n, x0s=np.asarray(x0s), method=method, k=k, out=out)


def _dysts(ctx, x0s):
    x = ctx["model"].make_trajectory(ctx["n"], init_cond=x0s, method=ctx["method"], rtol=TOL, atol=TOL)
    ctx["last"] = x
    return x


def dysts_one(ctx):
    return _dysts(ctx, ctx["x0s"][0])


def dysts_loop(ctx):
    return _dysts(ctx, ctx["x0s"][:ctx["k"]])


def finish(ctx):
    "Save the first trajectory of the last call, for the comparison of the two solutions."
    x = np.asarray(ctx["last"])
    np.save(ctx["out"], x[0] if x.ndim == 3 else x)
    return {}


# -- the parent -------------------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="dysts' DOP853 loop timed on 16 initial conditions, scaled")
    p.add_argument("--batch", type=int, default=256, help="initial conditions in the batch")
    p.add_argument("--dop853-loop", type=int, default=None, help="initial conditions dysts' DOP853 loop is timed "
                   "on (default: all of the batch; 16 with --quick)")
    args = p.parse_args()
    k = args.dop853_loop or (16 if args.quick else args.batch)
    script = os.path.abspath(__file__)

    from dysts.flows import Lorenz  # the grid and initial condition are dysts'
    ref = Lorenz()
    dt = ref.period * N_POINTS / (100 * (N_POINTS - 1))  # dysts: np.linspace(0, period * n / pts_per_period, n)
    x0s = (np.asarray(ref.ic) + np.random.default_rng(0).normal(scale=1.0, size=(args.batch, 3))).tolist()
    tmp = tempfile.mkdtemp()
    out = {w: os.path.join(tmp, f"{w}.npy") for w in ("dsrlab", "DOP853", "Radau")}

    rep = Report(f"Lorenz-63 trajectories, {N_POINTS:,} points, rtol = atol = {TOL:g}, float64: dsrlab against dysts",
                 versions=f"jax {version('jax')}, diffrax {version('diffrax')}; dysts {version('dysts')}, "
                          f"scipy {version('scipy')}, numba {version('numba')}",
                 settings=f"dysts' grid: dt = {dt:.6f} (100 points a period of {ref.period}); batch {args.batch}; "
                          f"dysts' DOP853 loop timed on {k} initial conditions{'' if k == args.batch else ', scaled'}")
    kw = dict(setup="setup_dsrlab", imports=["jax", "dsrlab.systems"], finish="finish",
              kwargs=dict(n=N_POINTS, dt=dt, x0s=x0s, out=out["dsrlab"]))
    ours_one = time_dsrlab(script, ["dsrlab_one"], repeats=3, **kw)["dsrlab_one"]
    ours_batch = time_dsrlab(script, ["dsrlab_batch"], repeats=2, **kw)["dsrlab_batch"]

    peer = {}
    for method in ("DOP853", "Radau"):
        calls = ["dysts_one", "dysts_loop"] if method == "DOP853" else ["dysts_one"]
        res = time_peer(script, calls, setup="setup_dysts", imports=["dysts.flows"], finish="finish",
                        repeats={"dysts_one": 1 if method == "Radau" else 3, "dysts_loop": 0},
                        kwargs=dict(n=N_POINTS, x0s=x0s, method=method, k=k, out=out[method]))
        one = best(res["dysts_one"])
        # the loop runs once, after the first call in the same process (so warm); its cold adds the first call's
        # one-time cost (numba)
        loop = (best(res["dysts_loop"]).cold * args.batch / k) if method == "DOP853" else one.warm * args.batch
        how = f"timed on {k}, scaled" if method == "DOP853" else f"the one-trajectory time x {args.batch}"
        peer[method] = (one, Times(one.cold - one.warm + loop, loop, import_s=one.import_s, label=how))

    rep.row("1 trajectory vs dysts DOP853", ours_one, peer["DOP853"][0], note="dsrlab: a compiled adaptive loop "
            "with Dopri8's tableau (its default at rtol < 1e-9); dysts: scipy's DOP853 stepping in Python, numba "
            "right-hand side")
    rep.row("1 trajectory vs dysts Radau (its default)", ours_one, peer["Radau"][0],
            note="Radau is implicit (Newton iterations with the Jacobian every step): far slower at 1e-12")
    rep.row(f"{args.batch} trajectories vs dysts DOP853 loop", ours_batch, peer["DOP853"][1],
            note=f"dsrlab: one vmapped call for all {args.batch} (every trajectory steps in lockstep to the "
                 "slowest's step count); dysts: one solve_ivp per initial condition")
    rep.row(f"{args.batch} trajectories vs dysts Radau loop", ours_batch, peer["Radau"][1],
            note="dysts' cold here: its first call's one-time cost (numba) plus the loop")
    rep.text()
    per = lambda t: fmt(t.warm / args.batch)
    rep.text(f"per trajectory, warm: dsrlab {per(ours_batch)} in the batch, {fmt(ours_one.warm)} alone; "
             f"dysts DOP853 {per(peer['DOP853'][1])}, Radau {per(peer['Radau'][1])}")
    first_period = int(np.ceil(ref.period / dt)) + 1
    ours_x = np.load(out["dsrlab"])
    for method in ("DOP853", "Radau"):
        d = np.abs(ours_x[:first_period] - np.load(out[method])[:first_period]).max()
        rep.text(f"largest |dsrlab - dysts {method}| over the first period, same initial condition: {d:.2e}")
    rep.close()


if __name__ == "__main__":
    main()
