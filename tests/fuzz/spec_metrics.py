"""Fuzz spec for dsrlab.metrics: a good call of every public callable, each fuzzable argument wrapped in its kind."""
import warnings

import jax
import numpy as np

from harness import Call, array, fixed, integer, option, positive, real, key
from dsrlab import metrics as m
from dsrlab.systems import get_system


def calls():
    rng = np.random.default_rng(0)
    lorenz, henon = get_system("lorenz63"), get_system("henon")
    X = np.asarray(lorenz.trajectory(400, transient=200), np.float64)
    G = X + 0.5 * rng.normal(size=X.shape)
    T, P = X[:60], X[:60] + 0.1 * rng.normal(size=(60, 3))
    train = X[100:200]
    H = np.asarray(henon.trajectory(2000, transient=100), np.float64)
    K = jax.random.key(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = m.attractor_geometry(H)
    return [
        Call("metrics.suggested_bins", m.suggested_bins, n_points=integer(1000), dim=integer(3)),
        Call("metrics.state_space_divergence", m.state_space_divergence, x_true=array(X), x_gen=array(G, nonfinite_ok=True),
             n_bins=integer(8), method=option("binning"), outside=option("count"), alpha=positive(1e-5)),
        Call("metrics.state_space_divergence(gmm)", lambda x_true, x_gen, scaling, max_time_steps, mc_samples, key:
             m.state_space_divergence(x_true, x_gen, method="gmm", scaling=scaling, max_time_steps=max_time_steps,
                                      mc_samples=mc_samples, key=key),
             x_true=array(X), x_gen=array(G, nonfinite_ok=True), scaling=positive(1.0), max_time_steps=integer(200),
             mc_samples=integer(100), key=key(K, optional=True)),
        Call("metrics.power_spectrum_distance", m.power_spectrum_distance, x_true=array(X), x_gen=array(G),
             sigma=positive(2.0, allow_zero=True)),
        Call("metrics.ValidPredictionTime", lambda: m.ValidPredictionTime(3, 0.3, None).time),
        Call("metrics.normalized_error", m.normalized_error, x_true=array(T), x_pred=array(P)),
        Call("metrics.normalized_error(std)", m.normalized_error, x_true=fixed(T), x_pred=fixed(P), std=array(np.ones(3), optional=True)),
        Call("metrics.valid_prediction_time", m.valid_prediction_time, x_true=array(T), x_pred=array(P), dt=positive(0.01),
             lyapunov_time=positive(1.1, optional=True), threshold=positive(0.5)),
        Call("metrics.valid_prediction_time(exponent)", lambda lyapunov_exponent: m.valid_prediction_time(
                 T, P, 0.01, lyapunov_exponent=lyapunov_exponent), lyapunov_exponent=positive(0.9, optional=True)),
        Call("metrics.prediction_error", m.prediction_error, x_true=array(T), x_pred=array(P), n=integer(5)),
        Call("metrics.max_lyapunov", m.max_lyapunov, step_fn=fixed(henon.step), z0=array(np.asarray(henon.x0)),
             n_steps=integer(200), transient=integer(10, minimum=0)),
        Call("metrics.mse", m.mse, x_true=array(T), x_pred=array(P)),
        Call("metrics.mae", m.mae, x_true=array(T), x_pred=array(P)),
        Call("metrics.rmse", m.rmse, x_true=array(T), x_pred=array(P)),
        Call("metrics.smape", m.smape, x_true=array(T), x_pred=array(P), eps=positive(1e-10, allow_zero=True)),
        Call("metrics.coefficient_of_variation", m.coefficient_of_variation, x_true=array(T), x_pred=array(P),
             eps=positive(1e-10, allow_zero=True)),
        Call("metrics.mase", m.mase, x_true=array(T), x_pred=array(P), x_train=array(train, optional=True), m=integer(2),
             eps=positive(1e-10, allow_zero=True)),
        Call("metrics.msis", m.msis, x_true=array(T), lower=array(P - 1), upper=array(P + 1), x_train=array(train),
             m=integer(1), a=positive(0.05), eps=positive(1e-10, allow_zero=True)),
        Call("metrics.pearson", m.pearson, x_true=array(T), x_pred=array(P)),
        Call("metrics.spearman", m.spearman, x_true=array(T), x_pred=array(P)),
        Call("metrics.mutual_information", m.mutual_information, x_true=array(T), x_pred=array(P), n_neighbors=integer(3)),
        Call("metrics.hellinger_distance", m.hellinger_distance, x_true=array(T), x_pred=array(P), num_freq_bins=integer(20)),
        Call("metrics.kl_divergence", m.kl_divergence, x_true=array(T), x_pred=array(P), n_samples=integer(200),
             sigma_scale=positive(1.0, optional=True), key=key(K, optional=True)),
        Call("metrics.dtw", m.dtw, x_true=array(T[:30]), x_pred=array(P[:25])),
        Call("metrics.forecast_metrics", m.forecast_metrics, x_true=array(T), x_pred=array(P), x_train=array(train, optional=True),
             key=key(K, optional=True)),
        Call("metrics.forecast_metrics(include)", lambda include: m.forecast_metrics(T, P, include=[include]),
             include=option("mse")),
        Call("metrics.smape_prediction_time", m.smape_prediction_time, x_true=array(T), x_pred=array(P), dt=positive(0.01),
             threshold=positive(30.0), lyapunov_exponent=positive(0.9, optional=True), eps=positive(1e-10, allow_zero=True)),
        Call("metrics.mean_period", m.mean_period, x=array(X)),
        Call("metrics.LyapunovFromData", lambda: m.LyapunovFromData(0.9, np.zeros(3), (0, 2), 0.0, 1.0, 5, 10, "kantz").exponent),
        Call("metrics.lyapunov_from_data", lambda x, dt, method, theiler, horizon, n_points: m.lyapunov_from_data(
                 x, dt, method=method, theiler=theiler, horizon=horizon, n_points=n_points).exponent,
             x=array(H), dt=positive(1.0, optional=True), method=option("rosenstein"), theiler=integer(1, minimum=0, optional=True),
             horizon=integer(20, minimum=4, optional=True), n_points=integer(300, optional=True)),
        Call("metrics.lyapunov_from_data(kantz)", lambda n_neighbors, radius: m.lyapunov_from_data(
                 H, None, method="kantz", n_neighbors=n_neighbors, radius=radius, n_points=300).exponent,
             n_neighbors=integer(5), radius=positive(0.005, optional=True)),
        Call("metrics.attractor_geometry", m.attractor_geometry, x=array(H), dt=positive(1.0, optional=True),
             max_points=integer(2000, minimum=100)),
        Call("metrics.geometry_error", m.geometry_error, truth=fixed(ref), x_gen=array(H), dt=positive(1.0, optional=True)),
    ]
