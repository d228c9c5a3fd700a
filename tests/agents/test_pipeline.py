import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from abm.agent import ProcessBody
from abm.model import Model
from agents.grid.pipeline import FilingOutcome, PowerPipeline
from agents.grid.specs import PipelineSpec, UtilitySpec
from agents.grid.taker import PowerTaker
from agents.grid.utility import Utility
from agents.neoclouds.neocloud import Neocloud
from agents.neoclouds.site import Site
from worlds.build import build_model
from worlds.catalog import load_world

START = dt.date(2025, 11, 6)
ROOT = Path(__file__).resolve().parents[2]


class Company(PowerTaker):
    """A company with real Sites that files for candidates or buys them on a plan."""

    def __init__(self, model: Model, name: str, plan: list[tuple[float, str, str]]) -> None:
        super().__init__(model, name)
        self.plan = plan
        self.sites: dict[str, Site] = {}
        self.outcomes: list[FilingOutcome] = []
        self.paid_usd: list[float] = []
        model.ledger.open_account(name, 1e9)

    def start(self) -> None:
        for t, action, candidate in self.plan:
            self.process(self._act(t, action, candidate))

    def _act(self, t: float, action: str, candidate: str) -> ProcessBody:
        yield self.env.timeout(t)
        pipeline = self.model.agent("pipeline", PowerPipeline)
        if action == "buy":
            self.paid_usd.append(pipeline.buy_powered_site(self.name, candidate, None))
        else:
            self.outcomes.append((yield pipeline.file_request(self.name, candidate, None)))

    def receive_power(self, site: str, mw: float, cause: int) -> None:
        self.sites[site].energize(mw)

    def add_site(self, site: str, utility: str, secured_mw: float, cause: int) -> None:
        held = self.sites.setdefault(site, Site(site, self.name, utility, 0.0, 0.0, 0.0, 0.0,
                                                15.0, 1.2))
        held.secured_mw += secured_mw

    def curtail(self, site: str, mw: float, hours: float, cause: int) -> tuple[float, float]:
        return self.sites[site].curtail_plan(mw)


def utility_spec() -> UtilitySpec:
    return UtilitySpec.model_validate({
        "display_name": "Texas", "region": "ERCOT", "study_days_median": 60.0,
        "study_days_sigma": 0.0, "first_tranche_days": 30.0, "tranche_count": 1,
        "deposit_usd_per_mw": 10_000.0, "deposit_refundable_share": 1.0,
        "grid": {"supplies": {"gen": {"capacity_mw": 600.0}}, "substations": ["west", "east"],
                 "edges": [{"from_node": "gen", "to_node": "west", "capacity_mw": 500.0},
                           {"from_node": "gen", "to_node": "east", "capacity_mw": 80.0}]}})


def pipeline_spec() -> PipelineSpec:
    def cand(sub: str, mw: float, **more: Any) -> dict[str, Any]:
        return {"utility": "texas", "region": "ERCOT", "substation": sub, "prospective_mw": mw,
                **more}
    return PipelineSpec.model_validate({"candidates": {
        "west_a": cand("west", 400.0), "west_b": cand("west", 300.0),
        "east_small": cand("east", 200.0),
        "east_powered": cand("east", 80.0, powered_mw=80.0, asking_usd_per_mw=1.5e6),
        "nordic": {**cand("west", 50.0), "region": "Nordics"}}})


def run(plans: dict[str, list[tuple[float, str, str]]], days: float = 300.0
        ) -> tuple[Model, PowerPipeline, dict[str, Company]]:
    model = Model(START, 0)
    Utility(model, "texas", utility_spec())
    pipeline = PowerPipeline(model, "pipeline", pipeline_spec())
    companies = {n: Company(model, n, p) for n, p in plans.items()}
    model.run(START + dt.timedelta(days=days))
    return model, pipeline, companies


def kinds(model: Model, agent: str = "pipeline") -> list[tuple[str, Any, Any]]:
    events = model.log.to_frame()
    rows = events[events["agent"] == agent]
    return list(zip(rows["kind"], rows["company"], rows["site"], strict=True))


def test_first_filer_secures_the_candidate_the_second_is_beaten() -> None:
    model, pipeline, companies = run({"iren": [(1.0, "file", "west_a")],
                                      "rival": [(2.0, "file", "west_a")]})
    assert kinds(model) == [("site.lost", "rival", "west_a"), ("site.secured", "iren", "west_a")]
    [won], [lost] = companies["iren"].outcomes, companies["rival"].outcomes
    assert won.secured_mw == pytest.approx(400.0) and lost.secured_mw == 0.0
    assert model.log.get(lost.event).data["reason"] == "beaten"
    site = companies["iren"].sites["west_a"]
    assert site.secured_mw == pytest.approx(400.0) == site.energized_mw
    assert pipeline.candidate("west_a").status == "secured"
    assert "west_a" not in [c.name for c in pipeline.open_candidates()]
    chain = [model.log.get(i).kind for i in model.log.chain(won.event)]
    assert chain == ["site.secured", "interconnect.approved", "interconnect.studied",
                     "interconnect.requested"]


def test_the_queue_position_decides_who_gets_shared_headroom() -> None:
    _model, _p, companies = run({"iren": [(1.0, "file", "west_a")],
                                "rival": [(2.0, "file", "west_b")]})
    assert companies["iren"].outcomes[0].secured_mw == pytest.approx(400.0)
    assert companies["rival"].outcomes[0].secured_mw == pytest.approx(100.0)  # west's 500 MW


def test_no_headroom_loses_the_site_and_closes_the_candidate() -> None:
    model, pipeline, companies = run({"iren": [(1.0, "buy", "east_powered"),
                                               (2.0, "file", "east_small")],
                                      "rival": [(200.0, "file", "east_small")]})
    [rejected] = companies["iren"].outcomes
    assert rejected.secured_mw == 0.0
    assert model.log.get(rejected.event).data["reason"] == "rejected"
    assert model.log.get(companies["rival"].outcomes[0].event).data["reason"] == "closed"
    assert pipeline.candidate("east_small").status == "rejected"
    ledger = model.ledger.to_frame()
    deposits = ledger[(ledger["company"] == "iren")
                      & ledger["account"].astype(str).str.startswith("deposit")]
    assert len(deposits) == 2
    assert deposits["amount_usd"].sum() == pytest.approx(0.0)  # refunded on rejection


def test_buying_a_powered_site_pays_and_takes_its_power() -> None:
    model, pipeline, companies = run({"iren": [(5.0, "buy", "east_powered")]})
    assert companies["iren"].paid_usd == [pytest.approx(80.0 * 1.5e6)]
    site = companies["iren"].sites["east_powered"]
    assert site.secured_mw == pytest.approx(80.0) == site.energized_mw
    capex = model.ledger.to_frame().query("account == 'capex.site_acquisition'")
    assert capex["amount_usd"].tolist() == [pytest.approx(-1.2e8)]
    assert kinds(model) == [("site.acquired", "iren", "east_powered")]
    assert pipeline.candidate("east_powered").status == "acquired"
    with pytest.raises(ValueError, match="not for sale"):
        pipeline.buy_powered_site("iren", "east_powered", None)
    with pytest.raises(ValueError, match="already powered"):
        pipeline.file_request("iren", "east_powered", None)


def test_open_candidates_by_region() -> None:
    model = Model(START, 0)
    Utility(model, "texas", utility_spec())
    pipeline = PowerPipeline(model, "pipeline", pipeline_spec())
    assert [c.name for c in pipeline.open_candidates("Nordics")] == ["nordic"]
    assert len(pipeline.open_candidates()) == 5
    assert [c.name for c in pipeline.open_candidates() if c.buyable] == ["east_powered"]


def test_an_open_candidates_view_is_shared_until_it_is_taken() -> None:
    model = Model(START, 0)
    Utility(model, "texas", utility_spec())
    pipeline = PowerPipeline(model, "pipeline", pipeline_spec())
    Company(model, "iren", [])
    first = pipeline.candidate("west_a")
    assert pipeline.candidate("west_a") is first  # nothing changed: the same view
    assert [c for c in pipeline.open_candidates() if c.name == "west_a"] == [first]
    pipeline.file_request("iren", "west_a", None)
    taken = pipeline.candidate("west_a")
    assert (taken.status, taken.holder) == ("filed", "iren")
    assert (first.status, first.holder) == ("open", None)  # a view is a snapshot
    assert "west_a" not in [c.name for c in pipeline.open_candidates()]


def test_pipeline_runs_in_the_base_world() -> None:
    world, _ = load_world("iren")
    assert world.pipeline.reference_problem(dict(world.utilities)) is None
    model = build_model(world, 0, dt.date(2026, 6, 30))
    pipeline = model.agent("pipeline", PowerPipeline)
    model.run(dt.date(2026, 6, 30))
    iren = model.agent("iren", Neocloud)
    assert iren.sites["childress"].energized_mw > 0
    ercot = [n for n, c in world.pipeline.candidates.items() if c.region == "ERCOT"]
    assert len(ercot) == 6
    views = [pipeline.candidate(n) for n in ercot]
    assert {v.name for v in views if v.status == "open"} == {
        v.name for v in pipeline.open_candidates("ERCOT")}
    assert all(v.holder is not None for v in views if v.status in ("filed", "acquired"))
    oncor = model.agent("oncor", Utility)
    assert oncor.deliverable_mw("tx_permian_greenfield") <= 1_000.0
