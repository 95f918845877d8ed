"""Pseudospectrum and EDMD fit: dsrlab.koopman against straightforward NumPy/SciPy and PyDMD.

Data: the unforced, damped Duffing oscillator (dsrlab.systems "duffing_unforced", delta = 0.5),
200 trajectories of 51 samples (dt = 0.25) from random initial conditions in [-2, 2]^2, so
M = 10,000 snapshot pairs; dictionary: 200 Laplacian radial basis functions at k-means centres
(the ResDMD papers' Duffing setup). Pseudospectrum on a 100 x 100 grid of [-1.2, 1.2] x [-1.2, 1.2].

- naive: for each grid point, the smallest singular value of the M x N matrix
  sqrt(W) (Psi_Y - z Psi_X) R^{-1} (R from a QR of sqrt(W) Psi_X, computed once, so that the
  value is tau_N(z) relative to the G-norm), with scipy.linalg.svdvals. Timed on a sample
  of points and extrapolated to the grid (the full loop takes about half an hour).
- dsrlab "svd": batched singular values of the reduced 2N x N pencil C - zE (in the full run timed on the
  naive loop's sample points and extrapolated, like the loop; `--svd` times it on the whole grid).
- dsrlab "lanczos" (default): Cholesky of H(z) = (C - zE)^*(C - zE) and Lanczos on H(z)^{-1}.

The svd timing includes compilation; the Lanczos one is reported cold and warm. The EDMD fit
(dictionary evaluation, QR, eigenpairs, residuals) is compared with PyDMD's DMD on the same
dictionary features (PyDMD's EDMD in practice: full-rank DMD of the lifted snapshots).

    python benchmarks/koopman.py            # full grid (Lanczos), 40 naive and 40 exact-SVD points
    python benchmarks/koopman.py --quick    # 30 x 30 grid, 10 naive points
"""
import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import scipy.linalg

from dsrlab.koopman import EDMD, RadialBasis, pseudospectrum, snapshot_pairs
from dsrlab.systems import get_system


def data(n_traj=200, n_steps=51, seed=0):
    rng = np.random.default_rng(seed)
    x0s = rng.uniform(-2, 2, size=(n_traj, 2))
    sys = get_system("duffing_unforced", delta=0.5)
    traj = sys.trajectories(x0s, n_steps, dt=0.25, dtype=jnp.float64)
    return snapshot_pairs(np.asarray(traj))


def timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = jax.block_until_ready(fn(*args, **kw))
    return out, time.perf_counter() - t0


def main(quick: bool, with_svd: bool = False):
    X, Y = data()
    M = X.shape[0]
    basis = RadialBasis.at_kmeans(np.concatenate([X, Y]), 200, key=jax.random.key(0))
    N = basis.size
    n_grid, n_naive = (30, 10) if quick else (100, 40)
    xs = np.linspace(-1.2, 1.2, n_grid)
    Z = xs[None, :] + 1j * xs[:, None]
    print(f"M = {M} snapshot pairs, N = {N} functions, grid {n_grid} x {n_grid} = {Z.size} points")

    model, t_fit = timed(lambda: EDMD(basis).fit(X, Y))
    _, t_fit_warm = timed(lambda: EDMD(basis).fit(X, Y))

    # naive NumPy/SciPy loop
    PX, PY = np.asarray(basis.evaluate(X)), np.asarray(basis.evaluate(Y))
    sw = np.full((M, 1), np.sqrt(1.0 / M))
    R = np.linalg.qr(sw * PX, mode="r")
    Qx = scipy.linalg.solve_triangular(R, (sw * PX).T, trans="T").T          # sqrt(W) Psi_X R^{-1}
    Cy = scipy.linalg.solve_triangular(R, (sw * PY).T, trans="T").T          # sqrt(W) Psi_Y R^{-1}
    sample = np.random.default_rng(1).choice(Z.size, n_naive, replace=False)
    t0 = time.perf_counter()
    tau_naive = np.array([scipy.linalg.svdvals(Cy - z * Qx)[-1] for z in Z.ravel()[sample]])
    t_naive_pt = (time.perf_counter() - t0) / n_naive
    t_naive = t_naive_pt * Z.size

    Zs = Z if (quick or with_svd) else Z.ravel()[sample]          # exact SVDs on the whole 100 x 100 grid take long
    tau_svd, t_svd = timed(pseudospectrum, model, Zs, method="svd")
    t_svd *= Z.size / Zs.size
    tau_lz, t_lz = timed(pseudospectrum, model, Z)
    _, t_lz_warm = timed(pseudospectrum, model, Z)

    err_svd = np.max(np.abs((np.asarray(tau_svd).ravel()[sample] if Zs is Z else np.asarray(tau_svd)) - tau_naive))
    err_lz = np.max(np.abs(np.asarray(tau_lz).ravel()[sample] - tau_naive) / np.maximum(tau_naive, 1e-8))
    print(f"\npseudospectrum, {Z.size} points")
    print(f"  naive SciPy loop   {t_naive_pt * 1e3:8.1f} ms/point -> {t_naive:8.1f} s for the grid (from {n_naive} points)")
    how = "compilation included" if Zs is Z else f"from {Zs.size} points, compilation included"
    print(f"  dsrlab svd         {t_svd:8.2f} s ({how})   x{t_naive / t_svd:6.0f}"
          f"   max abs diff {err_svd:.1e}")
    print(f"  dsrlab lanczos     {t_lz:8.2f} s ({t_lz_warm:.2f} s warm)   x{t_naive / t_lz:6.0f} ({t_naive / t_lz_warm:.0f} warm)"
          f"   max rel diff {err_lz:.1e}")

    try:
        import pydmd
    except ImportError:
        print("\nPyDMD not installed: EDMD fit comparison skipped")
        return
    PXt, PYt = PX.T.copy(), PY.T.copy()
    t0 = time.perf_counter()
    theirs = pydmd.DMD(svd_rank=-1, exact=True)
    theirs.fit(PXt, PYt)
    t_pydmd = time.perf_counter() - t0
    gap = np.max(np.abs(np.sort_complex(np.asarray(model.eigenvalues)) - np.sort_complex(theirs.eigs)))
    print(f"\nEDMD fit, M = {M}, N = {N}")
    print(f"  dsrlab EDMD (evaluate + QR + eig + residuals)  {t_fit:.2f} s ({t_fit_warm:.2f} s warm)")
    print(f"  PyDMD DMD on precomputed features              {t_pydmd:.2f} s   ratio x{t_pydmd / t_fit_warm:.1f} (warm)")
    print(f"  largest eigenvalue difference {gap:.1e}  (cond(G) = {np.linalg.cond(PX.T @ PX):.1e})")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--svd", action="store_true", help="time the exact SVD route on the whole grid too (slow)")
    a = p.parse_args()
    main(a.quick, a.svd)
