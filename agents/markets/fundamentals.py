"""What the market values a listed company from: a month-end snapshot of its books."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fundamentals:
    """A month-end snapshot of what the market values."""

    forward_arr_usd: float
    mining_ehs: float
    mining_cost_usd_per_eh_day: float
    net_debt_usd: float
    commitments_usd: float
    diluted_shares: float
