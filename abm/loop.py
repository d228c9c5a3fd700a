"""SimPy's event loop for a run to a time, in one compiled function.

``simpy.Environment.run(until=t)`` calls ``Environment.step`` once an event: an
interpreted method and its frame for each of a base run's ~5,000 events. :func:`run_until`
does what ``run`` and ``step`` do, in the same order and with the same effects, in one
loop (compiled in the compiled build, :mod:`abm.build`):

* the stop is an event scheduled ``URGENT`` at ``until``, before every ordinary event of
  that instant, as SimPy schedules it;
* each event is popped, the clock set to its time, its callbacks taken (``callbacks`` set
  to ``None``) and called in order; a failed event nobody defused stops the run with a
  copy of its exception, its ``__cause__`` the original;
* at the stop, the event goes back on the queue at priority -1 with the callbacks after
  SimPy's stop callback (none), as ``step`` puts it back: the next run pops it first and
  ``peek()`` shows it, so clock, event ids and queue are SimPy's to the last entry.

The processes, events and queue are SimPy's own; only the loop that pops the queue is
this one. Runs to an event, or to the end of the queue, stay ``simpy.Environment.run``.
"""

from __future__ import annotations

from heapq import heappop
from typing import Any, Final

import simpy
from simpy.core import StopSimulation
from simpy.events import URGENT, Event, EventPriority

RESCHEDULED: Final = EventPriority(-1)
"""The priority SimPy's ``step`` gives an event it puts back after a stop."""


def run_until(env: simpy.Environment, until: float) -> Any:
    """Process ``env``'s events up to time ``until``, as ``env.run(until=until)`` does.

    Returns what SimPy's run returns there: ``None`` (the stop event's value).
    """
    at = until if isinstance(until, int) else float(until)
    if at <= env.now:
        raise ValueError(f"until ({at}) must be greater than the current simulation time")
    stop = Event(env)
    stop._ok = True
    stop._value = None
    env.schedule(stop, URGENT, at - env.now)
    queue: list[Any] = env._queue
    while True:
        t, _priority, _eid, event = heappop(queue)  # never empty: the stop is queued
        env._now = t
        callbacks = event.callbacks
        event.callbacks = None
        if event is stop:
            stop.callbacks = []  # SimPy's stop callback was the only one
            env.schedule(stop, RESCHEDULED)
            return None
        try:
            for callback in callbacks:
                callback(event)
        except StopSimulation as exc:  # another run's stop (a run nested in a callback)
            event.callbacks = callbacks[callbacks.index(callback) + 1:]
            env.schedule(event, RESCHEDULED)
            return exc.args[0]
        if not event._ok and not hasattr(event, "_defused"):
            failure = event._value
            error = type(failure)(*failure.args)
            error.__cause__ = failure
            raise error
