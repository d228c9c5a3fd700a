"""Tenders and bids as data, and how a customer ranks bids.

A tender asks for IT MW by a needed-by date for a term, as GPU cloud capacity (priced per
GPU-hour) or a powered lease (priced per kW-month). The award weighs time to power first:
ready dates within a tolerance count as equal; among those, the lowest effective price
wins, where an incumbent's relationship and a stronger credit shave the price compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from abm.finance.project import Economics

ContractKind = Literal["gpu_cloud", "lease"]
CREDIT_NOTCHES: Final = {"AAA": 6, "AA": 5, "A": 4, "BBB": 3, "BB": 2, "B": 1, "NR": 0}
HOURS_PER_YEAR: Final = 8760.0
MONTHS_PER_YEAR: Final = 12.0


@dataclass(slots=True)
class Tender:
    """A customer's request for capacity."""

    id: str
    customer: str
    kind: ContractKind
    it_mw: float
    t_needed_by_days: float
    term_years: float
    t_deadline_days: float
    opened_event: int
    expansion_of: str | None = None
    prepayment_share: float = 0.0
    bids: list[Bid] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Bid:
    """A neocloud's offer: MW it can deliver, when, and at what price."""

    tender_id: str
    company: str
    site: str
    it_mw: float
    t_ready_days: float
    price: float
    gpus: int
    generation: str | None
    credit_rating: str
    event: int
    economics: Economics | None = None
    """The bidder's return test at this price (its IRR, NPV, value/capex, payback)."""

    def annual_value_usd(self, kind: ContractKind, kw_it_per_gpu: float = 0.0) -> float:
        """Yearly contract value implied by the price (per GPU-hour or per kW-month)."""
        del kw_it_per_gpu
        if kind == "gpu_cloud":
            return self.price * self.gpus * HOURS_PER_YEAR
        return self.price * self.it_mw * 1000.0 * MONTHS_PER_YEAR


def effective_price(bid: Bid, tender: Tender, incumbents: set[str],
                    relationship_discount: float, credit_weight: float) -> float:
    """Price per MW-year as the customer compares it: incumbency and credit shave it."""
    per_mw_year = bid.annual_value_usd(tender.kind) / max(bid.it_mw, 1e-9)
    edge = relationship_discount if bid.company in incumbents else 0.0
    edge += credit_weight * CREDIT_NOTCHES.get(bid.credit_rating, 0) / 6.0
    return per_mw_year * (1.0 - min(edge, 0.9))


def rank_bids(tender: Tender, incumbents: set[str], tolerance_days: float,
              relationship_discount: float, credit_weight: float) -> list[Bid]:
    """Bids best first: time to power, then effective price, then the earlier ready date.

    The earliest ready date and every bid within ``tolerance_days`` of it form the first
    group, ranked by effective price; the rest are ranked the same way after it.
    """
    remaining = list(tender.bids)
    ranked: list[Bid] = []
    while remaining:
        earliest = min(b.t_ready_days for b in remaining)
        group = [b for b in remaining if b.t_ready_days <= earliest + tolerance_days]
        group.sort(key=lambda b: (effective_price(b, tender, incumbents, relationship_discount,
                                                  credit_weight), b.t_ready_days, b.event))
        ranked.extend(group)
        remaining = [b for b in remaining if b not in group]
    return ranked
