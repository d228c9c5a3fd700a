"""Every knob turns: each numeric parameter has a declared range, runs anywhere inside it,
and is refused in one line outside it (issue #28)."""

from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abm.config import ConfigError
from abm.ranges import Range, numeric_fields
from neocloud_abm.cli import main
from worlds.catalog import load_world
from worlds.ranges import declared_range, numeric_leaves, valid_range
from worlds.run import simulate
from worlds.spec import WorldSpec

UNTIL = "2025-12-31"  # two months: the start, a month close, the starting fleet's arrival
BASE, _ = load_world("iren")
DATA = BASE.model_dump()
LEAVES = list(numeric_leaves(BASE))
VALID = {key: r for key, _v in LEAVES if (r := valid_range(BASE, key, DATA)) is not None}


def test_every_numeric_field_of_a_world_declares_a_closed_range() -> None:
    fields = list(numeric_fields(WorldSpec))
    assert len(fields) > 250
    open_ends = [f"{key} {r}" for key, r in fields if not r.closed]
    assert not open_ends, open_ends


def test_the_base_world_sits_inside_every_valid_range() -> None:
    assert len(LEAVES) > 1000 and len(VALID) == len(LEAVES)
    outside = [(k, v, str(VALID[k])) for k, v in LEAVES if not VALID[k].contains(v)]
    assert not outside


def _text(value: float, whole: bool) -> str:
    return str(int(value)) if whole else repr(float(value))


def _inside(draw: st.DrawFn) -> tuple[str, str]:
    key = draw(st.sampled_from(sorted(VALID)))
    r = VALID[key]
    if r.whole:
        return key, str(draw(st.integers(math.ceil(r.lo), math.floor(r.hi))))
    return key, repr(draw(st.floats(r.lo, r.hi, allow_nan=False, allow_infinity=False)))


def _outside(draw: st.DrawFn) -> tuple[str, str]:
    key = draw(st.sampled_from(sorted(VALID)))
    r = declared_range(key)
    assert r is not None
    step = draw(st.floats(1e-3, 10.0)) * max(1.0, abs(r.lo), abs(r.hi))
    below = draw(st.booleans())
    value = r.lo - step if below else r.hi + step
    if r.whole:
        value = math.floor(value) if below else math.ceil(value)
    return key, _text(value, r.whole)


def _abm_run(key: str, value: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        status = main(["run", "iren", "--until", UNTIL, "--set", f"{key}={value}",
                       "--out", str(Path(folder) / "run")])
    return status, capsys.readouterr().err.strip().splitlines()


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.composite(_inside)())
def test_a_value_inside_its_valid_range_runs(case: tuple[str, str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    status, err = _abm_run(*case, capsys)
    assert status == 0, (case, err)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.composite(_outside)())
def test_a_value_outside_its_declared_range_is_one_line_naming_key_value_range(
        case: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    key, value = case
    status, err = _abm_run(key, value, capsys)
    assert status == 2 and len(err) == 1, (case, err)
    r = declared_range(key)
    assert f"--set: {key}: expected a " in err[0] and f"in {r} (its declared range)" in err[0]
    assert f"got {value}" in err[0] or f"got {float(value)!r}" in err[0], err


def test_a_value_breaking_a_relation_is_refused_in_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert str(VALID["neoclouds.iren.sites.prince_george.energized_mw"]) == "[0, 50]"
    status, err = _abm_run("iren.sites.prince_george.energized_mw", "60.0", capsys)
    assert status == 2 and len(err) == 1 and "energized_mw (60.0) exceeds secured_mw" in err[0]


@pytest.mark.parametrize("key, value", [("iren.pue", 1.4), ("iren.pue", 3.0),
                                        ("iren.sites.prince_george.it_built_mw", 0.0),
                                        ("iren.sites.childress.mining_ehs", 500.0),
                                        ("iren.mining_j_per_th", 100.0),
                                        ("contracts.crusoe_oracle.tranches.0.it_mw", 1e4)])
def test_the_starting_state_adapts_to_what_fits(key: str, value: float) -> None:
    model, _spec, _meta = simulate("iren", 0, "2026-03-31", [(key, value)])
    kinds = set(model.log.to_frame()["kind"])
    assert kinds & {"fleet.waiting", "start.adjusted"}, sorted(kinds)


def test_pue_1_4_places_the_fleet_that_fits_and_leaves_the_rest_waiting() -> None:
    model, _spec, _meta = simulate("iren", 0, "2026-03-31", [("iren.pue", 1.4)])
    events = model.log.to_frame()
    waiting = events[(events["kind"] == "fleet.waiting") & (events["agent"] == "iren")]
    assert len(waiting) == 1
    iren = model.agents["iren"]
    site = iren.sites["prince_george"]  # type: ignore[attr-defined]
    assert site.ai_load_mw <= site.energized_mw + 1e-6
    in_service = sum(b.gpus for b in iren.batches if b.in_service)  # type: ignore[attr-defined]
    held = sum(b.gpus for b in iren.batches)  # type: ignore[attr-defined]
    assert held == 10_900 + 12_100 and 0 < held - in_service < 2_000


def test_every_numeric_parameter_runs_at_both_ends_of_its_valid_range() -> None:
    """The catalogue: each end of each parameter of the base world is its own short run."""
    started, failures, runs = time.perf_counter(), [], 0
    for key, r in VALID.items():
        for end in (r.lo, r.hi):
            value = int(end) if r.whole else end
            runs += 1
            try:
                simulate("iren", 0, UNTIL, [(key, value)], log_events=False)
            except ConfigError as exc:
                failures.append(f"{key}={value}: refused: {exc}")
            except Exception as exc:  # the point: nothing inside the range may raise
                failures.append(f"{key}={value}: {type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - started
    assert runs == 2 * len(VALID) and not failures, failures[:20]
    print(f"\n{runs} runs ({len(VALID)} parameters x 2 ends) to {UNTIL} in {seconds:.0f} s")


def test_range_text_and_narrowing() -> None:
    r = Range(0.0, 1.0)
    assert str(r) == "[0, 1]" and r.contains(0.0) and r.contains(1.0) and not r.contains(1.1)
    assert str(r.narrowed(0.25, 2.0)) == "[0.25, 1]"
    assert str(Range(1.0, 1e9, lo_open=True)) == "(1, 1e+09]"
