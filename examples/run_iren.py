"""Run IREN once and plot its path: power, GPUs, AI run-rate, cash, debt and shares.

    python examples/run_iren.py            # the calibrated world to 2030-12-31
    ABM_EXAMPLE_SMALL=1 python examples/run_iren.py   # a quick run to 2026-01-31

Writes experiments_out/examples/iren_path.png and prints IREN's year-end figures.
"""

import os
from pathlib import Path

from matplotlib.figure import Figure  # the object API: no display or backend needed

import neocloud_abm as nab

SMALL = os.environ.get("ABM_EXAMPLE_SMALL") == "1"
UNTIL = "2026-01-31" if SMALL else "2030-12-31"
OUT = Path("experiments_out/examples")
PANELS = [  # (metric, title, divisor)
    ("iren.energized_mw", "energized power (MW)", 1.0),
    ("iren.gpus", "GPUs in service (k)", 1e3),
    ("iren.ai_run_rate_arr_usd", "AI run-rate ARR ($B)", 1e9),
    ("iren.cash_usd", "cash ($B)", 1e9),
    ("iren.debt_usd", "debt ($B)", 1e9),
    ("iren.shares_outstanding", "shares outstanding (M)", 1e6),
]


def main() -> None:
    result = nab.run("iren", seed=0, until=UNTIL)
    path = result.path
    year_end = path.groupby(path.index.year).last()
    table = {title: year_end[metric] / scale for metric, title, scale in PANELS}
    print(f"IREN, seed 0, to {UNTIL}: {len(result.events)} events")
    print(type(year_end)(table).round(2).to_string())

    fig = Figure(figsize=(12, 6), layout="constrained")
    for ax, (metric, title, scale) in zip(fig.subplots(2, 3).ravel(), PANELS, strict=True):
        ax.plot(path.index, path[metric] / scale, color="#1f5fa8")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    fig.suptitle(f"IREN's path, seed 0 (the run's month ends to {UNTIL})")
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / "iren_path.png", dpi=90)
    print(f"plot: {OUT / 'iren_path.png'}")


if __name__ == "__main__":
    main()
