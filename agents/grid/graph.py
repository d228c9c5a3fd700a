"""A utility's grid as a directed graph: the MW deliverable to a site is a max flow.

Nodes are supplies (generation or imports, with the MW they can serve to large loads and
how that grows), substations and sites; edges carry ``capacity_mw``. Loads committed at
nodes (approved interconnects, load already there) are demands on a super sink. A new load
gets only the extra flow the grid can carry while every committed load is still served, so
each load that connects shrinks what the others can get.

Max flows are computed only when asked (at study decisions), on a small network (tens of
nodes) that keeps its flow between questions (:mod:`agents.grid.maxflow`), so each question
augments only what changed since the last; while the committed loads are known to fit,
their flow is their sum and needs no computation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import networkx as nx

from agents.grid.maxflow import FlowNetwork
from agents.grid.specs import GridSpec

SUPER_SOURCE: Final = "__supply__"
SUPER_SINK: Final = "__demand__"
EPS_MW: Final = 1e-6
DAYS_PER_YEAR: Final = 365.25
BISECT_STEPS: Final = 14


class Grid:
    """Supplies, substations, lines and sites of one utility, with the loads committed."""

    def __init__(self, spec: GridSpec) -> None:
        self.spec = spec
        self.graph = nx.DiGraph()
        self._flow = FlowNetwork(SUPER_SOURCE, SUPER_SINK)
        self._committed: dict[str, float] = {}
        self._t_days = 0.0
        self._fits = True
        self.max_flow_calls = 0
        for name, supply in spec.supplies.items():
            self.graph.add_node(name, kind="supply", capacity_mw=supply.capacity_mw)
            self._flow.set_capacity(SUPER_SOURCE, name, supply.capacity_mw)
        for name in spec.substations:
            self.graph.add_node(name, kind="substation")
        for edge in spec.edges:
            pairs = [(edge.from_node, edge.to_node)]
            if edge.both_ways:
                pairs.append((edge.to_node, edge.from_node))
            for a, b in pairs:
                self._add_line(a, b, edge.capacity_mw)
        for name, site in spec.sites.items():
            self.attach(name, site.substation, site.attach_capacity_mw)
            if site.existing_load_mw > 0:
                self.commit(name, site.existing_load_mw)

    def _add_line(self, a: str, b: str, capacity_mw: float) -> None:
        """Add a line; parallel lines between the same nodes add their capacities."""
        if self.graph.has_edge(a, b):
            capacity_mw += float(self.graph[a][b]["capacity_mw"])
        self.graph.add_edge(a, b, capacity_mw=capacity_mw)
        self._flow.set_capacity(a, b, capacity_mw)

    # --- structure -----------------------------------------------------------------------
    def has_node(self, node: str) -> bool:
        """Whether ``node`` is a supply, substation or site of this grid."""
        return node in self.graph

    def attach(self, site: str, substation: str, capacity_mw: float | None) -> None:
        """Attach a site to a substation; ``None`` means no limit of its own."""
        if substation not in self.graph or self.graph.nodes[substation]["kind"] != "substation":
            raise KeyError(f"grid: no substation {substation!r}")
        if site in self.graph:
            raise ValueError(f"grid: a node is already named {site!r}")
        self.graph.add_node(site, kind="site")
        if capacity_mw is None:
            self.graph.add_edge(substation, site)
            self._flow.set_capacity(substation, site, math.inf)
        else:
            self.graph.add_edge(substation, site, capacity_mw=capacity_mw)
            self._flow.set_capacity(substation, site, capacity_mw)

    def set_time(self, t_days: float) -> None:
        """Grow every supply's capacity to its level at ``t_days`` (capacity only grows)."""
        if t_days <= self._t_days:
            return
        self._t_days = t_days
        years = t_days / DAYS_PER_YEAR
        for name, supply in self.spec.supplies.items():
            self._flow.set_capacity(SUPER_SOURCE, name,
                                    supply.capacity_mw + supply.growth_mw_per_year * years)

    # --- committed loads -----------------------------------------------------------------
    def committed_mw(self, node: str | None = None) -> float:
        """MW committed at ``node``, or at every node if ``None``."""
        if node is None:
            return sum(self._committed.values(), 0.0)
        return self._committed.get(node, 0.0)

    def commit(self, node: str, mw: float, *, fits: bool = False) -> None:
        """Commit ``mw`` of load at ``node``; ``fits`` says it is known to fit the grid."""
        if node not in self.graph:
            raise KeyError(f"grid: no node {node!r}")
        self._committed[node] = self._committed.get(node, 0.0) + mw
        self._flow.set_capacity(node, SUPER_SINK, self._committed[node])
        if not fits:
            self._fits = False

    def release(self, node: str, mw: float) -> None:
        """Take ``mw`` of committed load off ``node`` (what is left still fits)."""
        self._committed[node] = max(0.0, self._committed.get(node, 0.0) - mw)
        self._flow.set_capacity(node, SUPER_SINK, self._committed[node])

    def headroom_mw(self, node: str, mw: float | None = None) -> float:
        """Extra MW deliverable at ``node`` (up to ``mw``) with every committed load served."""
        cap = mw if mw is not None else self._supply_mw() + 1.0
        if cap <= 0:
            return 0.0
        base = self._served_mw()
        value = self._max_flow({node: cap})
        return min(max(value - base, 0.0), cap)

    def grant(self, node: str, mw: float) -> float:
        """Commit the part of ``mw`` at ``node`` that fits; returns it."""
        fit = self.headroom_mw(node, mw)
        if fit > EPS_MW:
            self.commit(node, fit, fits=True)
        return fit

    def grant_batch(self, demands: Sequence[tuple[str, float]]) -> list[float]:
        """Commit a batch of loads studied together: a common share of each, then top-ups.

        The largest common share that fits is found by bisection on max flows; what the
        requests at a node can still get beyond it (behind lines the batch does not fill) is
        topped up node by node, shared at each node in proportion to what is still asked.
        """
        total = sum(mw for _node, mw in demands)
        if total <= EPS_MW:
            return [0.0 for _ in demands]
        base = self._served_mw()
        share = 1.0
        if self._max_flow(_merge(demands, 1.0)) < base + total - EPS_MW:
            lo, hi = 0.0, 1.0
            for _ in range(BISECT_STEPS):
                mid = 0.5 * (lo + hi)
                if self._max_flow(_merge(demands, mid)) >= base + mid * total - EPS_MW:
                    lo = mid
                else:
                    hi = mid
            share = lo
        granted = [share * mw for _node, mw in demands]
        for (node, _mw), mw_ok in zip(demands, granted, strict=True):
            if mw_ok > EPS_MW:
                self.commit(node, mw_ok, fits=True)
        if share < 1.0:
            for node, extra_mw in _merge(demands, 1.0 - share).items():
                top_up = self.grant(node, extra_mw) / extra_mw if extra_mw > EPS_MW else 0.0
                for i, (at, mw) in enumerate(demands):
                    if at == node:
                        granted[i] += top_up * (1.0 - share) * mw
        return granted

    def to_graph(self) -> nx.DiGraph:
        """A copy of the grid with each node's committed MW, for results and plots."""
        out = self.graph.copy()
        for node, mw in self._committed.items():
            out.nodes[node]["committed_mw"] = mw
        return out

    # --- max flow ------------------------------------------------------------------------
    def _supply_mw(self) -> float:
        return sum((self._flow.capacity(SUPER_SOURCE, name) for name in self.spec.supplies), 0.0)

    def _served_mw(self) -> float:
        """Flow reaching the committed loads: their sum while they are known to fit."""
        total = self.committed_mw()
        if self._fits:
            return total
        served = self._max_flow({})
        self._fits = served >= total - EPS_MW
        return served

    def _max_flow(self, extra: dict[str, float]) -> float:
        """Max flow with each node's committed load plus ``extra`` as its demand."""
        self.max_flow_calls += 1
        return self._flow.max_flow(extra)


def _merge(demands: Sequence[tuple[str, float]], share: float) -> dict[str, float]:
    """Demands by node, each scaled by ``share``."""
    out: dict[str, float] = {}
    for node, mw in demands:
        out[node] = out.get(node, 0.0) + share * mw
    return out
