"""A note skips the monthly looks that cannot act and lands on the chain's clock, bit for bit."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from abm.finance.debt import ConvertibleNote
from agents.deals.contracts import DAYS_PER_MONTH
from agents.neoclouds.conversions import _delay_landing_on, _delay_to_next_look


def company(now: float, *, listed: bool = True) -> Any:
    return SimpleNamespace(now=now, listed=listed)


def access(*, induce: bool = False) -> Any:
    return SimpleNamespace(spec=SimpleNamespace(induce_conversions=induce))


def monthly_chain(t0: float, maturity: float, call_from: float) -> tuple[list[float], float]:
    """The clock readings of the monthly looks as SimPy reaches them one by one: the
    looks that cannot act, and the first that can."""
    t, idle = t0, list[float]()
    while True:
        t_next = min(maturity, t + DAYS_PER_MONTH)
        t += max(0.0, t_next - t)
        if t_next >= call_from or t_next >= maturity - 1e-9:
            return idle, t
        idle.append(t)


@settings(max_examples=300, deadline=None)
@example(t0=1.3, wait=1.3, life=1.0, callable_=False, listed=True)  # 1.3 + 2.3 != 3.6
@given(t0=st.floats(0.0, 2_500.0), wait=st.floats(0.0, 2_000.0), life=st.floats(1.0, 3_000.0),
       callable_=st.booleans(), listed=st.booleans())
def test_the_note_wakes_on_the_clock_readings_of_the_monthly_chain(
        t0: float, wait: float, life: float, callable_: bool, listed: bool) -> None:
    note = ConvertibleNote("n", 1e8, 0.01, t0 + wait + life, 50.0,
                           t_call_start_days=t0 + wait if callable_ else None)
    call_from = t0 + wait if listed and callable_ else math.inf
    idle, first_act = monthly_chain(t0, note.t_maturity_days, call_from)
    t, hops = t0, 0
    while t != first_act:  # as SimPy adds each delay to its clock
        t += _delay_to_next_look(company(t, listed=listed), access(), note)
        hops += 1
        assert t == first_act or t in idle, (t, first_act)
        assert hops <= 3
    # with inducements on, every month is a look: the delay of one month (or to maturity)
    assert _delay_to_next_look(company(t0), access(induce=True), note) == max(
        0.0, min(note.t_maturity_days, t0 + DAYS_PER_MONTH) - t0)


@settings(max_examples=300, deadline=None)
@given(now=st.floats(0.0, 5_000.0), ahead=st.floats(0.0, 5_000.0))
def test_a_landing_delay_lands_exactly_or_is_none(now: float, ahead: float) -> None:
    target = now + ahead
    delay = _delay_landing_on(now, target)
    assert delay is None or now + delay == target
    assert _delay_landing_on(now, now) == 0.0


def test_a_rounding_tie_makes_the_exact_landing_impossible_from_there() -> None:
    """635.999999 sits half a unit in the last place of 1730.99... off their grid: every
    sum rounds to an even neighbour, never to the chain's odd one."""
    assert _delay_landing_on(635.999999, 1730.9999990000013) is None
    assert _delay_landing_on(635.999999, 1730.9999990000015) is not None
