"""The `dsrlab` console command, run as a user runs it: a subprocess of the installed entry point."""
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

DSRLAB = shutil.which("dsrlab") or str(Path(sys.executable).parent / "dsrlab")


def run(*args, cwd=None):
    return subprocess.run([DSRLAB, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_systems_prints_table_and_writes_page(tmp_path):
    page = tmp_path / "zoo.html"
    r = run("systems", "--names", "lorenz63,rossler,henon,logistic", "--html", str(page), "--n_steps", "800")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[:3] == ["name", "kind", "dim"]
    rows = {l.split()[0]: l for l in lines[2:] if l.strip() and not l.startswith("wrote")}
    assert set(rows) == {"lorenz63", "rossler", "henon", "logistic"}
    assert rows["lorenz63"].split()[2] == "3" and rows["henon"].split()[2] == "2"
    assert "0.9" in rows["lorenz63"]  # the published largest Lyapunov exponent, about 0.905
    text = page.read_text()
    assert text.count("Plotly.newPlot") == 4
    assert text.count("scatter3d") >= 3  # lorenz63, rossler and the logistic map's delay coordinates


def test_systems_default_lists_the_whole_zoo(tmp_path):
    r = run("systems", "--html", "")
    assert r.returncode == 0, r.stderr
    assert len([l for l in r.stdout.splitlines()[2:] if l.strip()]) >= 40


def test_unknown_system_is_a_clear_error():
    r = run("systems", "--names", "lorenz64", "--html", "")
    assert r.returncode == 2
    assert "lorenz64" in r.stderr and "lorenz63" in r.stderr and "Traceback" not in r.stderr


def test_unknown_command_and_help():
    r = run("frobnicate")
    assert r.returncode == 2 and "unknown command 'frobnicate'" in r.stderr and "systems" in r.stderr
    r = run("--help")
    assert r.returncode == 0 and "systems" in r.stdout
    r = run("systems", "--help")
    assert r.returncode == 0 and "--names" in r.stdout


# --- dsrlab bench / dsrlab report: bad input is a message and exit code 2, before any work

def test_bench_unknown_system(tmp_path):
    store = tmp_path / "s.sqlite"
    r = run("bench", "--systems", "lorenz63,lorenz64", "--methods", "mean", "--store", str(store))
    assert r.returncode == 2, r.stderr
    assert "unknown system 'lorenz64'" in r.stderr and "lorenz63" in r.stderr and "Traceback" not in r.stderr
    assert not store.exists()


def test_bench_unknown_method(tmp_path):
    store = tmp_path / "s.sqlite"
    r = run("bench", "--systems", "henon", "--methods", "mean,sindyy", "--store", str(store))
    assert r.returncode == 2, r.stderr
    assert "unknown method 'sindyy'" in r.stderr and "sindy" in r.stderr and "Traceback" not in r.stderr
    assert not store.exists()


def test_bench_unwritable_store(tmp_path):
    for bad in (tmp_path / "no" / "such" / "dir" / "s.sqlite", tmp_path):  # a missing folder; a folder, not a file
        r = run("bench", "--systems", "henon", "--methods", "mean", "--store", str(bad))
        assert r.returncode == 2, r.stderr
        assert "cannot write" in r.stderr and "--store" in r.stderr and "Traceback" not in r.stderr


def test_bench_corrupt_store_is_refused_and_left_alone(tmp_path):
    store = tmp_path / "s.sqlite"
    junk = b"not a database, but someone's notes\n" * 200
    store.write_bytes(junk)
    r = run("bench", "--systems", "henon", "--methods", "mean", "--store", str(store))
    assert r.returncode == 2, r.stderr
    assert "is not a dsrlab result store" in r.stderr and "Traceback" not in r.stderr
    assert store.read_bytes() == junk
    r = run("report", "--store", str(store), "--html", str(tmp_path / "r.html"))
    assert r.returncode == 2 and "is not a dsrlab result store" in r.stderr


def test_report_missing_store(tmp_path):
    r = run("report", "--store", str(tmp_path / "none.sqlite"), "--html", str(tmp_path / "r.html"))
    assert r.returncode == 2 and "does not exist" in r.stderr and "dsrlab bench" in r.stderr


def test_bench_help_lists_options():
    r = run("bench", "--help")
    assert r.returncode == 0
    for opt in ("--systems", "--methods", "--seeds", "--quick", "--store", "--devices"):
        assert opt in r.stdout
    r = run("--help")
    assert r.returncode == 0 and "bench" in r.stdout and "report" in r.stdout


# --- dsrlab bench on the user's own file (issue 15): the same protocol, store and report as for the zoo

def _lorenz_csv(path, n=1500, dt=0.02):
    from dsrlab.systems import get_system
    x = np.asarray(get_system("lorenz63").trajectory(n, dt=dt, transient=500))
    with open(path, "w") as f:
        f.write("x,y,z\n")
        f.writelines(f"{a},{b},{c}\n" for a, b, c in x)
    return x


def test_bench_on_a_user_csv_file_then_report(tmp_path):
    data, store, page = tmp_path / "my_lorenz.csv", tmp_path / "u.sqlite", tmp_path / "u.html"
    _lorenz_csv(data)
    r = run("bench", "--data", str(data), "--dt", "0.02", "--methods", "last_value,mean,sindy", "--quick",
            "--lyapunov-time", str(1 / 0.9056), "--store", str(store), "--csv", str(tmp_path / "u.csv"))
    assert r.returncode == 0, r.stderr[-3000:]
    assert "3 new runs (0 failed)" in r.stdout and "sindy" in r.stdout
    with sqlite3.connect(store) as c:
        rows = c.execute("SELECT system, method, status, valid_prediction_time, protocol FROM results").fetchall()
    assert sorted((s, m, st) for s, m, st, _, _ in rows) == [("my_lorenz", m, "ok") for m in ("last_value", "mean", "sindy")]
    vpt = {m: v for _, m, _, v, _ in rows}
    assert vpt["sindy"] > vpt["last_value"]            # the identified equations beat persistence
    proto = json.loads(rows[0][4])
    assert proto["lyapunov_reference_source"] == "given" and proto["dt"] == 0.02 and proto["n_bins"] < 30
    r = run("report", "--store", str(store), "--html", str(page))
    assert r.returncode == 0, r.stderr[-3000:]
    assert "my_lorenz" in page.read_text() and "Reference Lyapunov exponent given" in page.read_text()
    again = run("bench", "--data", str(data), "--dt", "0.02", "--methods", "last_value,mean,sindy", "--quick",
                "--lyapunov_time", str(1 / 0.9056), "--store", str(store))   # the other spelling; nothing left to do
    assert again.returncode == 0 and "0 new runs" in again.stdout


def test_bench_user_data_errors(tmp_path):
    data = tmp_path / "d.csv"
    _lorenz_csv(data, n=300)
    r = run("bench", "--data", str(data), "--methods", "mean", "--store", str(tmp_path / "s.sqlite"))
    assert r.returncode == 2 and "--dt" in r.stderr and "Traceback" not in r.stderr
    r = run("bench", "--data", str(data), "--systems", "henon", "--store", str(tmp_path / "s.sqlite"))
    assert r.returncode == 2 and "not both" in r.stderr
    r = run("bench", "--data", str(tmp_path / "missing.csv"), "--dt", "0.1", "--store", str(tmp_path / "s.sqlite"))
    assert r.returncode == 2 and "does not exist" in r.stderr
    r = run("bench", "--data", str(data), "--dt", "-1", "--store", str(tmp_path / "s.sqlite"))
    assert r.returncode == 2 and "dt must be > 0" in r.stderr


# --- issue 21: names, options, outputs and stores: refused before any work, never a traceback, nothing lost

QUICK_HENON = ["--systems", "henon", "--methods", "mean", "--quick"]


def _store_rows(path):
    with sqlite3.connect(path) as c:
        return c.execute("SELECT system, method, seed FROM results ORDER BY system, method, seed").fetchall()


def _one_line_error(r, *words):
    "A refusal: non-zero exit, one line on stderr that says `words`, no traceback."
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert len(lines) == 1, r.stderr[-2000:]
    for w in words:
        assert w in lines[0], (w, lines[0])


def test_bench_names_in_any_spelling_are_the_zoos_and_the_registrys(tmp_path):
    store = tmp_path / "s.sqlite"
    r = run("bench", "--systems", "Henon", "--methods", "Mean,Last-Value", "--quick", "--store", str(store))
    assert r.returncode == 0, r.stderr[-3000:]
    assert _store_rows(store) == [("henon", "last_value", 0), ("henon", "mean", 0)]


def test_bench_explicit_seeds_win_over_quick(tmp_path):
    store = tmp_path / "s.sqlite"
    r = run("bench", *QUICK_HENON, "--seeds", "3", "--store", str(store))
    assert r.returncode == 0, r.stderr[-3000:]
    assert _store_rows(store) == [("henon", "mean", s) for s in range(3)]
    assert "3 new runs" in r.stdout


def _a_store(tmp_path, name="s.sqlite"):
    "A store holding one finished run."
    store = tmp_path / name
    r = run("bench", *QUICK_HENON, "--store", str(store))
    assert r.returncode == 0, r.stderr[-3000:]
    return store


def test_an_output_that_is_the_store_is_refused(tmp_path):
    import os
    store = _a_store(tmp_path)
    before = store.read_bytes()
    (tmp_path / "sym.sqlite").symlink_to(store)
    os.link(store, tmp_path / "hard.sqlite")
    for same in (store, tmp_path / "sym.sqlite", tmp_path / "hard.sqlite", tmp_path / "." / "s.sqlite"):
        r = run("report", "--store", str(store), "--html", str(same))
        _one_line_error(r, "html", "store")
        r = run("report", "--store", str(store), "--html", str(tmp_path / "r.html"), "--csv", str(same))
        _one_line_error(r, "csv", "store")
        r = run("bench", *QUICK_HENON, "--store", str(store), "--csv", str(same))
        _one_line_error(r, "csv", "store")
        assert store.read_bytes() == before
    assert not (tmp_path / "r.html").exists()          # refused before any work


def test_bench_csv_that_is_the_data_is_refused(tmp_path):
    data = tmp_path / "d.csv"
    _lorenz_csv(data, n=600)
    before = data.read_bytes()
    r = run("bench", "--data", str(data), "--dt", "0.02", "--methods", "mean", "--quick", "--store",
            str(tmp_path / "s.sqlite"), "--csv", str(data))
    _one_line_error(r, "csv", "data")
    assert data.read_bytes() == before and not (tmp_path / "s.sqlite").exists()


def test_bench_memory_store_is_refused(tmp_path):
    r = run("bench", *QUICK_HENON, "--store", ":memory:", cwd=tmp_path)
    _one_line_error(r, ":memory:", "--store")
    assert list(tmp_path.iterdir()) == []


def test_outputs_into_a_missing_folder_are_refused_before_the_run(tmp_path):
    store = tmp_path / "s.sqlite"
    r = run("bench", *QUICK_HENON, "--store", str(store), "--csv", str(tmp_path / "no" / "rows.csv"))
    _one_line_error(r, "csv", "create it first")
    assert not store.exists()                          # no run was started
    store = _a_store(tmp_path)
    for args in (["--html", str(tmp_path / "no" / "r.html")],
                 ["--html", str(tmp_path / "r.html"), "--csv", str(tmp_path / "no" / "rows.csv")]):
        r = run("report", "--store", str(store), *args)
        _one_line_error(r, "create it first")
        assert not (tmp_path / "r.html").exists()


def test_report_lists_a_row_of_an_unknown_system(tmp_path):
    store = _a_store(tmp_path)
    with sqlite3.connect(store) as c:                  # a row from a dsrlab whose zoo had another system
        c.execute("INSERT INTO results (system, method, seed, config, status, state_space_divergence, protocol) "
                  "VALUES ('lorenz99', 'mean', 0, 'x', 'ok', 1.0, 'not json')")
    page = tmp_path / "r.html"
    r = run("report", "--store", str(store), "--html", str(page))
    assert r.returncode == 0, r.stderr[-3000:]
    text = page.read_text()
    assert "Unknown systems" in text and "lorenz99" in text and "henon" in text


def _corrupt_pages(store):
    "Keeps the 100-byte SQLite header and the first page, overwrites every later page with junk."
    raw = bytearray(store.read_bytes())
    page = int.from_bytes(raw[16:18], "big")
    assert len(raw) > 2 * page, "the store must have more than one page"
    raw[page:] = (b"\xde\xad\xbe\xef" * (len(raw) // 4 + 1))[: len(raw) - page]
    store.write_bytes(bytes(raw))


def test_a_store_with_corrupt_pages_is_one_line_and_left_alone(tmp_path):
    store = _a_store(tmp_path)
    _corrupt_pages(store)
    before = store.read_bytes()
    r = run("report", "--store", str(store), "--html", str(tmp_path / "r.html"))
    _one_line_error(r, str(store), "damaged")
    r = run("bench", *QUICK_HENON, "--store", str(store))
    _one_line_error(r, str(store), "damaged")
    assert store.read_bytes() == before and not (tmp_path / "r.html").exists()


def test_report_never_writes_to_the_store(tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    r = run("report", "--store", str(empty), "--html", str(tmp_path / "r.html"))
    _one_line_error(r, "no dsrlab results")
    assert empty.read_bytes() == b""                   # no schema written into it
    store = _a_store(tmp_path)
    before = store.read_bytes()
    r = run("report", "--store", str(store), "--html", str(tmp_path / "r.html"), "--csv", str(tmp_path / "r.csv"))
    assert r.returncode == 0, r.stderr[-3000:]
    assert store.read_bytes() == before


def test_a_store_of_a_newer_schema_is_refused_and_left_alone(tmp_path):
    store = _a_store(tmp_path)
    with sqlite3.connect(store) as c:
        c.execute("PRAGMA user_version = 99")
    before = store.read_bytes()
    for args in (["report", "--store", str(store), "--html", str(tmp_path / "r.html")],
                 ["bench", *QUICK_HENON, "--seeds", "2", "--store", str(store)]):
        r = run(*args)
        _one_line_error(r, str(store), "newer dsrlab", "schema 99")
    assert store.read_bytes() == before
