"""Fuzz spec for dsrlab.training: a good call of every public callable, each fuzzable argument wrapped in its kind.

Training runs are tiny (2 optimiser steps on 60 points); a call returns the trained model and its loss history (the
history's `best_state_space_divergence` is inf by design when nothing was evaluated, so it is left out)."""
import jax
import numpy as np

from harness import Call, array, fixed, integer, key, option, positive
from dsrlab import training as tr
from dsrlab.plrnn import make_model


def calls():
    rng = np.random.default_rng(0)
    K = jax.random.key(0)
    x = rng.normal(size=(60, 2)).astype(np.float32)
    model = make_model("shallow", 2, 3, key=K, hidden=4)
    small = dict(progress=False, batch_size=2, steps_per_call=2)
    keys = jax.random.split(jax.random.key(1), 2)
    ens = tr.make_ensemble(lambda k: make_model("shallow", 2, 3, key=k, hidden=4), keys)
    res = tr.train_gtf(model, x, key=K, n_steps=2, seq_len=10, **small)
    est = tr.PLRNNReconstructor(latent=3, hidden=4, n_steps=2, seq_len=10, batch_size=2, steps_per_call=2)
    fitted = est.fit(x, 0.1, key=K)
    trained = lambda r: (r.model, r.history["loss"], r.history["alpha"])
    return [
        Call("training.forced_rollout", lambda x, alpha, tau, nonfinite: tr.forced_rollout(model, x, alpha, tau, nonfinite=nonfinite),
             x=array(x[:10]), alpha=positive(0.3, allow_zero=True), tau=integer(3, optional=True), nonfinite=option("raise")),
        Call("training.jacobian_product_bound", lambda x: tr.jacobian_product_bound(model, x), x=array(x[:20].reshape(2, 10, 2))),
        Call("training.optimal_alpha", tr.optimal_alpha, G=positive(4.0, allow_zero=True)),
        Call("training.manifold_attractor_regularization", tr.manifold_attractor_regularization,
             lat=fixed(model.latent), n_units=integer(2, minimum=0), weight=positive(0.5, allow_zero=True)),
        Call("training.TrainConfig", lambda n_steps, seq_len, batch_size, lr, clip_norm, noise, alpha, alpha0, alpha_decay,
             alpha_every, tau, reg_latent, mar_units, mar_weight, steps_per_call: tr.TrainConfig(
                 n_steps, seq_len, batch_size, (lr, lr), clip_norm, noise, alpha, alpha0, alpha_decay, alpha_every, tau,
                 reg_latent, mar_units, mar_weight, steps_per_call),
             n_steps=integer(10), seq_len=integer(20, minimum=2), batch_size=integer(4), lr=positive(1e-3),
             clip_norm=positive(1.0, allow_zero=True), noise=positive(0.1, allow_zero=True),
             alpha=positive(0.5, allow_zero=True, optional=True), alpha0=positive(1.0, allow_zero=True),
             alpha_decay=positive(0.9, allow_zero=True), alpha_every=integer(5), tau=integer(4, optional=True),
             reg_latent=positive(0.1, allow_zero=True), mar_units=integer(1, minimum=0), mar_weight=positive(0.1, allow_zero=True),
             steps_per_call=integer(5)),
        Call("training.TrainResult", tr.TrainResult, model=fixed(res.model), history=fixed(res.history["loss"])),
        Call("training.train_gtf", lambda data, key, n_steps, alpha, alpha_decay, alpha_every, seq_len, lr, noise, reg_latent,
             mar_units, mar_weight, eval_length, checkpoint_every, stop_at: trained(tr.train_gtf(
                 model, data, key=key, n_steps=n_steps, alpha=alpha, alpha_decay=alpha_decay, alpha_every=alpha_every,
                 seq_len=seq_len, lr=(lr, lr), noise=noise, reg_latent=reg_latent, mar_units=mar_units, mar_weight=mar_weight,
                 eval_length=eval_length, checkpoint_every=checkpoint_every, stop_at=stop_at, **small)),
             data=array(x), key=key(K), n_steps=integer(2), alpha=positive(0.5, allow_zero=True, optional=True),
             alpha_decay=positive(0.9, allow_zero=True), alpha_every=integer(1), seq_len=integer(10, minimum=2),
             lr=positive(1e-3), noise=positive(0.0, allow_zero=True), reg_latent=positive(0.0, allow_zero=True),
             mar_units=integer(1, minimum=0), mar_weight=positive(0.5, allow_zero=True), eval_length=integer(100, minimum=2),
             checkpoint_every=integer(2, optional=True), stop_at=integer(2, minimum=0, optional=True)),
        Call("training.train_stf", lambda data, key, tau, n_steps, seq_len, clip_norm: trained(tr.train_stf(
                 model, data, key=key, tau=tau, n_steps=n_steps, seq_len=seq_len, clip_norm=clip_norm, **small)),
             data=array(x), key=key(K), tau=integer(3), n_steps=integer(2), seq_len=integer(10, minimum=2),
             clip_norm=positive(1.0, allow_zero=True)),
        Call("training.train_bptt", lambda data, key, seq_len: trained(tr.train_bptt(model, data, key=key, seq_len=seq_len,
                                                                                     n_steps=2, **small)),
             data=array(x), key=key(K), seq_len=integer(10, minimum=2)),
        Call("training.make_ensemble", lambda make, keys: tr.make_ensemble(make, keys),
             make=fixed(lambda k: make_model("alrnn", 2, 3, key=k, P=1)), keys=key(keys)),
        Call("training.ensemble_member", tr.ensemble_member, model=fixed(ens), i=integer(1, minimum=0)),
        Call("training.plot_history", tr.plot_history, history=fixed(res.history), title=fixed("t")),
        Call("training.PLRNNReconstructor", lambda kind, latent, hidden, P, observation, forcing, alpha, alpha_decay, tau,
             n_steps, seq_len, batch_size, lr, noise, clip_norm, reg_latent, steps_per_call: tr.PLRNNReconstructor(
                 kind, latent, hidden, P, observation, forcing, alpha, alpha_decay, tau, n_steps, seq_len, batch_size,
                 (lr, lr), noise, clip_norm, reg_latent, steps_per_call).hyperparameters(),
             kind=option("alrnn"), latent=integer(4, optional=True), hidden=integer(8), P=integer(2, minimum=0),
             observation=option("affine"), forcing=option("stf"), alpha=positive(0.5, allow_zero=True, optional=True),
             alpha_decay=positive(0.9, allow_zero=True), tau=integer(5), n_steps=integer(10), seq_len=integer(20, minimum=2),
             batch_size=integer(4), lr=positive(1e-3), noise=positive(0.1, allow_zero=True), clip_norm=positive(1.0, allow_zero=True),
             reg_latent=positive(0.1, allow_zero=True), steps_per_call=integer(5)),
        Call("training.PLRNNReconstructor.fit", lambda data, dt, key: est.fit(data, dt, key=key).model,
             data=array(x), dt=positive(0.1, optional=True), key=key(K)),
        Call("training.PLRNNReconstructor.generate", lambda context, n_steps, nonfinite: fitted.generate(
                 context, n_steps, nonfinite=nonfinite), context=array(x[:5]), n_steps=integer(10), nonfinite=option("raise")),
        Call("training.PLRNNReconstructor.step_map", lambda context: fitted.step_map(context)[1], context=array(x[:5])),
    ]
