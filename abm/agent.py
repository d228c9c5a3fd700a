"""The agent base: a name, its model, its own random stream, and logging with causes."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from abm.events import Scalar

if TYPE_CHECKING:
    from abm.model import Model

ProcessBody = Generator[simpy.Event, Any, Any]


class Agent:
    """An actor of the simulation; subclasses start SimPy processes in ``start()``."""

    def __init__(self, model: Model, name: str) -> None:
        self.model = model
        self.name = name
        self.rng: np.random.Generator = model.rng.stream(name)
        model.add(self)

    @property
    def env(self) -> simpy.Environment:
        """The model's SimPy environment."""
        return self.model.env

    @property
    def now(self) -> float:
        """Sim time in days."""
        return float(self.model.env.now)

    def stream(self, purpose: str) -> np.random.Generator:
        """A separate named stream of this agent (draws elsewhere don't shift it)."""
        return self.model.rng.stream(self.name, purpose)

    def log(self, kind: str, cause: int | None = None, **data: Scalar) -> int:
        """Record an event by this agent now; returns its id for later causes."""
        return self.model.log.append(self.now, self.name, kind, cause, data)

    def process(self, body: ProcessBody) -> simpy.Process:
        """Start a SimPy process owned by this agent."""
        return self.model.env.process(body)

    def start(self) -> None:
        """Start the agent's processes; called once when the run begins."""

    def metric_names(self) -> tuple[str, ...]:
        """Month-end metrics this agent reports (without its name prefix)."""
        return ()

    def metrics(self) -> tuple[float, ...]:
        """Values of :meth:`metric_names`, sampled at each month end."""
        return ()
