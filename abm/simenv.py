"""SimPy's environment with every event time a Python ``float``, its queue compiled.

Plain Python on purpose (it is not in ``abm.build.COMPILED``): SimPy calls ``schedule``
for every event from its own interpreted code, and a compiled method of a class derived
from SimPy's costs more to call from there than an interpreted one (measured compiled:
~3.5k instructions a call, half of them outside the heap push). What is hot is compiled
in :mod:`abm.loop`: the queue's entries, the step and the run to a time.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from simpy.core import Environment, Infinity, SimTime
from simpy.events import NORMAL, Event, EventPriority, Process

from abm import loop
from abm.loop import Instant, QueueEntry
from abm.resume import start


class SimProcess(Process):
    """SimPy's process, started and resumed by compiled code (:func:`abm.resume.start`).

    A :class:`abm.resume.Resumer` takes the place of the ``_resume`` method; SimPy's code
    (``Interruption``) calls and removes it as it would the method. SimPy's ``__init__``
    is not called: :func:`~abm.resume.start` does what it does, with a compiled start
    event in place of ``Initialize``.
    """

    __slots__ = ("_resume", "_target", "callbacks")

    def __init__(self, env: SimEnvironment, generator: Generator[Any, Any, Any]) -> None:
        start(self, generator, env, env._queue, env._eid)  # type: ignore[arg-type]


class SimEnvironment(Environment):
    """SimPy's environment, its clock and event keys kept Python floats.

    A delay computed from numpy values is a ``numpy.float64``; scheduled as it is, it makes
    the clock a ``float64``, then every later event time too, and each comparison in the
    event queue's heap goes through numpy's scalar code, several times slower than a
    float's. ``float()`` of a ``float64`` is exact, so times and order are unchanged.

    The clock and the running process are a native :class:`abm.loop.Instant`
    (``instant.t_days``, ``instant.process``), which SimPy's ``_now`` and ``_active_proc``
    read and write: agents read the time tens of thousands of times a run
    (``Agent.now``), compiled, as a native field. The queue and the event counter are
    slots, not entries of the instance's dict: from compiled code a slot is read through
    its descriptor, without the dict lookup.
    """

    __slots__ = ("_eid", "_queue", "instant")

    def __init__(self) -> None:
        self.instant = Instant(0.0)
        super().__init__(initial_time=0.0)

    @property
    def _now(self) -> float:
        """SimPy's clock: :attr:`instant`'s time."""
        return self.instant.t_days

    @_now.setter
    def _now(self, t_days: SimTime) -> None:
        self.instant.t_days = float(t_days)

    @property
    def _active_proc(self) -> Process | None:
        """SimPy's running process: :attr:`instant`'s."""
        process: Process | None = self.instant.process
        return process

    @_active_proc.setter
    def _active_proc(self, process: Process | None) -> None:
        self.instant.process = process

    def process(self, generator: Generator[Any, Any, Any]) -> Process:
        """Start a process of ``generator`` (resumed by compiled code: :class:`SimProcess`)."""
        return SimProcess(self, generator)

    def run(self, until: SimTime | Event | None = None) -> Any | None:
        """SimPy's ``run``; to a time, in one compiled loop (:func:`abm.loop.run_until`)."""
        if until is None or isinstance(until, Event):
            return super().run(until)  # steps through :meth:`step`
        return loop.run_until(self, until)

    def step(self) -> None:
        """Process the next event, as SimPy does (:func:`abm.loop.step`)."""
        loop.step(self)

    def peek(self) -> SimTime:
        """The time of the next event, or infinity if there is none."""
        queue: list[QueueEntry] = self._queue  # type: ignore[assignment]
        return queue[0].t if queue else Infinity

    def schedule(self, event: Event, priority: EventPriority = NORMAL,
                 delay: float = 0.0) -> None:
        """Schedule ``event`` with ``priority`` after ``delay`` days (as SimPy does)."""
        queue: list[QueueEntry] = self._queue  # type: ignore[assignment]
        loop.push(queue, self.instant.t_days + float(delay), priority, self._eid, event)
