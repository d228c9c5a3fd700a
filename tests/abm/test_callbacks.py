import datetime as dt

import pytest
import simpy

from abm.agent import Agent
from abm.model import Model

START = dt.date(2025, 11, 6)


class Pinger(Agent):
    """Wakes by callback every 3 days (callback style) and logs each wake-up."""

    def __init__(self, model: Model, name: str) -> None:
        super().__init__(model, name)
        self.wakes: list[float] = []

    def start(self) -> None:
        self.call_in(3.0, self._wake)

    def _wake(self, _event: simpy.Event) -> None:
        self.wakes.append(self.now)
        self.log("ping.made", n=len(self.wakes))
        self.call_in(3.0, self._wake)


def test_callbacks_reschedule_themselves_and_log() -> None:
    model = Model(START, seed=0)
    pinger = Pinger(model, "p")
    model.run(dt.date(2025, 11, 20))  # to the end of day 14
    assert pinger.wakes == [3.0, 6.0, 9.0, 12.0]
    assert list(model.log.kinds()) == ["ping.made"] * 4


def test_call_at_is_absolute_and_refuses_the_past() -> None:
    model = Model(START, seed=0)
    agent = Agent(model, "a")
    seen: list[float] = []
    agent.call_at(2.5, lambda _ev: seen.append(agent.now))
    model.env.run(until=1.0)
    with pytest.raises(ValueError, match="before now"):
        agent.call_at(0.5, lambda _ev: None)
    model.env.run(until=5.0)
    assert seen == [2.5]


def test_events_due_at_one_time_run_in_the_order_they_were_scheduled() -> None:
    model = Model(START, seed=0)
    agent = Agent(model, "a")
    order: list[str] = []
    agent.call_in(1.0, lambda _ev: order.append("first callback"))
    agent.env.timeout(1.0).callbacks.append(lambda _ev: order.append("plain timeout"))
    agent.call_at(1.0, lambda _ev: order.append("last callback"))
    model.env.run(until=2.0)
    assert order == ["first callback", "plain timeout", "last callback"]
