"""Typed parameters of the capital markets and of the shared AI demand regime.

The world's ``[markets]`` and ``[demand]`` sections. Defaults are the reasoned values the
IREN world restates with their sources; a world without a ``[markets]`` section gets them
as they are. Rates, spreads, shares and elasticities are annual decimals or plain ratios;
days are calendar days.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from agents.section import Section

Regime = Literal["boom", "digestion", "bust"]


REGIMES: tuple[Regime, ...] = ("boom", "digestion", "bust")


class ForcedRegimeSpec(Section):
    """A turn of the cycle forced on a date; the chain goes on from the forced regime."""

    date: dt.date
    regime: Regime


class DemandSpec(Section):
    """The AI demand regime all customers share: a monthly Markov chain."""

    start_regime: Regime
    stay_boom_monthly: float = Field(ge=0, le=1, description="P(boom -> boom) per month")
    boom_to_bust_share: float = Field(ge=0, le=1, description="of leaving boom, share to bust")
    stay_digestion_monthly: float = Field(ge=0, le=1)
    digestion_to_boom_share: float = Field(ge=0, le=1)
    stay_bust_monthly: float = Field(ge=0, le=1)
    bust_to_digestion_share: float = Field(ge=0, le=1)
    growth_boom_annual: float = Field(ge=-1, le=5, description="customer need growth in a boom")
    growth_digestion_annual: float = Field(ge=-1, le=5)
    growth_bust_annual: float = Field(ge=-1, le=5)
    growth_noise_annual: float = Field(ge=0, le=2)
    wtp_boom: float = Field(default=1.0, ge=0.1, le=3, description=(
        "customers' willingness to pay over the market's rent in a boom"))
    wtp_digestion: float = Field(default=0.92, ge=0.1, le=3)
    wtp_bust: float = Field(default=0.80, ge=0.1, le=3)
    forced: list[ForcedRegimeSpec] = Field(default_factory=list)

    def wtp(self, regime: Regime) -> float:
        """Customers' willingness to pay, per unit of the market's rent, in ``regime``."""
        return {"boom": self.wtp_boom, "digestion": self.wtp_digestion,
                "bust": self.wtp_bust}[regime]


Rating = Literal["AAA", "AA", "A", "BBB", "BB", "B", "NR"]


Instrument = Literal["convert", "atm", "private_round"]


Settlement = Literal["physical", "net_share"]


DEFAULT_INSTRUMENTS: tuple[Instrument, ...] = ("convert", "atm")


DEFAULT_SPREADS: dict[Rating, float] = {
    "AAA": 0.006, "AA": 0.008, "A": 0.011, "BBB": 0.016, "BB": 0.028, "B": 0.040, "NR": 0.060}


class SentimentSpec(Section):
    """The shared sentiment of the AI trade: a level per demand regime, plus a common factor."""

    boom: float = Field(default=1.0, ge=0.05, le=5, description="EV multiple scale in a boom")
    digestion: float = Field(default=0.7, ge=0.05, le=5)
    bust: float = Field(default=0.4, ge=0.05, le=5)
    half_life_days: float = Field(default=45.0, ge=1, le=3650, description="sentiment moves to its "
                                  "regime level with this half-life")
    factor_vol_annual: float = Field(default=0.40, ge=0, le=3,
                                     description="volatility of the shared factor")
    factor_half_life_days: float = Field(default=365.0, ge=1, le=3650,
                                         description="mean reversion of the shared factor")
    calibration_regime: Literal["boom", "digestion", "bust"] = Field(default="boom", description=(
        "the regime the world's share prices were observed in; starting the run in another "
        "regime moves the prices by the ratio of the sentiment levels"))


class ValuationSpec(Section):
    """How the market values a listed company: cash flows in place, mining and power."""

    contracted_premium: float = Field(default=0.03, ge=0, le=0.3, description=(
        "over the risk-free rate, for contracted cash flows (fees, rent owed)"))
    equity_premium_boom: float = Field(default=0.06, ge=0, le=0.5, description=(
        "over the risk-free rate, for uncontracted cash flows (GPU-hours) in a boom"))
    equity_premium_digestion: float = Field(default=0.08, ge=0, le=0.5)
    equity_premium_bust: float = Field(default=0.12, ge=0, le=0.5)
    leverage_free_turns: float = Field(default=3.0, ge=0, le=20, description=(
        "net debt / forward EBITDA the market does not charge for"))
    leverage_premium_per_turn: float = Field(default=0.01, ge=0, le=0.1, description=(
        "added to the discount rates per turn of leverage above the free turns"))
    leverage_premium_max: float = Field(default=0.10, ge=0, le=0.5)
    mining_ebitda_multiple: float = Field(default=4.0, ge=0, le=30)
    equity_floor_share_of_ev: float = Field(default=0.05, ge=0, le=0.9, description=(
        "equity keeps at least this share of EV (its option value) when debt exceeds EV"))
    noise_tail_df: float = Field(default=4.0, ge=2.5, le=1000)
    noise_half_life_days: float = Field(default=180.0, ge=1, le=3650, description=(
        "the company's own mispricing decays toward value with this half-life"))
    news_half_life_days: float = Field(default=30.0, ge=1, le=365, description=(
        "a news jump fades with this half-life as month ends bring it into value"))
    digest_days: float = Field(default=30.0, ge=1, le=365, description=(
        "month-end fundamentals reach the price linearly over this many days"))
    contract_news_elasticity: float = Field(default=0.05, ge=0, le=5, description=(
        "price jump per unit of ARR signed over forward ARR"))
    contract_news_max: float = Field(default=0.15, ge=0, le=1)
    dilution_news_elasticity: float = Field(default=0.5, ge=0, le=5, description=(
        "price drop per unit of new shares over shares outstanding"))
    short_selling_elasticity: float = Field(default=1.0, ge=0, le=5, description=(
        "price drop per unit of shares shorted over shares outstanding"))

    def equity_premium(self, regime: Regime) -> float:
        """The premium for uncontracted cash flows in ``regime``."""
        return {"boom": self.equity_premium_boom, "digestion": self.equity_premium_digestion,
                "bust": self.equity_premium_bust}[regime]


class CreditSpec(Section):
    """The risk-free rate and credit spreads by rating and regime."""

    risk_free_rate: float = Field(default=0.04, ge=-0.02, le=0.3)
    spread_by_rating: dict[Rating, Annotated[float, Field(ge=0, le=0.5)]] = Field(
        default_factory=lambda: dict(DEFAULT_SPREADS))
    gpu_loan_premium: float = Field(default=0.02, ge=0, le=0.3, description=(
        "a GPU-backed loan pays the customer's spread plus this"))
    spread_add_digestion: float = Field(default=0.01, ge=0, le=0.3)
    spread_add_bust: float = Field(default=0.04, ge=0, le=0.3)
    leverage_free_turns: float = Field(default=3.0, ge=0, le=20, description=(
        "net debt / forward EBITDA a borrower's spread does not widen for"))
    leverage_spread_per_turn: float = Field(default=0.005, ge=0, le=0.1, description=(
        "a borrower's spread widens this much per turn of leverage above the free turns"))
    leverage_spread_max: float = Field(default=0.08, ge=0, le=0.5)

    def leverage_add(self, leverage_turns: float) -> float:
        """What leverage adds to a borrower's spread."""
        excess = max(0.0, leverage_turns - self.leverage_free_turns)
        return min(self.leverage_spread_per_turn * excess, self.leverage_spread_max)

    def spread_add(self, regime: Regime) -> float:
        """What ``regime`` adds to every spread."""
        return {"boom": 0.0, "digestion": self.spread_add_digestion,
                "bust": self.spread_add_bust}[regime]

    @model_validator(mode="after")
    def _every_rating(self) -> CreditSpec:
        missing = sorted(set(DEFAULT_SPREADS) - set(self.spread_by_rating))
        if missing:
            raise ValueError(f"spread_by_rating needs every rating, missing {missing}")
        if any(not 0 <= s <= 0.5 for s in self.spread_by_rating.values()):
            raise ValueError("spread_by_rating values must be within [0, 0.5]")
        return self


class ConvertMarketSpec(Section):
    """Market conventions for new convertible notes."""

    maturity_years: float = Field(default=5.7, ge=1, le=30)
    premium_boom: float = Field(default=0.425, ge=0, le=2)
    premium_digestion: float = Field(default=0.30, ge=0, le=2)
    premium_bust: float = Field(default=0.25, ge=0, le=2)
    premium_max: float = Field(default=0.75, ge=0, le=2)
    coupon_max: float = Field(default=0.05, ge=0, le=0.5)
    implied_to_realized_vol: float = Field(default=0.62, ge=0.05, le=2, description=(
        "the convert market's implied vol per unit of the stock's realized vol"))
    vol_window_days: int = Field(default=90, ge=10, le=730)
    marketing_days: float = Field(default=3.0, ge=0, le=60)
    fee_share: float = Field(default=0.02, ge=0, le=0.1)
    cap_premium: float = Field(default=1.0, ge=0, le=5, description="capped call cap over spot")
    call_protection_years: float = Field(default=3.0, ge=0, le=10)
    call_trigger: float = Field(default=1.3, ge=1, le=5)
    max_deal_share_of_market_cap: float = Field(default=0.15, ge=0, le=1)
    max_outstanding_share_of_market_cap: float = Field(default=0.35, ge=0, le=3)
    min_deal_usd: float = Field(default=150e6, ge=0, le=1e10)
    pricer_steps: int = Field(default=200, ge=20, le=1000)

    def premium(self, regime: Regime) -> float:
        """The conversion premium new notes are struck at in ``regime``."""
        return {"boom": self.premium_boom, "digestion": self.premium_digestion,
                "bust": self.premium_bust}[regime]

    @model_validator(mode="after")
    def _premiums_within_max(self) -> ConvertMarketSpec:
        worst = max(self.premium_boom, self.premium_digestion, self.premium_bust)
        if worst > self.premium_max:
            raise ValueError(f"regime premiums (up to {worst}) exceed premium_max "
                             f"({self.premium_max})")
        if self.cap_premium < self.premium_max:
            raise ValueError(f"cap_premium ({self.cap_premium}) is below premium_max "
                             f"({self.premium_max}): a capped call's cap is above the "
                             "conversion price")
        return self


class AtmSpec(Section):
    """At-the-market equity: a volume limit and a discount that widens with the regime."""

    daily_turnover_share: float = Field(default=0.04, ge=0, le=1,
                                        description="share of market cap traded per day")
    volume_share: float = Field(default=0.10, ge=0, le=1,
                                description="ATM sales at most this share of traded value")
    trading_days_per_month: float = Field(default=21.0, ge=1, le=31)
    discount_add_digestion: float = Field(default=0.02, ge=0, le=0.5)
    discount_add_bust: float = Field(default=0.06, ge=0, le=0.5)
    draw_interval_days: float = Field(default=7.0, ge=1, le=90)

    def discount_add(self, regime: Regime) -> float:
        """Extra ATM discount in ``regime`` (on top of the company's own)."""
        return {"boom": 0.0, "digestion": self.discount_add_digestion,
                "bust": self.discount_add_bust}[regime]


class MarketStateSpec(Section):
    """When markets close: a probability per regime, and an optional rate shock window."""

    closed_probability_boom: float = Field(default=0.0, ge=0, le=1)
    closed_probability_digestion: float = Field(default=0.10, ge=0, le=1)
    closed_probability_bust: float = Field(default=0.50, ge=0, le=1)
    retry_days: float = Field(default=30.0, ge=1, le=365, description="wait after a failed raise")
    shock_start_date: dt.date | None = None
    shock_end_date: dt.date | None = None
    shock_spread_add: float = Field(default=0.03, ge=0, le=0.5)
    shock_closed_probability: float = Field(default=0.5, ge=0, le=1)

    def closed_probability(self, regime: Regime) -> float:
        """Chance a raise finds the market closed in ``regime`` (outside a rate shock)."""
        return {"boom": self.closed_probability_boom,
                "digestion": self.closed_probability_digestion,
                "bust": self.closed_probability_bust}[regime]

    @model_validator(mode="after")
    def _shock_window(self) -> MarketStateSpec:
        start, end = self.shock_start_date, self.shock_end_date
        if (start is None) != (end is None):
            raise ValueError("shock_start_date and shock_end_date go together")
        if start is not None and end is not None and end <= start:
            raise ValueError(f"shock_end_date ({end}) must come after shock_start_date ({start})")
        return self


class CapitalMarketsSpec(Section):
    """The world's capital markets: sentiment, valuation, credit, converts, ATM, closures."""

    sentiment: SentimentSpec = Field(default_factory=SentimentSpec)
    valuation: ValuationSpec = Field(default_factory=ValuationSpec)
    credit: CreditSpec = Field(default_factory=CreditSpec)
    converts: ConvertMarketSpec = Field(default_factory=ConvertMarketSpec)
    atm: AtmSpec = Field(default_factory=AtmSpec)
    state: MarketStateSpec = Field(default_factory=MarketStateSpec)
