"""Fuzz spec for dsrlab.flows: a good call of every public callable, each fuzzable argument wrapped in its kind."""
import jax
import jax.numpy as jnp
import numpy as np

from harness import Call, array, fixed, integer, key, option, positive, real
from dsrlab import flows
from dsrlab.core import Standardizer


def calls():
    K = jax.random.key(0)
    rng = np.random.default_rng(0)
    x0 = rng.normal(size=(16, 2)).astype(np.float32)
    x1 = (rng.normal(size=(16, 2)) + 2).astype(np.float32)
    t = rng.uniform(size=16).astype(np.float32)
    flow = flows.RectifiedFlow(2, 8, key=K)
    cflow = flows.RectifiedFlow(2, 8, context_dim=2, key=K)
    s = Standardizer(jnp.zeros(2), jnp.ones(2))
    tr = flows.FlowTransition(cflow, s, s, 2)
    traj = np.cumsum(rng.normal(size=(40, 2)), 0).astype(np.float32) * 0.1
    est = flows.ConditionalFlow(width=8, depth=1, euler_steps=2, n_steps=4, batch_size=8)
    cf = est.fit(traj, 0.1, key=K)
    train = dict(n_steps=2, batch_size=8, progress=False)
    return [
        Call("flows.time_embedding", flows.time_embedding, t=real(0.3), n_frequencies=integer(3)),
        Call("flows.RectifiedFlow", lambda dim, width, depth, context_dim, n_frequencies, key:
             flows.RectifiedFlow(dim, width, depth, context_dim=context_dim, n_frequencies=n_frequencies, key=key).dim,
             dim=integer(2), width=integer(8), depth=integer(1), context_dim=integer(0, minimum=0), n_frequencies=integer(3),
             key=key(K)),
        Call("flows.RectifiedFlow.__call__", lambda x, t: flow(x, t), x=array(x0[0]), t=real(0.5)),
        Call("flows.RectifiedFlow.__call__(context)", lambda x, t, context: cflow(x, t, context),
             x=array(x0[0]), t=real(0.5), context=array(x1[0])),
        Call("flows.interpolate", flows.interpolate, x0=array(x0), x1=array(x1), t=array(t)),
        Call("flows.rectified_flow_loss", lambda x0, x1, t: flows.rectified_flow_loss(flow, x0, x1, t),
             x0=array(x0), x1=array(x1), t=array(t)),
        Call("flows.ot_pairing", lambda x0, x1, method: flows.ot_pairing(x0, x1, method=method),
             x0=array(x0), x1=array(x1), method=option("exact")),
        Call("flows.ot_pairing(sinkhorn)", lambda x0, x1, epsilon, key: flows.ot_pairing(x0, x1, method="sinkhorn", epsilon=epsilon, key=key),
             x0=array(x0), x1=array(x1), epsilon=positive(0.1), key=key(K)),
        Call("flows.train_flow", lambda x1, x0, coupling, n_steps, batch_size, learning_rate, steps_per_call, key:
             flows.train_flow(flow, x1, x0, coupling=coupling, n_steps=n_steps, batch_size=batch_size,
                              learning_rate=learning_rate, steps_per_call=steps_per_call, key=key, progress=False)[1],
             x1=array(x1), x0=array(x0), coupling=option("paired"), n_steps=integer(2), batch_size=integer(8),
             learning_rate=positive(1e-3), steps_per_call=integer(2), key=key(K)),
        Call("flows.train_flow(context)", lambda x1, context, sinkhorn_epsilon, fixed_t, checkpoint_every:
             flows.train_flow(cflow, x1, context=context, coupling="sinkhorn", sinkhorn_epsilon=sinkhorn_epsilon,
                              fixed_t=fixed_t, checkpoint_every=checkpoint_every, key=K, **train)[1],
             x1=array(x1), context=array(x0), sinkhorn_epsilon=positive(0.1), fixed_t=real(0.5, optional=True),
             checkpoint_every=integer(1, optional=True)),
        Call("flows.sample", lambda x0, n_steps, method: flows.sample(flow, x0, n_steps, method=method),
             x0=array(x0), n_steps=integer(4), method=option("euler")),
        Call("flows.sample(tsit5)", lambda x0, context, rtol, atol: flows.sample(cflow, x0, context=context, method="tsit5",
                                                                                rtol=rtol, atol=atol),
             x0=array(x0), context=array(x1), rtol=positive(1e-3), atol=positive(1e-3)),
        Call("flows.count_steps", lambda x0, rtol, atol: flows.count_steps(flow, x0, rtol=rtol, atol=atol),
             x0=array(x0), rtol=positive(1e-3), atol=positive(1e-3)),
        Call("flows.straightness", lambda x0, n_steps: flows.straightness(flow, x0, n_steps), x0=array(x0), n_steps=integer(4)),
        Call("flows.reflow", lambda x0, simulation_steps, key: flows.reflow(flow, x0, simulation_steps=simulation_steps,
                                                                            key=key, **train)[1],
             x0=array(x0), simulation_steps=integer(4), key=key(K)),
        Call("flows.distill", lambda x0, simulation_steps, key: flows.distill(flow, x0, simulation_steps=simulation_steps,
                                                                              key=key, **train)[1],
             x0=array(x0), simulation_steps=integer(4), key=key(K)),
        Call("flows.wasserstein2", flows.wasserstein2, x=array(x0), y=array(x1)),
        Call("flows.FlowTransition.transport", lambda x, z: tr.transport(x, z), x=array(x0[0]), z=array(x1[0])),
        Call("flows.FlowTransition.step", lambda x, key: tr.step(x, key=key), x=array(x0[0]), key=key(K)),
        Call("flows.FlowTransition.generate", lambda x0, n_steps, key: tr.generate(x0, n_steps, key=key),
             x0=array(x0[0]), n_steps=integer(5, minimum=2), key=key(K)),
        Call("flows.generate", lambda x0s, n_steps, key: flows.generate(tr, x0s, n_steps, key=key),
             x0s=array(x0[:3]), n_steps=integer(5, minimum=2), key=key(K)),
        Call("flows.fit_transition", lambda x, width, depth, euler_steps, key:
             flows.fit_transition(x, width=width, depth=depth, euler_steps=euler_steps, key=key, **train)[1],
             x=array(traj), width=integer(8), depth=integer(1), euler_steps=integer(2), key=key(K)),
        Call("flows.ConditionalFlow", lambda width, depth, euler_steps, n_steps, batch_size, learning_rate:
             flows.ConditionalFlow(width, depth, euler_steps, n_steps, batch_size, learning_rate).n_steps,
             width=integer(8), depth=integer(1), euler_steps=integer(2), n_steps=integer(4), batch_size=integer(8),
             learning_rate=positive(1e-3)),
        Call("flows.ConditionalFlow.fit", lambda data, dt, key: est.fit(data, dt, key=key).losses,
             data=array(traj), dt=positive(0.1, optional=True), key=key(K)),
        Call("flows.ConditionalFlow.generate", lambda context, n_steps, key: cf.generate(context, n_steps, key=key),
             context=array(traj[:5]), n_steps=integer(5), key=key(K, optional=True)),
        Call("flows.ConditionalFlow.step_map", lambda context: cf.step_map(context)[1], context=array(traj[:5])),
        Call("flows.ConditionalFlow.default_key", lambda context: jax.random.key_data(cf.default_key(context)),
             context=array(traj[:5])),
    ]
