"""Equity and credit markets: a share price per listed company, spreads, and market state.

A share price is value x mispricing, where value comes from cash flows:

* **Value** (a month-end snapshot, :class:`agents.markets.fundamentals.Fundamentals`): EV =
  the present value of the operations in place (contracts and GPUs sold by the hour,
  :mod:`agents.neoclouds.intrinsic`, at :meth:`Markets.discount_rates`) + mining at an
  EBITDA multiple of the day's hashprice margin + the power the company holds, at
  ``land_usd_per_mw`` times the day's sentiment; equity = EV - net debt - capex committed
  to signed work (at least ``equity_floor_share_of_ev`` of EV), per diluted share.
  ``land_usd_per_mw`` is set once per company at the start so that the price equals its
  world price exactly (IREN $66.96 on 2025-11-06) at the sentiment of the regime those
  prices were observed in (``calibration_regime``, a boom): it is what the market paid
  for a company's power beyond what its operations in place earn (growth, options). A
  run started in another regime starts at prices moved by the ratio of the levels. A
  month-end snapshot reaches the price linearly over ``digest_days``; past prices never
  change.
* **Discount rates** rise with the regime (an equity premium per regime for uncontracted
  cash flows; contracted ones pay ``contracted_premium`` plus the regime's credit spread
  add) and with leverage (net debt over forward EBITDA above ``leverage_free_turns``),
  so a contract that earns less than the market's rate lowers the price, and debt does.
* **Sentiment**, shared by every company: a level per demand regime (boom, digestion,
  bust) approached with a half-life, times a mean-reverting common factor. It scales the
  value of power: the growth the market pays for.
* **Mispricing**: the company's own mean-reverting deviation, Student-t daily shocks at
  its idiosyncratic volatility, drawn up front from its stream ``equity.<company>``
  (adding a company changes no one else's draws); the idiosyncratic volatility is what
  is left of ``share_vol_annual`` after the common factor. **News** (:meth:`Markets.news`)
  jumps it: a contract up (elasticity x ARR signed / forward ARR, capped), dilution and
  hedge-fund short selling down; a jump fades with ``news_half_life_days`` as the month
  end brings what it means into value.

A company's quote and the price of a day from it live in :mod:`agents.markets.quotes`.

Credit: the risk-free rate plus a spread by rating, widened by the regime, during a rate
shock, and with leverage. Markets can close: each raise attempt meets a closed market with
a probability set by the regime (and the shock window).
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from abm.agent import Agent
from abm.model import Model
from abm.paths import mean_reverting_path, std_of
from agents.bitcoin.network import Bitcoin
from agents.markets.demand import Demand
from agents.markets.fundamentals import Fundamentals
from agents.markets.quotes import Day, Digest, Quote
from agents.markets.specs import REGIMES, CapitalMarketsSpec, Rating, Regime

DAYS_PER_YEAR: Final = 365.0
NEWS_KINDS: Final = ("contract", "dilution", "short_selling")
class Markets(Agent):
    """Prices listed companies' shares and quotes credit spreads and market state."""

    def __init__(self, model: Model, horizon_days: int, spec: CapitalMarketsSpec | None = None,
                 demand: Demand | None = None, btc: Bitcoin | None = None,
                 name: str = "markets") -> None:
        super().__init__(model, name)
        self.spec = spec if spec is not None else CapitalMarketsSpec()
        self.horizon_days = horizon_days
        self.demand = demand
        n = horizon_days + 1
        btc_days = btc.usd_per_eh_day.values[:n] if btc is not None else np.zeros(n)
        self.sentiment = self._sentiment_path(n)
        # the shared daily paths as floats, for one day's price (an index, not numpy's)
        self._btc_days: list[float] = btc_days.tolist()
        self._sentiment_days: list[float] = self.sentiment.tolist()
        v = self.spec.valuation
        self._news_decay = 0.5 ** (np.arange(n, dtype=np.float64) / v.news_half_life_days)
        """A news jump's share left after each day (it fades into the month ends' value)."""
        self._news_span = int(np.searchsorted(-self._news_decay, -1e-9))
        """Days after which a news jump has faded to nothing that shows in a price."""
        ramp = np.minimum(np.arange(1, n) / self.spec.valuation.digest_days, 1.0)
        self._ramp: list[float] = ramp[:int(np.searchsorted(ramp, 1.0))].tolist()
        """The month end's ramp: a factor per day after it, while short of 1."""
        self._quotes: dict[str, Quote] = {}
        self._noise: dict[str, np.ndarray] = {}
        """Each company's log mispricing by day: drawn noise plus decayed news."""
        self._ratings: dict[str, Rating] = {}
        self._floor_share: Final = self.spec.valuation.equity_floor_share_of_ev
        st = self.spec.state
        self._shock_t_days = (
            None if st.shock_start_date is None or st.shock_end_date is None
            else (model.clock.t_of(st.shock_start_date), model.clock.t_of(st.shock_end_date)))
        """The rate shock's [start, end) in sim days, or None without one."""

    # --- counterparties ------------------------------------------------------------------
    def rate(self, name: str, rating: Rating) -> None:
        """Record the credit rating of a counterparty (a customer or a company)."""
        self._ratings[name] = rating

    def rating_of(self, name: str) -> Rating | None:
        """The credit rating of ``name``, if it was recorded."""
        return self._ratings.get(name)

    # --- paths drawn up front ----------------------------------------------------------
    def _sentiment_path(self, n: int) -> np.ndarray:
        s = self.spec.sentiment
        levels = np.array([getattr(s, r) for r in REGIMES])
        if self.demand is not None:
            months = (np.arange(n) / (DAYS_PER_YEAR / 12.0)).astype(np.int64)
            regimes = self.demand.regime_index[np.minimum(months, self.demand.regime_index.size
                                                          - 1)]
            target = levels[regimes]
        else:
            target = np.full(n, s.boom)
        pull: float = 1.0 - 0.5 ** (1.0 / s.half_life_days)  # typed (float ** float is Any)
        x = float(target[0])
        level = [x]
        goals: list[float] = target[1:].tolist()
        for goal in goals:
            x = x + pull * (goal - x)
            level.append(x)
        factor = mean_reverting_path(self.stream("sentiment"), n, s.factor_vol_annual,
                                     s.factor_half_life_days, self.spec.valuation.noise_tail_df)
        self._reference = getattr(s, s.calibration_regime) * np.exp(factor)
        self._level_days: list[float] = level
        """The regime's sentiment level by day, without the common factor (for value)."""
        return np.asarray(np.fromiter(level, np.float64, n) * np.exp(factor))

    def list_company(self, company: str, price_usd: float, vol_annual: float) -> None:
        """Start quoting ``company`` at ``price_usd``; ``vol_annual`` is its total volatility."""
        n = self.horizon_days + 1
        v = self.spec.valuation
        common = self.spec.sentiment.factor_vol_annual
        idio = math.sqrt(max(vol_annual**2 - common**2, 0.25 * vol_annual**2))
        noise = mean_reverting_path(self.stream(f"equity.{company}"), n, idio,
                                    v.noise_half_life_days, v.noise_tail_df)
        self._noise[company] = noise
        self._quotes[company] = Quote(price_usd, vol_annual, np.exp(noise).tolist(),
                                      self._btc_days, self._sentiment_days, self._floor_share,
                                      v.mining_ebitda_multiple * DAYS_PER_YEAR)

    # --- fundamentals --------------------------------------------------------------------
    def discount_rates(self, t_days: float, leverage_turns: float) -> tuple[float, float]:
        """(contracted, uncontracted) annual rates the market discounts cash flows at.

        Contracted: the risk-free rate, ``contracted_premium`` and the regime's spread add;
        uncontracted: the risk-free rate and the regime's equity premium; both plus a rate
        shock's spread add and the leverage premium (:meth:`leverage_premium`).
        """
        v, credit = self.spec.valuation, self.spec.credit
        regime = self.regime_at(t_days)
        common = (credit.risk_free_rate + self.leverage_premium(leverage_turns)
                  + self.shock_add(t_days))
        return (common + v.contracted_premium + credit.spread_add(regime),
                common + v.equity_premium(regime))

    def leverage_premium(self, leverage_turns: float) -> float:
        """What leverage adds to the market's discount rates (net debt / forward EBITDA)."""
        v = self.spec.valuation
        excess = max(0.0, leverage_turns - v.leverage_free_turns)
        return min(v.leverage_premium_per_turn * excess, v.leverage_premium_max)

    def cost_of_capital_add(self, t_days: float, leverage_turns: float) -> float:
        """What the market adds now to a company's cost of capital over a calm, unlevered one.

        The same rises as in its rate for contracted cash flows (:meth:`discount_rates`):
        the leverage premium, the regime's spread add and a rate shock's.
        """
        return (self.leverage_premium(leverage_turns)
                + self.spec.credit.spread_add(self.regime_at(t_days))
                + self.shock_add(t_days))

    def anchor(self, company: str, f: Fundamentals) -> None:
        """Set ``company``'s value of power so that today's price is its world price exactly."""
        q, d = self._quotes[company], self._day(self.now)
        target_price = q.price0_usd / q.mispricing[d]
        target_ev = target_price * f.diluted_shares + f.net_debt_usd + f.commitments_usd
        mining_ev = q.mining_multiple_days * max(
            self._btc_days[d] - f.mining_cost_usd_per_eh_day, 0.0) * f.mining_ehs
        residual = target_ev - f.inplace_value_usd - mining_ev
        power = residual / self._reference[d]
        if power > 0 and f.secured_mw > 0:
            q.land_usd_per_mw, q.other_ev_usd = power / f.secured_mw, 0.0
        else:
            q.land_usd_per_mw, q.other_ev_usd = 0.0, residual
        q.min_equity_usd = 1e-3 * q.price0_usd * f.diluted_shares
        q.digests = [Digest(d, [], self._day_values(q, f), (0.0,) * 6)]
        q.anchored = True
        q.anchor_day = q.settled_until = d
        q.settled = [0.0] * len(q.mispricing)
        q.changed(d)

    def _day_values(self, q: Quote, f: Fundamentals) -> Day:
        """The six fundamentals of a quote's day from a snapshot."""
        return (f.inplace_value_usd, q.land_usd_per_mw * f.secured_mw, f.mining_ehs,
                f.mining_cost_usd_per_eh_day, f.net_debt_usd + f.commitments_usd,
                f.diluted_shares)

    def update(self, company: str, f: Fundamentals) -> None:
        """Feed a month-end snapshot; it reaches the price over the next ``digest_days``.

        Day ``d + 1 + k`` gets ``start + (value - start) x ramp[k]`` of each fundamental
        (``start`` is today's), the days after the ramp ``start + (value - start)``.
        """
        q = self._quotes[company]
        if not q.anchored:
            self.anchor(company, f)
            return
        d = self._day(self.now)
        start = q.day(d)
        value = self._day_values(q, f)
        step = (value[0] - start[0], value[1] - start[1], value[2] - start[2],
                value[3] - start[3], value[4] - start[4], value[5] - start[5])
        q.digests.append(Digest(d + 1, self._ramp, start, step))
        q.changed(d + 1)

    def land_usd_per_mw(self, company: str) -> float:
        """What the market pays ``company`` for a MW of secured power at a sentiment of 1."""
        return self._quotes[company].land_usd_per_mw

    def value_per_share_usd(self, company: str, t_days: float) -> float:
        """Fundamental value per share: the price without the common factor and mispricing.

        Power is valued at the regime's sentiment level; what is left between this and
        the price is the market's mood and the company's mispricing (noise and news).
        """
        d, q = self._day(t_days), self._quotes[company]
        if not q.anchored or d < q.anchor_day:
            return q.price0_usd
        return q.value_on(d, self._level_days[d])

    # --- prices --------------------------------------------------------------------------
    def share_price_usd(self, company: str, t_days: float) -> float:
        """The company's share price on the day containing ``t_days``.

        The last day asked is remembered per company until its path changes (a month-end
        update or news): a month end asks for the same day's price many times. A day in the
        price record is read from it.
        """
        d, q = self._day(t_days), self._quotes[company]
        if q.price_day != d:
            known = q.anchor_day <= d < q.settled_until
            q.price_usd = q.settled[d] if known else q.price_on(d)
            q.price_day = d
        return q.price_usd

    def prices_usd(self, company: str, t0_days: float, t1_days: float) -> np.ndarray:
        """Daily prices over the days from ``t0_days`` through ``t1_days``."""
        prices = self._window(company, self._day(t0_days), self._day(t1_days) + 1)
        return np.fromiter(prices, np.float64, len(prices))

    def days_at_or_above(self, company: str, t0_days: float, t1_days: float,
                         price_usd: float) -> int:
        """Days from ``t0_days`` through ``t1_days`` the price closed at ``price_usd`` or more."""
        days = 0
        for price in self._window(company, self._day(t0_days), self._day(t1_days) + 1):
            days += price >= price_usd
        return days

    def realized_vol(self, company: str, t_days: float, window_days: int) -> float:
        """Annualized volatility of daily log returns over the last ``window_days``."""
        d = self._day(t_days)
        prices = self._window(company, max(0, d - window_days), d + 1)
        if len(prices) < 10:
            return self._quotes[company].vol_annual
        log_prices = np.log(np.fromiter(prices, np.float64, len(prices)))
        return std_of(log_prices[1:] - log_prices[:-1]) * math.sqrt(DAYS_PER_YEAR)

    def _window(self, company: str, d0: int, d1: int) -> list[float]:
        """The prices of days ``d0`` to ``d1`` (exclusive), past days from the record.

        Days before today never change once the price is anchored (fundamentals move
        tomorrow on, news today on), so they are computed once, into ``settled``, as the
        windows reach them; today's price is the remembered one.
        """
        q, today = self._quotes[company], self._day(self.now)
        if not self._settle(q, d0, d1, today):
            return [q.price_on(d) for d in range(d0, d1)]
        past = q.settled[d0:min(d1, today)]
        if d1 > today:
            past.append(self.share_price_usd(company, self.now))
        return past

    def _settle(self, q: Quote, d0: int, d1: int, today: int) -> bool:
        """Record the days before today in ``q.settled``; False if the window can't use it.

        It can when the price was anchored by ``d0`` and the window ends by today. Only
        past days are recorded: a day ahead could still move (a month end moves the days
        after it, news the days from today on), and a day costs the same computed alone.
        """
        if not q.anchored or d0 < q.anchor_day or d1 > today + 1:
            return False
        if q.settled_until < today:
            q.fill(q.settled_until, today)
            q.settled_until = today
        return True

    def _day(self, t_days: float) -> int:
        return min(max(math.floor(t_days + 1e-9), 0), self.horizon_days)

    # --- news ----------------------------------------------------------------------------
    def news(self, company: str, kind: str, size: float, cause: int | None) -> tuple[int, float]:
        """Move ``company``'s price from today on for news of ``kind`` and ``size``.

        ``kind`` is ``"contract"`` (size: ARR signed / forward ARR), ``"dilution"`` (new
        shares / shares outstanding) or ``"short_selling"`` (shares shorted / shares
        outstanding). Logs ``market.news``; returns its id and the relative price move.
        """
        v = self.spec.valuation
        if kind == "contract":
            move = min(v.contract_news_elasticity * size, v.contract_news_max)
        elif kind == "dilution":
            move = -v.dilution_news_elasticity * size
        elif kind == "short_selling":
            move = -v.short_selling_elasticity * size
        else:
            raise ValueError(f"markets: unknown news kind {kind!r}, expected one of {NEWS_KINDS}")
        move = min(max(move, -0.9), 1.0)  # np.clip's result, without its dispatch
        before = self.share_price_usd(company, self.now)
        quote, today = self._quotes[company], self._day(self.now)
        noise = self._noise[company]
        span = min(noise.size - today, self._news_span)
        noise[today:today + span] += math.log1p(move) * self._news_decay[:span]
        quote.mispricing[today:today + span] = np.exp(noise[today:today + span]).tolist()
        quote.changed(today)
        event = self.log("market.news", cause=cause, company=company, news=kind, size=size,
                         price_move=move, price_before_usd=before,
                         price_after_usd=self.share_price_usd(company, self.now))
        return event, move

    # --- credit and market state ---------------------------------------------------------
    def regime_at(self, t_days: float) -> Regime:
        """The demand regime markets read as sentiment (boom without a demand agent)."""
        return self.demand.regime_at(t_days) if self.demand is not None else "boom"

    def shocked(self, t_days: float) -> bool:
        """Whether ``t_days`` falls in the rate-shock window."""
        shock = self._shock_t_days
        return shock is not None and shock[0] <= t_days < shock[1]

    def shock_add(self, t_days: float) -> float:
        """What a rate shock adds to every rate and spread on ``t_days`` (0 outside it)."""
        return self.spec.state.shock_spread_add if self.shocked(t_days) else 0.0

    def credit_spread(self, rating: Rating, t_days: float, own_spread: float | None = None,
                      leverage_turns: float = 0.0) -> float:
        """Spread over the risk-free rate of a borrower of ``rating`` (or ``own_spread``).

        Widened by the regime, a rate shock and the borrower's leverage (net debt / forward
        EBITDA).
        """
        credit = self.spec.credit
        base = own_spread if own_spread is not None else credit.spread_by_rating[rating]
        add = credit.spread_add(self.regime_at(t_days)) + credit.leverage_add(leverage_turns)
        return base + add + self.shock_add(t_days)

    def closed_probability(self, t_days: float) -> float:
        """Chance that a raise attempted on ``t_days`` finds the market closed."""
        st = self.spec.state
        p = st.closed_probability(self.regime_at(t_days))
        if self.shocked(t_days):
            p = 1.0 - (1.0 - p) * (1.0 - st.shock_closed_probability)
        return p

    def convert_premium(self, t_days: float) -> float:
        """The conversion premium the convert market asks in the regime of ``t_days``."""
        return self.spec.converts.premium(self.regime_at(t_days))

    def atm_discount_add(self, t_days: float) -> float:
        """Extra ATM discount in the regime of ``t_days`` (on top of the company's own)."""
        return self.spec.atm.discount_add(self.regime_at(t_days))

    def metric_names(self) -> tuple[str, ...]:
        """Month-end shared sentiment and the chance a raise finds the market closed."""
        return ("sentiment", "closed_probability")

    def metrics(self) -> tuple[float, ...]:
        """Values of :meth:`metric_names` now."""
        return (self._sentiment_days[self._day(self.now)], self.closed_probability(self.now))
