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
    with pytest.raises(InputError, match="observation must be one of 'identity', 'affine'"):
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


@pytest.mark.parametrize("n_steps, msg", [("10", "n_steps must be an integer >= 1; got str '10'"),
                                          (1.5, "n_steps must be an integer >= 1; got float 1.5"),
                                          (-5, "n_steps must be an integer >= 1; got -5"), (True, "got bool True")])
def test_generate_checks_n_steps(n_steps, msg):
    "'10' used to run 10 steps, 1.5 one step, -5 an MLIRError from deep inside JAX."
    p, om = PLRNN(3, key=jax.random.key(0)), make_model("alrnn", 2, 4, key=jax.random.key(0), P=2)
    for call in (lambda: p.generate(jnp.zeros(3), n_steps), lambda: om.generate(np.zeros(2), n_steps),
                 lambda: om.generate_latent(np.zeros(2), n_steps)):
        with pytest.raises(InputError) as e:
            call()
        assert msg in str(e.value)
    np.testing.assert_array_equal(np.asarray(p.generate(jnp.ones(3), jnp.asarray(4))), np.asarray(p.generate(jnp.ones(3), 4)))


def test_states_are_checked():
    "A wrong-sized, non-finite, complex or text state is refused, naming the argument; a nested list is the same array."
    p, om = ShallowPLRNN(3, 4, key=jax.random.key(0)), make_model("shallow", 2, 3, key=jax.random.key(0), hidden=4)
    for bad, msg in ((np.zeros(4), "z0 must be of last-axis size 3"), (np.array([0.0, np.nan, 1.0]), "z0 must be finite"),
                     (np.zeros((1, 3)), "z0 must be 1-D"), (np.zeros(3) + 1j, "z0 must be real-valued"), ("abc", "z0 must be")):
        with pytest.raises(InputError, match=msg):
            p.generate(bad, 5)
    for method in (p.step, p.jacobian, p.activation_pattern, p):
        with pytest.raises(InputError, match="z must be of last-axis size 3"):
            method(np.zeros(2))
    with pytest.raises(InputError, match="x0 must be of last-axis size 2"):
        om.generate(np.zeros(3), 5)
    for method in (om.observation.init_state, om.observation.forcing_signal):
        with pytest.raises(InputError, match="x must be finite"):
            method(np.array([np.inf, 0.0]))
    with pytest.raises(InputError, match="d must be an activation pattern of booleans"):
        p.linear_map(np.full(4, 0.5))
    with pytest.raises(InputError, match="d must be of last-axis size 4"):
        p.linear_map(np.ones(3))
    z = np.array([0.3, -1.0, 2.0], np.float32)
    np.testing.assert_array_equal(np.asarray(p.generate(z.tolist(), 6)), np.asarray(p.generate(z, 6)))
    # a finite x0 whose latent estimate overflows float32 (L x0 with x0 ~ 3e38) is refused, naming x0, not run on inf
    with pytest.raises(InputError, match="x0 must be small enough that its latent estimate is finite"):
        om.generate(np.array([3e38, 0.3], np.float32), 5)


def test_diverging_orbit_raises_unless_kept():
    "An orbit that overflows float32 raises DivergedError naming the first bad step; nonfinite='keep' returns it raw."
    import equinox as eqx
    from dsrlab.core import DivergedError
    p = eqx.tree_at(lambda m: m.A, PLRNN(2, key=jax.random.key(0)), jnp.array([1e10, 1e10], jnp.float32))
    with pytest.raises(DivergedError, match="PLRNN.generate diverged") as e:
        p.generate(jnp.ones(2), 8)
    assert e.value.step == 4          # 1e10^4 = 1e40 > 3.4e38, the largest float32
    kept = np.asarray(p.generate(jnp.ones(2), 8, nonfinite="keep"))
    assert np.isfinite(kept[:4]).all() and not np.isfinite(kept[4:]).any()
    with pytest.raises(InputError, match="nonfinite must be one of 'raise', 'keep'"):
        p.generate(jnp.ones(2), 8, nonfinite="ignore")
    om = make_model("plrnn", 2, 2, key=jax.random.key(0))
    om = eqx.tree_at(lambda m: m.latent, om, p)
    with pytest.raises(DivergedError, match="ObservedModel.generate diverged"):
        om.generate(np.ones(2), 8)


def test_cycle_and_code_functions_check_their_arguments():
    m = PLRNN(3, key=jax.random.key(0))
    om = make_model("plrnn", 3, 3, key=jax.random.key(0))
    with pytest.raises(InputError, match="find_cycles is random: pass key="):
        find_cycles(m, 1, key=None)
    with pytest.raises(InputError, match=r"pass model.latent"):
        find_cycles(om, 1, key=jax.random.key(0))
    for bad, msg in ((np.zeros((5, 2)), "init_states must be of last-axis size 3"), ("abc", "init_states must be"),
                     (np.full((5, 3), np.nan), "init_states must be finite"), (np.zeros(3), "init_states must be 2-D")):
        with pytest.raises(InputError, match=msg):
            find_cycles(m, 1, key=jax.random.key(0), init_states=bad)
    with pytest.raises(InputError, match="k must be an integer >= 1; got str '1'"):
        cycles_by_enumeration(m, "1")
    with pytest.raises(InputError, match="k must be an integer >= 1; got 0"):
        cycles_by_enumeration(m, 0)          # used to return [] as if there were no cycles
    with pytest.raises(InputError, match="codes must be symbols: integers"):
        transition_graph(np.array([0.0, 1.5, 3.0]))     # used to be truncated to 1, silently
    with pytest.raises(InputError, match="codes must be symbols: integers"):
        transition_graph(1e30 * np.array([0.0, 1.0, 3.0]))
    syms, counts, _ = transition_graph([0.0, 1.0, 1.0, 0.0])    # integer-valued floats and lists are symbols
    assert syms.tolist() == [0, 1] and counts.tolist() == [[0, 1], [1, 1]]
    with pytest.raises(InputError, match="kind must be one of .*Did you mean 'alrnn'"):
        make_model("alrn", 3, 3, key=jax.random.key(0))
    with pytest.raises(InputError, match="make_model is random"):
        make_model("alrnn", 3, 3, key=None)
    with pytest.raises(InputError, match="hidden must be an integer >= 1"):
        make_model("plrnn", 3, 3, key=jax.random.key(0), hidden=0)     # checked for every kind
