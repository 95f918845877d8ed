"""Build the documentation site from the executed notebooks.

Where Quarto is installed this runs `nbdev_docs` (the site goes to `_docs/`). Where it is not,
it renders every notebook's stored outputs to a static HTML page with a navigation index (the
site goes to `_site/`): Plotly figures stored as `application/vnd.plotly.v1+json` are drawn by a
local copy of plotly.js, formulas as MathML (converted at build time, in Markdown cells and in Markdown outputs
and their tables), so the pages work without a network. Each page has an "on this page" contents; each module
an API reference page (`api/<module>.html`, from the chapters' `show_doc` outputs, whose inputs are hidden);
backticked names link to their entries (nbdev's doclinks); Pagefind (`pip install 'pagefind[extended]'`) indexes
the site for the sidebar's search box; below 800 px the sidebar folds behind a Menu button. A notebook that
cannot be rendered stops the build with a `RenderError` naming the notebook and the cell.

    python tools/docs.py            # build
    python tools/docs.py --static   # the static build even where Quarto is installed
"""
import copy
import functools
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
    rel = nb_path.relative_to(nbs) if nb_path.is_relative_to(nbs) else Path(nb_path.name)
    return rel.with_suffix(".html").as_posix()


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


class RenderError(ValueError):
    "A notebook that cannot be rendered; the message names the notebook and the cell."


OUTPUT_TYPES = {"stream": "text", "display_data": "data", "execute_result": "data", "error": "ename"}
LINK_ATTRS = re.compile(r"\[([^\]\n]*)\]\(([^)\s]+)\)\{[^}\n]*\}")  # pandoc's [text](url){target=... style=...}
SHOW_DOC = re.compile(r"^\s*(show_doc\(.*\)\s*)+$", re.S)


def _link_attrs(md: str) -> str:
    "Pandoc link attributes (which nbdev's `show_doc` writes) as HTML links: no literal `{target=...}` text."
    return LINK_ATTRS.sub(lambda m: f'<a class="source-link" href="{html.escape(m.group(2))}" target="_blank" '
                                    f'rel="noopener">{html.escape(m.group(1))}</a>', md)


def markdown_output(md: str) -> str:
    "A `text/markdown` output as the page shows it: formulas (also in tables) as MathML, links without pandoc attributes."
    md = tex_to_mathml(_link_attrs(md))
    name = re.search(r"^#{2,4}\s+(\S+)\s*$", md, re.M)  # show_doc's heading: the anchor API links point at
    return (f'<a class="api-anchor" id="{html.escape(name.group(1).lower())}"></a>\n' if name else "") + md


SCRIPT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<pre\b.*?</pre>|<code\b.*?</code>)", re.S | re.I)


def html_output(h: str) -> str:
    "A `text/html` output with the `$...$` formulas of its text (not of its scripts, styles or code) as MathML."
    def text(part):  # tags (and their attributes) are left alone, their text converted
        return "".join(t if t.startswith("<") else tex_to_mathml(t) for t in re.split(r"(<[^>]*>)", part))
    return "".join(part if SCRIPT.fullmatch(part) else text(part) for part in SCRIPT.split(h))


def _check_output(o, where: str):
    kind = o.get("output_type") if isinstance(o, dict) else None
    if kind not in OUTPUT_TYPES:
        raise RenderError(f"{where}: unknown output type {kind!r}")
    if OUTPUT_TYPES[kind] not in o:
        raise RenderError(f"{where}: a {kind} output without {OUTPUT_TYPES[kind]!r}")
    if kind != "stream" and kind != "error" and not isinstance(o["data"], dict):
        raise RenderError(f"{where}: a {kind} output whose data is not a mapping")


def prepare(nb: dict, plotly_js: str, name: str = "notebook", link=None) -> dict:
    """A copy of `nb` as a reader sees it: hidden cells dropped, directives removed, figures as HTML loading `plotly_js`,
    formulas as MathML in Markdown cells and outputs, `show_doc` inputs hidden. `link`, if given, turns a Markdown
    cell's backticked names into links. A broken cell raises `RenderError` naming `name` and the cell."""
    nb, out_cells, n_fig = copy.deepcopy(nb), [], 0  # an nbformat node: sources are strings
    for i, cell in enumerate(nb["cells"]):
        where = f"{name}: cell {i}"
        try:
            src = "".join(cell["source"])
            cell.setdefault("metadata", {})["dsrlab_cell"] = i
            if cell["cell_type"] == "markdown":
                cell["source"] = tex_to_mathml(link(src) if link else src)
            if cell["cell_type"] == "code":
                d = _directives(src)
                if "hide" in d or "default_exp" in d or d.get("include") == "false":
                    continue
                cell["source"] = re.sub(r"^#\|.*\n?", "", src, flags=re.M).strip("\n")
                if d.get("echo") == "false" or "exec_doc" in d or SHOW_DOC.match(cell["source"]):
                    cell["metadata"]["transient"] = {"remove_source": True}
                outputs = []
                for o in cell.get("outputs", []):
                    _check_output(o, where)
                    data = o.get("data", {})
                    if PLOTLY in data:
                        n_fig += 1
                        load = f'<script src="{plotly_js}"></script>\n' if n_fig == 1 else ""
                        o["data"] = {"text/html": load + _plotly_html(data[PLOTLY], n_fig)}
                    elif "text/latex" in data:
                        o["data"] = {"text/html": tex_to_mathml("".join(data["text/latex"]))}
                    elif WIDGET in data:
                        o["data"] = {"text/html": '<p class="widget-note">An interactive widget is here when the '
                                                  'notebook runs in JupyterLab.</p>'}
                    elif "text/markdown" in data:
                        o["data"] = {"text/markdown": markdown_output("".join(data["text/markdown"]))}
                    elif "text/html" in data:
                        o["data"] = {**data, "text/html": html_output("".join(data["text/html"]))}
                    outputs.append(o)
                cell["outputs"] = outputs
        except RenderError:
            raise
        except Exception as e:
            raise RenderError(f"{where}: {type(e).__name__}: {e}") from e
        out_cells.append(cell)
    nb["cells"] = out_cells
    return nb


def api_entries(nb: dict) -> list[str]:
    "The Markdown of every `show_doc` output in `nb`, in order: a module's API reference."
    entries = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and SHOW_DOC.match(re.sub(r"^#\|.*\n?", "", "".join(cell["source"]), flags=re.M)):
            entries += ["".join(o["data"]["text/markdown"]) for o in cell.get("outputs", [])
                        if isinstance(o.get("data"), dict) and "text/markdown" in o["data"]]
    return entries


def module_of(nb: dict) -> str | None:
    "The module a chapter exports to (its `#| default_exp`), or None."
    for cell in nb["cells"]:
        m = re.search(r"^#\|\s*default_exp\s+(\S+)", "".join(cell["source"]), re.M)
        if cell["cell_type"] == "code" and m:
            return m.group(1)
    return None


def linker(prefix: str, anchors: frozenset):
    """A function turning backticked names of dsrlab's API into links to their entries on the site's API pages, found
    by nbdev's doclinks; `anchors` holds the `module.html#name` entries that exist (names without one stay plain)."""
    from nbdev.doclinks import NbdevLookup
    from dsrlab._modidx import d
    lookup, cfg = _lookup(), d["settings"]
    host = re.escape(cfg["doc_host"].rstrip("/") + cfg["doc_baseurl"].rstrip("/") + "/")
    def one(m):
        return f"[`{m.group(1)}`]({prefix}api/{m.group(2)})" if m.group(2) in anchors else f"`{m.group(1)}`"
    def link(md: str) -> str:
        return re.sub(r"\[`([^`]+)`\]\(" + host + r"([\w/]+\.html#[^)\s]+)\)", one, lookup.linkify(md))
    return link


@functools.lru_cache
def _lookup():
    from nbdev.doclinks import NbdevLookup
    return NbdevLookup()


def body_html(nb: dict, name: str = "notebook") -> str:
    "The notebook rendered by nbconvert's `basic` template: the cells, no page shell. A cell it cannot render raises `RenderError`."
    try:
        return _body_html(nb)
    except Exception as e:
        for cell in nb["cells"]:  # find the cell: render each alone
            try:
                _body_html({**nb, "cells": [cell]})
            except Exception as e1:
                i = cell.get("metadata", {}).get("dsrlab_cell", nb["cells"].index(cell))
                raise RenderError(f"{name}: cell {i}: {type(e1).__name__}: {e1}") from e1
        raise RenderError(f"{name}: {type(e).__name__}: {e}") from e


def _body_html(nb: dict) -> str:
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


HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)(?:<a class="anchor-link"[^>]*>.*?</a>)?</h\1>', re.S)


def toc_html(body: str) -> str:
    "The page's \"on this page\" table of contents: its level-2 and level-3 headings (not API entries)."
    items = []
    for level, anchor, text in HEADING.findall(body):
        label = re.sub(r"<[^>]+>", "", text).strip()
        if label:
            items.append(f'<li class="toc-h{level}"><a href="#{anchor}">{html.escape(html.unescape(label))}</a></li>')
    if len(items) < 2:
        return ""
    return ('<details class="toc" open><summary>On this page</summary>\n<ul>\n' + "\n".join(items) + "\n</ul>\n</details>")


CSS = """
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; }
nav.site { position: fixed; top: 0; bottom: 0; left: 0; width: 15rem; overflow-y: auto; padding: 1rem;
      background: #f6f7f9; border-right: 1px solid #ddd; font-size: 0.9rem; box-sizing: border-box; }
nav.site a { display: block; padding: 0.2rem 0.4rem; color: #2a5db0; text-decoration: none; border-radius: 4px; }
nav.site a.current { background: #2a5db0; color: white; }
nav.site h2 { font-size: 1.1rem; margin: 0 0 0.8rem 0; }
nav.site h3 { font-size: 0.8rem; text-transform: uppercase; color: #777; margin: 1rem 0 0.3rem 0; }
.menu-toggle { display: none; }
#search { margin-bottom: 0.8rem; --pagefind-ui-scale: 0.7; }
main { margin-left: 15rem; padding: 1rem 2rem; max-width: 60rem; box-sizing: border-box; }
main img, main svg { max-width: 100%; }
pre { background: #f8f8f8; padding: 0.6rem; overflow-x: auto; border-radius: 4px; }
.output_subarea { overflow-x: auto; max-width: 100%; }
.rendered_html table { display: block; overflow-x: auto; max-width: 100%; width: max-content; }
math[display="block"] { display: block; overflow-x: auto; overflow-y: hidden; max-width: 100%; }
.output_subarea pre { background: none; border-left: 2px solid lightsalmon; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 0.2rem 0.5rem; }
.plotly-figure { width: 100%; min-height: 450px; overflow-x: auto; }
.anchor-link { visibility: hidden; } h1:hover .anchor-link, h2:hover .anchor-link, h3:hover .anchor-link { visibility: visible; }
.widget-note { color: #777; font-style: italic; }
.source-link { float: right; font-size: smaller; }
details.toc { font-size: 0.85rem; border: 1px solid #ddd; border-radius: 4px; padding: 0.4rem 0.8rem; margin: 0 0 1rem 0; background: #fbfbfc; }
details.toc summary { font-weight: 600; cursor: pointer; }
details.toc ul { list-style: none; padding-left: 0; margin: 0.4rem 0 0 0; }
details.toc li.toc-h3 { padding-left: 0.9rem; }
details.toc a { color: #2a5db0; text-decoration: none; display: block; padding: 0.1rem 0; overflow-wrap: anywhere; }
@media (min-width: 1300px) {
  main { margin-right: 16rem; }
  details.toc { position: fixed; top: 0; right: 0; bottom: 0; width: 15rem; margin: 0; overflow-y: auto;
                border: none; border-left: 1px solid #ddd; border-radius: 0; padding: 1rem; box-sizing: border-box; }
}
@media (max-width: 800px) {
  nav.site { position: static; width: auto; border-right: none; border-bottom: 1px solid #ddd; padding: 0.5rem 1rem; }
  nav.site h2 { display: inline-block; margin: 0; }
  .menu-toggle { display: inline-block; float: right; font: inherit; padding: 0.2rem 0.6rem; border: 1px solid #bbb;
                 border-radius: 4px; background: white; cursor: pointer; }
  nav.site .nav-links { display: none; margin-top: 0.5rem; }
  nav.site.open .nav-links { display: block; }
  main { margin-left: 0; padding: 0.5rem 0.8rem; }
  .plotly-figure { min-height: 320px; }
}
"""


def nav_html(pages: list[tuple[str, str]], current: str, prefix: str, search: bool = False) -> str:
    "The navigation index: every page's title, the current one highlighted; a search box; collapsed behind a button on a phone."
    items, section = [], None
    for name, title in pages:
        sec = ("Tutorials" if name.startswith("tutorials/") else "API reference" if name.startswith("api/")
               else "Chapters" if name != "index.html" else None)
        if sec != section and sec:
            items.append(f"<h3>{sec}</h3>")
        section = sec
        cls = ' class="current"' if name == current else ""
        items.append(f'<a href="{prefix}{name}"{cls}>{html.escape(title)}</a>')
    find = ('<div id="search"></div>\n<script>window.addEventListener("DOMContentLoaded", () => '
            'new PagefindUI({element: "#search", showSubResults: true, showImages: false}));</script>\n') if search else ""
    return ('<nav class="site">\n<h2><a href="' + prefix + 'index.html" style="display:inline;padding:0">dsrlab</a></h2>\n'
            '<button class="menu-toggle" aria-expanded="false" onclick="var n=this.parentNode;n.classList.toggle(\'open\');'
            'this.setAttribute(\'aria-expanded\', n.classList.contains(\'open\'))">Menu</button>\n'
            '<div class="nav-links">\n' + find + "\n".join(items) + "\n</div>\n</nav>")


def page_html(title: str, body: str, nav: str, toc: str = "", search_prefix: str | None = None) -> str:
    "One complete page: head with local scripts, navigation, the table of contents and the rendered notebook."
    from pygments.formatters import HtmlFormatter
    search = (f'<link href="{search_prefix}pagefind/pagefind-ui.css" rel="stylesheet">\n'
              f'<script src="{search_prefix}pagefind/pagefind-ui.js"></script>\n') if search_prefix is not None else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} - dsrlab</title>
<style>{CSS}{HtmlFormatter().get_style_defs('.highlight')}</style>
{search}</head><body>
{nav}
<main data-pagefind-body>
{toc}
{body}
</main>
<script>if (window.matchMedia("(max-width: 1299px)").matches) document.querySelectorAll("details.toc").forEach(d => d.open = false);</script>
</body></html>
"""


def _assets(out: Path):
    import plotly
    shutil.copy(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", out / "plotly.min.js")


def _pagefind(out: Path) -> bool:
    "Index the site with Pagefind (`pip install pagefind[extended]`); False where it is not installed."
    try:
        import pagefind  # noqa: F401
    except ImportError:
        print("pagefind is not installed: the site has no search (pip install 'pagefind[extended]')", file=sys.stderr)
        return False
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(out), "--silent"], check=True)
    return True


def build_static(out: Path = root / "_site", paths: list[Path] | None = None) -> list[Path]:
    """Render every notebook (or `paths`) to `out` as HTML pages with a navigation index, one API reference page per
    module and a search index; returns the pages written. A notebook that cannot be rendered raises `RenderError`."""
    out.mkdir(parents=True, exist_ok=True)
    _assets(out)
    import nbformat
    try:
        import pagefind  # noqa: F401
        search = True
    except ImportError:
        search = False
    loaded = []
    for p in paths or notebooks():
        try:
            loaded.append((p, nbformat.read(p, as_version=4)))
        except Exception as e:
            raise RenderError(f"{p.name}: cannot be read: {e}") from e
    pages = [(page_name(p), title_of(nb)[0]) for p, nb in loaded]
    modules = {}  # module -> (chapter page, API entries)
    for (p, nb), (name, _) in zip(loaded, pages):
        if (mod := module_of(nb)) and (entries := api_entries(nb)):
            modules[mod] = (name, entries)
    anchors = frozenset(f"{mod}.html#{m.group(1).lower()}" for mod, (_, entries) in modules.items()
                        for e in entries if (m := re.search(r"^#{2,4}\s+(\S+)\s*$", e, re.M)))
    api_pages = [(f"api/{m}.html", f"dsrlab.{m}") for m in sorted(modules)]
    all_pages, written = pages + api_pages, []

    def write(name, title, body):
        prefix = "../" * name.count("/")
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_html(title, body, nav_html(all_pages, name, prefix, search), toc_html(body),
                                    prefix if search else None), encoding="utf-8")
        written.append(target)

    for (p, nb), (name, title) in zip(loaded, pages):
        prefix = "../" * name.count("/")
        where = p.relative_to(nbs).as_posix() if p.is_relative_to(nbs) else p.name
        shown = prepare(nb, prefix + "plotly.min.js", where, linker(prefix, anchors))
        write(name, title, body_html(shown, where))
    for (name, title), mod in zip(api_pages, sorted(modules)):
        chapter, entries = modules[mod]
        md = (f"# {title}\n\nThe API of `dsrlab.{mod}`, as documented in the chapter "
              f"[{dict(pages)[chapter]}](../{chapter}).\n\n" + "\n\n".join(markdown_output(e) for e in entries))
        md = md.replace("\n### ", "\n## ").replace("\n#### ", "\n### ")  # entries in the page's table of contents
        write(name, title, _body_html({"cells": [{"cell_type": "markdown", "id": "api", "metadata": {}, "source": md}],
                                        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    if search:
        _pagefind(out)
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
