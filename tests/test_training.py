"Bad input to dsrlab.training is refused on the host, before anything is compiled; checkpoints that do not fit are refused."
import io

import jax
import numpy as np
import pytest

import dsrlab.training as training
from dsrlab.core import InputError
from dsrlab.plrnn import make_model
from dsrlab.training import train_gtf, train_stf


@pytest.fixture
def no_compile(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("compiled before validating")
    monkeypatch.setattr(training, "train_loop", boom)


def _checkpoint_arrays(path) -> bytes:
    "The serialised arrays of a checkpoint file: after the magic line, the header's length (8 bytes) and the header."
    from dsrlab.core import _CHECKPOINT
    raw = open(path, "rb").read()
    assert raw.startswith(_CHECKPOINT)
    n = int.from_bytes(raw[len(_CHECKPOINT):len(_CHECKPOINT) + 8], "little")
    return raw[len(_CHECKPOINT) + 8 + n:]


@pytest.fixture
def setup():
    x = np.random.default_rng(0).normal(size=(500, 3)).astype(np.float32)
    return make_model("shallow", 3, 3, key=jax.random.key(0), hidden=8), x


@pytest.mark.parametrize("kwargs, data_fn, msg", [
    (dict(seq_len=600), lambda x: x, "data must be at least 600 time steps long; got 500"),
    (dict(), lambda x: np.where(np.arange(500)[:, None] == 7, np.nan, x), "data must be finite"),
    (dict(), lambda x: np.where(np.arange(500)[:, None] == 7, np.inf, x), "data must be finite"),
    (dict(), lambda x: x[:, :2], "data must be of last-axis size 3"),
    (dict(), lambda x: x[None, None], "2-D (T, D) or 3-D (B, T, D)"),
    (dict(alpha=-0.1), lambda x: x, "alpha must be >= 0"),
    (dict(alpha=2.0), lambda x: x, "alpha must be in [0, 1]"),
    (dict(n_steps=0), lambda x: x, "n_steps must be an integer >= 1"),
    (dict(seq_len=1), lambda x: x, "seq_len must be an integer >= 2"),
    (dict(lr=(1e-3, -1.0)), lambda x: x, "lr must be > 0"),
    (dict(eval_every=30), lambda x: x, "eval_every must be a multiple of steps_per_call = 50"),
    (dict(eval_every=50, eval_length=10_000), lambda x: x, "data must be at least eval_length = 10000"),
    (dict(mar_units=4, mar_weight=1.0), lambda x: x, "mar_units must be <= M = 3 (the latent dimension); got 4"),
    (dict(mar_units=-1), lambda x: x, "mar_units must be an integer >= 0"),
    (dict(mar_units=2, mar_weight=-1.0), lambda x: x, "mar_weight must be >= 0"),
])
def test_gtf_bad_input(no_compile, setup, kwargs, data_fn, msg):
    model, x = setup
    with pytest.raises(InputError) as e:
        train_gtf(model, data_fn(x), key=jax.random.key(0), **{"seq_len": 50, **kwargs})
    assert msg in str(e.value)


def test_stf_bad_tau(no_compile, setup):
    model, x = setup
    with pytest.raises(InputError, match="tau must be an integer >= 1"):
        train_stf(model, x, key=jax.random.key(0), tau=0, seq_len=50)


def test_not_a_model(no_compile, setup):
    _, x = setup
    with pytest.raises(InputError, match="model must be an ObservedModel"):
        train_gtf(object(), x, key=jax.random.key(0))


def test_ensemble_flag_needs_stacked_model(no_compile, setup):
    model, x = setup
    with pytest.raises(InputError, match="leading ensemble axis"):
        train_gtf(model, x, key=jax.random.key(0), ensemble=True, seq_len=50)


def test_input_not_modified(setup):
    model, x = setup
    x0 = x.copy()
    train_gtf(model, x, key=jax.random.key(0), n_steps=2, steps_per_call=2, seq_len=20, batch_size=2, noise=0.1, progress=False)
    np.testing.assert_array_equal(x, x0)


def test_keep_best_returns_the_best_evaluated_model():
    from dsrlab.metrics import state_space_divergence
    from dsrlab.systems import get_system
    x = np.asarray(get_system("lorenz63").trajectory(3000, transient=500), np.float32)
    x = (x - x.mean(0)) / x.std(0)
    model = make_model("shallow", 3, 3, key=jax.random.key(0), hidden=10)
    res = train_gtf(model, x, key=jax.random.key(1), n_steps=40, steps_per_call=10, seq_len=30, batch_size=4,
                    lr=(1e-2, 1e-3), eval_every=10, eval_length=1000, keep_best=True, progress=False)
    scores = res.history["state_space_divergence"]
    g = np.asarray(res.model.generate(x[0], 1000), np.float64)
    np.testing.assert_allclose(float(state_space_divergence(x[:1000], g)), np.nanmin(scores), rtol=1e-6)
    with pytest.raises(InputError, match="keep_best=True needs eval_every"):
        train_gtf(model, x, key=jax.random.key(1), keep_best=True)


def test_manifold_attractor_regularization_formula():
    "The penalty against the formula of Schmidt et al. (2021), for the PLRNN (off-diagonal W), AL-RNN (full W) and shallow PLRNN."
    from dsrlab.training import manifold_attractor_regularization as mar
    key = jax.random.key(3)
    for kind, kw in (("plrnn", {}), ("alrnn", {"P": 2}), ("shallow", {"hidden": 7})):
        lat = make_model(kind, 2, 5, key=key, **kw).latent
        A = np.asarray(lat.A, np.float64)
        if kind == "shallow":
            W, h = np.asarray(lat.W1, np.float64), np.asarray(lat.h1, np.float64)
        else:
            W, h = np.asarray(lat.W, np.float64), np.asarray(lat.h, np.float64)
            if kind == "plrnn":
                W = W - np.diag(np.diag(W))
        want = 0.7 * sum((A[i] - 1) ** 2 + np.sum(W[i] ** 2) + h[i] ** 2 for i in range(3))
        np.testing.assert_allclose(float(mar(lat, 3, 0.7)), want, rtol=1e-5)


def test_manifold_attractor_regularization_pulls_units_to_line_attractor():
    "With a large weight, the regulated units end near A = 1, W = 0, h = 0; without it they stay where training puts them."
    x = np.asarray(np.random.default_rng(1).normal(size=(2000, 2)).cumsum(0) * 0.05, np.float32)
    model = make_model("alrnn", 2, 5, key=jax.random.key(2), P=2)

    def dist(lat):
        return max(np.abs(np.asarray(lat.A[:2]) - 1).max(), np.abs(np.asarray(lat.W[:2])).max(), np.abs(np.asarray(lat.h[:2])).max())

    kw = dict(key=jax.random.key(4), n_steps=200, seq_len=20, batch_size=4, steps_per_call=50, lr=(1e-2, 1e-3), progress=False)
    reg = train_gtf(model, x, alpha=0.5, mar_units=2, mar_weight=10.0, **kw).model.latent
    free = train_gtf(model, x, alpha=0.5, **kw).model.latent
    assert dist(reg) < 0.05 < dist(free)


@pytest.mark.parametrize("hp, msg", [
    (dict(reg_latent=float("nan")), "reg_latent must be >= 0; got nan"),
    (dict(reg_latent=float("inf")), "reg_latent must be >= 0; got inf"),
    (dict(reg_latent=-1.0), "reg_latent must be >= 0; got -1.0"),
    (dict(alpha=2.0), "alpha must be in [0, 1]"),
    (dict(alpha=np.float32(-0.5)), "alpha must be >= 0"),
    (dict(lr=(1e-3, -1.0)), "lr must be > 0"),
    (dict(lr=1e-3), "lr must be a pair"),
    (dict(n_steps=0), "n_steps must be an integer >= 1"),
    (dict(forcing="stf", tau=0), "tau must be an integer >= 1"),
    (dict(latent=0), "latent must be an integer >= 1"),
    (dict(hidden=0), "hidden must be an integer >= 1"),
])
def test_reconstructor_bad_hyperparameters(no_compile, setup, hp, msg):
    from dsrlab.training import PLRNNReconstructor
    _, x = setup
    with pytest.raises(InputError) as e:
        PLRNNReconstructor(**hp).fit(x, 0.01, key=jax.random.key(0))
    assert msg in str(e.value)


@pytest.mark.parametrize("hp, msg", [(dict(kind="gru"), "kind must be one of"), (dict(observation="mlp"), "observation must be one of"),
                                     (dict(forcing="tf"), "forcing must be one of")])
def test_reconstructor_bad_names(hp, msg):
    from dsrlab.training import PLRNNReconstructor
    with pytest.raises(InputError, match=msg):
        PLRNNReconstructor(**hp)


def test_alpha_as_jax_scalar(setup):
    "A JAX scalar for alpha trains as the same Python float does (it used to fail as an unhashable static argument)."
    import jax.numpy as jnp
    model, x = setup
    kw = dict(key=jax.random.key(0), n_steps=4, steps_per_call=2, seq_len=20, batch_size=2, progress=False)
    a = train_gtf(model, x, alpha=jnp.asarray(0.5), **kw).history["loss"]
    np.testing.assert_array_equal(a, train_gtf(model, x, alpha=0.5, **kw).history["loss"])


def test_nonfinite_loss_stops_and_keeps_last_finite_checkpoint(setup, tmp_path):
    "Data scaled by 1e30 overflow float32 in the first loss: the run stops there, the checkpoint holds the initial state."
    import equinox as eqx
    from dsrlab.core import NonFiniteLossError
    model, x = setup
    ck = str(tmp_path / "run.eqx")
    with pytest.raises(NonFiniteLossError, match="the loss became inf at step 1 of 20") as e:
        train_gtf(model, 1e30 * x, key=jax.random.key(0), n_steps=20, steps_per_call=5, seq_len=20, batch_size=2,
                  checkpoint=ck, progress=False)
    assert e.value.step == 1
    like = {"state": e.value.state, "history": {"loss": np.zeros(20, np.float32), "alpha": np.zeros(20, np.float32)},
            "done": np.zeros((), np.int64)}
    saved = eqx.tree_deserialise_leaves(io.BytesIO(_checkpoint_arrays(ck)), like)
    assert int(saved["done"]) == 0
    for a, b in zip(jax.tree_util.tree_leaves(saved["state"]["member"]["params"]),
                    jax.tree_util.tree_leaves(eqx.filter(model, eqx.is_inexact_array))):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_ensemble_of_reconstructor_model_and_list_data(setup):
    "An ensemble trains on a list of trajectories of different lengths; each member as it would alone."
    from dsrlab.training import ensemble_member, make_ensemble
    _, x = setup
    keys = jax.random.split(jax.random.key(5), 2)
    ens = make_ensemble(lambda k: make_model("shallow", 3, 3, key=k, hidden=6), keys)
    parts = [x[:200], x[250:330]]
    kw = dict(n_steps=6, seq_len=20, batch_size=2, steps_per_call=3, progress=False)
    res = train_gtf(ens, parts, key=jax.random.key(6), ensemble=True, **kw)
    for i, k in enumerate(jax.random.split(jax.random.key(6), 2)):
        alone = train_gtf(make_model("shallow", 3, 3, key=keys[i], hidden=6), parts, key=k, **kw)
        np.testing.assert_allclose(res.history["loss"][:, i], alone.history["loss"], rtol=1e-5)


# ---- every hyperparameter checked before anything compiles

@pytest.fixture
def nothing_runs(monkeypatch):
    "Fails the test if training gets as far as building its optimiser or starting its loop."
    def boom(*a, **k):
        raise AssertionError("got past validation")
    monkeypatch.setattr(training, "train_loop", boom)
    monkeypatch.setattr(training, "_optimizer", boom)


@pytest.mark.parametrize("trainer", ["gtf", "stf", "bptt"])
@pytest.mark.parametrize("kwargs, msg", [
    (dict(n_steps="10"), "n_steps must be an integer >= 1; got str '10'"),
    (dict(batch_size=1.5), "batch_size must be an integer >= 1; got float 1.5"),
    (dict(noise=float("nan")), "noise must be >= 0; got nan"),
    (dict(clip_norm=-1), "clip_norm must be >= 0; got -1"),
    (dict(mar_weight=float("inf")), "mar_weight must be >= 0; got inf"),
    (dict(lr=(1e-3, float("nan"))), "lr must be > 0; got nan"),
    (dict(lr="0.1"), "lr must be a pair"),
    (dict(steps_per_call=0), "steps_per_call must be an integer >= 1"),
    (dict(checkpoint_every="10"), "checkpoint_every must be an integer >= 1"),
    (dict(stop_at=-5), "stop_at must be an integer >= 0"),
    (dict(eval_length=1), "eval_length must be an integer >= 2"),
    (dict(progress="yes"), "progress must be True or False"),
    (dict(key=3), "key must be a JAX random key"),
    (dict(key=None), "is random: pass key="),
])
def test_every_argument_checked_first(nothing_runs, setup, trainer, kwargs, msg):
    model, x = setup
    fn = {"gtf": train_gtf, "stf": train_stf, "bptt": training.train_bptt}[trainer]
    with pytest.raises(InputError) as e:
        fn(model, x, **{"key": jax.random.key(0), "seq_len": 50, **kwargs})
    assert msg in str(e.value)


@pytest.mark.parametrize("kwargs, msg", [
    (dict(reg_latent=float("nan")), "reg_latent must be >= 0; got nan"),
    (dict(alpha=float("nan")), "alpha must be >= 0; got nan"),
    (dict(alpha_decay=1.5), "alpha_decay must be in [0, 1]"),
    (dict(alpha_every=0), "alpha_every must be an integer >= 1"),
    (dict(tau=-1), "tau must be an integer >= 1"),
    (dict(mar_units=1.5), "mar_units must be an integer >= 0"),
    (dict(seq_len=True), "seq_len must be an integer >= 2; got bool True"),
    (dict(lr=(1e-3,)), "lr must be a pair"),
])
def test_train_config_checks_every_field(kwargs, msg):
    with pytest.raises(InputError) as e:
        training.TrainConfig(**kwargs)
    assert msg in str(e.value)
    cfg = training.TrainConfig(lr=[np.float32(0.5), 0.25], alpha=jax.numpy.asarray(0.5), n_steps=np.int64(7))
    assert cfg.lr == (0.5, 0.25) and type(cfg.alpha) is float and type(cfg.n_steps) is int and hash(cfg)


def test_reconstructor_checks_hyperparameters_when_made():
    from dsrlab.training import PLRNNReconstructor
    for hp, msg in ((dict(n_steps="10"), "n_steps must be an integer"), (dict(noise=-1.0), "noise must be >= 0"),
                    (dict(P=-1), "P must be an integer >= 0"), (dict(alpha_decay=float("nan")), "alpha_decay must be >= 0"),
                    (dict(kind="shalow"), "Did you mean 'shallow'"), (dict(progress=None), "progress must be True or False"),
                    (dict(checkpoint=3), "checkpoint must be a file path")):
        with pytest.raises(InputError, match=msg):
            PLRNNReconstructor(**hp)
    assert PLRNNReconstructor(lr=[jax.numpy.float32(0.5), 0.25]).lr == (0.5, 0.25)


def test_functions_check_their_arguments(setup):
    from dsrlab.training import ensemble_member, forced_rollout, jacobian_product_bound, make_ensemble, optimal_alpha
    model, x = setup
    with pytest.raises(InputError, match="alpha must be in"):
        forced_rollout(model, x[:10], 2.0)
    with pytest.raises(InputError, match="x must be finite"):
        forced_rollout(model, np.where(np.arange(10)[:, None] == 3, np.nan, x[:10]), 0.5)
    with pytest.raises(InputError, match="x must be 3-D"):
        jacobian_product_bound(model, x[:10])
    with pytest.raises(InputError, match="G must be >= 0; got nan"):
        optimal_alpha(float("nan"))
    assert float(optimal_alpha(0.0)) == 0.0 and float(optimal_alpha(4)) == 0.75
    with pytest.raises(InputError, match="n_units must be an integer >= 0 and <= 3"):
        training.manifold_attractor_regularization(model.latent, -1, 1.0)
    with pytest.raises(InputError, match="weight must be >= 0; got nan"):
        training.manifold_attractor_regularization(model.latent, 1, float("nan"))
    with pytest.raises(InputError, match="keys must be one JAX random key per member"):
        make_ensemble(lambda k: make_model("shallow", 3, 3, key=k), 3)
    ens = make_ensemble(lambda k: make_model("shallow", 3, 3, key=k, hidden=4), jax.random.split(jax.random.key(1), 2))
    with pytest.raises(InputError, match="i must be an integer >= -2 and <= 1; got 99"):
        ensemble_member(ens, 99)        # JAX clamps: it used to return member 1
    np.testing.assert_array_equal(np.asarray(ensemble_member(ens, -1).latent.A), np.asarray(ens.latent.A[1]))
    with pytest.raises(InputError, match="model must be a stacked ensemble"):
        ensemble_member(model, 0)


# ---- checkpoints: settings, data and model size checked; files without extension; corruption refused

KW = dict(n_steps=20, steps_per_call=5, seq_len=20, batch_size=2, progress=False)


def test_checkpoint_without_extension_resumes(setup, tmp_path):
    model, x = setup
    full = train_gtf(model, x, key=jax.random.key(1), **KW)
    ck = tmp_path / "run"                                   # no extension
    train_gtf(model, x, key=jax.random.key(1), checkpoint=ck, stop_at=10, **KW)
    assert ck.exists() and not list(tmp_path.glob("run.*"))   # one file, under the name given
    resumed = train_gtf(model, x, key=jax.random.key(1), checkpoint=str(ck), **KW)
    np.testing.assert_array_equal(resumed.history["loss"], full.history["loss"])
    for a, b in zip(jax.tree_util.tree_leaves(resumed.model), jax.tree_util.tree_leaves(full.model)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_checkpoint_refuses_other_data_model_or_settings(setup, tmp_path):
    model, x = setup
    ck = str(tmp_path / "run.ckpt")
    train_gtf(model, x, key=jax.random.key(1), checkpoint=ck, stop_at=10, **KW)
    with pytest.raises(InputError, match=r"written by a run with other .*data"):
        train_gtf(model, x[::-1].copy(), key=jax.random.key(1), checkpoint=ck, **KW)
    bigger = make_model("shallow", 3, 3, key=jax.random.key(0), hidden=9)
    with pytest.raises(InputError, match=r"written by a run with other .*model"):
        train_gtf(bigger, x, key=jax.random.key(1), checkpoint=ck, **KW)
    with pytest.raises(InputError, match=r"written by a run with other .*config"):
        train_gtf(model, x, key=jax.random.key(1), checkpoint=ck, noise=0.1, **KW)
    with pytest.raises(InputError, match="written by a run with other"):
        train_stf(model, x, key=jax.random.key(1), checkpoint=ck, **KW)


def test_corrupted_checkpoint_is_refused(setup, tmp_path):
    "64 bytes flipped in the arrays: the checksum no longer matches, and the file is refused, not loaded."
    model, x = setup
    ck = tmp_path / "run.ckpt"
    train_gtf(model, x, key=jax.random.key(1), checkpoint=ck, stop_at=10, **KW)
    raw = bytearray(ck.read_bytes())
    start = len(raw) - len(_checkpoint_arrays(ck))
    for i in range(start + 100, start + 164):
        raw[i] ^= 0xFF
    ck.write_bytes(bytes(raw))
    with pytest.raises(InputError, match="corrupted"):
        train_gtf(model, x, key=jax.random.key(1), checkpoint=ck, **KW)
    ck.write_bytes(b"not a checkpoint at all")
    with pytest.raises(InputError, match="corrupted"):
        train_gtf(model, x, key=jax.random.key(1), checkpoint=ck, **KW)


def test_missing_checkpoint_folder_refused_before_training(nothing_runs, setup, tmp_path):
    model, x = setup
    with pytest.raises(InputError, match="checkpoint must be in a folder that exists"):
        train_gtf(model, x, key=jax.random.key(1), checkpoint=tmp_path / "nope" / "run.ckpt", **KW)
    with pytest.raises(InputError, match="checkpoint must be a file path, not a folder"):
        train_gtf(model, x, key=jax.random.key(1), checkpoint=tmp_path, **KW)
    with pytest.raises(InputError, match="checkpoint must be a file path"):
        train_gtf(model, x, key=jax.random.key(1), checkpoint=3, **KW)
