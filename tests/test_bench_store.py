"""The benchmark's result store, run as a user runs it: a `dsrlab bench` subprocess killed mid-way, then resumed.

Also: a method that diverges (NaN) on a system is a failed row and the run goes on; the CSV export and the report."""
import csv
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import jax.numpy as jnp
import numpy as np

from dsrlab.baselines import LastValue
from dsrlab.bench import (METHODS, Protocol, ResultStore, get_method, list_methods, ranking, register_method,
                          run_benchmark)

DSRLAB = shutil.which("dsrlab") or str(Path(sys.executable).parent / "dsrlab")
METHODS_ARG = "last_value,mean,hankel_dmd"  # fast methods: the store is under test, not the methods
N_ROWS = 3 * 2                              # methods x seeds on one system


def _rows(path):
    with sqlite3.connect(path) as c:
        return c.execute("SELECT system, method, seed, config, status, finished FROM results").fetchall()


def test_killed_run_resumes_without_losing_or_duplicating(tmp_path):
    store = tmp_path / "bench.sqlite"
    args = [DSRLAB, "bench", "--systems", "henon", "--methods", METHODS_ARG, "--seeds", "2", "--quick", "--store", str(store)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 600
    before = []
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.5)
        if store.exists():
            try:
                before = _rows(store)
            except sqlite3.OperationalError:  # the table is being created
                continue
            if before:
                break
    assert before, f"no row appeared before the deadline: {proc.communicate()[1][-2000:]}"
    proc.send_signal(signal.SIGKILL)           # no clean-up, as when a machine dies
    proc.wait()
    killed = _rows(store)                      # what the killed run had committed
    assert 1 <= len(killed) < N_ROWS, f"expected a partial run, got {len(killed)} rows"

    r = subprocess.run(args + ["--csv", str(tmp_path / "bench.csv")], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    after = _rows(store)
    keys = [row[:4] for row in after]
    assert len(keys) == len(set(keys)) == N_ROWS   # each (method, seed) on henon once
    assert set(killed) <= set(after)           # finished rows kept as they were (same timestamps)
    assert f"{N_ROWS - len(killed)} new runs" in r.stdout
    assert r.stdout.count("\n") > 5 and "mean_rank" in r.stdout
    with open(tmp_path / "bench.csv") as f:
        table = list(csv.DictReader(f))
    assert len(table) == N_ROWS and {t["method"] for t in table} == set(METHODS_ARG.split(","))

    # a third run has nothing left to do
    r = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and "0 new runs" in r.stdout

    # the report: ranking, a table per system, one attractor figure per system, plotly.js once
    page = tmp_path / "report.html"
    r = subprocess.run([DSRLAB, "report", "--store", str(store), "--html", str(page)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    text = page.read_text()
    assert text.count("Plotly.newPlot") == 1 and text.count("window.PlotlyConfig") == 1
    assert "Ranking" in text and all(m in text for m in METHODS_ARG.split(","))


class NaNAfterFive(LastValue):
    "Repeats the last state for 5 steps, then NaN: a forecast that diverges."
    def _generate(self, context, n_steps, key):
        x = jnp.broadcast_to(context[-1], (n_steps, context.shape[-1]))
        return jnp.where(jnp.arange(n_steps)[:, None] < 5, x, jnp.nan)


class RaisesInFit(LastValue):
    def _fit(self, trajectories, dt, key):
        raise np.linalg.LinAlgError("Singular matrix")


def test_nan_method_is_a_failed_row_and_the_run_goes_on(tmp_path):
    register_method("nan_method", NaNAfterFive, family="test")
    try:
        p = Protocol(n_train=1, train_length=200, n_test=1, test_length=100, context=10, lyapunov_steps=100, spread=1000)
        store = tmp_path / "s.sqlite"
        rows = run_benchmark(["henon"], ["last_value", "nan_method", "mean"], [0], store, protocol=p, progress=False)
        status = {r["method"]: (r["status"], r.get("error")) for r in rows}
        assert status["last_value"][0] == "ok" and status["mean"][0] == "ok"   # the run went on past the failure
        assert status["nan_method"][0] == "failed" and "non-finite values from step 5" in status["nan_method"][1]
        db = ResultStore(store)
        stored = db.rows()
        db.close()
        assert len(stored) == 3
        assert ranking(stored)[-1]["method"] == "nan_method"
    finally:
        METHODS.pop("nan_method", None)
    assert "nan_method" not in list_methods()


def test_a_method_that_raises_is_a_failed_row(tmp_path):
    register_method("raises", RaisesInFit, family="test")
    try:
        p = Protocol(n_train=1, train_length=200, n_test=1, test_length=100, context=10, lyapunov_steps=100, spread=1000)
        rows = run_benchmark("henon", "raises", 1, tmp_path / "s.sqlite", protocol=p, progress=False)
        assert rows[0]["status"] == "failed" and rows[0]["error"] == "LinAlgError: Singular matrix"
    finally:
        METHODS.pop("raises", None)


def test_devices_two_gives_the_single_device_rows(tmp_path):
    "`--devices 2` (two simulated CPU devices) runs jobs two at a time and stores the rows a one-device run stores."
    import os
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    cols = "system, method, seed, config, status, state_space_divergence, power_spectrum_distance, prediction_error"
    out = {}
    for n in (1, 2):
        store = tmp_path / f"bench{n}.sqlite"
        r = subprocess.run([DSRLAB, "bench", "--systems", "henon,lorenz63", "--methods", METHODS_ARG, "--seeds", "1",
                            "--quick", "--store", str(store), "--devices", str(n)], capture_output=True, text=True,
                           timeout=900, env=env)
        assert r.returncode == 0, r.stderr[-3000:]
        with sqlite3.connect(store) as c:
            out[n] = sorted(c.execute(f"SELECT {cols} FROM results").fetchall())
    assert len(out[1]) == 6 and all(row[4] == "ok" for row in out[1])
    assert [row[:5] for row in out[1]] == [row[:5] for row in out[2]]
    np.testing.assert_allclose(np.array([row[5:] for row in out[1]], float), np.array([row[5:] for row in out[2]], float),
                               rtol=1e-5)
