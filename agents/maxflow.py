"""Max flows that start from the last one: a flow network kept between queries.

The grid asks for a max flow at every interconnect decision, a few hundred times a run,
on a small network (tens of nodes) whose capacities change a little between questions: a
load committed at one node, a supply grown, a question about one more MW somewhere.
Computing each flow from nothing repeats the same augmenting paths every time.
:class:`FlowNetwork` keeps a feasible flow in its residual network instead: a question
first augments that flow to a maximum for the current capacities (and keeps it; after a
new load is committed this finds only that load's paths), then raises the capacities it
is asked about, augments on top, reads the value and puts the flow back as it was.

Augmenting from any feasible flow ends at a maximum flow (Ford-Fulkerson), so the value
is the max flow, whatever flow it starts from; it can differ from a computation from
zero in the last bits only, by the order of the sums. Augmenting paths are shortest ones
(Edmonds-Karp, a breadth-first search). Lowering a capacity below the flow it carries
(a load given back) drops the kept flow; the next question starts from zero.
``tests/agents/test_maxflow.py`` checks values against networkx on random networks and
random sequences of changes.
"""

from __future__ import annotations

import math


class UnboundedFlowError(ValueError):
    """An s-t path of infinite capacity: the flow is unbounded."""


class _Arc:
    """One direction of an edge: its capacity and flow (minus the other direction's)."""

    __slots__ = ("capacity", "flow")

    def __init__(self, capacity: float) -> None:
        self.capacity = capacity
        self.flow = 0.0


class FlowNetwork:
    """A directed network from ``source`` to ``sink`` that keeps a feasible flow.

    Each edge ``(u, v)`` is a pair of arcs, ``u -> v`` with the edge's capacity and
    ``v -> u`` with capacity 0 (or that of a real edge ``v -> u``); the flow on one is
    minus the flow on the other. ``math.inf`` is a capacity like any other.
    """

    def __init__(self, source: str, sink: str) -> None:
        if source == sink:
            raise ValueError("flow network: source and sink are the same node")
        self.source, self.sink = source, sink
        self._succ: dict[str, dict[str, _Arc]] = {source: {}, sink: {}}
        self._arcs: list[_Arc] = []
        self._value = 0.0
        self._touched: list[tuple[_Arc, float]] | None = None
        """While a question's extra demands are augmented: each arc's flow before a push."""

    def has_node(self, node: str) -> bool:
        """Whether ``node`` is in the network."""
        return node in self._succ

    def capacity(self, u: str, v: str) -> float:
        """The capacity of edge ``(u, v)`` (0 if there is none)."""
        arc = self._succ.get(u, {}).get(v)
        return 0.0 if arc is None else arc.capacity

    def set_capacity(self, u: str, v: str, capacity: float) -> None:
        """Add edge ``(u, v)`` or change its capacity (``math.inf``: no limit)."""
        if u == v:
            raise ValueError(f"flow network: a loop at {u!r}")
        if not capacity >= 0:
            raise ValueError(f"flow network: capacity of ({u!r}, {v!r}) is {capacity}")
        arc = self._arc(u, v)
        arc.capacity = capacity
        if arc.flow > capacity:  # the kept flow no longer fits: start again from zero
            self._drop_flow()

    def max_flow(self, extra: dict[str, float] | None = None) -> float:
        """The max flow value, with each node's edge to the sink raised by ``extra``.

        The kept flow is augmented to a maximum for the network as it is (and kept);
        what ``extra`` adds is augmented on top and undone.
        """
        self._value += self._augment_all()
        if not extra:
            return self._value
        arcs_before = len(self._arcs)
        raised: list[tuple[_Arc, float]] = []
        for node, mw in extra.items():
            arc = self._arc(node, self.sink)
            raised.append((arc, arc.capacity))
            arc.capacity += mw
        touched: list[tuple[_Arc, float]] = []
        self._touched = touched
        try:
            return self._value + self._augment_all()
        finally:  # undone in reverse: each arc ends at the value it had first
            self._touched = None
            for arc, flow in reversed(touched):
                arc.flow = flow
            for arc, capacity in reversed(raised):
                arc.capacity = capacity
            for arc in self._arcs[arcs_before:]:  # added for an extra: back to no edge
                arc.capacity = arc.flow = 0.0

    # --- inside --------------------------------------------------------------------------
    def _arc(self, u: str, v: str) -> _Arc:
        """Arc ``u -> v``, made (with its reverse, at capacity 0) if missing."""
        out = self._succ.setdefault(u, {})
        arc = out.get(v)
        if arc is None:
            arc, back = _Arc(0.0), _Arc(0.0)
            out[v] = arc
            self._succ.setdefault(v, {})[u] = back
            self._arcs.extend((arc, back))
        return arc

    def _drop_flow(self) -> None:
        for arc in self._arcs:
            arc.flow = 0.0
        self._value = 0.0

    def _augment_all(self) -> float:
        """Push shortest augmenting paths until none is left; returns the flow added."""
        added = 0.0
        while True:
            path = self._shortest_path()
            if path is None:
                return added
            added += self._push(path)

    def _push(self, path: list[str]) -> float:
        succ = self._succ
        flow = math.inf
        for i in range(len(path) - 1):
            arc = succ[path[i]][path[i + 1]]
            flow = min(flow, arc.capacity - arc.flow)
        if flow == math.inf:
            raise UnboundedFlowError("max flow: infinite capacity path, flow unbounded above")
        touched = self._touched
        for i in range(len(path) - 1):
            u, v = path[i], path[i + 1]
            forward, back = succ[u][v], succ[v][u]
            if touched is not None:
                touched.append((forward, forward.flow))
                touched.append((back, back.flow))
            forward.flow += flow
            back.flow -= flow
        return flow

    def _shortest_path(self) -> list[str] | None:
        """A fewest-edges path with room on every arc, by breadth-first search, or None."""
        succ, sink = self._succ, self.sink
        parent: dict[str, str] = {self.source: self.source}
        frontier = [self.source]
        while frontier:
            nxt: list[str] = []
            for u in frontier:
                for v, arc in succ[u].items():
                    if v not in parent and arc.flow < arc.capacity:
                        parent[v] = u
                        if v == sink:
                            path = [v]
                            while v != self.source:
                                v = parent[v]
                                path.append(v)
                            path.reverse()
                            return path
                        nxt.append(v)
            frontier = nxt
        return None
