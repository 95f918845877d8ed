"""dsrlab.koopman.pseudospectrum: the default route (shifted Cholesky + Lanczos, continued along the grid) against
the exact SVD route on grids the notebook does not try: shuffled, with repeated and conjugate points, points on the
eigenvalues, a complex dictionary, and a grid on the scale of the benchmark's."""
import numpy as np
import pytest

from dsrlab.koopman import EDMD, RadialBasis, StateCoordinates, fourier_basis, pseudospectrum


@pytest.fixture(scope="module")
def duffing_like():
    # a nonlinear map, 60 radial basis functions: tau spans two decades on the grid
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(2000, 2))
    Y = np.c_[X[:, 0] + 0.2 * X[:, 1], 0.9 * X[:, 1] - 0.2 * (X[:, 0] ** 3 - X[:, 0])]
    import jax
    return EDMD(RadialBasis.at_kmeans(np.r_[X, Y], 60, key=jax.random.key(0))).fit(X, Y)


def _rel(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b) / b))


def test_grid_against_svd(duffing_like):
    xs = np.linspace(-1.3, 1.3, 41)
    Z = xs[None, :] + 1j * xs[:, None]
    tau = pseudospectrum(duffing_like, Z)
    assert tau.shape == Z.shape
    assert _rel(tau, pseudospectrum(duffing_like, Z, method="svd")) < 1e-9


def test_order_repeats_and_conjugates(duffing_like):
    # the result does not depend on the order of the points, repeated points or conjugate pairs
    z = np.random.default_rng(1).uniform(-1.3, 1.3, size=(40, 2)) @ np.array([1, 1j])
    grid = np.r_[z, z.conj(), z[:5]].reshape(5, 17)
    tau = np.asarray(pseudospectrum(duffing_like, grid)).ravel()
    assert _rel(tau, pseudospectrum(duffing_like, grid.ravel(), method="svd")) < 1e-9
    assert np.array_equal(tau[:40], tau[40:80]) and np.array_equal(tau[:5], tau[80:])


def test_on_the_eigenvalues():
    # a linear map seen through its own coordinates: EDMD is exact and tau vanishes on the eigenvalues
    A = np.array([[0.9, -0.3], [0.3, 0.9]]) * 0.95
    X = np.random.default_rng(2).normal(size=(100, 2))
    model = EDMD(StateCoordinates(2)).fit(X, X @ A.T)
    lam = np.linalg.eigvals(A)
    z = np.r_[lam, lam + 1e-6, lam + 0.3, 0.0]
    tau = np.asarray(pseudospectrum(model, z))
    assert np.all(tau[:2] < 1e-13)
    assert np.allclose(tau[2:], np.asarray(pseudospectrum(model, z[2:], method="svd")), rtol=1e-9, atol=1e-15)


@pytest.fixture(scope="module")
def circle_map():
    # Fourier modes are complex: no conjugate symmetry, the pencil is complex
    x = np.linspace(-np.pi, np.pi, 64, endpoint=False)[:, None]
    return EDMD(fourier_basis(1, 6)).fit(x, np.angle(np.exp(1j * (x + 0.7 + 0.3 * np.sin(x)))))


def test_complex_dictionary(circle_map):
    xs = np.linspace(-1.4, 1.4, 14)                       # off the real axis (see the next test)
    Z = xs[None, :] + 1j * xs[:, None]
    assert _rel(pseudospectrum(circle_map, Z), pseudospectrum(circle_map, Z, method="svd")) < 1e-9


def test_paired_singular_values(circle_map):
    # on the real axis the two smallest singular values of this map's pencil agree to 1e-5..1e-7 (its Koopman operator
    # is nearly unitary, with eigenvalues in conjugate pairs); Lanczos from one vector cannot split such a pair, and
    # its value lies between the two: off by at most their difference
    z = np.linspace(-1.4, 1.4, 15).astype(complex)
    C = np.asarray(circle_map.C)
    s = np.array([np.linalg.svd(C - zz * np.eye(*C.shape), compute_uv=False)[-2:] for zz in z])
    tau = np.asarray(pseudospectrum(circle_map, z))
    assert np.all(np.abs(tau - s[:, 1]) <= s[:, 0] - s[:, 1] + 1e-9 * s[:, 1])
