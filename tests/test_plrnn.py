"Bad input to dsrlab.plrnn, and the SCYFI search against exhaustive enumeration on random small models."
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dsrlab.core import InputError, x64
from dsrlab.plrnn import (ALRNN, PLRNN, ShallowPLRNN, cycles_by_enumeration, find_cycles, make_model,
                          symbolic_code, transition_graph)


def test_identity_needs_latent_dim_at_least_obs_dim():
    with pytest.raises(InputError, match=r"M \(the latent dimension\) must be >= N = 4"):
        make_model("shallow", 4, 3, key=jax.random.key(0))


def test_alrnn_p_at_most_m():
    with pytest.raises(InputError, match=r"must be <= M = 5; got P = 6"):
        ALRNN(5, 6, key=jax.random.key(0))
    with pytest.raises(InputError, match="P must be an integer >= 0"):
        ALRNN(5, -1, key=jax.random.key(0))


def test_unknown_kind_and_observation():
    with pytest.raises(InputError, match="kind must be one of"):
        make_model("gru", 3, 3, key=jax.random.key(0))
    with pytest.raises(InputError, match="observation must be 'identity' or 'affine'"):
        make_model("plrnn", 3, 3, key=jax.random.key(0), observation="mlp")


def test_symbolic_code_input():
    m = ALRNN(4, 2, key=jax.random.key(0))
    with pytest.raises(InputError, match="z must be of last-axis size 4"):
        symbolic_code(m, np.zeros((10, 3)))
    z = np.zeros((10, 4)); z[3, 2] = np.nan
    with pytest.raises(InputError, match="finite"):
        symbolic_code(m, z)
    with pytest.raises(InputError, match="at least 2 time steps"):
        transition_graph(np.array([1]))


def test_enumeration_refuses_large_patterns():
    with pytest.raises(InputError, match="K k must be <= 16"):
        cycles_by_enumeration(ShallowPLRNN(3, 20, key=jax.random.key(0)), 1)


@pytest.fixture
def f64():
    "A float64 model and float64 checks: with float64 on (importing dsrlab no longer turns it on globally)."
    with x64():
        yield


@pytest.mark.usefixtures("f64")
@pytest.mark.parametrize("seed", range(2))
def test_search_finds_what_enumeration_finds(seed):
    m = PLRNN(4, key=jax.random.key(seed))
    k1, k2 = jax.random.split(jax.random.key(100 + seed))
    m = jax.tree_util.tree_map(lambda a: a.astype(jnp.float64), m)
    import equinox as eqx
    m = eqx.tree_at(lambda q: (q.W, q.h), m, (2 * jax.random.normal(k1, (4, 4), jnp.float64), jax.random.normal(k2, (4,), jnp.float64)))
    for k in (1, 2):
        enum = cycles_by_enumeration(m, k)
        found = find_cycles(m, k, key=jax.random.key(seed), n_init=100)
        assert len(found) == len(enum)
        for c in found:  # each point maps to the next under the model's own step
            pts = c["points"]
            nxt = np.asarray(jax.vmap(m.step)(jnp.asarray(pts)))
            np.testing.assert_allclose(nxt, np.roll(pts, -1, axis=0), atol=1e-8)
