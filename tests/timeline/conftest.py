"""Run folders for the timeline tests: two real runs of the IREN world and a synthetic one."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm.clock import Clock
from abm.events import EventLog
from abm.result import RunResult
from worlds.run import run_world

START = dt.date(2025, 11, 6)


@pytest.fixture(scope="session")
def run_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The IREN world at seeds 0 and 1, saved as run folders."""
    out = {}
    for seed in (0, 1):
        folder = tmp_path_factory.mktemp(f"run_s{seed}")
        run_world("iren", seed=seed).save(folder)
        out[seed] = folder
    return out


@pytest.fixture(scope="session")
def run0(run_dirs: dict[int, Path]) -> RunResult:
    return RunResult.load(run_dirs[0])


def synthetic_result(seed: str = "x") -> RunResult:
    """A small hand-made run with rival companies and kinds the world does not have yet."""
    log = EventLog(Clock(START))
    tender = log.append(0.0, "microsoft", "tender.opened", None, {"mw": 300.0})
    bid_n = log.append(3.0, "nebius", "bid.submitted", tender, {"value_usd": 4.1e9})
    bid_i = log.append(3.0, "iren", "bid.submitted", tender, {"value_usd": 3.9e9})
    award = log.append(20.0, "microsoft", "contract.awarded", bid_i,
                       {"contract": "ms_2", "company": "iren", "value_usd": 3.9e9})
    signed = log.append(20.0, "iren", "contract.signed", award,
                        {"contract": "ms_2", "customer": "microsoft", "value_usd": 3.9e9})
    log.append(20.0, "nebius", "bid.lost", bid_n, {})
    order = log.append(21.0, "gpu_vendor", "gpu.ordered", signed,
                       {"buyer": "iren", "gpus": 12000, "cost_usd": 9.1e8})
    gap = log.append(40.0, "iren", "capital.gap", order, {"cash_usd": -2.0e8})
    log.append(41.0, "iren", "convert.issued", gap, {"amount_usd": 1.0e9, "coupon_rate": 0.01})
    log.append(60.0, "oncor", "interconnect.energized", None,
               {"company": "coreweave", "site": "plano", "mw": 250.0})
    log.append(200.0, "coreweave", "contract.terminated", None, {"contract": "cw_1"})
    log.append(300.0, "cipher", "capital.raise_failed", None, {"amount_usd": 5.0e8})
    dates = pd.date_range("2025-11-30", periods=12, freq="ME", name="date")
    ramp = np.linspace(0.0, 1.0, len(dates))
    path = pd.DataFrame({
        "iren.energized_mw": 900 + 600 * ramp, "iren.gpus": 23000 + 12000 * ramp,
        "iren.contracted_arr_usd": 2.4e9 + 0.8e9 * ramp, "iren.revenue_usd": 1e8 * ramp,
        "iren.cash_usd": 1.2e9 - 0.5e9 * ramp, "iren.debt_usd": 2e9 + ramp,
        "iren.shares_outstanding": 2.72e8 + 3e7 * ramp, "iren.share_price_usd": 40 + 20 * ramp,
    }, index=dates)
    meta = {"world": "synthetic", "seed": seed, "focus": "iren",
            "start_date": START.isoformat(), "until": "2026-10-31"}
    return RunResult(path=path, events=log.to_frame(), ledger=pd.DataFrame(), meta=meta)


@pytest.fixture
def synthetic_dir(tmp_path: Path) -> Path:
    return synthetic_result().save(tmp_path / "synthetic")


@pytest.fixture
def make_synthetic() -> Callable[..., RunResult]:
    """The builder of synthetic runs, for tests that need several of them."""
    return synthetic_result
