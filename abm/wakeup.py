"""A light timeout: what a process yields to sleep, put straight on the event queue.

Most of a run's SimPy events are processes sleeping (``yield env.timeout(days)``): about
3,400 of a base run's 5,000. SimPy's ``Timeout`` is a Python class, built through its
``BoundClass`` descriptor and scheduled through ``Environment.schedule``; from compiled
code that is ~7k instructions a sleep. :class:`Wakeup` is the same event for the loop and
SimPy's processes at a fraction of that:

* it is pushed on the queue of the model's environment (:class:`abm.simenv.SimEnvironment`,
  whose entries are :class:`abm.loop.QueueEntry`) exactly as its ``schedule`` pushes a
  timeout: key ``(now + delay, NORMAL, next event id)``, so the order of events, ties
  included, is the one ``env.timeout`` would give (tested against it);
* it has what ``step`` and SimPy's ``Process._resume`` read of an event: ``callbacks``
  (a list until processed, then ``None``), ``_ok`` (always true: a timeout cannot fail)
  and ``_value`` (``None``), and ``env``.

It is not a ``simpy.Event``: it cannot be combined into conditions (``a | b``); a process
waiting on a condition uses ``env.timeout`` for that part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

import simpy
from simpy.events import NORMAL, URGENT

from abm.loop import Instant, LightEvent, QueueEntry, push

_NORMAL: Final = int(NORMAL)
_URGENT: Final = int(URGENT)


class Wakeup(LightEvent):
    """A timeout of ``delay_days`` from now, scheduled on creation (see the module).

    ``env`` is a :class:`abm.simenv.SimEnvironment` (a plain SimPy environment's queue
    holds tuples, which do not compare with its entries). ``queue``, ``event_ids`` and
    ``instant`` are its ``_queue``, ``_eid`` and ``instant``, if the caller keeps them
    (:class:`abm.model.Model` does: compiled, reading them from the environment is three
    attribute lookups a sleep).
    """

    def __init__(self, env: simpy.Environment, delay_days: float,
                 queue: list[QueueEntry] | None = None,
                 event_ids: Iterator[int] | None = None,
                 instant: Instant | None = None) -> None:
        if delay_days < 0:
            raise ValueError(f"Negative delay {delay_days}")
        self.env = env
        self.callbacks = []
        self._ok = True
        self._value = None
        self.delay_days = delay_days
        entries: list[QueueEntry] = (
            env._queue if queue is None else queue)  # type: ignore[assignment]
        ids = env._eid if event_ids is None else event_ids
        clock: Instant = env.instant if instant is None else instant  # type: ignore[attr-defined]
        push(entries, clock.t_days + float(delay_days), _NORMAL, ids, self)

    @property
    def processed(self) -> bool:
        """Whether SimPy has processed it (its callbacks were called)."""
        return self.callbacks is None

    def __repr__(self) -> str:
        return f"Wakeup({self.delay_days})"


class Start(Wakeup):
    """A process's start: SimPy's ``Initialize``, queued ``URGENT`` now, as it queues it.

    Its one callback is the process's resume callback (:class:`abm.resume.Resumer`), which
    reads it as it reads a wakeup (ok, no value): the generator gets ``None`` first, as
    SimPy's ``Initialize`` sends it. ``queue``, ``event_ids`` and ``instant`` as for
    :class:`Wakeup`.
    """

    def __init__(self, env: simpy.Environment, resume: Callable[[Any], None],
                 queue: list[QueueEntry], event_ids: Iterator[int], instant: Instant) -> None:
        self.env = env
        self.callbacks = [resume]
        self._ok = True
        self._value = None
        self.delay_days = 0.0
        push(queue, instant.t_days, _URGENT, event_ids, self)

    def __repr__(self) -> str:
        return "Start()"
