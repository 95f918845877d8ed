"""dsrlab's systems against dysts (Gilpin 2021): same default parameters, same initial
conditions, and the same right-hand side at random states, for every system both have.

Systems with angle coordinates are compared in their angle form (`SystemSpec.fn`, which is
dysts' form); the zoo exposes each angle as a (cos, sin) pair, checked here by the chain rule.
Where our equations or initial condition depart from dysts', the spec's `note` says why, and
the comparison is replaced by a check that the note exists (see DEPARTS)."""

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
DEPARTS = sorted(n for n in SHARED if SYSTEMS[n].note)   # ours differs from dysts, on purpose, with the reason in the note


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
    theirs = {k: np.asarray(v, dtype=np.float64) for k, v in _dysts_system(name).params.items()}
    assert set(ours) == set(theirs)
    for k in ours:   # some parameters are arrays (hopfield's coupling matrix)
        np.testing.assert_allclose(np.asarray(ours[k], dtype=np.float64), theirs[k], rtol=1e-12, err_msg=k)


@pytest.mark.parametrize("name", [n for n in SHARED if SYSTEMS[n].kind != "delay" and n not in DEPARTS])
def test_initial_condition_matches(name):
    ic = np.atleast_1d(np.asarray(_dysts_system(name).ic, dtype=np.float64))
    np.testing.assert_allclose(SYSTEMS[name].x0, ic, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", [n for n in SHARED if n not in DEPARTS])
def test_rhs_matches_at_random_states(name):
    ds, spec = _dysts_system(name), SYSTEMS[name]
    kind, params = spec.kind, {k: jnp.asarray(v) for k, v in spec.params.items()}
    for x in _random_states(spec.x0, 20, seed=hash(name) % 2**32):
        if kind == "flow":
            ours = np.asarray(spec.fn(jnp.asarray(x), params))
            theirs = np.ravel(np.asarray(ds.rhs(x, 0.0), dtype=np.float64))
        elif kind == "map":
            ours = np.asarray(spec.fn(jnp.asarray(x), params))
            theirs = np.ravel(np.asarray(ds.rhs(x[None]), dtype=np.float64))  # dysts maps take (batch, D)
        else:  # delay: dysts' _rhs(x, x_tau, t, *params in sorted order)
            x_now, x_tau = abs(x[0]), abs(x[0]) + 0.3
            ours = np.asarray(spec.fn(jnp.array([x_now]), jnp.array([x_tau]), params))
            theirs = np.ravel(np.asarray(ds._rhs(x_now, x_tau, 0.0, *ds.param_list), dtype=np.float64))
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10, err_msg=f"{name} at {x}")


@pytest.mark.parametrize("dim", [5, 10, 40])
def test_lorenz96_any_dimension(dim):
    ds, system = dysts_flows.Lorenz96(), get_system("lorenz96", dim=dim, F=8.0)
    ds.f = 8.0
    for x in _random_states(np.full(dim, 8.0), 5, seed=dim):
        np.testing.assert_allclose(np.asarray(system.rhs(0.0, jnp.asarray(x))), ds.rhs(x, 0.0), rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("name", DEPARTS)
def test_departures_say_why(name):
    "Where ours departs from dysts, the system's text says what differs and why."
    assert len(SYSTEMS[name].note) > 40


@pytest.mark.parametrize("name", sorted(n for n in SYSTEMS if SYSTEMS[n].angles and SYSTEMS[n].kind == "flow"))
def test_exposed_angles_follow_the_chain_rule(name):
    "The exposed (cos, sin) pair of every angle moves as d/dt (cos, sin) = (2 pi / T) theta' (-sin, cos)."
    spec, system = SYSTEMS[name], get_system(name)
    params = {k: jnp.asarray(v) for k, v in spec.params.items()}
    for z in _random_states(spec.x0, 5, seed=1):
        parts, dparts = [], []   # the exposed state and its derivative, built by hand
        dz = np.asarray(spec.fn(jnp.asarray(z), params))
        for i in range(len(z)):
            if i in spec.angles:
                w = 2 * np.pi / spec.angles[i]
                parts += [np.cos(w * z[i]), np.sin(w * z[i])]
                dparts += [-np.sin(w * z[i]) * w * dz[i], np.cos(w * z[i]) * w * dz[i]]
            else:
                parts.append(z[i]); dparts.append(dz[i])
        y = np.array(parts)
        np.testing.assert_allclose(np.asarray(system.rhs(0.0, jnp.asarray(y))), dparts, rtol=1e-9, atol=1e-9)
