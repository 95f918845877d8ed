"""The `dsrlab` console command, run as a user runs it: a subprocess of the installed entry point."""
import shutil
import subprocess
import sys
from pathlib import Path

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
