"""One note's QuantLib rollback on floats: the width a convert's sizing asks most.

Sizing a convert (:mod:`abm.finance.issuance`) prices a grid of notes at once, then
refines the terms one note at a time; at a width of one, each step of
:func:`abm.finance.convertible_tree.rollback_quantlib` is ~13 numpy calls of pure
overhead. :func:`rollback_quantlib_one` steps the same tree back on Python floats
(compiled: unboxed), with the same operations in the same order on each node, so it gives
the same numbers bit for bit (tested against the vectorized rollback). The lattice and
the maturity level are the vectorized code's own (:func:`quantlib_start`).
"""

from __future__ import annotations

import numpy as np

from abm.finance.convertible_tree import FloatArray, NoteBatch, quantlib_start


def rollback_quantlib_one(notes: NoteBatch, steps: int) -> tuple[FloatArray, FloatArray]:
    """:func:`~abm.finance.convertible_tree.rollback_quantlib` of a batch of one note.

    Per node of level ``i`` (``j = 0..i``), as the vectorized step: the values rolled back
    as ``V_j / s_j + rho V_{j+1} / s_{j+1}``, the excess as ``E_j + rho E_{j+1}``, the
    next level's ``s_j = floor + E_j``; then a live call's cap (``min``), the step's
    coupon, and conversion (``max`` with the payoff, the excess zeroed where it converts);
    the excess times ``pd``.

    Raises:
        ValueError: unless ``notes`` holds one note and ``steps >= 2``.

    """
    if notes.spot.size != 1 or steps < 2:
        raise ValueError("rollback_quantlib_one: one note and at least 2 steps")
    start = quantlib_start(notes, steps)
    lat, n = start.lat, steps
    values: list[float] = start.values[:, 0].tolist()
    excess: list[float] = start.excess[:, 0].tolist()
    scaled: list[float] = start.scaled[:, 0].tolist()
    pd, rho = float(start.pd[0, 0]), float(start.rho[0, 0])
    floor = float(start.floor_scaled[0, 0])
    payoffs: tuple[list[float], list[float]] = (lat.payoff_tables[0][:, 0].tolist(),
                                                lat.payoff_tables[1][:, 0].tolist())
    caps: tuple[list[float], list[float]] = (([], []) if lat.cap_tables is None else
                                             (lat.cap_tables[0][:, 0].tolist(),
                                              lat.cap_tables[1][:, 0].tolist()))
    coupons: list[float] = lat.coupons[:, 0].tolist()
    # before maturity a note converts at every step if American, else never (no call
    # caps a level before the note's first call step: cap_or_inf is None there)
    convertible = bool(lat.american[0])
    capped_from = lat.all_called_from if lat.cap_tables is not None else n
    delta: FloatArray = np.full(1, np.nan)
    for i in range(n - 1, -1, -1):
        offset = (n - i) >> 1
        payoff, cap = payoffs[(n - i) & 1], caps[(n - i) & 1]
        capped = i >= capped_from
        paying = i in lat.coupon_steps
        coupon = coupons[i]
        ahead = values[0] / scaled[0]
        for j in range(i + 1):
            here = ahead
            ahead = values[j + 1] / scaled[j + 1]
            v = here + ahead * rho
            e = excess[j] + excess[j + 1] * rho
            scaled[j] = floor + e
            if capped:
                c = cap[offset + j]
                if c < v:  # np.minimum (a NaN value stays NaN)
                    v = c
            if paying:
                v = v + coupon
            e = e * pd
            if convertible:
                p = payoff[offset + j]
                if not v > p:  # converts: np.maximum, the excess times False
                    e = e * 0.0
                    if p >= v:
                        v = p
            values[j] = v
            excess[j] = e
        if i == 1:
            delta = lat.delta(np.array([[values[0]], [values[1]]]))
    return np.array([values[0]]), delta
