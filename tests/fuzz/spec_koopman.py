"Good calls of dsrlab.koopman's public callables, for the fuzz harness."
import contextlib
import io

import jax
import jax.numpy as jnp
import numpy as np

from dsrlab import koopman
from dsrlab.core import x64
from dsrlab.koopman import (DMD, EDMD, HAVOK, Concatenated, FunctionDictionary, HankelDMD, HankelDMDReconstructor,
                            Kernel, KernelDictionary, KernelEDMD, KoopmanReconstructor, RadialBasis,
                            RandomFourierFeatures, ResDMD, StateCoordinates, StochasticResDMD, TensorDictionary)
from harness import Call, array, fixed, integer, key, option, positive, real


def calls():
    rng = np.random.default_rng(0)
    K = jax.random.key(0)
    A = 0.9 * np.array([[np.cos(0.3), -np.sin(0.3)], [np.sin(0.3), np.cos(0.3)]])
    X = rng.uniform(-1, 1, size=(60, 2))
    Y = X @ A.T
    Y2 = Y + 0.01 * rng.normal(size=Y.shape)
    nodes, weights = np.asarray(koopman.gauss_legendre(5)[0]), np.asarray(koopman.gauss_legendre(5)[1])
    d = koopman.legendre_basis(2, 2, lo=-2.0, hi=2.0)                       # 6 functions
    edmd = EDMD(d).fit(X, Y)
    x_rot = np.linspace(-np.pi, np.pi, 32, endpoint=False)[:, None]
    rot = EDMD(koopman.fourier_basis(1, 3)).fit(x_rot, np.angle(np.exp(1j * (x_rot + 1.0))))   # 7 functions
    f = np.eye(7)[1]
    theta = np.linspace(-3, 3, 9)
    grid = np.array([0.5 + 0.1j, 1.2 - 0.3j, -0.4 + 0.8j])
    t = np.arange(200) * 0.1
    signal = np.exp(-0.02 * t) * np.cos(1.3 * t) + 0.5 * np.exp(-0.05 * t) * np.cos(0.4 * t)
    traj = np.stack([signal, np.roll(signal, 3)], -1).astype(np.float32)
    dmd = DMD().fit(X, Y)
    hankel = HankelDMD(delays=6, rank=4).fit(signal)
    kernel = Kernel("gaussian", scale=1.0)
    kedmd = KernelEDMD(kernel, rank=6).fit(X, Y)
    kr = KoopmanReconstructor(n_centres=8).fit(traj, 0.1, key=K)
    hr = HankelDMDReconstructor(delays=6, rank=4).fit(traj, 0.1)
    lorenz_x = np.sin(0.05 * np.arange(400)) + 0.3 * np.sin(0.31 * np.arange(400))
    havok = HAVOK(delays=20, rank=4).fit(lorenz_x)
    mu = np.asarray(koopman.autocorrelations(signal, 20))
    fn = lambda x: jnp.stack([x[0], x[1], x[0] * x[1]])
    return [
        # quadrature
        Call("koopman.gauss_legendre", koopman.gauss_legendre, n=integer(8), lo=real(-1.0), hi=real(1.0)),
        Call("koopman.trapezoid", koopman.trapezoid, n=integer(8, minimum=2), lo=real(-1.0), hi=real(1.0)),
        Call("koopman.monte_carlo", koopman.monte_carlo, n=integer(8), lo=real(-1.0), hi=real(1.0), key=key(K)),
        Call("koopman.tensor_grid", lambda nodes, weights: koopman.tensor_grid((nodes, weights), (nodes, weights)),
             nodes=array(nodes), weights=array(weights)),
        # dictionaries
        Call("koopman.Dictionary.__call__", d, x=array(X[0])),
        Call("koopman.Dictionary.evaluate", d.evaluate, X=array(X)),
        Call("koopman.Concatenated", (StateCoordinates(2) + d).evaluate, X=array(X)),
        Call("koopman.TensorDictionary", lambda families, degree, index_set, centre, scale:
             TensorDictionary(families, degree, index_set, centre, scale, dim=2).evaluate(X),
             families=option("hermite"), degree=integer(2, minimum=0), index_set=option("total"), centre=real(0.0),
             scale=positive(1.0)),
        Call("koopman.legendre_basis", lambda dim, degree, lo, hi, index_set: koopman.legendre_basis(dim, degree, lo, hi, index_set).indices,
             dim=integer(2), degree=integer(3, minimum=0), lo=real(-1.0), hi=real(1.0), index_set=option("total")),
        Call("koopman.hermite_basis", lambda dim, degree, centre, scale, index_set:
             koopman.hermite_basis(dim, degree, centre, scale, index_set).evaluate(X),
             dim=fixed(2), degree=integer(3, minimum=0), centre=real(0.0), scale=positive(1.0), index_set=option("total")),
        Call("koopman.hermite_basis(dim)", lambda dim: koopman.hermite_basis(dim, 2).indices, dim=integer(2)),
        Call("koopman.monomial_basis", lambda dim, degree, index_set: koopman.monomial_basis(dim, degree, index_set).indices,
             dim=integer(2), degree=integer(3, minimum=0), index_set=option("total")),
        Call("koopman.fourier_basis", lambda dim, degree, index_set: koopman.fourier_basis(dim, degree, index_set).indices,
             dim=integer(2), degree=integer(2, minimum=0), index_set=option("total")),
        Call("koopman.kmeans", koopman.kmeans, data=array(X), n=integer(4), key=key(K), n_iter=integer(10)),
        Call("koopman.RadialBasis", lambda centres, scale, kind: RadialBasis(centres, scale, kind).evaluate(X),
             centres=array(X[:5]), scale=positive(0.5), kind=option("gaussian")),
        Call("koopman.RadialBasis.at_kmeans", lambda data, n, kind, scale, key: RadialBasis.at_kmeans(data, n, kind, scale, key=key).centres,
             data=array(X), n=integer(4), kind=option("laplacian"), scale=positive(0.5, optional=True), key=key(K)),
        Call("koopman.RandomFourierFeatures", lambda dim, n, scale, key: RandomFourierFeatures(dim, n, scale, key=key).W,
             dim=integer(2), n=integer(5), scale=positive(1.0), key=key(K)),
        Call("koopman.StateCoordinates", lambda n_dim: StateCoordinates(n_dim).evaluate(X), n_dim=fixed(2)),
        Call("koopman.StateCoordinates(n_dim)", lambda n_dim: StateCoordinates(n_dim).dim, n_dim=integer(2)),
        Call("koopman.FunctionDictionary", lambda n_dim: FunctionDictionary(fn, n_dim).size, n_dim=integer(2)),
        Call("koopman.FunctionDictionary.evaluate", FunctionDictionary(fn, 2).evaluate, X=array(X)),
        Call("koopman.snapshot_pairs", koopman.snapshot_pairs, x=array(traj)),
        # EDMD, ResDMD
        Call("koopman.EDMD", lambda X, Y, weights: EDMD(d).fit(X, Y, weights).eigenvalues,
             X=array(X), Y=array(Y), weights=array(np.full(60, 1 / 60), optional=True)),
        Call("koopman.ResDMD", lambda epsilon, X: ResDMD(d, epsilon=epsilon).fit(X, Y).eigenvalues,
             epsilon=positive(0.1), X=array(X)),
        Call("koopman.EDMD.eigenfunctions", edmd.eigenfunctions, x=array(X)),
        Call("koopman.EDMD.predict", edmd.predict, x=array(X)),
        Call("koopman.EDMD.generate", edmd.generate, x0=array(X[0]), n_steps=integer(10), method=option("modes"),
             nonfinite=option("raise")),
        Call("koopman.EDMD.properties", lambda model: (model.G, model.A, model.L, model.K, model.modes, model.residuals),
             model=fixed(edmd)),
        Call("koopman.pseudospectrum", lambda grid, method: koopman.pseudospectrum(edmd, grid, method),
             grid=array(grid, complex_ok=True), method=option("lanczos")),
        Call("koopman.pseudo_eigenfunctions", lambda z: koopman.pseudo_eigenfunctions(edmd, z)[0], z=array(grid, complex_ok=True)),
        # DMD
        Call("koopman.DMD", lambda X, Y, rank: DMD(rank).fit(X, Y).eigenvalues, X=array(X, complex_ok=True),
             Y=array(Y, complex_ok=True), rank=integer(2, optional=True)),
        Call("koopman.DMD.generate", dmd.generate, x0=array(X[0]), n_steps=integer(10), nonfinite=option("raise")),
        Call("koopman.HankelDMD", lambda x, delays, rank, tau: HankelDMD(delays, rank, tau).fit(x).eigenvalues,
             x=array(signal), delays=integer(6), rank=integer(4, optional=True), tau=integer(1)),
        Call("koopman.HankelDMD.generate", hankel.generate, context=array(signal[:10]), n_steps=integer(10),
             nonfinite=option("raise")),
        Call("koopman.continuous_time", koopman.continuous_time, eigenvalues=array(np.asarray(dmd.eigenvalues), complex_ok=True),
             dt=positive(0.1)),
        # reconstructors
        Call("koopman.KoopmanReconstructor", lambda data, dt, key, n_centres, kind, epsilon:
             KoopmanReconstructor(n_centres=n_centres, kind=kind, epsilon=epsilon).fit(data, dt, key=key).koopman.all_eigenvalues,
             data=array(traj), dt=positive(0.1, optional=True), key=key(K), n_centres=integer(8), kind=option("gaussian"),
             epsilon=positive(0.5, optional=True)),
        Call("koopman.KoopmanReconstructor.generate", kr.generate, context=array(traj[:5]), n_steps=integer(10),
             nonfinite=option("raise")),
        Call("koopman.KoopmanReconstructor.step_map", lambda context: kr.step_map(context)[1], context=array(traj[:5])),
        Call("koopman.HankelDMDReconstructor", lambda data, dt, delays, rank, tau:
             HankelDMDReconstructor(delays=delays, rank=rank, tau=tau).fit(data, dt).eigenvalues,
             data=array(traj), dt=positive(0.1, optional=True), delays=integer(6), rank=integer(4, optional=True), tau=integer(1)),
        Call("koopman.HankelDMDReconstructor.generate", hr.generate, context=array(traj[:10]), n_steps=integer(10),
             nonfinite=option("raise")),
        Call("koopman.HankelDMDReconstructor.step_map", lambda context: hr.step_map(context)[1], context=array(traj[:10])),
        # spectral measures
        Call("koopman.rational_kernel", koopman.rational_kernel, order=integer(2), eps=positive(0.1)),
        Call("koopman.spectral_measure", lambda f, theta, eps, order: koopman.spectral_measure(rot, f, theta, eps, order),
             f=array(f, complex_ok=True), theta=array(theta), eps=positive(0.1), order=integer(2)),
        Call("koopman.autocorrelations", koopman.autocorrelations, g=array(signal, complex_ok=True), n_max=integer(5, minimum=0)),
        Call("koopman.moment_measure", koopman.moment_measure, moments=array(mu, complex_ok=True), theta=array(theta),
             filter=option("sharp_cosine")),
        # kernels
        Call("koopman.Kernel", lambda kind, scale, degree: Kernel(kind, scale, degree).matrix(X, X),
             kind=option("polynomial"), scale=positive(1.0), degree=integer(2)),
        Call("koopman.Kernel.__call__", kernel, x=array(X[0]), y=array(X[1])),
        Call("koopman.Kernel.matrix", kernel.matrix, X=array(X), Y=array(X[:5])),
        Call("koopman.KernelDictionary", lambda centres, coefficients: KernelDictionary(kernel, centres, coefficients).evaluate(X),
             centres=array(X[:5]), coefficients=array(np.eye(5)[:, :3])),
        Call("koopman.KernelEDMD", lambda X, Y, rank, rtol: KernelEDMD(kernel, rank, rtol).fit(X, Y).eigenvalues,
             X=array(X), Y=array(Y), rank=integer(6, optional=True), rtol=positive(1e-12)),
        Call("koopman.KernelEDMD.eigenfunctions", kedmd.eigenfunctions, x=array(X)),
        Call("koopman.KernelEDMD.generate", kedmd.generate, x0=array(X[0]), n_steps=integer(10), nonfinite=option("raise")),
        Call("koopman.kernel_resdmd", lambda X1, Y1, X2, Y2, rank, epsilon:
             koopman.kernel_resdmd(kernel, X1, Y1, X2, Y2, rank, epsilon).all_eigenvalues,
             X1=array(X[:30]), Y1=array(Y[:30]), X2=array(X[30:]), Y2=array(Y[30:]), rank=integer(5), epsilon=positive(0.1)),
        Call("koopman.StochasticResDMD", lambda X, Y1, Y2, epsilon: StochasticResDMD(d, epsilon).fit(X, Y1, Y2).eigenvalues_all,
             X=array(X), Y1=array(Y), Y2=array(Y2), epsilon=positive(0.1)),
        # HAVOK
        Call("koopman.HAVOK", lambda x, delays, rank: HAVOK(delays, rank).fit(x).A, x=array(lorenz_x), delays=integer(20, minimum=2),
             rank=integer(4, minimum=2)),
        Call("koopman.HAVOK.simulate", havok.simulate, v0=array(np.asarray(havok.coordinates[0, :3])),
             forcing=array(np.asarray(havok.forcing[:50])), nonfinite=option("raise")),
    ]
