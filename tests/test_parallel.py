"""Sharding an ensemble over 4 simulated CPU devices gives the single-device numbers (subprocesses: the device
count is fixed when JAX starts)."""
import json
import os
import subprocess
import sys

import numpy as np

SCRIPT = r"""
import json, jax, jax.numpy as jnp, numpy as np
from dsrlab.parallel import ensemble_mesh, train_ensemble, ensemble_map
from dsrlab.systems import get_system
from dsrlab.core import standardize
assert len(jax.devices()) == {n}, jax.devices()
x = np.asarray(standardize(get_system("henon").trajectory(200, transient=100))[0])
E = 10                                              # not a multiple of 4: padding is exercised
data = np.stack([x + 0.01 * i for i in range(E)])
keys = jnp.stack([jax.random.key(i) for i in range(E)])
lrs = jnp.linspace(1e-3, 1e-2, E)
params, losses = train_ensemble(keys, data, lrs, n_steps=100, mesh=ensemble_mesh({n}))
shards = len(params["W1"].sharding.device_set)   # the trained state stays split over the devices
sq = ensemble_map(lambda a: jnp.cumsum(a ** 2), jnp.asarray(data[:, :50, 0]), mesh=ensemble_mesh({n}))
print(json.dumps(dict(losses=np.asarray(losses).tolist(), W1=np.asarray(params["W1"]).tolist(), sq=np.asarray(sq).tolist(),
                      devices=shards, spec=str(train_ensemble(keys[:{n}], data[:{n}], lrs[:{n}], n_steps=2,
                                                              mesh=ensemble_mesh({n}))[0]["W1"].sharding.spec))))
"""


def _run(n):
    env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={n}", "JAX_PLATFORMS": "cpu"}
    r = subprocess.run([sys.executable, "-c", SCRIPT.format(n=n)], capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_sharded_equals_single_device():
    one, four = _run(1), _run(4)
    assert one["devices"] == 1 and four["devices"] == 4
    np.testing.assert_allclose(four["losses"], one["losses"], rtol=1e-6, atol=1e-9)
    # float32 Adam over 100 steps: 3 members per device vs 10 on one vectorise differently, ~1 ulp a step
    np.testing.assert_allclose(four["W1"], one["W1"], rtol=1e-6, atol=1e-6)
    assert four["spec"] == "PartitionSpec('ensemble',)" or four["spec"] == "P('ensemble',)", four["spec"]
    np.testing.assert_allclose(four["sq"], one["sq"], rtol=1e-12)
    assert np.asarray(one["losses"]).shape == (10, 100)


def test_bad_arguments_refused_before_training():
    "Every argument is checked on the host, each refusal naming it (in this process: one CPU device)."
    import jax
    import jax.numpy as jnp
    import pytest
    from dsrlab.core import InputError
    from dsrlab.parallel import ensemble_map, pad_ensemble, shard_ensemble, train_ensemble, train_member, ensemble_mesh
    data = np.random.default_rng(0).normal(size=(2, 30, 2)).astype(np.float32)
    keys = jax.random.split(jax.random.key(0), 2)
    for kwargs, msg in ((dict(lrs=[np.nan, 1e-3]), "lrs must be finite"), (dict(lrs=[1e-3, -1.0]), "lrs must be > 0"),
                        (dict(lrs=[1e-3]), "lrs must be one learning rate per member of data (2)"),
                        (dict(keys=keys[:1]), "keys must be one JAX random key per member of data (2)"),
                        (dict(keys=None), "keys must be"), (dict(data=data[0]), "data must be 3-D"),
                        (dict(data=np.where(np.arange(30)[:, None] == 3, np.inf, data)), "data must be finite"),
                        (dict(n_steps="10"), "n_steps must be an integer"), (dict(mesh="cpu"), "mesh must be a device mesh")):
        args = {"keys": keys, "data": data, "lrs": [1e-3, 1e-3], **kwargs}
        with pytest.raises(InputError) as e:
            train_ensemble(args.pop("keys"), args.pop("data"), args.pop("lrs"), **args)
        assert msg in str(e.value), str(e.value)
    with pytest.raises(InputError, match="train_member is random"):
        train_member(None, data[0], 1e-3)
    with pytest.raises(InputError, match="lr must be > 0; got nan"):
        train_member(keys[0], data[0], float("nan"))
    with pytest.raises(InputError, match="tree must be arrays"):
        pad_ensemble(jnp.float32(1.0), 2)
    with pytest.raises(InputError, match="tree must be an ensemble of at least one member"):
        shard_ensemble(jnp.zeros((0, 3)), ensemble_mesh())
    with pytest.raises(InputError, match="inputs must be"):
        ensemble_map(lambda a: a, "abc")
