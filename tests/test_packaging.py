"""Packaging, as a packager sees it (issue 15): `python -m build` gives an sdist and a wheel; the wheel holds
only the `dsrlab` package and the LICENSE; its run-time requirements are what the library imports (no nbdev,
execnb or JupyterLab, no cap on fastcore); and it installs into a fresh venv, without nbdev, with a working
`import dsrlab`, a working `dsrlab` command and a clean `pip check`. The sdist builds and installs as well.

The venv test downloads the dependencies (jax, ...) from the package index: a minute or two on a cold pip
cache, seconds on a warm one."""
import ast
import os
import re
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from configparser import ConfigParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CFG = ConfigParser(delimiters=["="])
CFG.read(ROOT / "settings.ini", encoding="utf-8")
VERSION = CFG["DEFAULT"]["version"]
DEV_ONLY = {"nbdev", "execnb", "jupyterlab", "build", "pytest"}
# import name -> distribution name, where they differ
DIST_OF = {"ott": "ott-jax", "IPython": "ipython", "sklearn": "scikit-learn"}
# what the copy of the tree for the build leaves out: environments, caches, outputs
SKIP = shutil.ignore_patterns(".git", ".venv*", "__pycache__", "*.egg-info", "build", "dist", "_docs", "_proc",
                              "_site", ".pytest_cache", ".ipynb_checkpoints", "bench_runs", "scratch", "out",
                              "*.sqlite", "*.db")


def _clean_env():
    "The environment for commands in the test venv: nothing of this interpreter's venv or of the source tree."
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(cmd, cwd, timeout=600, check=True):
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=_clean_env(), capture_output=True, text=True,
                       timeout=timeout)
    if check:
        assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


def _name(req):
    "The distribution name of a requirement string, normalised (PEP 503)."
    return re.sub(r"[-_.]+", "-", re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req).group(1)).lower()


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    "Build the sdist and the wheel (the wheel from the sdist, as `python -m build` does) from a copy of the tree."
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    out = tmp / "dist"
    _run([sys.executable, "-m", "build", "--outdir", out, src], cwd=tmp)
    sdists, wheels = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
    assert [p.name for p in sdists] == [f"dsrlab-{VERSION}.tar.gz"]
    assert [p.name for p in wheels] == [f"dsrlab-{VERSION}-py3-none-any.whl"]
    return {"sdist": sdists[0], "wheel": wheels[0], "tmp": tmp}


def _runtime_requirements(wheel):
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(f"dsrlab-{VERSION}.dist-info/METADATA").decode()
    reqs = [l.split(":", 1)[1].strip() for l in meta.splitlines() if l.startswith("Requires-Dist:")]
    return [r for r in reqs if "extra ==" not in r], meta


def test_sdist_has_what_setup_py_needs(dist):
    with tarfile.open(dist["sdist"]) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
        license_text = t.extractfile(f"dsrlab-{VERSION}/LICENSE").read().decode()
    assert {"settings.ini", "setup.py", "LICENSE", "README.md", "MANIFEST.in", "dsrlab/__init__.py"} <= names
    assert {f"dsrlab/{p.name}" for p in (ROOT / "dsrlab").glob("*.py")} <= names
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text


def test_wheel_holds_only_the_package_and_the_license(dist):
    with zipfile.ZipFile(dist["wheel"]) as z:
        names = z.namelist()
    info = f"dsrlab-{VERSION}.dist-info/"
    strays = [n for n in names if not (n.startswith("dsrlab/") or n.startswith(info))]
    assert not strays, f"files outside the dsrlab package in the wheel: {strays}"
    assert {f"dsrlab/{p.name}" for p in (ROOT / "dsrlab").glob("*.py")} <= set(names)
    assert "dsrlab/data/invariants.json" in names, "the zoo's invariants file is not in the wheel"
    assert {"dsrlab/data/zeroshot.eqx", "dsrlab/data/zeroshot_training.json"} <= set(names), "the DynaMix weights are not in the wheel"
    assert any(n.startswith(info) and n.rsplit("/", 1)[-1] == "LICENSE" for n in names)


def test_runtime_requirements_are_what_the_library_imports(dist):
    reqs, meta = _runtime_requirements(dist["wheel"])
    names = {_name(r) for r in reqs}
    assert not names & DEV_ONLY, f"development tools among the run-time requirements: {names & DEV_ONLY}"
    fastcore = [r for r in reqs if _name(r) == "fastcore"]
    assert fastcore and "<" not in fastcore[0], f"fastcore is capped for users: {fastcore}"
    assert "License-File: LICENSE" in meta
    # every third-party module that dsrlab/*.py imports, anywhere in a module, is a run-time requirement
    imported = set()
    for f in (ROOT / "dsrlab").glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "dsrlab"}
    missing = {m for m in third_party if _name(DIST_OF.get(m, m)) not in names}
    assert not missing, f"imported by dsrlab but not a run-time requirement: {sorted(missing)}"
    assert not {"nbdev", "execnb"} & imported, "the library imports a development tool"


def test_wheel_and_sdist_install_into_a_fresh_venv(dist):
    tmp = dist["tmp"]
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False, clear=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py, dsrlab = bindir / "python", bindir / "dsrlab"
    work = tmp / "work"  # not the source tree: `python -c` puts the working directory on sys.path
    work.mkdir()

    def check_install(what):
        r = _run([py, "-c", "import dsrlab, dsrlab.bench; print(dsrlab.__version__); print(dsrlab.__file__)"], work)
        version, where = r.stdout.split()
        assert version == VERSION and Path(where).is_relative_to(env_dir), (what, r.stdout)
        r = _run([dsrlab, "--help"], work)
        assert "usage: dsrlab COMMAND" in r.stdout and "systems" in r.stdout, (what, r.stdout)
        r = _run([dsrlab, "systems", "--names", "lorenz63", "--html", ""], work)
        assert "lorenz63" in r.stdout and "0.90" in r.stdout, (what, r.stdout)
        r = _run([py, "-m", "pip", "check"], work)
        assert "No broken requirements" in r.stdout, (what, r.stdout)
        for tool in ("nbdev", "execnb"):
            r = _run([py, "-c", f"import {tool}"], work, check=False)
            assert r.returncode != 0 and "ModuleNotFoundError" in r.stderr, f"{tool} got installed with the {what}"

    _run([py, "-m", "pip", "install", "-q", dist["wheel"]], work, timeout=900)
    check_install("wheel")
    # the sdist builds and installs too (the dependencies are already there: no second download)
    _run([py, "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", dist["sdist"]], work)
    check_install("sdist")
