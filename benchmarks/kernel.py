"""A. Kernel: a self-rescheduling population on our engine, bare SimPy and Mesa's DEVS.

N agents each wake every exp(1) time units, do trivial work (count the wake-up; with the
event log on, log it through ``Agent.log``) and reschedule. The delays come from one
pre-drawn array read in order, so every implementation makes exactly the same wake-ups
(checked). Variants:

- ``simpy process``: bare SimPy, one generator per agent yielding ``env.timeout``.
- ``simpy callback``: bare SimPy, ``Timeout(env, d).callbacks.append(agent.wake)``.
- ``ours process``: ``abm.model.Model`` + ``abm.agent.Agent`` processes yielding
  ``Agent.sleep`` (SimPy's ``env.timeout``).
- ``ours callback``: the same agents on ``Agent.call_in`` (a callback, no generator).
- each of ours with the event log on (``Agent.log`` per wake-up) and off
  (``Model(log_events=False)``, the agent still calls ``Agent.log``);
- ``mesa devs``: Mesa 3's ``mesa.experimental.devs.DEVSimulator`` with
  ``schedule_event_relative`` (Mesa 3.3 has no ``Model.schedule_event``).

Targets: ours with the log off >= 0.7x bare SimPy callback style and >= 2.5x Mesa.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator, Iterator
from typing import Any

import numpy as np
import simpy

from abm.agent import Agent, ProcessBody
from abm.model import Model
from benchmarks.common import Spread, header, interleaved, ratios, table, verdict

START = dt.date(2025, 1, 1)
TARGET_VS_SIMPY = 0.7
TARGET_VS_MESA = 2.5
Draw = Callable[[], float]


def draws(n_agents: int, days: int, seed: int = 1) -> Draw:
    """``next()`` over a pre-drawn array of exp(1) delays (more than a run of ``days`` needs)."""
    values = np.random.default_rng(seed).exponential(1.0, int(n_agents * (days * 1.2 + 1))
                                                     + 10_000)
    it: Iterator[float] = iter(values.tolist())
    return it.__next__


def horizon(n_agents: int, n_events: int) -> int:
    """Whole days over which ``n_agents`` make about ``n_events`` wake-ups (runs end at
    t = days: SimPy's ``until`` and the end of our day ``days - 1`` are the same instant)."""
    return max(1, round(n_events / n_agents))


# --- bare SimPy ----------------------------------------------------------------------------
def simpy_process(n_agents: int, days: int, draw: Draw) -> int:
    """Bare SimPy, process style; returns the wake-ups made."""
    env = simpy.Environment()
    counts = [0] * n_agents

    def body(i: int) -> Generator[simpy.Event, Any, None]:
        timeout = env.timeout
        while True:
            yield timeout(draw())
            counts[i] += 1

    for i in range(n_agents):
        env.process(body(i))
    env.run(until=days)
    return sum(counts)


class _CallbackAgent:
    def __init__(self, env: simpy.Environment, draw: Draw) -> None:
        self.env, self.draw, self.count = env, draw, 0

    def wake(self, _event: simpy.Event) -> None:
        self.count += 1
        simpy.Timeout(self.env, self.draw()).callbacks.append(self.wake)


def simpy_callback(n_agents: int, days: int, draw: Draw) -> int:
    """Bare SimPy, callback style; returns the wake-ups made."""
    env = simpy.Environment()
    agents = [_CallbackAgent(env, draw) for _ in range(n_agents)]
    for a in agents:
        simpy.Timeout(env, draw()).callbacks.append(a.wake)
    env.run(until=days)
    return sum(a.count for a in agents)


# --- ours ------------------------------------------------------------------------------------
class _ProcessAgent(Agent):
    def __init__(self, model: Model, name: str, draw: Draw, log: bool) -> None:
        super().__init__(model, name)
        self.draw, self.count, self.logs = draw, 0, log

    def start(self) -> None:
        self.process(self._run())

    def _run(self) -> ProcessBody:
        sleep, draw = self.sleep, self.draw
        while True:
            yield sleep(draw())
            self.count += 1
            if self.logs:
                self.log("agent.woke")


class _CallAgent(_ProcessAgent):
    def start(self) -> None:
        self.call_in(self.draw(), self._wake)

    def _wake(self, _event: simpy.Event) -> None:
        self.count += 1
        if self.logs:
            self.log("agent.woke")
        self.call_in(self.draw(), self._wake)


def ours(kind: type[_ProcessAgent], log_events: bool, log_calls: bool = True) -> Callable[
        [int, int, Draw], int]:
    """Our engine with agents of ``kind``, the event log on or off."""

    def run(n_agents: int, days: int, draw: Draw) -> int:
        model = Model(START, seed=0, log_events=log_events)
        agents = [kind(model, f"a{i}", draw, log_calls) for i in range(n_agents)]
        model.run(START + dt.timedelta(days=days - 1))
        if log_events and log_calls:
            assert len(model.log) == sum(a.count for a in agents)
        return sum(a.count for a in agents)

    return run


# --- Mesa --------------------------------------------------------------------------------------
def mesa_devs(n_agents: int, days: int, draw: Draw) -> int:
    """Mesa 3's discrete-event simulator, ``schedule_event_relative`` per wake-up."""
    import mesa
    from mesa.experimental.devs import DEVSimulator

    class MesaAgent(mesa.Agent):  # type: ignore[misc]
        def __init__(self, model: Any, simulator: Any) -> None:
            super().__init__(model)
            self.simulator, self.count = simulator, 0

        def wake(self) -> None:
            self.count += 1
            self.simulator.schedule_event_relative(self.wake, draw())

    simulator = DEVSimulator()
    model = mesa.Model(rng=0)
    simulator.setup(model)
    agents = [MesaAgent(model, simulator) for _ in range(n_agents)]
    for a in agents:
        simulator.schedule_event_relative(a.wake, draw())
    simulator.run_until(float(days))
    return sum(a.count for a in agents)


VARIANTS: dict[str, Callable[[int, int, Draw], int]] = {
    "simpy process": simpy_process,
    "simpy callback": simpy_callback,
    "ours process, log off": ours(_ProcessAgent, log_events=False),
    "ours process, log on": ours(_ProcessAgent, log_events=True),
    "ours callback, log off": ours(_CallAgent, log_events=False),
    "ours callback, log on": ours(_CallAgent, log_events=True),
    "ours callback, no log call": ours(_CallAgent, log_events=False, log_calls=False),
    "mesa devs": mesa_devs,
}


def measure(n_agents: int, n_events: int, rounds: int) -> dict[str, Any]:
    """Interleaved rounds of every variant; wake-ups per second and per-round ratios."""
    days = horizon(n_agents, n_events)
    made: dict[str, int] = {}

    def bind(name: str) -> Callable[[], object]:
        def run() -> None:
            made[name] = VARIANTS[name](n_agents, days, draws(n_agents, days))
        return run

    seconds = interleaved({name: bind(name) for name in VARIANTS}, rounds)
    if len(set(made.values())) != 1:
        raise AssertionError(f"variants made different wake-ups: {made}")
    wakes = next(iter(made.values()))
    return {"n": n_agents, "days": days, "wakes": wakes, "seconds": seconds}


def report(result: dict[str, Any]) -> list[str]:
    """Print one population size's table; returns the target lines."""
    seconds, wakes = result["seconds"], result["wakes"]
    base_cb, base_mesa = seconds["simpy callback"], seconds["mesa devs"]
    print(f"\nN = {result['n']:,} agents, {result['days']} days, {wakes:,} wake-ups per run, "
          f"{len(base_cb)} interleaved rounds")
    rows = []
    for name, secs in seconds.items():
        rate = Spread.of([wakes / s for s in secs])
        vs_cb = ratios(base_cb, secs)  # their time / our time = our speed relative
        vs_mesa = ratios(base_mesa, secs)
        rows.append([name, rate.fmt(",.0f"), vs_cb.fmt(".2f", "x"), vs_mesa.fmt(".2f", "x")])
    table(rows, ["variant", "wake-ups/s median [min, max]", "vs simpy callback",
                 "vs mesa devs"])
    lines = []
    for name in ("ours callback, log off", "ours process, log off"):
        cb = ratios(base_cb, seconds[name]).median
        mesa = ratios(base_mesa, seconds[name]).median
        lines.append(f"N={result['n']:,} {name}: {cb:.2f}x simpy callback (target >= "
                     f"{TARGET_VS_SIMPY}x: {verdict(cb, TARGET_VS_SIMPY)}), {mesa:.2f}x "
                     f"mesa (target >= {TARGET_VS_MESA}x: {verdict(mesa, TARGET_VS_MESA)})")
    return lines


def main(quick: bool) -> int:
    """Run section A."""
    header("A", "Kernel: self-rescheduling population, ours vs bare SimPy vs Mesa DEVS")
    n_events, rounds = (10_000, 2) if quick else (200_000, 7)
    lines = []
    for n_agents in (1_000, 10_000):
        lines += report(measure(n_agents, n_events, rounds))
    print("\ntargets (ratios are medians of per-round ratios; > 1 means ours is faster):")
    for line in lines:
        print(f"  {line}")
    return 0
