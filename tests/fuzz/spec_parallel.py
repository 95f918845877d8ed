"""Fuzz spec for dsrlab.parallel: a good call of every public callable, each fuzzable argument wrapped in its kind.

`shard_ensemble`, `pad_ensemble` and `ensemble_map` move or map arrays without looking at their values: NaN in is
NaN out, by design (the mapped function here replaces it), so their results are compared after `nan_to_num`."""
import jax
import jax.numpy as jnp
import numpy as np

from harness import Call, array, fixed, integer, key, positive
from dsrlab import parallel as par


def calls():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 3)).astype(np.float32)
    data = rng.normal(size=(2, 30, 2)).astype(np.float32)
    keys = jax.random.split(jax.random.key(0), 2)
    mesh = par.ensemble_mesh()
    return [
        Call("parallel.ensemble_mesh", lambda n_devices: par.ensemble_mesh(n_devices).devices.size,
             n_devices=integer(1, optional=True)),
        Call("parallel.shard_ensemble", lambda tree, mesh: jnp.nan_to_num(par.shard_ensemble(tree, mesh)),
             tree=array(X, nonfinite_ok=True, complex_ok=True), mesh=fixed(mesh)),
        Call("parallel.pad_ensemble", lambda tree, multiple: jax.tree_util.tree_map(jnp.nan_to_num, par.pad_ensemble(tree, multiple)),
             tree=array(X, nonfinite_ok=True, complex_ok=True), multiple=integer(3)),
        Call("parallel.ensemble_map", lambda inputs: par.ensemble_map(lambda a: 2 * jnp.nan_to_num(a) + 1, inputs),
             inputs=array(X, nonfinite_ok=True, complex_ok=True)),
        Call("parallel.train_ensemble", lambda keys, data, lrs, n_steps, width: par.train_ensemble(
                 keys, data, lrs, n_steps=n_steps, width=width),
             keys=key(keys), data=array(data), lrs=array(np.array([1e-2, 3e-3], np.float32)), n_steps=integer(3), width=integer(4)),
        Call("parallel.train_member", par.train_member, key=key(keys[0]), data=array(data[0]), lr=positive(1e-2),
             n_steps=integer(3), width=integer(4)),
    ]
