"""Closing a company's books at month end: accruals to ledger entries, and its metrics.

Mining revenue, AI fees (contracts and cloud capacity), lease rent paid, power, opex,
building capex, depreciation, interest and debt service for the month just ended are
computed from time-weighted accruals and posted to the ledger; then the company's
financing looks ahead (:mod:`agents.neoclouds.financing`): the market reads its books, and a gap in
its cash plan starts a raise. The month's cloud revenue (GPUs not under contract), loan
interest, loan repayments and convertible coupons are one entry each, summed over the
batches, loans and notes: an entry names no batch or loan, so one row per instrument
would tell no more, and it was half of all the entries a run posts.

Debt is reported by instrument (GPU-backed, construction, convertible principal); diluted
shares count in-the-money notes net of their capped calls (:mod:`agents.neoclouds.valuation`);
market cap is the share price times basic shares.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from abm.finance.debt import AmortizingLoan, ConstructionLoan
from abm.finance.ledger import Ledger
from abm.model import Model
from agents.deals.contracts import DAYS_PER_MONTH, DAYS_PER_YEAR
from agents.neoclouds import valuation as v
from agents.neoclouds.backstop import Backstop
from agents.neoclouds.state import Company

HOURS_PER_DAY: Final = 24.0

METRICS: tuple[str, ...] = (
    "secured_mw", "energized_mw", "it_built_mw", "ai_load_mw", "mining_load_mw", "idle_mw",
    "gpus", "contracted_arr_usd", "ai_run_rate_arr_usd", "revenue_usd", "revenue_ai_usd",
    "revenue_mining_usd", "opex_usd", "ebitda_usd", "capex_usd", "depreciation_usd",
    "interest_usd", "cash_usd", "debt_usd", "gpu_debt_usd", "convertible_principal_usd",
    "deferred_revenue_usd", "shares_outstanding", "shares_diluted", "share_price_usd",
    "market_cap_usd", "hashrate_ehs", "btc_mined", "contracted_mw", "construction_debt_usd",
    "ebit_usd", "tax_usd", "net_income_usd", "operating_cash_flow_usd", "fcf_usd",
    "inplace_value_usd", "value_per_share_usd", "net_debt_to_ebitda", "power_credits_usd",
)
OPERATING: Final = ("revenue", "opex", "interest", "tax", "deferred")
"""Kinds of ledger account whose entries are cash from operations."""


def pay(model: Model, payer: str, payee: str, amount_usd: float, account: str,
        cause: int | None, payer_account: str | None = None) -> None:
    """Move cash from payer to payee; a party without books (a hyperscaler) is outside.

    The payee books ``account``; the payer books ``payer_account`` (default the same).
    """
    ledger = model.ledger
    if ledger.has_account(payee):
        ledger.post(payee, account, amount_usd, model.now, cause)
    if ledger.has_account(payer):
        ledger.post(payer, payer_account or account, -amount_usd, model.now, cause)


def close_books(c: Company, month_end: dt.date) -> None:
    """Post the month's flows of company ``c`` (its financing looks ahead after)."""
    del month_end
    t0, t1 = c.t_closed, c.now
    ledger, m, btc, name = c.model.ledger, c.month, c.btc, c.name

    spec = c.spec
    power = c.power.bill(c.load.take(t1), t0, t1, spec.power_price_usd_per_mwh,
                         spec.power_fixed_share, spec.curtail_mining_in_spikes)
    ehs_days = c.mining.take(t1) - power.curtailed_eh_days
    m.btc_mined = ehs_days * btc.btc_per_eh_day.mean(t0, t1)
    m.revenue_mining_usd = ehs_days * btc.usd_per_eh_day.mean(t0, t1)
    _post(ledger, name, t1, "revenue.mining", m.revenue_mining_usd)
    cloud_usd = unsold_usd = 0.0
    for batch in c.batches:
        if batch.contract is None:
            usd_per_gpu_day = HOURS_PER_DAY * c.rent_of(batch)
            billed = batch.billed_gpu_days(t0, t1)
            cloud_usd += billed * usd_per_gpu_day
            if c.backstop is not None and not batch.from_start:  # as reported: not bought
                unsold_usd += (batch.gpus * batch.service_days(t0, t1) - billed) * usd_per_gpu_day
    m.revenue_ai_usd += cloud_usd
    _post(ledger, name, t1, "revenue.ai", cloud_usd)
    if c.backstop is not None:
        _draw_backstop(c, c.backstop, unsold_usd, t1)
    _bill_contracts(c, t0, t1)
    m.opex_power_usd = power.cost_usd
    m.power_credits_usd = power.credits_usd
    _post(ledger, name, t1, "opex.power", -m.opex_power_usd)
    running = _running_costs(c, t0, t1, ehs_days)
    m.opex_other_usd += running
    _post(ledger, name, t1, "opex.operations", -running)
    _service_debt(c, t0, t1)
    _spend_on_builds(c, t0, t1)
    life_days = c.spec.costs.hall_life_years * DAYS_PER_YEAR
    salvage = c.spec.costs.gpu_salvage_share
    gpus_usd = sum(b.depreciation_usd(t0, t1, salvage) for b in c.batches)
    halls_usd = sum(p.depreciation_usd(t0, t1, life_days) for p in c.builds)
    asics_usd = sum(a.depreciation_usd(t0, t1) for a in c.asic_purchases)
    m.depreciation_usd = gpus_usd + halls_usd + asics_usd
    _pay_income_tax(c, t1)
    c.t_closed = t1


def _draw_backstop(c: Company, backstop: Backstop, unsold_usd: float, t1: float) -> None:
    """The backstop's buyer pays for the month's unsold hours, within what is left."""
    paid = backstop.draw(unsold_usd, t1)
    if paid <= 0.0:
        return
    c.month.revenue_ai_usd += paid
    if backstop.first_draw_event is None:
        backstop.first_draw_event = c.log("backstop.drawn", buyer=backstop.spec.buyer,
                                          amount_usd=paid, left_usd=backstop.left_usd)
    pay(c.model, backstop.spec.buyer, c.name, paid, "revenue.backstop",
        backstop.first_draw_event)
    if backstop.left_usd <= 0.0:
        c.log("backstop.exhausted", buyer=backstop.spec.buyer, cap_usd=backstop.spec.cap_usd)


def _running_costs(c: Company, t0: float, t1: float, ehs_days: float) -> float:
    """Overhead, halls, GPUs and mining sites over [t0, t1], as they scale."""
    costs, months = c.spec.costs, (t1 - t0) / DAYS_PER_MONTH
    halls_mw = sum(s.gpu_it_mw + s.tenant_it_mw for s in c.sites.values())
    gpus_usd = sum(b.cost_usd * b.service_days(t0, t1) for b in c.batches) / DAYS_PER_YEAR
    return (costs.overhead_usd_per_month * months
            + costs.overhead_share_of_revenue * c.month.revenue_usd
            + costs.site_opex_usd_per_it_mw_month * halls_mw * months
            + costs.gpu_opex_share_of_capex_annual * gpus_usd
            + costs.mining_opex_usd_per_ehs_month * ehs_days / DAYS_PER_MONTH)


def _bill_contracts(c: Company, t0: float, t1: float) -> None:
    """Each live tranche's fee over [t0, t1]: cash from its customer, revenue accrued."""
    m = c.month
    for contract in c.contracts:
        for tranche in contract.tranches:
            line = contract.bill(tranche, t0, t1)
            if not line.revenue_usd and not line.prepayment_credit_usd:
                continue
            key = (contract.id, tranche.index)
            cause = c.online_events[key]
            if key not in c.billed:
                c.billed.add(key)
                cause = c.log("contract.first_revenue", cause=cause, contract=contract.id,
                              tranche=tranche.index, revenue_usd=line.revenue_usd)
            pay(c.model, contract.customer, c.name, line.cash_usd, "revenue.ai", cause,
                payer_account="opex.capacity")
            m.revenue_ai_usd += line.revenue_usd
            c.deferred_revenue_usd -= line.prepayment_credit_usd
            payer = c.model.agents.get(contract.customer)
            if isinstance(payer, Company):
                payer.month.opex_other_usd += line.cash_usd


def _service_debt(c: Company, t0: float, t1: float) -> None:
    """Loans' interest and repayments, and the notes' coupons, over [t0, t1]."""
    ledger, m, name = c.model.ledger, c.month, c.name
    loans: list[AmortizingLoan | ConstructionLoan] = [
        *c.loans, *c.rescue_loans, *(p.loan for p in c.builds if p.loan is not None)]
    interest_usd = repaid_usd = 0.0
    for loan in loans:
        interest, principal = loan.accrue(t0, t1)
        interest_usd += interest
        repaid_usd += principal
    coupons_usd = sum(note.coupon_usd(t0, t1) for note in c.notes)
    m.interest_usd += interest_usd + coupons_usd
    _post(ledger, name, t1, "interest.debt", -interest_usd)
    _post(ledger, name, t1, "financing.debt_repaid", -repaid_usd)
    _post(ledger, name, t1, "interest.convertible", -coupons_usd)


def _spend_on_builds(c: Company, t0: float, t1: float) -> None:
    """Each hall's spend over [t0, t1], and the construction loan's draw against it."""
    ledger, name = c.model.ledger, c.name
    for program in c.builds:
        spend = program.spend_usd(t0, t1)
        _post(ledger, name, t1, "capex.building", -spend, program.cause)
        if program.loan is not None and spend > 0:
            program.loan.draw(spend * program.debt_share)
            _post(ledger, name, t1, "financing.construction_debt",
                  spend * program.debt_share, program.cause)


def _pay_income_tax(c: Company, t1: float) -> None:
    """Income tax on the month's pre-tax income, after losses carried forward."""
    m = c.month
    pretax = m.pretax_usd
    if pretax <= 0.0:
        c.tax_loss_usd -= pretax
        return
    used = min(c.tax_loss_usd, pretax)
    c.tax_loss_usd -= used
    m.tax_usd = c.spec.costs.tax_rate * (pretax - used)
    _post(c.model.ledger, c.name, t1, "tax.income", -m.tax_usd)


def _post(ledger: Ledger, company: str, t_days: float, account: str, amount_usd: float,
          cause: int | None = None) -> None:
    """Post a non-zero amount of the month's close."""
    if amount_usd:
        ledger.post(company, account, amount_usd, t_days, cause)


def sample_metrics(c: Company, figures: v.BookFigures) -> tuple[float, ...]:
    """Month-end values of :data:`METRICS` for company ``c`` (flows are the month's).

    ``figures`` are the month end's book figures at today's share price.
    """
    m = c.month
    price = figures.price_usd
    gpu_debt, project_debt = v.gpu_debt_usd(c), v.construction_debt_usd(c)
    rescue = v.rescue_debt_usd(c)
    converts = v.convertible_principal_usd(c)
    secured = energized = built = ai_load = mining_load = idle = committed = 0.0
    for s in c.sites.values():
        secured += s.secured_mw
        energized += s.energized_mw
        built += s.it_built_mw
        ai_load += s.ai_load_mw
        mining_load += s.mining_load_mw
        idle += s.idle_mw
        committed += s.committed_it_mw
    flows = c.model.ledger.month_flows(c.name)
    operating = sum(flows.get(kind, 0.0) for kind in OPERATING)
    values = (
        secured, energized, built, ai_load, mining_load, idle, float(c.gpus),
        figures.contracted_arr_usd, figures.run_rate_arr_usd,
        m.revenue_usd, m.revenue_ai_usd, m.revenue_mining_usd, m.opex_usd, m.ebitda_usd,
        -flows.get("capex", 0.0), m.depreciation_usd, m.interest_usd, c.cash_usd,
        gpu_debt + project_debt + converts + rescue,
        gpu_debt, converts, c.deferred_revenue_usd, c.shares_outstanding,
        c.shares_outstanding + figures.note_shares, price, price * c.shares_outstanding,
        c.hashrate_ehs, m.btc_mined, committed, project_debt,
        m.ebit_usd, m.tax_usd, m.net_income_usd, operating, operating + flows.get("capex", 0.0),
        figures.inplace_value_usd, figures.value_per_share_usd, figures.leverage_turns,
        m.power_credits_usd,
    )
    m.reset()
    return values
