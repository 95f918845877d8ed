"""Fuzz spec for dsrlab.ssm: a good call of every public callable, each fuzzable argument wrapped in its kind."""
import jax
import numpy as np

from harness import Call, array, fixed, integer, key, option, positive, real
from dsrlab import ssm


def calls():
    rng = np.random.default_rng(0)
    K = jax.random.key(0)
    N = 4
    Lam = -0.5 - np.arange(N) * 0.3 + 1j * np.arange(N)
    P, B, C = (rng.normal(size=N) + 1j * rng.normal(size=N) for _ in range(3))
    A = np.diag(Lam)
    u1 = rng.normal(size=16)
    u = rng.normal(size=(16, 3)).astype(np.float32)
    a = (0.9 * np.exp(1j * rng.normal(size=(16, 3)))).astype(np.complex64)
    b = (rng.normal(size=(16, 3)) + 1j * rng.normal(size=(16, 3))).astype(np.complex64)
    layers = {name: cls(3, 4, key=K) for name, cls in ssm.LAYER_TYPES.items()}
    fore = ssm.SequenceModel(2, 2, H=4, n_layers=1, N=4, skip=True, key=K)
    clf = ssm.SequenceModel(1, 3, H=4, n_layers=1, N=4, pool="mean", key=K)
    x = np.sin(np.linspace(0, 20, 80))[:, None] * np.array([[1.0, 0.5]])
    X = rng.normal(size=(6, 8, 1)).astype(np.float32)
    y = np.array([0, 1, 2, 0, 1, 2])
    est = ssm.SSMForecaster(H=4, N=4, n_layers=1, window=8, n_steps=2)
    fitted = est.fit(x, 0.1, key=K)
    out = [
        Call("ssm.discretize_diag", ssm.discretize_diag, Lambda=array(Lam, complex_ok=True), B=array(B, complex_ok=True),
             dt=positive(0.1), method=option("zoh")),
        Call("ssm.ssm_kernel_naive", ssm.ssm_kernel_naive, A=array(A, complex_ok=True), B=array(B, complex_ok=True),
             C=array(C, complex_ok=True), dt=positive(0.1), L=integer(8), method=option("bilinear")),
        Call("ssm.cauchy", ssm.cauchy, v=array(B, complex_ok=True), z=array(1j * np.arange(5.0), complex_ok=True),
             Lambda=array(Lam, complex_ok=True)),
        Call("ssm.s4_kernel", ssm.s4_kernel, Lambda=array(Lam, complex_ok=True), P=array(0.3 * P, complex_ok=True),
             B=array(B, complex_ok=True), C=array(C, complex_ok=True), dt=positive(0.1), L=integer(8), chunk=integer(4)),
        Call("ssm.s4d_kernel", ssm.s4d_kernel, Lambda=array(Lam, complex_ok=True), B=array(B, complex_ok=True),
             C=array(C, complex_ok=True), dt=positive(0.1), L=integer(8), method=option("zoh"), chunk=integer(3, optional=True)),
        Call("ssm.causal_conv", ssm.causal_conv, u=array(u), K=array(u[::-1].copy())),
        Call("ssm.causal_conv(1-D)", ssm.causal_conv, u=array(u1), K=array(u1[::-1].copy())),
        Call("ssm.linear_scan", ssm.linear_scan, a=array(a, complex_ok=True), b=array(b, complex_ok=True),
             x0=fixed(b[0])),
        Call("ssm.linear_scan_sequential", ssm.linear_scan_sequential, a=array(a, complex_ok=True), b=array(b, complex_ok=True),
             x0=fixed(b[0])),
        Call("ssm.S4D", lambda H, N, init, method, dt_min, dt_max, key: ssm.S4D(H, N, init, method, dt_min, dt_max, key=key)(u[:, :1].repeat(H, 1)),
             H=integer(2), N=integer(4), init=option("lin"), method=option("zoh"), dt_min=positive(1e-3), dt_max=positive(1e-1), key=key(K)),
        Call("ssm.S4", lambda H, N, dt_min, dt_max, key: ssm.S4(H, N, dt_min, dt_max, key=key)(u[:, :1].repeat(H, 1)),
             H=integer(2), N=integer(4), dt_min=positive(1e-3), dt_max=positive(1e-1), key=key(K)),
        Call("ssm.S5", lambda H, N, dt_min, dt_max, key: ssm.S5(H, N, dt_min, dt_max, key=key)(u[:, :1].repeat(H, 1)),
             H=integer(2), N=integer(4), dt_min=positive(1e-3), dt_max=positive(1e-1), key=key(K)),
        Call("ssm.LRU", lambda H, N, r_min, r_max, max_phase, key: ssm.LRU(H, N, r_min, r_max, max_phase, key=key)(u[:, :1].repeat(H, 1)),
             H=integer(2), N=integer(4), r_min=positive(0.5, allow_zero=True), r_max=positive(0.9), max_phase=positive(3.0), key=key(K)),
        Call("ssm.Mamba", lambda H, N, expand, d_conv, dt_rank, dt_min, dt_max, key:
             ssm.Mamba(H, N, expand, d_conv, dt_rank, dt_min, dt_max, key=key)(u[:, :1].repeat(H, 1)),
             H=integer(2), N=integer(4), expand=integer(2), d_conv=integer(3), dt_rank=integer(1, optional=True),
             dt_min=positive(1e-3), dt_max=positive(1e-1), key=key(K)),
        Call("ssm.S4D.kernel", lambda L: layers["s4d"].kernel(L), L=integer(8)),
        Call("ssm.S4.kernel", lambda L: layers["s4"].kernel(L), L=integer(8)),
        Call("ssm.S4.discrete", lambda: layers["s4"].discrete()),
        Call("ssm.S5.discrete", lambda: layers["s5"].discrete()),
        Call("ssm.LRU.eigenvalues", lambda: layers["lru"].eigenvalues()),
        Call("ssm.run_recurrent", lambda layer, u: ssm.run_recurrent(layer, u), layer=fixed(layers["s4d"]), u=array(u)),
        Call("ssm.SequenceModel", lambda d_in, d_out, H, n_layers, layer, N, pool, key:
             ssm.SequenceModel(d_in, d_out, H, n_layers, layer, N, pool, key=key)(np.ones((5, d_in), np.float32)),
             d_in=integer(2), d_out=integer(2), H=integer(4), n_layers=integer(1), layer=option("s4d"), N=integer(4),
             pool=option("none"), key=key(K)),
        Call("ssm.SequenceModel.__call__", lambda u: fore(u), u=array(x[:10].astype(np.float32))),
        Call("ssm.SequenceModel.features", lambda u: fore.features(u), u=array(x[:10].astype(np.float32))),
        Call("ssm.SequenceModel.step", lambda u_t: fore.step(fore.init_state(), u_t), u_t=array(x[0].astype(np.float32))),
        Call("ssm.SequenceModel.generate", lambda context, n_steps: fore.generate(context, n_steps),
             context=array(x[:10]), n_steps=integer(5)),
        Call("ssm.fit_classifier", lambda X, y, n_steps, batch_size, lr, weight_decay, key:
             ssm.fit_classifier(clf, X, y, n_steps, batch_size, lr, weight_decay, key=key)[1],
             X=array(X), y=array(y), n_steps=integer(2), batch_size=integer(4), lr=positive(1e-3),
             weight_decay=positive(0.01, allow_zero=True), key=key(K)),
        Call("ssm.fit_forecaster", lambda data, window, n_steps, batch_size, lr, weight_decay, noise, rollout, key:
             ssm.fit_forecaster(fore, data, window, n_steps, batch_size, lr, weight_decay, noise, rollout, key=key)[1],
             data=array(x), window=integer(8, minimum=2), n_steps=integer(2), batch_size=integer(4), lr=positive(1e-3),
             weight_decay=positive(0.01, allow_zero=True), noise=positive(0.0, allow_zero=True), rollout=integer(1, minimum=0),
             key=key(K)),
        Call("ssm.SSMForecaster", lambda layer, H, N, n_layers, window, n_steps, batch_size, lr, weight_decay, noise, rollout:
             ssm.SSMForecaster(layer, H, N, n_layers, window, n_steps, batch_size, lr, weight_decay, noise, rollout).n_steps,
             layer=option("lru"), H=integer(4), N=integer(4), n_layers=integer(1), window=integer(8, minimum=2),
             n_steps=integer(2), batch_size=integer(4), lr=positive(1e-3), weight_decay=positive(0.01, allow_zero=True),
             noise=positive(0.0, allow_zero=True), rollout=integer(0, minimum=0)),
        Call("ssm.SSMForecaster.fit", lambda data, dt, key: est.fit(data, dt, key=key).losses,
             data=array(x), dt=positive(0.1, optional=True), key=key(K)),
        Call("ssm.SSMForecaster.generate", lambda context, n_steps: fitted.generate(context, n_steps),
             context=array(x[:10]), n_steps=integer(5)),
        Call("ssm.SSMForecaster.step_map", lambda context: fitted.step_map(context)[1], context=array(x[:10])),
    ]
    for name, layer in layers.items():
        out += [Call(f"ssm.{type(layer).__name__}.__call__", lambda u, layer=layer: layer(u), u=array(u)),
                Call(f"ssm.{type(layer).__name__}.step", lambda u_t, layer=layer: layer.step(layer.init_state(), u_t)[1],
                     u_t=array(u[0]))]
    return out
