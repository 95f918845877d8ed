"""Execute a notebook's cells and store their outputs, skipping `#| slow` and `#| notest` cells (which keep theirs).

    python tools/run_nb.py nbs/10_bench.ipynb [more notebooks]

The same cells `nbdev_test` runs; the notebook is written back with fresh outputs, then cleaned with nbdev_clean.
Developers' tool: the site shows stored outputs, so a chapter whose cells changed should be run with it.
"""
import os
import sys
from pathlib import Path

from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory

SKIP = ("slow", "notest")


def _skip(cell) -> bool:
    if cell.cell_type != "code":
        return True
    first = [l.strip() for l in cell.source.splitlines() if l.strip().startswith("#|")]
    return any(l.replace("#|", "").strip().split()[0] in SKIP for l in first if l.replace("#|", "").strip())


def run(path: Path) -> None:
    nb = read_nb(path)
    shell = CaptureShell(path)
    with working_directory(path.parent):
        shell.run_all(nb, exc_stop=True, preproc=_skip)
    for cell in nb.cells:   # execnb leaves an empty execute_result where a cell's value has no representation
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "execute_result" or o.get("data")]
    write_nb(nb, path)
    os.system(f"{Path(sys.executable).parent / 'nbdev_clean'} --fname {path}")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        run(Path(p))
        print(f"ran {p}")
