"""The explorers as a reader uses them: JupyterLab on localhost, the 11_viz explorer run in headless Chromium, a slider
dragged with real mouse events, and the figure redrawn. A screenshot is saved to `_site/jupyterlab_explorer.png`.

Needs Debian's `chromium` and `chromium-driver` and JupyterLab (a dev requirement); skipped without them, unless
DSRLAB_REQUIRE_BROWSER=1 makes a missing browser a failure.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

root = Path(__file__).resolve().parents[1]
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
JUPYTER = Path(sys.executable).parent / "jupyter"
if not (CHROMIUM and DRIVER and JUPYTER.exists()):
    if os.environ.get("DSRLAB_REQUIRE_BROWSER") == "1":
        raise RuntimeError("chromium, chromedriver and jupyterlab are required")
    pytest.skip("headless Chromium or JupyterLab is not installed", allow_module_level=True)


def _explorer_notebook(path: Path):
    "The chapter's explorer cell, after the import it needs (the rest of 11_viz would only slow the test)."
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [], "source": src}
             for i, src in enumerate(["from dsrlab.viz import system_explorer",
                                      'system_explorer("lorenz63", n_steps=1500, lyapunov_steps=0)'])]
    nb = json.loads((root / "nbs" / "11_viz.ipynb").read_text(encoding="utf-8"))
    path.write_text(json.dumps({"cells": cells, "metadata": nb["metadata"], "nbformat": 4, "nbformat_minor": 5}))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    "JupyterLab serving a temporary folder on localhost, no token; the notebook opened there is a copy."
    work = tmp_path_factory.mktemp("lab")
    _explorer_notebook(work / "11_viz.ipynb")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(work / ".jupyter"), "JUPYTER_RUNTIME_DIR": str(work / ".runtime")}
    proc = subprocess.Popen([str(JUPYTER), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                             "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={work}",
                             "--ServerApp.disable_check_xsrf=True", "--allow-root", "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
                             "--LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "api/status", timeout=1); break
        except Exception:
            time.sleep(0.5)
    else:
        proc.terminate(); pytest.fail("JupyterLab did not start in 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_explorer_slider_drags_and_redraws(lab):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    try:
        driver.get(lab + "lab/tree/11_viz.ipynb")
        wait = WebDriverWait(driver, 40)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell"))
        wait.until(lambda d: d.find_elements(By.XPATH, "//*[contains(text(), '| Idle')]"))  # the kernel is up
        assert not driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog"), "a dialog (Select Kernel?) opened"
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell .jp-InputArea-editor").is_displayed())
        driver.find_element(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell .jp-InputArea-editor").click()  # the first cell
        ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.ENTER).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
        first = lambda d: d.execute_script(  # noqa: E731  the figure's x values, once drawn
            "var g = document.querySelector('.jp-OutputArea .js-plotly-plot');"
            "return g && g.data && g.data[0] ? JSON.stringify(g.data[0].x).slice(0, 400) : null")  # plotly 6 sends arrays as base64
        before = wait.until(first)
        track = driver.find_element(By.CSS_SELECTOR, ".widget-slider .noUi-target, .widget-slider .slider")
        assert track.size["width"] > 100, f"the slider's track is {track.size['width']} px wide"
        handle = driver.find_element(By.CSS_SELECTOR, ".widget-slider .noUi-handle")
        readout = driver.find_element(By.CSS_SELECTOR, ".widget-slider .widget-readout")
        value = readout.text
        ActionChains(driver).click_and_hold(handle).move_by_offset(track.size["width"] // 4, 0).pause(0.2).release().perform()
        wait.until(lambda d: readout.text != value)
        wait.until(lambda d: first(d) not in (None, before))
    finally:  # what the page showed, also when a step failed
        shot = root / "_site" / "jupyterlab_explorer.png"
        shot.parent.mkdir(exist_ok=True)
        driver.save_screenshot(str(shot))
        driver.quit()
