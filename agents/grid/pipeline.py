"""The power pipeline: candidate sites that companies race to secure, or buy if powered.

Each candidate sits on a utility's grid with the MW it could take. A company secures one by
filing an interconnect request for it first (its queue position; a later filer for the same
candidate is beaten), paying the utility's deposit and waiting for the study; or, if the
candidate is already powered, by buying it outright. Secured power thus grows (or a filing
is lost) over a run: ``site.secured``, ``site.acquired`` and ``site.lost`` events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import simpy

from abm.agent import Agent, ProcessBody
from abm.model import Model
from agents.grid.specs import CandidateSiteSpec, LoadKind, PipelineSpec
from agents.grid.taker import PowerTaker
from agents.grid.utility import InterconnectDecision, Utility

Status = Literal["open", "filed", "secured", "rejected", "acquired"]


@dataclass(frozen=True)
class Candidate:
    """A candidate site as companies see it now (a snapshot)."""

    name: str
    utility: str
    region: str
    prospective_mw: float
    load_kind: LoadKind
    powered_mw: float
    price_usd: float | None
    status: Status
    holder: str | None

    @property
    def buyable(self) -> bool:
        """Whether it is open and already powered, so a company can buy it now."""
        return self.status == "open" and self.powered_mw > 0 and self.price_usd is not None


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
        self._status: dict[str, Status] = dict.fromkeys(spec.candidates, "open")
        self._holder: dict[str, str] = {}
        self._open_views: dict[str, Candidate] = {}
        self.secured_mw = 0.0
        self.acquired_mw = 0.0

    def start(self) -> None:
        """Attach every candidate to its utility's grid, with any load already on it."""
        for name, c in self.spec.candidates.items():
            grid = self._utility(c).grid
            if grid is not None:
                grid.attach(name, c.substation, c.prospective_mw)
                if c.powered_mw > 0:
                    grid.commit(name, c.powered_mw)

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
                         price, self._status[name], self._holder.get(name))

    def open_candidates(self, region: str | None = None) -> list[Candidate]:
        """Candidates nobody holds or has filed for (in one region if given)."""
        return [self.candidate(n) for n in self._open_names(region)]

    def _open_names(self, region: str | None = None) -> list[str]:
        return [n for n, c in self.spec.candidates.items()
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
                             utility=self.spec.candidates[name].utility)
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
            return self.spec.candidates[name]
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
