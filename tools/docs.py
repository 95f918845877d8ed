"""Build the documentation site from the executed notebooks.

Where Quarto is installed this runs `nbdev_docs` (the site goes to `_docs/`). Where it is not,
it renders every notebook's stored outputs to a static HTML page with a navigation index (the
site goes to `_site/`): Plotly figures stored as `application/vnd.plotly.v1+json` are drawn by a
local copy of plotly.js, formulas as MathML (converted at build time), so the pages work without a network.

    python tools/docs.py            # build
    python tools/docs.py --static   # the static build even where Quarto is installed
"""
import copy
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
nbs = root / "nbs"
PLOTLY = "application/vnd.plotly.v1+json"
WIDGET = "application/vnd.jupyter.widget-view+json"


def notebooks() -> list[Path]:
    "The site's notebooks in reading order: index, numbered chapters, tutorials."
    chapters = sorted(p for p in nbs.glob("[0-9][0-9]*_*.ipynb"))
    tutorials = sorted((nbs / "tutorials").glob("*.ipynb"))
    return [nbs / "index.ipynb", *chapters, *tutorials]


def page_name(nb_path: Path) -> str:
    "The HTML file a notebook becomes: `index.html`, `00_core.html`, `tutorials/lorenz.html`."
    return nb_path.relative_to(nbs).with_suffix(".html").as_posix()


def title_of(nb: dict) -> tuple[str, str]:
    "The notebook's `# Title` and `> summary` lines (nbdev's front matter)."
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"])
            title = re.search(r"^#\s+(.+)$", src, re.M)
            summary = re.search(r"^>\s+(.+)$", src, re.M)
            if title:
                return title.group(1).strip(), summary.group(1).strip() if summary else ""
    return "untitled", ""


def _directives(src: str) -> dict:
    return dict(re.findall(r"^#\|\s*([\w-]+):?\s*(.*)$", src, re.M))


def _plotly_html(fig: dict, n: int) -> str:
    payload = json.dumps({"data": fig.get("data", []), "layout": fig.get("layout", {})}).replace("</", "<\\/")
    return (f'<div class="plotly-figure" id="figure-{n}"></div>\n'
            f'<script>(function(){{var f={payload};'
            f'Plotly.newPlot("figure-{n}", f.data, f.layout, {{responsive: true}});}})();</script>')


MATH = re.compile(r"(```.*?```|`[^`\n]*`)|\$\$(.+?)\$\$|(?<![\\$])\$([^$\n]+?)\$", re.S)


def tex_to_mathml(md: str) -> str:
    "Markdown with its `$...$` and `$$...$$` formulas turned into MathML, which Chromium draws natively."
    from latex2mathml.converter import convert

    def one(m):
        if m.group(1):  # code is left alone
            return m.group(1)
        tex, display = (m.group(2), "block") if m.group(2) is not None else (m.group(3), "inline")
        try:
            return convert(tex.strip(), display=display)
        except Exception:  # a construct latex2mathml lacks: show the TeX rather than fail the build
            return f"<code>{html.escape(tex)}</code>"
    return MATH.sub(one, md)


def prepare(nb: dict, plotly_js: str) -> dict:
    "A copy of `nb` as a reader sees it: hidden cells dropped, directives removed, figures as HTML loading `plotly_js`."
    nb, out_cells, n_fig = copy.deepcopy(nb), [], 0  # an nbformat node: sources are strings
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            cell["source"] = tex_to_mathml(src)
        if cell["cell_type"] == "code":
            d = _directives(src)
            if "hide" in d or "default_exp" in d or d.get("include") == "false":
                continue
            cell["source"] = re.sub(r"^#\|.*\n?", "", src, flags=re.M).strip("\n")
            if d.get("echo") == "false" or "exec_doc" in d:
                cell["metadata"]["transient"] = {"remove_source": True}
            outputs = []
            for o in cell.get("outputs", []):
                data = o.get("data", {})
                if PLOTLY in data:
                    n_fig += 1
                    load = f'<script src="{plotly_js}"></script>\n' if n_fig == 1 else ""
                    o["data"] = {"text/html": load + _plotly_html(data[PLOTLY], n_fig)}
                elif "text/latex" in data:
                    o["data"] = {"text/html": tex_to_mathml(data["text/latex"])}
                elif WIDGET in data:
                    o["data"] = {"text/html": '<p class="widget-note">An interactive widget is here when the '
                                              'notebook runs in JupyterLab.</p>'}
                outputs.append(o)
            cell["outputs"] = outputs
        out_cells.append(cell)
    nb["cells"] = out_cells
    return nb


def body_html(nb: dict) -> str:
    "The notebook rendered by nbconvert's `basic` template: the cells, no page shell."
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    import nbformat
    exporter = HTMLExporter(template_name="basic", exclude_input_prompt=True, exclude_output_prompt=True)
    node = nbformat.from_dict(nb)
    for cell in node.cells:  # inputs marked `echo: false` are shown as outputs only
        if cell.get("metadata", {}).get("transient", {}).get("remove_source"):
            cell.metadata.setdefault("tags", []).append("remove-input")
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={"remove-input"}), enabled=True)
    body = exporter.from_notebook_node(node)[0]
    return re.sub(r'href="(?!https?:)([^"#]+)\.ipynb', r'href="\1.html', body)  # links between notebooks


CSS = """
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; }
nav { position: fixed; top: 0; bottom: 0; left: 0; width: 15rem; overflow-y: auto; padding: 1rem;
      background: #f6f7f9; border-right: 1px solid #ddd; font-size: 0.9rem; }
nav a { display: block; padding: 0.2rem 0.4rem; color: #2a5db0; text-decoration: none; border-radius: 4px; }
nav a.current { background: #2a5db0; color: white; }
nav h2 { font-size: 1.1rem; margin: 0 0 0.8rem 0; }
nav h3 { font-size: 0.8rem; text-transform: uppercase; color: #777; margin: 1rem 0 0.3rem 0; }
main { margin-left: 17rem; padding: 1rem 2rem; max-width: 60rem; }
pre { background: #f8f8f8; padding: 0.6rem; overflow-x: auto; border-radius: 4px; }
.jp-OutputArea-output pre { background: none; border-left: 2px solid lightsalmon; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 0.2rem 0.5rem; }
.plotly-figure { width: 100%; min-height: 450px; }
.anchor-link { visibility: hidden; } h1:hover .anchor-link, h2:hover .anchor-link, h3:hover .anchor-link { visibility: visible; }
.widget-note { color: #777; font-style: italic; }
"""




def nav_html(pages: list[tuple[str, str]], current: str, prefix: str) -> str:
    "The navigation index: every page's title, the current one highlighted."
    items, section = ['<h2>dsrlab</h2>'], None
    for name, title in pages:
        sec = "Tutorials" if name.startswith("tutorials/") else "Chapters" if name != "index.html" else None
        if sec != section and sec:
            items.append(f"<h3>{sec}</h3>")
        section = sec
        cls = ' class="current"' if name == current else ""
        items.append(f'<a href="{prefix}{name}"{cls}>{html.escape(title)}</a>')
    return "<nav>\n" + "\n".join(items) + "\n</nav>"


def page_html(title: str, body: str, nav: str) -> str:
    "One complete page: head with local scripts, navigation and the rendered notebook."
    from pygments.formatters import HtmlFormatter
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} - dsrlab</title>
<style>{CSS}{HtmlFormatter().get_style_defs('.highlight')}</style>
</head><body>
{nav}
<main>
{body}
</main>
</body></html>
"""


def _assets(out: Path):
    import plotly
    shutil.copy(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", out / "plotly.min.js")


def build_static(out: Path = root / "_site") -> list[Path]:
    "Render every notebook to `out` as HTML pages with a navigation index; returns the pages written."
    out.mkdir(parents=True, exist_ok=True)
    _assets(out)
    import nbformat
    loaded = [(p, nbformat.read(p, as_version=4)) for p in notebooks()]
    pages = [(page_name(p), title_of(nb)[0]) for p, nb in loaded]
    written = []
    for (p, nb), (name, title) in zip(loaded, pages):
        prefix = "../" * name.count("/")
        shown = prepare(nb, prefix + "plotly.min.js")
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_html(title, body_html(shown), nav_html(pages, name, prefix)), encoding="utf-8")
        written.append(target)
    return written


def build_quarto() -> Path:
    "What `nbdev_docs` does, with Plotly's JSON outputs (which Quarto cannot show) turned into HTML first."
    import nbformat
    import plotly
    from nbdev.quarto import _pre_docs  # nbdev_docs' own first step: notebooks processed into its cache
    cache, cfg, _ = _pre_docs()
    cdn = f"https://cdn.plot.ly/plotly-{plotly.offline.get_plotlyjs_version()}.min.js"
    for p in cache.rglob("*.ipynb"):
        nbformat.write(prepare(nbformat.read(p, as_version=4), cdn), p)
    subprocess.run(["quarto", "render", "--no-cache"], cwd=cache, check=True)
    shutil.rmtree(cfg.doc_path, ignore_errors=True)
    shutil.move(cache / cfg.doc_path.name, cfg.config_path)
    return cfg.doc_path


def build(static: bool = False) -> Path:
    "Build the site with Quarto where it is installed, else the static pages; returns its folder."
    if shutil.which("quarto") and not static:
        return build_quarto()
    build_static()
    return root / "_site"


if __name__ == "__main__":
    print(f"site written to {build(static='--static' in sys.argv)}")
