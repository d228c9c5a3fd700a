"""``Agent.sleep``: a light timeout that SimPy orders exactly as its own ``env.timeout``."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.agent import Agent, ProcessBody
from abm.model import Model
from abm.simenv import SimEnvironment
from abm.wakeup import Wakeup

START = dt.date(2025, 11, 6)
DELAYS = st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 1 / 3])  # many ties, on purpose


def _order(delays: list[list[float]], light: list[bool],
           inline: list[bool] | None = None) -> list[tuple[int, int, float]]:
    """Who woke when, for sleepers that wait ``delays[i]`` in turn, each with ``Wakeup``
    where ``light[i]`` and with ``env.timeout`` otherwise; where ``inline[i]``, a sleeper
    first tries to go on at once (``Agent.advance``)."""
    model = Model(START, seed=0)
    agent = Agent(model, "a")
    woke: list[tuple[int, int, float]] = []

    def sleeper(i: int) -> ProcessBody:
        for k, delay in enumerate(delays[i]):
            if not (inline and inline[i] and agent.advance(delay)):
                yield agent.sleep(delay) if light[i] else model.env.timeout(delay)
            woke.append((i, k, model.now))

    for i in range(len(delays)):
        agent.process(sleeper(i))
    model.env.run(until=100.0)
    return woke


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(DELAYS, min_size=1, max_size=6), min_size=1, max_size=6), st.data())
def test_sleepers_wake_in_the_order_of_simpys_timeouts(delays: list[list[float]],
                                                       data: st.DataObject) -> None:
    """Mixing light and SimPy timeouts, ties included, changes no one's turn."""
    light = data.draw(st.lists(st.booleans(), min_size=len(delays), max_size=len(delays)))
    reference = _order(delays, [False] * len(delays))
    assert _order(delays, light) == reference
    assert _order(delays, [True] * len(delays)) == reference
    inline = data.draw(st.lists(st.booleans(), min_size=len(delays), max_size=len(delays)))
    assert _order(delays, light, inline) == reference


def test_advance_goes_on_only_strictly_before_every_queued_event() -> None:
    model = Model(START, seed=0)
    agent = Agent(model, "a")
    assert not agent.advance(1.0)  # nothing queued: no bound, the process must sleep
    model.env.timeout(2.0)
    assert not agent.advance(2.0)  # a tie: the queued event goes first
    assert model.now == 0.0
    assert agent.advance(1.5) and model.now == 1.5
    assert agent.advance(0.0) and model.now == 1.5
    assert not agent.advance(0.5) and model.now == 1.5
    with pytest.raises(ValueError, match="Negative delay"):
        agent.advance(-0.1)


def test_a_wakeup_keeps_the_clock_a_float_and_refuses_a_negative_delay() -> None:
    model = Model(START, seed=0)
    agent = Agent(model, "a")
    seen: list[float] = []

    def body() -> ProcessBody:
        for delay in (np.float64(1.5), np.float32(0.25), 2, np.float64(0.0)):
            wakeup = agent.sleep(delay)  # type: ignore[arg-type]
            assert not wakeup.processed
            yield wakeup
            assert wakeup.processed
            seen.append(model.env.now)
            assert all(type(item.t) is float for item in model.env._queue)  # type: ignore[attr-defined]

    agent.process(body())
    model.env.run(until=10.0)
    assert seen == [1.5, 1.75, 3.75, 3.75] and all(type(t) is float for t in seen)
    with pytest.raises(ValueError, match="Negative delay"):
        Wakeup(model.env, -1.0)


def test_a_process_waiting_on_a_wakeup_can_be_interrupted() -> None:
    """SimPy's interrupt takes the process off the event it waits on: a Wakeup too."""
    env = SimEnvironment()
    log: list[str] = []

    def sleeper() -> ProcessBody:
        try:
            yield Wakeup(env, 10.0)
            log.append("woke")
        except simpy.Interrupt:
            log.append(f"interrupted at {env.now}")

    def waker(target: simpy.Process) -> ProcessBody:
        yield env.timeout(3.0)
        target.interrupt()

    env.process(waker(env.process(sleeper())))  # type: ignore[arg-type]
    env.run(until=20.0)
    assert log == ["interrupted at 3.0"]
