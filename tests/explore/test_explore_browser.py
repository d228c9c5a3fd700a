"""The explorer in a real headless browser: Debian's Chromium, driven by Selenium.

One ``abm explore`` server and one browser for the module. The pages are checked against
the files: the chart against ``path.parquet``, the cause chain against ``abm why``'s
output, the fan against ``bands.parquet``.

``EXPLORE_FOLDERS="RUN_DIR EXPERIMENT_DIR"`` serves other folders (the README's pictures
come from a full run and a 40-run experiment) and ``EXPLORE_SHOTS=DIR`` saves a screenshot
of each page checked.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from experiments.one_run.causes import cause_graph, why_chain
from experiments.one_run.folder import load_run_folder
from neocloud_abm.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or CHROMEDRIVER is None) and os.environ.get("CI") != "true",
    reason="no Chromium here: apt-get install chromium chromium-driver (CI installs them, "
    "and under CI=true these tests run, and fail, without it)")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,1500")
WAIT = 30.0


@pytest.fixture(scope="module")
def served(explore_dirs: dict[str, Path]) -> dict[str, Path]:
    given = os.environ.get("EXPLORE_FOLDERS", "").split()
    if given:
        return {"run": Path(given[0]), "experiment": Path(given[1])}
    return {"run": explore_dirs["run"], "experiment": explore_dirs["mc"]}


@pytest.fixture(scope="module")
def url(served: dict[str, Path]) -> Iterator[str]:
    command = [sys.executable, "-m", "neocloud_abm.cli", "explore", str(served["run"]),
               str(served["experiment"])]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, f"no address printed: {line!r}"
        yield found.group(0)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="explore-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver: Any, check: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            value = check(driver)
        except Exception:  # the page is still being drawn
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _figure(driver: Any, graph_id: str) -> Any:
    """The figure Plotly drew in a dcc.Graph: its traces and layout."""
    return driver.execute_script(
        "const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
        "return gd && gd.data && gd.data.length ? {data: gd.data, layout: gd.layout} : null;",
        graph_id)


def _shot(driver: Any, name: str, element_id: str | None = None) -> None:
    folder = os.environ.get("EXPLORE_SHOTS")
    if folder:
        if element_id:
            driver.execute_script("document.getElementById(arguments[0]).scrollIntoView();",
                                  element_id)
        time.sleep(0.5)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def _pick(driver: Any, dropdown_id: str, value: str) -> None:
    """Choose ``value`` in a Dash dropdown, as a user does: open it, click the option."""
    from selenium.webdriver.common.by import By

    # Dash loads a dropdown's code on demand: it may come after the chart is drawn.
    _wait(driver, lambda d: d.find_element(By.ID, dropdown_id), dropdown_id).click()
    option = _wait(driver, lambda d: d.find_element(
        By.CSS_SELECTOR, f"[role=option] input[value='{value}']"), f"option {value}")
    driver.execute_script("arguments[0].closest('[role=option]').click();", option)


def test_the_run_page_loads_with_its_path_and_timeline(browser: Any, url: str,
                                                        served: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    browser.get(url + "run/r0")
    figure = _wait(browser, lambda d: _figure(d, "run-chart"), "the run's chart")
    path = pd.read_parquet(served["run"] / "path.parquet")
    column = figure["layout"]["meta"]["columns"][0]
    line = np.asarray(figure["data"][0]["y"], dtype=float) * figure["layout"]["meta"]["factor"]
    assert np.allclose(line, path[column].to_numpy(dtype=float))
    rows = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR,
                                                    "#run-timeline .ag-row"), "timeline rows")
    assert rows and browser.find_element(By.ID, "run-filter-note").text.endswith("events")
    _shot(browser, "explore_run")


def test_picking_a_metric_redraws_its_chart(browser: Any, url: str,
                                            served: dict[str, Path]) -> None:
    browser.get(url + "run/r0")
    before = _wait(browser, lambda d: _figure(d, "run-chart"), "the run's chart")
    assert before["layout"]["meta"]["columns"] != ["iren.cash_usd"]
    _pick(browser, "run-metric", "cash_usd")
    after = _wait(browser, lambda d: (f := _figure(d, "run-chart"))
                  and f["layout"]["meta"]["columns"] == ["iren.cash_usd"] and f, "a redraw")
    path = pd.read_parquet(served["run"] / "path.parquet")
    line = np.asarray(after["data"][0]["y"], dtype=float) * after["layout"]["meta"]["factor"]
    assert np.allclose(line, path["iren.cash_usd"].to_numpy(dtype=float))


def _why(run: Path, event_id: int, *more: str) -> str:
    """What ``abm why RUN EVENT_ID`` prints (in this process, its stdout captured)."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["why", str(run), str(event_id), *more]) == 0
    return out.getvalue().rstrip("\n")


def test_clicking_an_event_shows_its_cause_chain_as_abm_why_does(
        browser: Any, url: str, served: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    events = load_run_folder(served["run"]).events
    graph = cause_graph(events)
    chains = {int(i): why_chain(graph, int(i)) for i in events["id"]}
    target = max(chains, key=lambda i: (len(chains[i]), -i))  # the longest chain
    row = events.loc[events["id"] == target].iloc[0]
    day = f"{pd.Timestamp(row['date']):%Y-%m-%d}"
    browser.get(url + "run/r0")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#run-timeline .ag-row"), "rows")
    for box, text in (("run-kind", str(row["kind"])), ("run-since", day), ("run-until", day)):
        browser.find_element(By.ID, box).send_keys(text + "\n")
    cell = _wait(browser, lambda d: d.find_element(
        By.CSS_SELECTOR, f"#run-timeline .ag-row[row-id='{target}'] .ag-cell[col-id=id]"),
        f"the row of #{target}")
    cell.click()
    shown = _wait(browser, lambda d: d.find_element(By.ID, "run-why-text")
                  .get_attribute("textContent"), "the cause chain")
    assert browser.current_url.endswith(f"?event={target}")
    assert shown.rstrip("\n") == _why(served["run"], target)
    forward = browser.find_element(By.ID, "run-forward-text").get_attribute("textContent")
    assert forward.rstrip("\n") == _why(served["run"], target, "--forward")
    ids = [int(a.text.lstrip("#")) for a in browser.find_elements(
        By.CSS_SELECTOR, "#run-why-chain tbody tr td:nth-child(2) a")]
    assert ids == chains[target]
    _shot(browser, "explore_why", "run-event-section")
    browser.find_element(By.CSS_SELECTOR, "#run-why-chain tbody tr td:nth-child(2) a").click()
    root = chains[target][0]
    _wait(browser, lambda d: d.find_element(By.ID, "run-event-title").text
          .startswith(f"#{root} "), f"the root event #{root}")
    assert browser.current_url.endswith(f"?event={root}")


def test_an_experiment_fan_chart_shows_its_bands(browser: Any, url: str,
                                                 served: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    browser.get(url + "experiment/e0")
    figure = _wait(browser, lambda d: _figure(d, "exp-fan"), "the fan chart")
    meta = figure["layout"]["meta"]
    bands = pd.read_parquet(served["experiment"] / "bands.parquet")
    band = bands[(bands["arm"] == meta["arm"]) & (bands["metric"] == meta["metric"])]
    band = band.sort_values("date")
    drawn = {t["meta"]["column"]: np.asarray(t["y"], dtype=float) * meta["factor"]
             for t in figure["data"]}
    assert set(drawn) == {"p5", "p25", "p50", "p75", "p95"}
    for column, values in drawn.items():
        assert np.allclose(values, band[column].to_numpy(dtype=float)), column
    assert figure["data"][0]["x"] == [f"{d:%Y-%m-%d}" for d in band["date"]]
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#exp-summary .ag-row"),
          "the summary's rows")
    _shot(browser, "explore_experiment")


def test_a_run_id_in_the_summary_opens_that_run(browser: Any, url: str,
                                                served: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    kept = sorted((served["experiment"] / "runs").glob("*"))
    browser.get(url + "experiment/e0")
    cell = _wait(browser, lambda d: d.find_element(
        By.CSS_SELECTOR, "#exp-summary .ag-row[row-index='1'] .ag-cell[col-id='run_id']"),
        "the second run's id")
    run_id = cell.text
    cell.click()
    _wait(browser, lambda d: _figure(d, "run-chart"), "the run's chart")
    assert browser.current_url.endswith(f"/experiment/e0/run/{run_id}")
    assert sorted((served["experiment"] / "runs").glob("*")) == kept  # remade in memory
