"""``report.html``: one self-contained page per experiment folder, readable offline.

It is rebuilt from the folder's files alone (``experiment.json``, ``summary.parquet``,
``bands.parquet`` and the analysis tables), so ``abm report DIR`` works on any finished
or partly finished experiment. Plots are drawn to ``plots/*.png`` and embedded in the
page as base64 data; the page loads nothing from the network (no scripts, no fonts).
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from abm.files import atomic_write_bytes
from experiments.many.store import PLOTS, read_manifest
from experiments.many.summary import companies_of
from experiments.reports import plots, tables

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;
max-width:1180px;color:#222;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.86rem;margin:.6rem 0}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
th{background:#f4f6f8}td:first-child,th:first-child{text-align:left}
img{max-width:100%;border:1px solid #eee;margin:.4rem 0}
.meta{color:#555;font-size:.9rem}.bad{color:#b00020}pre{font-size:.75rem;overflow-x:auto}
"""


def _read(folder: Path, name: str) -> pd.DataFrame | None:
    path = folder / name
    return pd.read_parquet(path) if path.exists() else None


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, escape=True, border=0, na_rep="-")


def _image(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _section(title: str, *parts: str) -> str:
    return f"<h2>{html.escape(title)}</h2>\n" + "\n".join(parts)


def _p(text: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f"<p{klass}>{html.escape(text)}</p>"


def _header(manifest: dict[str, Any], summary: pd.DataFrame | None) -> str:
    design = manifest.get("design", {})
    world = Path(str(design.get("world", "?"))).stem
    n_ok = int((summary["status"] == "ok").sum()) if summary is not None and len(summary) else 0
    seeds = manifest.get("seeds", {})
    lines = [
        f"{manifest.get('runs', '?')} runs planned, {n_ok} finished; arms: "
        f"{', '.join(manifest.get('arms', []))}; horizon to {design.get('until') or 'default'}",
        f"seeds {seeds.get('first')}..{seeds.get('last')}: {seeds.get('rule', '')}",
        f"command: {manifest.get('command') or '(library call)'}",
        f"created {manifest.get('created')}, updated {manifest.get('updated')}; versions: "
        + ", ".join(f"{k} {v}" for k, v in manifest.get("versions", {}).items()),
    ]
    body = "".join(_p(line, "meta") for line in lines)
    return f"<h1>{html.escape(str(manifest.get('kind')))} experiment: {html.escape(world)}</h1>" \
           + body


def _failures(summary: pd.DataFrame | None, folder: Path) -> str:
    if summary is None or summary.empty or "error" not in summary:
        return ""
    failed = summary[summary["status"] == "failed"]
    if failed.empty:
        return ""
    shown = failed[["run_id", "arm", "seed", "error"]].head(30)
    return _section("Failed runs", _p(f"{len(failed)} runs raised; their tracebacks are in "
                                      f"{folder / 'failures'}. Rerun the same command to retry "
                                      "them.", "bad"), _table(shown))


def build_html(folder: Path) -> str:
    """The report page of an experiment folder, drawing its plots on the way."""
    manifest = read_manifest(folder)
    summary = _read(folder, "summary.parquet")
    bands = _read(folder, "bands.parquet")
    plot_dir = folder / PLOTS
    parts = [_header(manifest, summary), _failures(summary, folder)]
    if summary is None:
        parts.append(_p("No results yet: run the experiment's command again to finish the "
                        f"runs and aggregate them (command: {manifest.get('command')}).", "bad"))
    arms = list(manifest.get("arms", [])) or ["base"]
    companies = companies_of(bands["metric"].unique()) if bands is not None else []
    if bands is not None and not bands.empty and companies and summary is not None:
        focus, arm0 = companies[0], str(bands["arm"].iloc[0])
        fan = plots.fan_charts(bands, [f"{focus}.{m}" for m in plots.KEY_METRICS],
                               plot_dir / f"fan_{focus}.png", arm=arm0)
        parts.append(_section(
            f"{focus.upper()}'s path ({arm0})",
            _p("Median (line), 25-75% (dark) and 5-95% (light) bands over runs, month ends."),
            _image(fan, f"{focus} fan charts"),
            _table(tables.end_values(summary, focus, arm0)),
            _table(tables.milestones(summary, focus, arm0))))
        if len(companies) > 1:
            rivals = plots.rivals_chart(bands, companies, plot_dir / "rivals.png", arm=arm0)
            parts.append(_section(
                "Rivals side by side",
                _p("Median (line) and 25-75% band of each neocloud, shared scales; the table "
                   "gives medians at the end of the run."),
                _image(rivals, "rivals"), _table(tables.rivals(summary, companies, arm0))))
        else:
            parts.append(_section("Rivals side by side", _p(
                f"This world has one neocloud ({focus.upper()}); rivals are drawn here side "
                "by side, on shared scales, when the world has them.")))
    parts.extend(_analysis(folder, manifest, bands, arms, companies))
    parts.append(_section("Design", "<details><summary>experiment.json</summary><pre>"
                          + html.escape(json.dumps(manifest, indent=2)) + "</pre></details>"))
    body = "\n".join(p for p in parts if p)
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(folder.name)}: experiment report</title>"
            f"<style>{CSS}</style></head><body>\n{body}\n</body></html>\n")


def _analysis(folder: Path, manifest: dict[str, Any], bands: pd.DataFrame | None,
              arms: list[str], companies: list[str]) -> list[str]:
    parts = []
    plot_dir = folder / PLOTS
    comparison = _read(folder, "compare.parquet")
    if comparison is not None and not comparison.empty:
        confidence = float(manifest.get("analysis", {}).get("confidence", 0.95))
        shown = [_p(f"Every arm runs the same seeds (common random numbers). Cells: median "
                    f"[p5, p95]; differences: mean paired difference to {arms[0]} "
                    f"[{confidence:.0%} t-interval]."),
                 _table(tables.comparison(comparison, confidence))]
        if bands is not None and companies:
            metrics = [f"{companies[0]}.{m}" for m in plots.KEY_METRICS]
            shown.append(_image(plots.arms_chart(bands, arms, metrics,
                                                 plot_dir / "arms.png"), "arms"))
        if (comparison["diff_n"] > 0).any():
            shown.append(_image(plots.differences_chart(comparison,
                                                        plot_dir / "differences.png"),
                                "paired differences"))
        parts.append(_section("Comparison", *shown))
    indices = _read(folder, "sensitivity.parquet")
    if indices is not None and not indices.empty:
        method = str(manifest.get("design", {}).get("settings", {}).get("method", "sobol"))
        chart = plots.sensitivity_chart(indices, method, plot_dir / "sensitivity.png")
        parts.append(_section(f"Sensitivity ({method})", _image(chart, "sensitivity"),
                              _table(tables.sensitivity(indices, method))))
    parts.extend(_scores(folder, bands))
    design = _read(folder, "design.parquet")
    if design is not None and not design.empty:
        parts.append(_section("Sweep design", _p("One row per design point: the values set "
                                                 "and median outcomes over replications."),
                              _table(tables.design(design))))
    return parts


def _scores(folder: Path, bands: pd.DataFrame | None) -> list[str]:
    scores = _read(folder, "scores.parquet")
    summary = _read(folder, "score_summary.parquet")
    if scores is None or summary is None or scores.empty:
        return []
    from experiments.reports.score_plots import score_pictures

    shown = [_p(line) for line in tables.score_summary_line(summary).splitlines()]
    if bands is not None and not bands.empty:
        fans, pit = score_pictures(bands, scores, folder / PLOTS)
        shown += [_image(fans, "observations on their fan charts"), _image(pit, "PIT histogram")]
    shown += [_p("Per observation: the runs' p5, median and p95; whether the value is inside "
                 "the 90% band; its PIT (share of runs below it); its CRPS (in the metric's "
                 "unit, lower is better); the median's and consensus's error relative to "
                 "the value."), _table(tables.scorecard(scores, width=60))]
    return [_section("Scores against what happened", *shown)]


def write_report(folder: str | Path) -> Path:
    """Write ``report.html`` (and its PNG plots) in an experiment folder; returns its path."""
    root = Path(folder)
    page = build_html(root)
    target = root / "report.html"
    atomic_write_bytes(target, page.encode("utf-8"))
    return target
