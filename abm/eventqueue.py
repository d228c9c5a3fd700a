"""The event queue of :class:`abm.simenv.SimEnvironment`: SimPy's order, keyed by time alone.

SimPy keeps one heap of ``(time, priority, event id, event)`` tuples. Comparing two tuples
goes through Python's generic comparison twice (equal? then less?), ~290 instructions;
a base run makes ~40,000 such comparisons. Here the heap holds only the distinct times,
as floats, and the events due at one time wait in a short list in SimPy's order,
``(priority, event id)``:

* the order of events is SimPy's exactly: by time, then priority, then the order they
  were scheduled in (one counter numbers every event, as SimPy's ``_eid`` does);
* times compare as floats (``-0.0`` and ``0.0`` are one time, as they are for SimPy);
* the loop that takes events off it stays interpreted (``SimEnvironment.step``, as
  SimPy's): compiled, it read and wrote the events' attributes through Python's generic
  lookups, which the interpreter caches, and a kernel of tiny events ran ~15% slower.

``tests/abm/test_wakeup.py`` and ``tests/abm/test_model.py`` check the order against
SimPy's own environment, ties included.
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any

from simpy.core import EmptySchedule

Entry = tuple[int, int, Any]
"""An event waiting at a time: (priority, event id, event)."""


class EventQueue:
    """Scheduled events by time, each time's events in (priority, event id) order."""

    def __init__(self) -> None:
        self._times: list[float] = []  # a heap of the distinct times pending
        self._at: dict[float, list[Entry]] = {}
        self._next_id = 0
        self._pending = 0

    def push(self, t_days: float, priority: int, event: Any) -> None:
        """Schedule ``event`` at ``t_days`` with SimPy's ``priority`` (lower goes first)."""
        entry: Entry = (priority, self._next_id, event)
        self._next_id += 1
        self._pending += 1
        waiting = self._at.get(t_days)
        if waiting is None:
            self._at[t_days] = [entry]
            heappush(self._times, t_days)
        elif priority >= waiting[-1][0]:  # ids only grow: it goes last
            waiting.append(entry)
        else:  # an urgent event among normal ones: before the first of a higher priority
            i = 0
            while waiting[i][0] <= priority:
                i += 1
            waiting.insert(i, entry)

    def pop(self) -> tuple[float, Any]:
        """The next event and its time; raises SimPy's ``EmptySchedule`` if none."""
        if not self._times:
            raise EmptySchedule()
        t_days = self._times[0]
        waiting = self._at[t_days]
        _priority, _id, event = waiting.pop(0)
        if not waiting:
            del self._at[t_days]
            heappop(self._times)
        self._pending -= 1
        return t_days, event

    def peek(self) -> float:
        """The time of the next event (``inf`` if none), as SimPy's ``peek``."""
        return self._times[0] if self._times else float("inf")

    def times(self) -> list[float]:
        """The times of the events pending (a copy, in no order; one per event)."""
        return [t for t, waiting in self._at.items() for _ in waiting]

    @property
    def scheduled(self) -> int:
        """Events scheduled so far, processed or not (SimPy's event ids handed out)."""
        return self._next_id

    def __len__(self) -> int:
        return self._pending
