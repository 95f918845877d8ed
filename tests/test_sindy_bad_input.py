"""dsrlab.sindy refuses bad input with an InputError that names the argument, before anything compiles."""
import warnings

import jax
import numpy as np
import pytest

from dsrlab.core import DivergedError, InputError
from dsrlab.sindy import (SINDy, SR3, STLSQ, EnsembleSINDy, FiniteDifference, PolynomialLibrary, SmoothedFiniteDifference,
                          WeakSINDy, support_errors)
from dsrlab.systems import get_system

DT = 0.01
X = np.asarray(get_system("lorenz63").trajectory(600, dt=DT))
rng = np.random.default_rng(0)
THETA, Y = rng.normal(size=(100, 5)), rng.normal(size=(100, 2))
THETA_NAN = THETA.copy(); THETA_NAN[3, 1] = np.nan
Y_INF = Y.copy(); Y_INF[7, 0] = np.inf


@pytest.mark.parametrize("optimizer", [STLSQ(), SR3(), EnsembleSINDy(STLSQ(), n_models=3)], ids=["STLSQ", "SR3", "Ensemble"])
@pytest.mark.parametrize("theta, y, name", [(THETA_NAN, Y, "theta"), (THETA, Y_INF, "y")])
def test_optimizers_refuse_nonfinite_data(optimizer, theta, y, name):
    # before: STLSQ gave all-zero coefficients (every comparison with NaN is False), without a word
    with pytest.raises(InputError, match=f"{name} must be finite"):
        optimizer.fit(theta, y, key=jax.random.key(0))


@pytest.mark.parametrize("make, name", [
    (lambda: STLSQ(threshold=np.nan), "threshold"), (lambda: STLSQ(alpha="0.1"), "alpha"),
    (lambda: STLSQ(max_iter=0), "max_iter"), (lambda: STLSQ(max_iter=2.5), "max_iter"),
    (lambda: SR3(relax_coeff_nu=0.0), "relax_coeff_nu"), (lambda: SR3(reg_weight_lam=-1.0), "reg_weight_lam"),
    (lambda: SR3(max_iter=True), "max_iter"), (lambda: SR3(regularizer="L2"), "regularizer"),
    (lambda: EnsembleSINDy(STLSQ(), n_models="20"), "n_models"), (lambda: EnsembleSINDy(STLSQ(), aggregate="mode"), "aggregate"),
    (lambda: EnsembleSINDy(STLSQ(), chunk=0), "chunk"), (lambda: EnsembleSINDy("stlsq"), "optimizer"),
    (lambda: FiniteDifference(order=None), "order"), (lambda: SmoothedFiniteDifference(polyorder=-1), "polyorder"),
    (lambda: PolynomialLibrary(degree="2"), "degree"), (lambda: WeakSINDy(n_subdomains=0), "n_subdomains"),
])
def test_hyperparameters_are_checked_when_built(make, name):
    with pytest.raises(InputError, match=name):
        make()


def test_integer_hyperparameters_accept_0d_arrays():
    # a 0-d array is an integer: it is made a Python int (a static field must be hashable)
    assert STLSQ(max_iter=np.int64(5)).max_iter == 5 and type(STLSQ(max_iter=jax.numpy.asarray(5)).max_iter) is int


@pytest.mark.parametrize("cls", [SINDy, lambda: WeakSINDy(n_subdomains=50, subdomain_width=21)], ids=["SINDy", "WeakSINDy"])
def test_a_nested_list_is_one_trajectory(cls):
    # before: x.tolist() was read as 600 series of 3 samples each, and gave a one-dimensional model
    model = cls().fit(X.tolist(), DT)
    assert model.dim == 3
    np.testing.assert_allclose(model.coefficients, cls().fit(X, DT).coefficients, atol=1e-6)


def test_a_list_of_arrays_is_a_list_of_trajectories():
    model = SINDy().fit([X[:300], X[300:]], DT)
    assert model.dim == 3
    with pytest.raises(InputError, match="data must be trajectories of one state dimension"):
        SINDy().fit([X[:300], X[300:, :2]], DT)


def test_time_stamps_as_a_list_of_numbers_are_one_grid():
    t = list(np.arange(600) * DT)
    np.testing.assert_allclose(SINDy().fit(X, t=t).coefficients, SINDy().fit(X, DT).coefficients, atol=1e-6)


def test_the_sparsity_warning_points_at_the_callers_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SINDy(optimizer=STLSQ(threshold=1e6)).fit(X, DT)
    assert [w.filename for w in caught if "removed every term" in str(w.message)] == [__file__]


def test_simulate_raises_on_a_blow_up_and_keeps_it_when_asked():
    t = np.arange(60) * DT
    x = (1 / (1 - t))[:, None]                                  # dx/dt = x^2: blows up at t = 1
    model = SINDy(PolynomialLibrary(2), STLSQ(threshold=0.05)).fit(x, DT)
    with pytest.raises(DivergedError):
        model.simulate(x[0], 200)
    kept = model.simulate(x[0], 200, nonfinite="keep")
    assert kept.shape == (200, 1) and not np.all(np.isfinite(kept))
    with pytest.raises(InputError, match="nonfinite"):
        model.simulate(x[0], 20, nonfinite="warn")


@pytest.mark.parametrize("call, name", [
    (lambda m: m.simulate(X[0], 10, rtol=0.0), "rtol"), (lambda m: m.simulate(X[0], 10, max_steps=1.5), "max_steps"),
    (lambda m: m.simulate(X[0], 10, dt="0.01"), "dt"), (lambda m: m.predict("x"), "x"), (lambda m: m.predict(X, u=X), "u"),
    (lambda m: m.equations(precision=-1), "precision"), (lambda m: m.to_system(name=3), "name"),
    (lambda m: m.score(X[:, :2], DT), "data"), (lambda m: m.score(X[0], DT), "data"),
])
def test_fitted_model_methods_refuse_bad_arguments(call, name):
    model = SINDy().fit(X, DT)
    with pytest.raises(InputError, match=name):
        call(model)


def test_support_errors_checks_shapes_and_allows_an_empty_support():
    with pytest.raises(InputError, match="true"):
        support_errors(np.ones((2, 3)), np.ones((3, 2)))
    assert support_errors(np.zeros((2, 3)), np.zeros((2, 3))) == (0, 0.0)
