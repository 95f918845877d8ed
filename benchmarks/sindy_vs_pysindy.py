"""SINDy on Lorenz-63: dsrlab against pysindy, on the same data, each in fresh processes.

- fit: 10 trajectories x 10,000 samples (dt = 0.002), polynomial library of degree 3 (20 features), second-order
  finite differences, STLSQ (threshold 0.1, alpha 0.05, unbiased), the same on both sides;
- fit then simulate `--sim-steps` steps (10,000; 500 with --quick) of the identified model, both sides at
  rtol = atol = 1e-12 (pysindy's default), and (not with --quick) both at dsrlab's default rtol 1e-7, atol 1e-9.
  dsrlab: its default solver at that tolerance (Dopri8's tableau at rtol < 1e-9, else Tsit5's). pysindy:
  `model.simulate` with the fastest of the integrators it offers, at those tolerances (`solve_ivp` LSODA, its
  default; `solve_ivp` DOP853; `odeint`), chosen on a 1,000-step run when more steps are simulated;
- an ensemble of 100 bagged STLSQ models (pysindy's `EnsembleOptimizer(bagging=True)`; with --quick pysindy fits
  10 and its time is scaled to 100).

pysindy's fit is run with its defaults, with `copy_X=False` (its STLSQ option that skips a copy of the
feature matrix) and with numpy's BLAS on one thread (threadpoolctl; the default is one per core), the fastest
kept (the ensemble: defaults and one BLAS thread); its ridge solver is already scikit-learn's fastest for this
shape ("auto" is Cholesky for a dense matrix). dsrlab times are cold (a fresh process: compilation included), cold with a filled
JAX compilation cache, and warm (benchmarks/_timing.py). After the table: whether the two fits agree, how far
apart the two simulations are, and whether a second model on the same library is simulated without compiling.

    .venv/bin/python benchmarks/sindy_vs_pysindy.py            # full run (a few minutes: pysindy's integrators)
    .venv/bin/python benchmarks/sindy_vs_pysindy.py --quick    # 500 steps at 1e-12 only; 10 pysindy ensemble members
"""
import argparse
import os
import tempfile
import warnings
from importlib.metadata import version

import numpy as np

from _timing import Report, best, fmt, time_dsrlab, time_peer

warnings.filterwarnings("ignore")
DT, N_TRAJ, N_SAMPLES = 0.002, 10, 10_000
THRESHOLD, ALPHA = 0.1, 0.05
TIGHT, LOOSE = (1e-12, 1e-12), (1e-7, 1e-9)
PROBE = 1_000  # steps on which pysindy's integrators are compared before the full run


# -- run in the children ----------------------------------------------------------------------------------------

def _load(ctx_kwargs):
    d = np.load(ctx_kwargs.pop("data"))
    return dict(ctx_kwargs, xs=list(d["xs"]), x0=d["xs"][0, 0])


def setup_dsrlab(**kw):
    from dsrlab.sindy import STLSQ, EnsembleSINDy, FiniteDifference, PolynomialLibrary, SINDy
    ctx = _load(kw)
    ctx["model"] = lambda opt=None: SINDy(PolynomialLibrary(3), opt or STLSQ(threshold=THRESHOLD, alpha=ALPHA),
                                          FiniteDifference())
    ctx["ensemble_opt"] = lambda: EnsembleSINDy(STLSQ(threshold=THRESHOLD, alpha=ALPHA), n_models=100)
    return ctx


def dsrlab_fit(ctx):
    m = ctx["model"]().fit(ctx["xs"], DT)
    ctx["coef"], ctx["fitted"] = m.coefficients, m
    return m.coefficients


def dsrlab_fit_simulate(ctx):
    dsrlab_fit(ctx)
    rtol, atol = ctx["tol"]
    x = ctx["fitted"].simulate(ctx["x0"], ctx["n_sim"], rtol=rtol, atol=atol)
    ctx["sim"] = x
    return x


def dsrlab_ensemble(ctx):
    import jax
    m = ctx["model"](ctx["ensemble_opt"]()).fit(ctx["xs"], DT, key=jax.random.key(0))
    return m.coefficients


def finish_dsrlab(ctx):
    np.savez(ctx["out"], **{k: np.asarray(ctx[k]) for k in ("coef", "sim") if k in ctx})
    if "sim" not in ctx:
        return {}
    # a second model on the same library, other coefficients: simulated with no compilation?
    import jax
    import time
    n = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda e, s, **kw: n.append(s) if e.endswith("backend_compile_duration") else None)
    rng = np.random.default_rng(1)
    other = ctx["model"]().fit([x + 0.05 * rng.normal(size=x.shape) for x in ctx["xs"][:3]], DT)
    n.clear()
    t = time.perf_counter()
    jax.block_until_ready(other.simulate(ctx["x0"], ctx["n_sim"], rtol=ctx["tol"][0], atol=ctx["tol"][1]))
    return {"second_model_s": time.perf_counter() - t, "second_model_compiles": len(n)}


def setup_pysindy(**kw):
    import pysindy as ps
    ctx = _load(kw)
    opt_kw = ctx.pop("stlsq", {})
    if ctx.pop("blas_threads", None):  # numpy's BLAS on one thread (the default is one per core)
        from threadpoolctl import threadpool_limits
        ctx["blas_limit"] = threadpool_limits(limits=1, user_api="blas")
    ctx["model"] = lambda opt=None: ps.SINDy(optimizer=opt or ps.STLSQ(threshold=THRESHOLD, alpha=ALPHA, **opt_kw),
                                             feature_library=ps.PolynomialLibrary(degree=3),
                                             differentiation_method=ps.FiniteDifference())
    ctx["ensemble_opt"] = lambda: ps.EnsembleOptimizer(ps.STLSQ(threshold=THRESHOLD, alpha=ALPHA, **opt_kw),
                                                       bagging=True, n_models=ctx["n_models"])
    return ctx


def pysindy_fit(ctx):
    m = ctx["model"]().fit(ctx["xs"], t=DT)
    ctx["coef"], ctx["fitted"] = m.coefficients(), m
    return m


def pysindy_fit_simulate(ctx):
    pysindy_fit(ctx)
    rtol, atol = ctx["tol"]
    integrator, method = ctx["integrator"]
    kws = dict(rtol=rtol, atol=atol) if integrator == "odeint" else dict(method=method, rtol=rtol, atol=atol)
    x = ctx["fitted"].simulate(ctx["x0"], DT * np.arange(ctx["n_sim"]), integrator=integrator, integrator_kws=kws)
    ctx["sim"] = x
    return x


def pysindy_ensemble(ctx):
    return ctx["model"](ctx["ensemble_opt"]()).fit(ctx["xs"], t=DT)


def finish_pysindy(ctx):
    np.savez(ctx["out"], **{k: np.asarray(ctx[k]) for k in ("coef", "sim") if k in ctx})
    return {}


# -- the parent -------------------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="500 simulated steps at 1e-12 only; pysindy's ensemble of 10, "
                   "scaled")
    p.add_argument("--sim-steps", type=int, default=None, help="simulated steps (default 10,000; 500 with --quick)")
    args = p.parse_args()
    n_sim = args.sim_steps or (500 if args.quick else 10_000)
    n_models_peer = 10 if args.quick else 100
    script = os.path.abspath(__file__)

    rep = Report("SINDy on Lorenz-63: dsrlab against pysindy",
                 versions=f"jax {version('jax')}, diffrax {version('diffrax')}; pysindy {version('pysindy')}, "
                          f"scikit-learn {version('scikit-learn')}, scipy {version('scipy')}",
                 settings=f"{N_TRAJ} trajectories x {N_SAMPLES:,} samples, dt = {DT}, polynomial degree 3 (20 "
                          f"features), STLSQ threshold {THRESHOLD}, alpha {ALPHA}, float64; {n_sim:,} simulated steps")
    import jax.numpy as jnp
    from dsrlab.systems import get_system
    lorenz = get_system("lorenz63", beta=8 / 3)
    x0s = np.asarray(lorenz.x0) + np.random.default_rng(0).normal(scale=2.0, size=(N_TRAJ, 3))
    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "data.npz")
    np.savez(data, xs=np.asarray(lorenz.trajectories(x0s, N_SAMPLES, dt=DT, transient=500, dtype=jnp.float64)))
    out = lambda name: os.path.join(tmp, name + ".npz")

    def ours(call, **kw):
        kw.setdefault("out", out(call))
        return time_dsrlab(script, [call], setup="setup_dsrlab", imports=["jax", "dsrlab.sindy"], finish="finish_dsrlab",
                           repeats=3, kwargs=dict(data=data, n_sim=n_sim, **kw))[call]

    def peer(call, settings, repeats=3, **kw):
        return best(time_peer(script, [call], settings=settings, setup="setup_pysindy", imports=["pysindy"],
                              finish="finish_pysindy", repeats=repeats,
                              kwargs=dict(data=data, n_sim=n_sim, n_models=n_models_peer, out=out(call + "_other"),
                                          **kw))[call])

    fit_settings = {"defaults": {"out": out("ps_fit")}, "copy_X=False": {"stlsq": {"copy_X": False}},
                    "1 BLAS thread": {"blas_threads": 1}}
    integrators = {"solve_ivp LSODA (default)": ("solve_ivp", "LSODA"), "solve_ivp DOP853": ("solve_ivp", "DOP853"),
                   "odeint": ("odeint", None)}

    o_fit = ours("dsrlab_fit")
    p_fit = peer("pysindy_fit", fit_settings)
    rep.row("fit", o_fit, p_fit, note="dsrlab: compiled; STLSQ's rounds on the 20 x 20 Gram matrix, built once; "
            "pysindy: scikit-learn ridge on the 100,000 x 20 features each round, then an unbiasing lstsq")
    sims = {}
    for tag, tol in (("rtol = atol = 1e-12", TIGHT),) + ((("rtol 1e-7, atol 1e-9", LOOSE),) if not args.quick else ()):
        o = ours("dsrlab_fit_simulate", tol=tol, out=out(f"sim_{tol[0]}"))
        settings = {k: {"integrator": v, "tol": tol, "out": out(f"ps_sim_{tol[0]}_{v[0]}_{v[1]}")}
                    for k, v in integrators.items()}
        if n_sim > PROBE:  # find pysindy's fastest integrator on a shorter run first, then time that one
            probe = time_peer(script, ["pysindy_fit_simulate"], settings=settings, setup="setup_pysindy",
                              imports=["pysindy"], repeats=0, kwargs=dict(data=data, n_sim=PROBE, n_models=1))
            times = {k: v.cold for k, v in probe["pysindy_fit_simulate"].items()}
            fastest = min(times, key=times.get)
            pt = peer("pysindy_fit_simulate", {fastest: settings[fastest]}, repeats=1, tol=tol)
            pt.label = (f"{fastest} (fastest on {PROBE:,} steps: " + ", ".join(f"{k} {fmt(v)}" for k, v in times.items())
                        + ")")
        else:
            pt = peer("pysindy_fit_simulate", settings, repeats=1, tol=tol)
        sims[tol] = (o, pt)
        rep.row(f"fit + simulate {n_sim:,} steps, {tag}", o, pt,
                note="dsrlab: the simulator is compiled once per library (Dopri8 at 1e-12, Tsit5 at 1e-7); pysindy: "
                     "one sklearn predict per right-hand side evaluation")
    o_ens = ours("dsrlab_ensemble")
    p_ens = peer("pysindy_ensemble", {"defaults": {}, "1 BLAS thread": {"blas_threads": 1}}, repeats=1)
    if n_models_peer != 100:
        p_ens = p_ens.scaled(100 / n_models_peer, f"{p_ens.label}; {n_models_peer} members timed, scaled to 100")
    rep.row("ensemble of 100 bagged STLSQ models", o_ens, p_ens,
            note="dsrlab: members' Gram matrices 10 at a time, vmapped; pysindy: one fit per member")

    rep.text()
    c_o, c_p = np.load(out("dsrlab_fit"))["coef"], np.load(out("ps_fit"))["coef"]
    rep.text(f"fit: same support {np.array_equal(c_o != 0, c_p != 0)}; largest coefficient difference "
             f"{np.abs(c_o - c_p).max():.1e}")
    for tol, (o, pt) in sims.items():
        winner = next(v for k, v in integrators.items() if pt.label.startswith(k))
        s_o = np.load(out(f"sim_{tol[0]}"))["sim"]
        s_p = np.load(out(f"ps_sim_{tol[0]}_{winner[0]}_{winner[1]}"))["sim"]
        n_cmp = min(1_000, n_sim)  # the two agree until chaos separates them
        rep.text(f"simulate at rtol {tol[0]:g}, atol {tol[1]:g}: largest difference from pysindy's "
                 f"({pt.label.split(' (')[0]}) over the first {n_cmp:,} steps: {np.abs(s_o[:n_cmp] - s_p[:n_cmp]).max():.1e}; "
                 f"a second model on the same library simulated in {o.info['second_model_s'] * 1e3:.1f} ms with "
                 f"{o.info['second_model_compiles']} compilations")
    rep.close()


if __name__ == "__main__":
    main()
