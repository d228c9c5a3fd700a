"""The golden run: the base world at seed 0 still gives the stored yearly IREN figures."""

import json
from pathlib import Path

from abm.result import RunResult
from worlds import golden


def test_the_base_run_matches_the_golden_summary(base_run: RunResult) -> None:
    stored = golden.load_golden()
    assert stored is not None, f"no golden file at {golden.GOLDEN_FILE}: {golden.REGENERATE}"
    fresh = golden.summarize(base_run)
    assert (fresh["world"], fresh["seed"], fresh["until"]) == (golden.WORLD, golden.SEED,
                                                              golden.UNTIL)
    changes = golden.differences(stored, fresh)
    assert not changes, ("the golden run moved:\n  " + "\n  ".join(changes[:20])
                         + f"\n{golden.REGENERATE}")


def test_the_golden_file_is_small_and_complete() -> None:
    stored = golden.load_golden()
    assert stored is not None
    assert golden.GOLDEN_FILE.stat().st_size < 10_000
    assert sorted(stored["years"]) == [str(y) for y in range(2025, 2031)]
    for figures in stored["years"].values():
        assert set(figures) == {name for name, _how in golden.FIGURES}


def test_differences_name_what_moved_and_tolerate_noise() -> None:
    old = {"world": "iren", "seed": 0, "until": "2030-12-31", "company": "iren",
           "years": {"2026": {"cash_usd": 1.0e9, "gpus": 80_000.0}}}
    same = json.loads(json.dumps(old))
    same["years"]["2026"]["cash_usd"] *= 1 + 1e-12
    assert golden.differences(old, same) == []
    moved = json.loads(json.dumps(old))
    moved["years"]["2026"]["cash_usd"] = 1.1e9
    del moved["years"]["2026"]["gpus"]
    assert golden.differences(old, moved) == ["2026 gpus: 80,000 -> absent",
                                              "2026 cash_usd: 1e+09 -> 1.1e+09 (+10.000%)"]


def test_write_then_compare_round_trips(tmp_path: Path, base_run: RunResult) -> None:
    summary = golden.summarize(base_run)
    target = tmp_path / "g.json"
    golden.write_golden(summary, target)
    back = golden.load_golden(target)
    assert back is not None and golden.differences(back, summary) == []
