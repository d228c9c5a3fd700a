"""Utilities: interconnect queues, studies, decisions by grid headroom, and energization.

A company's request is logged, pays its deposit and waits for its study: under ``fifo`` it
takes one of the utility's study slots in filing order; under ``sb6_batch`` (from its start
date) a large load joins the next batch, studied together and granted a common share of
what the grid can carry. Call caps and a ban on new mining (BC Hydro) apply at the
decision. Approved MW is secured at once and energized in tranches. Background requesters
(not agents) come from arrays drawn in blocks and walk the same queue in one process: most
withdraw, the rest take headroom. Interconnects listed in the world are already approved
and energize around their targets. The world's ``study_time_scale`` and ``build_time_scale``
stretch every study and every energization delay (a power crunch).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import simpy
from mypy_extensions import mypyc_attr

from abm.agent import ProcessBody
from abm.model import Model
from agents.grid.background import BackgroundRequesters
from agents.grid.curtailment import EmergencyProgram, sites_on
from agents.grid.graph import EPS_MW
from agents.grid.queue import Batch, InterconnectQueue, Item
from agents.grid.specs import LoadKind, UtilitySpec
from agents.grid.taker import PowerTaker


@dataclass(frozen=True)
class InterconnectDecision:
    """The outcome of a study: MW approved (0 if rejected) and its tranches (t_days, mw)."""

    request_id: int
    approved_mw: float
    tranches: tuple[tuple[float, float], ...]
    decided_event: int


@dataclass
class _Request:
    id: int
    company: str
    site: str
    mw: float
    load_kind: LoadKind
    requested: int
    deposit_usd: float
    done: simpy.Event
    t_filed: float = 0.0
    approved_mw: float = 0.0
    reason: str = ""
    batch: int | None = None


@mypyc_attr(allow_interpreted_subclasses=True)  # models and tests subclass it
class Utility(InterconnectQueue):
    """A grid utility: its grid, its interconnect queue and its emergencies."""

    def __init__(self, model: Model, name: str, spec: UtilitySpec, *,
                 study_time_scale: float = 1.0, build_time_scale: float = 1.0) -> None:
        super().__init__(model, name, spec, study_time_scale=study_time_scale,
                         build_time_scale=build_time_scale)
        self.background = (BackgroundRequesters(self, spec.background)
                           if spec.background is not None else None)
        self.emergencies = EmergencyProgram(
            self, spec.emergency_rate_per_year, spec.emergency_hours_mean,
            spec.emergency_shed_share, spec.large_load_threshold_mw,
            self._t_batch_start if spec.policy == "sb6_batch" else math.inf)

    # --- public API ----------------------------------------------------------------------



    def request_interconnect(self, company: str, site: str, mw: float, load_kind: LoadKind,
                             cause: int | None) -> simpy.Event:
        """File a request; the event succeeds with an :class:`InterconnectDecision`."""
        if not mw > 0:
            raise ValueError(f"{self.name}: request for {mw} MW, expected > 0")
        self._seq += 1
        spec = self.spec
        deposit_usd = mw * (spec.sb6_deposit_usd_per_mw if self.batched(mw)
                            else spec.deposit_usd_per_mw)
        requested = self.log("interconnect.requested", cause=cause, company=company, site=site,
                             mw=mw, load_kind=load_kind, request=self._seq, policy=spec.policy,
                             deposit_usd=deposit_usd)
        if deposit_usd > 0:
            self.model.ledger.post(company, "deposit.interconnect", -deposit_usd, self.now,
                                   requested)
        self._queue_mw += mw
        self.requests_count += 1
        req = _Request(self._seq, company, site, mw, load_kind, requested, deposit_usd,
                       self.env.event(), self.now)
        self.process(self._study_request(req))
        return req.done

    # --- the run -------------------------------------------------------------------------
    def start(self) -> None:
        """Commit existing loads, start listed interconnects, background and emergencies."""
        held = {(c, s.name): s.secured_mw for c, s in sites_on(self.model.agents, self.name)}
        listed = [(ic.site, ic.mw) for ic in self.spec.interconnects
                  if (ic.company, ic.site) not in held]
        for site, mw in [*((s, mw) for (_c, s), mw in held.items()), *listed]:
            node = self._node(site, attach=True)
            if self.grid is not None and node is not None:
                extra = mw - self.grid.committed_mw(node)
                if extra > EPS_MW:
                    self.grid.commit(node, extra)
        means = np.array([ic.slip_days_mean for ic in self.spec.interconnects])
        slips = np.zeros(means.size)
        slips[means > 0] = self.rng.exponential(means[means > 0])
        slips *= self.build_time_scale
        for ic, slip in zip(self.spec.interconnects, slips.tolist(), strict=True):
            approved = self.log("interconnect.approved", company=ic.company, site=ic.site,
                                mw=ic.mw, target_date=ic.target_date.isoformat(), listed=True)
            t_first = self.model.clock.t_of(ic.target_date) + slip
            spacing_days = ic.tranche_spacing_days * self.build_time_scale
            tranches = [(t_first + i * spacing_days, ic.mw / ic.tranches)
                        for i in range(ic.tranches)]
            self.process(self._energize(ic.company, ic.site, tranches, approved,
                                        slip_days=round(slip, 1)))
        if self.background is not None:
            self.background.seed()
            self.process(self.background.run())
        self.process(self.emergencies.run())
        if self.spec.policy == "sb6_batch":
            self.process(self._policy_change())

    def _policy_change(self) -> ProcessBody:
        """Log the day the SB 6 procedure starts to apply to large loads."""
        yield self.sleep(self._t_batch_start - self.now)
        spec = self.spec
        self.log("grid.policy_changed", utility=self.name, rule=spec.policy,
                 large_load_threshold_mw=spec.large_load_threshold_mw,
                 deposit_usd_per_mw=spec.sb6_deposit_usd_per_mw,
                 batch_interval_days=spec.batch_interval_days,
                 emergency_shed_share=spec.emergency_shed_share)

    def _energize(self, company: str, site: str, tranches: list[tuple[float, float]],
                  cause: int, **data: float | int) -> ProcessBody:
        """Energize tranches on their dates; the process returns the last event id."""
        event = cause
        for i, (t_days, mw) in enumerate(tranches):
            yield self.sleep(max(0.0, t_days - self.now))
            event = self.log_dict("interconnect.energized", cause, {
                "company": company, "site": site, "mw": mw, "tranche": i + 1,
                "of": len(tranches), **data})
            self._queue_mw -= mw
            self._energized_mw += mw
            self.model.agents[company].receive_power(site, mw, event)  # type: ignore[attr-defined]
        return event

    # --- company requests ----------------------------------------------------------------
    def _study_request(self, req: _Request) -> ProcessBody:
        if self.spec.no_new_mining and req.load_kind == "mining":
            req.reason = "no_new_mining"
        elif self.batched(req.mw):
            batch = self.batch_for(self.now)
            batch.members.append(req)
            req.batch = batch.index
            yield batch.decided
        else:
            t_decide = self.slot_decision(self.now, self._draw("study"), math.inf)
            start = self.spec.call_start_date
            if start is not None and self._cap_mw(req.load_kind) is not None:
                t_decide = max(t_decide or 0.0, self.model.clock.t_of(start))
            yield self.sleep(max(0.0, (t_decide or 0.0) - self.now))
            [(req.approved_mw, req.reason)] = self.fit(
                [(self._node(req.site, attach=True), req.mw, req.load_kind)])
        decision = self._decide(req)
        if decision.tranches:
            last = yield self.process(self._energize(
                req.company, req.site, list(decision.tranches), decision.decided_event,
                request=req.id))
            self._refund(req, last)

    def _decide(self, req: _Request) -> InterconnectDecision:
        """Log the study and its outcome, secure approved MW, and answer the company."""
        studied = self.log("interconnect.studied", cause=req.requested, company=req.company,
                           site=req.site, request=req.id, study_days=self.now - req.t_filed,
                           batch=req.batch)
        approved_mw = req.approved_mw if req.approved_mw >= self.spec.min_approval_mw else 0.0
        self._queue_mw -= req.mw - approved_mw
        if approved_mw <= 0:
            event = self.log("interconnect.rejected", cause=studied, company=req.company,
                             site=req.site, request=req.id, requested_mw=req.mw,
                             reason=req.reason or "no_headroom")
            self._refund(req, event)
            decision = InterconnectDecision(req.id, 0.0, (), event)
        else:
            spec, n, scale = self.spec, self.spec.tranche_count, self.build_time_scale
            tranches = tuple((self.now + spec.first_tranche_days * scale
                              + i * spec.tranche_spacing_days * scale,
                              approved_mw / n) for i in range(n))
            event = self.log("interconnect.approved", cause=studied, company=req.company,
                             site=req.site, request=req.id, mw=approved_mw, requested_mw=req.mw,
                             partial=approved_mw < req.mw - EPS_MW, tranches=n)
            self.approved_mw += approved_mw
            self._taker(req.company).add_site(req.site, self.name, approved_mw, event)
            decision = InterconnectDecision(req.id, approved_mw, tranches, event)
        req.done.succeed(decision)
        return decision

    def _refund(self, req: _Request, cause: int) -> None:
        refund_usd = req.deposit_usd * self.spec.deposit_refundable_share
        if refund_usd > 0:
            self.model.ledger.post(req.company, "deposit.refund", refund_usd, self.now, cause)

    def _taker(self, company: str) -> PowerTaker:
        taker = self.model.agents[company]
        if not isinstance(taker, PowerTaker):
            raise TypeError(f"{self.name}: {company!r} does not take power (needs "
                            f"receive_power, add_site and curtail)")
        return taker

    # --- studies, batches, caps and headroom ---------------------------------------------




    def _run_batch(self, batch: Batch) -> ProcessBody:
        yield self.sleep(max(0.0, batch.t_decide - self.now))
        items: list[Item] = [(self._node(r.site, attach=True), r.mw, r.load_kind)
                             for r in batch.members]
        items += [(node, mw, "datacenter") for node, mw in batch.background]
        outcomes, m = self.fit(items), len(batch.members)
        for req, (mw, reason) in zip(batch.members, outcomes[:m], strict=True):
            req.approved_mw, req.reason = mw, reason
        for (_node, mw), (ok_mw, _reason) in zip(batch.background, outcomes[m:], strict=True):
            assert self.background is not None  # only background requests join as these
            self.background.granted(mw, ok_mw)
        batch.decided.succeed()









    # --- metrics -------------------------------------------------------------------------
    def metric_names(self) -> tuple[str, ...]:
        """Month-end queue, grid and curtailment metrics."""
        return ("queue_mw", "energized_mw", "approved_mw", "requests_count", "curtailed_mwh",
                "ai_curtailed_mwh")

    def metrics(self) -> tuple[float, ...]:
        """Values of :meth:`metric_names` now."""
        return (self.queue_mw, self.energized_mw, self.approved_mw, float(self.requests_count),
                self.emergencies.curtailed_mwh, self.emergencies.ai_curtailed_mwh)
