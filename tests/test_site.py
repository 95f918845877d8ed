"""The static site in headless Chromium: every page loads, its Plotly figures draw, the console stays clean.

Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Elsewhere the test is
skipped, unless DSRLAB_REQUIRE_BROWSER=1 (as in CI) makes a missing browser a failure.
"""
import functools
import http.server
import json
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "tools"))
import docs as docs_site  # noqa: E402  tools/docs.py

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):
    if os.environ.get("DSRLAB_REQUIRE_BROWSER") == "1":
        raise RuntimeError("chromium and chromedriver are required (apt-get install chromium chromium-driver)")
    pytest.skip("headless Chromium is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    "The static site built into a temporary folder and served over HTTP on localhost."
    out = tmp_path_factory.mktemp("site")
    pages = docs_site.build_static(out)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    handler = functools.partial(Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, [p.relative_to(out).as_posix() for p in pages], f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def expected_figures(page: Path) -> int:
    return page.read_text(encoding="utf-8").count('class="plotly-figure"')


def test_every_notebook_has_a_page(site):
    out, pages, _ = site
    names = {docs_site.page_name(p) for p in docs_site.notebooks()}
    assert names == {p for p in pages if not p.startswith("api/")} and "index.html" in names
    assert len(names) >= 7


RAW_TEXT = r"""(function(){
  var m = document.querySelector('main').cloneNode(true);   // what a reader sees as prose: code and formulas left out
  m.querySelectorAll('pre, code, script, style, math, .highlight').forEach(e => e.remove());
  var t = m.textContent, found = [];
  (t.match(/\$[^$\n]{1,80}\$/g) || []).forEach(x => found.push('raw LaTeX ' + x));
  (t.match(/\{target=[^}\n]{0,40}/g) || []).forEach(x => found.push('pandoc attributes ' + x));
  document.querySelectorAll('main .input_area, main .jp-InputArea').forEach(e => {
    if (e.offsetParent !== null && /^\s*show_doc\(/.test(e.textContent)) found.push('show_doc input shown: ' + e.textContent.trim().slice(0, 40));
  });
  return found;
})()"""


@pytest.fixture(scope="module")
def visits(site, browser):
    "Every page loaded once: its figures drawn (or not), its title, its console errors, any raw LaTeX or pandoc text."
    from selenium.webdriver.support.ui import WebDriverWait
    out, pages, url = site
    seen = {}
    for name in pages:
        browser.get(url + name)
        WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
        n = expected_figures(out / name)
        drawn = lambda d: d.execute_script(  # noqa: E731  a figure has drawn once Plotly put its SVG in it
            "return document.querySelectorAll('.plotly-figure .main-svg').length > 0 ? "
            "Array.from(document.querySelectorAll('.plotly-figure')).filter(e => e.querySelector('.main-svg')).length : 0")
        try:
            WebDriverWait(browser, 30).until(lambda d: drawn(d) >= n)
        except Exception:
            pass
        seen[name] = dict(
            figures=(drawn(browser), n),
            title=browser.execute_script("return document.querySelector('main h1') && document.querySelector('main h1').textContent"),
            errors=[e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"],
            raw=browser.execute_script("return " + RAW_TEXT))
    return seen


def test_pages_load_draw_figures_and_log_no_errors(visits):
    problems = []
    for name, v in visits.items():
        if v["figures"][0] < v["figures"][1]:
            problems.append(f"{name}: {v['figures'][0]} of {v['figures'][1]} figures drew")
        if not v["title"]:
            problems.append(f"{name}: no title heading")
        problems += [f"{name}: console: {m}" for m in v["errors"]]
    assert not problems, "\n".join(problems)


def test_no_raw_latex_pandoc_attributes_or_show_doc_inputs(visits):
    "Formulas in Markdown outputs and tables are typeset, show_doc's links carry no literal `{target=...}`, its inputs are hidden."
    problems = [f"{name}: {r}" for name, v in visits.items() for r in v["raw"]]
    assert not problems, "\n".join(problems[:40])
    assert any(name.startswith("api/") for name in visits)


def test_raw_latex_check_catches_a_formula(site, browser):
    "The check above is not vacuous: a page with a literal formula and pandoc attributes fails it."
    out, _, url = site
    (out / "raw.html").write_text("<main><p>the map $x_{n+1} = f(x_n)$</p><p>[source](x){target=\"_blank\"}</p></main>")
    browser.get(url + "raw.html")
    assert len(browser.execute_script("return " + RAW_TEXT)) == 2


def test_broken_notebook_fails_the_build_naming_it_and_the_cell(tmp_path):
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Broken\n> a page"), nbformat.v4.new_code_cell("1")])
    path = tmp_path / "99_broken.ipynb"
    raw = json.loads(nbformat.writes(nb))
    raw["cells"][1]["outputs"] = [{"output_type": "hologram", "data": {}}]
    path.write_text(json.dumps(raw))
    with pytest.raises(docs_site.RenderError, match=r"99_broken.ipynb: cell 1: unknown output type 'hologram'"):
        docs_site.build_static(tmp_path / "out", [path])
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={"application/vnd.plotly.v1+json": "not a figure"})]
    nbformat.write(nb, path)
    with pytest.raises(docs_site.RenderError, match=r"99_broken.ipynb: cell 1"):
        docs_site.build_static(tmp_path / "out", [path])


def test_table_of_contents_api_pages_and_cross_links(site, browser):
    "Each chapter has an 'on this page' contents whose links land on headings; backticked names link to their API entry."
    from selenium.webdriver.common.by import By
    out, pages, url = site
    browser.get(url + "05_koopman.html")
    toc = browser.find_elements(By.CSS_SELECTOR, "details.toc a")
    assert len(toc) >= 5
    targets = [a.get_attribute("href").split("#")[1] for a in toc]
    assert all(browser.execute_script("return !!document.getElementById(decodeURIComponent(arguments[0]))", t) for t in targets)
    toc[3].click()
    assert browser.execute_script("return window.scrollY") > 500
    for module in ("core", "systems", "metrics", "koopman", "training", "viz"):
        assert f"api/{module}.html" in pages
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "main .text_cell_render a[href*='api/']")]
    assert len(links) >= 3, links
    browser.get(links[0])
    anchor = links[0].split("#")[1]
    assert browser.execute_script("return !!document.getElementById(arguments[0])", anchor), links[0]
    assert "api/" in browser.current_url and browser.find_elements(By.CSS_SELECTOR, "main .source-link")


def test_search_finds_a_chapter(site, browser):
    "Pagefind's index, searched from the sidebar's box, lists the chapter about a word and links to it."
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    _, _, url = site
    browser.get(url + "index.html")
    box = WebDriverWait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "#search input"))
    box.send_keys("pseudospectrum")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search .pagefind-ui__result-link"))
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#search .pagefind-ui__result-link")]
    assert any("koopman" in h for h in hrefs), hrefs


def test_phone_layout(site, browser):
    "At 420 px the sidebar collapses behind a button, the text has the width, and nothing is wider than the screen."
    from selenium.webdriver.common.by import By
    _, _, url = site
    browser.set_window_size(420, 900)
    try:
        for page in ("05_koopman.html", "01_systems.html"):
            browser.get(url + page)
            width = browser.execute_script("return document.documentElement.clientWidth")
            nav = browser.find_element(By.CSS_SELECTOR, "nav.site")
            assert nav.size["height"] < 80 and not browser.find_element(By.CSS_SELECTOR, "nav.site .nav-links").is_displayed()
            assert browser.find_element(By.TAG_NAME, "main").size["width"] >= width - 5
            assert browser.execute_script("return document.documentElement.scrollWidth") <= width + 1
        browser.find_element(By.CSS_SELECTOR, ".menu-toggle").click()
        assert browser.find_element(By.CSS_SELECTOR, "nav.site .nav-links").is_displayed()
        shot = root / "_site" / "phone.png"
        shot.parent.mkdir(exist_ok=True)
        assert browser.save_screenshot(str(shot))
    finally:
        browser.set_window_size(1400, 1000)


def test_index_screenshot(site, browser):
    out, _, url = site
    browser.get(url + "index.html")
    shot = root / "_site" / "index.png"
    shot.parent.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000  # a blank page compresses to a few hundred bytes


def test_formulas_typeset(site, browser):
    "The chapters' LaTeX is converted to MathML, which Chromium lays out (no network, no fonts to fetch)."
    _, _, url = site
    browser.get(url + "02_metrics.html")
    n = browser.execute_script("return Array.from(document.querySelectorAll('main math')).filter(m => m.getBoundingClientRect().height > 0).length")
    assert n > 5


def test_zoo_table_sorts_and_filters(site, browser):
    "The invariants chapter's table, as a reader uses it: type in the filter box, set a range, click a column."
    from selenium.webdriver.common.by import By
    _, pages, url = site
    page = next(p for p in pages if "invariants" in p)
    browser.get(url + page)
    root_el = browser.find_element(By.ID, "zoo-invariants")
    rows = lambda: [r for r in root_el.find_elements(By.CSS_SELECTOR, "tbody tr") if r.is_displayed()]
    total = len(rows())
    assert total >= 160
    box = root_el.find_element(By.CSS_SELECTOR, "input[type=search]")
    box.send_keys("sprott_")
    assert 19 <= len(rows()) < total and all(r.find_elements(By.TAG_NAME, "td")[0].text.startswith("sprott_") for r in rows())
    assert root_el.find_element(By.CLASS_NAME, "zoo-count").text.startswith(f"{len(rows())} of {total}")
    box.clear(); browser.execute_script("arguments[0].dispatchEvent(new Event('input'))", box)
    dmin = root_el.find_elements(By.CSS_SELECTOR, "input[type=number]")[0]
    dmin.send_keys("6")
    assert rows() and all(int(r.find_elements(By.TAG_NAME, "td")[2].text) >= 6 for r in rows())
    dmin.clear(); browser.execute_script("arguments[0].dispatchEvent(new Event('input'))", dmin)
    header = root_el.find_elements(By.CSS_SELECTOR, "thead th")[3]   # lambda_max
    header.click(); header.click()                                    # ascending, then descending
    values = [float(r.find_elements(By.TAG_NAME, "td")[3].text or "nan") for r in rows()[:20]]
    assert values == sorted(values, reverse=True)
