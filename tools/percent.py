"""Cells from a Jupytext percent-format file, inserted into a notebook (a developer tool).

  python tools/percent.py FILE.py NB.ipynb [INDEX]   # insert FILE's cells before INDEX (default: append); creates NB if missing

`# %% [markdown]` starts a Markdown cell (its lines lose their leading `# `), `# %%` a code cell.
"""
import json, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from nbedit import load, new_cell, save  # noqa: E402


def cells(text):
    out, kind, buf = [], None, []
    def flush():
        if kind is not None and "".join(buf).strip():
            src = "".join(buf).strip("\n")
            if kind == "markdown":
                src = "\n".join(l[2:] if l.startswith("# ") else l.lstrip("#") for l in src.split("\n"))
            out.append(new_cell(kind, src))
    for line in text.splitlines(keepends=True):
        if line.startswith("# %%"):
            flush(); kind, buf = ("markdown" if "[markdown]" in line else "code"), []
        elif kind is not None:
            buf.append(line)
    flush()
    return out


if __name__ == "__main__":
    src, nb_path = sys.argv[1], sys.argv[2]
    new = cells(Path(src).read_text(encoding="utf-8"))
    if Path(nb_path).exists():
        nb = load(nb_path)
    else:
        ref = load(Path(nb_path).parent / "01_systems.ipynb")
        nb = {"cells": [], "metadata": ref["metadata"], "nbformat": ref["nbformat"], "nbformat_minor": ref["nbformat_minor"]}
    i = int(sys.argv[3]) if len(sys.argv) > 3 else len(nb["cells"])
    nb["cells"][i:i] = new
    save(nb_path, nb)
    print(f"{len(new)} cells into {nb_path} at {i}")
