"""Vectorized Cox-Ross-Rubinstein lattices behind :mod:`abm.finance.convertibles`.

Everything here works in QuantLib's units: a notional of 100, redemption 100, the
conversion ratio in shares per 100 of notional. The batch of notes is the first numpy
dimension of every array: a tree level is a ``(nodes, notes)`` array, contiguous in notes,
so that each level slice is one contiguous block; the only Python loop runs over the time
steps of the tree. Prices and deltas are scaled to a face value by the caller.

Node ``j`` of level ``i`` (``j = 0..i``) sits at ``S = spot * exp((2j - i) dx)``, exactly
as QuantLib's ``CoxRossRubinstein`` tree evaluates it. The payoff and spot tables are
stored once per parity, so that each level reads a contiguous slice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

REDEMPTION_PER_100: Final = 100.0
"""Redemption amount per 100 of notional (QuantLib's convertibles force notional 100)."""
_NARROW_NOTES = 64
"""Batches narrower than this get per-node tables of their per-note constants."""
_PAST_YEARS = 1e-9
"""Coupon times at or below this (rounding noise around t = 0) count as already paid."""


@dataclass(frozen=True)
class NoteBatch:
    """Flat, one-entry-per-note inputs in per-100-notional units.

    ``call_start_years`` is NaN for a note that is not callable; ``call_trigger`` (a
    multiple of the conversion price) is NaN for a hard call. ``coupon_times_years`` and
    ``coupon_per_100`` are ``(notes, coupons)``: each note's coupon times and amounts, NaN
    (or a zero amount) where a note has fewer coupons than the widest; ``put_times_years``
    likewise ``(notes, puts)``, NaN-padded, each put at ``put_price_per_100``.
    """

    spot: FloatArray
    vol: FloatArray
    rate: FloatArray
    credit_spread: FloatArray
    dividend_yield: FloatArray
    maturity_years: FloatArray
    conversion_ratio_per_100: FloatArray
    coupon_times_years: FloatArray
    coupon_per_100: FloatArray
    american: BoolArray
    call_start_years: FloatArray
    call_trigger: FloatArray
    call_price_per_100: FloatArray
    put_times_years: FloatArray
    put_price_per_100: FloatArray

    def take(self, index: IntArray) -> NoteBatch:
        """Return the sub-batch selected by ``index``."""
        return NoteBatch(**{name: getattr(self, name)[index] for name in _FIELDS})


_FIELDS = tuple(NoteBatch.__dataclass_fields__)


def closest_step(time_years: FloatArray, dt_years: FloatArray, steps: int) -> IntArray:
    """Snap times to the nearest node of the grid ``k * dt`` (``k = 0..steps``).

    Replicates QuantLib's ``TimeGrid::closestIndex``: a lower bound on the grid, then
    the nearer neighbour, ties going to the earlier node; times past the end snap to it.
    """
    k = np.clip(np.ceil(time_years / dt_years), 0.0, float(steps))
    k = np.where((k > 0) & (dt_years * (k - 1) >= time_years), k - 1, k)
    k = np.where((k < steps) & (dt_years * k < time_years), k + 1, k)
    past_end = dt_years * k < time_years
    pick_upper = (dt_years * k - time_years) < (time_years - dt_years * (k - 1))
    snapped = np.where(k == 0, 0.0, np.where(past_end | pick_upper, k, k - 1))
    return snapped.astype(np.int64)


class _Lattice:
    """Per-chunk tree geometry, event schedule and level accessors.

    ``quantlib_maturity_rule`` keeps QuantLib's floating-point test for American
    conversion at maturity (``(T / steps) * steps >= T``); otherwise it is always allowed.
    """

    def __init__(self, notes: NoteBatch, steps: int, *, quantlib_maturity_rule: bool) -> None:
        n = steps
        self.n = n
        self.dt = notes.maturity_years / n
        self.dx = np.sqrt(notes.vol * notes.vol * self.dt)
        drift = notes.rate - notes.dividend_yield - 0.5 * notes.vol * notes.vol
        self.pu = 0.5 + 0.5 * (drift * self.dt) / self.dx
        if np.any(~((self.pu >= 0.0) & (self.pu < 1.0))):
            raise ValueError(
                "binomial up-probability outside [0, 1): (rate - dividend_yield - vol^2/2) "
                "* sqrt(dt) / vol is too large; increase steps or vol"
            )
        self.pd = 1.0 - self.pu
        self.rho = self.pu / self.pd
        ratio = notes.conversion_ratio_per_100
        spot = notes.spot
        dx = self.dx
        even = np.arange(-n, n + 1, 2, dtype=np.float64)[:, None]
        self.spot_tables = (spot * np.exp(even * dx), spot * np.exp((even[:-1] + 1.0) * dx))
        self.payoff_tables = (ratio * self.spot_tables[0], ratio * self.spot_tables[1])
        maturity_ok = self.dt * n >= notes.maturity_years  # QuantLib's `t <= stoppingTime`
        if not quantlib_maturity_rule:
            maturity_ok = np.ones_like(maturity_ok)
        self.convertible_at_end = np.where(notes.american, maturity_ok, True)
        self.american = notes.american
        self.all_american = bool(np.all(notes.american))
        self.coupons = self._coupon_table(notes)
        self.coupon_steps = frozenset(np.flatnonzero(np.any(self.coupons != 0.0, axis=1)).tolist())
        self.put_floors: dict[int, FloatArray] = {}
        """Per step with a holder's put, each note's put price (-inf where none)."""
        for times in notes.put_times_years.T:
            live = times > _PAST_YEARS
            step = closest_step(np.where(live, times, 0.0), self.dt, n)
            for k in np.unique(step[live]).tolist():
                floor = self.put_floors.setdefault(k, np.full(times.size, -np.inf))
                np.copyto(floor, notes.put_price_per_100, where=live & (step == k))
        callable_notes = ~np.isnan(notes.call_start_years)
        start = np.where(callable_notes, notes.call_start_years, 0.0)
        self.call_step = np.where(callable_notes, closest_step(start, self.dt, n), n + 1)
        self.last_uncallable_step = int(np.min(self.call_step, initial=n + 1)) - 1
        self.soft = ~np.isnan(notes.call_trigger)
        conversion_value = REDEMPTION_PER_100 / notes.conversion_ratio_per_100
        self.trigger_spot = np.where(
            self.soft, conversion_value * np.nan_to_num(notes.call_trigger), -np.inf
        )
        self.call_price = notes.call_price_per_100
        # per-step constants of call_cap, hoisted out of the step loop
        self.all_called_from = int(np.max(self.call_step, initial=0))
        self.may_convert = (self.soft | self.american, self.soft | self.convertible_at_end)
        self.always_convertible = (bool(np.all(self.may_convert[0])),
                                   bool(np.all(self.may_convert[1])))
        self.cap_tables = self._cap_tables() if self.all_called_from < n else None

    def _cap_tables(self) -> tuple[FloatArray, FloatArray]:
        """Per parity, the cap where every note's call is live before maturity, else +inf.

        ``np.minimum(values, cap_or_inf)`` is then the capped level (``min(v, inf)`` is
        ``v``), the same numbers as ``np.minimum(values, cap, where=hit)`` at a fraction of
        its cost on a narrow batch (measured in docs/performance.md).
        """
        price, may_convert = self.call_price, self.may_convert[0]
        tables = []
        for spots, payoff in zip(self.spot_tables, self.payoff_tables, strict=True):
            cap = np.maximum(price, payoff)
            if not self.always_convertible[0]:
                cap = np.where(may_convert, cap, price)
            tables.append(np.where(spots >= self.trigger_spot, cap, np.inf))
        return tables[0], tables[1]

    def cap_or_inf(self, i: int) -> FloatArray | None:
        """The level's cap where a call caps it and +inf elsewhere; ``None`` if none can."""
        if self.cap_tables is not None and self.all_called_from <= i < self.n:
            return self.level(self.cap_tables, i)
        capped = self.call_cap(i)
        if capped is None:
            return None
        hit, cap, _ = capped
        return np.where(hit, cap, np.inf)

    def _coupon_table(self, notes: NoteBatch) -> FloatArray:
        """Coupon amount per 100 paid at each (step, note), coupons on one step summed.

        A coupon at or before ``t = 0`` (past ``_PAST_YEARS`` of rounding) has been paid
        and is left out, as QuantLib leaves out cash flows on or before the valuation date.
        """
        table = np.zeros((self.n + 1, notes.spot.size))
        amounts, times = notes.coupon_per_100, notes.coupon_times_years
        paying = (amounts != 0.0) & (times > _PAST_YEARS)  # NaN padding compares False
        if not np.any(paying):
            return table
        rows = np.arange(notes.spot.size)
        for m in np.flatnonzero(np.any(paying, axis=0)).tolist():
            live = paying[:, m]
            step = closest_step(np.where(live, times[:, m], 0.0), self.dt, self.n)
            np.add.at(table, (step[live], rows[live]), amounts[live, m])
        return table

    def level(self, tables: tuple[FloatArray, FloatArray], i: int) -> FloatArray:
        """Return the contiguous ``(i + 1, notes)`` slice of a per-parity table."""
        offset = (self.n - i) >> 1
        return tables[(self.n - i) & 1][offset : offset + i + 1]

    def convertible_at(self, i: int) -> BoolArray:
        """Which notes may convert at step ``i`` (American: all steps, European: last)."""
        if i == self.n:
            return self.convertible_at_end
        return self.american

    def call_cap(self, i: int) -> tuple[BoolArray, FloatArray, BoolArray] | None:
        """Nodes where a live call caps the value, the cap, and whether holders may convert.

        QuantLib's rule: a soft call (or a hard call on a conversion date) caps the value at
        ``max(call price, conversion value)``; a hard call elsewhere at the call price.
        """
        if i <= self.last_uncallable_step:
            return None
        trigger = (self.trigger_spot if i >= self.all_called_from
                   else np.where(self.call_step <= i, self.trigger_spot, np.inf))
        hit = self.level(self.spot_tables, i) >= trigger
        payoff = self.level(self.payoff_tables, i)
        price = self.call_price
        at_end = int(i == self.n)
        may_convert = self.may_convert[at_end]
        if self.always_convertible[at_end]:
            return hit, np.maximum(price, payoff), may_convert
        return hit, np.where(may_convert, np.maximum(price, payoff), price), may_convert

    def delta(self, level_one_values: FloatArray) -> FloatArray:
        """Binomial delta (per 100 notional) from the two nodes of step 1."""
        spots = self.level(self.spot_tables, 1)
        slope = (level_one_values[1] - level_one_values[0]) / (spots[1] - spots[0])
        return np.asarray(slope, dtype=np.float64)


def _convert_quantlib(lat: _Lattice, i: int, values: FloatArray) -> BoolArray | None:
    """Apply the conversion option at step ``i`` in place; return the nodes left unconverted.

    Ties convert (QuantLib converts when ``value <= conversion value``). Returns ``None``
    when no note may convert at this step.
    """
    payoff = lat.level(lat.payoff_tables, i)
    if i == lat.n or not lat.all_american:
        allowed = lat.convertible_at(i)
        if not np.any(allowed):
            return None
        kept: BoolArray = (values > payoff) | ~allowed
        np.copyto(values, payoff, where=~kept)
        return kept
    kept = values > payoff
    np.maximum(values, payoff, out=values)
    return kept


def _adjust_quantlib(lat: _Lattice, i: int, values: FloatArray) -> BoolArray | None:
    """QuantLib's ``postAdjustValuesImpl``: calls, puts, then coupons, then conversion."""
    cap = lat.cap_or_inf(i)
    if cap is not None:
        np.minimum(values, cap, out=values)
    if i in lat.put_floors:  # a put floors the value; QuantLib leaves p as it is
        np.maximum(values, lat.put_floors[i], out=values)
    if i in lat.coupon_steps:
        values += lat.coupons[i]
    return _convert_quantlib(lat, i, values)


def _per_node(per_note: FloatArray, steps: int) -> FloatArray:
    """A per-note constant as a ``(steps + 1, notes)`` array, one row per node.

    On a wide batch a broadcast view (numpy's inner loop runs along the notes); on a
    narrow one (a convert's sizing prices a dozen notes) a real table: broadcasting a dozen
    values over a hundred rows costs numpy a short inner loop per row (~4.4 against ~2.4
    us a multiply at 11 notes). The same numbers either way.
    """
    shape = (steps + 1, per_note.size)
    if per_note.size >= _NARROW_NOTES:
        return np.broadcast_to(per_note, shape)
    return np.tile(per_note, (steps + 1, 1))


@dataclass(frozen=True)
class QuantlibStart:
    """:func:`rollback_quantlib`'s tree at maturity, before it steps back.

    ``values``, ``excess`` and ``scaled`` are the ``(steps + 1, notes)`` levels; ``pd``,
    ``rho`` and ``floor_scaled`` the per-node constants of every step.
    """

    lat: _Lattice
    values: FloatArray
    excess: FloatArray
    scaled: FloatArray
    pd: FloatArray
    rho: FloatArray
    floor_scaled: FloatArray


def quantlib_start(notes: NoteBatch, steps: int) -> QuantlibStart:
    """The lattice and the maturity level of :func:`rollback_quantlib` (its first step)."""
    lat = _Lattice(notes, steps, quantlib_maturity_rule=True)
    n, b = steps, notes.spot.size
    pd, rho = _per_node(lat.pd, n), _per_node(lat.rho, n)
    growth_converted = 1.0 + notes.rate * lat.dt  # 1 + R dt when p = 1
    floor_scaled = _per_node(growth_converted / lat.pd, n)
    values = np.full((n + 1, b), REDEMPTION_PER_100)
    kept = _adjust_quantlib(lat, n, values)
    excess = np.empty((n + 1, b))
    excess[:] = notes.credit_spread * lat.dt
    if kept is not None:
        excess *= kept
    # scaled = (1 + R dt) / pd of the nodes of the level below the current one
    scaled = np.add(growth_converted, excess, out=np.empty((n + 1, b)))
    scaled /= pd
    return QuantlibStart(lat, values, excess, scaled, pd, rho, floor_scaled)


def rollback_quantlib(notes: NoteBatch, steps: int) -> tuple[FloatArray, FloatArray]:
    """Price per 100 and delta per 100 exactly as QuantLib's ``BinomialConvertibleEngine``.

    A conversion probability ``p`` is rolled back with the values; each child is
    discounted at its own blended rate ``R = r + (1 - p) cs`` with simple compounding
    over one step, where ``p`` is the child's probability *before* its own conversion
    check (QuantLib computes the rate in the step-back and only then converts), except
    at maturity where it is computed after the conversion check.

    Internally ``excess = (1 - p) cs dt`` is rolled back instead of ``p`` (it is linear in
    ``p``, so the expectation commutes) and zeroed where a node converts.
    """
    start = quantlib_start(notes, steps)
    lat, values, excess, scaled = start.lat, start.values, start.excess, start.scaled
    pd, rho, floor_scaled = start.pd, start.rho, start.floor_scaled
    n, b = steps, notes.spot.size
    spare = np.empty((n + 1, b))
    delta = lat.delta(values) if n == 1 else np.full(b, np.nan)
    for i in range(n - 1, -1, -1):
        w = i + 1
        level = values[:w]
        # values: pd V0 / (1 + R0 dt) + pu V1 / (1 + R1 dt) = (V0/s0 + rho V1/s1)
        np.divide(values[: w + 1], scaled[: w + 1], out=spare[: w + 1])
        np.multiply(spare[1 : w + 1], rho[:w], out=scaled[:w])
        np.add(spare[:w], scaled[:w], out=level)
        # excess of the new level before conversion, divided by pd
        np.multiply(excess[1 : w + 1], rho[:w], out=spare[:w])
        np.add(excess[:w], spare[:w], out=excess[:w])
        np.add(floor_scaled[:w], excess[:w], out=scaled[:w])
        kept = _adjust_quantlib(lat, i, level)
        excess[:w] *= pd[:w]
        if kept is not None:
            excess[:w] *= kept
        if i == 1:
            delta = lat.delta(level)
    return values[0].copy(), delta


def _adjust_tf(lat: _Lattice, i: int, equity: FloatArray, cash: FloatArray) -> None:
    """Tsiveriotis-Fernandes node rules: calls, puts, coupons, conversion, on the total."""
    payoff = lat.level(lat.payoff_tables, i)
    capped = lat.call_cap(i)
    if capped is not None:
        hit, cap, may_convert = capped
        called = hit & (cap < equity + cash)
        forced = called & may_convert & (payoff >= lat.call_price)
        redeemed = called & ~forced
        np.copyto(equity, payoff, where=forced)
        np.copyto(cash, 0.0, where=forced)
        np.copyto(equity, 0.0, where=redeemed)
        np.copyto(cash, cap, where=redeemed)
    if i in lat.put_floors:
        put = equity + cash < lat.put_floors[i]
        np.copyto(equity, 0.0, where=put)
        np.copyto(cash, np.broadcast_to(lat.put_floors[i], cash.shape), where=put)
    if i in lat.coupon_steps:
        cash += lat.coupons[i]
    converted = (equity + cash) <= payoff
    if i < lat.n and not lat.all_american:
        converted &= lat.american
    np.copyto(equity, payoff, where=converted)
    np.copyto(cash, 0.0, where=converted)


def rollback_tf(notes: NoteBatch, steps: int) -> tuple[FloatArray, FloatArray]:
    """Price per 100 and delta per 100 with the textbook Tsiveriotis-Fernandes split.

    The equity part is discounted at ``r`` and the cash-only part (coupons, redemption,
    call cash) at ``r + cs``, both continuously over each step; conversion and call
    decisions look at the total. Conversion at maturity is always allowed.
    """
    lat = _Lattice(notes, steps, quantlib_maturity_rule=False)
    n, b = steps, notes.spot.size
    equity_down = lat.pd * np.exp(-notes.rate * lat.dt)
    equity_up = lat.pu * np.exp(-notes.rate * lat.dt)
    cash_down = lat.pd * np.exp(-(notes.rate + notes.credit_spread) * lat.dt)
    cash_up = lat.pu * np.exp(-(notes.rate + notes.credit_spread) * lat.dt)
    equity = np.zeros((n + 1, b))
    cash = np.full((n + 1, b), REDEMPTION_PER_100)
    _adjust_tf(lat, n, equity, cash)
    spare = np.empty((n, b))
    delta = lat.delta(equity[:2] + cash[:2]) if n == 1 else np.full(b, np.nan)
    for i in range(n - 1, -1, -1):
        w = i + 1
        for part, down, up in ((equity, equity_down, equity_up), (cash, cash_down, cash_up)):
            np.multiply(part[1 : w + 1], up, out=spare[:w])
            np.multiply(part[:w], down, out=part[:w])
            part[:w] += spare[:w]
        _adjust_tf(lat, i, equity[:w], cash[:w])
        if i == 1:
            delta = lat.delta(equity[:2] + cash[:2])
    return equity[0] + cash[0], delta
