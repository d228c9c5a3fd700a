"""The agent base: a name, its model, its own random stream, and logging with causes.

Agents are SimPy processes and callbacks through SimPy's public API: a process is
``env.process(generator)``, a wait is ``env.timeout(days)`` (or any SimPy event or
condition), and a callback hangs on a timeout's ``callbacks`` list, as SimPy's documents
describe. Nothing here touches SimPy's internals.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy
from mypy_extensions import mypyc_attr

from abm.events import Scalar

if TYPE_CHECKING:
    from abm.model import Model

ProcessBody = Generator[simpy.Event, Any, Any]
Callback = Callable[[simpy.Event], None]
"""What :meth:`Agent.call_in` calls: given the timeout that fired."""


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
        """Sim time in days (SimPy's ``env.now``)."""
        return float(self.model.env.now)

    def stream(self, purpose: str) -> np.random.Generator:
        """A separate named stream of this agent (draws elsewhere don't shift it)."""
        return self.model.rng.stream(self.name, purpose)

    def log(self, kind: str, cause: int | None = None, **data: Scalar) -> int:
        """Record an event by this agent now; returns its id for later causes."""
        return self.log_dict(kind, cause, data)

    def log_dict(self, kind: str, cause: int | None, data: dict[str, Scalar]) -> int:
        """:meth:`log` with its data as a dict, for callers that merge data of their own."""
        return self.model.log.append(self.now, self.name, kind, cause, data)

    def process(self, body: ProcessBody) -> simpy.Process:
        """Start a SimPy process owned by this agent (``env.process``)."""
        return self.model.env.process(body)

    def sleep(self, delay_days: float) -> simpy.Timeout:
        """What a process yields to wait ``delay_days``: SimPy's ``env.timeout``.

        The delay is taken as a Python float, so that the clock stays one whatever numpy
        scalar a caller computed it from (the same value either way).
        """
        return self.model.env.timeout(float(delay_days))

    def call_in(self, delay_days: float, callback: Callback) -> simpy.Timeout:
        """Call ``callback(event)`` after ``delay_days``; returns the timeout.

        For agents that wake often and do little: no generator to resume. The callback
        may schedule itself again.
        """
        timeout = self.sleep(delay_days)
        timeout.callbacks.append(callback)
        return timeout

    def call_at(self, t_days: float, callback: Callback) -> simpy.Timeout:
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
