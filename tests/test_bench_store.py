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
import pytest

from dsrlab.baselines import LastValue
from dsrlab.core import InputError
from dsrlab.bench import (METHODS, Protocol, ResultStore, config_hash, get_method, list_methods, ranking, register_method,
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

    # the report: ranking, a table per system, an attractor panel per method that has a forecast, the exponents and,
    # when a forecast varies, the spectra (one system: no test across systems); plotly.js once
    page = tmp_path / "report.html"
    r = subprocess.run([DSRLAB, "report", "--store", str(store), "--html", str(page)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    text = page.read_text()
    panels = len({r["method"] for r in table if r["status"] == "ok"})
    assert panels + 1 <= text.count("Plotly.newPlot") <= panels + 2 and text.count("window.PlotlyConfig") == 1
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


@pytest.mark.parametrize("threads", [1, 2])
def test_a_system_whose_data_cannot_be_made_is_failed_rows_and_the_run_goes_on(tmp_path, threads):
    # multi_chua's stored period (393 time units) asks for a sampling step its adaptive solve cannot reach
    rows = run_benchmark(["multi_chua", "henon"], ["last_value", "mean"], 1, tmp_path / "s.sqlite", quick=True,
                         progress=False, threads=threads)
    status = {(r["system"], r["method"]): (r["status"], r.get("error") or "") for r in rows}
    assert len(status) == 4
    for m in ("last_value", "mean"):
        assert status[("multi_chua", m)][0] == "failed"
        assert status[("multi_chua", m)][1].startswith("the data: DivergedError: multi_chua: the trajectory is not finite")
        assert status[("henon", m)] == ("ok", "")
    assert len(ResultStore(tmp_path / "s.sqlite").rows()) == 4     # written, so a rerun does not try them again


def test_a_system_that_is_not_chaotic_is_scored_with_vpt_in_time_units(tmp_path):
    "Unforced Duffing settles on a fixed point (reference exponent < 0): no Lyapunov time, so VPT in time units, said in a note."
    rows = run_benchmark("duffing_unforced", ["last_value", "mean"], 1, tmp_path / "s.sqlite", quick=True, progress=False)
    assert [r["status"] for r in rows] == ["ok", "ok"]
    for r in rows:
        assert r["lyapunov_reference"] < 0 and "VPT is in time units" in r["notes"]


def test_two_al_rnn_trainings_at_once_finish(tmp_path):
    """Two AL-RNN trainings in two threads of one process finish. They deadlocked while the adaptive forcing took its
    spectral norms with a batched LAPACK call: jaxlib splits such a call over its thread pool (2 threads here) and makes
    the pool thread that called it wait, so two at once left no thread to do the work. In a subprocess with a time limit,
    so that a deadlock fails the test instead of hanging the suite."""
    store = tmp_path / "s.sqlite"
    code = ("from dsrlab.bench import run_benchmark\n"
            f"rows = run_benchmark(['lorenz63', 'rossler'], 'alrnn', 1, {str(store)!r}, quick=True, progress=False, threads=2)\n"
            "print(len(rows))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.split()[-1] == "2"


def _four_jobs(store, monkeypatch, **settings) -> int:
    "How many times four finished quick jobs clear JAX's in-memory programs, with bench's settings patched."
    import dsrlab.bench as bench
    cleared = []
    for name, value in {"_jobs_since_clear": [0], **settings}.items():
        monkeypatch.setattr(bench, name, value)
    monkeypatch.setattr(bench.jax, "clear_caches", lambda: cleared.append(True))
    rows = run_benchmark(["henon", "lorenz63"], ["last_value", "mean"], 1, store, quick=True, progress=False, threads=1)
    assert [r["status"] for r in rows] == ["ok"] * 4
    return len(cleared)


def test_a_long_run_clears_jaxs_programs_before_linux_runs_out_of_memory_mappings(tmp_path, monkeypatch):
    """A whole-zoo run kept every program JAX compiled and crashed out of memory mappings (`vm.max_map_count`), after
    about 1,600 jobs of the fast methods and 203 of the networks (chapter 10, "Running the benchmark"). After each job the
    process counts its mappings and clears JAX's in-memory programs once it holds half the limit."""
    from dsrlab.bench import _read_count
    held = _read_count("/proc/self/maps", lines=True)
    assert _four_jobs(tmp_path / "a.sqlite", monkeypatch, _MAP_LIMIT=held) == 4        # over half the limit: each job
    assert _four_jobs(tmp_path / "b.sqlite", monkeypatch, _MAP_LIMIT=100 * held) == 0  # far from it: programs kept
    assert _four_jobs(tmp_path / "c.sqlite", monkeypatch, _MAP_LIMIT=None, _CLEAR_EVERY=2) == 2  # no /proc: every 2 jobs


def test_clearing_jaxs_caches_gives_the_memory_mappings_back():
    "What the clearing relies on: each compiled program holds mappings, and `jax.clear_caches` releases them."
    import gc
    import jax
    import jax.numpy as jnp
    from dsrlab.bench import _read_count
    held = lambda: _read_count("/proc/self/maps", lines=True)
    jax.clear_caches(); gc.collect()
    before = held()
    for i in range(100):    # 100 distinct programs
        jax.jit(lambda x, i=i: jnp.sin(x) * i)(jnp.ones(i + 1)).block_until_ready()
    grown = held()
    jax.clear_caches(); gc.collect()
    assert grown - before > 100                              # at least one mapping a program (about three, measured)
    assert held() - before < (grown - before) / 4            # most of them given back


def test_threads_and_devices_give_the_one_thread_rows(tmp_path):
    """One job at a time (`--threads 1`), two at once on one CPU device (the default on a CPU of 2+ cores) and
    `--devices 2` (two simulated CPU devices) store the same rows: bit for bit on one device, to float32 round-off across two."""
    import os
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    cols = "system, method, seed, config, status, state_space_divergence, power_spectrum_distance, prediction_error"
    out = {}
    for name, extra in (("one thread", ["--threads", "1"]), ("two threads", []), ("two devices", ["--devices", "2"])):
        store = tmp_path / f"bench {name}.sqlite"
        r = subprocess.run([DSRLAB, "bench", "--systems", "henon,lorenz63", "--methods", METHODS_ARG, "--seeds", "1",
                            "--quick", "--store", str(store), *extra], capture_output=True, text=True, timeout=900, env=env)
        assert r.returncode == 0, r.stderr[-3000:]
        with sqlite3.connect(store) as c:
            out[name] = sorted(c.execute(f"SELECT {cols} FROM results").fetchall())
    assert len(out["one thread"]) == 6 and all(row[4] == "ok" for row in out["one thread"])
    assert out["two threads"] == out["one thread"]
    assert [row[:5] for row in out["one thread"]] == [row[:5] for row in out["two devices"]]
    np.testing.assert_allclose(np.array([row[5:] for row in out["one thread"]], float),
                               np.array([row[5:] for row in out["two devices"]], float), rtol=1e-5)


# --- issue 21: two processes on one store, stale claims, stores from before claims

def test_two_processes_on_one_store_share_the_jobs(tmp_path):
    "Two `dsrlab bench` processes started together on one store: every job is computed once, by one of them."
    store = tmp_path / "shared.sqlite"
    args = [DSRLAB, "bench", "--systems", "henon", "--methods", METHODS_ARG, "--seeds", "2", "--quick", "--store", str(store)]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=900) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
    computed = [int(out.split(" new runs")[0].split()[-1]) for out, _ in outs]
    assert sum(computed) == N_ROWS, (computed, [o for o, _ in outs])   # before claims: 2 x N_ROWS
    keys = [row[:4] for row in _rows(store)]
    assert len(keys) == len(set(keys)) == N_ROWS
    with sqlite3.connect(store) as c:
        assert c.execute("SELECT count(*) FROM claims").fetchone()[0] == 0   # finished jobs leave no claim behind


def _claim(store, key, host, pid, when):
    with sqlite3.connect(store) as c:
        c.execute("INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?, ?, ?)", (*key, host, pid, when))


def test_stale_claims_are_taken_over_and_live_ones_left(tmp_path):
    import socket
    import warnings
    p = Protocol(n_train=1, train_length=200, n_test=1, test_length=100, context=10, lyapunov_steps=100, spread=1000)
    store = tmp_path / "s.sqlite"
    ResultStore(store).close()
    cfg = config_hash("mean", get_method("mean").hyperparameters(), p)
    key, host = ("henon", "mean", 0, cfg), socket.gethostname()
    gone = subprocess.Popen([sys.executable, "-c", "pass"]); gone.wait()       # a process that has ended
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        _claim(store, key, host, live.pid, time.time())                      # a live process is running it
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert run_benchmark("henon", "mean", [0], store, protocol=p, progress=False) == []
        assert any("claimed by another running process" in str(x.message) for x in w)
        # the same live claim, older than the timeout: taken over
        rows = run_benchmark("henon", "mean", [0], store, protocol=p, progress=False, claim_timeout=1e-3)
        assert [r["method"] for r in rows] == ["mean"]
        _claim(store, ("henon", "mean", 1, cfg), host, gone.pid, time.time())  # its claimant is gone: taken over at once
        rows = run_benchmark("henon", "mean", [1], store, protocol=p, progress=False)
        assert [r["seed"] for r in rows] == [1]
        _claim(store, key, host, gone.pid, 0.0)                             # a claim on a finished job: never recomputed
        assert run_benchmark("henon", "mean", [0], store, protocol=p, progress=False) == []
    finally:
        live.kill(); live.wait()


def test_a_store_from_before_claims_and_notes_is_upgraded_without_loss(tmp_path):
    "A store written by the previous dsrlab (no notes column, no claims table, user_version 0) keeps its rows."
    p = Protocol(n_train=1, train_length=200, n_test=1, test_length=100, context=10, lyapunov_steps=100, spread=1000)
    store = tmp_path / "old.sqlite"
    run_benchmark("henon", "mean", [0], store, protocol=p, progress=False)
    with sqlite3.connect(store) as c:                   # make it as the previous version wrote it
        c.execute("DROP TABLE claims"); c.execute("ALTER TABLE results DROP COLUMN notes"); c.execute("PRAGMA user_version = 0")
    before = _rows(store)
    with ResultStore(store, readonly=True) as db:       # read as it is
        assert [r["notes"] for r in db.rows()] == [None]
    new = run_benchmark("henon", "mean", [0, 1], store, protocol=p, progress=False)
    assert [r["seed"] for r in new] == [1]              # seed 0 was kept, not recomputed
    assert set(before) <= set(_rows(store)) and len(_rows(store)) == 2


# --- issue 21: what a row's numbers do not say is in its notes; warnings above the bar

def test_resdmd_mean_forecast_is_noted(tmp_path):
    "At 20% noise ResDMD keeps only the eigenvalue 1 (the constant eigenfunction): its forecast is the training mean."
    from dsrlab.systems import get_system
    x = np.asarray(get_system("lorenz63").trajectory(2000, dt=0.02, transient=500), np.float64)
    noisy = x + 0.2 * x.std(0) * np.random.default_rng(0).normal(size=x.shape)
    p = Protocol(context=20, test_length=300, n_bins=None)
    rows = run_benchmark(None, ["resdmd", "edmd"], [0], tmp_path / "s.sqlite", data=noisy, dt=0.02, quick=True,
                         protocol=p, progress=False, lyapunov_time=1 / 0.906)
    notes = {r["method"]: r["notes"] for r in rows}
    assert all(r["status"] == "ok" for r in rows), rows
    assert "constant at the training mean" in notes["resdmd"]
    assert notes["edmd"] is None                        # EDMD's forecast moves
    with ResultStore(tmp_path / "s.sqlite", readonly=True) as db:
        assert {r["method"]: r["notes"] for r in db.rows()} == notes


WARNS = '''
import warnings, sys
from dsrlab.baselines import MeanValue
from dsrlab.bench import register_method, run_benchmark, Protocol
class Warns(MeanValue):
    def _fit(self, trajectories, dt, key):
        warnings.warn("a warning from the fit")
        return super()._fit(trajectories, dt, key)
register_method("warns", Warns)
p = Protocol(n_train=1, train_length=200, n_test=1, test_length=100, context=10, lyapunov_steps=100, spread=1000)
run_benchmark("henon", "warns,mean", [0, 1], sys.argv[1], protocol=p, progress=True)
'''


def test_warnings_are_written_above_the_progress_bar(tmp_path):
    import os
    script = tmp_path / "warns.py"
    script.write_text(WARNS)
    r = subprocess.run([sys.executable, str(script), str(tmp_path / "s.sqlite")], capture_output=True, text=True,
                       timeout=600, env={**os.environ, "TQDM_DISABLE": "", "TQDM_MININTERVAL": "0"})
    assert r.returncode == 0, r.stderr[-3000:]
    assert "a warning from the fit" in r.stderr and "dsrlab bench" in r.stderr
    segments = [s for line in r.stderr.split("\n") for s in line.split("\r")]
    assert not [s for s in segments if "dsrlab bench" in s and "warning from the fit" in s], r.stderr[-2000:]


def test_bad_threads_are_refused_before_any_work(tmp_path):
    "A thread count that is not a positive integer, or threads beside a Dask scheduler: an InputError naming it, no store made."
    store = tmp_path / "s.sqlite"
    for threads, scheduler, says in ((0, None, "threads must be"), (1.5, None, "threads must be"),
                                     ("2", None, "threads must be"), (2, "local", "threads=2 runs jobs in threads")):
        with pytest.raises(InputError, match=says):
            run_benchmark("henon", "mean", 1, store, quick=True, progress=False, threads=threads, scheduler=scheduler)
    assert not store.exists()


# --- issue 17: the seeds of a method fitted in one vmapped call

@pytest.mark.parametrize("threads", [1, 2])
def test_seeds_fitted_together_give_the_rows_of_seeds_fitted_apart(tmp_path, threads, monkeypatch):
    """A method registered with together=True has its three seeds fitted in one `fit_many` call (whichever of the three
    jobs comes first fits all); the rows are those of three separate fits, to float32 round-off, and say so. On a CPU
    two threads do not group (no faster there); grouping is forced here, as on a GPU, to test the threads' hand-over."""
    import dsrlab.bench
    from dsrlab.training import PLRNNReconstructor
    monkeypatch.setattr(dsrlab.bench, "_together", lambda method, threads: method.together)
    p = Protocol(n_train=2, train_length=300, n_test=1, test_length=200, context=20, lyapunov_steps=200, spread=2000)
    cols = ("status", "prediction_error", "valid_prediction_time", "lyapunov_max")
    out = {}
    for together in (True, False):
        register_method("tiny_plrnn", PLRNNReconstructor, dict(kind="shallow", hidden=8, n_steps=200, seq_len=20),
                        family="neural", together=together)
        try:
            rows = run_benchmark("lorenz63", ["tiny_plrnn", "last_value"], 3, tmp_path / f"{together}.sqlite", protocol=p,
                                 progress=False, threads=threads)
        finally:
            METHODS.pop("tiny_plrnn", None)
        out[together] = {r["seed"]: r for r in rows if r["method"] == "tiny_plrnn"}
    assert sorted(out[True]) == [0, 1, 2]
    assert {s: r["status"] for s, r in out[True].items()} == {s: r["status"] for s, r in out[False].items()}
    ok = [s for s, r in out[True].items() if r["status"] == "ok"]     # a model this small may diverge: then in both runs
    assert len(ok) >= 2
    for seed in ok:
        row, alone = out[True][seed], out[False][seed]
        assert "fitted with seeds [0, 1, 2] in one vmapped call" in row["notes"] and "vmapped" not in (alone["notes"] or "")
        np.testing.assert_allclose([row[c] for c in cols[1:]], [alone[c] for c in cols[1:]], rtol=1e-3)
    assert len({out[True][s]["fit_time"] for s in ok}) == 1       # the one call's time, shared out
