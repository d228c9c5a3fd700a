"""How fast ``abm explore`` opens a 10,000-run experiment, and answers a chart switch.

``python -m benchmarks.explorer [--runs 10000] [--rounds 3] [--keep DIR]`` makes a synthetic
experiment folder of the real layout and size (the columns of a real summary, with
``runs`` rows; the bands of every real metric over 62 month ends; an ``experiment.json``;
no shards, which the explorer never reads), then, round by round:

- **open**: from starting ``abm explore DIR`` to its experiment page drawn in headless
  Chromium (the fan chart and the first rows of the summary on screen);
- **chart switch**: from picking another metric in the fan's dropdown to the new chart drawn;
- **sort**: from clicking a summary column's header to its first rows, sorted, on screen;
- the same switch and sort answered over HTTP (the server's share, no browser).

Browser figures need Selenium and Debian's ``chromium`` and ``chromium-driver``; without
them only the HTTP figures are printed. Targets (issue 29): open < 5 s, switch < 1 s.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

MONTHS = pd.date_range("2025-11-30", "2030-12-31", freq="ME")
QUANTILES = ("p5", "p25", "p50", "p75", "p95")
SWITCH_TO = "cash_usd"
SORT_BY = "iren.cash_usd@end"
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--window-size=1400,1400"]
"""Chromium as this machine runs it: headless, as root, with no network of its own."""


def make_experiment(folder: Path, runs: int, seed: int = 0) -> Path:
    """A synthetic Monte Carlo folder of ``runs`` runs with a real experiment's columns."""
    from experiments.api import monte_carlo

    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as work:
        real = monte_carlo("iren", reps=2, until="2025-12-31", out=Path(work) / "mc",
                           workers=1, report=False)
        template = real.summary
        metrics = list(dict.fromkeys(real.bands["metric"]))
        manifest = json.loads((real.folder / "experiment.json").read_text())
    folder.mkdir(parents=True, exist_ok=True)
    columns: dict[str, Any] = {
        "run_id": [f"p00000-r{i:06d}" for i in range(runs)], "arm": ["base"] * runs,
        "point": np.zeros(runs, dtype="int64"), "rep": np.arange(runs),
        "seed": np.arange(runs), "status": ["ok"] * runs}
    for name in template.columns:
        if name in columns:
            continue
        values = template[name]
        if pd.api.types.is_datetime64_any_dtype(values):
            columns[name] = pd.to_datetime(rng.choice(MONTHS.to_numpy(), runs))
        elif name.startswith("events."):
            columns[name] = pd.array(rng.poisson(5, runs), dtype="Int64")
        elif pd.api.types.is_numeric_dtype(values):
            base = float(np.nan_to_num(values.astype("float64").mean()))
            columns[name] = base * rng.lognormal(0.0, 0.3, runs)
    pd.DataFrame(columns).to_parquet(folder / "summary.parquet")
    level = rng.lognormal(0.0, 1.0, len(metrics))[:, None]
    growth = np.linspace(1.0, 3.0, len(MONTHS))[None, :]
    spread = np.array([0.5, 0.8, 1.0, 1.25, 1.8])
    rows = []
    for j, metric in enumerate(metrics):
        centre = level[j] * growth[0] * 1e6
        for k, date in enumerate(MONTHS):
            row = {"arm": "base", "metric": metric, "date": date, "n": runs,
                   "mean": centre[k]}
            row.update(zip(QUANTILES, centre[k] * spread, strict=True))
            rows.append(row)
    pd.DataFrame(rows).to_parquet(folder / "bands.parquet")
    manifest.update({"runs": runs, "reps": runs, "command": f"synthetic: {runs} runs"})
    manifest["seeds"].update({"first": 0, "last": runs - 1})
    (folder / "experiment.json").write_text(json.dumps(manifest, indent=2))
    return folder


def _start(folder: Path) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen([sys.executable, "-m", "neocloud_abm.cli", "explore", str(folder)],
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    found = re.search(r"http://\S+/", server.stdout.readline())
    if found is None:
        server.kill()
        raise RuntimeError("abm explore printed no address")
    return server, found.group(0)


def _until(check: Callable[[], Any], limit: float = 60.0) -> Any:
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        try:
            value = check()
        except Exception:
            value = None
        if value:
            return value
        time.sleep(0.02)
    raise TimeoutError("the page did not answer in time")


FIGURE_JS = ("const gd = document.querySelector('#exp-fan .js-plotly-plot');"
             "return gd && gd.layout && gd.layout.meta ? gd.layout.meta.metric : null;")
FIRST_RUN_JS = ("const c = document.querySelector('#exp-summary .ag-row[row-index=\"0\"] "
                ".ag-cell[col-id=\"run_id\"]'); return c ? c.textContent : null;")


def browser_round(folder: Path, driver: Any) -> dict[str, float]:
    """Open, switch and sort in the browser, each timed from the user's action."""
    from selenium.webdriver.common.by import By

    started = time.perf_counter()
    server, url = _start(folder)
    try:
        driver.get(url + "experiment/e0")
        _until(lambda: driver.execute_script(FIGURE_JS))
        _until(lambda: driver.execute_script(FIRST_RUN_JS))
        opened = time.perf_counter() - started
        _until(lambda: driver.find_element(By.ID, "exp-fan-metric")).click()
        option = _until(lambda: driver.find_element(
            By.CSS_SELECTOR, f"[role=option] input[value='{SWITCH_TO}']"))
        started = time.perf_counter()
        driver.execute_script("arguments[0].closest('[role=option]').click();", option)
        _until(lambda: driver.execute_script(FIGURE_JS) == f"iren.{SWITCH_TO}")
        switched = time.perf_counter() - started
        first = driver.execute_script(FIRST_RUN_JS)
        header = driver.find_element(By.CSS_SELECTOR, f".ag-header-cell[col-id='{SORT_BY}']")
        started = time.perf_counter()
        header.click()
        _until(lambda: driver.execute_script(FIRST_RUN_JS) not in (None, first))
        return {"open": opened, "switch": switched, "sort": time.perf_counter() - started}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _post(url: str, output: str, inputs: list[dict[str, Any]],
          state: list[dict[str, Any]]) -> float:
    component, prop = output.split(".")
    body = json.dumps({"output": output, "outputs": {"id": component, "property": prop},
                       "inputs": inputs, "state": state,
                       "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs]})
    request = urllib.request.Request(url + "_dash-update-component", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()
    return time.perf_counter() - started


def http_round(folder: Path) -> dict[str, float]:
    """The server's share: the fan callback for a new metric, and a sorted page of rows."""
    server, url = _start(folder)
    try:
        key: dict[str, Any] = {"id": "exp-key", "property": "data", "value": "e0"}
        fan = [key, {"id": "exp-fan-company", "property": "value", "value": "iren"},
               {"id": "exp-fan-metric", "property": "value", "value": SWITCH_TO},
               {"id": "exp-fan-arm", "property": "value", "value": "base"}]
        request = {"startRow": 0, "endRow": 15, "sortModel": [{"colId": SORT_BY, "sort": "asc"}]}
        rows = [{"id": "exp-summary", "property": "getRowsRequest", "value": request}]
        state: list[dict[str, Any]] = [
            key, {"id": "exp-summary-columns", "property": "value", "value": [SORT_BY]}]
        _post(url, "exp-fan.figure", fan, [])  # the first request pays for warming up
        return {"switch (server)": _post(url, "exp-fan.figure", fan, []),
                "sort (server)": _post(url, "exp-summary.getRowsResponse", rows, state)}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _driver() -> Any:
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        return None
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in [*CHROME_ARGS, f"--user-data-dir={tempfile.mkdtemp(prefix='bench-chrome-')}"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(chromedriver), options=options)


def main(argv: list[str] | None = None) -> int:
    """Make the folder, then measure round by round and print medians [min, max]."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.explorer")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="make the folder here, keep it")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-explore-"))
    folder = args.keep if args.keep is not None else work / "mc"
    started = time.perf_counter()
    make_experiment(folder, args.runs)
    size = (folder / "summary.parquet").stat().st_size / 2**20
    print(f"synthetic experiment: {args.runs:,} runs, summary.parquet {size:.1f} MB, "
          f"made in {time.perf_counter() - started:.1f} s", flush=True)
    driver = _driver()
    if driver is None:
        print("no Chromium or Selenium: browser figures skipped", flush=True)
    figures: dict[str, list[float]] = {}
    try:
        for round_ in range(args.rounds):
            measured = http_round(folder)
            if driver is not None:
                measured.update(browser_round(folder, driver))
            for name, seconds in measured.items():
                figures.setdefault(name, []).append(seconds)
            print(f"round {round_ + 1}: " + ", ".join(f"{k} {v:.2f} s"
                                                      for k, v in measured.items()), flush=True)
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(work, ignore_errors=True)
    for name, values in figures.items():
        print(f"{name}: {statistics.median(values):.2f} s [{min(values):.2f}, {max(values):.2f}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
