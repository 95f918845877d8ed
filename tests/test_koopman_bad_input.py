"""dsrlab.koopman refuses bad input with an InputError (a ValueError) that names the argument."""
import numpy as np
import pytest

from dsrlab.core import InputError
from dsrlab.koopman import (EDMD, HAVOK, IllConditionedWarning, Kernel, KernelEDMD, StateCoordinates, StochasticResDMD,
                            autocorrelations, fourier_basis, legendre_basis, moment_measure, monomial_basis,
                            pseudospectrum, spectral_measure)

X = np.random.default_rng(0).normal(size=(50, 2))


@pytest.fixture(scope="module")
def rot():
    x = np.linspace(-np.pi, np.pi, 64, endpoint=False)[:, None]
    return EDMD(fourier_basis(1, 3)).fit(x, np.angle(np.exp(1j * (x + 1.0))))


@pytest.mark.parametrize("call, message", [
    (lambda: EDMD(StateCoordinates(2)).fit(X, X[:-1]), "X and Y must have the same shape"),
    (lambda: EDMD(StateCoordinates(3)).fit(X, X), "X must have 3 columns"),
    (lambda: EDMD(legendre_basis(2, 10)).fit(X, X), "at least as many snapshot pairs as dictionary functions (66)"),
    (lambda: EDMD(StateCoordinates(2)).fit(np.where(np.arange(100).reshape(50, 2) == 7, np.nan, X), X), "X must be finite"),
    (lambda: EDMD(StateCoordinates(2) + StateCoordinates(2)).fit(X, X), "G has condition number"),
    (lambda: KernelEDMD(Kernel("gaussian")).fit(X, X[:-1]), "X and Y must have the same shape"),
    (lambda: Kernel("gaussian", scale=-1.0), "scale must be > 0"),
    (lambda: StochasticResDMD(StateCoordinates(2)).fit(X, X, X[:-2]), "X and Y must have the same shape"),
    (lambda: HAVOK(delays=3, rank=4), "rank must not exceed delays"),
    (lambda: HAVOK(delays=10, rank=3).fit(np.ones(5)), "x"),
    (lambda: autocorrelations(np.ones((2, 2, 2)), 1), "g must be a numeric array"),
    (lambda: moment_measure(np.ones(1), [0.0]), "moments must be a 1-D numeric array"),
])
def test_bad_input(call, message):
    with pytest.raises(InputError, match=None) as e:
        call()
    assert message in str(e.value)


@pytest.mark.parametrize("kwargs, message", [
    (dict(theta=np.array([0.0, np.nan])), "theta must be finite"),
    (dict(theta={"a": 1}), "theta must be an array of real angles"),
    (dict(eps=0.0), "eps must be > 0"),
    (dict(order=0), "order must be"),
    (dict(f=np.ones(3)), "f must be the observable's 7 coefficients"),
])
def test_spectral_measure_bad_input(rot, kwargs, message):
    args = dict(f=np.eye(7)[1], theta=np.linspace(-3, 3, 5), eps=0.1, order=2) | kwargs
    with pytest.raises(InputError) as e:
        spectral_measure(rot, **args)
    assert message in str(e.value)


@pytest.mark.parametrize("grid, message", [("a string", "grid must be an array"), ([], "non-empty"),
                                           (np.array([0.5, np.inf]), "grid must be finite")])
def test_pseudospectrum_bad_grid(rot, grid, message):
    with pytest.raises(InputError) as e:
        pseudospectrum(rot, grid)
    assert message in str(e.value)


def test_ill_conditioned_dictionary_warns():
    x = np.linspace(-1, 0, 60)[:, None]
    with pytest.warns(IllConditionedWarning):
        EDMD(monomial_basis(1, 10)).fit(x, x**2)
