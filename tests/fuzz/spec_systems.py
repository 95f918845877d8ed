"""Fuzz spec for dsrlab.systems: a good call of every public callable, each fuzzable argument wrapped in its kind."""
import jax
import numpy as np

from harness import Arg, Call, array, fixed, integer, option, positive, real, key
from dsrlab import systems as s


def _call(title, fn, **args):
    "A Call whose arguments may include `name` (which Call's own signature takes)."
    c = Call(title, fn)
    c.args = {k: v if isinstance(v, Arg) else fixed(v) for k, v in args.items()}
    return c


def calls():
    lorenz, henon, mg = s.get_system("lorenz63"), s.get_system("henon"), s.get_system("mackey_glass")
    x0 = np.asarray(lorenz.x0)
    x0s = x0 + np.random.default_rng(0).normal(size=(3, 3))
    h0 = np.asarray(henon.x0)
    ts = np.linspace(0.0, 1.0, 6)
    K = jax.random.key(0)
    return [
        Call("systems.SystemSpec", lambda: s.SYSTEMS["lorenz63"].lyapunov_max),
        Call("systems.list_systems", lambda kind: len(s.list_systems(kind)), kind=fixed("map")),
        Call("systems.system_table", lambda: len(s.system_table())),
        _call("systems.get_system", lambda name: s.get_system(name).x0, name=option("lorenz63")),
        Call("systems.get_system(params)", lambda rho: s.get_system("lorenz63", rho=rho).params["rho"], rho=real(28.0)),
        Call("systems.get_system(dim)", lambda dim: s.get_system("lorenz96", dim=dim).x0, dim=integer(6, minimum=4, optional=True)),
        Call("systems.System.trajectory", lambda n_steps, dt, x0, transient: lorenz.trajectory(n_steps, dt, x0, transient),
             n_steps=integer(20), dt=positive(0.01, optional=True), x0=array(x0, optional=True), transient=integer(0, minimum=0)),
        Call("systems.System.trajectory(pts_per_period)", lambda pts_per_period: lorenz.trajectory(20, pts_per_period=pts_per_period),
             pts_per_period=positive(100.0, optional=True)),
        Call("systems.System.trajectory(noise)", lambda obs_noise, dyn_noise, key: lorenz.trajectory(
                 20, obs_noise=obs_noise, dyn_noise=dyn_noise, key=key),
             obs_noise=positive(0.1, allow_zero=True), dyn_noise=positive(0.1, allow_zero=True), key=key(K)),
        Call("systems.System.trajectory(options)", lambda rtol, atol, max_steps: lorenz.trajectory(
                 20, rtol=rtol, atol=atol, max_steps=max_steps),
             rtol=positive(1e-6), atol=positive(1e-8), max_steps=integer(10_000, optional=True)),
        Call("systems.System.trajectory(nonfinite)", lambda nonfinite: lorenz.trajectory(20, nonfinite=nonfinite),
             nonfinite=option("raise")),
        Call("systems.System.trajectories", lambda x0s, n_steps, dt, transient: lorenz.trajectories(x0s, n_steps, dt, transient=transient),
             x0s=array(x0s), n_steps=integer(20), dt=positive(0.01, optional=True), transient=integer(0, minimum=0)),
        Call("systems.Map.trajectory", lambda n_steps, dt, x0, transient: henon.trajectory(n_steps, dt, x0, transient),
             n_steps=integer(20), dt=positive(1.0, optional=True), x0=array(h0, optional=True), transient=integer(5, minimum=0)),
        Call("systems.Map.trajectory(noise)", lambda dyn_noise, key: henon.trajectory(20, dyn_noise=dyn_noise, key=key),
             dyn_noise=positive(0.01, allow_zero=True), key=key(K)),
        Call("systems.DelaySystem.trajectory", lambda n_steps, dt, x0, transient: mg.trajectory(n_steps, dt, x0, transient),
             n_steps=integer(20), dt=positive(1.0, optional=True), x0=array(np.asarray(mg.x0), optional=True), transient=integer(0, minimum=0)),
        Call("systems.DelaySystem.trajectory(h_max)", lambda h_max: mg.trajectory(20, h_max=h_max), h_max=positive(0.1)),
        Call("systems.Flow.rhs", lambda x: lorenz.rhs(0.0, x), x=array(x0)),
        Call("systems.Map.step", lambda x: henon.step(x), x=array(h0)),
        Call("systems.DelaySystem.rhs", lambda x, x_tau: mg.rhs(0.0, x, x_tau), x=array(np.array([1.2])),
             x_tau=array(np.array([0.9]))),
        Call("systems.System.dim", lambda: lorenz.dim),
        Call("systems.rk_solve", s.rk_solve, f=fixed(lambda x: -x), x0=array(np.array([1.0, 2.0])), ts=array(ts),
             h0=positive(0.01), rtol=positive(1e-6), atol=positive(1e-8), max_steps=integer(1000)),
        Call("systems.lyapunov_spectrum", lambda x0, n_steps, n_exponents, transient: s.lyapunov_spectrum(
                 henon, x0, n_steps, None, n_exponents, transient),
             x0=array(h0, optional=True), n_steps=integer(200), n_exponents=integer(2, optional=True), transient=integer(10, minimum=0)),
        Call("systems.lyapunov_spectrum(flow)", lambda x0, n_steps, dt, rtol, atol: s.lyapunov_spectrum(
                 lorenz, x0, n_steps, dt, None, 0, rtol=rtol, atol=atol),
             x0=array(x0, optional=True), n_steps=integer(20), dt=positive(0.01, optional=True), rtol=positive(1e-6), atol=positive(1e-8)),
        Call("systems.lyapunov_spectrum(step)", lambda system_or_step_fn, x0, dt: s.lyapunov_spectrum(
                 system_or_step_fn, x0, 100, dt, None, 10),
             system_or_step_fn=fixed(henon.step), x0=array(h0), dt=positive(0.5, optional=True)),
    ]
