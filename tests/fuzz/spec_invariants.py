"""Fuzz spec for dsrlab.invariants: a good call of every public callable, each fuzzable argument wrapped in its kind.

Nothing here writes the shipped invariants file: `update_invariants`, `load_invariants` and `invariants_table`
get a temporary copy of one record, and `update_invariants` finds it there, so it computes nothing."""
import json
import os
import tempfile

import numpy as np

from harness import Arg, Call, array, fixed, integer, option, positive, real
from dsrlab import invariants as inv
from dsrlab.systems import get_system


def _call(title, fn, **args):
    "A Call whose arguments may include `name` (which Call's own signature takes)."
    c = Call(title, fn)
    c.args = {k: v if isinstance(v, Arg) else fixed(v) for k, v in args.items()}
    return c


def _temporary_file() -> str:
    "A temporary invariants file holding the shipped record of the Hénon map."
    shipped = json.loads(inv.invariants_path().read_text())
    path = os.path.join(tempfile.mkdtemp(), "invariants.json")
    with open(path, "w") as f:
        json.dump(dict(format=1, systems={"henon": shipped["systems"]["henon"]}), f)
    return path


def calls():
    henon, lorenz, logistic = get_system("henon"), get_system("lorenz63"), get_system("logistic")
    H = np.asarray(henon.trajectory(1500, transient=100), np.float64)
    L = np.asarray(lorenz.trajectory(400, transient=200), np.float64)
    path = _temporary_file()
    record = json.loads(open(path).read())["systems"]["henon"]
    return [
        Call("invariants.kaplan_yorke_dimension", inv.kaplan_yorke_dimension, spectrum=array(np.array([0.9, 0.0, -14.5]))),
        Call("invariants.correlation_dimension", inv.correlation_dimension, xs=array(H), theiler=integer(2, minimum=0),
             n_radii=integer(20, minimum=8), min_decades=positive(0.5)),
        Call("invariants.dominant_period", inv.dominant_period, xs=array(L), dt=positive(0.01)),
        Call("invariants.lyapunov_estimate", lambda n_steps, n_ics, n_exponents, transient: inv.lyapunov_estimate(
                 henon, n_steps, n_ics, n_exponents, transient)["spectrum"],
             n_steps=integer(200), n_ics=integer(2, minimum=2), n_exponents=integer(2, optional=True), transient=integer(20, minimum=0)),
        Call("invariants.lyapunov_estimate(flow)", lambda rtol, atol, qr_every: inv.lyapunov_estimate(
                 lorenz, 20, 2, None, 20, rtol=rtol, atol=atol, qr_every=qr_every)["spectrum"],
             rtol=positive(1e-6), atol=positive(1e-8), qr_every=integer(1)),
        _call("invariants.compute_invariants", lambda name: inv.compute_invariants(name)["lyapunov_max"], name=option("logistic")),
        Call("invariants.invariants_path", lambda: len(str(inv.invariants_path()))),
        Call("invariants.load_invariants", lambda path: len(inv.load_invariants(path)["systems"]), path=fixed(path)),
        Call("invariants.update_invariants", lambda names: len(inv.update_invariants(names, path, progress=False)["systems"]),
             names=fixed(["henon"])),
        Call("invariants.explain_disagreement", lambda record, note: len(inv.explain_disagreement(record, note)),
             record=fixed(record), note=fixed("")),
        Call("invariants.invariants_table", lambda path: inv.invariants_table(path)[0]["lyapunov_max"], path=fixed(path)),
        Call("invariants.zoo_table_html", lambda table_id: len(inv.zoo_table_html(inv.invariants_table(path), table_id)),
             table_id=fixed("zoo")),
    ]
