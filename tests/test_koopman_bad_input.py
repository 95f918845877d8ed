"""dsrlab.koopman refuses bad input with an InputError (a ValueError) that names the argument."""
import warnings

import jax
import numpy as np
import pytest

from dsrlab.core import DivergedError, InputError
from dsrlab.koopman import (DMD, EDMD, HAVOK, FunctionDictionary, HankelDMD, IllConditionedWarning, Kernel,
                            KernelDictionary, KernelEDMD, KoopmanReconstructor, RadialBasis, RandomFourierFeatures,
                            ResDMD, StateCoordinates, StochasticResDMD, TensorDictionary, autocorrelations,
                            continuous_time, fourier_basis, gauss_legendre, hermite_basis, kernel_resdmd, kmeans,
                            legendre_basis, moment_measure, monomial_basis, monte_carlo, pseudo_eigenfunctions,
                            pseudospectrum, rational_kernel, spectral_measure, tensor_grid)

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
    (lambda: StochasticResDMD(StateCoordinates(2)).fit(X, X, X[:-2]), "X and Y2 must have the same shape"),
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


def test_ill_conditioned_dictionary_warns_at_the_callers_line():
    # before: the warning was attributed to a file inside dsrlab (the x64 wrapper), not to the user's call
    x = np.linspace(-1, 0, 60)[:, None]
    with pytest.warns(IllConditionedWarning) as caught:
        EDMD(monomial_basis(1, 10)).fit(x, x**2)
    assert [w.filename for w in caught] == [__file__]


def test_dmd_default_rank_is_the_numerical_rank():
    # before: rank=None on rank-deficient data said "rank must not exceed the numerical rank of X (12); got 16"
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(100, 12)) @ rng.normal(size=(12, 16))
    assert DMD().fit(Z[:-1], Z[1:]).eigenvalues.shape == (12,)
    with pytest.raises(InputError, match=r"rank must not exceed the numerical rank of X \(12\); got 16"):
        DMD(rank=16).fit(Z[:-1], Z[1:])
    with pytest.raises(InputError, match="X must be not all zero"):
        DMD().fit(np.zeros((5, 3)), np.zeros((5, 3)))


def test_dmd_of_complex_snapshots():
    # before: "X must be real-valued; got a complex array"
    t = np.arange(50) * 0.1
    Z = np.stack([np.exp(1.5j * t), 0.5 * np.exp(-0.7j * t)], -1)
    dmd = DMD().fit(Z[:-1], Z[1:])
    np.testing.assert_allclose(np.sort(np.asarray(continuous_time(dmd.eigenvalues, 0.1)).imag), [-0.7, 1.5], atol=1e-10)
    np.testing.assert_allclose(np.asarray(dmd.generate(Z[0], 50)), Z, atol=1e-10)
    with pytest.raises(InputError, match="x0"):
        DMD().fit(Z.real[:-1], Z.real[1:]).generate(Z[0], 5)      # a real DMD takes real states


@pytest.mark.parametrize("generate", [
    lambda: DMD().fit(np.array([[1.0], [2.0]]), np.array([[2.0], [4.0]])).generate(np.ones(1), 2000),
    lambda: EDMD(StateCoordinates(1)).fit(np.array([[1.0], [2.0]]), np.array([[2.0], [4.0]])).generate(np.ones(1), 2000),
    lambda: HAVOK(4, 3).fit(1.1 ** np.arange(60.0) * np.cos(np.arange(60.0))).simulate(np.ones(2), np.zeros(9000)),
], ids=["DMD", "EDMD", "HAVOK"])
def test_generation_that_leaves_the_finite_numbers_raises(generate):
    with pytest.raises(DivergedError):
        generate()


def test_nonfinite_keep_returns_the_raw_forecast():
    dmd = DMD().fit(np.array([[1.0], [2.0]]), np.array([[2.0], [4.0]]))
    assert not np.all(np.isfinite(dmd.generate(np.ones(1), 2000, nonfinite="keep")))


K = jax.random.key(0)


@pytest.mark.parametrize("call, name", [
    (lambda: gauss_legendre(8, "0", 1.0), "lo"), (lambda: gauss_legendre(8, -1.0, None), "hi"),
    (lambda: monte_carlo(8, key=None), "key"), (lambda: tensor_grid((np.ones(3), np.ones(2))), "weights"),
    (lambda: TensorDictionary("chebyshev", 3, dim=1), "families"), (lambda: TensorDictionary(None, 3), "families"),
    (lambda: TensorDictionary("legendre", 3, centre=np.nan, dim=1), "centre"),
    (lambda: hermite_basis(2, 3, scale=True), "scale"), (lambda: legendre_basis("2", 3), "dim"),
    (lambda: legendre_basis(2, 3, lo=0.0, hi=0.0), "hi"), (lambda: kmeans(X, 3, key=3), "key"),
    (lambda: RadialBasis(X[:4], -1.0, "gaussian"), "scale"), (lambda: RadialBasis(X[:4, 0], 1.0, "gaussian"), "centres"),
    (lambda: RadialBasis(X[:4], 1.0, "cubic"), "kind"), (lambda: RandomFourierFeatures(2, 5, key="key"), "key"),
    (lambda: StateCoordinates(0), "n_dim"), (lambda: FunctionDictionary("f", 2), "fn"),
    (lambda: legendre_basis(2, 2)(np.ones(3)), "x"), (lambda: legendre_basis(2, 2).evaluate("X"), "X"),
    (lambda: ResDMD(StateCoordinates(2), epsilon=0.0), "epsilon"), (lambda: EDMD("legendre"), "dictionary"),
    (lambda: DMD(rank=1.5), "rank"), (lambda: HankelDMD(delays=0), "delays"), (lambda: HankelDMD(4).generate(X, 3), "fitted"),
    (lambda: continuous_time(np.zeros(2), 0.1), "eigenvalues"), (lambda: continuous_time(np.ones(2), "0.1"), "dt"),
    (lambda: KoopmanReconstructor(n_centres=True), "n_centres"), (lambda: rational_kernel(7, 0.1), "order"),
    (lambda: autocorrelations(np.array([]), 0), "g"), (lambda: moment_measure(np.array([1.0, np.nan]), [0.0]), "moments"),
    (lambda: Kernel("gaussian")(np.ones(2), np.ones(3)), "y"), (lambda: Kernel("gaussian", degree=0), "degree"),
    (lambda: Kernel("gaussian").matrix(X, X[:, :1]), "Y"), (lambda: KernelDictionary(Kernel("gaussian"), X[:4], np.ones((3, 2))), "coefficients"),
    (lambda: KernelEDMD(Kernel("gaussian"), rtol=-1.0), "rtol"), (lambda: KernelEDMD("gaussian"), "kernel"),
    (lambda: kernel_resdmd(Kernel("gaussian"), X, X, X[:, :1], X[:, :1], 5), "X2"),
    (lambda: StochasticResDMD(StateCoordinates(2)).fit(X, X, X[:, :1]), "Y2"), (lambda: HAVOK(delays=10, rank="3"), "rank"),
])
def test_refusals_name_the_argument(call, name):
    with pytest.raises(InputError, match=name):
        call()


def test_eigenfunctions_refuse_states_where_the_dictionary_overflows(rot):
    with pytest.raises(InputError, match="x must be states where the dictionary is finite"):
        EDMD(monomial_basis(2, 3)).fit(X, X).eigenfunctions(np.full((2, 2), 1e200))
    with pytest.raises(InputError, match="z must be finite"):
        pseudo_eigenfunctions(rot, np.array([np.nan]))
