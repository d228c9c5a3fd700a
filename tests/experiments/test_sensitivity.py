"""Sensitivity: SALib indices rank parameters correctly; a small real study end to end."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm.config import ConfigError
from experiments.analysis.indices import analyze, point_means
from experiments.api import sensitivity
from experiments.many.designs import parse_vary, sensitivity_sample

VARIES = [parse_vary("a.x=0.0:1.0"), parse_vary("a.y=0.0:1.0"), parse_vary("a.z=0.0:1.0")]


def model(sample: np.ndarray) -> np.ndarray:
    return 10.0 * sample[:, 0] + 2.0 * sample[:, 1] ** 2 + 0.0 * sample[:, 2]


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_indices_rank_a_known_function(method: str) -> None:
    sample = sensitivity_sample(VARIES, method, 64 if method == "sobol" else 20, seed=1)
    outcomes = pd.DataFrame({"y": model(sample)})
    indices = analyze(method, VARIES, sample, outcomes, seed=1).set_index("parameter")
    key = "ST" if method == "sobol" else "mu_star"
    assert indices[key]["a.x"] > indices[key]["a.y"] > indices[key]["a.z"]
    assert indices[key]["a.z"] == pytest.approx(0.0, abs=0.02)
    if method == "sobol":
        assert indices["S1"]["a.x"] == pytest.approx(0.94, abs=0.1)
    again = analyze(method, VARIES, sample, outcomes, seed=1).set_index("parameter")
    pd.testing.assert_frame_equal(indices, again, check_exact=True)


def test_a_constant_outcome_is_sensitive_to_nothing_and_gaps_are_refused() -> None:
    sample = sensitivity_sample(VARIES, "sobol", 8, seed=0)
    flat = analyze("sobol", VARIES, sample, pd.DataFrame({"y": np.ones(len(sample))}), seed=0)
    assert (flat[["S1", "ST"]] == 0).all().all()
    gap = pd.DataFrame({"y": np.r_[np.nan, np.ones(len(sample) - 1)]})
    with pytest.raises(ConfigError, match="no value at 1 of"):
        analyze("sobol", VARIES, sample, gap, seed=0)


def test_point_means_average_replications() -> None:
    values = pd.DataFrame({"y": [1.0, 3.0, 10.0, 20.0]})
    means = point_means(values, pd.Series([0, 0, 1, 1]), 3)
    assert list(means["y"][:2]) == [2.0, 15.0] and np.isnan(means["y"][2])


def test_morris_study_of_the_world(tmp_path: Path) -> None:
    result = sensitivity("iren", ["bitcoin.price_vol_annual=0.3:0.8",
                                  "iren.share_vol_annual=0.5:1.2"],
                         ["iren.cash_usd@2025-11-30", "btc.price_usd@end"], method="morris",
                         samples=3, until="2025-11-30", out=tmp_path / "sa", workers=1)
    assert result.ok and len(result.summary) == 3 * (2 + 1)
    assert {"set.bitcoin.price_vol_annual", "set.iren.share_vol_annual"} <= set(
        result.summary.columns)
    indices = result.sensitivity
    assert indices is not None and len(indices) == 2 * 2
    assert {"mu_star", "mu_star_conf", "mu", "sigma"} <= set(indices.columns)
    btc = indices[indices["outcome"] == "btc.price_usd@end"].set_index("parameter")
    assert btc.loc["bitcoin.price_vol_annual", "mu_star"] > 0
    assert btc.loc["iren.share_vol_annual", "mu_star"] == 0  # IREN's shares don't move BTC
    assert (result.folder / "plots" / "sensitivity.png").exists()
    assert "Sensitivity (morris)" in (result.folder / "report.html").read_text()
