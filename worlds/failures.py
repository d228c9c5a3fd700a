"""A run that fails inside the model, said so a user can act on it.

A model failure is a bug, not a user mistake: the run's figures loaded, and something
in the model broke on the way (a site's limits, an invariant, a number out of reach).
:func:`diagnose` reads the exception and the model it broke in: on which simulated day,
in which agent (the innermost frame acting for one, else the agent the message names),
what broke (the exception's first line) and where (the innermost frame of the project's
code). :func:`traceback_text` is what goes to a file beside the run; :meth:`Failure.line`
is the one line a command prints, with how to rerun that run alone.

A compiled build (mypyc) has no Python frames for compiled functions: their locals are
not there to find the agent in, and its tracebacks may show wrong source lines. Both the
line and the file say so, pointing to the plain build for exact lines.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from abm.agent import Agent
from abm.build import is_compiled
from abm.model import Model

_PROJECT = Path(__file__).resolve().parents[1]
_OWN_DIRS = ("abm", "agents", "worlds")
COMPILED_NOTE = ("compiled build: its traceback may show wrong source lines; rerun alone on "
                 "a plain install (pip install -e .) for exact ones")


@dataclass(frozen=True)
class Failure:
    """What broke in a run, where and when."""

    error: str
    """The exception's type and the first line of its message: what broke."""
    agent: str = ""
    """The agent it broke in ('' if no frame or message names one)."""
    date: str = ""
    """The simulated date it broke on (ISO; '' if before the run started)."""
    where: str = ""
    """The innermost frame of the project's code: ``path:line in function``."""
    compiled: bool = False

    def line(self, seed: int, traceback_file: str | Path, rerun: str) -> str:
        """One line: which run, which agent, what broke, the traceback's file, a rerun."""
        agent = f"agent {self.agent}" if self.agent else "no agent identified"
        when = f" on {self.date}" if self.date else ""
        note = f" ({COMPILED_NOTE})" if self.compiled else ""
        return (f"seed {seed}, {agent}{when}: {self.error}; traceback in {traceback_file}"
                f"{note}; rerun alone: {rerun}")

    def data(self) -> dict[str, Any]:
        """As plain data, for a failure record."""
        return asdict(self)


def record_line(record: Mapping[Any, Any], traceback_file: str | Path) -> str:
    """:meth:`Failure.line` of an experiment's failure record (older records lack parts)."""
    def text(name: str) -> str:
        value = record.get(name)
        return value if isinstance(value, str) else ""

    failure = Failure(text("error"), text("agent"), text("date"), text("where"),
                      compiled=record.get("compiled") is True)
    rerun = text("rerun") or "the same command (this record predates rerun commands)"
    return failure.line(int(record.get("seed", 0)), traceback_file, rerun)


def diagnose(exc: BaseException, model: Model | None) -> Failure:
    """What ``exc`` says about a run that broke in ``model`` (None: before it was built)."""
    error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    frames = list(_frames(exc.__traceback__))
    agent = next((name for frame in reversed(frames) if (name := _agent_of(frame))), "")
    if not agent and model is not None:
        heads = str(exc).split(":", 1)[0].split(".")
        agent = heads[0] if heads and heads[0] in model.agents else ""
    own = [f for f in frames if _is_own(f[0].f_code.co_filename)]
    where = ""
    if own:
        frame, lineno = own[-1]
        path = Path(frame.f_code.co_filename).resolve()
        shown = path.relative_to(_PROJECT) if path.is_relative_to(_PROJECT) else path
        where = f"{shown}:{lineno} in {frame.f_code.co_name}"
    date = model.today.isoformat() if model is not None and model.now > 0 else ""
    return Failure(error, agent, date, where, compiled=_compiled())


def failure_of(exc: BaseException) -> Failure:
    """What ``exc`` says: the diagnosis the run attached to it, else one without a model."""
    failure = getattr(exc, "abm_failure", None)
    return failure if isinstance(failure, Failure) else diagnose(exc, None)


def traceback_text(exc: BaseException, failure: Failure) -> str:
    """The full traceback, under a header saying what broke, where and when."""
    head = [f"what broke: {failure.error}",
            f"agent: {failure.agent or '(none identified)'}",
            f"simulated date: {failure.date or '(before the run started)'}",
            f"innermost frame of the model's code: {failure.where or '(none)'}"]
    if failure.compiled:
        head.append(COMPILED_NOTE)
    return "\n".join(head) + "\n\n" + "".join(traceback.format_exception(exc))


def _frames(tb: TracebackType | None) -> list[tuple[Any, int]]:
    out = []
    while tb is not None:
        out.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    return out


def _agent_of(frame: tuple[Any, int]) -> str:
    """The agent a frame acts for: its ``self``, else an agent among its arguments."""
    if not _is_own(frame[0].f_code.co_filename):
        return ""
    local = frame[0].f_locals
    candidates = [local.get("self"), local.get("c"), *local.values()]
    return next((a.name for a in candidates if isinstance(a, Agent)), "")


def _is_own(filename: str) -> bool:
    path = Path(filename).resolve()
    return any(path.is_relative_to(_PROJECT / d) for d in _OWN_DIRS)


def _compiled() -> bool:
    import abm.model

    return is_compiled(abm.model)
