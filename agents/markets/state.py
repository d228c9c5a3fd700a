"""Market state by demand regime: spreads, closed-market odds, convert premiums, ATM terms.

:class:`agents.markets.capital.Markets` quotes these to every raise, several times a month per
company. They are read from the (frozen) capital-markets spec once, into plain tables by
regime, and the rate-shock window into sim days: a spec read goes through pydantic's
attribute hook (~350 instructions compiled), a table read does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from abm.clock import Clock
from agents.markets.specs import CapitalMarketsSpec, Rating, Regime


@dataclass(frozen=True)
class MarketState:
    """The regime tables and shock window of one capital-markets spec."""

    spread_by_rating: dict[Rating, float]
    spread_add: dict[Regime, float]
    closed_probability: dict[Regime, float]
    convert_premium: dict[Regime, float]
    atm_discount_add: dict[Regime, float]
    shock_t_days: tuple[float, float] | None
    """The rate shock's [start, end) in sim days, or None without one."""
    shock_spread_add: float
    shock_closed_probability: float
    atm_turnover_share: float
    """Daily traded value as a share of market cap (ATM sales are a share of it)."""
    atm_trading_days: float
    atm_volume_share: float

    @classmethod
    def of(cls, spec: CapitalMarketsSpec, clock: Clock) -> MarketState:
        """The tables of ``spec``, the shock window on ``clock``'s days."""
        cr, st, cv, atm = spec.credit, spec.state, spec.converts, spec.atm
        shock = (None if st.shock_start_date is None or st.shock_end_date is None
                 else (clock.t_of(st.shock_start_date), clock.t_of(st.shock_end_date)))
        return cls(
            spread_by_rating=dict(cr.spread_by_rating),
            spread_add={"boom": 0.0, "digestion": cr.spread_add_digestion,
                        "bust": cr.spread_add_bust},
            closed_probability={"boom": st.closed_probability_boom,
                                "digestion": st.closed_probability_digestion,
                                "bust": st.closed_probability_bust},
            convert_premium={"boom": cv.premium_boom, "digestion": cv.premium_digestion,
                             "bust": cv.premium_bust},
            atm_discount_add={"boom": 0.0, "digestion": atm.discount_add_digestion,
                              "bust": atm.discount_add_bust},
            shock_t_days=shock,
            shock_spread_add=st.shock_spread_add,
            shock_closed_probability=st.shock_closed_probability,
            atm_turnover_share=atm.daily_turnover_share,
            atm_trading_days=atm.trading_days_per_month,
            atm_volume_share=atm.volume_share,
        )

    def shocked(self, t_days: float) -> bool:
        """Whether ``t_days`` falls in the rate-shock window."""
        shock = self.shock_t_days
        return shock is not None and shock[0] <= t_days < shock[1]
