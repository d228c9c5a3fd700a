"""A listed company's quote: its month ends, news and noise, and the price of a day.

The market (:mod:`agents.markets.capital`) keeps one :class:`Quote` per listed company. A day's
price is its five fundamentals (:data:`FUNDAMENTALS`, from the last month end on or
before it, :class:`Digest`) valued at the day's sentiment and hashprice, times the
company's noise and the product of its news so far, one day at a time (the market asks
for a day, or a window of about a month).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

FUNDAMENTALS: Final = ("ai_ev_usd", "mining_ehs", "mining_cost_usd_per_eh_day", "claims_usd",
                       "shares")
"""The fundamentals a price is made of, in the order of a quote's day (:data:`Day`)."""
Day = tuple[float, float, float, float, float]
"""One day's :data:`FUNDAMENTALS`."""


class Digest:
    """One month end's move of the five fundamentals, read day by day.

    Day ``from_day + k`` holds ``start + step x ramp[k]`` of each while ``k`` is within
    the ramp, then ``start + step`` (``fa`` .. ``fs``): a market reading the books over
    ``digest_days``. An anchor is a digest with no ramp and no step. Kept as numbers, not
    written into daily paths: a month end is one object, and a day is ten operations.
    """

    def __init__(self, from_day: int, ramp: list[float], start: Day, step: Day) -> None:
        self.from_day = from_day
        self.ramp = ramp
        self.a0, self.e0, self.m0, self.c0, self.s0 = start
        self.a1, self.e1, self.m1, self.c1, self.s1 = step
        self.fa, self.fe, self.fm = self.a0 + self.a1, self.e0 + self.e1, self.m0 + self.m1
        self.fc, self.fs = self.c0 + self.c1, self.s0 + self.s1

    def at(self, d: int) -> Day:
        """The fundamentals of day ``d`` (on or after ``from_day``)."""
        k = d - self.from_day
        if k >= len(self.ramp):
            return (self.fa, self.fe, self.fm, self.fc, self.fs)
        r = self.ramp[k]
        return (r * self.a1 + self.a0, r * self.e1 + self.e0, r * self.m1 + self.m0,
                r * self.c1 + self.c0, r * self.s1 + self.s0)


@dataclass
class Quote:
    """One listed company's price state: drawn noise, news, and fundamentals by day.

    ``claims_usd`` is what comes ahead of equity: net debt plus committed capex. A day's
    price is multiplied by its noise, ``noise_factor[d]`` (``exp`` of the drawn log
    deviation), and by the product of the news up to that day (:meth:`news_level`:
    ``news_levels[i]`` from day ``news_days[i]`` on). ``btc_days`` (hashprice, USD per
    EH-day) and ``sentiment_days`` are the market's shared daily paths; ``floor_share``
    the share of EV equity keeps at least. ``settled`` holds the prices of days
    ``anchor_day`` to ``settled_until`` (exclusive), the days before today whose prices
    were asked (:meth:`fill`).
    """

    price0_usd: float
    vol_annual: float
    noise_factor: list[float]
    btc_days: list[float]
    sentiment_days: list[float]
    floor_share: float
    digests: list[Digest] = field(default_factory=list)
    news_days: list[int] = field(default_factory=lambda: [0])
    news_levels: list[float] = field(default_factory=lambda: [1.0])
    ai_scale: float = 0.0
    mining_scale: float = 0.0
    other_ev_usd: float = 0.0
    min_equity_usd: float = 0.0
    anchored: bool = False
    price_day: int = -1
    price_usd: float = 0.0
    anchor_day: int = 0
    settled: list[float] = field(default_factory=list)
    settled_until: int = 0

    def changed(self, from_day: int) -> None:
        """The path moved from day ``from_day`` on: forget the prices known from there."""
        self.price_day = -1
        self.settled_until = min(self.settled_until, from_day)

    def news_level(self, d: int) -> float:
        """The product of ``1 + move`` of the news on or before day ``d``."""
        days = self.news_days
        i = len(days) - 1
        while days[i] > d:
            i -= 1
        return self.news_levels[i]

    def digest_on(self, d: int) -> Digest:
        """The month end in force on day ``d``: the last on or before it (or the anchor)."""
        digests = self.digests
        i = len(digests) - 1
        while i > 0 and digests[i].from_day > d:
            i -= 1
        return digests[i]

    def day(self, d: int) -> Day:
        """The five fundamentals of day ``d`` (on or after the anchor)."""
        return self.digest_on(d).at(d)

    # --- prices --------------------------------------------------------------------------
    def price_on(self, d: int) -> float:
        """The price of day ``d``: fundamentals, sentiment and hashprice, times noise and news.

        Before the company is anchored (and for days before its anchor), its world price
        times noise and news.
        """
        factor = self.noise_factor[d] * self.news_level(d)
        if not self.anchored or d < self.anchor_day:
            return self.price0_usd * factor
        return self._digest_price(self.digest_on(d), d, factor)

    def fill(self, d0: int, d1: int) -> None:
        """Write the prices of days ``d0`` to ``d1`` (exclusive, anchored) into ``settled``.

        :meth:`price_on`'s numbers for each day, a stretch at a time: between two changes
        (a month end, news) the month end and the news level are the same, and past the
        month end's ramp so are the five fundamentals. Both lists are in day order.
        """
        digests, news_days, levels = self.digests, self.news_days, self.news_levels
        settled, noise = self.settled, self.noise_factor
        g, n_digests = 0, len(digests)
        k, n_news = 0, len(news_days)
        d = d0
        while d < d1:
            while g + 1 < n_digests and digests[g + 1].from_day <= d:
                g += 1
            while k + 1 < n_news and news_days[k + 1] <= d:
                k += 1
            end = d1
            if g + 1 < n_digests:
                end = min(end, digests[g + 1].from_day)
            if k + 1 < n_news:
                end = min(end, news_days[k + 1])
            digest, level = digests[g], levels[k]
            ramp_end = min(end, digest.from_day + len(digest.ramp))
            while d < ramp_end:
                settled[d] = self._digest_price(digest, d, noise[d] * level)
                d += 1
            ai_ev, ehs, cost, claims, shares = (digest.fa, digest.fe, digest.fm, digest.fc,
                                                digest.fs)
            while d < end:
                settled[d] = self._price_of(d, noise[d] * level, ai_ev, ehs, cost, claims,
                                            shares)
                d += 1

    def _digest_price(self, g: Digest, d: int, factor: float) -> float:
        """Day ``d``'s price from month end ``g`` (the last on or before ``d``) and ``factor``.

        The fundamentals are :meth:`Digest.at`'s.
        """
        k = d - g.from_day
        if k < len(g.ramp):
            r = g.ramp[k]
            return self._price_of(d, factor, r * g.a1 + g.a0, r * g.e1 + g.e0,
                                  r * g.m1 + g.m0, r * g.c1 + g.c0, r * g.s1 + g.s0)
        return self._price_of(d, factor, g.fa, g.fe, g.fm, g.fc, g.fs)

    def _price_of(self, d: int, factor: float, ai_ev: float, mining_ehs: float,
                  mining_cost: float, claims: float, shares: float) -> float:
        """Day ``d``'s price from its five fundamentals, sentiment, hashprice and ``factor``."""
        mining = self.mining_scale * max(self.btc_days[d] - mining_cost, 0.0)
        ev = ai_ev * self.sentiment_days[d] + mining * mining_ehs + self.other_ev_usd
        equity = max(ev - claims, self.floor_share * max(ev, 0.0))
        equity = max(equity, self.min_equity_usd)
        return equity / shares * factor
