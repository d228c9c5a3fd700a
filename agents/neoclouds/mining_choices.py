"""A miner's choices for its ASICs, by the return test it uses for every project.

Each quarter a company with ASICs looks at each mining site and may
- **upgrade**: replace the site's ASICs with today's machines (better J/TH, the world
  fleet's new-machine price), in the same MW, when the extra margin over a machine's life,
  at its outlook for the hashprice (a steady decline and the next halving), repays the
  machines at its hurdle and it can fund them (``mining.upgraded``);
- **shrink**: retire ASICs idle for longer than its patience; their power is free for
  anything else (``mining.retired``, reason ``idle``);
- **pivot**: a pure miner starts bidding to host AI (leases) when a leased hall on its
  power is worth more, per MW, than mining on it (``strategy.pivoted``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from agents.neoclouds.appraisal import leased_hall_npv_usd
from agents.neoclouds.books import pay
from agents.neoclouds.fleet import AsicPurchase
from agents.neoclouds.site import Site
from agents.neoclouds.state import Company

DAYS_PER_MONTH: Final = 365.25 / 12.0
TH_PER_EH: Final = 1e6
REVIEW_DAYS: Final = 365.25 / 4.0
PIVOT_PROBE_IT_MW: Final = 100.0
"""The hall a miner prices when it weighs hosting AI on its power."""


def life_months(c: Company) -> int:
    """A machine's life in months (the world fleet's)."""
    return round(c.btc.spec.fleet.machine_life_years * 12)


def years_from_start(c: Company) -> float:
    """Years since the world began (new machines improve with them)."""
    return c.now / 365.25


def new_machine(c: Company) -> tuple[float, float]:
    """Today's machine: (J/TH, USD per TH), both improving by the fleet's yearly gain."""
    f = c.btc.spec.fleet
    better = (1.0 - f.efficiency_gain_annual) ** years_from_start(c)
    return f.new_machine_j_per_th * better, f.new_machine_usd_per_th * better


def hashprice_outlook(c: Company, months_ahead: float) -> float:
    """Revenue per EH/s a day it expects ``months_ahead``: declining, halved at a halving."""
    btc, policy = c.btc, c.policy_spec
    t = c.now + months_ahead * DAYS_PER_MONTH
    factor: float = (1.0 - policy.hashprice_outlook_decline_annual) ** (months_ahead / 12.0)
    fees = btc.spec.fees_share_of_subsidy
    for day in btc.halving_days:
        if c.now < float(day) <= t:
            factor *= (0.5 + fees) / (1.0 + fees)
    return btc.usd_per_eh_day.at(c.now) * factor


def mining_value_usd(c: Company, ehs: float, j_per_th: float, months: int) -> float:
    """What ``ehs`` of ASICs at ``j_per_th`` earn over their life, at its hurdle.

    Paused in the months they would earn less than their power.
    """
    power = c.mining_power_usd_per_eh_day(j_per_th)
    rate = (1.0 + c.hurdle_irr()) ** (1.0 / 12.0)
    return float(sum(max(0.0, hashprice_outlook(c, m + 0.5) - power) * ehs * DAYS_PER_MONTH
                     / rate ** (m + 0.5) for m in range(months)))


def upgrade_npv_usd(c: Company, site: Site) -> tuple[float, float, float]:
    """(NPV, capex, new EH/s) of replacing ``site``'s ASICs with today's machines."""
    j_new, usd_per_th = new_machine(c)
    if j_new >= site.j_per_th:
        return 0.0, 0.0, 0.0
    mw = site.mining_ehs * site.j_per_th
    new_ehs = mw / j_new
    capex = new_ehs * TH_PER_EH * usd_per_th
    months = life_months(c)
    gain = (mining_value_usd(c, new_ehs, j_new, months)
            - mining_value_usd(c, site.mining_ehs, site.j_per_th, months))
    return gain - capex, capex, new_ehs


def hosting_beats_mining(c: Company) -> bool:
    """Whether a leased AI hall is worth more per MW of power than mining on it."""
    if not c.sites:
        return False
    site = max(c.sites.values(), key=lambda s: s.secured_mw)
    it_mw = PIVOT_PROBE_IT_MW
    hosting = leased_hall_npv_usd(c, site.name, it_mw)
    facility_mw = it_mw * site.pue
    months = life_months(c)
    j = site.j_per_th if site.mining_ehs > 0 else c.spec.mining_j_per_th
    mining = mining_value_usd(c, facility_mw / j, j, months)
    return hosting > max(0.0, mining)


def review(c: Company, funding_headroom_usd: Callable[[], float]) -> None:
    """The quarterly look at its ASICs: shrink, upgrade, pivot (see the module)."""
    if c.now - c.t_mining_review < REVIEW_DAYS - 1e-9:
        return
    c.t_mining_review = c.now
    policy = c.policy_spec
    for site in c.sites.values():
        if site.mining_ehs <= 0:
            continue
        idle_since = site.t_paused_days
        if idle_since is not None and c.now - idle_since >= policy.idle_asic_retire_days:
            _retire_idle(c, site)
        elif policy.upgrade_asics and site.mining_paused_ehs == 0:
            _maybe_upgrade(c, site, funding_headroom_usd)
    if policy.pivot_to_hosting and c.bids_on is None and hosting_beats_mining(c):
        c.pivoted = True
        c.log("strategy.pivoted", to="lease", lease_rent_usd_per_kw_month=(
            c.rents.lease_rent_usd_per_kw_month()),
              hashprice_usd_per_ph_day=c.btc.usd_per_eh_day.at(c.now) / 1000.0)


def _retire_idle(c: Company, site: Site) -> None:
    ehs = site.mining_ehs
    site.mining_ehs = site.mining_paused_ehs = 0.0
    site.t_paused_days = None
    c.loads_changed()
    c.log("mining.retired", site=site.name, ehs=ehs, freed_mw=ehs * site.j_per_th,
          reason="idle")


def _maybe_upgrade(c: Company, site: Site, funding_headroom_usd: Callable[[], float]) -> None:
    npv, capex, new_ehs = upgrade_npv_usd(c, site)
    if npv <= 0.0 or capex > funding_headroom_usd():
        return
    j_new, _ = new_machine(c)
    old_ehs, old_j = site.mining_ehs, site.j_per_th
    event = c.log("mining.upgraded", site=site.name, ehs_before=old_ehs, ehs_after=new_ehs,
                  j_per_th_before=old_j, j_per_th_after=j_new, capex_usd=capex, npv_usd=npv)
    pay(c.model, c.name, "asic_vendor", capex, "capex.asic", event)
    life_days = c.btc.spec.fleet.machine_life_years * 365.25
    c.asic_purchases.append(AsicPurchase(capex, c.now, life_days))
    site.j_per_th = j_new
    site.mining_ehs = new_ehs
    c.loads_changed()
