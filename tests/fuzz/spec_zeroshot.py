"""Fuzz spec for dsrlab.zeroshot: a good call of every public callable, each fuzzable argument wrapped in its kind.

Models and data are tiny (a 2-expert DynaMix of 4 latents, 2 training series of 2 systems, 2 optimiser steps); the
pretrained wrapper reads a weights file written here from that small model, and the Julia reader one written in
the reference's layout (tests/julia_bson.py)."""
import sys
import tempfile
from pathlib import Path

import jax
import numpy as np

from harness import Call, array, fixed, integer, key, option, positive
from dsrlab import zeroshot as zs

sys.path.insert(0, str(Path(__file__).parents[1]))
from julia_bson import dynamix_bson   # noqa: E402


def calls():
    K = jax.random.key(0)
    t = np.linspace(0, 30, 300)
    x = np.stack([np.sin(t), np.cos(1.3 * t), np.sin(0.7 * t)], 1).astype(np.float32)
    cp = zs.ContextParroting(embedding_dim=5).fit(x, 0.1)
    net = zs.DynaMix(M=4, N=3, n_experts=2, P=1, delay=2, key=K)
    data = zs.training_data(["rossler", "vanderpol"], seed=0, n_draws=1, n_initial=1, context_length=60, length=40,
                            progress=False)
    small = dict(n_steps=2, seq_len=10, batch_size=2, tau=3, min_context=20, steps_per_call=2, progress=False)
    weights = Path(tempfile.mkdtemp()) / "w.eqx"
    zs.ZeroShotDynaMix.from_model(net).save(weights)
    zsd = zs.ZeroShotDynaMix(weights=str(weights)).fit(x, 0.1)
    julia = weights.with_name("w.bson")
    julia.write_bytes(dynamix_bson(net, np.ones((2, 3, 3), np.float32), np.zeros(3, np.float32)))
    return [
        Call("zeroshot.nearest_motif", lambda context, m, tau: zs.nearest_motif(context, m, tau)[0],
             context=array(x), m=integer(5), tau=integer(2)),
        Call("zeroshot.parrot", zs.parrot, context=array(x), n_steps=integer(20), m=integer(5), tau=integer(2)),
        Call("zeroshot.ContextParroting", lambda embedding_dim, delay:
             zs.ContextParroting(embedding_dim, delay).fit(x, 0.1).generate(x, 5),
             embedding_dim=integer(5), delay=integer(1)),
        Call("zeroshot.ContextParroting.fit", lambda data, dt: zs.ContextParroting(embedding_dim=5).fit(data, dt).template,
             data=array(x), dt=positive(0.1, optional=True)),
        Call("zeroshot.ContextParroting.generate", lambda context, n_steps: cp.generate(context, n_steps),
             context=array(x), n_steps=integer(5)),
        Call("zeroshot.dynamix_mase", zs.dynamix_mase, x_true=array(x[:50]), x_gen=array(x[1:51]), steps=integer(10),
             lag=integer(1), scale_from=option("generated")),
        Call("zeroshot.dynamix_state_space_divergence", zs.dynamix_state_space_divergence, x_true=array(x),
             x_gen=array(x[::-1].copy()), n_bins=integer(5), alpha=positive(1e-5)),
        Call("zeroshot.dynamix_protocol", lambda context_length, dt, n_steps, length, transient, key:
             zs.dynamix_protocol(zs.ContextParroting(embedding_dim=5), "lorenz63", context_length, dt, n_steps=n_steps, length=length,
                                 transient=transient, key=key)["mase"],
             context_length=integer(100, minimum=2), dt=positive(0.02), n_steps=integer(200, minimum=2),
             length=integer(300), transient=integer(100, minimum=0), key=key(K, optional=True)),
        Call("zeroshot.DynaMix", lambda M, N, n_experts, P, delay, bound, key:
             zs.DynaMix(M, N, n_experts, P, delay, bound, key=key).generate(x, 5),
             M=integer(4), N=integer(3), n_experts=integer(2), P=integer(1, minimum=0), delay=integer(2),
             bound=positive(100.0), key=key(K)),
        Call("zeroshot.DynaMix.generate", lambda context, n_steps, key: net.generate(context, n_steps, key),
             context=array(x), n_steps=integer(5), key=key(K, optional=True)),
        Call("zeroshot.training_systems", zs.training_systems, max_dim=integer(3)),
        Call("zeroshot.training_data", lambda seed, n_draws, n_initial, context_length, length:
             zs.training_data(["rossler"], seed=seed, n_draws=n_draws, n_initial=n_initial, context_length=context_length,
                              length=length, progress=False).series,
             seed=integer(0, minimum=0), n_draws=integer(1), n_initial=integer(1), context_length=integer(60, minimum=2),
             length=integer(40, minimum=2)),
        Call("zeroshot.TrainingData", lambda context, series: zs.TrainingData(context, series, data.systems, data.params,
                                                                                data.dt).series,
             context=fixed(data.context), series=fixed(data.series)),
        Call("zeroshot.train_dynamix", lambda key, n_steps, seq_len, batch_size, tau, clip_norm, noise, reg:
             zs.train_dynamix(net, data, key=key, **{**small, "n_steps": n_steps, "seq_len": seq_len,
                                                      "batch_size": batch_size, "tau": tau}, clip_norm=clip_norm,
                              noise=noise, reg=reg).history["loss"],
             key=key(K), n_steps=integer(2), seq_len=integer(10, minimum=2), batch_size=integer(2), tau=integer(3),
             clip_norm=positive(10.0, allow_zero=True), noise=positive(0.05, allow_zero=True), reg=positive(0.1, allow_zero=True)),
        Call("zeroshot.weights_path", lambda: str(zs.weights_path())),
        Call("zeroshot.ZeroShotDynaMix", lambda data: zs.ZeroShotDynaMix(weights=str(weights)).fit(data, 0.1).template,
             data=array(x)),
        Call("zeroshot.ZeroShotDynaMix.generate", lambda context, n_steps, key: zsd.generate(context, n_steps, key=key),
             context=array(x), n_steps=integer(5), key=key(K, optional=True)),
        Call("zeroshot.pretrained", lambda: zs.pretrained(weights).generate(x, 5)),
        Call("zeroshot.read_dynamix_bson", lambda path: zs.read_dynamix_bson(path).generate(x, 5), path=fixed(julia)),
    ]
