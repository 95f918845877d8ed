"""dsrlab.flows: bad input, the Sinkhorn coupling, and agreement with torchcfm's conventions (when installed)."""
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from dsrlab.core import DivergedError, InputError, NonFiniteLossError, Standardizer
from dsrlab.flows import (ConditionalFlow, FlowTransition, RectifiedFlow, distill, fit_transition, generate, interpolate, ot_pairing,
                          rectified_flow_loss, reflow, sample, straightness, time_embedding, train_flow, wasserstein2)

KEY = jax.random.key(0)


@pytest.fixture(scope="module")
def flow():
    return RectifiedFlow(2, 16, key=KEY)


@pytest.mark.parametrize("call, message", [
    (lambda f: train_flow(f, np.zeros((10, 2)), np.zeros((10, 2, 1)), key=KEY), "x0 must be 2-D"),
    (lambda f: train_flow(f, np.zeros((10, 2)), np.zeros((11, 2)), coupling="paired", key=KEY), "x0 must have 10 rows"),
    (lambda f: train_flow(f, np.zeros((10, 2)), key=KEY, batch_size=0), "batch_size must be an integer >= 1"),
    (lambda f: train_flow(f, np.zeros((10, 2)), key=KEY, steps_per_call=-1), "steps_per_call must be an integer >= 1"),
    (lambda f: train_flow(f, np.zeros((10, 2)), key=KEY, learning_rate=-1e-3), "learning_rate must be > 0"),
    (lambda f: train_flow(f, np.zeros((10, 2)), key=KEY, fixed_t=1.5), "fixed_t must be in [0, 1]"),
    (lambda f: train_flow(f, np.zeros((10, 2)), key=KEY, context=np.zeros((10, 1))), "context was given but the flow has context_dim=0"),
    (lambda f: train_flow(f, [[0.0, float("nan")]], key=KEY), "x1 must be finite"),
    (lambda f: train_flow("not a flow", np.zeros((10, 2)), key=KEY), "flow must be a RectifiedFlow"),
    (lambda f: sample(f, np.zeros((4, 2)), 2.5), "n_steps must be an integer >= 1"),
    (lambda f: sample(f, np.zeros((4, 2)), method="tsit5", rtol=0), "rtol must be > 0"),
    (lambda f: sample(f, np.zeros((4, 2)), method="tsit5", return_path=True), "return_path is only available"),
    (lambda f: sample(f, np.zeros(2)), "x0 must be 2-D"),
    (lambda f: reflow(f, np.zeros((10, 3)), key=KEY), "x0 must be of last-axis size 2"),
    (lambda f: distill(f, np.zeros((10, 2)), simulation_steps=0, key=KEY), "simulation_steps must be an integer >= 1"),
    (lambda f: straightness(f, np.full((3, 2), np.inf)), "x0 must be finite"),
    (lambda f: fit_transition(np.zeros((1, 2)), key=KEY), "x must be at least 2 time steps long"),
    (lambda f: fit_transition(np.zeros((10, 2)), euler_steps=0, key=KEY), "euler_steps must be an integer >= 1"),
    (lambda f: generate(f, np.zeros((2, 2)), 10, key=KEY), "model must be a FlowTransition"),
    (lambda f: ot_pairing(jnp.zeros((4, 2)), jnp.zeros((4, 2)), method="bogus"), "method must be one of 'exact', 'sinkhorn'"),
    (lambda f: ot_pairing(jnp.zeros((4, 2)), jnp.zeros((4, 2)), method="sinkhorn"), "pass key=jax.random.key(seed)"),
    (lambda f: ConditionalFlow(euler_steps=0), "euler_steps must be an integer >= 1"),
    (lambda f: ConditionalFlow().fit(np.zeros((10, 2)), None), "ConditionalFlow.fit is random"),
    (lambda f: ConditionalFlow().generate(np.zeros((3, 2)), 5), "ConditionalFlow is not fitted"),
])
def test_bad_input(flow, call, message):
    with pytest.raises(InputError, match=None) as err:
        call(flow)
    assert message in str(err.value), str(err.value)


def test_transition_needs_matching_context():
    f = RectifiedFlow(2, 8, context_dim=1, key=KEY)
    from dsrlab.core import Standardizer
    s = Standardizer(jnp.zeros(2), jnp.ones(2))
    with pytest.raises(InputError, match="context_dim == dim"):
        FlowTransition(f, s, s, 4)


@pytest.mark.parametrize("n_steps", ["10", 1.5, -5, 1, None])
def test_transition_generate_refuses_bad_step_counts(n_steps):
    s = Standardizer(jnp.zeros(2), jnp.ones(2))
    model = FlowTransition(RectifiedFlow(2, 8, context_dim=2, key=KEY), s, s, 4)
    with pytest.raises(InputError, match="n_steps must be an integer >= 2"):
        model.generate(jnp.zeros(2), n_steps, key=KEY)


def test_train_flow_checkpoint_and_non_finite_loss(tmp_path):
    x1 = np.random.default_rng(2).normal(size=(300, 2)).astype(np.float32)
    ck = str(tmp_path / "flow.ckpt")
    kw = dict(n_steps=40, batch_size=32, steps_per_call=20, key=KEY, progress=False)
    f, l = train_flow(RectifiedFlow(2, 8, key=KEY), x1, checkpoint=ck, **kw)
    f2, l2 = train_flow(RectifiedFlow(2, 8, key=KEY), x1, checkpoint=ck, **kw)   # finished run: resumes at its end
    assert all(np.array_equal(a, b) for a, b in zip(jax.tree_util.tree_leaves(f), jax.tree_util.tree_leaves(f2)))
    np.testing.assert_array_equal(l, l2)
    with pytest.raises(InputError, match="was written by a run with other batch_size"):
        train_flow(RectifiedFlow(2, 8, key=KEY), x1, checkpoint=ck, **{**kw, "batch_size": 16})
    with pytest.raises(NonFiniteLossError, match="train_flow: the loss became"):
        train_flow(RectifiedFlow(2, 8, key=KEY), 1e30 * x1, **kw)   # squared increments overflow float32


def test_sinkhorn_pairing_close_to_exact():
    xa = jax.random.normal(jax.random.key(2), (100, 2), jnp.float32)
    xb = jax.random.normal(jax.random.key(3), (100, 2), jnp.float32) + jnp.array([2.0, 0.0])
    C = np.asarray(((xa[:, None] - xb[None]) ** 2).sum(-1), np.float64)
    r, c = linear_sum_assignment(C)
    exact, independent = C[r, c].mean(), np.trace(C) / 100
    i, j = ot_pairing(xa, xb, method="sinkhorn", epsilon=1e-3, key=jax.random.key(4))
    sink = C[np.asarray(i), np.asarray(j)].mean()
    # pairs drawn from the entropic plan (with repetition) cost about what the best permutation costs
    assert abs(sink - exact) < 0.1 * (independent - exact), (sink, exact, independent)


def test_ot_couplings_train():
    """Both OT couplings run inside the compiled training loop, and OT pairs give a far lower loss than independent ones.

    Target = source = N(0, I): independent pairs are sqrt(2) apart per coordinate (E|x1 - x0|^2 = 4, and no velocity
    field can explain most of it), while OT pairs of a minibatch are close, so the OT loss is small from the start."""
    x1 = np.random.default_rng(0).normal(size=(2000, 2)).astype(np.float32)
    losses = {}
    for coupling in ("independent", "exact", "sinkhorn"):
        _, l = train_flow(RectifiedFlow(2, 32, key=KEY), x1, coupling=coupling, n_steps=60, batch_size=64,
                          steps_per_call=30, key=KEY, progress=False)
        assert l.shape == (60,) and np.all(np.isfinite(l))
        losses[coupling] = l[-20:].mean()
    # with an OT coupling E|X1 - X0 - v|^2 can go much lower: the conditional variance of X1 - X0 given X_t is small
    assert losses["exact"] < 0.5 * losses["independent"] and losses["sinkhorn"] < 0.5 * losses["independent"], losses


def test_uneven_chunks_and_resume():
    x1 = np.random.default_rng(1).normal(size=(500, 2)).astype(np.float32)
    f, l = train_flow(RectifiedFlow(2, 8, key=KEY), x1, n_steps=101, steps_per_call=50, key=KEY, progress=False)
    assert l.shape == (101,)
    f, l2 = train_flow(f, x1, n_steps=10, steps_per_call=50, key=KEY, progress=False)
    assert l2.shape == (10,)


def test_wasserstein_of_shifted_sample():
    x = np.random.default_rng(0).normal(size=(200, 3))
    # translating a sample by a: the optimal matching is the identity and W2 = |a|
    assert abs(wasserstein2(x, x + np.array([1.0, 2.0, 2.0])) - 3.0) < 1e-9


def test_loss_is_torchcfm_target():
    """Our interpolation and regression target are torchcfm's ConditionalFlowMatcher(sigma=0) ones."""
    torch = pytest.importorskip("torch")
    cfm_mod = pytest.importorskip("torchcfm.conditional_flow_matching")
    rng = np.random.default_rng(0)
    x0, x1, t = rng.normal(size=(32, 2)).astype(np.float32), rng.normal(size=(32, 2)).astype(np.float32), rng.uniform(size=32).astype(np.float32)
    cfm = cfm_mod.ConditionalFlowMatcher(sigma=0.0)
    t_out, xt, ut = cfm.sample_location_and_conditional_flow(torch.from_numpy(x0), torch.from_numpy(x1), t=torch.from_numpy(t))
    np.testing.assert_allclose(np.asarray(interpolate(jnp.asarray(x0), jnp.asarray(x1), jnp.asarray(t))), xt.numpy(), atol=1e-6)
    np.testing.assert_allclose(x1 - x0, ut.numpy(), atol=1e-6)


def test_exact_pairing_matches_torchcfm_ot_sampler():
    """The exact minibatch OT pairing has the cost of torchcfm's OTPlanSampler (POT's EMD)."""
    torch = pytest.importorskip("torch")
    ot_mod = pytest.importorskip("torchcfm.optimal_transport")
    rng = np.random.default_rng(1)
    x0, x1 = rng.normal(size=(64, 2)).astype(np.float32), (rng.normal(size=(64, 2)) + 3).astype(np.float32)
    i, j = ot_pairing(jnp.asarray(x0), jnp.asarray(x1), method="exact")
    ours = np.mean(np.sum((x0[np.asarray(i)] - x1[np.asarray(j)]) ** 2, 1))
    plan = ot_mod.OTPlanSampler(method="exact").get_map(torch.from_numpy(x0), torch.from_numpy(x1))
    # EMD between uniform point sets of equal size has a permutation plan (weights 1/n)
    theirs = float(np.sum(plan * ((x0[:, None] - x1[None]) ** 2).sum(-1)))
    assert abs(ours - theirs) < 1e-4 * theirs, (ours, theirs)


# ---- issue 21: every entry point refuses bad arguments with an InputError naming them, before compiling ------------
def _transition():
    s = Standardizer(jnp.zeros(2), jnp.ones(2))
    return FlowTransition(RectifiedFlow(2, 8, context_dim=2, key=KEY), s, s, 4)


X4 = np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)


@pytest.mark.parametrize("call, message", [
    (lambda f: ot_pairing(X4, X4, method="sinkhorn", key=3), "key must be a JAX random key"),
    (lambda f: ot_pairing(X4, X4, method="sinkhorn", epsilon=np.nan, key=KEY), "epsilon must be > 0"),
    (lambda f: ot_pairing(X4, X4, method=None), "method must be one of 'exact', 'sinkhorn'"),
    (lambda f: ot_pairing(X4, X4, method="sinkorn", key=KEY), "Did you mean 'sinkhorn'"),
    (lambda f: ot_pairing(np.where(np.eye(4, 2), np.nan, X4), X4), "x0 must be finite"),
    (lambda f: ot_pairing(X4, X4[:3]), "x1 must have the shape of x0 (4, 2)"),
    (lambda f: ot_pairing(1e30 * X4, X4), "x0 and x1 must be small enough"),
    (lambda f: _transition().generate(jnp.zeros(2), 5, key=None), "FlowTransition.generate is random"),
    (lambda f: _transition().generate(jnp.array([np.nan, 0.0]), 5, key=KEY), "x0 must be finite"),
    (lambda f: _transition().generate(jnp.zeros(3), 5, key=KEY), "x0 must be of last-axis size 2"),
    (lambda f: _transition().step(jnp.zeros(2), key="key"), "key must be a JAX random key"),
    (lambda f: _transition().transport(jnp.zeros(2), jnp.full(2, np.inf)), "z must be finite"),
    (lambda f: generate(_transition(), np.zeros((3, 2)), 5, key=None), "generate is random"),
    (lambda f: time_embedding(np.nan, 3), "t must be a finite number"),
    (lambda f: time_embedding(0.5, "3"), "n_frequencies must be an integer >= 1"),
    (lambda f: f(np.zeros(3), 0.5), "x must be of last-axis size 2"),
    (lambda f: f(np.zeros(2), 0.5, context=np.zeros(2)), "context must be None"),
    (lambda f: f(np.zeros(2), None), "t must be a real number"),
    (lambda f: RectifiedFlow(2, key=None), "key must be a JAX random key"),
    (lambda f: interpolate(X4, X4, np.ones(3)), "t must have one time per row of x0"),
    (lambda f: rectified_flow_loss(f, X4, X4[:, :1], np.ones(4)), "x1 must have the shape of x0"),
    (lambda f: train_flow(f, X4, coupling="sinkorn", key=KEY), "Did you mean 'sinkhorn'"),
    (lambda f: train_flow(f, X4, key=None), "train_flow is random"),
    (lambda f: train_flow(f, X4, optimizer="adam", key=KEY), "optimizer must be an optax GradientTransformation"),
    (lambda f: sample(f, X4, method=3), "method must be one of 'euler', 'tsit5'"),
    (lambda f: sample(f, X4, nonfinite="ignore"), "nonfinite must be one of 'raise', 'keep'"),
    (lambda f: reflow(f, X4, simulation_steps="10", key=KEY), "simulation_steps must be an integer >= 1"),
    (lambda f: reflow(f, X4, key=None), "reflow is random"),
    (lambda f: fit_transition(np.zeros((10, 2)), width=1.5, key=KEY), "width must be an integer >= 1"),
    (lambda f: fit_transition(np.zeros((10, 2)), key=None), "fit_transition is random"),
    (lambda f: ConditionalFlow(n_steps="10"), "n_steps must be an integer >= 1"),
    (lambda f: ConditionalFlow().step_map(np.zeros((3, 2))), "ConditionalFlow is not fitted"),
])
def test_bad_input_issue21(flow, call, message):
    with pytest.raises(InputError) as err:
        call(flow)
    assert message in str(err.value), str(err.value)


def test_refusals_come_before_compiling(flow):
    "ot_pairing with an unknown method, FlowTransition.generate with a bad step count: refused before anything compiles."
    compiled = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda event, duration, **kw: compiled.append(event) if "backend_compile" in event else None)
    model = _transition()
    for call in (lambda: ot_pairing(X4, X4, method="bogus"), lambda: ot_pairing(X4, X4, method="sinkhorn", key=None),
                 lambda: model.generate(jnp.zeros(2), "10", key=KEY), lambda: model.generate(jnp.zeros(2), 1.5, key=KEY),
                 lambda: model.generate(jnp.zeros(2), -5, key=KEY), lambda: train_flow(flow, X4, n_steps=True, key=KEY)):
        with pytest.raises(InputError):
            call()
    assert compiled == []


def test_generate_like_functions_raise_on_divergence(flow):
    "sample, FlowTransition.generate and generate follow the nonfinite rule: a DivergedError, or the raw output with 'keep'."
    big = jax.tree_util.tree_map(lambda a: a * 1e12 if eqx.is_inexact_array(a) else a, flow)
    with pytest.raises(DivergedError, match="sample diverged"):
        sample(big, X4, 50)
    assert not np.all(np.isfinite(np.asarray(sample(big, X4, 50, nonfinite="keep"))))
    model = _transition()
    model = eqx.tree_at(lambda m: m.increment.std, model, jnp.full(2, 1e38))   # increments of 1e38: inf after one step
    with pytest.raises(DivergedError, match="FlowTransition.generate diverged"):
        model.generate(jnp.zeros(2), 4, key=KEY)
    with pytest.raises(DivergedError, match="generate diverged"):
        generate(model, np.zeros((2, 2)), 4, key=KEY)
    assert generate(model, np.zeros((2, 2)), 4, key=KEY, nonfinite="keep").shape == (2, 4, 2)


def test_accepted_variants_give_the_same_numbers(flow):
    "Nested lists, float16 and 0-d integer arrays are the same input."
    model = _transition()
    a = model.generate(jnp.zeros(2), 5, key=KEY)
    np.testing.assert_array_equal(np.asarray(model.generate([0.0, 0.0], jnp.asarray(5), key=KEY)), np.asarray(a))
    np.testing.assert_allclose(np.asarray(sample(flow, X4.tolist(), 4)), np.asarray(sample(flow, X4, 4)), atol=1e-6)
    i, j = ot_pairing(X4.tolist(), X4.astype(np.float16))
    assert sorted(np.asarray(i).tolist()) == [0, 1, 2, 3]
