"""Properties any sound state-space divergence has, checked with Hypothesis on random moves, stretches, far-away mass
and orderings; the reference convention (outside='drop', the lab's code) is shown to break them (a counterexample is found).

The default profile runs a fixed, small number of examples (the default test budget);
`DSRLAB_HYPOTHESIS_PROFILE=nightly pytest tests/test_metric_properties.py` runs many more.
"""
import os
import warnings

import jax
import numpy as np
import pytest
from hypothesis import HealthCheck, find, given, settings, strategies as st

from dsrlab.metrics import NonFiniteWarning, state_space_divergence
from dsrlab.systems import get_system

settings.register_profile("default", max_examples=10, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("nightly", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("DSRLAB_HYPOTHESIS_PROFILE", "default"))


def _attractor(name, n=5000):
    s = get_system(name)
    x = np.asarray(s.trajectory(2 * n, transient=1000), np.float64)
    return x[:n], x[n:]            # two samples of one attractor: a "truth" and a correct model's sample


DATA = {name: _attractor(name) for name in ("lorenz63", "henon", "rossler")}
datasets = st.sampled_from(sorted(DATA))
directions = st.lists(st.floats(-1, 1), min_size=3, max_size=3).filter(lambda v: np.linalg.norm(v) > 0.1)


def D(truth, gen, outside="count", **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(state_space_divergence(truth, gen, outside=outside, **kw))


def moved(name, direction, s):
    "The truth moved by s standard deviations along `direction` (a sample, not the truth, would score better for"
    "moves within its own sampling noise)."
    truth, _ = DATA[name]
    u = np.asarray(direction[: truth.shape[1]]); u = u / max(np.linalg.norm(u), 1e-12)
    return truth, truth + s * u * truth.std(0)


def stretched(name, c):
    "The truth stretched by c about its mean."
    truth, _ = DATA[name]
    return truth, truth.mean(0) + c * (truth - truth.mean(0))


def with_far_mass(name, f, dist=100.0):
    "A correct sample with far-away points added, so that they are a fraction f of the whole."
    truth, gen = DATA[name]
    n_far = int(round(f / (1 - f) * len(gen)))
    return truth, np.concatenate([gen, gen[np.arange(n_far) % len(gen)] + dist * truth.std(0)])


TOL = 1e-9
pairs = st.tuples(st.floats(0, 50), st.floats(0.05, 100)).map(lambda t: (t[0], t[0] + t[1]))


@given(datasets, directions, pairs)
def test_moving_further_never_scores_better(name, direction, s):
    t, g1 = moved(name, direction, s[0]); _, g2 = moved(name, direction, s[1])
    assert D(t, g1) <= D(t, g2) + TOL


@given(datasets, st.floats(1.0, 20.0), st.floats(0.05, 20.0))
def test_stretching_further_never_scores_better(name, c, dc):
    t, g1 = stretched(name, c); _, g2 = stretched(name, c + dc)
    assert D(t, g1) <= D(t, g2) + TOL


@settings(max_examples=4)   # each example has its own length, and so its own compilation
@given(datasets, st.floats(0.0, 0.9), st.floats(0.01, 0.09), st.floats(5.0, 1e6))
def test_more_far_away_mass_scores_worse(name, f, df, dist):
    t, g1 = with_far_mass(name, f, dist); _, g2 = with_far_mass(name, f + df, dist)
    assert D(t, g1) < D(t, g2)
    assert D(t, g1, "drop") == D(t, g2, "drop")      # the reference convention does not see it at all


@given(datasets, directions, st.floats(0.05, 100), st.floats(1.05, 20))
def test_the_truth_scores_lowest(name, direction, s, c):
    truth, correct = DATA[name]
    zero = D(truth, truth)
    assert zero == 0.0
    for gen in (correct, moved(name, direction, s)[1], stretched(name, c)[1], with_far_mass(name, 0.5)[1]):
        assert zero <= D(truth, gen)
    assert D(truth, correct) < D(truth, with_far_mass(name, 0.5)[1])


@given(datasets, st.integers(0, 2**32 - 1), st.sampled_from(["count", "drop"]))
def test_order_of_points_does_not_matter(name, seed, outside):
    truth, gen = DATA[name]
    perm = np.random.default_rng(seed).permutation(len(gen))
    assert abs(D(truth, gen, outside) - D(truth, gen[perm], outside)) < 1e-10


def test_reference_convention_breaks_monotonicity():
    "Hypothesis finds a move and a stretch that score better for going further, with the reference convention only."
    def breaks_move(case):
        name, direction, (s1, s2) = case
        t, g1 = moved(name, direction, s1); _, g2 = moved(name, direction, s2)
        return D(t, g1, "drop") > D(t, g2, "drop") + 0.5
    case = find(st.tuples(datasets, directions, pairs), breaks_move, settings=settings(max_examples=200, database=None, derandomize=True))
    name, direction, (s1, s2) = case
    t, g1 = moved(name, direction, s1); _, g2 = moved(name, direction, s2)
    assert D(t, g1) <= D(t, g2) + TOL            # the same case, counted: no reward for going further

    def breaks_stretch(case):
        name, c, dc = case
        return D(*stretched(name, c), outside="drop") > D(*stretched(name, c + dc), outside="drop") + 0.5
    find(st.tuples(datasets, st.floats(1.0, 20.0), st.floats(0.05, 20.0)), breaks_stretch,
         settings=settings(max_examples=200, database=None, derandomize=True))


GAUSS = np.random.default_rng(0).normal(size=(2000, 6))
GAUSS_GEN = np.random.default_rng(1).normal(size=(2000, 6))


@settings(max_examples=10)
@given(st.floats(0.0, 30.0), st.floats(0.5, 30.0))
def test_mixture_form_moving_further_never_scores_better(s, ds):
    kw = dict(method="gmm", mc_samples=300, key=jax.random.key(0))
    assert D(GAUSS, GAUSS_GEN + s, **kw) <= D(GAUSS, GAUSS_GEN + s + ds, **kw) + TOL


def test_mixture_form_reference_convention_loses_far_models():
    "Far enough away, the reference convention drops every sample and returns nothing; counting returns a large score."
    kw = dict(method="gmm", mc_samples=300, key=jax.random.key(0))
    assert np.isnan(D(GAUSS, GAUSS_GEN + 30.0, "drop", **kw))
    assert D(GAUSS, GAUSS_GEN + 30.0, **kw) > 1000


@given(st.floats(0.0, 0.9), st.sampled_from(["binning", "gmm"]))
@settings(max_examples=10)
def test_non_finite_points_count_as_the_worst_case_and_are_reported(f, method):
    truth, gen = DATA["lorenz63"]
    bad = gen.copy(); n = int(f * len(bad)) + 1; bad[:n] = np.nan
    far = gen.copy(); far[:n] = 1e12
    kw = dict(method=method, mc_samples=200) if method == "gmm" else {}
    with pytest.warns(NonFiniteWarning, match=f"{n} of {len(gen)} generated points are not finite"):
        d_bad = float(state_space_divergence(truth, bad, **kw))
    assert abs(d_bad - D(truth, far, **kw)) < 1e-6 * max(1.0, abs(d_bad)) or (method == "gmm" and d_bad <= D(truth, far, **kw))
    assert d_bad >= D(truth, gen, **kw) - TOL
