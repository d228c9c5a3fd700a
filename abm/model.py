"""The model: one SimPy environment, the agents by name, and the books of one run.

It owns the event log, the recorder, the ledger and the RNG tree. A month closes at the
last instant of its last day (a microsecond-scale ``CLOSE_EPS_DAYS`` before midnight), so
everything dated on the 1st belongs to the next month: month-end hooks post the month's
accruals, the ledger checks its identity, then the recorder samples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Final, TypeVar

import simpy

from abm.agent import Agent
from abm.clock import Clock
from abm.events import EventLog, LogEvents
from abm.finance.ledger import Ledger
from abm.recorder import Recorder
from abm.rng import RngTree

A = TypeVar("A", bound=Agent)
MonthEndHook = Callable[[dt.date], None]
CLOSE_EPS_DAYS: Final = 1e-6


class Model:
    """Holds everything one run needs; ``run(until)`` advances it."""

    def __init__(self, start: dt.date, seed: int, *, log_events: LogEvents = True,
                 env: simpy.Environment | None = None) -> None:
        self.clock = Clock(start)
        self.seed = seed
        self.env = simpy.Environment(initial_time=0.0) if env is None else env
        """SimPy's environment (one made here, or a fresh one given: a subclass that counts)."""
        self.log = EventLog(self.clock, enabled=log_events)
        self.recorder = Recorder()
        self.ledger = Ledger()
        self.rng = RngTree(seed)
        self.agents: dict[str, Agent] = {}
        self._hooks: list[MonthEndHook] = []
        self._late_hooks: list[MonthEndHook] = []
        self._month_ends: list[dt.date] = []
        self._started = False

    def add(self, agent: A) -> A:
        """Register an agent under its unique name."""
        if self._started:
            raise RuntimeError(f"model: cannot add {agent.name!r} after the run started")
        if agent.name in self.agents:
            raise ValueError(f"model: an agent is already named {agent.name!r}")
        self.agents[agent.name] = agent
        return agent

    def agent(self, name: str, kind: type[A]) -> A:
        """The agent called ``name``, checked to be a ``kind``."""
        found = self.agents.get(name)
        if not isinstance(found, kind):
            raise KeyError(f"model: no {kind.__name__} named {name!r}")
        return found

    def of_type(self, kind: type[A]) -> list[A]:
        """All agents of one type, in the order they were added."""
        return [a for a in self.agents.values() if isinstance(a, kind)]

    def on_month_end(self, hook: MonthEndHook, *, late: bool = False) -> None:
        """Call ``hook(month_end_date)`` at every month close, before the books are checked.

        ``late`` hooks run after every other hook: once all books have closed (a company
        pays another's invoices when the other closes).
        """
        (self._late_hooks if late else self._hooks).append(hook)

    @property
    def now(self) -> float:
        """Sim time in days since the start date (SimPy's ``env.now``)."""
        return float(self.env.now)

    @property
    def today(self) -> dt.date:
        """The calendar date now."""
        return self.clock.date_of(self.now)

    def run(self, until: dt.date) -> None:
        """Run to the end of day ``until``, closing the books at every month end on the way."""
        if self._started:
            raise RuntimeError("model: run() may be called once")
        if until < self.clock.start:
            raise ValueError(f"model: until {until} is before the start {self.clock.start}")
        self._started = True
        self._month_ends = [d for d in self.clock.month_ends(until) if d <= until]
        for agent in self.agents.values():
            names = agent.metric_names()
            if names:
                self.recorder.add_source(agent.name, names, agent.metrics)
        self.recorder.allocate(self._month_ends)
        for agent in list(self.agents.values()):
            agent.start()
        self._schedule_close(0)
        self.env.run(until=self.clock.t_of(until) + 1.0)

    def _schedule_close(self, index: int) -> None:
        if index >= len(self._month_ends):
            return
        t_close = self.clock.t_month_end(self._month_ends[index]) - CLOSE_EPS_DAYS
        tick = self.env.timeout(t_close - self.now)
        tick.callbacks.append(lambda _ev: self._close(index))

    def _close(self, index: int) -> None:
        month_end = self._month_ends[index]
        for hook in self._hooks:
            hook(month_end)
        for hook in self._late_hooks:
            hook(month_end)
        self.ledger.close_month()
        self.recorder.sample()
        self._schedule_close(index + 1)
