"""The promise of every public entry point, tested over each module's `__all__` (specs in tests/fuzz).

Given one bad argument, a public callable returns a correct, finite result or raises an `InputError` that names the
argument, before JAX compiles anything (or a `NonFiniteLossError` / `DivergedError` where training or generation
left the finite numbers); never another exception type, never a silent NaN, never a mutated input.

Two tests per module:
- `test_fixed_bad_values`: every argument of every spec entry replaced, one at a time, by each bad value of its kind
  (the table `tools/fuzz.py` prints);
- `test_random_values`: Hypothesis draws the argument and a value of random shape, dtype or type for it. The default
  profile draws a fixed, derandomised handful per entry, within the test budget; `HYPOTHESIS_PROFILE=nightly` draws
  many more (a nightly-style run: `HYPOTHESIS_PROFILE=nightly pytest tests/test_fuzz.py`).
"""
import math
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

sys.path.insert(0, str(Path(__file__).parent / "fuzz"))
import harness  # noqa: E402

settings.register_profile("default", max_examples=3, deadline=None, derandomize=True, database=None,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("nightly", max_examples=100, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")

MODULES = harness.spec_modules()
_calls = {}


def calls(module):
    if module not in _calls:
        _calls[module] = harness.load_calls(module)
    return _calls[module]


def defects(outcomes):
    return [f"{o.call}({o.argument}={o.value}): {o.outcome}. {o.detail}" for o in outcomes
            if o.outcome in harness.DEFECTS]


@pytest.mark.parametrize("module", MODULES)
def test_every_public_callable_has_a_spec(module):
    assert harness.coverage(module, calls(module)) == [] or module in _PARTIAL, harness.coverage(module, calls(module))


_PARTIAL = {"core"}    # core's context managers and configuration helpers take no data


# The default run tries the values that must be refused (cheap: refused before any work); the nightly profile also
# the values that may be accepted (a nested list, int or float16 dtypes, 1e30, short series), which run the method.
_must_refuse = None if PROFILE == "nightly" else (lambda argname, label, rule: rule == "refuse")


@pytest.mark.parametrize("module", MODULES)
def test_fixed_bad_values(module):
    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for call in calls(module):
            found += defects(harness.fuzz_call(call, only=_must_refuse))
    assert not found, "\n".join(found)


# ---- random values

_dtypes = st.sampled_from([np.float16, np.float32, np.float64, np.int32, np.int64, np.bool_, np.complex64])


def _random_array(good):
    "Arrays of random shape and dtype, or the good array with a random slice, scale or non-finite entries."
    good = np.asarray(good)
    shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6)
    fresh = st.builds(lambda a: a, hnp.arrays(_dtypes, shapes))
    sliced = st.integers(0, max(good.shape[0], 1) if good.ndim else 1).map(lambda n: good[:n] if good.ndim else good)
    scaled = st.sampled_from([0.0, -1.0, 1e-30, 1e30, 1e38]).map(lambda s: good * s)
    poked = st.tuples(st.integers(0, max(good.size - 1, 0)), st.sampled_from([np.nan, np.inf, -np.inf, 3e38])).map(
        lambda iv: _poke(good, *iv))
    return st.one_of(fresh, sliced, scaled, poked, st.none(), st.text(max_size=4), st.lists(st.floats(), max_size=4))


def _poke(good, i, v):
    if not np.issubdtype(good.dtype, np.inexact) or good.size == 0:
        return good
    y = good.copy()
    y.reshape(-1)[i] = v
    return y


def _random_scalar(kind):
    numbers = st.one_of(st.integers(-10, 60), st.floats(width=32), st.booleans())
    junk = st.one_of(st.none(), st.text(max_size=6), st.lists(st.integers(0, 3), max_size=3))
    if kind == "option":
        return st.one_of(st.text(max_size=12), st.none(), st.integers(-3, 3))
    if kind == "key":
        return st.one_of(st.none(), st.integers(), st.text(max_size=3), hnp.arrays(np.uint32, (3,)))
    return st.one_of(numbers, junk)


def _strategy(arg):
    return _random_array(arg.value) if arg.kind == "array" else _random_scalar(arg.kind)


@pytest.mark.parametrize("module", MODULES)
def test_random_values(module):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for call in calls(module):
            fuzzable = {k: a for k, a in call.args.items() if a.kind != "fixed"}
            if not fuzzable:
                continue
            base = call.fn(**{k: a.value for k, a in call.args.items()})

            @settings(settings.get_profile(PROFILE))
            @given(data=st.data())
            def promise(data):
                name = data.draw(st.sampled_from(sorted(fuzzable)), label="argument")
                value = data.draw(_strategy(fuzzable[name]), label=name)
                label = "random array" if fuzzable[name].kind == "array" else "random scalar"
                o = harness.judge(call, base, name, label, value, "finite")
                assert o.outcome not in harness.DEFECTS, f"{o.call}({name}={value!r:.200}): {o.outcome}. {o.detail}"

            promise()
