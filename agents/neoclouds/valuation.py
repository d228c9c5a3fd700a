"""What the market sees of a company: ARR, debt by instrument, leverage, diluted shares.

The share price (:mod:`agents.markets.capital`) values a company from a month-end snapshot
of these figures and of the present value of its operations in place
(:mod:`agents.neoclouds.intrinsic`); the statements (:mod:`agents.neoclouds.books`) report
them.

Net debt counts loans, notes that stay debt, and deferred revenue (prepayments owe service)
less cash. Commitments are the capex already promised for signed work (GPUs ordered and not
yet paid, hall spend still to come): the market values a signed contract's ARR net of the
capex it still needs, so spending that capex (cash out, or debt up) moves no share price.

Diluted shares: basic shares plus, for each convertible note in the money at today's
share price, the shares it would deliver (all conversion shares under physical
settlement, the excess over principal under net-share settlement) less the shares its
capped call would deliver back (:func:`abm.finance.dilution.note_conversion_shares`).
Notes out of the money count as debt, not shares: an if-converted count that holders
would not choose. Net-share notes in the money keep their principal in debt (it is paid
in cash).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from abm.finance.debt import ConvertibleNote
from abm.finance.dilution import note_conversion_shares
from agents.markets.fundamentals import Fundamentals
from agents.neoclouds.state import Company

HOURS_PER_DAY: Final = 24.0
DAYS_PER_YEAR: Final = 365.0
MAX_LEVERAGE_TURNS: Final = 20.0
"""Leverage as the market reads it stops here (net debt with no forward EBITDA)."""


def cloud_arr_usd(c: Company, t_days: float) -> float:
    """Annual revenue of uncontracted GPUs in service at today's price and share billed."""
    return sum((b.gpus * b.utilization_at(t_days) * HOURS_PER_DAY * DAYS_PER_YEAR
                * c.rent_of(b) for b in c.batches if b.contract is None and b.in_service), 0.0)


def contracted_arr_usd(c: Company, t_days: float, cloud_usd: float | None = None) -> float:
    """Cloud ARR plus the annual value of every live contract tranche still in term.

    ``cloud_usd`` is the cloud ARR if already taken at ``t_days``.
    """
    cloud = cloud_arr_usd(c, t_days) if cloud_usd is None else cloud_usd
    total = 0.0
    for k in c.contracts:
        total += k.contracted_arr_usd(t_days)
    return cloud + total


def run_rate_arr_usd(c: Company, t_days: float, cloud_usd: float | None = None) -> float:
    """Cloud ARR plus the annual value of the contract tranches in service.

    ``cloud_usd`` is the cloud ARR if already taken at ``t_days``.
    """
    cloud = cloud_arr_usd(c, t_days) if cloud_usd is None else cloud_usd
    total = 0.0
    for k in c.contracts:
        total += k.run_rate_arr_usd(t_days)
    return cloud + total


def gpu_debt_usd(c: Company) -> float:
    """GPU-backed loans outstanding."""
    return sum((loan.balance_usd for loan in c.loans), 0.0)


def rescue_debt_usd(c: Company) -> float:
    """Rescue loans outstanding (taken in distress)."""
    return sum((loan.balance_usd for loan in c.rescue_loans), 0.0)


def construction_debt_usd(c: Company) -> float:
    """Construction (project) loans outstanding."""
    return sum((p.loan.balance_usd for p in c.builds if p.loan is not None), 0.0)


def convertible_principal_usd(c: Company) -> float:
    """Principal of the convertible notes outstanding."""
    return sum((n.principal_usd for n in c.notes if n.outstanding), 0.0)


def note_dilution(note: ConvertibleNote, price_usd: float) -> tuple[float, float]:
    """(shares the note counts for, principal that stays debt) at ``price_usd``."""
    if not note.outstanding:
        return 0.0, 0.0
    if price_usd <= 0 or price_usd < note.conversion_price_usd:
        return 0.0, note.principal_usd
    net_share = note.settlement == "net_share"
    gross, offset = note_conversion_shares(price_usd, note.principal_usd,
                                           note.conversion_price_usd, note.cap_price_usd,
                                           net_share=net_share)
    return max(0.0, gross - offset), (note.principal_usd if net_share else 0.0)


def note_claims(c: Company, price_usd: float) -> tuple[float, float]:
    """(shares the notes count for, principal that stays debt) at ``price_usd``, summed."""
    shares = debt = 0.0
    for note in c.notes:
        if note.outstanding:
            note_shares, note_debt = note_dilution(note, price_usd)
            shares += note_shares
            debt += note_debt
    return shares, debt


def net_debt_usd(c: Company, notes_debt_usd: float) -> float:
    """Loans, notes that stay debt and deferred revenue, less cash.

    ``notes_debt_usd`` is the notes' part, from :func:`note_claims` at today's price.
    """
    return (gpu_debt_usd(c) + construction_debt_usd(c) + rescue_debt_usd(c) + notes_debt_usd
            + c.deferred_revenue_usd - c.cash_usd)


def commitments_usd(c: Company) -> float:
    """Capex promised and not yet spent: GPUs ordered and unpaid, hall spend to come."""
    gpus = builds = 0.0
    for k in c.commitments.values():
        gpus += k.cost_usd
    for p in c.builds:
        builds += p.remaining_usd(c.now)
    return gpus + builds


@dataclass(frozen=True, slots=True)
class BookFigures:
    """Figures a month end reads twice (for the market, then for the path), computed once.

    The last three are the market's view, set by the financing when it values the company
    (zero until then).
    """

    t_days: float
    price_usd: float
    contracted_arr_usd: float
    run_rate_arr_usd: float
    note_shares: float
    notes_debt_usd: float
    inplace_value_usd: float = 0.0
    leverage_turns: float = 0.0
    value_per_share_usd: float = 0.0


def book_figures(c: Company, price_usd: float) -> BookFigures:
    """ARR both ways, and the notes' shares and debt at ``price_usd``, now.

    The cloud ARR both ARRs start from is taken once.
    """
    t = c.now
    note_shares, notes_debt = note_claims(c, price_usd)
    cloud = cloud_arr_usd(c, t)
    return BookFigures(t, price_usd, contracted_arr_usd(c, t, cloud),
                       run_rate_arr_usd(c, t, cloud), note_shares, notes_debt)


def leverage_turns(c: Company, notes_debt_usd: float, forward_ebitda_usd: float) -> float:
    """Net debt (loans and notes that stay debt, less cash) over forward EBITDA.

    No net debt is no leverage; net debt without forward EBITDA is the most there is.
    """
    net = (gpu_debt_usd(c) + construction_debt_usd(c) + rescue_debt_usd(c) + notes_debt_usd
           - c.cash_usd)
    if net <= 0.0:
        return 0.0
    if forward_ebitda_usd <= 0.0:
        return MAX_LEVERAGE_TURNS
    return min(net / forward_ebitda_usd, MAX_LEVERAGE_TURNS)


def fundamentals_of(c: Company, figures: BookFigures) -> Fundamentals:
    """The snapshot the market values ``c`` from (``figures`` taken and valued now)."""
    secured = 0.0
    for site in c.sites.values():
        secured += site.secured_mw
    return Fundamentals(figures.inplace_value_usd, secured, c.hashrate_ehs,
                        c.mining_cost_usd_per_eh_day, net_debt_usd(c, figures.notes_debt_usd),
                        commitments_usd(c), c.shares_outstanding + figures.note_shares)
