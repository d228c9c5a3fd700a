"""What the market values a listed company from: a month-end snapshot of its books."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fundamentals:
    """A month-end snapshot of what the market values.

    ``inplace_value_usd`` is the present value of the operations in place (contracts and
    GPUs sold by the hour, :mod:`agents.neoclouds.intrinsic`) at the market's rates of the
    day; ``secured_mw`` the power the company holds, which the market values per MW.
    """

    inplace_value_usd: float
    secured_mw: float
    mining_ehs: float
    mining_cost_usd_per_eh_day: float
    net_debt_usd: float
    commitments_usd: float
    diluted_shares: float
