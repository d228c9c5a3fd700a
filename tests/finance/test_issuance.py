"""The convertible terms solver: solved notes price at par, and terms move the right way."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.finance.convertibles import convertible_delta, price_convertible
from abm.finance.dilution import capped_call_value
from abm.finance.issuance import FACE_USD, size_convertible

CONVENTIONS = {"premium_max": 0.75, "coupon_max": 0.05, "call_start_years": 3.0,
               "call_trigger": 1.3, "steps": 120}


def solve(vol: float, spread: float, premium: float = 0.30, **kw: float):  # type: ignore[no-untyped-def]
    args = {**CONVENTIONS, **kw}
    return size_convertible(100.0, vol, 0.04, spread, 5.0, premium=premium, **args)


@settings(max_examples=12, deadline=None)
@given(vol=st.floats(0.25, 1.0), spread=st.floats(0.0, 0.09), premium=st.floats(0.25, 0.45))
def test_solved_notes_price_at_par_under_the_pricer(vol: float, spread: float,
                                                    premium: float) -> None:
    terms = solve(vol, spread, premium)
    if terms is None:  # no coupon up to 5% reaches par: the raise fails
        assert float(price_convertible(100.0, vol, 0.04, spread, 100 * (1 + premium), 5.0,
                                       coupon_rate=0.05, steps=120, call_start_years=3.0,
                                       call_trigger=1.3)) < FACE_USD * 0.995
        return
    price = float(price_convertible(100.0, vol, 0.04, spread, terms.conversion_price_usd, 5.0,
                                    coupon_rate=terms.coupon_rate, steps=120,
                                    call_start_years=3.0, call_trigger=1.3))
    assert price == pytest.approx(terms.price_per_face, rel=1e-12)
    assert 0.0 <= terms.coupon_rate <= 0.05 and premium <= terms.premium <= 0.75
    if terms.at_par:
        assert abs(price / FACE_USD - 1.0) <= 0.005
    else:  # rich even at 0% and the maximum premium
        assert terms.coupon_rate == 0.0 and terms.premium == 0.75 and price > FACE_USD


def test_higher_vol_means_a_lower_coupon() -> None:
    coupons = [solve(v, 0.06).coupon_rate for v in (0.35, 0.45, 0.55)]  # type: ignore[union-attr]
    assert coupons[0] > coupons[1] > coupons[2] > 0.0


def test_higher_spread_means_a_higher_coupon() -> None:
    coupons = [solve(0.45, s).coupon_rate for s in (0.04, 0.06, 0.08)]  # type: ignore[union-attr]
    assert 0.0 < coupons[0] < coupons[1] < coupons[2] < 0.05


def test_a_rich_note_raises_its_premium_and_an_impossible_one_fails() -> None:
    rich = solve(0.7, 0.03, premium=0.25)
    assert rich is not None and rich.at_par and rich.coupon_rate == 0.0 and rich.premium > 0.25
    assert solve(0.25, 0.30) is None  # a 30% spread: no coupon up to 5% reaches par
    capped = solve(2.0, 0.0, premium=0.25, premium_max=0.45)
    assert capped is not None and not capped.at_par and capped.premium == 0.45


def test_the_hedge_is_delta_times_notes() -> None:
    terms = solve(0.6, 0.04)
    assert terms is not None
    delta = float(convertible_delta(100.0, 0.6, 0.04, 0.04, terms.conversion_price_usd, 5.0,
                                    coupon_rate=terms.coupon_rate, steps=120,
                                    call_start_years=3.0, call_trigger=1.3))
    assert terms.hedge_shares(1e9) == pytest.approx(delta * 1e6)
    assert 0 < terms.hedge_shares(1e9) < terms.conversion_shares(1e9)
    with pytest.raises(ValueError, match="coupon_min"):
        size_convertible(100.0, 0.6, 0.04, 0.04, 5.0, premium=0.5, premium_max=0.4,
                         coupon_max=0.05)


def test_irens_2031_note_is_the_calibration_point() -> None:
    """The world's figures reprice IREN's 0% 2031 note at par near its 42.5% premium.

    Capped call $56.7M on 11.68M shares ($85.63 -> $120.18) implies ~60% vol; with a 4%
    rate, a 3-year soft call at 130% and IREN's 3.0% spread the note clears at 0%.
    """
    spot, years = 85.63 / 1.425, (dt.date(2031, 7, 1) - dt.date(2025, 10, 9)).days / 365.0
    cost = float(capped_call_value(spot, 85.63, 120.18, 0.60, 0.04, years, 1e9 / 85.63))
    assert cost == pytest.approx(56.7e6, rel=0.02)
    terms = size_convertible(spot, 0.60, 0.04, 0.030, years, premium=0.425, premium_max=0.75,
                             coupon_max=0.05, call_start_years=3.0, call_trigger=1.3,
                             steps=500)
    assert terms is not None and terms.at_par
    assert terms.coupon_rate == 0.0 and terms.premium == pytest.approx(0.425, abs=0.01)


def test_the_world_tree_is_close_to_a_fine_tree() -> None:
    """200 steps (the world's pricer_steps) within 0.75% of 1,000 across the conventions."""
    grid = np.meshgrid([0.4, 0.9, 1.2], [0.01, 0.04, 0.08], [0.25, 0.45, 0.75], [0.0, 0.05],
                       indexing="ij")
    vol, spread, premium, coupon = (g.ravel() for g in grid)

    def value(steps: int) -> np.ndarray:
        return price_convertible(100.0, vol, 0.04, spread, 100.0 * (1 + premium), 5.7,
                                 coupon_rate=coupon, steps=steps, call_start_years=3.0,
                                 call_trigger=1.3)

    assert np.max(np.abs(value(200) / value(1000) - 1.0)) < 0.0075


def test_terms_carry_over_to_another_reference_price() -> None:
    """Value per face depends on spot / conversion price only: re-striking needs no solve."""
    terms = solve(0.6, 0.05)
    assert terms is not None
    moved = terms.at_spot(97.0, 100.0)
    kw = {"coupon_rate": moved.coupon_rate, "steps": 120, "call_start_years": 3.0,
          "call_trigger": 1.3}
    assert moved.conversion_price_usd == pytest.approx(97.0 * (1 + terms.premium))
    assert float(price_convertible(97.0, 0.6, 0.04, 0.05, moved.conversion_price_usd, 5.0,
                                   **kw)) == pytest.approx(terms.price_per_face, rel=1e-9)
    assert float(convertible_delta(97.0, 0.6, 0.04, 0.05, moved.conversion_price_usd, 5.0,
                                   **kw)) == pytest.approx(moved.delta_shares_per_note,
                                                           rel=1e-9)


def test_remembered_terms_are_the_solved_terms(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Terms read back from the disk memo equal freshly solved ones exactly, and a run
    is the same with the memo off, empty or warm."""
    from abm import memo
    from abm.finance import issuance
    from worlds.run import run_world

    monkeypatch.setenv(memo.ENV, str(tmp_path))
    monkeypatch.setattr(issuance, "_MEMO", memo.DiskMemo("size_convertible", "test"))
    cases = [(0.45, 0.06, 0.30), (0.7, 0.03, 0.25), (0.25, 0.30, 0.30), (2.0, 0.0, 0.25)]
    issuance._size_at_reference.cache_clear()
    solved = [solve(vol, spread, premium) for vol, spread, premium in cases]
    issuance._size_at_reference.cache_clear()
    remembered = [solve(vol, spread, premium) for vol, spread, premium in cases]
    assert remembered == solved and solved[2] is None and solved[3] is not None
    assert issuance._size_at_reference.cache_info().misses == len(cases)

    paths = []
    for setting in ("off", str(tmp_path / "run"), str(tmp_path / "run")):  # off, empty, warm
        monkeypatch.setenv(memo.ENV, setting)
        monkeypatch.setattr(issuance, "_MEMO", memo.DiskMemo("size_convertible", "run"))
        issuance._size_at_reference.cache_clear()
        paths.append(run_world("iren", 1, "2027-06-30", log_events=False).path)
    with sqlite3.connect(tmp_path / "run" / memo.FILE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM size_convertible_run").fetchone()[0] > 3
    pd.testing.assert_frame_equal(paths[0], paths[1])
    pd.testing.assert_frame_equal(paths[0], paths[2])


def test_the_memo_keys_every_pricer_file_the_terms_depend_on() -> None:
    """Each ``abm.finance`` module the sizing imports, directly or not, is in the key.

    An edit to any of them must not read back terms its old code computed.
    """
    import ast

    import abm.finance.issuance as issuance
    from abm.finance.issuance import PRICER_SOURCES

    folder = Path(issuance.__file__).parent
    needed: set[str] = set()
    todo = ["issuance.py"]
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        for node in ast.walk(ast.parse((folder / name).read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if module is not None and module.startswith("abm.finance."):
                todo.append(module.rsplit(".", 1)[1] + ".py")
    assert needed == set(PRICER_SOURCES)
