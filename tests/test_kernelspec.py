"""Every notebook opens in JupyterLab on a Python 3 kernel, without a "Select Kernel" dialog, and nbdev_clean keeps it."""
import json
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "tools"))
import kernelspec  # noqa: E402  tools/kernelspec.py


def test_every_notebook_has_a_python3_kernelspec():
    paths = [p for p in sorted((root / "nbs").rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
    missing = [p.relative_to(root).as_posix() for p in paths
               if not kernelspec.has_kernelspec(json.loads(p.read_text(encoding="utf-8")))]
    assert not missing, f"run: python tools/kernelspec.py {' '.join(missing)}"


def test_nbdev_clean_keeps_the_kernelspec(tmp_path):
    from nbdev.clean import clean_nb
    nb = {"cells": [], "metadata": {"kernelspec": dict(kernelspec.KERNELSPEC), "language_info": {"name": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    clean_nb(nb, allowed_metadata_keys=["kernelspec"])
    assert nb["metadata"] == {"kernelspec": kernelspec.KERNELSPEC}
