"""Designs: --vary parsing, grid / LHS / Sobol' sequences, SALib samples."""

import numpy as np
import pytest

from abm.config import ConfigError
from experiments.many.designs import (
    Vary,
    check_varies,
    grid,
    latin_hypercube,
    parse_vary,
    sensitivity_sample,
    sobol_sequence,
    sweep_points,
)


def test_parse_ranges_levels_lists_and_integers() -> None:
    assert parse_vary("iren.pue=1.1:1.4:4") == Vary("iren.pue", 1.1, 1.4, 4, False)
    assert parse_vary("iren.cash_usd=1e9:3e9") == Vary("iren.cash_usd", 1e9, 3e9, None, False)
    whole = parse_vary("iren.gpus=1:5")
    assert whole.integer and whole.grid_values() == [1, 3, 5]
    listed = parse_vary("iren.business_model=integrated_cloud,lease_host")
    assert listed.values == ("integrated_cloud", "lease_host")
    assert parse_vary("bitcoin.price_drift_annual=-0.5:0.2").lo == -0.5


@pytest.mark.parametrize(("text", "expected"), [
    ("iren.pue", "KEY=LO:HI"),
    ("=1:2", "KEY=LO:HI"),
    ("iren.pue=1.4:1.1", "LO < HI"),
    ("iren.pue=1.1:1.1", "LO < HI"),
    ("iren.pue=a:2", "finite number"),
    ("iren.pue=1:nan", "finite number"),
    ("iren.pue=1:2:1", "N (grid levels)"),
    ("iren.pue=1:2:2.5", "N (grid levels)"),
    ("iren.pue=1:2:3:4", "KEY=LO:HI or KEY=LO:HI:N"),
    ("iren.pue=1.2", "two or more"),
])
def test_bad_vary_is_a_config_error(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_vary(text)
    assert info.value.source == "--vary" and expected in str(info.value)


def test_design_restrictions() -> None:
    with pytest.raises(ConfigError, match="given twice"):
        check_varies([parse_vary("a.b=1:2"), parse_vary("a.b=2:3")], "grid")
    with pytest.raises(ConfigError, match="needs --design grid"):
        check_varies([parse_vary("a.b=x,y")], "lhs")
    with pytest.raises(ConfigError, match="--samples"):
        check_varies([parse_vary("a.b=1:2:3")], "sobol")
    with pytest.raises(ConfigError, match="at least one"):
        check_varies([], "grid")


def test_grid_is_every_combination_last_key_fastest() -> None:
    points = grid([parse_vary("a.x=0:1:2"), parse_vary("a.y=p,q,r")])
    assert points == [(("a.x", 0.0), ("a.y", "p")), (("a.x", 0.0), ("a.y", "q")),
                      (("a.x", 0.0), ("a.y", "r")), (("a.x", 1.0), ("a.y", "p")),
                      (("a.x", 1.0), ("a.y", "q")), (("a.x", 1.0), ("a.y", "r"))]


def test_lhs_is_seeded_stratified_and_rounds_integers() -> None:
    varies = [parse_vary("a.x=0.0:10.0"), parse_vary("a.n=1:100")]
    first = latin_hypercube(varies, 20, seed=3)
    assert first == latin_hypercube(varies, 20, seed=3)
    assert first != latin_hypercube(varies, 20, seed=4)
    xs = np.array([dict(p)["a.x"] for p in first])
    assert sorted(np.floor(xs / 0.5).astype(int)) == list(range(20))  # one per stratum
    assert all(isinstance(dict(p)["a.n"], int) and 1 <= dict(p)["a.n"] <= 100 for p in first)


def test_sobol_sequence_fills_the_box() -> None:
    points = sobol_sequence([parse_vary("a.x=2:4"), parse_vary("a.y=0.0:1.0")], 16)
    xs = np.array([[v for _, v in p] for p in points])
    assert xs.shape == (16, 2) and (xs[:, 0] >= 2).all() and (xs[:, 0] <= 4).all()
    assert len({tuple(r) for r in xs}) == 16
    assert sweep_points([parse_vary("a.x=2:4")], "sobol", 8, 0) == sobol_sequence(
        [parse_vary("a.x=2:4")], 8)


def test_salib_samples_have_the_documented_sizes() -> None:
    varies = [parse_vary("a.x=0.0:1.0"), parse_vary("a.y=0.0:1.0"), parse_vary("a.z=1.0:2.0")]
    sobol = sensitivity_sample(varies, "sobol", 8, seed=0)
    assert sobol.shape == (8 * (3 + 2), 3)
    morris = sensitivity_sample(varies, "morris", 5, seed=0)
    assert morris.shape == (5 * (3 + 1), 3)
    np.testing.assert_array_equal(morris, sensitivity_sample(varies, "morris", 5, seed=0))
    with pytest.raises(ConfigError, match="power of two"):
        sensitivity_sample(varies, "sobol", 12, seed=0)
