import datetime as dt

import pytest

from abm.agent import Agent, ProcessBody
from abm.model import Model

START = dt.date(2025, 11, 6)


class Ticker(Agent):
    """Logs a tick every 10 days and books 1 USD per tick."""

    def __init__(self, model: Model, name: str) -> None:
        super().__init__(model, name)
        self.ticks = 0
        model.ledger.open_account(name, 0.0)

    def start(self) -> None:
        self.process(self._tick())

    def _tick(self) -> ProcessBody:
        last = None
        while True:
            yield self.env.timeout(10.0)
            self.ticks += 1
            last = self.log("tick.made", cause=last, n=self.ticks)
            self.model.ledger.post(self.name, "revenue.tick", 1.0, self.now, last)

    def metric_names(self) -> tuple[str, ...]:
        return ("ticks_count", "cash_usd")

    def metrics(self) -> tuple[float, ...]:
        return (float(self.ticks), self.model.ledger.cash_usd(self.name))


def test_month_ends_sample_state_and_dates_belong_to_their_month() -> None:
    model = Model(START, seed=1)
    Ticker(model, "t")
    model.run(dt.date(2026, 1, 31))
    path = model.recorder.to_frame()
    assert [d.date() for d in path.index] == [dt.date(2025, 11, 30), dt.date(2025, 12, 31),
                                              dt.date(2026, 1, 31)]
    # ticks at day 10, 20 (Nov 16, 26), 30 (Dec 6), ...: 2 by Nov 30, 5 by Dec 31, 8 by Jan 31
    assert path["t.ticks_count"].tolist() == [2.0, 5.0, 8.0]
    assert path["t.cash_usd"].tolist() == [2.0, 5.0, 8.0]
    events = model.log.to_frame()
    assert (events["date"] <= pd_ts("2026-01-31")).all()


def pd_ts(text: str) -> object:
    import pandas as pd

    return pd.Timestamp(text)


def test_agents_have_unique_names_and_run_once() -> None:
    model = Model(START, seed=1)
    Ticker(model, "t")
    with pytest.raises(ValueError, match="already named"):
        Ticker(model, "t")
    model.run(dt.date(2025, 12, 1))
    with pytest.raises(RuntimeError):
        model.run(dt.date(2026, 1, 1))
    with pytest.raises(RuntimeError, match="after the run started"):
        Ticker(model, "u")


def test_until_before_start_is_refused() -> None:
    with pytest.raises(ValueError, match="before the start"):
        Model(START, seed=0).run(dt.date(2025, 1, 1))


def test_an_agents_sleep_keeps_the_clock_a_python_float_after_numpy_delays() -> None:
    """A numpy delay given to ``Agent.sleep`` must not turn SimPy's clock into a float64."""
    import numpy as np

    model = Model(START, seed=0)
    agent = Agent(model, "sleeper")
    seen: list[float] = []

    def body() -> ProcessBody:
        for delay in (np.float64(1.5), np.float32(0.25), 2, np.float64(0.0)):
            yield agent.sleep(delay)
            seen.append(model.env.now)

    agent.process(body())
    model.env.run(until=10.0)
    assert seen == [1.5, 1.75, 3.75, 3.75]
    assert all(type(t) is float for t in seen)
