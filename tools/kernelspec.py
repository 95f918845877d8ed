"""Give notebooks a Python 3 kernelspec, so JupyterLab opens them without a "Select Kernel" dialog.

    python tools/kernelspec.py nbs/00_core.ipynb [more notebooks]   # or no argument: every notebook under nbs/
    python tools/kernelspec.py --check [notebooks]                  # exit 1 naming those without one

The kernelspec is the one `nbdev_clean` keeps as it is (its `display_name` equals its `name`).
Developers' tool; the notebook is written in nbdev_clean's format (one-space indent, UTF-8, final newline).
"""
import json
import sys
from pathlib import Path

KERNELSPEC = {"display_name": "python3", "language": "python", "name": "python3"}
root = Path(__file__).resolve().parents[1]


def has_kernelspec(nb: dict) -> bool:
    return nb.get("metadata", {}).get("kernelspec", {}).get("name") == "python3"


def add_kernelspec(path: Path) -> bool:
    "Set `path`'s kernelspec to Python 3; True if the file changed."
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    nb.setdefault("metadata", {})["kernelspec"] = dict(KERNELSPEC)
    new = json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"  # as nbdev_clean writes it
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"] or sorted((root / "nbs").rglob("*.ipynb"))
    paths = [p for p in paths if ".ipynb_checkpoints" not in p.parts]
    if check:
        missing = [str(p) for p in paths if not has_kernelspec(json.loads(p.read_text(encoding="utf-8")))]
        print("\n".join(f"no Python 3 kernelspec: {m}" for m in missing))
        return 1 if missing else 0
    for p in paths:
        if add_kernelspec(p):
            print(f"kernelspec added: {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
