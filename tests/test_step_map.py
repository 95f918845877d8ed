"""Every model's `step_map` is one compiled map per method, not one per fitted model: the benchmark's `max_lyapunov`
(`filter_jit`, keyed by the map's static part) compiles once per method and architecture. Before, the map was a fresh
closure each time, and every job of the LRU, the neural ODE, S4D, Mamba, the ESN and the rectified flow compiled it
again (2.5 s of the LRU's 8 s job, 2.8 s of the neural ODE's 6 s)."""
import equinox as eqx
import jax
import numpy as np
import pytest

from dsrlab.bench import QUICK, benchmark_data, get_method

METHODS = ["lru", "s4d", "mamba", "esn", "neural_ode", "rectified_flow", "alrnn", "shallow_plrnn", "sindy", "edmd"]


def _static(step):
    "What `filter_jit` keys its compiled programs on: the structure and the non-array leaves of `step`."
    leaves, treedef = jax.tree_util.tree_flatten(eqx.partition(step, eqx.is_array)[1])
    return treedef, leaves


@pytest.mark.parametrize("name", METHODS)
def test_two_fitted_models_of_a_method_share_the_compiled_step_map(name):
    method = get_method(name)
    hyper = method.hyperparameters(True)
    hyper = {**hyper, **({"n_steps": 3} if "n_steps" in hyper else {})}   # the map's form, not its quality, is tested
    maps = []
    for seed in (0, 1):   # other data and another key: two different models
        data = benchmark_data("lorenz63", seed, QUICK)
        fitted = method.cls(**hyper).fit(data["train"], data["dt"], key=jax.random.key(seed))
        maps.append(fitted.step_map(data["test"][0][:50]))
    (a, _), (b, _) = maps
    assert _static(a) == _static(b)
    arrays = lambda step: jax.tree_util.tree_leaves(eqx.filter(step, eqx.is_array))
    assert any(not np.array_equal(x, y) for x, y in zip(arrays(a), arrays(b)))   # two models, one compiled map
