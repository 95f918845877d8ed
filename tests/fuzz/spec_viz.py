"""Fuzz spec for dsrlab.viz: a good call of every public callable, each fuzzable argument wrapped in its kind.

A figure is not a result the harness can read, so each call returns the numbers the figure draws."""
import numpy as np

from harness import Arg, Call, array, fixed, integer, option, positive, real
from dsrlab import viz
from dsrlab.systems import get_system


def _call(title, fn, **args):
    "A Call whose arguments may include `name` (which Call's own signature takes)."
    c = Call(title, fn)
    c.args = {k: v if isinstance(v, Arg) else fixed(v) for k, v in args.items()}
    return c


def _drawn(fig):
    "The coordinates of every trace of a figure, as one float array per trace."
    out = []
    for t in fig.data:
        for axis in ("x", "y", "z"):
            v = getattr(t, axis, None)
            v = None if v is None else np.asarray(v)
            if v is not None and v.dtype.kind in "iufb":   # numbers, not the labels of a heat map's axes
                out.append(v.astype(float))
    return out


def calls():
    rng = np.random.default_rng(0)
    lorenz, henon = get_system("lorenz63"), get_system("henon")
    X = np.asarray(lorenz.trajectory(200, transient=100), np.float64)
    lam = np.exp(1j * np.linspace(0.1, 3.0, 6)) * 0.9
    re, im = np.linspace(-1, 1, 5), np.linspace(-1, 1, 4)
    tau = rng.uniform(0.01, 0.5, size=(4, 5))
    theta = np.linspace(-np.pi, np.pi, 20)
    C = np.array([[0.0, 1.5, 0.0], [-2.0, 0.0, 0.3]])
    codes = rng.integers(0, 4, size=50)
    return [
        Call("viz.new_figure", lambda title: len(viz.new_figure(title).data), title=fixed("t")),
        Call("viz.attractor_figure", lambda x, lag: _drawn(viz.attractor_figure(x, lag=lag)), x=array(X), lag=integer(1)),
        Call("viz.attractor_figure(name)", lambda n_steps, transient: _drawn(viz.attractor_figure("henon", n_steps, transient)),
             n_steps=integer(100, minimum=10), transient=integer(10, minimum=0)),
        Call("viz.time_series_figure", lambda x, dt, max_dims: _drawn(viz.time_series_figure(x, dt, max_dims)),
             x=array(X), dt=positive(0.01), max_dims=integer(3)),
        Call("viz.power_spectrum_figure", lambda x, dt, sigma, dim: _drawn(viz.power_spectrum_figure(x, dt, sigma, dim)),
             x=array(X), dt=positive(0.01), sigma=positive(2.0, allow_zero=True), dim=integer(1, minimum=0)),
        Call("viz.projection_axes", lambda truth, lag: viz.projection_axes(truth, lag), truth=array(X),
             lag=integer(1, optional=True)),
        Call("viz.projection_figure", lambda truth, model, ncols, lag: _drawn(viz.projection_figure(
             {"truth": truth, "model": model}, ncols=ncols, lag=lag)), truth=array(X), model=array(X[::-1]),
             ncols=integer(2), lag=integer(1, optional=True)),
        Call("viz.projection_figure(scalar)", lambda truth, lag: _drawn(viz.projection_figure({"truth": truth, "m": truth},
             lag=lag)), truth=array(X[:, 0]), lag=integer(3, optional=True)),
        Call("viz.lyapunov_figure", lambda exponents, reference: _drawn(viz.lyapunov_figure({"a": exponents}, reference)),
             exponents=array(np.array([0.9, 0.8]), nonfinite_ok=True), reference=real(0.906, optional=True)),
        Call("viz.critical_difference_cliques", lambda cd: viz.critical_difference_cliques({"a": 1.0, "b": 1.5, "c": 2.5}, cd),
             cd=positive(0.6)),
        Call("viz.critical_difference_figure", lambda cd: len(viz.critical_difference_figure({"a": 1.0, "b": 1.5, "c": 2.5},
             cd).layout.shapes), cd=positive(0.6)),
        Call("viz.eigenvalue_figure", lambda eigenvalues, residuals: _drawn(viz.eigenvalue_figure(eigenvalues, residuals)),
             eigenvalues=array(lam, complex_ok=True), residuals=array(np.linspace(0, 0.5, 6), optional=True)),
        Call("viz.pseudospectrum_figure", lambda re, im, tau, eigenvalues: _drawn(viz.pseudospectrum_figure(
                 re, im, tau, eigenvalues=eigenvalues)),
             re=array(re), im=array(im), tau=array(tau), eigenvalues=array(lam, complex_ok=True, optional=True)),
        Call("viz.pseudospectrum_figure(epsilons)", lambda epsilon: _drawn(viz.pseudospectrum_figure(re, im, tau, epsilons=(epsilon,))),
             epsilon=positive(0.1)),
        Call("viz.spectral_measure_figure", lambda theta, measures: _drawn(viz.spectral_measure_figure(theta, {"f": measures})),
             theta=array(theta), measures=array(np.cos(theta) ** 2)),
        Call("viz.coefficient_figure", lambda coefficients: np.asarray(   # the heat map leaves zeros blank (NaN); its text holds every value
             viz.coefficient_figure(coefficients, ["1", "x", "y"]).data[0].text, dtype=float),
             coefficients=array(C)),
        Call("viz.symbolic_graph_figure", lambda codes, min_count: _drawn(viz.symbolic_graph_figure(codes, min_count)),
             codes=array(codes), min_count=integer(1)),
        Call("viz.training_curve_figure", lambda history: _drawn(viz.training_curve_figure({"loss": history})),
             history=array(np.exp(-np.linspace(0, 3, 30)))),
        Call("viz.Explorer", lambda: viz.system_explorer("henon", 50, 0).values["a"]),
        _call("viz.system_explorer", lambda name, n_steps, lyapunov_steps: _drawn(viz.system_explorer(name, n_steps, lyapunov_steps).figure),
              name=option("henon"), n_steps=integer(50, minimum=10), lyapunov_steps=integer(20, minimum=0)),
        Call("viz.jax_vmap_step", lambda X: viz.jax_vmap_step(henon, X), X=array(X[:5, :2])),
        Call("viz.resdmd_explorer", lambda N, epsilon, grid_points: _drawn(viz.resdmd_explorer(N, epsilon, grid_points).figure),
             N=integer(8, minimum=2), epsilon=positive(0.1), grid_points=integer(10, minimum=10)),
        Call("viz.hippo_explorer", lambda measure, N, signal: _drawn(viz.hippo_explorer(measure, N, signal).figure),
             measure=option("legs"), N=integer(8), signal=option("square wave")),
    ]
