"""Geometry from data: the largest Lyapunov exponent from a time series and the correlation dimension.

Two independent references. `nolds.lyap_r` (Rosenstein's method in nolds, its own delay
embedding, distance matrix and fit) on the same delay-embedded series with the same
settings: the divergence curve and the exponent must agree to rounding. And the zoo's
certified exponents (variational equations and QR, dsrlab/data/invariants.json), for two
flows and two maps: within 10% (Rössler 25%, where Rosenstein's curve bends early). Then
bad input, and the warnings when a series is too short for a scaling range.
"""
import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsrlab.core import InputError
from dsrlab.metrics import ScalingRangeWarning, attractor_geometry, geometry_error, lyapunov_from_data
from dsrlab.systems import get_system


def _nolds_lyap_r():
    "nolds.lyap_r; nolds 0.6.3 fails to import on Python < 3.12 (nolds.datasets passes a module to importlib.resources.files), so then its measures module is loaded alone."
    try:
        return pytest.importorskip("nolds").lyap_r
    except TypeError:
        path = Path(importlib.util.find_spec("nolds").origin).parent / "measures.py"
        spec = importlib.util.spec_from_file_location("nolds_measures", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.lyap_r


def _embed(s, dim, lag):
    "Delay vectors (s_i, s_{i+lag}, ..., s_{i+(dim-1)lag}), row i, as nolds builds them."
    n = len(s) - (dim - 1) * lag
    return np.stack([s[k * lag: k * lag + n] for k in range(dim)], axis=1)


_CACHE = {}


def _trajectory(name, n, dt=None):
    "A zoo trajectory in float64, computed once per test session."
    key = (name, n, dt)
    if key not in _CACHE:
        s = get_system(name)
        _CACHE[key] = np.asarray(s.trajectory(n, dt=dt, transient=2000 if s.period else 100), np.float64)
    return _CACHE[key]


@pytest.mark.parametrize("case", ["lorenz63", "henon"])
def test_same_curve_and_exponent_as_nolds(case):
    lyap_r = _nolds_lyap_r()
    if case == "lorenz63":   # x coordinate at dt = 0.02, embedded in 3 dimensions with a lag of 0.1 time units
        s, tau, kw, fit_offset = _trajectory("lorenz63", 10_000)[:6000:2, 0], 0.02, dict(emb_dim=3, lag=5, min_tsep=50, trajectory_len=101), 15
    else:
        s, tau, kw, fit_offset = _trajectory("henon", 5000)[:2500, 0], 1.0, dict(emb_dim=2, lag=1, min_tsep=5, trajectory_len=16), 1
    le, (ks, div_traj, poly) = lyap_r(s, tau=tau, fit="poly", fit_offset=fit_offset, debug_data=True, **kw)
    horizon = kw["trajectory_len"] - 1
    ours = lyapunov_from_data(_embed(s, kw["emb_dim"], kw["lag"]), None if tau == 1.0 else tau, theiler=kw["min_tsep"],
                              horizon=horizon, n_points=None, fit=(fit_offset, horizon))
    np.testing.assert_array_equal(ks, np.arange(horizon + 1))
    np.testing.assert_allclose(ours.curve, div_traj, rtol=1e-10, atol=1e-12)
    assert ours.exponent == pytest.approx(le, rel=1e-9)
    assert ours.n_pairs == len(s) - (kw["emb_dim"] - 1) * kw["lag"] - horizon   # every state a reference, as in nolds


@pytest.mark.parametrize("name, n, rel", [("lorenz63", 10_000, 0.10), ("rossler", 15_000, 0.25),
                                          ("henon", 5000, 0.10), ("logistic", 5000, 0.10)])
def test_close_to_the_certified_exponent(name, n, rel):
    s = get_system(name)
    x = _trajectory(name, n)
    est = lyapunov_from_data(x, s.dt if s.period else None)   # flows: per unit time; maps: per step
    assert est.exponent == pytest.approx(s.lyapunov_max, rel=rel), (est.exponent, s.lyapunov_max, est.fit_range)
    first, last = est.fit_range
    assert 0 < first < last < len(est.curve) - 1   # past the transient, before saturation


@settings(max_examples=8, deadline=None, derandomize=True)
@given(scale=st.floats(1e-3, 1e3), shift=st.floats(-100, 100), angle=st.floats(0, 2 * np.pi))
def test_distances_only_a_rotated_scaled_shifted_copy_gives_the_same_exponent(scale, shift, angle):
    x = _trajectory("henon", 5000)[:1500]
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    a = lyapunov_from_data(x, theiler=4)
    b = lyapunov_from_data(scale * x @ rotation.T + shift, theiler=4)
    assert b.fit_range == a.fit_range
    np.testing.assert_allclose(b.curve, a.curve + np.log(scale), rtol=0, atol=1e-8)   # log distances shift by log(scale)
    assert b.exponent == pytest.approx(a.exponent, rel=1e-8)


def test_kantz_close_to_the_certified_exponent():
    x = _trajectory("henon", 5000)
    assert lyapunov_from_data(x, method="kantz").exponent == pytest.approx(get_system("henon").lyapunov_max, rel=0.1)


def test_batch_pools_the_curves():
    x = _trajectory("henon", 5000)
    pair = np.stack([x[:1200], x[1300:2500]])
    kw = dict(theiler=5, horizon=15, n_points=None, fit=(1, 8))
    both = lyapunov_from_data(pair, **kw)
    one = [lyapunov_from_data(p, **kw) for p in pair]
    np.testing.assert_allclose(both.curve, (one[0].curve + one[1].curve) / 2, rtol=1e-10)   # equal numbers of pairs


def test_attractor_geometry_of_a_model_against_the_truth():
    # the Rosenstein exponent from 6,000 points spreads from 0.86 to 1.25 between stretches of one orbit: the truth is
    # the median of five stretches, and each comparison below the median over four other stretches
    x = _trajectory("lorenz63", 30_000)
    stretches = [attractor_geometry(x[i:i + 6000], 0.01) for i in range(0, 30_000, 6000)]
    truth = {q: float(np.median([g[q] for g in stretches])) for q in stretches[0]}
    assert truth["correlation_dimension"] == pytest.approx(2.05, abs=0.1)   # Grassberger & Procaccia 1983
    assert truth["lyapunov_max"] == pytest.approx(0.906, rel=0.15)
    errors = [geometry_error(truth, x[i:i + 6000], 0.01) for i in range(3000, 27_000, 6000)]   # the same attractor,
    assert all(set(e) == {"lyapunov_max", "correlation_dimension"} for e in errors)          # other stretches
    assert np.median([e["lyapunov_max"] for e in errors]) < 0.15
    assert np.median([e["correlation_dimension"] for e in errors]) < 0.05


def test_too_few_points_are_refused_or_warn_and_give_nan():
    short = _trajectory("henon", 60)
    with pytest.raises(InputError, match="x gives no Lyapunov exponent"):
        lyapunov_from_data(short)
    with pytest.raises(InputError, match="x gives no estimate of the largest Lyapunov exponent"):
        attractor_geometry(short)
    with pytest.warns(ScalingRangeWarning, match="scaling range"):
        est = lyapunov_from_data(short, nonfinite="keep")
    assert np.isnan(est.exponent)
    with pytest.warns(ScalingRangeWarning) as record:
        geometry = attractor_geometry(short, nonfinite="keep")
    assert np.isnan(geometry["lyapunov_max"]) and np.isnan(geometry["correlation_dimension"])
    assert any("correlation dimension cannot be estimated" in str(w.message) for w in record)
    with pytest.warns(ScalingRangeWarning, match="within about one mean period"):   # 20 time units of Lorenz-63
        assert np.isnan(lyapunov_from_data(_trajectory("lorenz63", 10_000)[:1500], 0.01, nonfinite="keep").exponent)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # enough points: no warning
        lyapunov_from_data(_trajectory("henon", 5000))


def test_a_periodic_series_warns_that_nothing_diverges():
    t = np.arange(4000) * 0.05
    circle = np.stack([np.cos(t), np.sin(t)], axis=1)
    with pytest.warns(ScalingRangeWarning, match="no exponential divergence"):
        est = lyapunov_from_data(circle, 0.05)
    assert abs(est.exponent) < 0.01


@pytest.mark.parametrize("call, message", [
    (lambda x: lyapunov_from_data(x[:300], 0.01, theiler=100, horizon=200), "x must have at least 402 time steps"),
    (lambda x: lyapunov_from_data(x[:, 0], 0.01), "x must be 2-D (T, D) or 3-D (B, T, D)"),
    (lambda x: lyapunov_from_data(x, 0.0), "dt must be > 0"),
    (lambda x: lyapunov_from_data(x, 0.01, method="wolf"), "method must be 'rosenstein' or 'kantz'"),
    (lambda x: lyapunov_from_data(x, 0.01, horizon=50, fit=(10, 60)), "fit must be two steps (first, last)"),
    (lambda x: lyapunov_from_data(x, 0.01, n_points=0), "n_points must be an integer >= 20"),
    (lambda x: lyapunov_from_data(x, 0.01, levels=(0.6, 0.2)), "levels must be two fractions"),
    (lambda x: lyapunov_from_data(np.where(np.arange(len(x))[:, None] == 5, np.nan, x), 0.01), "x must be finite"),
    (lambda x: lyapunov_from_data(np.ones((500, 2)), theiler=5), "x must have distinct states"),
    (lambda x: attractor_geometry(x, -1.0), "dt must be > 0"),
])
def test_bad_input_is_refused(call, message):
    x = _trajectory("lorenz63", 10_000)[:1000]
    with pytest.raises(InputError) as info:
        call(x)
    assert message in str(info.value)
