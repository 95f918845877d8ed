"""Bad input is refused with an `InputError` that names the argument, before JAX compiles anything.

"Before any compilation" is checked, not assumed: a listener on JAX's compile events
counts the XLA compilations that happen while the bad call runs.
"""
import contextlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dsrlab.core import InputError, as_array, delay_embed, sample_subsequences, train_test_split
from dsrlab import metrics
from dsrlab.systems import get_system, lyapunov_spectrum

_compiles = []
jax.monitoring.register_event_duration_secs_listener(
    lambda event, duration, **kw: _compiles.append(event) if "backend_compile" in event else None
)


@contextlib.contextmanager
def no_compilation():
    before = len(_compiles)
    yield
    assert len(_compiles) == before, f"compiled {len(_compiles) - before} time(s) before refusing the input"


def refuses(fn, *needles):
    with no_compilation(), pytest.raises(InputError) as e:
        fn()
    for n in needles:
        assert n in str(e.value), f"{n!r} not in {str(e.value)!r}"
    assert isinstance(e.value, ValueError)


rng = np.random.default_rng(0)
X = rng.normal(size=(500, 3))
NAN = X.copy(); NAN[10, 2] = np.nan
INF = X.copy(); INF[3, 0] = np.inf
KEY = jax.random.key(0)


def test_listener_sees_compilations():
    before = len(_compiles)
    jax.jit(lambda a: a * 3.14159 + 2.71828)(jnp.arange(7.0))
    assert len(_compiles) > before


@pytest.mark.parametrize("call, needles", [
    (lambda: as_array(NAN, "x"), ["x must be finite", "1 non-finite"]),
    (lambda: as_array(X[:, 0], "x"), ["x must be 2-D", "(500,)"]),
    (lambda: delay_embed(X[:3], m=5), ["at least 5 time steps", "got 3"]),
    (lambda: train_test_split(X, 0.0), ["test_fraction must be > 0"]),
    (lambda: sample_subsequences(X, 1000, 8, key=KEY), ["at least 1000 time steps"]),
])
def test_core(call, needles):
    refuses(call, *needles)


@pytest.mark.parametrize("call, needles", [
    (lambda: metrics.state_space_divergence(INF, X), ["x_true", "finite"]),
    (lambda: metrics.state_space_divergence(X, INF, outside="drop"), ["x_gen", "finite"]),   # counted by default
    (lambda: metrics.state_space_divergence(X, X, outside="nowhere"), ["outside"]),
    (lambda: metrics.state_space_divergence(X, X[:, :2]), ["x_gen", "dimension"]),
    (lambda: metrics.state_space_divergence(X, X, n_bins=0), ["n_bins"]),
    (lambda: metrics.power_spectrum_distance(NAN, X), ["x_true", "finite"]),
    (lambda: metrics.power_spectrum_distance(X, X, sigma=-1), ["sigma"]),
    (lambda: metrics.valid_prediction_time(X, X, dt=0.0), ["dt must be > 0"]),
    (lambda: metrics.valid_prediction_time(X, X, dt=-0.01), ["dt must be > 0"]),
    (lambda: metrics.valid_prediction_time(X, X[:100], dt=0.01), ["x_pred"]),
    (lambda: metrics.prediction_error(X, X, 500), ["n"]),
    (lambda: metrics.max_lyapunov(lambda z: z, np.array([np.nan, 0.0]), 10), ["z0", "finite"]),
])
def test_metrics(call, needles):
    refuses(call, *needles)


LORENZ = get_system("lorenz63")
HENON = get_system("henon")


@pytest.mark.parametrize("call, needles", [
    (lambda: get_system("lorenz64"), ["lorenz64", "lorenz63"]),
    (lambda: get_system("lorenz63", sigmaa=10.0), ["sigmaa", "sigma"]),
    (lambda: LORENZ.trajectory(0), ["n_steps"]),
    (lambda: LORENZ.trajectory(100, dt=-0.01), ["dt must be > 0"]),
    (lambda: LORENZ.trajectory(100, dt=0.0), ["dt must be > 0"]),
    (lambda: LORENZ.trajectory(100, x0=[1.0, 2.0]), ["x0", "(3,)"]),
    (lambda: LORENZ.trajectory(100, x0=[np.nan, 0.0, 0.0]), ["x0", "finite"]),
    (lambda: LORENZ.trajectories(np.zeros((5, 2)), 100), ["x0s", "3"]),
    (lambda: LORENZ.trajectory(100, obs_noise=0.1), ["key"]),
    (lambda: HENON.trajectory(100, x0=[np.inf, 0.0]), ["x0", "finite"]),
    (lambda: lyapunov_spectrum(LORENZ, n_steps=0), ["n_steps"]),
    (lambda: lyapunov_spectrum(lambda z: 2 * z), ["x0"]),
])
def test_systems(call, needles):
    refuses(call, *needles)


@pytest.mark.parametrize("call, needles", [
    (lambda: LORENZ.trajectory(10, key=3, obs_noise=0.1), ["key must be a JAX random key"]),
    (lambda: LORENZ.trajectory(10, rtol=-1.0), ["rtol must be > 0"]),
    (lambda: LORENZ.trajectory(10, max_steps=1.5), ["max_steps must be an integer"]),
    (lambda: LORENZ.trajectory(10, solver="tsit5"), ["solver must be a diffrax solver"]),
    (lambda: LORENZ.trajectory(10, rtoll=1e-6), ["unknown option(s) rtoll", "rtol, atol"]),
    (lambda: LORENZ.trajectory(10, nonfinite="ignore"), ["nonfinite must be one of 'raise', 'keep'"]),
    (lambda: HENON.trajectory(10, rtol=1e-6), ["unknown option(s) rtol for henon"]),
    (lambda: get_system("mackey_glass").trajectory(10, h_max=0.0), ["h_max must be > 0"]),
    (lambda: LORENZ.rhs(0.0, [1.0, 2.0]), ["x must be of last-axis size 3"]),
    (lambda: HENON.step(np.array([np.nan, 0.0])), ["x must be finite"]),
    (lambda: lyapunov_spectrum(HENON.step, np.zeros(3), 10), ["system_or_step_fn must accept x0 of shape (3,)"]),
])
def test_systems_more(call, needles):
    refuses(call, *needles)


def test_a_diverging_trajectory_raises_unless_kept():
    from dsrlab.core import DivergedError
    far = np.full(3, 1e30)
    with pytest.raises(DivergedError, match="lorenz63: the trajectory is not finite from sample 1"):
        LORENZ.trajectory(5, x0=far)
    kept = np.asarray(LORENZ.trajectory(5, x0=far, nonfinite="keep"))
    assert np.isnan(kept[1:]).all()


def test_rk_solve_checks_its_arguments():
    from dsrlab.core import DivergedError
    from dsrlab.systems import rk_solve
    ts = np.linspace(0.0, 1.0, 5)
    refuses(lambda: rk_solve(lambda x: -x, np.ones(2), ts[::-1], 0.1, 1e-6, 1e-8, 100), "ts must be non-decreasing")
    refuses(lambda: rk_solve(lambda x: -x, np.ones(2), ts, 0.0, 1e-6, 1e-8, 100), "h0 must be > 0")
    refuses(lambda: rk_solve(lambda x: -x, np.ones(2), ts, 0.1, 1e-6, 1e-8, 0), "max_steps must be an integer >= 1")
    np.testing.assert_allclose(rk_solve(lambda x: -x, np.ones(2), ts, 0.1, 1e-8, 1e-10, 1000)[:, 0], np.exp(-ts), rtol=1e-5)
    np.testing.assert_allclose(rk_solve(lambda x: -x, np.ones(2, np.float16), ts.astype(int), 0.1, 1e-6, 1e-8, 1000)[:, 0],
                               np.exp(-ts.astype(int)), rtol=1e-4)   # float16 / int input computes in float32
    with pytest.raises(DivergedError, match="max_steps"):
        rk_solve(lambda x: -x, np.ones(2), ts, 0.1, 1e-6, 1e-8, 2)


S = X[:50]


@pytest.mark.parametrize("call, needles", [
    (lambda: metrics.pearson(S, np.ones_like(S)), ["x_pred must vary in every dimension", "Pearson"]),
    (lambda: metrics.spearman(np.ones_like(S), S), ["x_true must vary in every dimension", "Spearman"]),
    (lambda: metrics.mase(S, S, np.ones((20, 3)), eps=0.0), ["x_train must not repeat itself", "eps > 0"]),
    (lambda: metrics.coefficient_of_variation(np.array([[1.0, -1.0], [-1.0, 1.0]]), np.ones((2, 2)), eps=0.0), ["x_true must have a mean other than -eps"]),
    (lambda: metrics.suggested_bins(1.5, 3), ["n_points must be an integer"]),
    (lambda: metrics.kl_divergence(S, S, key=3), ["key must be a JAX random key"]),
    (lambda: metrics.state_space_divergence(S, S, method="gmm", key="key"), ["key must be a JAX random key"]),
    (lambda: metrics.max_lyapunov(HENON.step, np.zeros(3), 10), ["step_fn must accept z0 of shape (3,)"]),
    (lambda: metrics.lyapunov_from_data(S, 0.01, nonfinite="nan"), ["nonfinite must be one of"]),
])
def test_metrics_more(call, needles):
    refuses(call, *needles)


def test_constant_series_give_defined_values():
    zero = np.zeros((10, 2))
    assert float(metrics.smape(zero, zero, eps=0.0)) == 0.0   # equal values: no error, not 0 / 0
    assert np.isfinite(float(metrics.mase(S, S + 1, np.ones((20, 3)))))   # eps > 0 keeps the scale finite


from dsrlab import hippo, invariants, viz  # noqa: E402,F401  (imported here: importing compiles nothing in the tests)


@pytest.mark.parametrize("call, needles", [
    (lambda: invariants.correlation_dimension(X, min_decades=0), ["min_decades must be > 0"]),
    (lambda: invariants.lyapunov_estimate(HENON, transient=None), ["transient must be an integer"]),
    (lambda: viz.power_spectrum_figure(X, sigma=-1.0), ["sigma must be a finite number >= 0 and <= 100000"]),
    (lambda: viz.power_spectrum_figure(X, dim=1.5), ["dim must be an integer"]),
    (lambda: viz.eigenvalue_figure(np.ones(3), residuals=np.ones(3) + 1j), ["residuals must be real-valued"]),
    (lambda: viz.training_curve_figure({"loss": [1.0, np.nan]}), ["history['loss'] must be finite"]),
    (lambda: viz.symbolic_graph_figure(np.arange(5), min_count=0), ["min_count must be an integer >= 1"]),
    (lambda: viz.hippo_explorer("legz"), ["measure must be one of", "Did you mean"]),
    (lambda: viz.attractor_figure("lorenz64"), ["x, a string, must name a system", "lorenz63"]),
])
def test_invariants_and_viz(call, needles):
    refuses(call, *needles)
