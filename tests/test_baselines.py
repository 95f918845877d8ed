"""dsrlab.baselines: bad hyperparameters and arguments are refused with an InputError naming them (issue 21)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dsrlab.baselines import EchoStateNetwork, NeuralODE
from dsrlab.core import InputError, NotFittedError

KEY = jax.random.key(0)
T = np.linspace(0, 20, 120)
X = np.stack([np.sin(T), np.cos(T)], 1).astype(np.float32)


@pytest.fixture(scope="module")
def esn():
    return EchoStateNetwork(size=20, washout=10).fit(X, 0.1, key=KEY)


@pytest.mark.parametrize("call, message", [
    (lambda: EchoStateNetwork(size=0), "size must be an integer >= 1"),
    (lambda: EchoStateNetwork(spectral_radius=np.nan), "spectral_radius must be > 0"),
    (lambda: EchoStateNetwork(input_scale="0.5"), "input_scale must be a real number"),
    (lambda: EchoStateNetwork(density=1.5), "density must be in (0, 1]"),
    (lambda: EchoStateNetwork(leak=0.0), "leak must be > 0"),
    (lambda: EchoStateNetwork(ridge=-1e-6), "ridge must be >= 0"),
    (lambda: EchoStateNetwork(washout=1.5), "washout must be an integer >= 0"),
    (lambda: EchoStateNetwork(size=20).reservoir(0, KEY), "dim must be an integer >= 1"),
    (lambda: EchoStateNetwork(size=20).reservoir(2, None), "EchoStateNetwork.reservoir is random"),
    (lambda: EchoStateNetwork(size=2, density=1e-9).reservoir(2, KEY), "density must leave W a nonzero eigenvalue"),
    (lambda: EchoStateNetwork().step_map(X[:30]), "EchoStateNetwork is not fitted"),
    (lambda: NeuralODE(width=0), "width must be an integer >= 1"),
    (lambda: NeuralODE(depth=-1), "depth must be an integer >= 0"),
    (lambda: NeuralODE(n_steps=0), "n_steps must be an integer >= 1"),
    (lambda: NeuralODE(horizon=1), "horizon must be an integer >= 2"),
    (lambda: NeuralODE(batch_size=True), "batch_size must be an integer >= 1"),
    (lambda: NeuralODE(lr=-1.0), "lr must be > 0"),
    (lambda: NeuralODE().step_map(X[:5]), "NeuralODE is not fitted"),
])
def test_bad_input(call, message):
    with pytest.raises(InputError) as err:
        call()
    assert message in str(err.value), str(err.value)


def test_step_map_checks_context(esn):
    with pytest.raises(InputError, match="context must be at least 20 time steps long"):
        esn.step_map(X[:5])
    with pytest.raises(InputError, match="context must be finite"):
        esn.step_map(np.where(np.arange(60)[:, None] == 3, np.nan, np.tile(X[:30], (2, 1))))
    step, r = esn.step_map(X[:30].tolist())                  # a nested list is the same context
    np.testing.assert_allclose(np.asarray(r), np.asarray(esn.step_map(X[:30])[1]))


def test_zero_d_hyperparameters_are_plain_numbers():
    "0-d arrays (from a sweep, say) become Python numbers: the static fields hash and the model saves."
    node = NeuralODE(width=jnp.asarray(8), depth=jnp.asarray(1), n_steps=jnp.asarray(2), horizon=4, batch_size=4)
    assert type(node.width) is int and type(node.n_steps) is int
    fitted = node.fit(X, 0.1, key=KEY)
    assert fitted.generate(X[:5], 3).shape == (3, 2)
    assert type(EchoStateNetwork(spectral_radius=np.float32(0.8)).spectral_radius) is float
    with pytest.raises(NotFittedError):
        NeuralODE().generate(X[:5], 3)
