"""The benchmark report (`dsrlab.bench.report_page`) in headless Chromium, as a reader opens it.

A small store (Hénon and Lorenz-63, two floors, SINDy, a method that diverges and one that ran on one system only,
two seeds) is written once; the page must draw every figure, log no console error, fit a 420 px screen, state its
ranking rule, link every row to its configuration and list the failed runs. Screenshots at 1400 and 420 px go to
scratch/report_1400.png and scratch/report_420.png for a person to look at. Uses test_site.py's browser harness.
"""
import json
import time
from pathlib import Path

import pytest

from test_site import browser, root  # noqa: F401  the one headless Chromium harness (skips the module without Chromium)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    "A report of a small store written into a temporary folder: (page path, store rows)."
    import jax.numpy as jnp
    from dsrlab.baselines import LastValue
    from dsrlab.bench import METHODS, Protocol, ResultStore, register_method, report_page, run_benchmark

    class Diverging(LastValue):
        "Doubles the last state at every step."
        def _generate(self, context, n_steps, key):
            return context[-1] * 2.0 ** jnp.arange(1, n_steps + 1, dtype=jnp.float32)[:, None]

    tmp = tmp_path_factory.mktemp("report")
    register_method("diverging", Diverging, family="test")
    register_method("lorenz_only", LastValue, family="test")
    try:
        p = Protocol(n_train=1, train_length=1000, n_test=1, test_length=1000, context=20, lyapunov_steps=300, spread=1000,
                     n_bins=10)
        store = tmp / "store.sqlite"
        run_benchmark("henon,lorenz63", "last_value,mean,sindy,diverging", 2, store, protocol=p, progress=False)
        run_benchmark("lorenz63", "lorenz_only", 2, store, protocol=p, progress=False)
    finally:
        del METHODS["diverging"], METHODS["lorenz_only"]
    with ResultStore(store, readonly=True) as db:
        rows = db.rows()
    return report_page(store, tmp / "report.html"), rows


def _open(driver, page, width):
    "Loads the page at `width` px and waits until every Plotly figure has drawn its SVG."
    from selenium.webdriver.support.ui import WebDriverWait
    driver.set_window_size(width, 1000)
    driver.get(page.as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    drawn = ("return Array.from(document.querySelectorAll('.plotly-graph-div'))"
             ".filter(e => e.querySelector('.main-svg')).length")
    n = page.read_text(encoding="utf-8").count("Plotly.newPlot(")
    try:
        WebDriverWait(driver, 30).until(lambda d: d.execute_script(drawn) >= n)
    except Exception:
        pass
    return driver.execute_script(drawn), n


def _screenshot(driver, width, name):
    "The whole page at `width` px wide, saved under scratch/."
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height + 150, 16000))
    time.sleep(1.0)                                   # Plotly redraws responsive figures on resize
    shot = root / "scratch" / name
    shot.parent.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 50_000              # a blank page compresses to a few kB


def test_figures_draw_and_console_stays_clean(report, browser):  # noqa: F811
    page, _ = report
    drawn, n = _open(browser, page, 1400)
    assert n >= 7 and drawn == n, f"{drawn} of {n} figures drew"
    assert browser.execute_script("return document.querySelectorAll('.plotly-graph-div').length") == n
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    _screenshot(browser, 1400, "report_1400.png")


def test_offline_plotly_once(report):
    text = report[0].read_text(encoding="utf-8")
    assert text.count("plotly.js v") == 1                                  # the bundle, inline, once
    assert "<script src=" not in text.replace(" ", "") and "cdn.plot.ly/plotly" not in text   # nothing to download


def test_phone_width(report, browser):  # noqa: F811
    page, _ = report
    try:
        drawn, n = _open(browser, page, 420)
        assert drawn == n
        width = browser.execute_script("return document.documentElement.clientWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width + 1
        assert browser.execute_script("return document.body.scrollWidth") <= width + 1
        widest = browser.execute_script("return Math.max(...Array.from(document.querySelectorAll('.plotly-graph-div'))"
                                        ".map(e => e.getBoundingClientRect().right))")
        assert widest <= width + 1                                          # figures shrink to the screen
        errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
        _screenshot(browser, 420, "report_420.png")
    finally:
        browser.set_window_size(1400, 1000)


def test_ranking_rule_and_partial_methods(report, browser):  # noqa: F811
    page, rows = report
    _open(browser, page, 1400)
    rule = browser.execute_script("return document.getElementById('ranking-rule').textContent")
    assert "ran on every system" in rule and "ranked among themselves" in rule and "ran on fewer systems" in rule
    cells = browser.execute_script("return Array.from(document.querySelectorAll('#ranking ~ .scroll table')[0]"
                                   ".querySelectorAll('tbody tr')).map(r => Array.from(r.cells).map(c => c.textContent))")
    methods = [c[0] for c in cells]
    assert methods[-1] == "lorenz_only" and cells[-1][2] == "1/2"          # below the others, its count beside it
    assert set(methods[:-1]) == {"last_value", "mean", "sindy", "diverging"} and all(c[2] == "2/2" for c in cells[:-1])
    assert methods[-2] == "diverging"                                      # failed everywhere: last of the ranked


def test_links_to_configurations_resolve(report, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    page, rows = report
    _open(browser, page, 1400)
    hrefs = browser.execute_script("return Array.from(document.querySelectorAll('a[href^=\"#\"]')).map(a => a.getAttribute('href'))")
    missing = [h for h in hrefs if not browser.execute_script("return !!document.getElementById(decodeURIComponent(arguments[0]))", h[1:])]
    assert not missing, missing
    cfg = [h for h in hrefs if h.startswith("#cfg-")]
    assert {h for h in cfg} >= {f"#cfg-{r['system']}-{r['method']}" for r in rows}      # every (system, method)
    link = browser.find_element(By.CSS_SELECTOR, 'a[href="#cfg-lorenz63-sindy"]')
    browser.execute_script("arguments[0].scrollIntoView()", link)
    link.click()
    target = browser.find_element(By.ID, "cfg-lorenz63-sindy")
    assert target.get_attribute("open") is not None                       # the details open on arrival
    shown = json.loads(target.find_elements(By.TAG_NAME, "pre")[0].text)
    stored = json.loads(next(r["hyperparameters"] for r in rows if r["system"] == "lorenz63" and r["method"] == "sindy"))
    assert shown == stored


def test_failed_runs_listed_with_reason(report, browser):  # noqa: F811
    page, rows = report
    _open(browser, page, 1400)
    listed = browser.execute_script("return Array.from(document.querySelectorAll('#failed-runs tbody tr'))"
                                    ".map(r => Array.from(r.cells).map(c => c.textContent))")
    failed = [r for r in rows if r["status"] != "ok"]
    assert len(failed) == 4 and sorted((r[0], r[1], int(r[2])) for r in listed) == sorted(
        (r["system"], r["method"], r["seed"]) for r in failed)
    assert all("diverged" in r[3] for r in listed)


def test_tables_sorted_with_units_and_best_marked(report, browser):  # noqa: F811
    page, _ = report
    _open(browser, page, 1400)
    heads = browser.execute_script("return Array.from(document.querySelectorAll('#system-lorenz63 ~ .scroll')[0]"
                                   ".querySelectorAll('th')).map(t => t.textContent)")
    for h in ("rank ↓", "D_stsp ↓", "VPT (Lyapunov times) ↑", "fit time (s) ↓", "λ_max (1/time unit)"):
        assert h in heads, (h, heads)
    ranks = browser.execute_script("return Array.from(document.querySelectorAll('#system-lorenz63 ~ .scroll')[0]"
                                   ".querySelectorAll('tbody tr')).map(r => parseFloat(r.cells[1].textContent))")
    finite = [r for r in ranks if r == r]
    assert finite == sorted(finite) and ranks[0] == 1
    assert browser.execute_script("return document.querySelectorAll('#system-lorenz63 ~ .scroll')[0].querySelectorAll('td b').length") > 3
