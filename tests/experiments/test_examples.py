"""Every script in examples/ runs, on its small setting, as a user would run it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXPECT = {  # script -> what its output must show
    "run_iren.py": ["IREN, seed 0", "plot: experiments_out/examples/iren_path.png"],
    "compare_business_models.py": ["integrated_cloud", "lease_host - integrated_cloud",
                                   "report: experiments_out/examples/business_models"],
    "power_crunch_mc.py": ["scenario ", "AI run-rate ARR >= $1B", "report: "],
    "price_irens_notes.py": ["3.50% due 2029", "3.25% due 2030", "0% due 2031", "premium"],
}


def test_every_example_is_checked() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECT)


@pytest.mark.parametrize("script", sorted(EXPECT))
def test_example_runs_on_its_small_setting(script: str, tmp_path: Path) -> None:
    env = {**os.environ, "ABM_EXAMPLE_SMALL": "1", "PYTHONWARNINGS": "ignore",
           "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, str(EXAMPLES / script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for text in EXPECT[script]:
        assert text in proc.stdout, (text, proc.stdout[-2000:])
    if script == "run_iren.py":
        assert (tmp_path / "experiments_out/examples/iren_path.png").stat().st_size > 10_000
    if script in ("compare_business_models.py", "power_crunch_mc.py"):
        reports = list((tmp_path / "experiments_out/examples").glob("*/report.html"))
        assert len(reports) == 1
