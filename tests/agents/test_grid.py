from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from abm.config import read_toml
from agents.grid.graph import Grid
from agents.grid.specs import GridSpec, PipelineSpec, UtilitySpec

WORLD = Path(__file__).resolve().parents[2] / "worlds" / "iren.toml"


def grid_spec(**over: Any) -> GridSpec:
    """One 500 MW supply -> hub -> sub_a (sites a1, a2) and sub_b (site b1); sub_a's line 300."""
    data: dict[str, Any] = {
        "supplies": {"gen": {"capacity_mw": 500.0}},
        "substations": ["hub", "sub_a", "sub_b"],
        "edges": [{"from_node": "gen", "to_node": "hub", "capacity_mw": 1000.0},
                  {"from_node": "hub", "to_node": "sub_a", "capacity_mw": 300.0},
                  {"from_node": "hub", "to_node": "sub_b", "capacity_mw": 400.0}],
        "sites": {"a1": {"substation": "sub_a", "attach_capacity_mw": 250.0},
                  "a2": {"substation": "sub_a", "attach_capacity_mw": 250.0},
                  "b1": {"substation": "sub_b", "attach_capacity_mw": 400.0}},
    }
    data.update(over)
    return GridSpec.model_validate(data)


def test_deliverable_is_a_max_flow_that_shrinks_as_loads_connect() -> None:
    grid = Grid(grid_spec())
    assert grid.headroom_mw("a1") == pytest.approx(250.0)
    assert grid.headroom_mw("sub_a") == pytest.approx(300.0)
    assert grid.headroom_mw("b1") == pytest.approx(400.0)
    assert grid.grant("a1", 200.0) == pytest.approx(200.0)
    assert grid.headroom_mw("a2") == pytest.approx(100.0)  # sub_a's 300 MW line
    assert grid.headroom_mw("b1") == pytest.approx(300.0)  # the 500 MW supply
    assert grid.grant("b1", 400.0) == pytest.approx(300.0)
    assert grid.headroom_mw("a2") == pytest.approx(0.0)
    assert grid.committed_mw() == pytest.approx(500.0)


def test_batch_shares_what_fits_and_tops_up_the_unconstrained() -> None:
    grid = Grid(grid_spec(supplies={"gen": {"capacity_mw": 1000.0}}))
    granted = grid.grant_batch([("a1", 250.0), ("a2", 250.0), ("b1", 100.0)])
    assert granted[0] == pytest.approx(150.0, abs=0.1)  # sub_a's 300 MW shared pro rata
    assert granted[1] == pytest.approx(150.0, abs=0.1)
    assert granted[2] == pytest.approx(100.0, abs=1e-6)  # behind a line the batch does not fill
    assert sum(granted) == pytest.approx(grid.committed_mw())


def test_supplies_grow_and_overcommitted_starts_get_nothing() -> None:
    spec = grid_spec(supplies={"gen": {"capacity_mw": 500.0, "growth_mw_per_year": 365.25}})
    grid = Grid(spec)
    grid.commit("b1", 400.0)
    grid.commit("a1", 250.0)  # 650 MW on a 500 MW supply: not all served
    assert grid.headroom_mw("a2") == pytest.approx(0.0)
    grid.set_time(300.0)  # +300 MW of supply
    assert grid.headroom_mw("a2") == pytest.approx(50.0)


def test_unknown_nodes_and_name_clashes_are_rejected() -> None:
    with pytest.raises(ValidationError, match="unknown node"):
        grid_spec(edges=[{"from_node": "gen", "to_node": "nowhere", "capacity_mw": 1.0}])
    with pytest.raises(ValidationError, match="unique"):
        grid_spec(substations=["hub", "sub_a", "sub_b", "gen"])
    with pytest.raises(ValidationError, match="substation"):
        grid_spec(default_substation="a1")
    grid = Grid(grid_spec(default_substation="sub_b"))
    grid.attach("new_site", "sub_b", None)
    with pytest.raises(ValueError, match="already"):
        grid.attach("new_site", "sub_b", 10.0)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a1", "a2", "b1", "sub_a", "hub"]),
                          st.floats(0.0, 600.0)), max_size=8))
def test_grants_never_exceed_the_grid(grants: list[tuple[str, float]]) -> None:
    grid = Grid(grid_spec())
    for node, mw in grants:
        before = {n: grid.headroom_mw(n) for n in ("a1", "a2", "b1")}
        got = grid.grant(node, mw)
        assert -1e-9 <= got <= mw + 1e-9
        for n, room in before.items():
            assert grid.headroom_mw(n) <= room + 1e-6  # connecting never adds room elsewhere
    assert grid.committed_mw() <= 500.0 + 1e-6
    assert grid.committed_mw("a1") + grid.committed_mw("a2") + grid.committed_mw("sub_a") \
        <= 300.0 + 1e-6


def test_world_grids_validate_and_max_flow_runs_once_per_query() -> None:
    draft = read_toml(WORLD)
    utilities = {n: UtilitySpec.model_validate(u) for n, u in draft["utilities"].items()}
    pipeline = PipelineSpec.model_validate(draft["pipeline"])
    assert pipeline.reference_problem(utilities) is None
    assert 8 <= len(pipeline.candidates) <= 15
    ercot = utilities["oncor"].grid
    assert ercot is not None
    grid = Grid(ercot)
    for _ in range(50):
        grid.headroom_mw("sweetwater_1")
    assert grid.max_flow_calls == 51  # existing loads checked once, then one per query
