"""A SimPy process resumed by compiled code: ``Process._resume`` as a native callable.

Every wake-up of a process (~3,500 in a base run) goes through SimPy's ``_resume``, an
interpreted method: it marks the process active, sends the event's value into the
generator, and hangs itself on the callbacks of the event the generator yields next (a
fresh bound method each time). :class:`Resumer` does the same from compiled code, and
reads a :class:`abm.wakeup.Wakeup` (most of what processes yield) by its native fields.
:class:`abm.simenv.SimProcess` puts one in place of the method, so that SimPy's own code
(``Initialize``, ``Interruption``) calls and removes it as it would the method.

What SimPy does, in the same order: a failed event is defused and a copy of its
exception (``__cause__`` the original) is thrown in; a generator that returns triggers
the process with its value, one that raises fails it with the exception; an event
already processed is not waited for (its value is sent at once); a yield of something
that is not an event is a ``RuntimeError``. One difference: SimPy strips its own frame
from a failing process's traceback; here the traceback is left as it is.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any, Final

from simpy.events import NORMAL

from abm.loop import Instant, LightEvent, QueueEntry, push
from abm.wakeup import Start

_NORMAL: Final = int(NORMAL)


def start(process: Any, generator: Generator[Any, Any, Any], env: Any,
          queue: list[QueueEntry], event_ids: Iterator[int]) -> None:
    """Set up a new ``process`` of ``generator`` as SimPy's ``Process.__init__`` does.

    Its resume callback is a :class:`Resumer`; its start (SimPy's ``Initialize``) is a
    :class:`abm.wakeup.Start`, queued ``URGENT`` now with the next event id, as SimPy
    queues it. ``queue`` and ``event_ids`` are ``env``'s.
    """
    if not hasattr(generator, "throw"):
        raise ValueError(f"{generator} is not a generator.")
    resume = Resumer(process, generator, env.instant, queue, event_ids)
    process._resume = resume
    process.env = env
    process.callbacks = []
    process._generator = generator
    process._target = Start(env, resume, queue, event_ids, resume.instant)


class Resumer:
    """``process``'s resume callback: drives ``generator`` from one event to the next."""

    def __init__(self, process: Any, generator: Generator[Any, Any, Any], instant: Instant,
                 queue: list[QueueEntry], event_ids: Iterator[int]) -> None:
        self.process = process
        self.generator = generator
        self.instant = instant  # the environment's time and running process
        self.queue = queue  # the environment's queue and event counter
        self.event_ids = event_ids

    def __call__(self, event: Any) -> None:
        """Resume the generator with ``event``'s outcome (SimPy's ``Process._resume``)."""
        instant, process, generator = self.instant, self.process, self.generator
        instant.process = process
        while True:
            try:
                if isinstance(event, LightEvent):  # a sleep or a start: ok, no value
                    event = generator.send(None)
                elif event._ok:
                    event = generator.send(event._value)
                else:
                    event._defused = True
                    failure = event._value
                    error = type(failure)(*failure.args)
                    error.__cause__ = failure
                    event = generator.throw(error)
            except StopIteration as stop:
                event = None
                process._ok = True
                process._value = stop.args[0] if len(stop.args) else None
                self._end()
                break
            except BaseException as error:  # SimPy fails the process on anything
                event = None
                process._ok = False
                process._value = error
                self._end()
                break
            if isinstance(event, LightEvent):
                callbacks = event.callbacks
            else:
                try:
                    callbacks = event.callbacks
                except AttributeError:
                    raise RuntimeError(f'Invalid yield value "{event}"') from None
            if callbacks is not None:  # not processed yet: wait for it
                callbacks.append(self)
                break
        process._target = event
        instant.process = None

    def _end(self) -> None:
        """Queue the ended process (``env.schedule(process)``: now, ``NORMAL``)."""
        push(self.queue, self.instant.t_days, _NORMAL, self.event_ids, self.process)
