"""A company's power bill where its sites sit on a grid with a power market.

Off a market, load pays the company's fixed price. On one (ERCOT), the company buys
``power_fixed_share`` of its load at that fixed price (PPAs, hedges) and the rest at the
day's wholesale price. Firm load (GPUs under contract) runs through price spikes and pays
them. ASICs stop in a spike's hours when the company curtails: their market share pays
only the hours they run, their fixed-price share is sold back at the spike price (Riot's
"power curtailment credits"), and the hashrate of those hours is not mined.

Each market's loads are time-weighted like the company's total load; the month's bill
multiplies them by the month's mean prices (a load that changes within a month is priced
at the month's average, not hour by hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from abm.accrual import Accrual
from abm.model import Model
from agents.grid.power_prices import PowerPrices, market_of
from agents.neoclouds.site import Site

HOURS_PER_DAY: Final = 24.0


@dataclass(slots=True)
class Exposure:
    """A company's load on one market grid, time-weighted since the last bill."""

    market: PowerPrices
    firm_mw: Accrual
    """AI load (own GPUs x PUE): runs through spikes."""
    mining_mw: Accrual
    """Running ASICs' load (after uptime): stops in spikes when the company curtails."""
    mining_ehs: Accrual
    """Running hashrate (after uptime), for what curtailment does not mine."""


@dataclass(slots=True)
class PowerBill:
    """One month's power: the cost, the credits within it, and the hashrate lost."""

    cost_usd: float
    credits_usd: float
    curtailed_eh_days: float


class PowerBook:
    """A company's exposures to power markets, by utility, kept level with its loads."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.exposures: dict[str, Exposure] = {}

    def relevel(self, sites: dict[str, Site], mining_uptime: float, t_days: float) -> None:
        """Set each market's loads to what the sites draw now (a new market joins at 0)."""
        firm: dict[str, float] = {}
        mining: dict[str, float] = {}
        ehs: dict[str, float] = {}
        for s in sites.values():
            exposure = self._exposure(s, t_days)
            if exposure is None:
                continue
            firm[s.utility] = firm.get(s.utility, 0.0) + s.gpu_it_mw * s.pue
            mining[s.utility] = mining.get(s.utility, 0.0) + s.mining_load_mw * mining_uptime
            ehs[s.utility] = ehs.get(s.utility, 0.0) + (
                (s.mining_ehs - s.mining_paused_ehs) * mining_uptime)
        for utility, e in self.exposures.items():
            e.firm_mw.set(firm.get(utility, 0.0), t_days)
            e.mining_mw.set(mining.get(utility, 0.0), t_days)
            e.mining_ehs.set(ehs.get(utility, 0.0), t_days)

    def _exposure(self, site: Site, t_days: float) -> Exposure | None:
        found = self.exposures.get(site.utility)
        if found is not None:
            return found
        market = market_of(self.model, site.utility)
        if market is None:
            return None
        e = Exposure(market, Accrual(0.0, t_days), Accrual(0.0, t_days), Accrual(0.0, t_days))
        self.exposures[site.utility] = e
        return e

    def bill(self, total_mw_days: float, t0: float, t1: float, fixed_usd_per_mwh: float,
             fixed_share: float, curtail: bool) -> PowerBill:
        """The bill over [t0, t1] for ``total_mw_days`` of load across all sites."""
        fixed_mw_days = total_mw_days
        cost = credits = lost = 0.0
        days = max(t1 - t0, 1e-9)
        for e in self.exposures.values():
            firm, mining, ehs = e.firm_mw.take(t1), e.mining_mw.take(t1), e.mining_ehs.take(t1)
            fixed_mw_days -= firm + mining
            price = e.market.price_usd_per_mwh.mean(t0, t1)
            blended = fixed_share * fixed_usd_per_mwh + (1.0 - fixed_share) * price
            cost += firm * HOURS_PER_DAY * blended
            if not curtail:
                cost += mining * HOURS_PER_DAY * blended
                continue
            spike_hours = e.market.spike_hours.integral(t0, t1) / days  # a day, on average
            spike_usd = e.market.spike_usd_per_mw.integral(t0, t1) / days  # per MW a day
            off = spike_hours / HOURS_PER_DAY
            running_usd = price * HOURS_PER_DAY - spike_usd  # per MW a day, off-spike hours
            cost += mining * (fixed_share * fixed_usd_per_mwh * HOURS_PER_DAY
                              + (1.0 - fixed_share) * running_usd)
            # The fixed-price power of the spike hours is paid for, and sold back at the
            # spike's price.
            credit = mining * fixed_share * spike_usd
            credits += credit
            cost -= credit
            lost += ehs * off
        cost += max(0.0, fixed_mw_days) * HOURS_PER_DAY * fixed_usd_per_mwh
        return PowerBill(cost, credits, lost)
