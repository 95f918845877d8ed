"Good calls of dsrlab.core's public functions, for the fuzz harness."
import numpy as np
import jax
import jax.numpy as jnp
import optax

from dsrlab import core
from dsrlab.baselines import MeanValue
from harness import Call, array, integer, positive, real, option, key, fixed


class _AR(core.Reconstructor):
    "A linear autoregression x_{t+1} = x_t A, the smallest real Reconstructor."
    A: jax.Array | None = core.fitted()

    @property
    def dim(self):
        return None if self.A is None else self.A.shape[0]

    def _fit(self, trajectories, dt, key):
        X = jnp.concatenate([t[:-1] for t in trajectories]); Y = jnp.concatenate([t[1:] for t in trajectories])
        return _AR(A=jnp.linalg.lstsq(X, Y)[0])

    def _generate(self, context, n_steps, key):
        return jax.lax.scan(lambda x, _: (x @ self.A, x @ self.A), context[-1], None, n_steps)[1]


def _step(data, state, k):
    x, y = data
    loss, g = jax.value_and_grad(lambda w: jnp.mean((x @ w - y) ** 2))(state)
    return state - 0.05 * g, {"loss": loss}


def _saved(model):
    import tempfile, os
    path = os.path.join(tempfile.mkdtemp(), "ar.dsrlab")
    model.save(path)
    return path


def calls():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3)).astype(np.float32)
    B = rng.normal(size=(4, 50, 3)).astype(np.float32)
    t = np.linspace(0, 1, 101)
    th = np.linspace(0, 20, 200)
    rot = np.stack([np.cos(th), np.sin(th)], -1).astype(np.float32)
    ar = _AR().fit(rot, 0.1)
    K = jax.random.key(0)
    xr = rng.normal(size=(64, 3)).astype(np.float32); yr = xr @ np.array([1.0, -2.0, 0.5], np.float32)
    step = jax.tree_util.Partial(_step, (jnp.asarray(xr), jnp.asarray(yr)))
    return [
        Call("core.check_positive", lambda value: core.check_positive(value, "value"), value=positive(0.1)),
        Call("core.check_int", lambda value: core.check_int(value, "value"), value=integer(3)),
        Call("core.check_real", lambda value: core.check_real(value, "value"), value=real(-0.5)),
        Call("core.check_option", lambda value: core.check_option(value, "value", ["a", "b"]), value=option("a")),
        Call("core.as_array", lambda x: core.as_array(x, "x"), x=array(X)),
        Call("core.as_trajectory", lambda x: core.as_trajectory(x, "x"), x=array(X)),
        Call("core.as_batch", lambda x: core.as_batch(x, "x"), x=array(B)),
        Call("core.as_trajectories", lambda data: core.as_trajectories(data, "data"), data=array(B)),
        Call("core.check_time_grid", lambda t: core.check_time_grid(t, "t"), t=array(t)),
        Call("core.check_dt", core.check_dt, dt=positive(0.01, optional=True)),
        Call("core.check_generated", lambda x: core.check_generated(x, "model"), x=array(jnp.asarray(X), complex_ok=True)),
        Call("core.check_key", core.check_key, key=key(K)),
        Call("core.require_key", lambda key: core.require_key(key, "sampling"), key=key(K)),
        Call("core.load", lambda path: core.load(path).generate(rot[:3], 5), path=fixed(_saved(MeanValue().fit(rot, 0.1)))),
        Call("core.Standardizer", lambda x: core.Standardizer.fit(x).transform(x), x=array(X)),
        Call("core.standardize", core.standardize, x=array(X)),
        Call("core.delay_embed", core.delay_embed, x=array(X[:, 0]), m=integer(3), tau=integer(2)),
        Call("core.train_test_split", core.train_test_split, x=array(X), test_fraction=positive(0.25)),
        Call("core.sample_subsequences", core.sample_subsequences, data=array(B), length=integer(10),
             batch_size=integer(8), key=key(K)),
        Call("core.Windows", lambda length: core.Windows([jnp.asarray(X)], length).sample(K, 4), length=integer(10)),
        Call("core.fingerprint", lambda tree: int(core.fingerprint(tree)[:8], 16), tree=fixed(X)),
        Call("core.Reconstructor.fit", lambda data, dt: ar.fit(data, dt).A, data=array(rot), dt=positive(0.1, optional=True)),
        Call("core.Reconstructor.generate", ar.generate, context=array(rot[:5]), n_steps=integer(20),
             nonfinite=option("raise")),
        Call("core.train_loop", lambda n_steps, steps_per_call, key: core.train_loop(
                 step, jnp.zeros(3), n_steps, key=key, steps_per_call=steps_per_call, progress=False)[0],
             n_steps=integer(20), steps_per_call=integer(10), key=key(K)),
        Call("core.Training", lambda n_steps, key: core.Training(step, jnp.zeros(3), n_steps, key, lambda s, h: s,
                                                                  dict(progress=False)).run(),
             n_steps=integer(20), key=key(K)),
        Call("core.train_together", lambda n_steps: core.train_together([
                 core.Training(step, jnp.zeros(3), n_steps, jax.random.key(i), lambda s, h: s, dict(progress=False))
                 for i in range(2)])[1], n_steps=integer(20)),
        Call("core.Reconstructor.fit_many", lambda data, dt: ar.fit_many([data, data], dt)[1].A, data=array(rot),
             dt=positive(0.1, optional=True)),
    ]
