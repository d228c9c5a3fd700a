"""The life of a convertible note: soft call, induced conversion, maturity.

Each note is a SimPy process that looks at the share price once a month (it sleeps
through the months in which a look could not act, and wakes on the same clock readings;
two notes looking at the same instant may come in another order than monthly waking
would give them):

* **Soft call**: from its call date, if the price closed at or above ``call_trigger`` x the
  conversion price on at least 20 of the last 30 days, the issuer calls (``convert.called``)
  to force conversion; holders convert, since conversion is then worth more than par.
* **Induced conversion** (optional, ``financing.induce_conversions``): a note deep in the
  money (price >= ``induce_moneyness`` x conversion price) while its issuer has a funding
  gap is converted early for a cash sweetener of ``induce_premium_share`` of principal
  (``convert.induced``): it frees room under the convert market's outstanding limit and
  ends the coupon, the way issuers repurchase in-the-money notes for shares plus cash.
* **Maturity**: in the money, the note converts; out of the money, it is repaid in cash
  (``debt.repaid``).

Conversion follows the note's settlement: physical (all conversion shares) or net-share
(principal in cash, the excess in shares). A capped call offsets the dilution between the
conversion price and the cap: its counterparty delivers
``ratio x (min(S, cap) - K) / S`` shares back, netted against the issuance (an early
conversion unwinds the capped call at that same intrinsic value). Shares change only
through the company's share register (``convert.converted`` carries ``shares_issued``).
"""

from __future__ import annotations

import math
from typing import Final

from abm.agent import ProcessBody
from abm.finance.debt import ConvertibleNote
from abm.finance.dilution import note_conversion_shares
from agents.deals.contracts import DAYS_PER_MONTH
from agents.neoclouds.access import CapitalAccess
from agents.neoclouds.state import Company

CALL_WINDOW_DAYS: Final = 30
CALL_DAYS_ABOVE: Final = 20
LANDING_STEPS: Final = 8


def note_lifecycle(c: Company, f: CapitalAccess, note: ConvertibleNote) -> ProcessBody:
    """Watch ``note`` monthly until it is called, induced, converted or repaid.

    The monthly looks that cannot act (before the call date, with inducements off, and
    not at maturity) are not waited for: the note sleeps to the first look that can.
    """
    while note.outstanding:
        yield c.sleep(_delay_to_next_look(c, f, note))
        if not note.outstanding:
            return
        if c.now >= note.t_maturity_days - 1e-9:
            mature(c, note)
        elif soft_call_met(c, note):
            price = c.share_price_usd()
            called = c.log("convert.called", cause=note.issued_event, note=note.name,
                           share_price_usd=price,
                           trigger_price_usd=note.call_trigger * note.conversion_price_usd)
            convert(c, note, "called", called)
        elif _should_induce(c, f, note):
            induce(c, f, note)


def _delay_to_next_look(c: Company, f: CapitalAccess, note: ConvertibleNote) -> float:
    """Days to the note's next look at the market: a month on (or maturity, if sooner).

    Months in which a look could not act (before the call date, with inducements off)
    are skipped. The clock must land, to the last bit, on the reading the chain of
    monthly looks would have reached, so results stay the same; when no delay from now
    lands on it exactly (a rounding tie), the note sleeps to the latest skipped look it
    can land on, looks in vain there, and goes on from that exact reading.
    """
    now = t_days = c.now
    induce = f.spec.induce_conversions and c.listed
    call_from = (note.t_call_start_days if c.listed and note.t_call_start_days is not None
                 else math.inf)
    chain: list[float] = []
    while True:
        t_next = min(note.t_maturity_days, t_days + DAYS_PER_MONTH)
        delay = max(0.0, t_next - t_days)
        if induce or t_next >= call_from or t_next >= note.t_maturity_days - 1e-9:
            break
        t_days += delay  # the clock after a look that did nothing
        chain.append(t_days)
    if not chain:
        return delay
    chain.append(t_days + delay)
    for target in reversed(chain):
        landing = _delay_landing_on(now, target)
        if landing is not None:
            return landing
    return chain[0] - now  # unreachable in practice: the first month is now + a delay


def _delay_landing_on(now: float, target: float) -> float | None:
    """A delay with ``now + delay == target`` exactly (SimPy's clock sum), or None."""
    delay = target - now
    for _ in range(LANDING_STEPS):
        landed = now + delay
        if landed == target:
            return delay
        delay = math.nextafter(delay, math.inf if landed < target else -math.inf)
    return None


def soft_call_met(c: Company, note: ConvertibleNote) -> bool:
    """Callable now, and the price met the trigger on 20 of the last 30 days."""
    if not c.listed or note.t_call_start_days is None or c.now < note.t_call_start_days:
        return False
    trigger = note.call_trigger * note.conversion_price_usd
    days = c.markets.days_at_or_above(c.name, c.now - CALL_WINDOW_DAYS + 1, c.now, trigger)
    return days >= CALL_DAYS_ABOVE


def _should_induce(c: Company, f: CapitalAccess, note: ConvertibleNote) -> bool:
    spec, plan = f.spec, f.last_plan
    if not (spec.induce_conversions and c.listed) or plan is None or plan.gap_usd <= 0:
        return False
    sweetener = spec.induce_premium_share * note.principal_usd
    deep = c.share_price_usd() >= spec.induce_moneyness * note.conversion_price_usd
    return deep and c.cash_usd >= sweetener


def induce(c: Company, f: CapitalAccess, note: ConvertibleNote) -> int:
    """Pay holders a cash sweetener to convert now; returns the conversion event."""
    sweetener = f.spec.induce_premium_share * note.principal_usd
    induced = c.log("convert.induced", cause=note.issued_event, note=note.name,
                    sweetener_usd=sweetener, share_price_usd=c.share_price_usd())
    c.model.ledger.post(c.name, "financing.convert_inducement", -sweetener, c.now, induced)
    return convert(c, note, "induced", induced)


def mature(c: Company, note: ConvertibleNote) -> int:
    """At maturity: convert if in the money, else repay the principal in cash."""
    price = c.share_price_usd()
    if c.listed and price >= note.conversion_price_usd:
        return convert(c, note, "maturity", note.issued_event)
    note.outstanding = False
    repaid = c.log("debt.repaid", cause=note.issued_event, instrument="convertible",
                   note=note.name, amount_usd=note.principal_usd, share_price_usd=price)
    c.model.ledger.post(c.name, "financing.convert_repaid", -note.principal_usd, c.now, repaid)
    return repaid


def conversion_outcome(note: ConvertibleNote, price_usd: float) -> tuple[float, float, float]:
    """(gross shares, capped-call offset shares, cash paid) if ``note`` converts now."""
    net_share = note.settlement == "net_share"
    gross, offset = note_conversion_shares(price_usd, note.principal_usd,
                                           note.conversion_price_usd, note.cap_price_usd,
                                           net_share=net_share)
    return gross, min(offset, gross), (note.principal_usd if net_share else 0.0)


def convert(c: Company, note: ConvertibleNote, reason: str, cause: int | None) -> int:
    """Settle a conversion at today's price; returns the ``convert.converted`` event."""
    price = c.share_price_usd()
    gross, offset, cash = conversion_outcome(note, price)
    note.outstanding = False
    event = c.shares.issue(gross - offset, "convert.converted", cause, note=note.name,
                           reason=reason, settlement=note.settlement, share_price_usd=price,
                           conversion_price_usd=note.conversion_price_usd,
                           principal_usd=note.principal_usd, gross_shares=gross,
                           capped_call_offset_shares=offset, cash_usd=cash)
    if cash > 0:
        c.model.ledger.post(c.name, "financing.convert_settled", -cash, c.now, event)
    return event
