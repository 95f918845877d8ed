"""A hostile tester for dsrlab's public API: one argument at a time replaced by a bad value.

Each module has a spec, `spec_<module>.py`, whose `calls()` lists a good call for each public callable, with every
fuzzable argument wrapped in its kind (`array`, `integer`, `positive`, `real`, `option`, `key`, `fixed`). The
harness runs the good call, then the call with one argument replaced by each bad value of its kind, and sorts what
happened into outcomes. The promise being checked: a correct result, or an `InputError` naming the argument, raised
before JAX compiles anything; never another exception type, never a silent NaN, never a mutated input.
"""
from __future__ import annotations

import dataclasses
import importlib
import math
import time
import traceback
from pathlib import Path
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from dsrlab import core
from dsrlab.core import InputError, NonFiniteLossError

DivergedError = getattr(core, "DivergedError", NonFiniteLossError)   # (so the specs also run on older releases)

HERE = Path(__file__).parent
CLEAR = (InputError, NonFiniteLossError, DivergedError)   # the errors the promise allows

# outcomes: the first four keep the promise, the others are defects
GOOD = ("correct", "refused", "clear error", "skipped")
DEFECTS = ("silent NaN", "silently accepted", "wrong result", "other exception", "refused after compiling",
           "refusal does not name the argument", "mutated input")

_compiles = []
jax.monitoring.register_event_duration_secs_listener(
    lambda event, duration, **kw: _compiles.append(event) if "backend_compile" in event else None)


@dataclasses.dataclass
class Arg:
    kind: str                 # array, integer, positive, real, option, key, fixed
    value: object             # the good value
    opts: dict = dataclasses.field(default_factory=dict)


def array(value, nonfinite_ok: bool = False, complex_ok: bool = False, optional: bool = False) -> Arg:
    """An array argument; `nonfinite_ok`: NaN/inf are counted, not refused; `complex_ok`: complex input is supported;
    `optional`: None means a documented default."""
    return Arg("array", value, dict(nonfinite_ok=nonfinite_ok, complex_ok=complex_ok, optional=optional))


def integer(value, minimum: int = 1, optional: bool = False) -> Arg:
    return Arg("integer", value, dict(minimum=minimum, optional=optional))


def positive(value, allow_zero: bool = False, optional: bool = False) -> Arg:
    return Arg("positive", value, dict(allow_zero=allow_zero, optional=optional))


def real(value, optional: bool = False) -> Arg:
    return Arg("real", value, dict(optional=optional))


def option(value) -> Arg:
    return Arg("option", value)


def key(value, optional: bool = False) -> Arg:
    return Arg("key", value, dict(optional=optional))


def fixed(value) -> Arg:
    return Arg("fixed", value)


@dataclasses.dataclass
class Call:
    name: str                   # the public name: "module.function" or "module.Class.method"
    fn: Callable                # fn(**arguments)
    args: dict                  # argument name -> Arg
    deterministic: bool = True  # the same arguments give the same result (so accepted variants are compared)

    def __init__(self, name, fn, /, deterministic=True, **args):   # positional-only: an argument may be called `name`
        self.name, self.fn, self.deterministic = name, fn, deterministic
        self.args = {k: v if isinstance(v, Arg) else fixed(v) for k, v in args.items()}


# ---- bad values, per kind: (label, value, rule); rule "refuse": must be refused; "accept": may be accepted if the
# result is correct (compared with the good call's), or refused; "finite": may be accepted if the result is finite.

def _with_one(x, value):
    y = np.array(x, copy=True)
    y.reshape(-1)[min(1, y.size - 1)] = value
    return y


def array_variants(x, opts):
    x = np.asarray(x)
    out = []
    if x.ndim >= 1:
        out += [("rank - 1", x[0] if x.ndim > 1 else x[0:1].reshape(()), "finite"),
                ("rank + 1", x[None], "finite"),
                ("empty", x[:0], "refuse"),
                ("length 1", x[:1], "finite"), ("length 2", x[:2], "finite")]
    if np.issubdtype(x.dtype, np.inexact) and x.size:
        if not opts.get("nonfinite_ok"):
            out += [("NaN", _with_one(x, np.nan), "refuse"), ("inf", _with_one(x, np.inf), "refuse")]
        else:
            out += [("NaN", _with_one(x, np.nan), "finite"), ("inf", _with_one(x, np.inf), "finite")]
        out += [("x 1e30", x * 1e30, "finite"), ("float16", x.astype(np.float16), "finite")]
        if not np.iscomplexobj(x):
            out += [("int dtype", np.round(x).astype(np.int64), "finite")]
            out += [("complex", x + 1j, "finite" if opts.get("complex_ok") else "refuse")]
    if x.size:
        out += [("nested list", x.tolist(), "accept")]
    out += [("None", None, "finite" if opts.get("optional") else "refuse"), ("string", "abc", "refuse")]
    return out


def scalar_variants(kind, v, opts):
    refuse_none = "finite" if opts.get("optional") else "refuse"
    if kind == "integer":
        m = opts.get("minimum", 1)
        out = [("-5", -5, "refuse"), ("1.5", 1.5, "refuse"), ("'10'", "10", "refuse"), ("True", True, "refuse"),
               ("None", None, refuse_none), ("0-d jnp array", jnp.asarray(v), "accept")]
        if m > 0:
            out.append(("0", 0, "refuse"))
        return out
    if kind == "positive":
        out = [("-1", -1.0, "refuse"), ("nan", math.nan, "refuse"), ("inf", math.inf, "refuse"),
               ("'0.1'", "0.1", "refuse"), ("True", True, "refuse"), ("None", None, refuse_none),
               ("0-d jnp array", jnp.asarray(v, jnp.float32), "finite"), ("numpy float", np.float64(v), "accept")]
        if not opts.get("allow_zero"):
            out.append(("0", 0.0, "refuse"))
        return out
    if kind == "real":
        return [("nan", math.nan, "refuse"), ("inf", math.inf, "refuse"), ("'0.1'", "0.1", "refuse"),
                ("None", None, refuse_none), ("True", True, "refuse"), ("numpy float", np.float64(v), "accept")]
    if kind == "option":
        return [("'bogus'", "bogus", "refuse"), ("None", None, "refuse"), ("3", 3, "refuse")]
    if kind == "key":
        return [("None", None, "finite" if opts.get("optional") else "refuse"), ("3", 3, "refuse"),
                ("'key'", "key", "refuse")]
    return []


def variants(arg: Arg):
    if arg.kind == "array":
        return array_variants(arg.value, arg.opts)
    return scalar_variants(arg.kind, arg.value, arg.opts)


# ---- running and judging

def _leaves(result):
    "The numeric leaves of a result (arrays, numbers; through dicts, tuples, dataclasses and equinox modules)."
    if isinstance(result, (str, bytes, type(None), Path)):
        return []
    if isinstance(result, (bool, int, float, complex, np.number)):
        return [np.asarray(result)]
    leaves = jax.tree_util.tree_leaves(result, is_leaf=lambda x: isinstance(x, (np.ndarray, jax.Array)))
    if dataclasses.is_dataclass(result) and not leaves:
        leaves = [getattr(result, f.name) for f in dataclasses.fields(result)]
    out = []
    for x in leaves:
        if x is result:
            continue
        if isinstance(x, (np.ndarray, jax.Array)) and x.dtype != object:
            if jnp.issubdtype(x.dtype, jax.dtypes.prng_key):
                continue
            out.append(np.asarray(x))
        elif isinstance(x, (int, float, complex, np.number)) and not isinstance(x, bool):
            out.append(np.asarray(x))
        elif isinstance(x, (dict, list, tuple)) or dataclasses.is_dataclass(x):
            out += _leaves(x)
    return out


def _finite(result) -> bool:
    return all(np.all(np.isfinite(x)) for x in _leaves(result) if np.issubdtype(x.dtype, np.number))


def _same(a, b, tol=1e-4) -> bool:
    la, lb = _leaves(a), _leaves(b)
    if len(la) != len(lb):
        return False
    for x, y in zip(la, lb):
        if x.shape != y.shape:
            return False
        if x.size and not np.allclose(x.astype(np.complex128 if np.iscomplexobj(x) else np.float64),
                                      y.astype(np.complex128 if np.iscomplexobj(y) else np.float64),
                                      rtol=tol, atol=tol, equal_nan=True):
            return False
    return True


def _snapshot(args):
    return {k: np.array(v, copy=True) for k, v in args.items()
            if isinstance(v, np.ndarray) or (isinstance(v, list) and v and not isinstance(v[0], str))}


def _mutated(before, args) -> bool:
    for k, v in before.items():
        try:
            now = np.asarray(args[k])
        except Exception:
            return True
        if now.shape != v.shape or not np.array_equal(now, v, equal_nan=True):
            return True
    return False


@dataclasses.dataclass
class Outcome:
    call: str
    argument: str
    value: str
    outcome: str
    detail: str = ""


def judge(call: Call, base, argname: str, label: str, bad, rule: str) -> Outcome:
    "Runs `call` with `argname` replaced by `bad` and judges what happened."
    kwargs = {k: a.value for k, a in call.args.items()}
    kwargs[argname] = bad
    before = _snapshot(kwargs)
    n_compiles = len(_compiles)
    try:
        result = call.fn(**kwargs)
    except CLEAR as e:
        if _mutated(before, kwargs):
            return Outcome(call.name, argname, label, "mutated input")
        if not isinstance(e, InputError):
            return Outcome(call.name, argname, label, "clear error", str(e)[:160])
        data_free = label not in ("x 1e30", "length 1", "length 2", "rank - 1", "rank + 1", "NaN", "inf", "random array")
        if data_free and len(_compiles) > n_compiles:
            return Outcome(call.name, argname, label, "refused after compiling",
                           f"{len(_compiles) - n_compiles} compilations; {str(e)[:120]}")
        if argname not in str(e):
            return Outcome(call.name, argname, label, "refusal does not name the argument", str(e)[:160])
        return Outcome(call.name, argname, label, "refused")
    except Exception as e:
        tb = traceback.extract_tb(e.__traceback__)
        where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb) if "dsrlab" in f.filename), "")
        return Outcome(call.name, argname, label, "other exception", f"{type(e).__name__} at {where}: {str(e)[:140]}")
    if _mutated(before, kwargs):
        return Outcome(call.name, argname, label, "mutated input")
    if not _finite(result):
        return Outcome(call.name, argname, label, "silent NaN")
    if rule == "refuse":
        return Outcome(call.name, argname, label, "silently accepted")
    if rule == "accept" and call.deterministic and base is not None and not _same(result, base):
        return Outcome(call.name, argname, label, "wrong result", "differs from the good call's result")
    return Outcome(call.name, argname, label, "correct")


def fuzz_call(call: Call, only=None) -> list[Outcome]:
    "Every outcome of one spec entry: the good call first (it must succeed with a finite result), then each bad value."
    kwargs = {k: a.value for k, a in call.args.items()}
    try:
        base = call.fn(**kwargs)
    except Exception as e:
        return [Outcome(call.name, "-", "good call", "other exception", f"the good call failed: {type(e).__name__}: {e}"[:200])]
    if not _finite(base):
        return [Outcome(call.name, "-", "good call", "silent NaN", "the good call's result is not finite")]
    out = []
    for argname, arg in call.args.items():
        for label, bad, rule in variants(arg):
            if only is None or only(argname, label, rule):
                out.append(judge(call, base, argname, label, bad, rule))
    return out


def spec_modules() -> list[str]:
    return sorted(p.stem[len("spec_"):] for p in HERE.glob("spec_*.py"))


def load_calls(module: str) -> list[Call]:
    import sys
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    return importlib.import_module(f"spec_{module}").calls()


def coverage(module: str, calls: list[Call]) -> list[str]:
    "Names in `dsrlab.<module>.__all__` that are callable, have no spec entry, and are not exceptions or warnings."
    mod = importlib.import_module(f"dsrlab.{module}")
    covered = {c.name.split(".")[1] for c in calls}
    missing = []
    for name in mod.__all__:
        obj = getattr(mod, name)
        if not callable(obj) or (isinstance(obj, type) and issubclass(obj, (BaseException, Warning))):
            continue
        if name not in covered:
            missing.append(name)
    return missing
