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
