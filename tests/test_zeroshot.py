"""dsrlab.zeroshot refuses bad input with an InputError (a ValueError) that names the argument."""
import numpy as np
import pytest

from dsrlab.core import InputError, NotFittedError
from dsrlab.zeroshot import (ContextParroting, dynamix_mase, dynamix_protocol, dynamix_state_space_divergence,
                             nearest_motif, parrot)

rng = np.random.default_rng(0)
X = np.cumsum(rng.normal(size=(200, 3)), 0)
CP = ContextParroting(embedding_dim=10, delay=2).fit(X, 0.01)   # needs (2*10 - 1)*2 + 1 = 39 rows


def nan_at(x, i, j):
    x = x.copy(); x[i, j] = np.nan
    return x


@pytest.mark.parametrize("call, message", [
    (lambda: CP.generate(X[:38], 5), "context must be at least 39 time steps long; got 38"),
    (lambda: CP.generate(nan_at(X, 7, 2), 5), "context must be finite (no NaN or inf)"),
    (lambda: CP.generate(np.where(np.isfinite(X), X, 0) * np.inf, 5), "context must be finite"),
    (lambda: CP.generate(X[:, :2], 5), "context must be of last-axis size 3"),
    (lambda: CP.generate(X[None], 5), "context must be"),
    (lambda: CP.generate(X, 0), "n_steps must be an integer >= 1"),
    (lambda: CP.generate(X, 2.5), "n_steps must be an integer >= 1"),
    (lambda: ContextParroting(embedding_dim=0), "embedding_dim must be an integer >= 1; got 0"),
    (lambda: ContextParroting(embedding_dim="30"), "embedding_dim must be an integer >= 1"),
    (lambda: ContextParroting(delay=-1), "delay must be an integer >= 1; got -1"),
    (lambda: ContextParroting().fit(nan_at(X, 0, 0), 0.01), "data must be finite"),
    (lambda: ContextParroting().fit(X, -0.1), "dt must be > 0"),
    (lambda: parrot(X[:38], 5, m=10, tau=2), "context must be at least 39 time steps long; got 38"),
    (lambda: parrot(nan_at(X, 5, 1), 5, m=10), "context must be finite"),
    (lambda: parrot(X, 0, m=10), "n_steps must be an integer >= 1; got 0"),
    (lambda: parrot(X, 5, m=0), "m must be an integer >= 1; got 0"),
    (lambda: parrot(X, 5, m=10, tau=1.5), "tau must be an integer >= 1"),
    (lambda: nearest_motif(X[:18], 10), "context must be at least 20 time steps long; got 18"),
    (lambda: nearest_motif(X, "10"), "m must be an integer >= 1"),
    (lambda: nearest_motif(nan_at(X, 0, 0), 10), "context must be finite"),
    (lambda: dynamix_mase(X, X[:-1]), "x_gen must have the shape of x_true"),
    (lambda: dynamix_mase(X, X, steps=0), "steps must be an integer >= 1"),
    (lambda: dynamix_mase(X, X, scale_from="both"), "scale_from must be 'generated' or 'truth'"),
    (lambda: dynamix_mase(X, nan_at(X, 3, 0)), "x_gen must be finite"),
    (lambda: dynamix_state_space_divergence(np.ones((10, 2)), X[:, :2]), "x_true must vary in every coordinate"),
    (lambda: dynamix_state_space_divergence(X, X[:, :2]), "x_gen must have the 3 coordinate(s) of x_true"),
    (lambda: dynamix_state_space_divergence(X, X, alpha=0), "alpha must be > 0"),
    (lambda: dynamix_state_space_divergence(X[:2], X), "x_true must have points inside the bins"),
    (lambda: dynamix_protocol(ContextParroting(), "lorenz63", 100, None), "dt must be"),
    (lambda: dynamix_state_space_divergence(X, X, n_bins=0), "n_bins must be an integer >= 1"),
    (lambda: dynamix_protocol(ContextParroting(), "lorenz_63", 100, 0.02), "unknown system 'lorenz_63'"),
    (lambda: dynamix_protocol(ContextParroting(), "lorenz63", 1, 0.02), "context_length must be an integer >= 2"),
    (lambda: dynamix_protocol(ContextParroting(), "lorenz63", 30, 0.02, n_steps=100, length=200, transient=0),
     "context must be at least 60 time steps long; got 30"),
])
def test_bad_input(call, message):
    with pytest.raises(InputError) as e:
        call()
    assert message in str(e.value), str(e.value)


def test_not_fitted():
    with pytest.raises(NotFittedError, match="ContextParroting is not fitted"):
        ContextParroting().generate(X, 5)


def test_input_left_alone():
    ctx = X.copy()
    CP.generate(ctx, 50)
    np.testing.assert_array_equal(ctx, X)


# --- training and the shipped model

import json

import jax
import equinox as eqx

from dsrlab.zeroshot import (HELD_OUT, DynaMix, TrainingData, ZeroShotDynaMix, pretrained, train_dynamix,
                             training_data, training_systems)


def _tiny_data():
    rng = np.random.default_rng(1)
    t = np.arange(260) * 0.2
    waves = [np.stack([np.sin(w * t), np.cos(1.3 * w * t), np.sin(0.7 * w * t + 1)], 1) for w in (1.0, 1.5, 0.8)]
    x = np.stack(waves).astype(np.float32) + 0.01 * rng.normal(size=(3, 260, 3)).astype(np.float32)
    return TrainingData(x[:, :60], x[:, 60:], ("a", "b", "c"), ({}, {}, {}), np.full(3, 0.2))


TINY = dict(n_steps=40, seq_len=12, batch_size=3, min_context=20, steps_per_call=10, progress=False)


def test_resume_equals_uninterrupted(tmp_path):
    model, data, key = DynaMix(M=5, N=3, n_experts=2, P=1, delay=2, key=jax.random.key(0)), _tiny_data(), jax.random.key(1)
    whole = train_dynamix(model, data, key=key, **TINY)
    ckpt = str(tmp_path / "c.ckpt")
    first = train_dynamix(model, data, key=key, checkpoint=ckpt, stop_at=20, **TINY)
    assert np.isnan(first.history["loss"][20:]).all() and np.isfinite(first.history["loss"][:20]).all()
    resumed = train_dynamix(model, data, key=key, checkpoint=ckpt, **TINY)
    for a, b in zip(jax.tree_util.tree_leaves(eqx.filter(whole.model, eqx.is_array)),
                    jax.tree_util.tree_leaves(eqx.filter(resumed.model, eqx.is_array))):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(whole.history["loss"], resumed.history["loss"])
    with pytest.raises(InputError, match="was written by a run with other"):   # other settings: refused, not mixed
        train_dynamix(model, data, key=key, checkpoint=ckpt, **{**TINY, "batch_size": 2})


def _crafted(path, tmp_path, **changes):
    raw = path.read_bytes()
    n = int.from_bytes(raw[13:21], "little")
    header = {**json.loads(raw[21:21 + n]), **changes}
    blob = json.dumps(header).encode()
    out = tmp_path / "crafted.eqx"
    out.write_bytes(raw[:13] + len(blob).to_bytes(8, "little") + blob + raw[21 + n:])
    return out


def test_pretrained_files(tmp_path):
    model = DynaMix(M=5, N=3, n_experts=2, P=1, delay=2, key=jax.random.key(0))
    path = ZeroShotDynaMix.from_model(model).save(tmp_path / "w.eqx")
    np.testing.assert_array_equal(np.asarray(pretrained(path).generate(X[:50], 7)), np.asarray(model.generate(X[:50], 7)))
    with pytest.raises(InputError, match="no DynaMix weights at"):
        pretrained(tmp_path / "missing.eqx")
    with pytest.raises(InputError, match="was written by dsrlab 0.0.1"):
        pretrained(_crafted(path, tmp_path, version="0.0.1"))
    with pytest.raises(InputError, match="is not a dsrlab model file, or it is corrupted"):
        (tmp_path / "junk.eqx").write_bytes(b"not a model")
        pretrained(tmp_path / "junk.eqx")


@pytest.mark.parametrize("call, message", [
    (lambda: training_data(["lorenz63"]), "must not include held-out systems; got 'lorenz63'"),
    (lambda: training_data(["henon"]), "flows of at most obs_dim = 3 coordinates"),
    (lambda: training_data(["no_such_system"]), "unknown system 'no_such_system'"),
    (lambda: training_data(["rossler"], n_draws=0), "n_draws must be an integer >= 1"),
    (lambda: training_data(["rossler"], rel_perturbation=-0.1), "rel_perturbation must be"),
    (lambda: train_dynamix("model", _tiny_data(), key=jax.random.key(0)), "model must be a DynaMix"),
    (lambda: train_dynamix(DynaMix(M=5, key=jax.random.key(0)), "data", key=jax.random.key(0)), "data must be a TrainingData"),
    (lambda: train_dynamix(DynaMix(M=5, N=2, key=jax.random.key(0)), _tiny_data(), key=jax.random.key(0)),
     "data.context must be of last-axis size 2"),
    (lambda: train_dynamix(DynaMix(M=5, key=jax.random.key(0)), _tiny_data(), key=jax.random.key(0), min_context=61),
     "min_context must be an integer >= 2 and <= 60"),
    (lambda: train_dynamix(DynaMix(M=5, key=jax.random.key(0)), _tiny_data(), key=jax.random.key(0), min_context=20,
                           stop_at=15), "stop_at must be a multiple of steps_per_call = 50"),
    (lambda: train_dynamix(DynaMix(M=5, key=jax.random.key(0)), _tiny_data()._replace(series=np.full((3, 200, 3), np.nan)),
                           key=jax.random.key(0), min_context=20), "data.series must be finite"),
    (lambda: DynaMix(M=5, bound=0.0, key=jax.random.key(0)), "bound must be > 0"),
    (lambda: DynaMix(M=5, bound=float("nan"), key=jax.random.key(0)), "bound must be"),
    (lambda: ZeroShotDynaMix(weights=3), "weights must be a file path"),
    (lambda: ZeroShotDynaMix.from_model("net"), "model must be a DynaMix"),
])
def test_training_bad_input(call, message):
    with pytest.raises(InputError) as e:
        call()
    assert message in str(e.value), str(e.value)


def test_too_many_coordinates(tmp_path):
    path = ZeroShotDynaMix.from_model(DynaMix(M=5, N=2, key=jax.random.key(0))).save(tmp_path / "w.eqx")
    with pytest.raises(InputError, match="data must have at most 2 coordinates"):
        ZeroShotDynaMix(weights=str(path)).fit(X, 0.01)
    with pytest.raises(InputError, match="context must have at most 2 coordinates"):
        pretrained(path).generate(X, 5)
    with pytest.raises(InputError, match="context must be finite"):
        pretrained(path).generate(nan_at(X[:, :2], 3, 1), 5)


def test_held_out_never_trained():
    assert not set(HELD_OUT) & set(training_systems())
    assert {"lorenz63", "chua", "sprott_m"} <= set(HELD_OUT)


def test_shipped_weights():
    "The weights the package ships: small, read by dsrlab.load, and above the floor on DynaMix's Lorenz-63 case."
    import dsrlab
    from dsrlab.zeroshot import weights_path
    path = weights_path()
    assert path.is_file() and path.stat().st_size < 5_000_000
    zs = dsrlab.load(path)
    assert isinstance(zs, ZeroShotDynaMix)
    assert (zs.model.experts.A.shape, zs.model.obs_dim, zs.model.experts.P) == ((10, 30), 3, 2)
    ours = dynamix_protocol(zs, "lorenz63", 2000, 0.02)
    floor = dynamix_protocol(ContextParroting(), "lorenz63", 2000, 0.02)   # the floor any zero-shot claim must clear
    assert ours["state_space_divergence"] < 0.5 * floor["state_space_divergence"]   # 2.5 against 8.5 nats
    assert ours["power_spectrum_distance"] < floor["power_spectrum_distance"]      # 0.131 against 0.156
