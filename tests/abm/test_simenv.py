"""The model's environment (floats on SimPy's queue, light sleeps) against SimPy's own."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.simenv import SimEnvironment
from abm.wakeup import Wakeup

Step = tuple[str, float]
STEPS = st.tuples(st.sampled_from(["sleep", "light", "spawn", "signal", "wait", "fail",
                                   "past", "interrupt"]),
                  st.sampled_from([0.0, 0.5, 1.0, 2.5, 1 / 3]))  # ties on purpose


def _story(make_env: Callable[[], simpy.Environment], plan: list[list[Step]],
           stops: list[float]) -> list[Any]:
    """What happens, in order, when workers follow ``plan`` and the run stops at ``stops``
    then goes on to the end ("light" sleeps on a Wakeup where the environment is ours).

    Workers also join children that fail, wait on an event long processed, and interrupt
    the next worker (which logs it and goes on)."""
    env = make_env()
    log: list[Any] = []
    shared = env.event()
    past = env.timeout(0.0, value="past")
    workers: list[simpy.Process] = []

    def child(tag: int, delay: float, fail: bool = False) -> Generator[Any, Any, int]:
        yield env.timeout(delay)
        log.append(("child", tag, env.now))
        if fail:
            raise KeyError(tag)
        return tag

    def step(i: int, k: int, kind: str, delay: float) -> Generator[Any, Any, None]:
        if kind == "sleep" or (kind == "light" and not isinstance(env, SimEnvironment)):
            yield env.timeout(delay)
        elif kind == "light":
            yield Wakeup(env, delay)
        elif kind in ("spawn", "fail"):
            try:
                joined = yield env.process(child(10 * i + k, delay, kind == "fail"))
                log.append(("joined", i, joined, env.now))
            except KeyError as error:
                log.append(("failed", i, error.args, type(error.__cause__), env.now))
        elif kind == "signal" and not shared.triggered:
            shared.succeed(i)
        elif kind == "wait":
            value = yield shared
            log.append(("woke", i, value, env.now))
        elif kind == "past" and past.processed:
            value = yield past
            log.append(("past", i, value, env.now))
        elif kind == "interrupt":
            target = workers[(i + 1) % len(workers)]
            if target.is_alive and target is not env.active_process:
                target.interrupt(i)
                log.append(("interrupts", i, env.now))

    def worker(i: int, steps: list[Step]) -> Generator[Any, Any, None]:
        for k, (kind, delay) in enumerate(steps):
            try:
                yield from step(i, k, kind, delay)
            except simpy.Interrupt as interrupt:
                log.append(("interrupted", i, k, interrupt.cause, env.now))
            log.append((i, k, kind, env.now))

    for i, steps in enumerate(plan):
        workers.append(env.process(worker(i, steps)))
    def run(until: float | None) -> Any:
        """Run to ``until``; a child failing with no one to catch it (its joiner was
        interrupted) crashes the run, which is logged and resumed."""
        while True:
            try:
                return env.run(until=until)
            except KeyError as crash:
                log.append(("crashed", crash.args, type(crash.__cause__), env.now))

    for stop in stops:
        if stop > env.now:
            log.append(("stopped", run(stop), env.now))
    log.append(("end", run(None), env.now, env.peek()))
    return log


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(STEPS, max_size=6), min_size=1, max_size=5),
       st.lists(st.sampled_from([0.5, 1.0, 2.0, 2.5, 4.0]), max_size=3))
def test_events_happen_in_simpys_order(plan: list[list[Step]], stops: list[float]) -> None:
    """Timeouts, light sleeps, processes joined, an event signalled and waited on, runs
    stopped and resumed: the same story, step for step and time for time."""
    assert _story(SimEnvironment, plan, sorted(stops)) == _story(simpy.Environment, plan,
                                                                sorted(stops))


@pytest.mark.parametrize("make_env", [SimEnvironment, simpy.Environment])
def test_a_process_yielding_a_non_event_fails_as_in_simpy(
        make_env: Callable[[], simpy.Environment]) -> None:
    env = make_env()

    def odd() -> Generator[Any, Any, None]:
        yield env.timeout(1.0)
        yield 42

    env.process(odd())
    with pytest.raises(RuntimeError, match='Invalid yield value "42"'):
        env.run()
    assert env.now == 1.0


@pytest.mark.parametrize("make_env", [SimEnvironment, simpy.Environment])
def test_run_until_an_event_stepping_and_failures_behave_as_simpys(
        make_env: Callable[[], simpy.Environment]) -> None:
    env = make_env()
    done = env.timeout(2.0, value="two")
    assert env.peek() == 2.0
    assert env.run(until=done) == "two" and env.now == 2.0
    assert env.run(until=done) == "two"  # already processed: its value at once
    assert env.peek() == 2.0  # the stop puts the event back (its callbacks left: none)
    env.step()
    assert env.peek() == float("inf")
    with pytest.raises(simpy.core.EmptySchedule):
        env.step()
    never = env.event()
    with pytest.raises(RuntimeError, match="not triggered"):
        env.run(until=never)
    with pytest.raises(ValueError, match="greater than the current"):
        env.run(until=1.0)

    def fails() -> Generator[Any, Any, None]:
        yield env.timeout(1.0)
        raise KeyError("broken")

    env.process(fails())
    with pytest.raises(KeyError, match="broken"):
        env.run()
    assert env.now == 3.0


@pytest.mark.parametrize("make_env", [SimEnvironment, simpy.Environment])
def test_a_stop_met_on_the_way_to_a_time_ends_the_run_as_in_simpy(
        make_env: Callable[[], simpy.Environment]) -> None:
    """An event carrying SimPy's stop callback (a run to it that never got there) ends a
    run to a later time with its value; it is put back first on the queue."""
    env = make_env()
    early = env.timeout(1.0, value="early")
    early.callbacks.append(simpy.core.StopSimulation.callback)
    after: list[float] = []
    early.callbacks.append(lambda _ev: after.append(env.now))
    assert env.run(until=5.0) == "early" and env.now == 1.0 and not after
    assert env.peek() == 1.0
    env.run(until=5.0)
    assert after == [1.0] and env.now == 5.0 and env.peek() == 5.0


def _started_then_interrupted(env: simpy.Environment) -> list[Any]:
    """A process interrupted before its start is processed: SimPy's ``Initialize`` comes
    first (both are urgent, the start queued earlier), then the interrupt."""
    log: list[Any] = []

    def body(tag: str) -> Generator[Any, Any, str]:
        log.append(("started", tag, env.now, env.active_process is not None))
        try:
            yield env.timeout(2.0)
        except simpy.Interrupt as interrupt:
            log.append(("interrupted", tag, interrupt.cause, env.now))
        return tag

    def later() -> Generator[Any, Any, None]:
        yield env.timeout(0.5)
        first = env.process(body("a"))
        first.interrupt("at once")  # queued after its start: it starts, then is interrupted
        assert not first.triggered and first.target is not None
        log.append(("joined", (yield first), env.now))

    env.process(later())
    env.run(until=10.0)
    log.append(("end", env.now, type(env.now).__name__, env.active_process))
    return log


def test_a_process_interrupted_before_its_start_starts_first_as_in_simpy() -> None:
    ours = _started_then_interrupted(SimEnvironment())
    assert ours == _started_then_interrupted(simpy.Environment())
    assert ("interrupted", "a", "at once", 0.5) in ours and ours[-1][2] == "float"
