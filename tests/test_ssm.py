"""SSM checks that are too many for the notebook: kernels at several sizes, every layer type inside the deep model,
stability of discretisation, and bad input (wrong rank or length, non-positive dt, N < 1)."""
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dsrlab.core import InputError, NonFiniteLossError, Windows, x64
from dsrlab.hippo import dplr
from dsrlab.core import DivergedError
from dsrlab.ssm import (LAYER_TYPES, LRU, S4, S4D, S5, Mamba, SequenceModel, SSMForecaster, _dplr_dense, cauchy, causal_conv,
                        discretize_diag, fit_classifier, fit_forecaster, linear_scan, linear_scan_sequential, run_recurrent,
                        s4_kernel, s4d_kernel, ssm_kernel_naive)


@pytest.fixture
def f64():
    "Checks to float64 precision run with float64 on (importing dsrlab no longer turns it on globally)."
    with x64():
        yield


def _random_dplr(seed, N):
    rng = np.random.default_rng(seed)
    c = lambda: (rng.normal(size=N) + 1j * rng.normal(size=N)) / np.sqrt(2 * N)
    Lambda = -np.exp(rng.normal(size=N)) * 0.5 + 1j * np.arange(N) * np.pi
    return Lambda, 0.3 * c(), c(), c()


@pytest.mark.parametrize("N,L,dt", [(1, 10, 0.5), (32, 333, 0.003)])
@pytest.mark.usefixtures("f64")
def test_s4_kernel_equals_naive_powers(N, L, dt):
    Lambda, P, B, C = _random_dplr(N + L, N)
    fast = np.asarray(s4_kernel(Lambda, P, B, C, dt, L))
    naive = np.asarray(ssm_kernel_naive(np.asarray(_dplr_dense(jnp.asarray(Lambda), jnp.asarray(P))), B, C, dt, L, "bilinear"))
    np.testing.assert_allclose(fast, naive, atol=1e-9 * np.abs(naive).max())


@pytest.mark.usefixtures("f64")
def test_s4_kernel_hippo_legs():
    "The HiPPO-LegS DPLR form from dsrlab.hippo: Cauchy/Woodbury kernel == powers of the dense matrix."
    Lambda, P, B = (np.asarray(v) for v in dplr("legs", 16))
    C = np.random.default_rng(0).normal(size=8) + 0j
    fast = np.asarray(s4_kernel(Lambda, P, B, C, 0.05, 128))
    naive = np.asarray(ssm_kernel_naive(np.asarray(_dplr_dense(jnp.asarray(Lambda), jnp.asarray(P))), B, C, 0.05, 128))
    np.testing.assert_allclose(fast, naive, atol=1e-8 * np.abs(naive).max())


@pytest.mark.parametrize("method", ["zoh", "bilinear"])
@pytest.mark.parametrize("N,L,chunk", [(16, 257, None), (4, 100, 1), (4, 100, 500)])
@pytest.mark.usefixtures("f64")
def test_s4d_kernel_equals_naive(method, N, L, chunk):
    Lambda, _, B, C = _random_dplr(N * L, N)
    fast = np.asarray(s4d_kernel(Lambda, B, C, 0.05, L, method, chunk=chunk))
    naive = np.asarray(ssm_kernel_naive(np.diag(Lambda), B, C, 0.05, L, method))
    np.testing.assert_allclose(fast, naive, atol=1e-9 * max(1, np.abs(naive).max()))


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("method", ["zoh", "bilinear"])
@pytest.mark.usefixtures("f64")
def test_discretised_eigenvalues_inside_unit_circle(seed, method):
    rng = np.random.default_rng(seed)
    lam = -np.exp(rng.uniform(-10, 8, 2000)) + 1j * rng.normal(0, 10.0 ** rng.uniform(-3, 4, 2000))
    for dt in np.exp(rng.uniform(np.log(1e-5), np.log(10.0), 5)):
        dA, _ = discretize_diag(lam, np.ones(2000), float(dt), method)
        assert np.all(np.abs(np.asarray(dA)) < 1)


@pytest.mark.usefixtures("f64")
def test_causal_conv_direct():
    rng = np.random.default_rng(3)
    for L in (1, 2, 17, 128):
        u, K = rng.normal(size=(L, 2)), rng.normal(size=(L, 2))
        direct = np.stack([[sum(K[l, h] * u[k - l, h] for l in range(k + 1)) for h in range(2)] for k in range(L)])
        np.testing.assert_allclose(np.asarray(causal_conv(u, K)), direct, atol=1e-10)


@pytest.mark.parametrize("shape", [(1, 1), (1000, 4), (7, 2, 3)])
@pytest.mark.usefixtures("f64")
def test_associative_equals_sequential(shape):
    rng = np.random.default_rng(0)
    a = jnp.asarray(rng.uniform(0.5, 1.0, shape) * np.exp(1j * rng.normal(size=shape)))
    b = jnp.asarray(rng.normal(size=shape) + 1j * rng.normal(size=shape))
    np.testing.assert_allclose(np.asarray(linear_scan(a, b)), np.asarray(linear_scan_sequential(a, b)), atol=1e-10)


@pytest.mark.parametrize("name", sorted(LAYER_TYPES))
def test_model_parallel_equals_recurrence(name):
    u = jax.random.normal(jax.random.key(0), (40, 3), jnp.float32)
    model = SequenceModel(3, 3, H=8, n_layers=2, layer=name, N=8, skip=True, key=jax.random.key(1))
    y_par = np.asarray(model(u))
    y_rec = np.asarray(run_recurrent(model, u)[1])
    np.testing.assert_allclose(y_par, y_rec, atol=1e-4 * np.abs(y_rec).max())
    gen = np.asarray(model.generate(u, 3))
    np.testing.assert_allclose(gen[0], y_par[-1], atol=1e-4)


@pytest.mark.parametrize("name", sorted(LAYER_TYPES))
def test_layer_long_sequence(name):
    "Parallel == recurrence over 2,000 steps (long memory, S5/LRU eigenvalues near the unit circle)."
    layer = LAYER_TYPES[name](4, 8, key=jax.random.key(5))
    u = jax.random.normal(jax.random.key(6), (2000, 4), jnp.float32)
    y_rec = np.asarray(run_recurrent(layer, u)[1])
    np.testing.assert_allclose(np.asarray(layer(u)), y_rec, atol=2e-4 * np.abs(y_rec).max())


def test_training_reduces_loss():
    x = np.sin(np.linspace(0, 60, 2000))[:, None] * np.array([[1.0, 0.5]])
    model = SequenceModel(2, 2, H=8, n_layers=1, N=8, skip=True, key=jax.random.key(0))
    _, losses = fit_forecaster(model, x, window=32, n_steps=60, batch_size=8, key=jax.random.key(1))
    assert losses[-10:].mean() < losses[:5].mean()


def test_rollout_loss_equals_generate():
    "The closed-loop loss of fit_forecaster (first step, before any update) = the same loss built from run_recurrent and generate."
    x = np.sin(np.linspace(0, 30, 400))[:, None] * np.array([[1.0, 0.5]])
    model = SequenceModel(2, 2, H=8, n_layers=1, N=8, skip=True, key=jax.random.key(0))
    W, R, B = 12, 5, 3
    _, losses = fit_forecaster(model, x, window=W, rollout=R, n_steps=1, batch_size=B, key=jax.random.key(7))
    step_key = jax.random.split(jax.random.fold_in(jax.random.key(7), 0), 1)[0]   # train_loop's key for step 0
    k1, _ = jax.random.split(step_key)
    w = np.asarray(Windows([jnp.asarray(x, jnp.float32)], W + R + 1).sample(k1, B))
    total = 0.0
    for wi in w:
        y_tf = np.asarray(run_recurrent(model, wi[:W])[1])
        y_free = np.asarray(model.generate(wi[:W], R + 1))[1:]
        total += np.mean((y_tf - wi[1 : W + 1]) ** 2) + np.mean((y_free - wi[W + 1 :]) ** 2)
    np.testing.assert_allclose(losses[0], total / B, rtol=1e-4)


def test_rollout_training_reduces_loss():
    x = np.sin(np.linspace(0, 60, 2000))[:, None] * np.array([[1.0, 0.5]])
    model = SequenceModel(2, 2, H=8, n_layers=1, N=8, skip=True, key=jax.random.key(0))
    _, losses = fit_forecaster(model, x, window=16, rollout=8, n_steps=60, batch_size=8, key=jax.random.key(1))
    assert losses[-10:].mean() < losses[:5].mean()


# ---- the Reconstructor ------------------------------------------------------------------------------------------
X_SINE = np.sin(np.linspace(0, 40, 300))[:, None] * np.array([[1.0, 0.5]])


@pytest.mark.parametrize("name", sorted(LAYER_TYPES))
def test_forecaster_every_layer(name):
    "Every layer type as a Reconstructor: generate's row 0 is the parallel form's last output; step_map reproduces generate."
    fc = SSMForecaster(layer=name, H=4, N=4, n_layers=1, window=16, n_steps=3).fit(X_SINE, 0.1, key=jax.random.key(0))
    ctx = X_SINE[:20]
    gen = np.asarray(fc.generate(ctx, 4))
    np.testing.assert_allclose(gen[0], np.asarray(fc.model(ctx))[-1], atol=1e-4)
    step, z0 = fc.step_map(ctx)
    assert z0.ndim == 1 and not jnp.iscomplexobj(z0)
    zs = [z0]
    for _ in range(3):
        zs.append(step(zs[-1]))
    np.testing.assert_allclose(np.stack([np.asarray(z[-2:]) for z in zs]), gen, atol=1e-4)


def test_forecaster_lyapunov_from_step_map():
    "step_map feeds dsrlab.metrics.max_lyapunov (float64 state, float32 parameters)."
    from dsrlab.metrics import max_lyapunov
    fc = SSMForecaster(H=4, N=4, n_layers=1, window=16, n_steps=3).fit(X_SINE, 0.1, key=jax.random.key(0))
    step, z0 = fc.step_map(X_SINE[:20])
    assert np.isfinite(float(max_lyapunov(step, z0, 200, transient=50)))


def test_non_finite_loss_stops():
    model = SequenceModel(2, 2, H=4, n_layers=1, N=4, skip=True, key=jax.random.key(0))
    with pytest.raises(NonFiniteLossError, match=r"loss became (inf|nan) at step 1 of 5"):
        fit_forecaster(model, X_SINE * 1e25, window=16, n_steps=5, key=jax.random.key(1))


def test_forecaster_checkpoint(tmp_path):
    "A finished checkpoint resumes to the same model; other settings are refused."
    model = SequenceModel(2, 2, H=4, n_layers=1, N=4, skip=True, key=jax.random.key(0))
    ck = str(tmp_path / "ssm.ckpt")
    a, la = fit_forecaster(model, X_SINE, window=16, n_steps=20, key=jax.random.key(1), checkpoint=ck)
    b, lb = fit_forecaster(model, X_SINE, window=16, n_steps=20, key=jax.random.key(1), checkpoint=ck)
    np.testing.assert_array_equal(np.asarray(a(X_SINE)), np.asarray(b(X_SINE)))
    np.testing.assert_array_equal(la, lb)
    with pytest.raises(InputError, match="was written by a run with other lr"):
        fit_forecaster(model, X_SINE, window=16, n_steps=20, lr=1e-2, key=jax.random.key(1), checkpoint=ck)


def test_forecaster_hyperparameters_roundtrip(tmp_path):
    import dsrlab
    est = SSMForecaster(layer="s4d", H=4, N=4, n_layers=1, window=16, n_steps=3, layer_options=dict(dt_min=0.1, dt_max=1.0))
    fc = est.fit(X_SINE, 0.1, key=jax.random.key(0))
    fc.save(tmp_path / "m")
    back = dsrlab.load(tmp_path / "m")
    assert back.hyperparameters() == est.hyperparameters()
    np.testing.assert_array_equal(np.asarray(back.generate(X_SINE[:5], 7)), np.asarray(fc.generate(X_SINE[:5], 7)))


# ---- bad input -------------------------------------------------------------------------------------------------
L4 = np.array([-1.0 + 1j, -0.5 + 0j])


@pytest.mark.parametrize("call,msg", [
    (lambda: discretize_diag(L4, np.ones(2), 0.0), "dt must be > 0"),
    (lambda: discretize_diag(L4, np.ones(2), -1.0), "dt must be > 0"),
    (lambda: discretize_diag(L4, np.ones(2), np.nan), "dt must be > 0"),
    (lambda: discretize_diag(L4, np.ones(2), "fast"), "dt must be a positive real number"),
    (lambda: discretize_diag(L4, np.ones(3), 0.1), "B must be (N,) or (N, H) with N = 2"),
    (lambda: discretize_diag(L4, np.ones(2), 0.1, "rk4"), "method must be one of 'zoh', 'bilinear'"),
    (lambda: discretize_diag(np.ones(0), np.ones(0), 0.1), "Lambda must be non-empty"),
    (lambda: s4d_kernel(L4, np.ones(2), np.ones(2), 0.1, 0), "L must be an integer >= 1"),
    (lambda: s4d_kernel(L4, np.ones(2), np.ones(3), 0.1, 10), "C must have length 2"),
    (lambda: s4d_kernel(L4, np.ones(2), np.ones(2), -0.1, 10), "dt must be > 0"),
    (lambda: s4_kernel(L4, np.ones(2), np.ones(2), np.ones(2), 0.1, 2.5), "L must be an integer"),
    (lambda: ssm_kernel_naive(np.ones((2, 3)), np.ones(2), np.ones(2), 0.1, 5), "A must be a square matrix"),
    (lambda: causal_conv(np.ones((4, 2)), np.ones((4, 3))), "K must have the shape of u"),
    (lambda: causal_conv(np.ones((1, 4, 2)), np.ones((1, 4, 2))), "u must be (L,) or (L, H)"),
    (lambda: S4D(0, 8, key=jax.random.key(0)), "H must be an integer >= 1"),
    (lambda: S4(4, 0, key=jax.random.key(0)), "N must be an integer >= 1"),
    (lambda: S5(4, 3, key=jax.random.key(0)), "N must be even"),
    (lambda: Mamba(4, 0, key=jax.random.key(0)), "N must be an integer >= 1"),
    (lambda: LRU(4, 8, r_min=0.99, r_max=0.9, key=jax.random.key(0)), "r_min < r_max < 1"),
    (lambda: S4D(4, 8, method="euler", key=jax.random.key(0)), "method must be one of 'zoh', 'bilinear'"),
    (lambda: S4D(4, 8, key=jax.random.key(0))(np.ones(10)), "u must be 2-D (L, H)"),
    (lambda: S4D(4, 8, key=jax.random.key(0))(np.ones((10, 3))), "u must have H = 4 channels"),
    (lambda: S4D(4, 8, key=jax.random.key(0))(np.full((10, 4), np.nan)), "u must be finite"),
    (lambda: SequenceModel(3, 3, pool="max", key=jax.random.key(0)), "pool must be one of 'none', 'mean', 'last'"),
    (lambda: SequenceModel(3, 2, skip=True, key=jax.random.key(0)), "skip=True needs d_in == d_out"),
    (lambda: SequenceModel(3, 3, H=4, n_layers=1, N=4, key=jax.random.key(0)).generate(np.ones((0, 3)), 5), "context must be non-empty"),
    (lambda: fit_classifier(SequenceModel(1, 2, H=4, n_layers=1, N=4, key=jax.random.key(0)), np.ones((5, 8, 1)), np.zeros(5, int),
                            key=jax.random.key(0)), "pools its outputs to logits"),
    (lambda: fit_forecaster(SequenceModel(2, 2, H=4, n_layers=1, N=4, key=jax.random.key(0)), np.ones((10, 2)), window=64,
                            key=jax.random.key(0)), "data must be at least 65 time steps"),
    (lambda: fit_forecaster(SequenceModel(2, 2, H=4, n_layers=1, N=4, key=jax.random.key(0)), np.ones((20, 2)), window=8,
                            rollout=12, key=jax.random.key(0)), "data must be at least 21 time steps"),
    (lambda: fit_forecaster(SequenceModel(2, 2, H=4, n_layers=1, N=4, key=jax.random.key(0)), np.ones((20, 2)), window=8,
                            rollout=-1, key=jax.random.key(0)), "rollout must be an integer >= 0"),
    (lambda: fit_forecaster(SequenceModel(2, 2, H=4, n_layers=1, N=4, key=jax.random.key(0)), np.ones((20, 2)), window=8,
                            weight_decay=np.nan, key=jax.random.key(0)), "weight_decay must be >= 0"),
    (lambda: fit_forecaster(SequenceModel(2, 2, H=4, n_layers=1, N=4, key=jax.random.key(0)), np.ones((20, 2)), window=8,
                            lr=np.inf, key=jax.random.key(0)), "lr must be > 0"),
    (lambda: fit_forecaster(SequenceModel(2, 2, H=4, n_layers=1, N=4, key=jax.random.key(0)), [np.ones((8, 2)), np.ones((5, 2))],
                            window=8, key=jax.random.key(0)), "data must be at least 9 time steps long"),
    (lambda: fit_forecaster(SequenceModel(2, 2, H=4, n_layers=1, N=4, key=jax.random.key(0)), np.full((20, 2), np.nan), window=8,
                            key=jax.random.key(0)), "data must be finite"),
    (lambda: fit_classifier(SequenceModel(1, 3, H=4, n_layers=1, N=4, pool="mean", key=jax.random.key(0)),
                            np.full((5, 8, 1), np.nan), np.zeros(5, int), key=jax.random.key(0)), "X must be finite"),
    (lambda: fit_classifier(SequenceModel(1, 3, H=4, n_layers=1, N=4, pool="mean", key=jax.random.key(0)),
                            np.ones((5, 8, 1)), np.array([0, 1, 2, 3, 0]), key=jax.random.key(0)), "y must be integer class labels in [0, 3)"),
    (lambda: fit_classifier(SequenceModel(1, 3, H=4, n_layers=1, N=4, pool="mean", key=jax.random.key(0)),
                            np.ones((5, 8, 1)), np.array([0, -1, 2, 1, 0]), key=jax.random.key(0)), "y must be integer class labels"),
    (lambda: fit_classifier(SequenceModel(1, 3, H=4, n_layers=1, N=4, pool="mean", key=jax.random.key(0)),
                            np.ones((5, 8, 1)), np.zeros(5), key=jax.random.key(0)), "y must be integer class labels"),
    (lambda: fit_classifier(SequenceModel(1, 3, H=4, n_layers=1, N=4, pool="mean", key=jax.random.key(0)),
                            np.ones((5, 8, 1)), np.zeros(5, int), weight_decay=np.nan, key=jax.random.key(0)), "weight_decay must be >= 0"),
    (lambda: SSMForecaster(layer="gru"), "layer must be one of"),
    (lambda: SSMForecaster(n_steps=0), "n_steps must be an integer >= 1"),
    (lambda: SSMForecaster(window=1), "window must be an integer >= 2"),
    (lambda: SSMForecaster(noise=np.nan), "noise must be >= 0"),
    (lambda: SSMForecaster(layer_options=[1]), "layer_options must be a dict"),
    (lambda: SSMForecaster(n_steps=2).fit(np.ones((100, 2)), 0.1), "SSMForecaster.fit is random"),
    (lambda: SSMForecaster().step_map(np.ones((5, 2))), "SSMForecaster is not fitted"),
])
def test_bad_input(call, msg):
    with pytest.raises(InputError, match=None) as e:
        call()
    assert msg in str(e.value), str(e.value)


# ---- issue 21: every entry point refuses bad arguments with an InputError naming them, before compiling ------------
K0 = jax.random.key(0)
SMALL = SequenceModel(2, 2, H=4, n_layers=1, N=4, skip=True, key=K0)
CLF = SequenceModel(1, 3, H=4, n_layers=1, N=4, pool="mean", key=K0)


@pytest.mark.parametrize("call,msg", [
    (lambda: cauchy(np.ones(3), np.array([1j]), L4), "v must be (N,) or (N, k) with N = 2 (the length of Lambda)"),
    (lambda: cauchy(np.ones(2), np.array([np.nan]), L4), "z must be finite"),
    (lambda: cauchy(np.ones(2), L4[:1], L4), "must give a finite result in cauchy"),     # z on a pole
    (lambda: linear_scan("abc", np.ones(4)), "a must be an array of real numbers"),
    (lambda: linear_scan(np.ones((4, 3)), np.ones((5, 3))), "a must be broadcastable to the shape of b (5, 3)"),
    (lambda: linear_scan_sequential(np.ones(3), np.ones(3), x0=np.ones(2)), "x0 must be 0-D"),
    (lambda: linear_scan(np.ones(3), np.zeros((0, 2))), "b must be non-empty"),
    (lambda: linear_scan(np.full(60, 1e30), np.ones(60)), "must give a finite result in linear_scan"),
    (lambda: s4d_kernel(L4, np.ones(2), np.ones(2), np.ones(2) * 0.1, 8), "dt must be a positive real number;"),
    (lambda: s4_kernel(L4, np.ones(2), np.ones(2), np.ones(2), True, 8), "dt must be a positive real number"),
    (lambda: ssm_kernel_naive(np.diag(L4), np.ones(2), np.ones(2), 0.1, 8, None), "method must be one of 'zoh', 'bilinear'"),
    (lambda: causal_conv(np.ones(4), np.ones(4) + 1j), "K must be real-valued"),
    (lambda: S4D(4, 8, key=None), "key must be a JAX random key"),
    (lambda: S5(4, 8, key=3), "key must be a JAX random key"),
    (lambda: Mamba(4, 8, key="key"), "key must be a JAX random key"),
    (lambda: S4D(4, 8, init="bogus", key=K0), "init must be one of 'lin', 'inv', 'legs'"),
    (lambda: S4(4, 8, dt_min=0.5, dt_max=0.1, key=K0), "dt_max must be >= dt_min"),
    (lambda: SequenceModel(2, 2, layer="s4dd", key=K0), "Did you mean 's4d'"),
    (lambda: SequenceModel(2, 2, key=None), "key must be a JAX random key"),
    (lambda: SMALL.features(np.full((5, 2), np.nan)), "u must be finite"),
    (lambda: SMALL.step(SMALL.init_state(), np.array([1.0, np.inf])), "u_t must be finite"),
    (lambda: SMALL(np.ones((5, 2)) + 1j), "u must be real-valued"),
    (lambda: SMALL.generate(np.ones((5, 2)), 3, nonfinite="drop"), "nonfinite must be one of 'raise', 'keep'"),
    (lambda: run_recurrent(SMALL, np.ones((5, 3))), "u must have H = 2 channels"),
    (lambda: run_recurrent(SMALL, np.full((5, 2), np.nan)), "u must be finite"),
    (lambda: run_recurrent("a layer", np.ones((5, 2))), "layer must be an SSM layer"),
    (lambda: Mamba(2, 4, key=K0)(np.full((6, 2), 1e30, np.float32)), "u must give a finite result in Mamba"),
    (lambda: fit_forecaster(SMALL, X_SINE, window=8, n_steps=2, weight_decay="0.1", key=K0), "weight_decay must be a real number"),
    (lambda: fit_forecaster(SMALL, X_SINE, window=8, n_steps=2, key=None), "fit_forecaster is random"),
    (lambda: fit_classifier(CLF, np.ones((5, 8, 1)), np.zeros(5, int), n_steps=2, key=None), "fit_classifier is random"),
    (lambda: fit_classifier(CLF, np.ones((5, 8, 1)), "abc", n_steps=2, key=K0), "y must be (B,) = (5,) labels"),
    (lambda: fit_classifier(CLF, np.ones((8, 1)), np.zeros(5, int), n_steps=2, key=K0), "one per sequence of X"),
    (lambda: fit_classifier(CLF, np.ones((5, 8, 1)), np.array([0, 1, 2, 1, np.nan]), n_steps=2, key=K0),
     "y must be integer class labels"),
])
def test_bad_input_issue21(call, msg):
    with pytest.raises(InputError) as e:
        call()
    assert msg in str(e.value), str(e.value)


def test_refusals_come_before_compiling():
    "Argument checks that do not depend on the data run before anything is traced or compiled."
    compiled = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda event, duration, **kw: compiled.append(event) if "backend_compile" in event else None)
    for call in (lambda: fit_forecaster(SMALL, X_SINE, window=8, n_steps="10", key=K0),
                 lambda: fit_classifier(CLF, np.ones((5, 8, 1)), np.zeros(5, int), lr=np.nan, key=K0),
                 lambda: S4D(4, 8, key=None), lambda: s4d_kernel(L4, np.ones(2), np.ones(2), 0.1, 1.5),
                 lambda: linear_scan(np.ones(3), None)):
        with pytest.raises(InputError):
            call()
    assert compiled == []


def test_accepted_variants_give_the_same_numbers():
    "Nested lists, integer and float16 arrays, 0-d integer arrays and zero eigenvalues are accepted, with correct results."
    u = np.random.default_rng(0).normal(size=(12, 3)).astype(np.float32)
    layer = S4D(3, 4, key=K0)
    np.testing.assert_allclose(np.asarray(layer(u.tolist())), np.asarray(layer(u)), atol=1e-6)
    np.testing.assert_allclose(np.asarray(causal_conv(u.astype(np.float16), u)),
                               np.asarray(causal_conv(u.astype(np.float16).astype(np.float32), u)), atol=1e-5)
    np.testing.assert_allclose(np.asarray(s4d_kernel(L4, np.ones(2), np.ones(2), 0.1, jnp.asarray(8))),
                               np.asarray(s4d_kernel(L4, np.ones(2), np.ones(2), 0.1, 8)))
    # ZOH of a zero eigenvalue: the integrator x' = u, whose step is exactly dt (the formula's 0/0 limit)
    np.testing.assert_allclose(np.asarray(discretize_diag(np.zeros(1, complex), np.ones(1), 0.25)[1]), [0.25])
    np.testing.assert_allclose(np.asarray(s4d_kernel(np.zeros(1, complex), np.ones(1), np.ones(1), 0.25, 3)), [0.25] * 3)
    _, la = fit_classifier(CLF, np.ones((5, 8, 1)), [0, 1, 2, 1, 0], n_steps=2, batch_size=4, key=K0)
    _, lb = fit_classifier(CLF, np.ones((5, 8, 1)), np.array([0, 1, 2, 1, 0]), n_steps=2, batch_size=4, key=K0)
    np.testing.assert_array_equal(la, lb)
    fc = SSMForecaster(H=4, N=4, n_layers=1, window=8, n_steps=jnp.asarray(2)).fit(X_SINE, 0.1, key=K0)
    assert fc.n_steps == 2 and type(fc.n_steps) is int


def test_generate_raises_on_divergence():
    "SequenceModel.generate follows the nonfinite rule: a DivergedError, or the raw trajectory with nonfinite='keep'."
    big = jax.tree_util.tree_map(lambda a: a * 1e6 if eqx.is_inexact_array(a) else a, SMALL)
    with pytest.raises(DivergedError, match="SequenceModel.generate diverged"):
        big.generate(X_SINE[:5], 40)
    assert not np.all(np.isfinite(np.asarray(big.generate(X_SINE[:5], 40, nonfinite="keep"))))
