"""The golden run: a small stored summary of the base world at seed 0, checked by the tests.

The summary holds IREN's calendar-year figures (stocks at year end, flows summed over the
year) from ``abm run iren --seed 0`` to 2030-12-31. Any change to the model or the world
that moves one of them fails ``tests/worlds/test_golden.py``. Regenerating is deliberate:

    python -m worlds.golden            # show what a fresh run changes, write nothing
    python -m worlds.golden --write    # show the changes, then store the fresh summary

and the commit that stores it says why the figures moved.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from abm.result import RunResult

GOLDEN_FILE = Path(__file__).resolve().parent / "golden" / "iren_seed0.json"
WORLD, SEED, UNTIL, COMPANY = "iren", 0, "2030-12-31", "iren"
REL_TOL, ABS_TOL = 1e-9, 1e-6
REGENERATE = ("if the change is intended, regenerate deliberately with "
              "`python -m worlds.golden --write` and give the reason in the commit")
FIGURES: tuple[tuple[str, str], ...] = (  # (metric suffix, how a calendar year aggregates it)
    ("energized_mw", "last"), ("gpus", "last"), ("contracted_arr_usd", "last"),
    ("ai_run_rate_arr_usd", "last"), ("revenue_usd", "sum"), ("ebitda_usd", "sum"),
    ("ebit_usd", "sum"), ("net_income_usd", "sum"), ("fcf_usd", "sum"),
    ("cash_usd", "last"), ("debt_usd", "last"), ("shares_outstanding", "last"),
)


def summarize(result: RunResult, company: str = COMPANY) -> dict[str, Any]:
    """Calendar-year figures of ``company`` from a run: year-end stocks, summed flows."""
    path = result.path
    by_year = path.groupby(pd.DatetimeIndex(path.index).year)
    years: dict[str, dict[str, float]] = {}
    for suffix, how in FIGURES:
        column = by_year[f"{company}.{suffix}"]
        series = column.sum() if how == "sum" else column.last()
        for year, value in series.items():
            years.setdefault(str(year), {})[suffix] = float(value)
    return {"world": result.meta["world"], "seed": result.meta["seed"],
            "until": result.meta["until"], "company": company,
            "aggregation": dict(FIGURES), "years": years}


def fresh_summary() -> dict[str, Any]:
    """The summary of a new run of the golden world, seed and horizon."""
    from worlds.run import run_world

    return summarize(run_world(WORLD, SEED, UNTIL, log_events=False))


def load_golden(path: Path = GOLDEN_FILE) -> dict[str, Any] | None:
    """The stored summary, or None if there is none yet."""
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def differences(stored: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    """One line per figure that moved beyond the tolerance (or appeared, or vanished)."""
    lines = [f"{key}: {stored.get(key)!r} -> {fresh.get(key)!r}"
             for key in ("world", "seed", "until", "company") if stored.get(key) != fresh.get(key)]
    old_years, new_years = stored.get("years", {}), fresh.get("years", {})
    for year in sorted(set(old_years) | set(new_years)):
        old, new = old_years.get(year, {}), new_years.get(year, {})
        for name in sorted(set(old) | set(new), key=_figure_order):
            a, b = old.get(name), new.get(name)
            if a is None or b is None:
                lines.append(f"{year} {name}: {_show(a)} -> {_show(b)}")
            elif not math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL):
                change = f" ({(b - a) / abs(a):+.3%})" if a else ""
                lines.append(f"{year} {name}: {_show(a)} -> {_show(b)}{change}")
    return lines


def _figure_order(name: str) -> int:
    names = [suffix for suffix, _how in FIGURES]
    return names.index(name) if name in names else len(names)


def _show(value: float | None) -> str:
    return "absent" if value is None else f"{value:,.6g}"


def write_golden(summary: dict[str, Any], path: Path = GOLDEN_FILE) -> None:
    """Store ``summary`` as the golden file (sorted, indented, one figure per line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Print what a fresh run changes against the stored golden file; store it with --write."""
    parser = argparse.ArgumentParser(prog="python -m worlds.golden", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true",
                        help="store the fresh summary (after printing the changes)")
    args = parser.parse_args(argv)
    fresh, stored = fresh_summary(), load_golden()
    if stored is None:
        print(f"no golden file yet at {GOLDEN_FILE}")
    else:
        changes = differences(stored, fresh)
        print("\n".join(changes) if changes else "no change: the golden run still holds")
    if args.write:
        write_golden(fresh)
        print(f"wrote {GOLDEN_FILE}; say in the commit why the figures moved")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
