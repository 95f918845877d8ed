"""Small notebook editing helper for developers (not part of the library).

  python tools/nbedit.py list NB                      # index, type and first line of every cell
  python tools/nbedit.py show NB I [J]                # full source of cells I..J
  python tools/nbedit.py set NB I FILE                # replace cell I's source with FILE's text (outputs cleared)
  python tools/nbedit.py insert NB I (code|markdown) FILE   # insert a new cell before index I
  python tools/nbedit.py delete NB I [J]              # delete cells I..J
"""
import json, sys, uuid
from pathlib import Path


def load(p): return json.loads(Path(p).read_text(encoding="utf-8"))


def save(p, nb): Path(p).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def lines(text): return [l for l in text.splitlines(keepends=True)] if text else []


def new_cell(kind, text):
    c = {"cell_type": kind, "id": uuid.uuid4().hex[:8], "metadata": {}, "source": lines(text.rstrip("\n"))}
    if kind == "code":
        c.update(execution_count=None, outputs=[])
    return c


def main(argv):
    cmd, p = argv[0], argv[1]
    nb = load(p)
    cells = nb["cells"]
    if cmd == "list":
        for i, c in enumerate(cells):
            first = "".join(c["source"]).split("\n")[0][:100]
            print(f"{i:3d} {c['cell_type'][:4]} {first}")
    elif cmd == "show":
        i = int(argv[2]); j = int(argv[3]) if len(argv) > 3 else i
        for k in range(i, j + 1):
            print(f"----- cell {k} ({cells[k]['cell_type']})"); print("".join(cells[k]["source"]))
    elif cmd == "set":
        i = int(argv[2]); text = Path(argv[3]).read_text(encoding="utf-8")
        cells[i]["source"] = lines(text.rstrip("\n"))
        if cells[i]["cell_type"] == "code":
            cells[i]["outputs"], cells[i]["execution_count"] = [], None
        save(p, nb)
    elif cmd == "insert":
        i = int(argv[2]); cells.insert(i, new_cell(argv[3], Path(argv[4]).read_text(encoding="utf-8"))); save(p, nb)
    elif cmd == "delete":
        i = int(argv[2]); j = int(argv[3]) if len(argv) > 3 else i
        del cells[i:j + 1]; save(p, nb)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
