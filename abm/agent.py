"""The agent base: a name, its model, its own random stream, and logging with causes."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy
from mypy_extensions import mypyc_attr

from abm.events import Scalar
from abm.resume import start
from abm.simenv import SimProcess
from abm.wakeup import Wakeup

if TYPE_CHECKING:
    from abm.model import Model

ProcessBody = Generator[simpy.Event | Wakeup, Any, Any]
Callback = Callable[[Wakeup], None]
"""What :meth:`Agent.call_in` calls: given the event that fired (a light timeout)."""


@mypyc_attr(allow_interpreted_subclasses=True)  # models and tests subclass it
class Agent:
    """An actor of the simulation; subclasses start SimPy processes in ``start()``."""

    def __init__(self, model: Model, name: str) -> None:
        self.model = model
        self.name = name
        self._rng: np.random.Generator | None = None
        model.add(self)

    @property
    def rng(self) -> np.random.Generator:
        """The agent's own random stream, made on first use.

        The stream depends on the run seed and the name alone, so when it is made changes
        no draw; agents that never draw (a population of thousands) cost nothing.
        """
        if self._rng is None:
            self._rng = self.model.rng.stream(self.name)
        return self._rng

    @rng.setter
    def rng(self, generator: np.random.Generator) -> None:
        self._rng = generator

    @property
    def env(self) -> simpy.Environment:
        """The model's SimPy environment."""
        return self.model.env

    @property
    def now(self) -> float:
        """Sim time in days.

        Read from the environment's clock (:class:`abm.loop.Instant`), what SimPy's ``now``
        property returns: the property is a Python call, and this is read tens of
        thousands of times a run.
        """
        return self.model.instant.t_days

    def stream(self, purpose: str) -> np.random.Generator:
        """A separate named stream of this agent (draws elsewhere don't shift it)."""
        return self.model.rng.stream(self.name, purpose)

    def log(self, kind: str, cause: int | None = None, **data: Scalar) -> int:
        """Record an event by this agent now; returns its id for later causes."""
        return self.log_dict(kind, cause, data)

    def log_dict(self, kind: str, cause: int | None, data: dict[str, Scalar]) -> int:
        """:meth:`log` with its data as a dict, for callers that merge data of their own.

        Compiled, a call spreading a dict into keywords (``log(kind, **data)``) takes the
        generic call path, whose keyword parsing costs ~5,000 instructions a call.
        """
        model = self.model
        log = model.log
        if not log.enabled:  # only the id (and the cause check) matter: skip the clock read
            return log.append(0.0, self.name, kind, cause)
        return log.append(model.instant.t_days, self.name, kind, cause, data)

    def process(self, body: ProcessBody) -> simpy.Process:
        """Start a SimPy process owned by this agent."""
        # ``env.process(body)`` without its two interpreted calls (the method, ``__init__``)
        model = self.model
        process = SimProcess.__new__(SimProcess)
        start(process, body, model.env, model.queue, model.event_ids)
        return process

    def sleep(self, delay_days: float) -> Wakeup:
        """What a process yields to wait ``delay_days``: a light ``env.timeout`` (same order)."""
        model = self.model
        return Wakeup(model.env, delay_days, model.queue, model.event_ids, model.instant)

    def advance(self, delay_days: float) -> bool:
        """Move the clock ``delay_days`` ahead at once if no event is due by then.

        A process about to sleep that would be the next to wake anyway (its time strictly
        before every queued event's) may go on at once, its clock moved as the queue would
        have moved it: the same time to the last bit (``now + delay``), the same order of
        everything else, without an event through the queue. Returns False, and does
        nothing, otherwise (or with nothing queued): the process then yields
        :meth:`sleep` as usual. For loops of sleeps that often wake alone (background
        arrivals: ~60% of them).
        """
        if delay_days < 0:
            raise ValueError(f"Negative delay {delay_days}")
        model = self.model
        queue, instant = model.queue, model.instant
        t = instant.t_days + float(delay_days)
        if queue and t < queue[0].t:
            instant.t_days = t
            return True
        return False

    def call_in(self, delay_days: float, callback: Callback) -> Wakeup:
        """Call ``callback(event)`` after ``delay_days``; returns the event.

        For agents that wake often and do little: no generator to resume. The event is a
        light timeout (:class:`abm.wakeup.Wakeup`: queued as ``env.timeout`` would be, in
        the same order, without SimPy's interpreted calls); it cannot be combined into
        conditions. The callback may reschedule itself.
        """
        model = self.model
        wakeup = Wakeup(model.env, delay_days, model.queue, model.event_ids, model.instant)
        callbacks = wakeup.callbacks
        assert callbacks is not None  # made just now: not processed
        callbacks.append(callback)
        return wakeup

    def call_at(self, t_days: float, callback: Callback) -> Wakeup:
        """Call ``callback(event)`` at sim time ``t_days`` (not before now)."""
        now = self.now
        if t_days < now:
            raise ValueError(f"{self.name}: call_at({t_days}) is before now ({now})")
        return self.call_in(t_days - now, callback)

    def start(self) -> None:
        """Start the agent's processes; called once when the run begins."""

    def metric_names(self) -> tuple[str, ...]:
        """Month-end metrics this agent reports (without its name prefix)."""
        return ()

    def metrics(self) -> tuple[float, ...]:
        """Values of :meth:`metric_names`, sampled at each month end."""
        return ()
