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
