"""Write README.md from nbs/index.ipynb without Quarto (what `nbdev_readme` does where Quarto is installed).

Markdown cells are copied; code cells become ```python blocks followed by their text output.
The notebook's title line (`# dsrlab`) and its `> summary` line head the README.
"""
import json
import re
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]


def render(nb_path: Path) -> str:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    out = ["<!-- generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file -->\n"]
    for cell in nb["cells"]:
        src = "".join(cell["source"]).strip()
        if not src or src.startswith("#|"):
            continue
        if cell["cell_type"] == "markdown":  # links are relative to nbs/ in the notebook, to the root here
            out.append(re.sub(r"\]\((?!https?:|#)([^)]+)\)", r"](nbs/\1)", src) + "\n")
        elif cell["cell_type"] == "code":
            out.append("```python\n" + src + "\n```\n")
            text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            if text.strip():
                out.append("    " + text.strip().replace("\n", "\n    ") + "\n")
    return "\n".join(out)


if __name__ == "__main__":
    readme = render(root / "nbs" / "index.ipynb")
    target = root / "README.md"
    if "--check" in sys.argv:
        if target.read_text(encoding="utf-8") != readme:
            sys.exit("README.md is out of date with nbs/index.ipynb: run `python tools/readme.py`.")
    else:
        target.write_text(readme, encoding="utf-8")
