"""Aggregation: exact streaming quantiles, order independence, spilling, bounded memory."""

import random
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.many.aggregate import (
    BAND_COLUMNS,
    QUANTILES,
    READ_AHEAD,
    aggregate,
    read_in_order,
)
from experiments.many.memcheck import measure_in_subprocess, write_synthetic_shards
from experiments.many.shards import list_shards, read_path, write_shard
from experiments.many.specs import RunSpec, run_id

DATES = pd.date_range("2026-01-31", periods=5, freq="ME", name="date").as_unit("ns")
METRICS = ["iren.cash_usd", "iren.ai_run_rate_arr_usd", "btc.price_usd"]


def spec(rep: int, arm: str = "base", point: int = 0) -> RunSpec:
    return RunSpec(run_id=run_id(point, rep), point=point, rep=rep, arm=arm, world="iren",
                   seed=rep, until=None, scenarios=(), overrides=())


def synthetic(folder: Path, n: int, seed: int = 0) -> tuple[list[RunSpec], np.ndarray]:
    rng = np.random.default_rng(seed)
    values = rng.lognormal(20.0, 1.0, size=(n, len(DATES), len(METRICS)))
    values[:, :, 1] = np.cumsum(rng.uniform(0, 5e8, size=(n, len(DATES))), axis=1)
    specs = [spec(i) for i in range(n)]
    for s, v in zip(specs, values, strict=True):
        write_shard(folder, s, pd.DataFrame(v, index=DATES, columns=METRICS),
                    {"contract.signed": 1, "equity.issued": s.rep % 3})
    return specs, values


def test_bands_are_exact_quantiles_of_all_paths(tmp_path: Path) -> None:
    specs, values = synthetic(tmp_path, 37)
    agg = aggregate(specs, list_shards(tmp_path))
    bands = agg.bands
    assert len(bands) == len(METRICS) * len(DATES)
    for j, metric in enumerate(METRICS):
        rows = bands[bands["metric"] == metric].sort_values("date")
        expected = np.quantile(values[:, :, j], QUANTILES, axis=0)
        for k, column in enumerate(BAND_COLUMNS):
            np.testing.assert_array_equal(rows[column].to_numpy(), expected[k])
        np.testing.assert_allclose(rows["mean"].to_numpy(), values[:, :, j].mean(axis=0))
        assert (rows["n"] == 37).all()
    assert list(rows["date"]) == list(DATES)


def test_summary_rows_hold_end_extremes_milestones_and_events(tmp_path: Path) -> None:
    specs, values = synthetic(tmp_path, 5)
    summary = aggregate(specs, list_shards(tmp_path)).summary
    assert list(summary["run_id"]) == [s.run_id for s in specs]
    assert list(summary.columns[:6]) == ["run_id", "arm", "point", "rep", "seed", "status"]
    np.testing.assert_array_equal(summary["iren.cash_usd@end"], values[:, -1, 0])
    np.testing.assert_array_equal(summary["iren.cash_usd@min"], values[:, :, 0].min(axis=1))
    np.testing.assert_array_equal(summary["btc.price_usd@max"], values[:, :, 2].max(axis=1))
    arr = values[:, :, 1]
    for i in range(5):
        hit = np.flatnonzero(arr[i] >= 1e9)
        got = summary.loc[i, "iren.ai_arr_1b@date"]
        assert (pd.isna(got) if not hit.size else got == DATES[hit[0]])
    assert list(summary["events.equity.issued"]) == [0, 1, 2, 0, 1]
    assert list(summary["events.total"]) == [1, 2, 3, 1, 2]
    assert (summary["months"] == 5).all()


def test_results_do_not_depend_on_order_or_spilling(tmp_path: Path) -> None:
    specs, _ = synthetic(tmp_path, 23)
    shards = list_shards(tmp_path)
    reference = aggregate(specs, shards)
    shuffled = specs[:]
    random.Random(1).shuffle(shuffled)
    backwards = dict(reversed(list(shards.items())))
    again = aggregate(shuffled, backwards)
    pd.testing.assert_frame_equal(reference.summary, again.summary, check_exact=True)
    pd.testing.assert_frame_equal(reference.bands, again.bands, check_exact=True)
    spill = tmp_path / "spill"
    tight = aggregate(specs, shards, budget_bytes=2 * 23 * 5 * 8, spill_dir=spill)
    assert tight.spilled and not spill.exists()
    pd.testing.assert_frame_equal(reference.bands, tight.bands, check_exact=True)
    pd.testing.assert_frame_equal(reference.summary, tight.summary, check_exact=True)


def test_uneven_shards_align_and_failures_get_rows(tmp_path: Path) -> None:
    short = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], index=DATES[:2], columns=METRICS[:2])
    full = pd.DataFrame(np.arange(15.0).reshape(5, 3), index=DATES, columns=METRICS)
    write_shard(tmp_path, spec(0), short, {})
    write_shard(tmp_path, spec(1), full, {"x.y": 2})
    specs = [spec(0), spec(1), spec(2)]
    agg = aggregate(specs, list_shards(tmp_path), {spec(2).run_id: "ValueError: boom"})
    summary = agg.summary
    assert list(summary["status"]) == ["ok", "ok", "failed"]
    assert summary.loc[2, "error"] == "ValueError: boom"
    assert pd.isna(summary.loc[0, "btc.price_usd@end"]) and pd.isna(summary.loc[2, "events.x.y"])
    assert summary.loc[0, "events.x.y"] == 0
    price = agg.bands[agg.bands["metric"] == "btc.price_usd"].sort_values("date")
    assert list(price["n"]) == [1, 1, 1, 1, 1]
    cash = agg.bands[agg.bands["metric"] == "iren.cash_usd"].sort_values("date")
    assert list(cash["n"]) == [2, 2, 1, 1, 1]
    assert cash["p50"].iloc[0] == pytest.approx((1.0 + 0.0) / 2)


def test_a_shard_reads_back_as_its_path(tmp_path: Path) -> None:
    frame = pd.DataFrame(np.arange(15.0).reshape(5, 3), index=DATES, columns=METRICS)
    write_shard(tmp_path, spec(4), frame, {})
    back = read_path(tmp_path / f"{spec(4).run_id}.parquet")
    pd.testing.assert_frame_equal(back, frame, check_freq=False, check_exact=True)


def test_parent_memory_does_not_grow_with_the_number_of_shards(tmp_path: Path) -> None:
    months = pd.date_range("2025-11-30", periods=62, freq="ME", name="date").as_unit("ns")
    names = [f"co{i}.metric_{j}_usd" for i in range(30) for j in range(11)]
    path = pd.DataFrame(np.random.default_rng(0).lognormal(20, 1, (62, len(names))),
                        index=months, columns=names)  # the shape of the world's path
    write_synthetic_shards(tmp_path, 300, path, {"contract.signed": 1})
    budget = 4 * 2**20
    few = measure_in_subprocess(tmp_path, 100, budget)
    many = measure_in_subprocess(tmp_path, 300, budget)
    assert many["spilled"] and many["bands_rows"] == few["bands_rows"]
    # 3x the shards: the values would need 3x the memory; the parent's peak stays put
    values_mb = 300 * path.size * 8 / 2**20
    growth = many["peak_rss_mb"] - few["peak_rss_mb"]
    print(f"peak RSS 100 shards {few['peak_rss_mb']} MB, 300 shards {many['peak_rss_mb']} MB "
          f"(values of 300 runs: {values_mb:.0f} MB)")
    assert growth < 12.0, (few, many)


def test_shards_are_read_ahead_in_order_within_a_bound(tmp_path: Path) -> None:
    """Reads run on threads ahead of the consumer, never more than READ_AHEAD ahead; each
    result comes in the order of the paths (None for a missing shard); a failed read is
    raised where its shard comes, after the ones before it."""
    paths: list[Path | None] = [None if i % 7 == 3 else tmp_path / f"s{i}" for i in range(60)]
    started: list[str] = []
    lock = threading.Lock()

    def read(path: Path) -> str:
        with lock:
            started.append(path.name)
        if path.name == "s41":
            raise OSError("damaged shard s41")
        return path.name.upper()

    got: list[str | None] = []
    with pytest.raises(OSError, match="s41"):
        for i, result in enumerate(read_in_order(read, paths)):
            with lock:
                assert len(started) <= i + 1 + READ_AHEAD
            got.append(result)
    assert got == [None if p is None else p.name.upper() for p in paths[:41]]
