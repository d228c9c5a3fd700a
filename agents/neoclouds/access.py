"""A company's access to capital: what it could raise now, and how its raises have gone.

:class:`CapitalAccess` holds what the market knows of a company as an issuer: equity sold
by channel and date, notes issued, failed raises (a failure shuts the window for the
market's retry days), and the room each instrument leaves at today's market: converts
within the outstanding limit, ATM sales within the volume limit, a private round within
its yearly amount. The instruments of a raise (:mod:`agents.neoclouds.raises`) and the
notes' lives (:mod:`agents.neoclouds.conversions`) act through it; the CFO's process that
decides when to raise is :class:`agents.neoclouds.financing.Financing`.
"""

from __future__ import annotations

import bisect
import math
from typing import Final

from abm.finance.debt import AmortizingLoan
from agents.deals.contracts import DAYS_PER_MONTH, DAYS_PER_YEAR
from agents.markets.capital import Markets
from agents.neoclouds.cash_plan import CashPlan
from agents.neoclouds.state import Company
from agents.neoclouds.valuation import convertible_principal_usd

DRAW_BLOCK: Final = 1024


class CapitalAccess:
    """One company's standing with the capital markets."""

    def __init__(self, c: Company, markets: Markets) -> None:
        self.c, self.markets = c, markets
        self.spec = c.spec.financing
        self.t_failed_days = -math.inf
        self.last_plan: CashPlan | None = None
        """The cash plan of the last month end (its gap lets notes be induced)."""
        self.equity_sold: list[tuple[float, float, str]] = []
        self.notes_issued = 0
        self.last_failure_event: int | None = None
        self.t_last_contract_days = -math.inf
        self.t_last_convert_days = -math.inf
        self.facilities: dict[str, list[tuple[int, AmortizingLoan, float]]] = {}
        """GPU-backed loans by contract: (tranche, loan, the GPUs' cost)."""
        self.locked_facilities: set[str] = set()
        """Contracts whose facility breached its covenant: no more draws."""
        self.atm_program_left_usd = (c.spec.financing.atm_program_usd
                                     if c.spec.financing.atm_program_usd is not None
                                     else math.inf)
        self.t_atm_sold_out_days = -math.inf
        self.failures = 0
        self._uniforms = c.stream("financing").random(DRAW_BLOCK)
        self._i = 0

    def distressed(self) -> bool:
        """A raise failed within the market's retry window."""
        return self.c.now - self.t_failed_days < self.markets.spec.state.retry_days

    def raise_capacity_usd(self, haircut: float = 0.0) -> float:
        """What the company could expect to raise over its horizon.

        At today's market, or at a market cap ``haircut`` lower (the policy's prudence):
        converts within the outstanding limit, ATM sales within the volume limit and
        ``max_new_equity_share`` of market cap, times the chance the market is open;
        nothing right after a failed raise.
        """
        c, m = self.c, self.markets
        if self.distressed():
            return 0.0
        months = self.spec.gap_horizon_months
        p_open = 1.0 - m.closed_probability(c.now)
        if not c.listed:
            if "private_round" not in self.spec.instruments:
                return 0.0
            return p_open * self.private_room_usd()
        scale = 1.0 - haircut
        market_cap = c.share_price_usd() * c.shares_outstanding * scale
        convert = (self.convert_room_usd(scale) if "convert" in self.spec.instruments else 0.0)
        atm = (self.atm_capacity_usd(months, scale) if "atm" in self.spec.instruments
               else 0.0)
        atm = min(atm, c.policy_spec.max_new_equity_share * market_cap)
        return p_open * (convert + atm)

    def convert_room_usd(self, scale: float = 1.0) -> float:
        """Principal the convert market would still take (outstanding limit).

        ``scale`` multiplies today's market cap (a stressed market for planning).
        """
        c, cv = self.c, self.markets.spec.converts
        market_cap = c.share_price_usd() * c.shares_outstanding * scale
        outstanding = convertible_principal_usd(c)
        return max(0.0, cv.max_outstanding_share_of_market_cap * market_cap - outstanding)

    def atm_capacity_usd(self, months: float, scale: float = 1.0) -> float:
        """ATM sales ``months`` allow: the monthly cap, and programs sold out and refiled."""
        monthly = self.atm_monthly_cap_usd(scale)
        program = self.spec.atm_program_usd
        if program is None or monthly <= 0:
            return monthly * months
        cycle_months = program / monthly + self.spec.atm_refile_days / DAYS_PER_MONTH
        return min(monthly * months, program * months / cycle_months)

    def atm_monthly_cap_usd(self, scale: float = 1.0) -> float:
        """ATM sales a month allows: a share of traded value, within the program's cap."""
        c, atm = self.c, self.markets.spec.atm
        traded = (atm.daily_turnover_share * c.share_price_usd() * c.shares_outstanding
                  * scale * atm.trading_days_per_month)
        return min(atm.volume_share * traded, c.spec.atm_max_usd_per_month)

    def atm_program_room_usd(self, cause: int) -> float:
        """What the ATM program still allows; a sold-out one is refiled after a wait."""
        program = self.spec.atm_program_usd
        if program is None or self.atm_program_left_usd > 0:
            return self.atm_program_left_usd
        if self.c.now - self.t_atm_sold_out_days < self.spec.atm_refile_days:
            return 0.0
        self.atm_program_left_usd = program
        self.c.log("atm.program_filed", cause=cause, size_usd=program)
        return program

    def atm_sold(self, amount_usd: float) -> None:
        """Count ``amount_usd`` sold against the ATM program."""
        self.atm_program_left_usd -= amount_usd
        if self.atm_program_left_usd <= 1.0:
            self.atm_program_left_usd = 0.0
            self.t_atm_sold_out_days = self.c.now

    def sold_since_usd(self, channel: str, days: float) -> float:
        """Equity sold through ``channel`` over the last ``days``.

        Sales are appended in time order, so the window starts at a bisection (and the
        sum runs in sale order, as it always did).
        """
        start = bisect.bisect_right(self.equity_sold, self.c.now - days, key=_sale_time)
        return sum((usd for _t, usd, ch in self.equity_sold[start:] if ch == channel), 0.0)

    def private_room_usd(self) -> float:
        """What private investors would still put in this year."""
        return max(0.0, self.spec.private_round_usd_per_year
                   - self.sold_since_usd("private", DAYS_PER_YEAR))

    def market_closed(self) -> bool:
        """Draw whether a raise attempted now finds the market closed."""
        if self._i >= self._uniforms.size:
            self._uniforms, self._i = self.c.stream(f"financing.{self.c.now:.0f}").random(
                DRAW_BLOCK), 0
        u = float(self._uniforms[self._i])
        self._i += 1
        return u < self.markets.closed_probability(self.c.now)

    def failed(self, cause: int, reason: str, amount_usd: float, **data: float | str) -> None:
        """Log a failed raise; the policy treats the company as distressed for a while."""
        self.t_failed_days = self.c.now
        self.failures += 1
        self.last_failure_event = self.c.log_dict("capital.raise_failed", cause, {
            "reason": reason, "amount_usd": amount_usd,
            "regime": self.markets.regime_at(self.c.now), **data})

def _sale_time(sale: tuple[float, float, str]) -> float:
    return sale[0]
