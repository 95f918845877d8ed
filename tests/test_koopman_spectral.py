"""dsrlab.koopman: spectral measures, kernel ResDMD and stochastic ResDMD against closed forms and independent estimators.

The notebook runs the small cases; these repeat them and add the ones too slow for its default
path (the Lorenz-63 delay-coordinate measure, kernel ResDMD in ten dimensions).
"""
import math

import numpy as np
import pytest

from dsrlab.core import delay_embed
from dsrlab.koopman import (EDMD, Kernel, StateCoordinates, StochasticResDMD, autocorrelations, fourier_basis,
                            hermite_basis, kernel_resdmd, moment_measure, rational_kernel, spectral_measure)
from dsrlab.systems import get_system

THETA = np.linspace(-np.pi, np.pi, 257)
WAVE = np.array([(j + 1) // 2 * (1 if j % 2 else -1) for j in range(33)])


def _poisson(phi, eps):
    r = 1 + eps
    return (r**2 - 1) / (r**2 - 2 * r * np.cos(phi) + 1) / (2 * np.pi)


def test_rotation_poisson_closed_form():
    alpha = math.sqrt(2) - 1
    x = np.linspace(-np.pi, np.pi, 128, endpoint=False)[:, None]
    model = EDMD(fourier_basis(1, 16)).fit(x, np.angle(np.exp(1j * (x + 2 * np.pi * alpha))))
    f = np.zeros(33, complex); f[WAVE == 2], f[WAVE == -5] = 0.7, 0.2
    nu, bound = spectral_measure(model, f, THETA, 0.05, order=1, return_bound=True)
    ref = 0.49 * _poisson(THETA - 4 * np.pi * alpha, 0.05) + 0.04 * _poisson(THETA + 10 * np.pi * alpha, 0.05)
    assert np.abs(np.asarray(nu) - ref).max() < 1e-11
    assert float(np.max(bound)) < 1e-9


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5, 6])
def test_kernel_integrates_to_one(order):
    # a constant density (Lebesgue spectrum, f = e^{ix} on the doubling map) is reproduced exactly: the kernel has unit mass
    x = np.linspace(-np.pi, np.pi, 128, endpoint=False)[:, None]
    model = EDMD(fourier_basis(1, 16)).fit(x, np.angle(np.exp(2j * x)))
    nu = spectral_measure(model, (WAVE == 1).astype(complex), THETA, 0.07, order=order)
    assert np.abs(np.asarray(nu) - 1 / (2 * np.pi)).max() < 1e-12
    delta, c, d = rational_kernel(order, 0.07)
    assert abs(c.sum() - 1) < 1e-12 and abs(d.sum() - 1) < 1e-12


def test_lorenz_delay_measure_matches_poisson_sum_of_autocorrelations():
    g = np.asarray(get_system("lorenz63").trajectory(12_000, dt=0.1, transient=500))[:, 0]
    g = (g - g.mean()) / g.std()
    N = 60
    H = np.asarray(delay_embed(g, N + 1))[:, ::-1]
    model = EDMD(StateCoordinates(N)).fit(H[:, :N], H[:, 1:])
    mu = np.asarray(autocorrelations(g, 600))
    n = np.arange(1, 601)
    for eps in (0.3, 0.1):
        ref = (mu[0].real + 2 * np.real(np.exp(-1j * np.outer(THETA, n)) @ ((1 + eps) ** -n.astype(float) * mu[1:]))) / (2 * np.pi)
        nu = np.asarray(spectral_measure(model, np.eye(N)[0], THETA, eps, order=1))
        assert np.abs(nu - ref).max() < 5e-3
        assert nu.min() > 0                                     # a density, no negative lobes at m = 1
    # the sharp-cosine moment estimate and the 4th-order kernel agree on the continuous part
    nu4 = np.asarray(spectral_measure(model, np.eye(N)[0], THETA, 0.1, order=4))
    assert np.abs(nu4 - np.asarray(moment_measure(mu[:101], THETA))).max() < 0.2


def test_kernel_resdmd_quadratic_kernel_exact_in_ten_dimensions():
    rng = np.random.default_rng(0)
    lam = np.linspace(0.5, 0.95, 10)
    Q = np.linalg.qr(rng.normal(size=(10, 10)))[0]
    A = Q @ np.diag(lam) @ Q.T
    X1, X2 = rng.normal(size=(300, 10)), rng.normal(size=(1000, 10))
    model = kernel_resdmd(Kernel("polynomial", 3.0, degree=2), X1, X1 @ A.T, X2, X2 @ A.T, rank=80, epsilon=1e-8)
    got = np.asarray(model.eigenvalues)
    assert model.N == 66
    for l in lam:
        assert np.min(np.abs(got - l)) < 1e-10
    for p in (lam * lam[:, None]).ravel():                    # and the products lam_i lam_j (quadratic eigenfunctions)
        assert np.min(np.abs(got - p)) < 1e-9


def test_stochastic_resdmd_variance_closed_form():
    rng = np.random.default_rng(3)
    a, sig = 0.6, 1.0
    s = sig / math.sqrt(1 - a**2)
    X = rng.normal(0, s, size=(40_000, 1))
    Y1, Y2 = a * X + sig * rng.normal(size=X.shape), a * X + sig * rng.normal(size=X.shape)
    m = StochasticResDMD(hermite_basis(1, 2, scale=s)).fit(X, Y1, Y2)
    assert abs(float(m.eigenvalues_all[1].real) - a) < 0.02
    assert abs(float(m.variances_all[1]) - math.sqrt(1 - a**2)) < 0.02
    assert float(m.residuals_all[1]) < 0.1
