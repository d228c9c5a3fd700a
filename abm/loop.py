"""SimPy's event queue and loop, compiled: the model's environment pops and orders here.

SimPy keys its event queue (a heap) with tuples ``(time, priority, event id, event)``;
every comparison in a push or a pop goes through Python's generic tuple comparison, two
float comparisons by way of object dispatch (~350 instructions). At a base run's ~140
queued events a pop takes ~9 of them, and the heap was a tenth of the run. Here:

* :class:`QueueEntry` holds the same key and compares it in C, in the same order;
* :func:`step` is ``Environment.step`` on such entries: pop, set the clock, take the
  event's callbacks (``callbacks`` set to ``None``) and call them in order; a stop met in
  a callback puts the event back at priority -1 with the callbacks after it, and a failed
  event nobody defused stops the run with a copy of its exception (``__cause__`` the
  original);
* :func:`run_until` is ``Environment.run(until=t)`` with that step inlined: the stop is
  an event scheduled ``URGENT`` at ``t``, before every ordinary event of that instant,
  and goes back on the queue the way ``step`` puts it back, so clock, event ids and
  queue are SimPy's to the last entry.

The processes and events are SimPy's own; :class:`abm.simenv.SimEnvironment` puts these
entries on its queue, and :class:`abm.wakeup.Wakeup` too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from heapq import heappop, heappush
from typing import TYPE_CHECKING, Any, Final

from simpy.core import EmptySchedule, StopSimulation
from simpy.events import URGENT, Event, EventPriority

if TYPE_CHECKING:
    from abm.simenv import SimEnvironment

RESCHEDULED: Final = EventPriority(-1)
"""The priority SimPy's ``step`` gives an event it puts back after a stop."""
_POP: Final = heappop  # compiled, a Final is a C static; an imported name, a globals lookup
_PUSH: Final = heappush
_NEXT: Final = next  # compiled, ``next(ids)`` looks the builtin up by name at every call


class Instant:
    """Now: the simulation's time in days, and the process running, if any.

    What SimPy keeps as ``Environment._now`` and ``_active_proc``:
    :class:`abm.simenv.SimEnvironment` keeps them here (its two attributes read and write
    ``t_days`` and ``process``), so that compiled code reads and sets them as native
    fields: agents read the time tens of thousands of times a run, every resume of a
    process sets the running process twice, and through the environment (a Python
    object) each was a generic attribute lookup.
    """

    def __init__(self, t_days: float) -> None:
        self.t_days = t_days
        self.process: Any = None


class QueueEntry:
    """An event on the queue with its key: time, priority, then event id (unique).

    Any heap keyed by a time and a unique tie-break can hold these (a utility's booked
    queue exits: ``event`` is then the exit's payload).
    """

    def __init__(self, t: float, priority: int, eid: int, event: Any) -> None:
        self.t = t
        self.priority = priority
        self.eid = eid
        self.event = event

    def __lt__(self, other: QueueEntry) -> bool:
        """The key's order, as SimPy's tuples compare: time, then priority, then id."""
        if self.t != other.t:
            return self.t < other.t
        if self.priority != other.priority:
            return self.priority < other.priority
        return self.eid < other.eid

    def __repr__(self) -> str:
        return f"QueueEntry({self.t}, {self.priority}, {self.eid}, {self.event!r})"


def push(queue: list[QueueEntry], t_days: float, priority: int, event_ids: Iterator[int],
         event: Any) -> None:
    """Queue ``event`` at ``t_days``, keyed as ``Environment.schedule`` keys it.

    The key is (time, priority, next id of ``event_ids``); ``queue`` is an environment's
    ``_queue`` and ``event_ids`` its ``_eid``.
    """
    _PUSH(queue, QueueEntry(t_days, priority, _NEXT(event_ids), event))


def step(env: SimEnvironment) -> None:
    """Process the next event (``Environment.step``); ``EmptySchedule`` if there is none."""
    queue: list[QueueEntry] = env._queue  # type: ignore[assignment]
    if not queue:
        raise EmptySchedule
    entry = _POP(queue)
    env.instant.t_days = entry.t
    _fire(env, entry.event)


class LightEvent:
    """What the loop and a process read of an event, as native fields.

    :class:`abm.wakeup.Wakeup` (a sleep) and :class:`abm.wakeup.Start` (a process's
    start) are such events, most of a run's: ``env``, ``callbacks`` (a list until
    processed, then ``None``), ``_ok`` (always true: they cannot fail) and ``_value``.
    Read as fields of a native class, not by name as on any other event.
    """

    env: Any
    callbacks: list[Callable[[Any], None]] | None
    _ok: bool
    _value: Any


def _fire(env: SimEnvironment, event: Any) -> None:
    """Call ``event``'s callbacks, as ``Environment.step`` does once it popped it."""
    if isinstance(event, LightEvent):  # fields read natively; never failed: no check after
        light_callbacks = event.callbacks
        event.callbacks = None
        _call(env, event, light_callbacks)
        return
    callbacks = event.callbacks
    event.callbacks = None
    _call(env, event, callbacks)
    if not event._ok and not hasattr(event, "_defused"):
        failure = event._value
        error = type(failure)(*failure.args)
        error.__cause__ = failure
        raise error


def _call(env: SimEnvironment, event: Any, callbacks: Any) -> None:
    """Call ``callbacks`` in order; a stop met puts ``event`` back with those left."""
    try:
        for callback in callbacks:
            callback(event)
    except StopSimulation:
        event.callbacks = callbacks[callbacks.index(callback) + 1:]
        env.schedule(event, RESCHEDULED)
        raise


def run_until(env: SimEnvironment, until: float) -> Any:
    """Process ``env``'s events up to time ``until``, as ``env.run(until=until)`` does.

    Returns what SimPy's run returns: the stop event's value, ``None`` (or the value of
    another run's stop met on the way, a run nested in a callback).
    """
    at = until if isinstance(until, int) else float(until)
    if at <= env.now:
        raise ValueError(f"until ({at}) must be greater than the current simulation time")
    stop = Event(env)
    stop._ok = True
    stop._value = None
    # SimPy's stop callback, though the loop below meets this stop by identity: if the run
    # ends in an exception, the stop stays queued and ends a later run as SimPy's would
    stop.callbacks.append(StopSimulation.callback)
    env.schedule(stop, URGENT, at - env.now)
    queue: list[QueueEntry] = env._queue  # type: ignore[assignment]
    instant = env.instant
    while True:
        entry = _POP(queue)  # never empty: the stop is queued
        instant.t_days = entry.t
        event = entry.event
        if event is stop:
            stop.callbacks = []  # SimPy's stop callback was its only one
            env.schedule(stop, RESCHEDULED)
            return None
        try:
            _fire(env, event)
        except StopSimulation as exc:
            return exc.args[0]
