"""A neocloud's search for more power: buy a powered site or file for a candidate.

When a company's unpromised power falls below its policy's threshold, it turns to the
power pipeline: a powered candidate it can afford is bought outright (time to power is
what wins tenders); otherwise it files for the largest open candidate and waits for the
utility's study. One search at a time; the outcome (``site.secured`` or ``site.lost``)
arrives as an event, and approved tranches become the site's expected energizations.
"""

from __future__ import annotations

from collections.abc import Callable

from abm.agent import ProcessBody
from agents.grid.pipeline import FilingOutcome, PowerPipeline
from agents.neoclouds.state import Company


def unpromised_mw(c: Company) -> float:
    """Facility MW of secured power not yet promised to any contract or fleet."""
    return sum(s.uncommitted_it_mw * s.pue for s in c.sites.values())


def seek_power(c: Company, headroom_usd: Callable[[], float]) -> None:
    """Start a search if power runs short and none is under way.

    ``headroom_usd`` tells what the company can spend; it is asked only when a search
    starts (a company with power to spare does not work out its funding every month).
    """
    threshold = c.policy_spec.power_request_free_mw
    pipeline = c.model.agents.get("pipeline")
    if (threshold <= 0 or c.seeking_power or not isinstance(pipeline, PowerPipeline)
            or unpromised_mw(c) >= threshold):
        return
    candidates = pipeline.open_candidates()
    if not candidates:
        return
    budget_usd = headroom_usd()
    affordable = [k for k in candidates if k.buyable and k.price_usd is not None
                  and k.price_usd <= budget_usd]
    decision = c.log("power.sought", unpromised_mw=unpromised_mw(c), threshold_mw=threshold,
                     open_candidates=len(candidates))
    if affordable:
        best = max(affordable, key=lambda k: (k.powered_mw, k.name))
        pipeline.buy_powered_site(c.name, best.name, decision)
        return
    filable = [k for k in candidates if k.powered_mw <= 0]
    if not filable:
        return
    best = max(filable, key=lambda k: (k.prospective_mw, k.name))
    c.seeking_power = True
    c.process(_await_filing(c, pipeline, best.name, decision))


def _await_filing(c: Company, pipeline: PowerPipeline, candidate: str,
                  cause: int) -> ProcessBody:
    outcome: FilingOutcome = yield pipeline.file_request(c.name, candidate, cause)
    c.seeking_power = False
    if outcome.decision is not None and outcome.secured_mw > 0 and candidate in c.sites:
        for t_days, mw in outcome.decision.tranches:
            c.sites[candidate].expect_power(t_days, mw)
