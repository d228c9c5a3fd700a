"""A utility's interconnect queue: study slots, SB 6 batches, call caps and grid headroom.

:class:`InterconnectQueue` keeps the MW queued and energized (companies' requests and the
background's), the study slots served in filing order under ``fifo``, the batches that
large loads join under ``sb6_batch`` from its start date, the call caps of a BC-style
procedure, and the grid whose headroom decides what is granted
(:meth:`InterconnectQueue.fit`). The background requesters (:mod:`agents.grid.background`)
walk it directly; :class:`agents.grid.utility.Utility` adds the companies' requests, the
studies and their decisions, energization and emergencies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from heapq import heappop, heappush, heapreplace
from typing import Any, Final

import simpy
from mypy_extensions import mypyc_attr

from abm.agent import Agent, ProcessBody
from abm.model import Model
from abm.rng import lognormal
from agents.grid.graph import EPS_MW, Grid
from agents.grid.specs import LoadKind, UtilitySpec

DAYS_PER_YEAR: Final = 365.25
DRAW_BLOCK: Final = 256
Item = tuple[str | None, float, LoadKind]  # (grid node or None, MW, load kind)


@dataclass
class Batch:
    """Large loads (and background requests) studied together, decided at ``t_decide``."""

    index: int
    t_decide: float
    decided: simpy.Event
    members: list[Any] = field(default_factory=list)  # the utility's requests
    background: list[tuple[str | None, float]] = field(default_factory=list)


@mypyc_attr(allow_interpreted_subclasses=True)  # models and tests subclass it
class InterconnectQueue(Agent):
    """The queue, slots, batches and caps of one utility, and the grid it grants on."""

    def __init__(self, model: Model, name: str, spec: UtilitySpec, *,
                 study_time_scale: float = 1.0, build_time_scale: float = 1.0) -> None:
        super().__init__(model, name)
        self.spec = spec
        self.study_time_scale = study_time_scale  # the world's knobs (WorldInfo)
        self.build_time_scale = build_time_scale
        self.grid = Grid(spec.grid) if spec.grid is not None else None
        self.approved_mw = 0.0
        self.requests_count = 0
        self._queue_mw = sum(ic.mw for ic in spec.interconnects)
        self._energized_mw = 0.0
        # background exits as a heap of (t, seq, d_queue_mw, d_energized_mw)
        self._exits: list[tuple[float, int, float, float]] = []
        self._slots = [0.0] * spec.study_slots
        self._batches: dict[int, Batch] = {}
        self._call_used_mw: dict[tuple[int, str], float] = {}
        self._seq = 0
        self._draws = {p: (self.stream(p), list[float]()) for p in ("study", "batch")}
        self._t_batch_start = self._draw_batch_start()

    def _draw_batch_start(self) -> float:
        """Day the SB 6 rules apply from: a date, or drawn between two (its own stream)."""
        spec, clock = self.spec, self.model.clock
        if spec.batch_start_date is None:
            return 0.0
        t0 = max(0.0, clock.t_of(spec.batch_start_date))
        if spec.batch_start_latest_date is None:
            return t0
        t1 = max(t0, clock.t_of(spec.batch_start_latest_date))
        return t0 + float(self.stream("policy").uniform()) * (t1 - t0)

    @property
    def queue_mw(self) -> float:
        """MW requested and not yet energized, rejected or withdrawn (background included)."""
        self._settle()
        return self._queue_mw

    @property
    def energized_mw(self) -> float:
        """MW energized by this utility during the run (background included)."""
        self._settle()
        return self._energized_mw

    def deliverable_mw(self, site_node: str) -> float:
        """Extra MW the grid can deliver at ``site_node`` with every committed load served."""
        node = self._node(site_node, attach=False)
        if self.grid is None or node is None:
            return math.inf
        self.grid.set_time(self.now)
        return self.grid.headroom_mw(node)

    def _draw(self, purpose: str) -> float:
        """The next study time in days, served from blocks drawn from its own stream."""
        rng, block = self._draws[purpose]
        if not block:
            block[:] = lognormal(rng, self.spec.study_days_median * self.study_time_scale,
                                 self.spec.study_days_sigma, DRAW_BLOCK).tolist()[::-1]
        return block.pop()

    def batched(self, mw: float) -> bool:
        """Whether a load filed now is batch-studied (SB 6 rules, from their start date)."""
        spec = self.spec
        return (spec.policy == "sb6_batch" and mw >= spec.large_load_threshold_mw
                and self.now >= self._t_batch_start)

    def slot_decision(self, t_filed: float, study_days: float,
                       t_withdraw: float) -> float | None:
        """Decision time on the first free study slot, in filing order (None: withdrew)."""
        slots = self._slots
        start = max(t_filed, slots[0])  # the first slot to come free
        if t_withdraw <= start:
            return None  # withdrew before a slot came free: the slots are as they were
        end = start + study_days
        heapreplace(slots, min(end, t_withdraw))
        return end if end < t_withdraw else None

    def batch_for(self, t_days: float) -> Batch:
        """The batch a large load filed at ``t_days`` joins (created with its study)."""
        t0, interval = self._t_batch_start, self.spec.batch_interval_days
        k = max(0, math.ceil((t_days - t0) / interval - 1e-9) - 1)
        batch = self._batches.get(k)
        if batch is None:
            t_decide = t0 + (k + 1) * interval + self._draw("batch")
            batch = self._batches[k] = Batch(k, t_decide, self.env.event())
            self.process(self._run_batch(batch))
        return batch

    def _cap_mw(self, kind: LoadKind) -> float | None:
        caps = {"ai": self.spec.ai_call_cap_mw, "datacenter": self.spec.datacenter_call_cap_mw}
        return caps.get(kind)

    def fit(self, items: list[Item]) -> list[tuple[float, str]]:
        """Grant loads studied together: call caps first (in order), then grid headroom."""
        start = self.spec.call_start_date
        t0 = 0.0 if start is None else self.model.clock.t_of(start)
        period = math.floor((self.now - t0) / (self.spec.call_period_years * DAYS_PER_YEAR))
        asks: list[float] = []
        for _node, mw, kind in items:
            cap, used = self._cap_mw(kind), self._call_used_mw.get((period, kind), 0.0)
            asks.append(max(0.0, min(mw, math.inf if cap is None else cap - used)))
            self._call_used_mw[(period, kind)] = used + asks[-1]
        granted = list(asks)
        on_grid = [i for i, item in enumerate(items) if item[0] is not None]
        if self.grid is not None and on_grid:
            self.grid.set_time(self.now)
            demands = [(str(items[i][0]), asks[i]) for i in on_grid]
            fits = (self.grid.grant_batch(demands) if len(demands) > 1
                    else [self.grid.grant(*demands[0])])
            for i, mw in zip(on_grid, fits, strict=True):
                granted[i] = mw
        for i, ((node, _mw, kind), ask) in enumerate(zip(items, asks, strict=True)):
            if granted[i] < self.spec.min_approval_mw:  # too little to approve: give it back
                if self.grid is not None and node is not None and granted[i] > 0:
                    self.grid.release(node, granted[i])
                granted[i] = 0.0
            self._call_used_mw[(period, kind)] -= ask - granted[i]
        return [(ok, "call_cap" if ask <= EPS_MW else "no_headroom")
                for ask, ok in zip(asks, granted, strict=True)]

    def _node(self, site: str, *, attach: bool) -> str | None:
        """The grid node of ``site`` (or of the default substation); None: no limit applies."""
        grid = self.grid
        if grid is None or grid.has_node(site):
            return None if grid is None else site
        default = grid.spec.default_substation
        if default is not None and attach:
            grid.attach(site, default, None)
            return site
        return default

    def leave_queue(self, t_days: float, queue_mw: float, energized_mw: float) -> None:
        """Book a background request leaving the queue later (settled when read)."""
        heappush(self._exits, (t_days, self.next_seq(), queue_mw, energized_mw))

    def add_to_queue(self, mw: float) -> None:
        """``mw`` more (or less, if negative) in the queue now (background requests)."""
        self._queue_mw += mw

    def next_seq(self) -> int:
        """The next number of the utility's one sequence (requests, tie-breaks)."""
        self._seq += 1
        return self._seq

    def first_free_slot_days(self) -> float:
        """When the first study slot comes free."""
        return self._slots[0]

    def _settle(self) -> None:
        exits, now = self._exits, self.now
        while exits and exits[0][0] <= now:
            _t, _seq, queue_mw, energized_mw = heappop(exits)
            self._queue_mw -= queue_mw
            self._energized_mw += energized_mw

    def _run_batch(self, batch: Batch) -> ProcessBody:
        """Decide ``batch`` at its time: the utility's studies (:class:`Utility`)."""
        raise NotImplementedError
