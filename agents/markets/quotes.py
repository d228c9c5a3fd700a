"""A listed company's quote: its month ends, its mispricing, and the price of a day.

The market (:mod:`agents.markets.capital`) keeps one :class:`Quote` per listed company. A
day's price is its six fundamentals (:data:`FUNDAMENTALS`, from the last month end on or
before it, :class:`Digest`) valued at the day's sentiment and hashprice, times the
company's mispricing of that day (``mispricing[d]``: its drawn noise, and the jumps of
its news decaying like the noise does), one day at a time (the market asks for a day, or
a window of about a month).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

FUNDAMENTALS: Final = ("inplace_ev_usd", "power_ev_usd", "mining_ehs",
                       "mining_cost_usd_per_eh_day", "claims_usd", "shares")
"""The fundamentals a price is made of, in the order of a quote's day (:data:`Day`)."""
Day = tuple[float, float, float, float, float, float]
"""One day's :data:`FUNDAMENTALS`."""


class Digest:
    """One month end's move of the six fundamentals, read day by day.

    Day ``from_day + k`` holds ``start + step x ramp[k]`` of each while ``k`` is within
    the ramp, then ``start + step`` (``fi`` .. ``fs``): a market reading the books over
    ``digest_days``. An anchor is a digest with no ramp and no step. Kept as numbers, not
    written into daily paths: a month end is one object, and a day is a dozen operations.
    """

    def __init__(self, from_day: int, ramp: list[float], start: Day, step: Day) -> None:
        self.from_day = from_day
        self.ramp = ramp
        self.i0, self.p0, self.e0, self.m0, self.c0, self.s0 = start
        self.i1, self.p1, self.e1, self.m1, self.c1, self.s1 = step
        self.fi, self.fp, self.fe = self.i0 + self.i1, self.p0 + self.p1, self.e0 + self.e1
        self.fm, self.fc, self.fs = self.m0 + self.m1, self.c0 + self.c1, self.s0 + self.s1

    def at(self, d: int) -> Day:
        """The fundamentals of day ``d`` (on or after ``from_day``)."""
        k = d - self.from_day
        if k >= len(self.ramp):
            return (self.fi, self.fp, self.fe, self.fm, self.fc, self.fs)
        r = self.ramp[k]
        return (r * self.i1 + self.i0, r * self.p1 + self.p0, r * self.e1 + self.e0,
                r * self.m1 + self.m0, r * self.c1 + self.c0, r * self.s1 + self.s0)


@dataclass
class Quote:
    """One listed company's price state: its mispricing and its fundamentals by day.

    ``claims_usd`` is what comes ahead of equity: net debt plus committed capex. A day's
    price is multiplied by ``mispricing[d]`` (``exp`` of the drawn log deviation plus the
    decayed news). ``btc_days`` (hashprice, USD per EH-day) and ``sentiment_days`` are the
    market's shared daily paths; ``power_ev_usd`` is the company's power valued at a
    sentiment of 1, so a day's value of it is times that day's sentiment. ``floor_share``
    is the share of EV equity keeps at least. ``settled`` holds the prices of days
    ``anchor_day`` to ``settled_until`` (exclusive), the days before today whose prices
    were asked (:meth:`fill`).
    """

    price0_usd: float
    vol_annual: float
    mispricing: list[float]
    btc_days: list[float]
    sentiment_days: list[float]
    floor_share: float
    mining_multiple_days: float
    """EV per USD of a day's mining margin (the EBITDA multiple x days a year)."""
    digests: list[Digest] = field(default_factory=list)
    land_usd_per_mw: float = 0.0
    """What the market pays for a MW of secured power at a sentiment of 1."""
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

    def digest_on(self, d: int) -> Digest:
        """The month end in force on day ``d``: the last on or before it (or the anchor)."""
        digests = self.digests
        i = len(digests) - 1
        while i > 0 and digests[i].from_day > d:
            i -= 1
        return digests[i]

    def day(self, d: int) -> Day:
        """The six fundamentals of day ``d`` (on or after the anchor)."""
        return self.digest_on(d).at(d)

    # --- prices --------------------------------------------------------------------------
    def price_on(self, d: int) -> float:
        """The price of day ``d``: fundamentals, sentiment and hashprice, times mispricing.

        Before the company is anchored (and for days before its anchor), its world price
        times its mispricing.
        """
        if not self.anchored or d < self.anchor_day:
            return self.price0_usd * self.mispricing[d]
        return self._digest_price(self.digest_on(d), d, self.mispricing[d],
                                  self.sentiment_days[d])

    def value_on(self, d: int, sentiment: float) -> float:
        """Equity per share on day ``d`` at ``sentiment``, without mispricing."""
        return self._digest_price(self.digest_on(d), d, 1.0, sentiment)

    def fill(self, d0: int, d1: int) -> None:
        """Write the prices of days ``d0`` to ``d1`` (exclusive, anchored) into ``settled``.

        :meth:`price_on`'s numbers for each day, a stretch at a time: between two month
        ends the month end is the same, and past its ramp so are the six fundamentals.
        """
        digests, settled = self.digests, self.settled
        mispricing, sentiment = self.mispricing, self.sentiment_days
        g, n_digests = 0, len(digests)
        d = d0
        while d < d1:
            while g + 1 < n_digests and digests[g + 1].from_day <= d:
                g += 1
            end = d1
            if g + 1 < n_digests:
                end = min(end, digests[g + 1].from_day)
            digest = digests[g]
            ramp_end = min(end, digest.from_day + len(digest.ramp))
            while d < ramp_end:
                settled[d] = self._digest_price(digest, d, mispricing[d], sentiment[d])
                d += 1
            inplace, power, ehs, cost, claims, shares = (digest.fi, digest.fp, digest.fe,
                                                         digest.fm, digest.fc, digest.fs)
            while d < end:
                settled[d] = self._price_of(d, mispricing[d], sentiment[d], inplace, power,
                                            ehs, cost, claims, shares)
                d += 1

    def _digest_price(self, g: Digest, d: int, factor: float, sentiment: float) -> float:
        """Day ``d``'s price from month end ``g`` (the last on or before ``d``)."""
        k = d - g.from_day
        if k < len(g.ramp):
            r = g.ramp[k]
            return self._price_of(d, factor, sentiment, r * g.i1 + g.i0, r * g.p1 + g.p0,
                                  r * g.e1 + g.e0, r * g.m1 + g.m0, r * g.c1 + g.c0,
                                  r * g.s1 + g.s0)
        return self._price_of(d, factor, sentiment, g.fi, g.fp, g.fe, g.fm, g.fc, g.fs)

    def _price_of(self, d: int, factor: float, sentiment: float, inplace_ev: float,
                  power_ev: float, mining_ehs: float, mining_cost: float, claims: float,
                  shares: float) -> float:
        """Day ``d``'s price from its six fundamentals, ``sentiment``, hashprice, ``factor``."""
        mining = self.mining_multiple_days * max(self.btc_days[d] - mining_cost, 0.0)
        ev = inplace_ev + power_ev * sentiment + mining * mining_ehs + self.other_ev_usd
        equity = max(ev - claims, self.floor_share * max(ev, 0.0))
        equity = max(equity, self.min_equity_usd)
        return equity / shares * factor
