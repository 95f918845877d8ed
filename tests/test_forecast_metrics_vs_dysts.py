"""dsrlab's forecast metrics against dysts' own functions (dysts.metrics, Gilpin 2021) on the
same arrays: random arrays of several shapes and a Lorenz-63 forecast pair.

Where dysts draws random numbers (the KL estimate samples from NumPy's global generator,
scikit-learn's mutual information adds 1e-10 jitter), the comparison either hands both the
same samples or seeds NumPy; where dysts' interface differs on purpose (MASE and MSIS along
axis 0 with `time_dim=0`; Pearson's r for univariate series), the docstring of the test says so.
The valid prediction time by sMAPE is checked against a direct loop over prefixes with dysts'
`smape`, as in Gilpin's benchmark code. dysts 0.96's `mutual_information` and `dtw` fail under
NumPy 2.4 (each stores a length-1 array in an array element); the `numpy2_fixes` fixture hands
them scalars from sklearn and cdist and leaves the rest of their code as it is."""

import numpy as np
import pytest

dm = pytest.importorskip("dysts.metrics")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

from dsrlab.core import InputError, x64  # noqa: E402
from dsrlab.metrics import (  # noqa: E402
    ValidPredictionTime, coefficient_of_variation, dtw, forecast_metrics, hellinger_distance, kl_divergence, mae,
    mase, mse, msis, mutual_information, pearson, rmse, smape, smape_prediction_time, spearman,
)
from dsrlab.metrics import _gmm_samples, _simplex_variances  # noqa: E402  (the KL test hands dysts our samples)


@pytest.fixture(autouse=True)
def _f64():
    "The comparisons are to 1e-9: run them in float64 (importing dsrlab does not turn it on globally)."
    with x64():
        yield


def _lorenz(t, x, s=10.0, r=28.0, b=8 / 3):
    return [s * (x[1] - x[0]), x[0] * (r - x[2]) - x[1], x[0] * x[1] - b * x[2]]


@pytest.fixture(scope="module")
def lorenz_pair():
    "A Lorenz-63 truth and a 'forecast' from an initial condition 1e-3 away: 1500 steps of 0.01, parting midway."
    x0 = solve_ivp(_lorenz, (0, 20), [1.0, 1.0, 1.0], rtol=1e-10, atol=1e-10).y[:, -1]   # on the attractor
    t = np.arange(1500) * 0.01
    truth = solve_ivp(_lorenz, (0, t[-1]), x0, t_eval=t, rtol=1e-10, atol=1e-10).y.T
    forecast = solve_ivp(_lorenz, (0, t[-1]), x0 + 1e-3, t_eval=t, rtol=1e-10, atol=1e-10).y.T
    return truth, forecast


def _random_pairs():
    rng = np.random.default_rng(7)
    pairs = []
    for shape in [(50, 1), (300, 3), (64, 5)]:   # (300, 3) is also the Lorenz pairs' shape: fewer compilations
        a = rng.normal(loc=0.5, size=shape)
        pairs.append((a, a + rng.normal(scale=0.7, size=shape)))
    return pairs


RANDOM = _random_pairs()


def _pairs(lorenz_pair):
    "Random pairs, the Lorenz pair's first 300 steps (close) and steps 900 to 1200 (parted)."
    truth, forecast = lorenz_pair
    return RANDOM + [(truth[:300], forecast[:300]), (truth[900:1200], forecast[900:1200])]


# --- pointwise errors ------------------------------------------------------------------

@pytest.mark.parametrize("ours, theirs", [
    (mse, dm.mse), (mae, dm.mae), (rmse, dm.rmse), (coefficient_of_variation, dm.coefficient_of_variation),
    (smape, dm.smape),
    (lambda a, b: smape(a, b, scaled=False), lambda a, b: dm.smape(a, b, scaled=False)),
], ids=["mse", "mae", "rmse", "cv", "smape", "smape_unscaled"])
def test_pointwise(ours, theirs, lorenz_pair):
    for a, b in _pairs(lorenz_pair):
        np.testing.assert_allclose(float(ours(a, b)), theirs(a, b), rtol=1e-12)


def test_pointwise_batch_is_one_value_per_trajectory(lorenz_pair):
    "A batch gives one value per trajectory; their mean is dysts' compute_metrics with batch_axis=0."
    a, b = np.stack([p[0][:300] for p in [lorenz_pair] * 2]), np.stack([lorenz_pair[1][:300], lorenz_pair[1][300:600]])
    for name, fn in [("mse", mse), ("rmse", rmse), ("smape", smape), ("coefficient_of_variation", coefficient_of_variation)]:
        ours = np.asarray(fn(a, b))
        assert ours.shape == (2,)
        np.testing.assert_allclose(ours, [getattr(dm, name)(a[i], b[i]) for i in range(2)], rtol=1e-12)
        np.testing.assert_allclose(ours.mean(), dm.compute_metrics(a, b, include=[name], batch_axis=0)[name], rtol=1e-12)


# --- MASE and MSIS -----------------------------------------------------------------------

@pytest.mark.parametrize("m", [1, 3])
def test_mase(m, lorenz_pair):
    "dysts seasons along time_dim; for (T, D) arrays time is axis 0, and dysts needs x_train of the forecast's shape."
    rng = np.random.default_rng(1)
    for a, b in _pairs(lorenz_pair):
        train = a[::-1] + rng.normal(scale=0.1, size=a.shape)
        np.testing.assert_allclose(float(mase(a, b, train, m=m)), dm.mase(a, b, train, m=m, time_dim=0), rtol=1e-12)
        np.testing.assert_allclose(float(mase(a, b, m=m)), dm.mase(a, b, m=m, time_dim=0), rtol=1e-12)


def test_mase_univariate_default_time_dim():
    "For a 1-D series dysts' default time_dim=-1 is time: the same number as ours on (T, 1)."
    rng = np.random.default_rng(2)
    y, yhat, train = rng.normal(size=(3, 80))
    np.testing.assert_allclose(float(mase(y[:, None], yhat[:, None], train[:, None], m=2)), dm.mase(y, yhat, train, m=2), rtol=1e-12)


@pytest.mark.parametrize("a_level", [0.05, 0.2])
def test_msis(a_level, lorenz_pair):
    rng = np.random.default_rng(3)
    for a, b in _pairs(lorenz_pair):
        half = np.abs(rng.normal(scale=0.5, size=a.shape))
        lower, upper, train = b - half, b + half, a + rng.normal(size=a.shape)
        ours = float(msis(a, lower, upper, train, m=2, a=a_level))
        np.testing.assert_allclose(ours, dm.msis(a, lower, upper, train, 2, time_dim=0, a=a_level), rtol=1e-12)


# --- correlations --------------------------------------------------------------------------

def test_spearman(lorenz_pair):
    for a, b in _pairs(lorenz_pair) + [(np.round(RANDOM[1][0], 1), np.round(RANDOM[1][1], 1))]:   # the last with ties
        np.testing.assert_allclose(float(spearman(a, b)), dm.spearman(a, b), rtol=1e-12)


def test_pearson(lorenz_pair):
    "Equal to dysts for D >= 2; for D = 1 dysts' pearson returns Spearman's rho (its 1-D branch calls spearmanr)."
    import scipy.stats
    for a, b in _pairs(lorenz_pair):
        if a.shape[1] > 1:
            np.testing.assert_allclose(float(pearson(a, b)), dm.pearson(a, b), rtol=1e-12)
        else:
            np.testing.assert_allclose(float(pearson(a, b)), scipy.stats.pearsonr(a[:, 0], b[:, 0])[0], rtol=1e-12)
            np.testing.assert_allclose(dm.pearson(a, b), scipy.stats.spearmanr(a[:, 0], b[:, 0])[0], rtol=1e-12)


# --- mutual information ----------------------------------------------------------------

@pytest.fixture
def numpy2_fixes(monkeypatch):
    "dysts 0.96 stores a length-1 array in an array element in mutual_information (sklearn's result) and dtw (cdist's"
    "1 x 1 matrix), which NumPy 2.4 refuses; hand it scalars, and run the rest of its code as it is."
    if hasattr(dm, "mutual_info_regression"):
        mi = dm.mutual_info_regression
        monkeypatch.setattr(dm, "mutual_info_regression", lambda *args, **kwargs: mi(*args, **kwargs)[0])
    cdist = dm.cdist
    monkeypatch.setattr(dm, "cdist", lambda *args, **kwargs: cdist(*args, **kwargs)[0, 0])


def test_mutual_information(lorenz_pair, numpy2_fixes):
    "scikit-learn jitters both series by 1e-10 (a global-state draw): equal wherever that breaks no near-tie."
    pytest.importorskip("sklearn")
    for a, b in [p for p in _pairs(lorenz_pair) if p[0].shape != (64, 5)]:   # two lengths: two compilations
        np.random.seed(0)
        np.testing.assert_allclose(float(mutual_information(a, b)), dm.mutual_information(a, b), rtol=1e-6)
    batch = np.asarray(mutual_information(np.stack([a, b]), np.stack([b, a])))
    np.testing.assert_allclose(batch, [dm.mutual_information(a, b), dm.mutual_information(b, a)], rtol=1e-6)


# --- Hellinger distance between spectra -------------------------------------------------

def test_hellinger_distance(lorenz_pair):
    for a, b in _pairs(lorenz_pair):   # the (50, 1) pair is shorter than the 100 bins
        np.testing.assert_allclose(float(hellinger_distance(a, b)), dm.average_hellinger_distance(a, b), rtol=1e-9)
    a, b = _pairs(lorenz_pair)[-1]
    np.testing.assert_allclose(float(hellinger_distance(a, b, num_freq_bins=20)), dm.average_hellinger_distance(a, b, num_freq_bins=20), rtol=1e-9)


# --- KL divergence between mixtures ------------------------------------------------------

def _dysts_kl_with_samples(monkeypatch, samples, a, b, **kwargs):
    "dysts' estimate with its sampler replaced by the given samples (its only random step)."
    monkeypatch.setattr(dm.GaussianMixture, "sample", lambda self, n_samples=1: np.asarray(samples)[:n_samples])
    return dm.estimate_kl_divergence(a, b, **kwargs)


def test_kl_divergence_fixed_variance(monkeypatch, lorenz_pair):
    key = jax.random.key(5)
    for (a, b), var in [((RANDOM[1][0][:100], RANDOM[1][1][:100]), 1.0), ((lorenz_pair[0][:150], lorenz_pair[1][:120]), 0.3)]:   # lengths may differ
        ours = float(kl_divergence(a, b, n_samples=200, sigma_scale=var, key=key))
        samples = _gmm_samples(jnp.asarray(a), jnp.full(len(a), var), jax.random.split(key, 1)[0], 200)
        np.testing.assert_allclose(ours, _dysts_kl_with_samples(monkeypatch, samples, a, b, n_samples=200, sigma_scale=var), rtol=1e-9)


def test_kl_divergence_neighbour_variances(monkeypatch, lorenz_pair):
    "sigma_scale=None: each point's variance solves sum_j exp(-(d_j - d_1) / s) = log2 10 over its 10 nearest"
    "neighbours. dysts solves it with fsolve from s = d_1 (xtol 1e-6), which for a few points stops short of the root"
    "without a warning; there ours is the root and dysts' is not. Elsewhere the two agree to fsolve's tolerance."
    pytest.importorskip("sklearn")
    a, b = lorenz_pair[0][:300:2], lorenz_pair[1][:300:2]
    k, target = 10, np.log2(10)
    for x in (a, b):
        ours, theirs = np.asarray(_simplex_variances(jnp.asarray(x))), dm.simplex_neighbors(x, k=k, tol=1e-6)[2]
        d = np.sort(np.linalg.norm(x[:, None] - x[None], axis=-1), axis=1)[:, 1:k + 1]   # the point itself excluded
        residual = lambda s: np.exp(-(d - d[:, :1]) / s[:, None]).sum(1) - target
        np.testing.assert_allclose(residual(ours), 0.0, atol=1e-9)
        converged = np.abs(residual(theirs)) < 1e-4
        assert converged.mean() > 0.9
        np.testing.assert_allclose(ours[converged], theirs[converged], rtol=1e-5)
    # the estimator itself, with dysts handed our variances and our samples
    key = jax.random.key(6)
    ours = float(kl_divergence(a, b, n_samples=200, sigma_scale=None, key=key))
    var_a = _simplex_variances(jnp.asarray(a))
    variances = {id(a): np.asarray(var_a), id(b): np.asarray(_simplex_variances(jnp.asarray(b)))}
    monkeypatch.setattr(dm, "simplex_neighbors", lambda x, **kwargs: (None, None, variances[id(x)]))
    samples = _gmm_samples(jnp.asarray(a), var_a, jax.random.split(key, 1)[0], 200)
    np.testing.assert_allclose(ours, _dysts_kl_with_samples(monkeypatch, samples, a, b, n_samples=200, sigma_scale=None), rtol=1e-9)


def test_kl_divergence_is_a_sample_of_dysts_estimator():
    "Without handing over samples, the two Monte Carlo estimates agree within their sampling error."
    rng = np.random.default_rng(8)
    a, b = rng.normal(size=(150, 3)), rng.normal(loc=0.4, size=(150, 3))
    ours = np.asarray(kl_divergence(np.stack([a] * 8), np.stack([b] * 8), n_samples=200, key=jax.random.key(1)))
    np.random.seed(1)
    theirs = np.array([dm.estimate_kl_divergence(a, b, n_samples=200) for _ in range(4)])
    assert abs(ours.mean() - theirs.mean()) < 4 * np.sqrt(ours.var(ddof=1) / 8 + theirs.var(ddof=1) / 4) + 1e-3


# --- DTW -----------------------------------------------------------------------------------

def test_dtw(lorenz_pair, numpy2_fixes):
    rng = np.random.default_rng(9)
    cases = [(rng.normal(size=(60, 3)), rng.normal(size=(80, 3))), (rng.normal(size=(30, 1)), rng.normal(size=(30, 1))),
             (lorenz_pair[0][:800:8], lorenz_pair[1][:800:8]), (lorenz_pair[0][:5], lorenz_pair[1][:1])]
    for a, b in cases:
        np.testing.assert_allclose(float(dtw(a, b)), dm.dtw(a, b)[0], rtol=1e-12)
    batch = np.asarray(dtw(np.stack([cases[0][0]] * 2), np.stack([cases[0][1], cases[0][1][::-1]])))
    np.testing.assert_allclose(batch, [dm.dtw(cases[0][0], cases[0][1])[0], dm.dtw(cases[0][0], cases[0][1][::-1])[0]], rtol=1e-12)


# --- all at once -----------------------------------------------------------------------------

def test_forecast_metrics_matches_compute_metrics(lorenz_pair, numpy2_fixes):
    "Per trajectory, then the batch mean: dysts' compute_metrics(..., batch_axis=0) on the metrics both define."
    pytest.importorskip("sklearn")
    truth, fc = lorenz_pair
    a = np.stack([truth[:300], truth[300:600], truth[600:900]])
    b = np.stack([fc[:300], fc[300:600], fc[600:900]])
    common = ["mse", "mae", "rmse", "smape", "spearman", "pearson", "coefficient_of_variation", "mutual_information", "hellinger_distance"]
    ours = forecast_metrics(a, b, include=common)
    np.random.seed(0)
    theirs = dm.compute_metrics(a, b, include=common, batch_axis=0)
    assert list(ours) == common and all(isinstance(v, float) for v in ours.values())
    for name in common:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-6 if name == "mutual_information" else 1e-9, err_msg=name)
    full = forecast_metrics(a, b, x_train=truth[900:1200])   # dysts' mase needs training data of the forecast's shape
    assert set(full) == set(common) | {"mase", "kl_divergence", "dtw"}
    np.testing.assert_allclose(full["mase"], np.mean([dm.mase(a[i], b[i], truth[900:1200], time_dim=0) for i in range(3)]), rtol=1e-12)


# --- valid prediction time by sMAPE ---------------------------------------------------------

def _vpt_loop(x, xhat, threshold=30.0, cumulative=True):
    "Gilpin's vpt_smape: the first index whose sMAPE (dysts' smape on the 0-200 scale) exceeds the threshold."
    for k in range(len(x)):
        window = slice(0, k + 1) if cumulative else slice(k, k + 1)
        if dm.smape(x[window], xhat[window], scaled=False) > threshold:
            return k
    return len(x)


@pytest.mark.parametrize("cumulative", [True, False])
def test_smape_prediction_time(cumulative, lorenz_pair):
    truth, fc = lorenz_pair
    dt, lam = 0.01, 0.9056
    v = smape_prediction_time(truth, fc, dt, lyapunov_exponent=lam, cumulative=cumulative)
    assert isinstance(v, ValidPredictionTime)
    k = _vpt_loop(truth, fc, cumulative=cumulative)
    assert 0 < k < len(truth)          # the forecast parts from the truth within the window
    assert int(v.steps) == k
    np.testing.assert_allclose(float(v.time), k * dt, rtol=1e-12)
    np.testing.assert_allclose(float(v.lyapunov_times), k * dt * lam, rtol=1e-12)
    batch = smape_prediction_time(np.stack([truth, truth[::-1]]), np.stack([fc, fc[::-1]]), dt, threshold=20.0, cumulative=cumulative)
    assert np.asarray(batch.steps).tolist() == [_vpt_loop(truth, fc, 20.0, cumulative), _vpt_loop(truth[::-1], fc[::-1], 20.0, cumulative)]
    assert batch.lyapunov_times is None
    assert int(smape_prediction_time(truth, truth, dt).steps) == len(truth)


# --- bad input ---------------------------------------------------------------------------------

BAD_PAIR = [
    (lambda f: f(np.ones((10, 3)), np.ones((10, 2))), "x_pred must"),
    (lambda f: f(np.ones(10), np.ones(10)), "x_true must be 2-D (T, D) or 3-D (B, T, D)"),
    (lambda f: f(np.ones((10, 3)), np.where(np.eye(10, 3) > 0, np.nan, 1.0)), "x_pred must be finite"),
    (lambda f: f(np.full((10, 3), np.inf), np.ones((10, 3))), "x_true must be finite"),
    (lambda f: f(np.ones((2, 10, 3)), np.ones((3, 10, 3))), "x_pred must"),
]


def _vpt_dt(a, b):
    return smape_prediction_time(a, b, 0.01)


@pytest.mark.parametrize("fn", [mse, mae, rmse, smape, coefficient_of_variation, spearman, pearson, mutual_information,
                                hellinger_distance, kl_divergence, dtw, mase, forecast_metrics, _vpt_dt],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", range(len(BAD_PAIR)))
def test_bad_pairs(fn, case):
    call, message = BAD_PAIR[case]
    with pytest.raises(InputError) as e:
        call(fn)
    assert message in str(e.value), str(e.value)


def test_bad_arguments():
    a, b = np.random.default_rng(0).normal(size=(2, 20, 3))
    with pytest.raises(InputError, match="got 'sMAPE'. Did you mean 'smape'"):
        forecast_metrics(a, b, include=["sMAPE"])
    with pytest.raises(InputError, match="Did you mean 'mutual_information'"):
        forecast_metrics(a, b, include=["mutual_info"])
    with pytest.raises(InputError, match="include must name metrics among"):
        forecast_metrics(a, b, include=["kendall"])
    with pytest.raises(InputError, match="'mase', which needs x_train"):
        forecast_metrics(a, b, include=["mae", "mase"])
    with pytest.raises(InputError, match="x_train must be of last-axis size 3"):
        forecast_metrics(a, b, x_train=a[:, :2])
    with pytest.raises(InputError, match=r"m must be < the length of x_train \(20\)"):
        mase(a, b, a, m=20)
    with pytest.raises(InputError, match="a must be in"):
        msis(a, b - 1, b + 1, a, a=1.0)
    with pytest.raises(InputError, match="upper must have the shape of x_true"):
        msis(a, b - 1, (b + 1)[:5], a)
    with pytest.raises(InputError, match="sigma_scale must be > 0"):
        kl_divergence(a, b, sigma_scale=-1.0)
    with pytest.raises(InputError, match="at least 11 time steps"):
        kl_divergence(a[:5], b[:5], sigma_scale=None)
    with pytest.raises(InputError, match="n_neighbors must be an integer"):
        mutual_information(a, b, n_neighbors=2.5)
    with pytest.raises(InputError, match="num_freq_bins must be an integer >= 1"):
        hellinger_distance(a, b, num_freq_bins=0)
    with pytest.raises(InputError, match="dt must be > 0"):
        smape_prediction_time(a, b, -0.1)
    with pytest.raises(InputError, match="threshold must be > 0"):
        smape_prediction_time(a, b, 0.1, threshold=0.0)
    with pytest.raises(InputError, match="lyapunov_exponent must be a real number"):
        smape_prediction_time(a, b, 0.1, lyapunov_exponent="0.9")
    with pytest.raises(InputError, match="x_pred must have the batch size and state dimension"):
        dtw(a, b[:, :2])
