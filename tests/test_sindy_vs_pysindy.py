"""dsrlab's SINDy against pysindy (bench extra): the same library matrix and feature names, the
same derivatives, and for STLSQ the same support and the same coefficients to 1e-6 on the same
data and hyperparameters. The data come from SciPy's solve_ivp, independent of both."""

import warnings

import numpy as np
import pytest

ps = pytest.importorskip("pysindy")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

from dsrlab.sindy import (  # noqa: E402
    SINDy, STLSQ, SR3, FiniteDifference, FourierLibrary, PolynomialLibrary, SmoothedFiniteDifference)
from dsrlab.core import x64  # noqa: E402


@pytest.fixture(autouse=True)
def _float64():
    "Every comparison with pysindy runs in float64 (JAX arrays made from NumPy's float64 data stay float64)."
    with x64():
        yield


def _lorenz(t, s, sigma=10.0, rho=28.0, beta=8 / 3):
    x, y, z = s
    return [sigma * (y - x), x * (rho - z) - y, x * y - beta * z]


@pytest.fixture(scope="module")
def lorenz_data():
    "Lorenz-63 sampled every 0.002 for 10 time units, clean and with 1% noise."
    dt = 0.002
    t = np.arange(0, 10, dt)
    x = solve_ivp(_lorenz, (0, t[-1]), [-8.0, 8.0, 27.0], t_eval=t, rtol=1e-12, atol=1e-12).y.T
    noisy = x + 0.01 * x.std(0) * np.random.default_rng(0).normal(size=x.shape)
    return dt, t, x, noisy


def _pysindy_fit(x, dt, degree, x_dot=None, **stlsq):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ps.SINDy(optimizer=ps.STLSQ(**stlsq), feature_library=ps.PolynomialLibrary(degree=degree))
        model.fit(x, t=dt, x_dot=x_dot)
    return model.coefficients()


def _ours(x, dt, degree, x_dot=None, **stlsq):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SINDy(PolynomialLibrary(degree=degree), STLSQ(**stlsq)).fit(x, dt, x_dot=x_dot)
    return np.asarray(model.coefficients)


def _assert_same(ours, theirs):
    np.testing.assert_array_equal(ours != 0, theirs != 0, err_msg="supports differ")
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("degree", [1, 2, 3])
def test_library_matrix_and_names(lorenz_data, degree):
    _, _, x, _ = lorenz_data
    theirs = ps.PolynomialLibrary(degree=degree).fit(x)
    ours = PolynomialLibrary(degree=degree)
    assert ours.feature_names(["x0", "x1", "x2"]) == theirs.get_feature_names()
    np.testing.assert_allclose(np.asarray(ours.transform(jnp.asarray(x[:500]))), theirs.transform(x[:500]), rtol=1e-14)


def test_fourier_library_matches(lorenz_data):
    _, _, x, _ = lorenz_data
    theirs = ps.FourierLibrary(n_frequencies=3).fit(x)
    ours = FourierLibrary(n_frequencies=3)
    # pysindy writes sin(1 x0) where we write sin(x0)
    assert [n.replace("(1 ", "(") for n in theirs.get_feature_names()] == ours.feature_names(["x0", "x1", "x2"])
    np.testing.assert_allclose(np.asarray(ours.transform(jnp.asarray(x[:500]))), theirs.transform(x[:500]), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("order", [1, 2, 4])
def test_finite_differences_match(lorenz_data, order):
    dt, t, x, _ = lorenz_data
    np.testing.assert_allclose(np.asarray(FiniteDifference(order=order)(jnp.asarray(x), dt)),
                               ps.FiniteDifference(order=order)._differentiate(x, t), rtol=1e-9, atol=1e-9)


def test_smoothed_finite_differences_match(lorenz_data):
    dt, t, _, noisy = lorenz_data
    theirs = ps.SmoothedFiniteDifference(smoother_kws=dict(window_length=15, polyorder=3))._differentiate(noisy, t)
    ours = SmoothedFiniteDifference(window_length=15, polyorder=3)(jnp.asarray(noisy), dt)
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-9, atol=1e-8)


GRID = [
    dict(threshold=0.1, alpha=0.05),                                   # pysindy's defaults
    dict(threshold=0.5, alpha=0.0),
    dict(threshold=0.1, alpha=1.0, unbias=False),
    dict(threshold=0.05, alpha=0.05, max_iter=3),                      # stopped before convergence
    dict(threshold=0.5, alpha=0.05, normalize_columns=True),
    dict(threshold=2.0, alpha=0.5, normalize_columns=True, unbias=False),
    dict(threshold=1.5, alpha=0.05),                                   # drops true terms too
]


@pytest.mark.parametrize("degree", [2, 3])
@pytest.mark.parametrize("kw", GRID, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
@pytest.mark.parametrize("which", ["clean", "noisy"])
def test_stlsq_same_support_and_coefficients(lorenz_data, degree, kw, which):
    "Same library, same derivatives, same hyperparameters: same support, coefficients to 1e-6."
    dt, t, clean, noisy = lorenz_data
    x = clean if which == "clean" else noisy
    x_dot = ps.FiniteDifference()._differentiate(x, t)
    _assert_same(_ours(x, dt, degree, x_dot=x_dot, **kw), _pysindy_fit(x, dt, degree, x_dot=x_dot, **kw))


@pytest.mark.parametrize("which", ["clean", "noisy"])
def test_whole_pipeline_matches(lorenz_data, which):
    "From the trajectory alone: both differentiate with second-order finite differences, then fit."
    dt, _, clean, noisy = lorenz_data
    x = clean if which == "clean" else noisy
    _assert_same(_ours(x, dt, 2), _pysindy_fit(x, dt, 2))


def test_multiple_trajectories_match(lorenz_data):
    dt, _, clean, noisy = lorenz_data
    xs = [clean[:2000], noisy[2500:]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ps.SINDy(optimizer=ps.STLSQ(threshold=0.2), feature_library=ps.PolynomialLibrary(degree=2))
        theirs.fit(xs, t=dt)
    ours = SINDy(PolynomialLibrary(2), STLSQ(threshold=0.2)).fit(xs, dt)
    _assert_same(np.asarray(ours.coefficients), theirs.coefficients())


def test_discrete_time_matches():
    "Henon map data: DiscreteSINDy and ours with discrete_time=True."
    x = np.zeros((500, 2)); x[0] = [0.1, 0.1]
    for n in range(499):
        x[n + 1] = [1 - 1.4 * x[n, 0] ** 2 + x[n, 1], 0.3 * x[n, 0]]
    x_noisy = x + 1e-3 * np.random.default_rng(1).normal(size=x.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ps.DiscreteSINDy(optimizer=ps.STLSQ(threshold=0.05), feature_library=ps.PolynomialLibrary(degree=3))
        theirs.fit(x_noisy, t=1)
    ours = SINDy(PolynomialLibrary(3), STLSQ(threshold=0.05), discrete_time=True).fit(x_noisy)
    _assert_same(np.asarray(ours.coefficients), theirs.coefficients())


@pytest.mark.parametrize("regularizer,lam", [("L0", 0.5), ("L1", 0.1)])
def test_sr3_matches(lorenz_data, regularizer, lam):
    "SR3 for a fixed number of iterations (pysindy's tolerance set so small that it never stops early)."
    dt, t, _, noisy = lorenz_data
    x_dot = ps.FiniteDifference()._differentiate(noisy, t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ps.SINDy(optimizer=ps.SR3(reg_weight_lam=lam, regularizer=regularizer, max_iter=50, tol=1e-300),
                          feature_library=ps.PolynomialLibrary(degree=2))
        theirs.fit(noisy, t=dt, x_dot=x_dot)
    ours = SINDy(PolynomialLibrary(2), SR3(reg_weight_lam=lam, regularizer=regularizer, max_iter=50)).fit(noisy, dt, x_dot=x_dot)
    _assert_same(np.asarray(ours.coefficients), theirs.coefficients())


def test_simulate_matches(lorenz_data):
    "The same identified model, integrated by pysindy (LSODA) and by us (diffrax), agrees over 2 time units."
    dt, t, x, _ = lorenz_data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ps.SINDy(feature_library=ps.PolynomialLibrary(degree=2)).fit(x, t=dt)
        sim_theirs = theirs.simulate(x[0], t[:1000])
    ours = SINDy(PolynomialLibrary(2)).fit(x, dt)
    sim_ours = np.asarray(ours.simulate(x[0], 1000, rtol=1e-10, atol=1e-10))
    np.testing.assert_allclose(sim_ours, sim_theirs, atol=1e-5 * np.abs(x).max())


def test_threshold_sweep_is_one_vmap(lorenz_data):
    "STLSQ's threshold is data: a sweep over thresholds is one vmapped call, equal to separate fits."
    dt, t, _, noisy = lorenz_data
    from dsrlab.sindy import _gram, _stlsq_gram
    theta = PolynomialLibrary(2).transform(jnp.asarray(noisy))
    y = FiniteDifference()(jnp.asarray(noisy), dt)
    G, B = _gram(theta, y)
    mask = jnp.ones((3, 10), bool)
    thresholds = jnp.array([0.05, 0.1, 0.5, 1.0, 5.0])
    swept = jax.vmap(lambda th: _stlsq_gram(G, B, mask, th, 0.05, 20, True, False))(thresholds)
    for th, xi in zip([0.05, 0.1, 0.5, 1.0, 5.0], swept):
        _assert_same(np.asarray(xi), _pysindy_fit(noisy, dt, 2, threshold=th))


def test_smoothed_pipeline_matches(lorenz_data):
    "Savitzky-Golay smoothing then finite differences, with the library at the smoothed states (save_smooth)."
    dt, _, _, noisy = lorenz_data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ps.SINDy(optimizer=ps.STLSQ(threshold=0.2), feature_library=ps.PolynomialLibrary(degree=2),
                          differentiation_method=ps.SmoothedFiniteDifference(smoother_kws=dict(window_length=21, polyorder=3)))
        theirs.fit(noisy, t=dt)
    ours = SINDy(PolynomialLibrary(2), STLSQ(threshold=0.2), SmoothedFiniteDifference(window_length=21)).fit(noisy, dt)
    _assert_same(np.asarray(ours.coefficients), theirs.coefficients())


def test_ensemble_members_are_stlsq_on_bootstrap_samples(lorenz_data):
    "Each member of our vmapped ensemble equals pysindy's STLSQ on the same bootstrap sample of rows."
    from dsrlab.sindy import EnsembleSINDy
    dt, t, _, noisy = lorenz_data
    theta = PolynomialLibrary(2).transform(jnp.asarray(noisy))
    y = FiniteDifference()(jnp.asarray(noisy), dt)
    key = jax.random.key(3)
    members = EnsembleSINDy(STLSQ(threshold=0.2), n_models=4).members(theta, y, key=key)
    for i, k in enumerate(jax.random.split(key, 4)):
        rows = np.asarray(jax.random.choice(jax.random.split(k)[0], theta.shape[0], (theta.shape[0],), replace=True))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            opt = ps.STLSQ(threshold=0.2).fit(np.asarray(theta)[rows], np.asarray(y)[rows])
        _assert_same(np.asarray(members[i]), opt.coef_)
