"""What a project is worth to the company that would build it: a return test.

A project is a contract (GPU cloud or a powered lease) or the company's own cloud capacity,
seen from the day of the decision in months: the hall is built over ``build_months``
(part borrowed: a construction loan, interest only until service, then amortizing), the
GPUs are paid in month ``gpu_payment_month`` (part borrowed against them: a loan priced
off the customer's credit, amortizing from the month after), the customer's prepayment
arrives with the GPUs and is credited back evenly from ``credit_after_months`` of service
to the end of the term, and the service earns revenue less opex and taxes for
``term_months`` from ``service_start_month``. At the end of the term the company keeps
the GPUs and the hall at their book value (straight-line over their useful lives, the
GPUs to a salvage share) and repays what it still owes.

The company's equity cash flows give the project's IRR (annual), its NPV at the company's
hurdle, its payback (months from the decision until the equity put in has come back,
before the terminal value) and the contract's value against the capex it needs. Revenue
may decline geometrically month by month (uncontracted capacity sold at a falling rent).
Cash flows are constant within phases, so every present value is a geometric sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Final

HOURS_PER_MONTH: Final = 730.0
IRR_LOW: Final = -0.9
IRR_HIGH: Final = 10.0
IRR_TOLERANCE: Final = 1e-7


@dataclass(frozen=True, slots=True)
class Project:
    """A candidate investment as its cash flows by month from the decision."""

    revenue_usd_per_month: float
    opex_usd_per_month: float
    term_months: float
    service_start_month: float
    gpu_capex_usd: float = 0.0
    gpu_payment_month: float = 0.0
    hall_capex_usd: float = 0.0
    build_months: float = 0.0
    prepayment_usd: float = 0.0
    credit_after_months: float = 0.0
    revenue_decline_monthly: float = 0.0
    gpu_life_months: float = 60.0
    gpu_salvage_share: float = 0.0
    hall_life_months: float = 240.0
    gpu_debt_share: float = 0.0
    gpu_debt_rate: float = 0.0
    gpu_debt_months: float = 60.0
    hall_debt_share: float = 0.0
    hall_debt_rate: float = 0.0
    hall_debt_months: float = 120.0
    tax_rate: float = 0.0

    @property
    def capex_usd(self) -> float:
        """GPUs and hall."""
        return self.gpu_capex_usd + self.hall_capex_usd

    @property
    def value_usd(self) -> float:
        """Revenue over the term (a contract's value)."""
        q = 1.0 - self.revenue_decline_monthly
        if q >= 1.0:
            return self.revenue_usd_per_month * self.term_months
        return self.revenue_usd_per_month * (1.0 - math.pow(q, self.term_months)) / (1.0 - q)

    def at_revenue(self, revenue_usd_per_month: float, opex_usd_per_month: float) -> Project:
        """The same project at another revenue (and the opex that goes with it)."""
        return replace(self, revenue_usd_per_month=revenue_usd_per_month,
                       opex_usd_per_month=opex_usd_per_month)


@dataclass(frozen=True, slots=True)
class Economics:
    """What the return test found: IRR (annual), NPV at the hurdle, value/capex, payback."""

    irr: float
    npv_usd: float
    value_to_capex: float
    payback_months: float
    """Months until the equity put in has come back (NaN: not within the term)."""
    hurdle_irr: float

    @property
    def clears(self) -> bool:
        """Whether the project earns at least the hurdle."""
        return self.npv_usd >= 0.0

    def scaled(self, share: float) -> Economics:
        """The same project at ``share`` of its size (NPV scales; the ratios do not)."""
        return replace(self, npv_usd=self.npv_usd * share)

    def data(self) -> dict[str, float]:
        """As event data: ``irr``, ``npv_usd``, ``value_to_capex``, ``payback_months``."""
        return {"irr": self.irr, "npv_usd": self.npv_usd, "value_to_capex": self.value_to_capex,
                "payback_months": self.payback_months, "hurdle_irr": self.hurdle_irr}


def monthly(rate_annual: float) -> float:
    """The monthly rate compounding to ``rate_annual``."""
    return math.pow(1.0 + rate_annual, 1.0 / 12.0) - 1.0


def _sum(lam: float, a: float, b: float) -> float:
    """``sum of exp(-lam k)`` for k from ``a`` to ``b``, ``lam`` a month's log discount.

    Fractional bounds make a continuous span; exact as ``lam`` goes to zero.
    """
    if b <= a:
        return 0.0
    if abs(lam) < 1e-15:
        return b - a
    return math.exp(-a * lam) * math.expm1(-(b - a) * lam) / math.expm1(-lam)


def _annuity(principal: float, rate_m: float, months: float) -> float:
    """Monthly payment of a loan of ``principal`` over ``months``."""
    if principal <= 0.0 or months <= 0.0:
        return 0.0
    if rate_m <= 0.0:
        return principal / months
    return principal * rate_m / (1.0 - math.pow(1.0 + rate_m, -months))


def _balance(principal: float, rate_m: float, payment: float, paid: float) -> float:
    """What is still owed after ``paid`` monthly payments."""
    if principal <= 0.0:
        return 0.0
    if rate_m <= 0.0:
        return max(0.0, principal - payment * paid)
    growth = math.pow(1.0 + rate_m, paid)
    return max(0.0, principal * growth - payment * (growth - 1.0) / rate_m)


@dataclass(frozen=True, slots=True)
class _Flows:
    """A project's cash flows that do not depend on the discount rate."""

    hall_equity: float  # a build month
    hall_interest: float  # a month, on the whole loan (half of it during the build)
    build: float
    gpu_payment: float  # equity less the prepayment, in month ``pm``
    pm: float
    pay_g: float
    gpu_debt_end: float
    pay_h: float
    hall_debt_end: float
    start: float
    end: float
    revenue: float
    decline: float
    opex_and_tax: float
    credit: float  # a month, from ``credit_from``
    credit_from: float
    terminal: float


def _flows(p: Project) -> _Flows:
    """``p``'s flows that do not depend on the rate.

    Taxes are on the term's mean revenue less opex, depreciation and the loans' mean
    interest over the term (their balance falls about linearly); a loss pays no tax.
    """
    gpu_debt = p.gpu_capex_usd * p.gpu_debt_share
    hall_debt = p.hall_capex_usd * p.hall_debt_share
    rg, rh = monthly(p.gpu_debt_rate), monthly(p.hall_debt_rate)
    pay_g = _annuity(gpu_debt, rg, p.gpu_debt_months)
    pay_h = _annuity(hall_debt, rh, p.hall_debt_months)
    term, s, pm = p.term_months, p.service_start_month, p.gpu_payment_month
    e = s + term
    gpu_share_used = min(1.0, term / p.gpu_life_months) if p.gpu_capex_usd > 0 else 0.0
    depreciation = (p.gpu_capex_usd * (1.0 - p.gpu_salvage_share) * gpu_share_used / term
                    + p.hall_capex_usd * min(1.0, term / p.hall_life_months) / term)
    interest = (gpu_debt * rg * max(0.0, 1.0 - term / (2.0 * p.gpu_debt_months))
                + hall_debt * rh * max(0.0, 1.0 - term / (2.0 * p.hall_debt_months)))
    mean_revenue = p.value_usd / term if term > 0 else 0.0
    tax = p.tax_rate * max(0.0, mean_revenue - p.opex_usd_per_month - depreciation - interest)
    c0 = s + p.credit_after_months
    gpu_book = p.gpu_capex_usd * (1.0 - (1.0 - p.gpu_salvage_share) * gpu_share_used)
    hall_book = p.hall_capex_usd * (1.0 - min(1.0, term / p.hall_life_months))
    owed_g = _balance(gpu_debt, rg, pay_g, min(p.gpu_debt_months, max(0.0, e - pm - 1.0)))
    owed_h = _balance(hall_debt, rh, pay_h, min(p.hall_debt_months, term))
    build = max(p.build_months, 1.0)
    return _Flows(
        hall_equity=p.hall_capex_usd * (1.0 - p.hall_debt_share) / build,
        hall_interest=hall_debt * rh, build=build,
        gpu_payment=-p.gpu_capex_usd * (1.0 - p.gpu_debt_share) + p.prepayment_usd, pm=pm,
        pay_g=pay_g, gpu_debt_end=min(pm + 1.0 + p.gpu_debt_months, e),
        pay_h=pay_h, hall_debt_end=min(s + p.hall_debt_months, e), start=s, end=e,
        revenue=p.revenue_usd_per_month, decline=1.0 - p.revenue_decline_monthly,
        opex_and_tax=p.opex_usd_per_month + tax,
        credit=p.prepayment_usd / (e - c0) if p.prepayment_usd > 0.0 and e > c0 else 0.0,
        credit_from=c0, terminal=gpu_book + hall_book - owed_g - owed_h)


def _npv(f: _Flows, rate_annual: float) -> float:
    lam = math.log1p(rate_annual) / 12.0  # a month's log discount
    s, e = f.start, f.end
    npv = -f.hall_equity * _sum(lam, 0.0, f.build)
    npv -= f.hall_interest * (0.5 * _sum(lam, 0.0, f.build) + _sum(lam, f.build, s))
    npv += f.gpu_payment * math.exp(-lam * f.pm)
    npv -= f.pay_g * _sum(lam, f.pm + 1.0, f.gpu_debt_end)
    npv -= f.pay_h * _sum(lam, s, f.hall_debt_end)
    npv += f.revenue * math.exp(-lam * s) * _sum(lam - math.log(f.decline), 0.0, e - s)
    npv -= f.opex_and_tax * _sum(lam, s, e)
    npv -= f.credit * _sum(lam, f.credit_from, e)
    return npv + f.terminal * math.exp(-lam * e)


def equity_npv(p: Project, rate_annual: float) -> float:
    """Present value, at the decision, of the equity cash flows at ``rate_annual``."""
    return _npv(_flows(p), rate_annual)


def irr(p: Project, guess: float = 0.1) -> float:
    """The annual rate at which the equity cash flows are worth nothing (NaN if none).

    Secant steps from ``guess``, kept inside a bracket that regula falsi (the Illinois
    rule) narrows when a step would leave it.
    """
    f = _flows(p)
    a, b = IRR_LOW, IRR_HIGH
    fa, fb = _npv(f, a), _npv(f, b)
    if fa * fb > 0.0:  # no root within the bounds: the nearer bound (NaN if no flows)
        return IRR_HIGH if fb > 0.0 else IRR_LOW if fa < 0.0 else math.nan
    scale = 1e-9 * max(1.0, p.capex_usd)
    x0, x1 = guess, guess + 0.02
    f0, f1 = _npv(f, x0), _npv(f, x1)
    for _ in range(100):
        for x, fx in ((x0, f0), (x1, f1)):  # keep the bracket tight
            if a < x < b:
                if fx * fa > 0.0:
                    a, fa = x, fx
                else:
                    b, fb = x, fx
        if abs(f1) < scale or b - a < IRR_TOLERANCE:
            return x1
        x2 = x1 - f1 * (x1 - x0) / (f1 - f0) if f1 != f0 else 0.5 * (a + b)
        if not a < x2 < b:
            x2 = (fa * b - fb * a) / (fa - fb)
        x0, f0, x1, f1 = x1, f1, x2, _npv(f, x2)
    return x1


def payback_months(p: Project) -> float:
    """Months from the decision until operating cash has paid the capex back.

    Hall and GPUs out, the prepayment in, then revenue less opex and taxes, less the
    prepayment's credit-back; NaN when that does not happen within the term.
    """
    f = _flows(p)
    b = max(p.build_months, 1.0)
    total = 0.0
    for k in range(math.ceil(f.end)):
        flow = -p.hall_capex_usd / b if k < b else 0.0
        if k == math.floor(f.pm):
            flow += -p.gpu_capex_usd + p.prepayment_usd
        if k >= f.start:
            flow += f.revenue * math.pow(f.decline, k - f.start) - f.opex_and_tax
        if k >= f.credit_from:
            flow -= f.credit
        total += flow
        if total >= 0.0 and k >= f.start:
            return float(k + 1)
    return math.nan


def evaluate(p: Project, hurdle_irr: float) -> Economics:
    """The return test of ``p`` against ``hurdle_irr``."""
    capex = p.capex_usd
    return Economics(irr(p, hurdle_irr), equity_npv(p, hurdle_irr),
                     p.value_usd / capex if capex > 0 else math.inf, payback_months(p),
                     hurdle_irr)


def floor_revenue(p: Project, hurdle_irr: float, opex_share_of_revenue: float) -> float:
    """The monthly revenue at which ``p`` earns exactly the hurdle.

    Opex is ``p``'s fixed opex plus ``opex_share_of_revenue`` of the revenue; the NPV is
    linear in revenue within a tax regime, so two secant steps find it.
    """
    fixed = p.opex_usd_per_month - opex_share_of_revenue * p.revenue_usd_per_month

    def npv(revenue: float) -> float:
        return equity_npv(p.at_revenue(revenue, fixed + opex_share_of_revenue * revenue),
                          hurdle_irr)

    r0, r1 = 0.0, max(p.revenue_usd_per_month, 1.0)
    f0, f1 = npv(r0), npv(r1)
    for _ in range(4):
        if f1 == f0:
            break
        r2 = r1 - f1 * (r1 - r0) / (f1 - f0)
        r0, f0, r1, f1 = r1, f1, r2, npv(r2)
        if abs(f1) < 1e-3:
            break
    return max(0.0, r1)
