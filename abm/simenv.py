"""SimPy's environment with every event time a Python ``float``, on a compiled event queue.

Plain Python on purpose (it is not in ``abm.build.COMPILED``): SimPy calls ``schedule``
for every event from its own interpreted code, and a compiled method of a class derived
from SimPy's costs more to call from there than an interpreted one (measured compiled:
~3.5k instructions a call, half of them outside the heap push). The queue itself and the
loop that steps through it are compiled (:mod:`abm.eventqueue`).
"""

from __future__ import annotations

from typing import Any

from simpy.core import EmptySchedule, Environment, StopSimulation
from simpy.events import NORMAL, URGENT, Event, EventPriority

from abm.eventqueue import EventQueue


class SimEnvironment(Environment):
    """SimPy's environment, its clock and event keys kept Python floats.

    A delay computed from numpy values is a ``numpy.float64``; scheduled as it is, it makes
    the clock a ``float64``, then every later event time too, and each comparison in the
    event queue goes through numpy's scalar code, several times slower than a float's.
    ``float()`` of a ``float64`` is exact, so times and order are unchanged.

    Events wait in :class:`~abm.eventqueue.EventQueue` (``events``) rather than SimPy's
    ``_queue`` heap, in the same order; ``step``, ``peek`` and ``run`` behave as SimPy's.
    """

    def __init__(self) -> None:
        super().__init__(initial_time=0.0)
        self.events = EventQueue()
        del self._queue, self._eid  # not used: a stray use fails loudly

    def schedule(self, event: Event, priority: EventPriority = NORMAL,
                 delay: float = 0.0) -> None:
        """Schedule ``event`` with ``priority`` after ``delay`` days (as SimPy does)."""
        self.events.push(self._now + float(delay), priority, event)

    def peek(self) -> float:
        """The time of the next event, ``inf`` if none (as SimPy's)."""
        return self.events.peek()

    def step(self) -> None:
        """Process the next event (as SimPy's ``step``); ``EmptySchedule`` if none.

        Interpreted on purpose, like SimPy's: the interpreter caches its reads and writes of
        the events' attributes, which compiled code looks up afresh every time.
        """
        self._now, event = self.events.pop()
        callbacks, event.callbacks = event.callbacks, None
        try:
            for callback in callbacks:
                callback(event)
        except StopSimulation:  # put the callbacks not yet run back, ahead of all else
            event.callbacks = callbacks[callbacks.index(callback) + 1:]
            self.schedule(event, EventPriority(-1))
            raise
        if not event._ok and not hasattr(event, "_defused"):
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc

    def run(self, until: float | Event | None = None) -> Any:
        """Run until ``until`` (a time, an event, or no events left), as SimPy's ``run``."""
        if until is not None:
            if not isinstance(until, Event):
                at = float(until)
                if at <= self.now:
                    raise ValueError(
                        f"until ({at}) must be greater than the current simulation time")
                until = Event(self)  # before every regular event at that time
                until._ok = True
                until._value = None
                self.schedule(until, URGENT, at - self.now)
            elif until.callbacks is None:
                return until.value
            assert until.callbacks is not None
            until.callbacks.append(StopSimulation.callback)
        try:
            step = self.step
            while True:
                step()
        except StopSimulation as exc:
            return exc.args[0]
        except EmptySchedule:
            if until is not None:
                assert not until.triggered
                raise RuntimeError(f'No scheduled events left but "until" event was not '
                                   f"triggered: {until}") from None
        return None
