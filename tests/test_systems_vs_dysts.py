"""dsrlab's systems against dysts (Gilpin 2021): same default parameters, same initial
conditions, and the same right-hand side at random states, for every system both have."""

import numpy as np
import pytest

dysts_flows = pytest.importorskip("dysts.flows")
dysts_maps = pytest.importorskip("dysts.maps")

import jax.numpy as jnp  # noqa: E402

from dsrlab.core import x64  # noqa: E402
from dsrlab.systems import DYSTS_NAMES, DYSTS_PARAM_NAMES, SYSTEMS, get_system  # noqa: E402


@pytest.fixture(autouse=True)
def _f64():
    "The comparisons are to 1e-10: run them with float64 on (importing dsrlab no longer turns it on globally)."
    with x64():
        yield

SHARED = sorted(DYSTS_NAMES)


def _dysts_system(name):
    spec = SYSTEMS[name]
    module = dysts_maps if spec.kind == "map" else dysts_flows
    return getattr(module, DYSTS_NAMES[name])()


def _dysts_params(name, params):
    "Our parameter dict with dysts' parameter names."
    rename = DYSTS_PARAM_NAMES.get(name, {})
    return {rename.get(k, k): v for k, v in params.items()}


def _random_states(x0, n, seed):
    rng = np.random.default_rng(seed)
    x0 = np.asarray(x0, dtype=np.float64)
    return x0 + rng.normal(size=(n, x0.size)) * (0.5 + 0.5 * np.abs(x0))


def test_there_are_many_shared_systems():
    assert len(SHARED) >= 40


@pytest.mark.parametrize("name", SHARED)
def test_default_parameters_match(name):
    ours = _dysts_params(name, SYSTEMS[name].params)
    theirs = {k: float(np.asarray(v)) for k, v in _dysts_system(name).params.items()}
    assert set(ours) == set(theirs)
    for k in ours:
        assert ours[k] == pytest.approx(theirs[k], rel=1e-12), k


@pytest.mark.parametrize("name", [n for n in SHARED if SYSTEMS[n].kind != "delay"])
def test_initial_condition_matches(name):
    ic = np.atleast_1d(np.asarray(_dysts_system(name).ic, dtype=np.float64))
    np.testing.assert_allclose(SYSTEMS[name].x0, ic, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", SHARED)
def test_rhs_matches_at_random_states(name):
    ds, system = _dysts_system(name), get_system(name)
    kind = SYSTEMS[name].kind
    for x in _random_states(system.x0, 20, seed=hash(name) % 2**32):
        if kind == "flow":
            ours = np.asarray(system.rhs(0.0, jnp.asarray(x)))
            theirs = np.ravel(np.asarray(ds.rhs(x, 0.0), dtype=np.float64))
        elif kind == "map":
            ours = np.asarray(system.step(jnp.asarray(x)))
            theirs = np.ravel(np.asarray(ds.rhs(x[None]), dtype=np.float64))  # dysts maps take (batch, D)
        else:  # delay: dysts' _rhs(x, x_tau, t, *params in sorted order)
            x_now, x_tau = abs(x[0]), abs(x[0]) + 0.3
            ours = np.asarray(system.rhs(0.0, jnp.array([x_now]), jnp.array([x_tau])))
            theirs = np.ravel(np.asarray(ds._rhs(x_now, x_tau, 0.0, *ds.param_list), dtype=np.float64))
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10, err_msg=f"{name} at {x}")


@pytest.mark.parametrize("dim", [5, 10, 40])
def test_lorenz96_any_dimension(dim):
    ds, system = dysts_flows.Lorenz96(), get_system("lorenz96", dim=dim, F=8.0)
    ds.f = 8.0
    for x in _random_states(np.full(dim, 8.0), 5, seed=dim):
        np.testing.assert_allclose(np.asarray(system.rhs(0.0, jnp.asarray(x))), ds.rhs(x, 0.0), rtol=1e-12, atol=1e-10)
