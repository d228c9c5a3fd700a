import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.agent import Agent, ProcessBody
from abm.config import read_toml
from abm.model import Model
from agents.grid.specs import LoadKind, UtilitySpec
from agents.grid.taker import PowerTaker
from agents.grid.utility import InterconnectDecision, Utility
from agents.neoclouds.neocloud import Neocloud
from agents.neoclouds.site import Site
from worlds.build import build_model
from worlds.catalog import load_world

START = dt.date(2025, 11, 6)
ROOT = Path(__file__).resolve().parents[2]
Plan = list[tuple[float, str, float, LoadKind]]  # (t_days, site, mw, load kind)


class Taker(PowerTaker):
    """A company with real Sites: it files requests on a plan, runs mining on half of what it
    is given, and sheds mining first when curtailed."""

    def __init__(self, model: Model, name: str, utility: str, plan: Plan | None = None,
                 sites: tuple[Site, ...] = ()) -> None:
        super().__init__(model, name)
        self.utility, self.plan = utility, list(plan or [])
        self.sites = {s.name: s for s in sites}
        self.decisions: list[InterconnectDecision] = []
        self.cuts: list[tuple[str, float, float, float]] = []
        model.ledger.open_account(name, 1e9)

    def start(self) -> None:
        for t, site, mw, kind in self.plan:
            self.process(self._file(t, site, mw, kind))

    def _file(self, t: float, site: str, mw: float, kind: LoadKind) -> ProcessBody:
        yield self.env.timeout(t)
        utility = self.model.agent(self.utility, Utility)
        self.decisions.append((yield utility.request_interconnect(self.name, site, mw, kind,
                                                                  None)))

    def receive_power(self, site: str, mw: float, cause: int) -> None:
        s = self.sites[site]
        s.energize(mw)
        s.mining_ehs += mw / 2 / s.j_per_th
        s.check()

    def add_site(self, site: str, utility: str, secured_mw: float, cause: int) -> None:
        if site in self.sites:
            self.sites[site].secured_mw += secured_mw
        else:
            self.sites[site] = Site(site, self.name, utility, secured_mw, 0.0, 0.0, 0.0, 15.0, 1.2)

    def curtail(self, site: str, mw: float, hours: float, cause: int) -> tuple[float, float]:
        s = self.sites[site]
        mining, ai = s.curtail_plan(mw)
        self.cuts.append((site, s.mining_load_mw, mining, ai))
        return mining, ai


def spec(**over: Any) -> UtilitySpec:
    data: dict[str, Any] = {
        "display_name": "Test utility", "region": "R", "study_days_median": 30.0,
        "study_days_sigma": 0.0, "study_slots": 10, "batch_interval_days": 60.0,
        "first_tranche_days": 30.0, "tranche_count": 2, "tranche_spacing_days": 30.0,
        "grid": {"supplies": {"gen": {"capacity_mw": 500.0}}, "substations": ["sub"],
                 "edges": [{"from_node": "gen", "to_node": "sub", "capacity_mw": 1000.0}],
                 "sites": {"x_site": {"substation": "sub", "attach_capacity_mw": 500.0},
                           "y_site": {"substation": "sub", "attach_capacity_mw": 500.0}},
                 "default_substation": "sub"}}
    data.update(over)
    return UtilitySpec.model_validate(data)


def run(utility_spec: UtilitySpec, plans: dict[str, Plan], days: float = 400.0,
        seed: int = 0, sites: Callable[[str], tuple[Site, ...]] = lambda _n: ()
        ) -> tuple[Model, Utility, dict[str, Taker]]:
    model = Model(START, seed)
    utility = Utility(model, "grid_co", utility_spec)
    takers = {n: Taker(model, n, "grid_co", p, sites(n)) for n, p in plans.items()}
    model.run(START + dt.timedelta(days=days))
    return model, utility, takers


def test_the_taker_is_a_power_taker() -> None:
    assert isinstance(Taker(Model(START, 0), "t", "u"), PowerTaker)


def test_fifo_and_sb6_batch_decide_the_same_requests_differently() -> None:
    plans: dict[str, Plan] = {"x": [(0.0, "x_site", 400.0, "ai")],
                              "y": [(10.0, "y_site", 400.0, "ai")]}
    outcomes = {}
    for policy in ("fifo", "sb6_batch"):
        model, _u, takers = run(spec(policy=policy, deposit_usd_per_mw=1_000.0,
                                     sb6_deposit_usd_per_mw=5_000.0), plans)
        outcomes[policy] = [(round(d.approved_mw, 1), round(model.log.get(d.decided_event).t_days))
                            for n in ("x", "y") for d in takers[n].decisions]
        deposits = model.ledger.to_frame().query("account == 'deposit.interconnect'")
        assert deposits["amount_usd"].sum() == pytest.approx(
            -800.0 * (1_000.0 if policy == "fifo" else 5_000.0))
    # fifo: x is studied first and takes 400 of the 500 MW; y gets the 100 left.
    assert outcomes["fifo"] == [(400.0, 30), (100.0, 40)]
    # sb6: both join the batch closing on day 60, studied for 30 days, sharing pro rata.
    assert outcomes["sb6_batch"] == [(250.0, 90), (250.0, 90)]


def test_cause_chain_and_no_event_before_its_cause() -> None:
    plans: dict[str, Plan] = {"x": [(0.0, "x_site", 300.0, "ai"), (5.0, "new_site", 300.0, "ai")]}
    model, utility, takers = run(spec(deposit_usd_per_mw=1_000.0,
                                      deposit_refundable_share=0.5), plans)
    events = model.log.to_frame()
    kinds = dict(zip(events["id"], events["kind"], strict=True))
    causes, t = model.log.causes(), events["t_days"].to_numpy()
    has = causes >= 0
    assert has.sum() == 8  # 2 studied, 2 approved, 4 energized
    assert (causes[has] < np.arange(causes.size)[has]).all()
    assert (t[causes[has]] <= t[has]).all()
    approved = events[events["kind"] == "interconnect.approved"]
    for event_id in approved["id"]:
        chain = [kinds[i] for i in model.log.chain(int(event_id))]
        assert chain == ["interconnect.approved", "interconnect.studied",
                         "interconnect.requested"]
    energized = events[events["kind"] == "interconnect.energized"]
    assert set(energized["cause"].astype(int)) <= set(approved["id"])
    x = takers["x"]
    assert [round(d.approved_mw) for d in x.decisions] == [300, 200]  # the second is partial
    assert x.sites["new_site"].energized_mw == pytest.approx(200.0)
    ledger = model.ledger.to_frame()
    assert ledger.query("account == 'deposit.refund'")["amount_usd"].sum() == pytest.approx(
        0.5 * 600 * 1_000.0)
    assert utility.queue_mw == pytest.approx(0.0)
    assert utility.energized_mw == pytest.approx(500.0)
    assert utility.deliverable_mw("y_site") == pytest.approx(0.0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 200.0), st.sampled_from(["x_site", "y_site", "z"]),
                          st.floats(1.0, 700.0), st.sampled_from(["ai", "mining"])),
                min_size=1, max_size=6),
       st.sampled_from(["fifo", "sb6_batch"]))
def test_load_within_energized_within_secured(plan: Plan, policy: str) -> None:
    _model, utility, takers = run(spec(policy=policy, study_days_sigma=0.5), {"x": plan},
                                  days=600.0)
    sites = takers["x"].sites.values()
    for s in sites:
        s.check()
        assert s.load_mw <= s.energized_mw + 1e-6 <= s.secured_mw + 2e-6
    assert sum(s.secured_mw for s in sites) <= 500.0 + 1e-6
    assert utility.approved_mw == pytest.approx(sum(s.secured_mw for s in sites))


def test_bc_hydro_bans_new_mining_and_caps_calls() -> None:
    bc = spec(no_new_mining=True, ai_call_cap_mw=300.0, datacenter_call_cap_mw=100.0,
              call_period_years=2.0, call_start_date=START + dt.timedelta(days=100))
    plan: Plan = [(0.0, "x_site", 50.0, "mining"), (1.0, "x_site", 200.0, "ai"),
                  (2.0, "y_site", 200.0, "ai"), (3.0, "dc", 150.0, "datacenter"),
                  (200.0, "ai2", 50.0, "ai"), (900.0, "ai3", 50.0, "ai")]
    model, _u, takers = run(bc, {"x": plan}, days=1_200.0)
    got = [(round(d.approved_mw), round(model.log.get(d.decided_event).t_days))
           for d in takers["x"].decisions]
    assert got == [(0, 0), (200, 100), (100, 100), (100, 100), (0, 230), (50, 930)]
    reasons = model.log.to_frame().query("kind == 'interconnect.rejected'")["reason"].tolist()
    assert reasons == ["no_new_mining", "call_cap"]


@pytest.mark.parametrize("policy", ["fifo", "sb6_batch"])
def test_curtailment_cuts_mining_before_contracted_ai(policy: str) -> None:
    def sites(name: str) -> tuple[Site, ...]:
        # 100 MW energized: 40 MW of ASICs and 50 MW of GPU IT x 1.2 PUE = 60 MW of AI.
        return (Site("x_site", name, "grid_co", 100.0, 100.0, 50.0, 40.0 / 15.0, 15.0, 1.2,
                     gpu_it_mw=50.0),)
    _m, utility, takers = run(spec(policy=policy, emergency_rate_per_year=20.0,
                                   emergency_shed_share=0.5), {"x": []}, days=365.0,
                              sites=sites)
    cuts = takers["x"].cuts
    assert len(cuts) >= 5
    for _site, mining_load, mining, ai in cuts:
        assert ai <= 1e-9 or mining == pytest.approx(mining_load)  # mining goes first
    ai_cut = sum(c[3] for c in cuts)
    if policy == "fifo":
        assert ai_cut == 0.0  # without an obligation only flexible (mining) load is asked
    else:
        assert ai_cut == pytest.approx(10.0 * len(cuts))  # 50 asked, 40 mining, 10 AI
    assert utility.emergencies.curtailed_mwh > 0
    assert utility.metrics()[-1] == pytest.approx(utility.emergencies.ai_curtailed_mwh)


class CountingRng:
    """Wraps a numpy Generator, counting calls (to show draws come as arrays)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng, self.calls = rng, 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.rng, name)
        if not callable(attr):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return attr(*args, **kwargs)
        return counted


class CountingUtility(Utility):
    def stream(self, purpose: str) -> np.random.Generator:
        rng = super().stream(purpose)
        if purpose == "background":
            self.counter = CountingRng(rng)
            return self.counter  # type: ignore[return-value]
        return rng


def oncor_draft() -> dict[str, Any]:
    return dict(read_toml(ROOT / "worlds" / "iren.toml")["utilities"]["oncor"])


def test_background_is_drawn_in_blocks_and_queue_starts_at_226_gw() -> None:
    data = oncor_draft()
    data.pop("interconnects")
    model = Model(START, 0)
    utility = CountingUtility(model, "oncor", UtilitySpec.model_validate(data))
    model.run(dt.date(2030, 12, 31))
    years = 5.2
    assert utility.requests_count > 200 * years
    assert utility.counter.calls <= 8 * (years + 2)  # ~8 array draws a block, not per request
    path = model.recorder.to_frame()
    assert path["oncor.queue_mw"].iloc[0] == pytest.approx(226_000.0, rel=0.1)
    assert path["oncor.queue_mw"].iloc[13] > path["oncor.queue_mw"].iloc[0]


def test_base_world_queue_starts_near_226_gw_and_grows() -> None:
    world, _ = load_world("iren")
    assert world.reference_problem() is None
    model = build_model(world, 0, world.world.until)
    model.run(world.world.until)
    path = model.recorder.to_frame()
    queue = path["oncor.queue_mw"]
    assert 200_000 < queue.iloc[0] < 250_000
    assert str(queue.index[13])[:10] == "2026-12-31"
    assert queue.iloc[13] > queue.iloc[0]
    for company in model.of_type(Neocloud):
        for site in company.sites.values():
            site.check()


def test_too_little_headroom_is_a_rejection_that_keeps_the_headroom() -> None:
    plan: Plan = [(0.0, "x_site", 497.0, "ai"), (1.0, "y_site", 10.0, "ai")]
    _m, utility, takers = run(spec(min_approval_mw=5.0), {"x": plan}, days=200.0)
    assert [d.approved_mw for d in takers["x"].decisions] == [pytest.approx(497.0), 0.0]
    assert utility.deliverable_mw("y_site") == pytest.approx(3.0)
    assert utility.grid is not None and utility.grid.committed_mw() == pytest.approx(497.0)


def test_listed_interconnects_energize_in_tranches_after_their_slip() -> None:
    listed = spec(interconnects=[{"company": "x", "site": "x_site", "mw": 300.0,
                                  "target_date": START + dt.timedelta(days=100),
                                  "slip_days_mean": 20.0, "tranches": 3,
                                  "tranche_spacing_days": 50.0}])

    def sites(name: str) -> tuple[Site, ...]:
        return (Site("x_site", name, "grid_co", 300.0, 0.0, 0.0, 0.0, 15.0, 1.2),)
    model, utility, takers = run(listed, {"x": []}, days=400.0, sites=sites)
    events = model.log.to_frame()
    approved = events[events["kind"] == "interconnect.approved"]
    energized = events[events["kind"] == "interconnect.energized"]
    assert len(approved) == 1 and bool(approved["listed"].iloc[0])
    assert (energized["cause"] == approved["id"].iloc[0]).all()
    t = energized["t_days"].to_numpy()
    assert t[0] > 100.0 and np.allclose(np.diff(t), 50.0)
    assert takers["x"].sites["x_site"].energized_mw == pytest.approx(300.0)
    assert utility.queue_mw == pytest.approx(0.0) and utility.energized_mw == pytest.approx(300.0)
    assert utility.grid is not None and utility.grid.committed_mw("x_site") == pytest.approx(300.0)


def test_booked_queue_exits_settle_when_read_in_time_then_booking_order() -> None:
    """Exits booked for later leave the queue only once their time has come, in (time,
    booking) order: the running sums are those of the exits taken in that order."""
    model = Model(START, seed=0)
    utility = Utility(model, "grid_co", spec())
    seen: list[tuple[float, float]] = []
    exits = [(5.0, 0.1, 0.0), (2.0, 0.7, 0.7), (5.0, 1e16, 0.0), (2.0, 0.2, 0.0),
             (5.0, -1e16, 0.0), (9.0, 3.0, 3.0)]  # ties at 2 and 5; order moves the sum

    class Reader(Agent):
        def start(self) -> None:
            self.process(self.body())

        def body(self) -> ProcessBody:
            for mw in (0.1, 0.7, 1e16, 0.2, -1e16, 3.0):
                utility.add_to_queue(mw)
            for t, queue_mw, energized_mw in exits:
                utility.leave_queue(t, queue_mw, energized_mw)
            for t in (1.0, 2.0, 4.0, 5.0, 10.0):
                yield self.sleep(t - self.now)
                seen.append((utility.queue_mw, utility.energized_mw))

    Reader(model, "reader")
    model.run(START + dt.timedelta(days=20))
    queue, energized = 0.1 + 0.7 + 1e16 + 0.2 - 1e16 + 3.0, 0.0
    order = sorted(range(len(exits)), key=lambda i: (exits[i][0], i))
    taken: set[int] = set()
    expected = []
    for t in (1.0, 2.0, 4.0, 5.0, 10.0):
        for i in order:
            if exits[i][0] <= t and i not in taken:
                taken.add(i)
                queue -= exits[i][1]
                energized += exits[i][2]
        expected.append((queue, energized))
    assert seen == expected  # exact: the same subtractions in the same order
