"""Display tables of an experiment's results (strings with units), for the terminal and HTML.

Each function turns a tidy result frame into a small frame of formatted strings:
end values of a company, its milestones, a comparison side by side, sensitivity indices,
a sweep's design points, and failed runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.many.summary import MILESTONES, milestone_column
from experiments.reports.formatting import fmt, label, quantile_text, scale_for

END_METRICS = ("energized_mw", "gpus", "ai_run_rate_arr_usd", "contracted_arr_usd",
               "cash_usd", "debt_usd", "shares_outstanding", "share_price_usd")


def end_values(summary: pd.DataFrame, company: str, arm: str | None = None) -> pd.DataFrame:
    """p5 / p50 / p95 over runs of a company's key metrics at the end (and cash at its low)."""
    ok = summary[summary["status"] == "ok"]
    if arm is not None:
        ok = ok[ok["arm"] == arm]
    rows = []
    wanted = [f"{company}.{m}@end" for m in END_METRICS] + [f"{company}.cash_usd@min"]
    for column in wanted:
        if column in ok:
            p5, p50, p95, unit = quantile_text(ok[column].to_numpy(dtype="float64"), column)
            rows.append({"metric": label(column), "unit": unit, "p5": p5, "p50": p50,
                         "p95": p95})
    return pd.DataFrame(rows, columns=["metric", "unit", "p5", "p50", "p95"])


def rivals(summary: pd.DataFrame, companies: Sequence[str], arm: str | None = None,
           metrics: Sequence[str] = END_METRICS[:6]) -> pd.DataFrame:
    """Companies down, key metrics across: the median over runs at the end."""
    ok = summary[summary["status"] == "ok"]
    if arm is not None:
        ok = ok[ok["arm"] == arm]
    columns: dict[str, list[str]] = {"company": [c.upper() for c in companies]}
    for metric in metrics:
        medians = [float(ok[f"{c}.{metric}@end"].median()) if f"{c}.{metric}@end" in ok
                   else float("nan") for c in companies]
        factor, unit = scale_for(metric, medians)
        name = label("x." + metric).removeprefix("X ")
        columns[f"{name} ({unit})" if unit else name] = [fmt(v, factor) for v in medians]
    return pd.DataFrame(columns)


def milestones(summary: pd.DataFrame, company: str, arm: str | None = None) -> pd.DataFrame:
    """Share of runs reaching each milestone, and the p5 / p50 / p95 month it is reached."""
    ok = summary[summary["status"] == "ok"]
    if arm is not None:
        ok = ok[ok["arm"] == arm]
    rows = []
    for ms in MILESTONES:
        column = milestone_column(company, ms)
        if column not in ok or ok.empty:
            continue
        dates = pd.to_datetime(ok[column]).dropna().sort_values()
        share = len(dates) / len(ok)
        if len(dates):
            picks = [dates.iloc[round(q * (len(dates) - 1))] for q in (0.05, 0.5, 0.95)]
            shown = [d.strftime("%Y-%m") for d in picks]
        else:
            shown = ["never"] * 3
        rows.append({"milestone": ms.label, "runs reaching": f"{share:.0%}", "p5": shown[0],
                     "p50": shown[1], "p95": shown[2]})
    return pd.DataFrame(rows, columns=["milestone", "runs reaching", "p5", "p50", "p95"])


def comparison(table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Outcomes down, arms across: median [p5, p95] per arm, then each paired difference."""
    arms = list(dict.fromkeys(table["arm"]))
    rows = []
    for outcome, group in table.groupby("outcome", sort=False):
        values = group[["p5", "p50", "p95", "diff_lo", "diff_hi"]].abs().to_numpy().ravel()
        factor, unit = scale_for(str(outcome), values)
        row = {"outcome": label(str(outcome)), "unit": unit}
        for rec in group.to_dict("records"):
            row[rec["arm"]] = f"{fmt(rec['p50'], factor)} [{fmt(rec['p5'], factor)}, " \
                              f"{fmt(rec['p95'], factor)}]"
        for rec in group.to_dict("records"):
            if rec["arm"] == arms[0] or not rec["diff_n"]:
                continue
            row[f"{rec['arm']} - {arms[0]}"] = (
                f"{fmt(rec['diff_mean'], factor)} [{fmt(rec['diff_lo'], factor)}, "
                f"{fmt(rec['diff_hi'], factor)}]")
        rows.append(row)
    return pd.DataFrame(rows).fillna("-")


def sensitivity(indices: pd.DataFrame, method: str) -> pd.DataFrame:
    """Indices per outcome and parameter, most influential first."""
    key = "ST" if method == "sobol" else "mu_star"
    ordered = indices.sort_values(["outcome", key], ascending=[True, False], kind="stable")
    out = ordered.copy()
    for column in out.columns[2:]:
        if method == "sobol":
            out[column] = [fmt(v) for v in out[column].to_numpy(dtype="float64")]
        else:
            factor, _unit = scale_for(str(ordered["outcome"].iloc[0]),
                                      ordered["mu_star"].abs().tolist())
            out[column] = [fmt(v, factor) for v in out[column].to_numpy(dtype="float64")]
    out["outcome"] = [label(o) for o in out["outcome"]]
    return out.reset_index(drop=True)


def design(table: pd.DataFrame, limit: int = 40) -> pd.DataFrame:
    """A sweep's design points (values set, median outcomes), the first ``limit`` rows."""
    out = table.head(limit).copy()
    renamed = {}
    for column in out.columns:
        if column == "point":
            continue
        values = out[column]
        if column.startswith("set."):
            renamed[column] = column.removeprefix("set.")
            continue
        numbers = values.to_numpy(dtype="float64")
        factor, unit = scale_for(column, np.abs(numbers).tolist())
        out[column] = [fmt(v, factor) for v in numbers]
        renamed[column] = f"{label(column)} ({unit})" if unit else label(column)
    return out.rename(columns=renamed)


def failures(frame: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """Failed runs: id, arm, seed, what was set, and the error line."""
    cols: Sequence[str] = ("run_id", "arm", "seed", "overrides", "error")
    return frame[list(cols)].head(limit)


def _share(value: float) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:+.0%}"


def scorecard(scores: pd.DataFrame, width: int = 38) -> pd.DataFrame:
    """Observations down: what happened, the runs' band and median, inside, PIT, CRPS, errors.

    Errors are relative to the value (median minus value, consensus minus value).
    """
    rows = []
    for rec in scores.to_dict("records"):
        factor, unit = scale_for(str(rec["metric"]), [rec["value"], rec["p5"], rec["p95"]])
        name = str(rec["observation"])
        rows.append({
            "observation": name if len(name) <= width else name[: width - 1] + "…",
            "when": rec["when"], "unit": unit or "count", "value": fmt(rec["value"], factor),
            "p5": fmt(rec["p5"], factor), "p50": fmt(rec["p50"], factor),
            "p95": fmt(rec["p95"], factor), "in 90%": "yes" if rec["inside"] else "NO",
            "PIT": fmt(rec["pit"]), "CRPS": fmt(rec["crps"], factor),
            "median err": _share(rec["median_error_rel"]),
            "consensus err": _share(rec["consensus_error"] / abs(rec["value"])
                                    if rec["value"] else float("nan")),
        })
    return pd.DataFrame(rows)


def score_summary_line(summary: pd.DataFrame) -> str:
    """The summary of a scorecard in one paragraph."""
    row = summary.iloc[0]
    n, inside = int(row["observations"]), round(float(row["coverage_90"]) * row["observations"])
    text = (f"90%-band coverage {row['coverage_90']:.0%} ({inside} of {n} observations inside, "
            f"{int(row['runs'])} runs); mean CRPS {row['mean_crps_rel']:.0%} of the value; "
            f"median band width {row['median_band_width_rel']:.0%} of the value")
    with_consensus = int(row["with_consensus"])
    if with_consensus:
        won = round(float(row["median_beats_consensus"]) * with_consensus)
        text += f"; the median beat consensus in {won} of {with_consensus}"
    pits = [int(row[f"pit_{k}"]) for k in range(10) if f"pit_{k}" in row]
    return text + f"\nPIT histogram (tenths of [0, 1]): {' '.join(str(c) for c in pits)}"


def score_changes(both: pd.DataFrame) -> pd.DataFrame:
    """Per shared observation: relative CRPS and inside, here and there.

    From :func:`experiments.analysis.scorecard.against`.
    """
    return pd.DataFrame({
        "observation": both["observation"], "when": both["when"],
        "CRPS/value": [f"{v:.3f}" for v in both["crps_rel"]],
        "other": [f"{v:.3f}" for v in both["crps_rel_other"]],
        "change": [f"{v:+.3f}" for v in both["crps_rel_change"]],
        "in 90%": ["yes" if v else "NO" for v in both["inside"]],
        "other in 90%": ["yes" if v else "NO" for v in both["inside_other"]],
    })


SUMMARY_NAMES = {"observations": "observations", "runs": "runs",
                 "coverage_90": "90%-band coverage", "mean_crps_rel": "mean CRPS / value",
                 "median_band_width_rel": "median band width / value",
                 "median_beats_consensus": "median beat consensus"}


def summary_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """The summary measures of two scorecards side by side, with the change.

    Counts print as whole numbers; shares as percentages, their change in points.
    """
    rows = []
    for rec in frame.to_dict("records"):
        counted = rec["measure"] in ("observations", "runs")
        values = [rec["this"], rec["other"]]
        if counted:
            shown = [f"{v:.0f}" for v in values] + [f"{rec['change']:+.0f}"]
        else:
            shown = ["-" if not np.isfinite(v) else f"{v:.0%}" for v in values]
            change = rec["change"]
            shown.append("-" if not np.isfinite(change) else f"{100 * change:+.0f} pp")
        rows.append({"measure": SUMMARY_NAMES.get(rec["measure"], rec["measure"]),
                     "this": shown[0], "other": shown[1], "change": shown[2]})
    return pd.DataFrame(rows, columns=["measure", "this", "other", "change"])
