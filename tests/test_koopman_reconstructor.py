"""KoopmanReconstructor and HankelDMDReconstructor through the Reconstructor interface, outside the notebook:
float64 stays scoped, a batch equals the same trajectories as a list, and step_map feeds dsrlab.metrics."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dsrlab.core import InputError, load
from dsrlab.koopman import HankelDMDReconstructor, KoopmanReconstructor
from dsrlab.metrics import max_lyapunov


def rotation_data(lengths=(120, 120), r=0.97, theta=0.3, seed=0):
    "Trajectories of x_{t+1} = A x_t, A = r R(theta), and A."
    A = r * np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    rng = np.random.default_rng(seed)
    out = []
    for n in lengths:
        x = np.zeros((n, 2)); x[0] = 2 * rng.normal(size=2)
        for t in range(n - 1):
            x[t + 1] = A @ x[t]
        out.append(x.astype(np.float32))
    return out, A


@pytest.mark.parametrize("make", [lambda: KoopmanReconstructor(n_centres=8), lambda: KoopmanReconstructor(n_centres=8, epsilon=1e-4),
                                  lambda: HankelDMDReconstructor(delays=2, rank=2)])
def test_scoped_float64_batch_equals_list_and_lyapunov(make, tmp_path):
    xs, A = rotation_data()
    assert not jax.config.jax_enable_x64
    model = make().fit(xs, None, key=jax.random.key(0))
    batch = make().fit(np.stack(xs), None, key=jax.random.key(0))          # (B, T, D) gives the same pairs
    assert not jax.config.jax_enable_x64                                   # fitting in float64 did not leak
    ctx = xs[0][:5]
    out = model.generate(ctx, 20)
    assert out.dtype == jnp.float32 and out.shape == (20, 2)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(batch.generate(ctx, 20)))
    expected = np.stack([np.linalg.matrix_power(A, k) @ ctx[-1] for k in range(1, 21)])
    np.testing.assert_allclose(np.asarray(out), expected, atol=1e-4)      # exact for a linear map
    step, z0 = model.step_map(ctx)
    lam = float(max_lyapunov(step, z0, 2000, transient=0))
    assert np.isfinite(lam)
    if not isinstance(model, KoopmanReconstructor) or model.epsilon is not None:   # EDMD's radial eigenvalues may lead
        assert abs(lam - np.log(0.97)) < 1e-3
    model.save(tmp_path / "m.dsrlab")
    np.testing.assert_array_equal(np.asarray(load(tmp_path / "m.dsrlab").generate(ctx, 50)), np.asarray(model.generate(ctx, 50)))


def test_bad_input():
    xs, _ = rotation_data()
    bad = [x.copy() for x in xs]; bad[1][7, 0] = np.nan
    with pytest.raises(InputError, match="finite"):
        KoopmanReconstructor(n_centres=8).fit(bad, None, key=jax.random.key(0))
    with pytest.raises(InputError, match="dt"):
        HankelDMDReconstructor(delays=2).fit(xs, -0.1)
    with pytest.raises(InputError, match="rank"):
        HankelDMDReconstructor(delays=2, rank=0)
    with pytest.raises(InputError, match="is not fitted"):
        KoopmanReconstructor().step_map(xs[0])
    with pytest.raises(InputError, match="n_steps"):
        HankelDMDReconstructor(delays=2).fit(xs, None).generate(xs[0], 0)
