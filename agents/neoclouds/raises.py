"""The instruments of a raise, each a step of the raise process, returning net cash raised.

* :func:`issue_convert`: a convertible sized to the gap (at least ``min_deal_usd``, at most
  ``max_deal_share_of_market_cap`` of market cap and the outstanding limit). After the
  marketing days the market sets the terms: premium by regime, coupon solved so the note
  prices at par under the pricer at the convert market's vol (``implied_to_realized_vol``
  x the stock's realized vol) and the company's credit spread
  (:func:`abm.finance.issuance.size_convertible`). Hedge funds short delta x conversion
  shares (``market.news``, a drop of ``short_selling_elasticity`` x shorted / shares
  outstanding) and the note is struck off the lower reference price (same premium and
  coupon: a note's value per face depends only on spot / conversion price). Part of the
  proceeds buys a capped call (cap = spot x (1 + ``cap_premium``)), priced by
  :func:`abm.finance.dilution.capped_call_usd`; fees go to the banks.
* :func:`sell_atm`: at-the-market equity in draws every ``draw_interval_days`` for about a
  month, each within the volume limit, at the company's discount plus the regime's.
* :func:`private_round`: an unlisted company's round at its world valuation (its share
  count is a placeholder), within a yearly amount, after ``private_round_days``.
"""

from __future__ import annotations

from typing import Final

from abm.agent import ProcessBody
from abm.finance.debt import ConvertibleNote
from abm.finance.dilution import capped_call_usd
from abm.finance.issuance import ConvertTerms, size_convertible
from agents.neoclouds.access import CapitalAccess
from agents.neoclouds.cfo import refinance_older_notes
from agents.neoclouds.conversions import note_lifecycle

DAYS_PER_YEAR: Final = 365.0
ATM_SETTLE_DAYS: Final = 1.0
ATM_WINDOW_DAYS: Final = 30.0
VOL_FLOOR, VOL_CEILING = 0.15, 2.0
VOL_DECIMALS, SPREAD_DECIMALS = 2, 4


def convert_terms(f: CapitalAccess,
                  spot_usd: float) -> tuple[ConvertTerms | None, dict[str, float]]:
    """Terms the convert market offers now at ``spot_usd``, and the inputs it used."""
    c, m, cv = f.c, f.markets, f.markets.spec.converts
    realized = m.realized_vol(c.name, c.now, cv.vol_window_days)
    vol = min(max(cv.implied_to_realized_vol * realized, VOL_FLOOR), VOL_CEILING)
    spread = m.credit_spread(c.spec.credit_rating, c.now, f.spec.credit_spread,
                             c.leverage_turns)
    inputs = {  # quoted as desks quote them: vol to a point, spreads to 1 bp
        "spot_usd": spot_usd,
        "vol": round(vol, VOL_DECIMALS),
        "realized_vol": realized,
        "rate": m.spec.credit.risk_free_rate,
        "credit_spread": round(spread, SPREAD_DECIMALS),
        "maturity_years": cv.maturity_years,
        "call_start_years": cv.call_protection_years,
        "call_trigger": cv.call_trigger,
        "steps": float(cv.pricer_steps),
    }
    terms = size_convertible(
        spot_usd, inputs["vol"], inputs["rate"], inputs["credit_spread"], cv.maturity_years,
        premium=m.convert_premium(c.now), premium_max=cv.premium_max, coupon_max=cv.coupon_max,
        call_start_years=cv.call_protection_years, call_trigger=cv.call_trigger,
        steps=cv.pricer_steps)
    return terms, inputs


def issue_convert(f: CapitalAccess, amount_usd: float, gap: int) -> ProcessBody:
    """Market, price and issue a convertible for ``amount_usd``; returns net proceeds."""
    c, m, cv = f.c, f.markets, f.markets.spec.converts
    market_cap = c.share_price_usd() * c.shares_outstanding
    room = min(cv.max_deal_share_of_market_cap * market_cap, f.convert_room_usd())
    principal = min(max(amount_usd, cv.min_deal_usd), room)
    if principal < cv.min_deal_usd:
        return 0.0
    yield c.sleep(cv.marketing_days)
    quoted = c.share_price_usd()
    terms, inputs = convert_terms(f, quoted)
    if terms is None:
        f.failed(gap, "no_par_terms", principal, instrument="convert")
        return 0.0
    shorted = terms.hedge_shares(principal)
    news, move = m.news(c.name, "short_selling", shorted / c.shares_outstanding, gap)
    spot = c.share_price_usd()
    terms = terms.at_spot(spot, quoted)  # the same terms, struck off the lower price
    inputs["spot_usd"] = spot
    priced = c.log("convert.priced", cause=news, principal_usd=principal,
                   coupon_rate=terms.coupon_rate, premium=terms.premium,
                   conversion_price_usd=terms.conversion_price_usd,
                   model_price_per_face=terms.price_per_face, at_par=terms.at_par,
                   delta_shares_per_note=terms.delta_shares_per_note, shares_shorted=shorted,
                   price_move=move, regime=m.regime_at(c.now), **inputs)
    cap = spot * (1.0 + cv.cap_premium) if f.spec.capped_call else None
    hedge_usd = (capped_call_usd(spot, terms.conversion_price_usd, cap, inputs["vol"],
                                 inputs["rate"], cv.maturity_years,
                                 terms.conversion_shares(principal))
                 if cap is not None else 0.0)
    fees_usd = cv.fee_share * principal
    f.notes_issued += 1
    name = f"conv_{c.model.today.year}_{f.notes_issued}"
    issued = c.log("convert.issued", cause=priced, note=name, principal_usd=principal,
                   net_proceeds_usd=principal - fees_usd - hedge_usd, capped_call_usd=hedge_usd,
                   fees_usd=fees_usd, cap_price_usd=cap,
                   conversion_price_usd=terms.conversion_price_usd, coupon_rate=terms.coupon_rate)
    ledger = c.model.ledger
    ledger.post(c.name, "financing.convert", principal, c.now, issued)
    if hedge_usd > 0:
        ledger.post(c.name, "financing.capped_call", -hedge_usd, c.now, issued)
    ledger.post(c.name, "financing.fees", -fees_usd, c.now, issued)
    note = ConvertibleNote(name, principal, terms.coupon_rate,
                           c.now + cv.maturity_years * DAYS_PER_YEAR, terms.conversion_price_usd,
                           cap, settlement=f.spec.settlement,
                           t_call_start_days=c.now + cv.call_protection_years * DAYS_PER_YEAR,
                           call_trigger=cv.call_trigger, issued_event=issued)
    c.notes.append(note)
    c.process(note_lifecycle(c, f, note))
    f.t_last_convert_days = c.now
    proceeds = principal - fees_usd - hedge_usd
    return proceeds - refinance_older_notes(f, note, proceeds, issued)


def sell_atm(f: CapitalAccess, amount_usd: float, gap: int) -> ProcessBody:
    """Sell shares at the market over about a month; returns the cash raised."""
    c, m, atm = f.c, f.markets, f.markets.spec.atm
    raised, t_end = 0.0, c.now + ATM_WINDOW_DAYS
    yield c.sleep(ATM_SETTLE_DAYS)
    while raised < amount_usd - 1e-6 and c.now < t_end:
        room = f.atm_monthly_cap_usd() - f.sold_since_usd("atm", ATM_WINDOW_DAYS)
        draw = min(amount_usd - raised, room, f.atm_program_room_usd(gap),
                   f.atm_monthly_cap_usd() * atm.draw_interval_days / ATM_WINDOW_DAYS)
        if draw <= 0:
            break
        discount = min(c.spec.atm_discount + m.atm_discount_add(c.now), 0.9)
        price = c.share_price_usd() * (1.0 - discount)
        shares = draw / price
        issued = c.shares.issue(shares, "equity.issued", gap, channel="atm", price_usd=price,
                                amount_usd=draw, discount=discount, regime=m.regime_at(c.now))
        c.model.ledger.post(c.name, "financing.equity", draw, c.now, issued)
        f.equity_sold.append((c.now, draw, "atm"))
        f.atm_sold(draw)
        m.news(c.name, "dilution", shares / c.shares_outstanding, issued)
        raised += draw
        if raised < amount_usd - 1e-6:
            yield c.sleep(atm.draw_interval_days)
    return raised


def private_round(f: CapitalAccess, amount_usd: float, gap: int) -> ProcessBody:
    """An unlisted company's private round; returns the cash raised."""
    c = f.c
    size = min(amount_usd, f.private_room_usd())
    if size <= 0:
        f.failed(gap, "no_private_capacity", amount_usd, instrument="private_round")
        return 0.0
    yield c.sleep(f.spec.private_round_days)
    price = c.spec.share_price_usd
    issued = c.shares.issue(size / price, "equity.issued", gap, channel="private",
                            price_usd=price, amount_usd=size, discount=0.0)
    c.model.ledger.post(c.name, "financing.equity", size, c.now, issued)
    f.equity_sold.append((c.now, size, "private"))
    return size
