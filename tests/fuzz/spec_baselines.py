"""Fuzz spec for dsrlab.baselines: a good call of every public callable, each fuzzable argument wrapped in its kind."""
import jax
import numpy as np

from harness import Call, array, fixed, integer, key, positive, real
from dsrlab import baselines as bl


def calls():
    K = jax.random.key(0)
    t = np.linspace(0, 20, 120)
    x = np.stack([np.sin(t), np.cos(t)], 1).astype(np.float32)
    esn = bl.EchoStateNetwork(size=20, washout=10)
    node = bl.NeuralODE(width=8, depth=1, n_steps=3, horizon=4, batch_size=4)
    fitted = {"LastValue": bl.LastValue().fit(x, 0.1), "MeanValue": bl.MeanValue().fit(x, 0.1),
              "EchoStateNetwork": esn.fit(x, 0.1, key=K), "NeuralODE": node.fit(x, 0.1, key=K)}
    field = fitted["NeuralODE"].field
    out = [
        Call("baselines.LastValue.fit", lambda data, dt: bl.LastValue().fit(data, dt).mean, data=array(x),
             dt=positive(0.1, optional=True)),
        Call("baselines.MeanValue.fit", lambda data, dt: bl.MeanValue().fit(data, dt).mean, data=array(x),
             dt=positive(0.1, optional=True)),
        Call("baselines.EchoStateNetwork", lambda size, spectral_radius, input_scale, density, leak, ridge, washout:
             bl.EchoStateNetwork(size, spectral_radius, input_scale, density, leak, ridge, washout).fit(x, 0.1, key=K).W_out,
             size=integer(20), spectral_radius=positive(0.9), input_scale=positive(0.5), density=positive(0.2),
             leak=positive(1.0), ridge=positive(1e-6, allow_zero=True), washout=integer(10, minimum=0)),
        Call("baselines.EchoStateNetwork.fit", lambda data, dt, key: esn.fit(data, dt, key=key).W_out,
             data=array(x), dt=positive(0.1, optional=True), key=key(K)),
        Call("baselines.EchoStateNetwork.reservoir", lambda dim, key: esn.reservoir(dim, key).W, dim=integer(2), key=key(K)),
        Call("baselines.NeuralODE", lambda width, depth, n_steps, horizon, batch_size, lr:
             bl.NeuralODE(width, depth, n_steps, horizon, batch_size, lr).fit(x, 0.1, key=K).field,
             width=integer(8), depth=integer(1, minimum=0), n_steps=integer(3), horizon=integer(4, minimum=2), batch_size=integer(4),
             lr=positive(3e-3)),
        Call("baselines.NeuralODE.fit", lambda data, dt, key: node.fit(data, dt, key=key).field,
             data=array(x), dt=positive(0.1), key=key(K)),
        Call("baselines.VectorField.__call__", lambda t, x: field(t, x, None), t=real(0.0), x=array(x[0])),
    ]
    for name, m in fitted.items():
        out.append(Call(f"baselines.{name}.generate", lambda context, n_steps, m=m: m.generate(context, n_steps),
                        context=array(x[:30]), n_steps=integer(5)))
        if name in ("EchoStateNetwork", "NeuralODE"):
            out.append(Call(f"baselines.{name}.step_map", lambda context, m=m: m.step_map(context)[1], context=array(x[:30])))
    return out
