"""dsrlab.koopman against PyDMD on the same data: DMD, EDMD with linear observables, Hankel DMD.

PyDMD takes snapshots as columns; dsrlab as rows. Eigenvalues are compared as sorted
multisets, modes up to the scaling of each column.
"""
import numpy as np
import pytest

pydmd = pytest.importorskip("pydmd")

from dsrlab.core import delay_embed
from dsrlab.koopman import DMD, EDMD, HankelDMD, StateCoordinates, legendre_basis
from dsrlab.systems import get_system


def _gap(a, b):
    return float(np.max(np.abs(np.sort_complex(np.asarray(a)) - np.sort_complex(np.asarray(b)))))


@pytest.fixture(scope="module")
def lorenz():
    return np.asarray(get_system("lorenz63").trajectory(3000, transient=500), dtype=np.float64)


@pytest.mark.parametrize("rank", [3, 6, 9])
def test_dmd_eigenvalues_and_modes(lorenz, rank):
    H = np.asarray(delay_embed(lorenz, 3, tau=4), dtype=np.float64)       # 9 delay coordinates
    ours = DMD(rank=rank).fit(H[:-1], H[1:])
    theirs = pydmd.DMD(svd_rank=rank, exact=True).fit(H.T)
    assert _gap(ours.eigenvalues, theirs.eigs) < 1e-10
    # exact DMD modes agree column by column, up to a complex scale
    for lam, mode in zip(np.asarray(ours.eigenvalues), np.asarray(ours.modes).T):
        j = int(np.argmin(np.abs(theirs.eigs - lam)))
        other = theirs.modes[:, j]
        scale = np.vdot(other, mode) / np.vdot(other, other)
        assert np.linalg.norm(mode - scale * other) < 1e-8 * np.linalg.norm(mode)


def test_edmd_linear_observables_is_full_rank_dmd(lorenz):
    ours = EDMD(StateCoordinates(3)).fit(lorenz[:-1], lorenz[1:])
    theirs = pydmd.DMD(svd_rank=-1, exact=True).fit(lorenz.T)
    assert _gap(ours.eigenvalues, theirs.eigs) < 1e-10


def test_hankel_dmd(lorenz):
    ours = HankelDMD(delays=6, rank=10).fit(lorenz[:, 0])
    theirs = pydmd.HankelDMD(svd_rank=10, d=6, exact=True).fit(lorenz[:, 0][None])
    assert _gap(ours.eigenvalues, theirs.eigs) < 1e-9


def test_edmd_against_pydmd_edmd_with_polynomial_features():
    """PyDMD's EDMD is kernel-based; with the linear kernel on explicit features it is DMD of those features."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(400, 2))
    Y = np.stack([0.9 * X[:, 0] + 0.1 * X[:, 1] ** 2, 0.5 * X[:, 1] - 0.2 * X[:, 0] * X[:, 1]], axis=1)
    basis = legendre_basis(2, 3)
    ours = EDMD(basis).fit(X, Y)
    PX, PY = np.asarray(basis.evaluate(X)), np.asarray(basis.evaluate(Y))
    theirs = pydmd.DMD(svd_rank=-1, exact=True)
    theirs.fit(PX.T, PY.T)
    assert _gap(ours.eigenvalues, theirs.eigs) < 1e-9


def test_complex_snapshots_pydmd_first_tutorial():
    """PyDMD's first tutorial: two complex spatiotemporal signals, DMD of rank 2; eigenvalues e^{i 2.3 dt}, e^{i 2.8 dt}."""
    x, t = np.linspace(-5, 5, 65), np.linspace(0, 4 * np.pi, 129)
    xg, tg = np.meshgrid(x, t)
    X = 1 / np.cosh(xg + 3) * np.exp(2.3j * tg) + 2 / np.cosh(xg) * np.tanh(xg) * np.exp(2.8j * tg)   # (129, 65)
    ours = DMD(rank=2).fit(X[:-1], X[1:])
    theirs = pydmd.DMD(svd_rank=2, exact=True).fit(X.T)
    assert _gap(ours.eigenvalues, theirs.eigs) < 1e-10
    dt = t[1] - t[0]
    np.testing.assert_allclose(np.sort(np.angle(np.asarray(ours.eigenvalues))) / dt, [2.3, 2.8], atol=1e-10)
    forecast = np.asarray(ours.generate(X[0], 129))
    assert np.iscomplexobj(forecast) and np.max(np.abs(forecast - X)) < 1e-8 * np.max(np.abs(X))
    np.testing.assert_allclose(np.asarray(theirs.reconstructed_data).T, forecast, atol=1e-8)
