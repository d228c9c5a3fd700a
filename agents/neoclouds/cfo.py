"""The CFO's rules: when and how much to raise, loans sized to their cover, covenants.

* **How much, when** (:func:`raise_target_usd`): the cash plan over ``gap_horizon_months``
  (committed capex, debt service, notes due, less operating cash) asks for a raise
  before a payment falls due; with the window open (the price up ``window_momentum``
  over three months, or a contract signed in the last ``window_news_days``), the CFO
  pre-funds ``window_horizon_factor`` times as far ahead, raising in size while the
  market pays.
* **A convertible or not** (:func:`convert_allowed`): a new note waits
  ``min_days_between_converts`` after the last (unless cash is below the buffer), and
  none is issued above ``max_leverage_turns`` of net debt over forward EBITDA.
* **Refinancing** (:func:`refinance_older_notes`): part of a new note's proceeds buys
  back older notes that mature within ``refinance_within_years`` and are out of the
  money (they would be repaid in cash), at par.
* **GPU-backed loans** (:func:`gpu_loan_usd`): ``gpu_debt_share`` of the GPUs' cost times
  the lender's advance for the customer's credit (``gpu_ltv_by_rating``), at most what
  the contract's cash flow (fees less running costs) services at ``min_dscr``.
* **Covenants** (:func:`check_covenants`): each month a contract's facility must cover
  its debt service ``min_dscr`` times once its financed tranches are in service; a breach
  (``covenant.breached``) locks the facility: its later GPU payments borrow nothing.
"""

from __future__ import annotations

from typing import Final

from abm.finance.debt import AmortizingLoan, ConvertibleNote
from agents.deals.contracts import DAYS_PER_MONTH, DAYS_PER_YEAR, Contract
from agents.neoclouds.access import CapitalAccess
from agents.neoclouds.cash_plan import CashPlan
from agents.neoclouds.intrinsic import running_cost_usd_per_year

MOMENTUM_DAYS: Final = 90.0
RAMP_DAYS: Final = DAYS_PER_MONTH
"""A facility is tested once its financed tranches have been in service this long."""


def window_open(f: CapitalAccess) -> bool:
    """Whether the market pays well for a raise now: momentum, or fresh contract news."""
    c, spec = f.c, f.spec
    if not c.listed:
        return False
    if c.now - f.t_last_contract_days <= spec.window_news_days:
        return True
    if c.now < MOMENTUM_DAYS:
        return False
    then = f.markets.share_price_usd(c.name, c.now - MOMENTUM_DAYS)
    return then > 0 and c.share_price_usd() >= (1.0 + spec.window_momentum) * then


def raise_target_usd(plan: CashPlan, wide: CashPlan | None) -> float:
    """What to raise: the plan's gap, or the wider plan's (taken when the window is open)."""
    return plan.gap_usd if wide is None else max(plan.gap_usd, wide.gap_usd)


def convert_allowed(f: CapitalAccess) -> bool:
    """A new note: not too soon after the last (unless cash is short), nor too levered."""
    c, spec = f.c, f.spec
    if c.leverage_turns > spec.max_leverage_turns:
        return False
    return (c.now - f.t_last_convert_days >= spec.min_days_between_converts
            or c.cash_usd < c.cash_buffer_usd)


def refinance_older_notes(f: CapitalAccess, new: ConvertibleNote, proceeds_usd: float,
                          cause: int) -> float:
    """Buy back older notes due soon and out of the money; returns the cash spent."""
    c, spec = f.c, f.spec
    budget = proceeds_usd * spec.refinance_share_of_proceeds
    price = c.share_price_usd()
    horizon = c.now + spec.refinance_within_years * DAYS_PER_YEAR
    spent = 0.0
    for note in sorted(c.notes, key=lambda n: n.t_maturity_days):
        if budget - spent <= 0:
            break
        if (note is new or not note.outstanding or note.t_maturity_days > horizon
                or price >= note.conversion_price_usd):
            continue
        amount = min(note.principal_usd, budget - spent)
        note.principal_usd -= amount
        note.outstanding = note.principal_usd > 1.0
        spent += amount
        bought = c.log("convert.repurchased", cause=cause, note=note.name,
                       principal_usd=amount, remaining_usd=max(note.principal_usd, 0.0),
                       share_price_usd=price, conversion_price_usd=note.conversion_price_usd)
        c.model.ledger.post(c.name, "financing.convert_repurchase", -amount, c.now, bought)
    return spent


def gpu_loan_usd(f: CapitalAccess, contract: Contract, tranche_index: int, cost_usd: float,
                 rate_annual: float) -> float:
    """What a lender advances against GPUs serving ``contract`` (see the module)."""
    c, spec = f.c, f.spec
    if contract.id in f.locked_facilities:
        return 0.0
    own = contract.customer == c.name
    rating = c.spec.credit_rating if own else (f.markets.rating_of(contract.customer)
                                               or c.spec.credit_rating)
    loan = cost_usd * c.spec.gpu_debt_share * spec.gpu_ltv_by_rating[rating]
    tranche = next((t for t in contract.tranches if t.index == tranche_index), None)
    if own or tranche is None:
        return loan
    cash_flow = (contract.fee_usd_per_day(tranche) * DAYS_PER_YEAR
                 - running_cost_usd_per_year(c, contract.site, tranche.it_mw, cost_usd, True))
    first_year_service = 1.0 / c.spec.gpu_debt_term_years + rate_annual
    return max(0.0, min(loan, cash_flow / spec.min_dscr / first_year_service))


def check_covenants(f: CapitalAccess) -> None:
    """Test each contract facility's debt-service coverage over the month just closed."""
    c = f.c
    for contract in c.contracts:
        loans = f.facilities.get(contract.id)
        if not loans or contract.id in f.locked_facilities:
            continue
        dscr = _coverage(f, contract, loans)
        if dscr is not None and dscr < f.spec.min_dscr:
            f.locked_facilities.add(contract.id)
            c.log("covenant.breached", cause=contract.signed_event, contract=contract.id,
                  dscr=dscr, min_dscr=f.spec.min_dscr,
                  debt_usd=sum(loan.balance_usd for _i, loan, _usd in loans))


def _coverage(f: CapitalAccess, contract: Contract,
              loans: list[tuple[int, AmortizingLoan, float]]) -> float | None:
    """A month's fees less running costs over the facility's debt service.

    None before its financed tranches have been in service a month, or with no service due.
    """
    c = f.c
    cash, service = 0.0, 0.0
    for index, loan, gpu_usd in loans:
        if loan.balance_usd <= 0:
            continue
        tranche = next(t for t in contract.tranches if t.index == index)
        if not tranche.cancelled:
            if tranche.t_online_days is None or c.now - tranche.t_online_days < RAMP_DAYS:
                return None
            fees = contract.fee_usd_per_day(tranche) * DAYS_PER_YEAR
            cash += (fees - running_cost_usd_per_year(c, contract.site, tranche.it_mw,
                                                      gpu_usd, True)) / 12.0
        service += (loan.balance_usd * loan.rate_annual / 12.0
                    + loan.principal_usd * DAYS_PER_MONTH / loan.term_days)
    return cash / service if service > 0 else None
