"""The power pipeline: candidate sites that companies race to secure, or buy if powered.

Each candidate sits on a utility's grid with the MW it could take. A company secures one by
filing an interconnect request for it first (its queue position, for the site's option fee;
a later filer for the same candidate is beaten), paying the utility's deposit and waiting
for the study; or, if the candidate is already powered, by buying it outright. Secured
power thus grows (or a filing is lost) over a run: ``site.secured``, ``site.acquired`` and
``site.lost`` events.

Sites also come to market over the run, region by region (a Poisson process): each is a
``site.offered`` event; the companies that value it at its price or more bid what it is
worth to them, the highest wins and the others lose it (``site.lost``, outbid); a site no
company wants goes to a buyer outside the world after its time on the market
(``site.withdrawn``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from abm.agent import Agent, ProcessBody
from abm.model import Model
from agents.grid.candidate import Candidate, Status
from agents.grid.specs import CandidateSiteSpec, LoadKind, PipelineSpec, SiteArrivalSpec
from agents.grid.taker import PowerTaker
from agents.grid.utility import InterconnectDecision, Utility

MIN_SITE_MW = 1.0
"""The least a site that comes to market may take (a draw below is rounded up to it)."""


@dataclass(frozen=True)
class FilingOutcome:
    """How a filing ended: MW secured (0 if lost), the site event, the utility's decision."""

    candidate: str
    company: str
    secured_mw: float
    event: int
    decision: InterconnectDecision | None


class PowerPipeline(Agent):
    """The candidate sites of a world and who holds them."""

    def __init__(self, model: Model, name: str, spec: PipelineSpec) -> None:
        super().__init__(model, name)
        self.spec = spec
        self._candidates = dict(spec.candidates)
        self._status: dict[str, Status] = dict.fromkeys(spec.candidates, "open")
        self._holder: dict[str, str] = {}
        self._open_views: dict[str, Candidate] = {}
        self.secured_mw = 0.0
        self.acquired_mw = 0.0

    def start(self) -> None:
        """Attach every candidate to its utility's grid; start the regions' arrivals."""
        for name, c in self.spec.candidates.items():
            self._attach(name, c)
        for region in sorted(self.spec.arrivals):
            self.process(self._arrivals(region, self.spec.arrivals[region]))

    def _attach(self, name: str, c: CandidateSiteSpec) -> None:
        grid = self._utility(c).grid
        if grid is not None:
            grid.attach(name, c.substation, c.prospective_mw)
            if c.powered_mw > 0:
                grid.commit(name, c.powered_mw)

    # --- sites coming to market ----------------------------------------------------------
    def _arrivals(self, region: str, a: SiteArrivalSpec) -> ProcessBody:
        """Offer a new site in ``region`` at exponential gaps, each with drawn terms."""
        if a.sites_per_year <= 0:
            return
        rng = self.stream(f"arrivals.{region}")
        count = 0
        while True:
            yield self.sleep(float(rng.exponential(365.0 / a.sites_per_year)))
            count += 1
            mw = max(MIN_SITE_MW, round(a.mw_median * float(np.exp(
                a.mw_sigma * rng.standard_normal())), 1))
            price_draw = float(np.exp(a.price_sigma * rng.standard_normal()))
            powered = float(rng.uniform()) < a.powered_share
            c = CandidateSiteSpec(
                display_name=f"{region} site {count}", utility=a.utility, region=region,
                substation=a.substations[int(rng.integers(len(a.substations)))],
                prospective_mw=mw, load_kind=a.load_kind, powered_mw=mw if powered else 0.0,
                asking_usd_per_mw=a.powered_usd_per_mw * price_draw if powered else None,
                option_usd_per_mw=0.0 if powered else a.option_usd_per_mw * price_draw)
            self.offer(f"{region}_{count:03d}", c, a.offer_days)

    def offer(self, name: str, c: CandidateSiteSpec, offer_days: float) -> int:
        """Put a new site on the market: companies bid, then it is withdrawn if unsold."""
        if name in self._candidates:
            raise ValueError(f"pipeline: a candidate {name!r} exists already")
        self._candidates[name] = c
        self._status[name] = "open"
        self._attach(name, c)
        view = self.candidate(name)
        offered = self.log("site.offered", site=name, region=c.region, utility=c.utility,
                           mw=c.prospective_mw, powered_mw=c.powered_mw,
                           price_usd=view.price_usd, option_usd=view.option_usd)
        self.process(self._sell(name, offered, offer_days))
        return offered

    def _sell(self, name: str, offered: int, offer_days: float) -> ProcessBody:
        """Take bids after the bid window; withdraw the site if still open at the end."""
        window = min(self.spec.bid_window_days, offer_days)
        yield self.sleep(window)
        view = self.candidate(name)
        bids = sorted(((taker.site_bid_usd(view), taker.name) for taker in self._takers()),
                      reverse=True)
        bidders = [(bid, company) for bid, company in bids if bid >= view.cost_usd and bid > 0]
        if view.status == "open" and bidders:
            (top, winner), lost = bidders[0], bidders[1:]
            won = self.log("site.awarded", cause=offered, company=winner, site=name,
                           bid_usd=top, price_usd=view.cost_usd, bidders=len(bidders))
            for bid, company in lost:
                self.log("site.lost", cause=won, company=company, site=name,
                         reason="outbid", holder=winner, bid_usd=bid)
            self.model.agent(winner, PowerTaker).take_site(view, won)
        yield self.sleep(offer_days - window)
        if self._status[name] == "open":
            self._status[name] = "withdrawn"
            self.log("site.withdrawn", cause=offered, site=name, reason="sold outside")

    def _takers(self) -> list[PowerTaker]:
        return [a for a in self.model.agents.values() if isinstance(a, PowerTaker)]

    # --- queries -------------------------------------------------------------------------
    def candidate(self, name: str) -> Candidate:
        """The candidate called ``name`` as it stands now.

        An open candidate's view is all its spec's (nobody holds it), so it is made once
        and shared until the candidate is taken (companies look ~100 times a run).
        """
        view = self._open_views.get(name)
        if view is not None and self._status[name] == "open":
            return view
        view = self._view(name)
        if view.status == "open":
            self._open_views[name] = view
        return view

    def _view(self, name: str) -> Candidate:
        c = self._spec(name)
        price = (c.asking_usd_per_mw * c.powered_mw
                 if c.asking_usd_per_mw is not None and c.powered_mw > 0 else None)
        return Candidate(name, c.utility, c.region, c.prospective_mw, c.load_kind, c.powered_mw,
                         price, self._status[name], self._holder.get(name),
                         c.option_usd_per_mw * c.prospective_mw)

    def open_candidates(self, region: str | None = None) -> list[Candidate]:
        """Candidates nobody holds or has filed for (in one region if given)."""
        return [self.candidate(n) for n in self._open_names(region)]

    def _open_names(self, region: str | None = None) -> list[str]:
        return [n for n, c in self._candidates.items()
                if self._status[n] == "open" and (region is None or c.region == region)]

    # --- competing for power -------------------------------------------------------------
    def file_request(self, company: str, candidate_name: str, cause: int | None,
                     load_kind: LoadKind | None = None) -> simpy.Event:
        """Claim a candidate's queue position; the event succeeds with a FilingOutcome.

        The first filer's request goes to the candidate's utility (deposit, study,
        decision); a company filing for a candidate already claimed loses it at once.
        """
        c = self._spec(candidate_name)
        if c.powered_mw > 0:
            raise ValueError(f"pipeline: {candidate_name!r} is already powered; buy it instead")
        done = self.env.event()
        status = self._status[candidate_name]
        if status != "open":
            reason = "closed" if status == "rejected" else "beaten"
            lost = self.log("site.lost", cause=cause, company=company, site=candidate_name,
                            reason=reason, holder=self._holder.get(candidate_name))
            done.succeed(FilingOutcome(candidate_name, company, 0.0, lost, None))
            return done
        self._status[candidate_name] = "filed"
        self._holder[candidate_name] = company
        fee_usd = c.option_usd_per_mw * c.prospective_mw
        if fee_usd > 0:
            self.model.ledger.post(company, "capex.site_option", -fee_usd, self.now, cause)
        decision = self._utility(c).request_interconnect(
            company, candidate_name, c.prospective_mw, load_kind or c.load_kind, cause)
        self.process(self._await(company, candidate_name, decision, done))
        return done

    def _await(self, company: str, name: str, decision_event: simpy.Event,
               done: simpy.Event) -> ProcessBody:
        decision: InterconnectDecision = yield decision_event
        if decision.approved_mw > 0:
            self._status[name] = "secured"
            self.secured_mw += decision.approved_mw
            event = self.log("site.secured", cause=decision.decided_event, company=company,
                             site=name, mw=decision.approved_mw,
                             utility=self._candidates[name].utility)
        else:
            self._status[name] = "rejected"
            del self._holder[name]
            event = self.log("site.lost", cause=decision.decided_event, company=company,
                             site=name, reason="rejected")
        done.succeed(FilingOutcome(name, company, decision.approved_mw, event, decision))

    def buy_powered_site(self, company: str, candidate_name: str, cause: int | None) -> float:
        """Buy an open, powered candidate: pay its price, take its site and its power."""
        view = self.candidate(candidate_name)
        if not view.buyable or view.price_usd is None:
            raise ValueError(f"pipeline: {candidate_name!r} is not for sale "
                             f"(status {view.status}, powered {view.powered_mw} MW)")
        taker = self.model.agents[company]
        if not isinstance(taker, PowerTaker):
            raise TypeError(f"pipeline: {company!r} cannot take power")
        acquired = self.log("site.acquired", cause=cause, company=company, site=candidate_name,
                            mw=view.powered_mw, price_usd=view.price_usd, utility=view.utility)
        self.model.ledger.post(company, "capex.site_acquisition", -view.price_usd, self.now,
                               acquired)
        self._status[candidate_name] = "acquired"
        self._holder[candidate_name] = company
        self.acquired_mw += view.powered_mw
        taker.add_site(candidate_name, view.utility, view.powered_mw, acquired)
        taker.receive_power(candidate_name, view.powered_mw, acquired)
        return view.price_usd

    # --- helpers -------------------------------------------------------------------------
    def _spec(self, name: str) -> CandidateSiteSpec:
        try:
            return self._candidates[name]
        except KeyError:
            raise KeyError(f"pipeline: no candidate {name!r}") from None

    def _utility(self, c: CandidateSiteSpec) -> Utility:
        return self.model.agent(c.utility, Utility)

    def metric_names(self) -> tuple[str, ...]:
        """Month-end pipeline metrics."""
        return ("open_candidates_count", "secured_mw", "acquired_mw")

    def metrics(self) -> tuple[float, ...]:
        """Values of :meth:`metric_names` now."""
        return (float(len(self._open_names())), self.secured_mw, self.acquired_mw)
