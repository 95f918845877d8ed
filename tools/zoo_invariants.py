"""Compute the zoo's invariants file, `dsrlab/data/invariants.json` (see nbs/01a_invariants.ipynb).

  python tools/zoo_invariants.py                      # every system not yet in the file
  python tools/zoo_invariants.py --systems lorenz63 chua --redo
  python tools/zoo_invariants.py --path /tmp/inv.json # elsewhere (e.g. on a GPU machine, then copy back)

Resumable: the file is rewritten after every system, and systems already in it are skipped
unless --redo is given, so a long run can be stopped and continued in pieces.

Then, where dysts is installed, every system that dysts has with the same equations gets an
independent largest exponent (`independent`): two nearby trajectories of dysts' own
right-hand side, integrated with SciPy (tools/independent_lyapunov.py), sharing no code
with dsrlab. It is what the chapter's table sets beside our value and dysts' stored one.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
from fastcore.script import Param, call_parse

from dsrlab.invariants import invariants_path, update_invariants
from dsrlab.systems import SYSTEMS

sys.path.insert(0, str(Path(__file__).parent))
from independent_lyapunov import flow_max_lyapunov, map_max_lyapunov  # noqa: E402


def independent(name: str, record: dict) -> dict:
    "The two-trajectory estimate from dysts' equations and initial condition, with its settings, or why there is none."
    spec = SYSTEMS[name]
    if spec.kind == "delay" or not spec.dysts or spec.note or "error" in record:
        return dict(value=None, reason="delay system" if spec.kind == "delay" else "our equations differ from dysts'"
                    if spec.note else "not in dysts" if not spec.dysts else "no value of ours")
    import dysts.flows
    import dysts.maps
    start = time.perf_counter()
    try:
        if spec.kind == "map":
            ds = getattr(dysts.maps, spec.dysts)()
            value = map_max_lyapunov(lambda x: np.ravel(ds.rhs(x[None])), ds.ic, 100_000)
            settings = dict(n=100_000, transient=1000, d0=1e-9)
        else:
            ds = getattr(dysts.flows, spec.dysts)()
            period = record.get("period") or 1.0
            T, tau = float(np.clip(500 * period, 500, 5000)), float(min(1.0, period / 4))
            value = flow_max_lyapunov(ds.rhs, ds.ic, T, tau=tau, max_seconds=300)
            settings = dict(T=T, tau=tau, transient=100.0, d0="1e-7 (1 + |x|)", rtol=1e-10, solver="SciPy DOP853")
        return dict(value=float(value), settings=settings, seconds=round(time.perf_counter() - start, 1))
    except Exception as e:  # noqa: BLE001
        return dict(value=None, reason=f"{type(e).__name__}: {e}")


@call_parse
def main(
    systems: Param("names of systems (default: the whole zoo)", str, nargs="*") = None,
    path: Param("the file to write (default: the one shipped in the package)", str) = None,
    redo: Param("recompute systems already in the file", bool) = False,
):
    start = time.perf_counter()
    data = update_invariants(systems or None, path, redo=redo)
    try:
        import dysts  # noqa: F401
    except ImportError:
        print("dysts is not installed: no independent estimates")
    else:
        path = Path(path) if path else invariants_path()
        for name, record in data["systems"].items():
            if (systems and name not in systems) or ("independent" in record and not redo):
                continue
            record["independent"] = independent(name, record)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=1))
            tmp.replace(path)
            print(f"{name:28s} independent {record['independent'].get('value')}  ours {record.get('lyapunov_max')}", flush=True)
    failed = [n for n, r in data["systems"].items() if "error" in r]
    print(f"{len(data['systems'])} systems in the file, {len(failed)} with errors {failed}; {time.perf_counter() - start:.0f} s")
