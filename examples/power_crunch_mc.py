"""A Monte Carlo of IREN under a power crunch: how often, and when, does it reach $1B of
AI run-rate revenue, and how low does its cash go?

Uses the bundled ``power_crunch`` scenario; until that overlay is bundled, the closest
one that is, ``halls_slip`` (the Microsoft halls slip four months on average).

    python examples/power_crunch_mc.py
    ABM_EXAMPLE_SMALL=1 python examples/power_crunch_mc.py

The same from the command line: abm mc iren --scenario power_crunch --reps 500
"""

import os
from pathlib import Path

from experiments.reports.tables import end_values, milestones
from neocloud_abm import monte_carlo
from worlds.catalog import scenario_names

SMALL = os.environ.get("ABM_EXAMPLE_SMALL") == "1"
SCENARIO = "power_crunch" if "power_crunch" in scenario_names() else "halls_slip"
OUT = Path("experiments_out/examples/power_crunch")


def main() -> None:
    result = monte_carlo(
        "iren",
        reps=3 if SMALL else 500,
        until="2025-11-30" if SMALL else None,
        scenarios=[SCENARIO],
        out=OUT,
        workers=1 if SMALL else None,
        force=True,
    )
    ok = result.summary[result.summary["status"] == "ok"]
    print(f"scenario {SCENARIO}: {len(ok)} runs")
    print(end_values(result.summary, "iren").to_string(index=False))
    print(milestones(result.summary, "iren").to_string(index=False))
    low_cash = result.bands.query("metric == 'iren.cash_usd'")[["date", "p5", "p50", "p95"]]
    print("IREN cash ($B) by month end, 5th / 50th / 95th percentile over runs:")
    print((low_cash.set_index("date") / 1e9).round(2).tail(6).to_string())
    print(f"report: {result.folder / 'report.html'}")


if __name__ == "__main__":
    main()
