"""A neocloud's search for more power: value a site, buy it if powered or file for it.

A company keeps a bank of unpromised power (its policy's ``power_request_free_mw``); when
what it holds falls below, it turns to the power pipeline. It values a site as the project
the site makes possible: a powered hall leased at today's market rent for a lease term,
built once the site has power, at the company's own costs and hurdle (the same return test
as its bids), so a site is worth the NPV of that project. It takes only sites worth their
price (or option fee) and within what it can fund: on the market, it bids its value for a
site just offered (the highest bid wins); between offers, it buys the best-valued powered
site or files for the best-valued unpowered one. One filing at a time; the outcome
(``site.secured`` or ``site.lost``) arrives as an event, and approved tranches become the
site's expected energizations.
"""

from __future__ import annotations

from collections.abc import Callable

from abm.agent import ProcessBody
from agents.grid.candidate import Candidate
from agents.grid.pipeline import FilingOutcome, PowerPipeline
from agents.grid.utility import Utility
from agents.neoclouds.appraisal import leased_hall_npv_usd
from agents.neoclouds.state import Company


def unpromised_mw(c: Company) -> float:
    """Facility MW of secured power not yet promised to any contract or fleet."""
    return sum((s.uncommitted_it_mw * s.pue for s in c.sites.values()), 0.0)


def wants_power(c: Company) -> bool:
    """Whether its bank of unpromised power is below its policy's, with no filing open."""
    threshold = c.policy_spec.power_request_free_mw
    return threshold > 0 and not c.seeking_power and unpromised_mw(c) < threshold


def days_to_power(c: Company, k: Candidate) -> float:
    """Days until an unpowered site would be energized: its utility's study and build."""
    if k.powered_mw > 0:
        return 0.0
    spec = c.model.agent(k.utility, Utility).spec
    return spec.study_days_median + spec.first_tranche_days


def site_value_usd(c: Company, k: Candidate) -> float:
    """What the site is worth to ``c``: the NPV at its hurdle of the hall it would lease.

    The hall is appraised as if its build started now, then discounted at the hurdle for
    the days until the site has power (it is built to be ready when power comes). Zero
    when that project does not clear the hurdle.
    """
    npv = leased_hall_npv_usd(c, k.name, k.prospective_mw / c.spec.pue)
    wait_years = days_to_power(c, k) / 365.0
    return max(0.0, npv) * float((1.0 + c.hurdle_irr()) ** -wait_years)


def worth_taking(c: Company, k: Candidate, budget_usd: float) -> float:
    """``k``'s value to ``c`` if it is worth its cost and affordable, else 0."""
    if k.cost_usd > budget_usd:
        return 0.0
    value = site_value_usd(c, k)
    return value if value >= k.cost_usd and value > 0 else 0.0


def site_bid_usd(c: Company, k: Candidate, headroom_usd: Callable[[], float]) -> float:
    """What ``c`` bids for a site on the market: its value, if it wants power and can pay."""
    if not wants_power(c) or k.status != "open":
        return 0.0
    budget = headroom_usd()
    return min(worth_taking(c, k, budget), budget)


def take_site(c: Company, k: Candidate, cause: int) -> None:
    """Take a site awarded to ``c``: buy it if powered, else file for it."""
    pipeline = c.model.agent("pipeline", PowerPipeline)
    if k.buyable:
        pipeline.buy_powered_site(c.name, k.name, cause)
        return
    c.seeking_power = True
    c.process(_await_filing(c, pipeline, k.name, cause))


def seek_power(c: Company, headroom_usd: Callable[[], float]) -> None:
    """Take the best-valued open site if power runs short and none is under way.

    ``headroom_usd`` tells what the company can spend; it is asked only when a search
    starts (a company with power to spare does not work out its funding every month).
    """
    pipeline = c.model.agents.get("pipeline")
    if not wants_power(c) or not isinstance(pipeline, PowerPipeline):
        return
    candidates = pipeline.open_candidates()
    if not candidates:
        return
    budget_usd = headroom_usd()
    valued = [(worth_taking(c, k, budget_usd), k.name, k) for k in candidates]
    worth = [(value, name, k) for value, name, k in valued if value > 0]
    decision = c.log("power.sought", unpromised_mw=unpromised_mw(c),
                     threshold_mw=c.policy_spec.power_request_free_mw,
                     open_candidates=len(candidates), worth_their_price=len(worth))
    if not worth:
        return
    powered = [w for w in worth if w[2].buyable]
    _value, _name, best = max(powered or worth, key=lambda w: (w[0], w[1]))
    take_site(c, best, decision)


def _await_filing(c: Company, pipeline: PowerPipeline, candidate: str,
                  cause: int) -> ProcessBody:
    outcome: FilingOutcome = yield pipeline.file_request(c.name, candidate, cause)
    c.seeking_power = False
    if outcome.decision is not None and outcome.secured_mw > 0 and candidate in c.sites:
        for t_days, mw in outcome.decision.tranches:
            c.sites[candidate].expect_power(t_days, mw)
