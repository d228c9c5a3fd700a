"""Compare IREN as an integrated AI cloud with IREN as a lease host, same demand draws.

Both arms run the same seeds (common random numbers): replication r of each arm sees the
same Bitcoin, demand and construction draws, so the paired difference shows the effect
of the business model alone, with a confidence interval.

    python examples/compare_business_models.py
    ABM_EXAMPLE_SMALL=1 python examples/compare_business_models.py

The same from the command line: abm compare iren --business-models --reps 200
"""

import os
from pathlib import Path

from experiments.reports.tables import comparison
from neocloud_abm import business_model_arms, compare

SMALL = os.environ.get("ABM_EXAMPLE_SMALL") == "1"
OUT = Path("experiments_out/examples/business_models")


def main() -> None:
    result = compare(
        "iren",
        business_model_arms("iren"),  # {"integrated_cloud": ..., "lease_host": ...}
        reps=3 if SMALL else 200,
        until="2025-11-30" if SMALL else None,
        outcomes=["iren.cash_usd@end", "iren.cash_usd@min", "iren.ai_run_rate_arr_usd@end",
                  "iren.shares_outstanding@end", "iren.market_cap_usd@end"],
        out=OUT,
        workers=1 if SMALL else None,
        force=True,  # start over each time (the same call without it resumes)
    )
    print("median [p5, p95] per arm; lease_host - integrated_cloud: mean paired difference "
          "[95% interval]")
    print(comparison(result.comparison).to_string(index=False))
    # the tidy table behind it: one row per outcome and arm (distribution, paired difference)
    paired = result.comparison.dropna(subset=["diff_mean"])
    verdict = paired.assign(clear=(paired["diff_lo"] > 0) | (paired["diff_hi"] < 0))
    print(verdict[["outcome", "diff_n", "clear"]].to_string(index=False))
    print(f"report: {result.folder / 'report.html'}")


if __name__ == "__main__":
    main()
