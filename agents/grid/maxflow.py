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
    """One direction of an edge: its head, capacity and flow (minus the other direction's)."""

    __slots__ = ("back", "capacity", "flow", "head")

    def __init__(self, head: int, capacity: float) -> None:
        self.head = head
        self.capacity = capacity
        self.flow = 0.0
        self.back: _Arc = self


class FlowNetwork:
    """A directed network from ``source`` to ``sink`` that keeps a feasible flow.

    Each edge ``(u, v)`` is a pair of arcs, ``u -> v`` with the edge's capacity and
    ``v -> u`` with capacity 0 (or that of a real edge ``v -> u``); the flow on one is
    minus the flow on the other. ``math.inf`` is a capacity like any other. Nodes are
    numbered as they come; each keeps its out-arcs in the order they were made, which is
    the order the breadth-first search tries them.
    """

    def __init__(self, source: str, sink: str) -> None:
        if source == sink:
            raise ValueError("flow network: source and sink are the same node")
        self.source, self.sink = source, sink
        self._index: dict[str, int] = {}
        self._out: list[list[_Arc]] = []
        self._to: list[dict[int, _Arc]] = []
        self._source = self._node(source)
        self._sink = self._node(sink)
        self._arcs: list[_Arc] = []
        self._flow_value = 0.0
        self._touched: list[tuple[_Arc, float]] | None = None
        """While a question's extra demands are augmented: each arc's flow before a push."""

    def has_node(self, node: str) -> bool:
        """Whether ``node`` is in the network."""
        return node in self._index

    def capacity(self, u: str, v: str) -> float:
        """The capacity of edge ``(u, v)`` (0 if there is none)."""
        i, j = self._index.get(u), self._index.get(v)
        arc = None if i is None or j is None else self._to[i].get(j)
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
        self._flow_value += self._augment_all()
        if not extra:
            return self._flow_value
        arcs_before = len(self._arcs)
        raised: list[tuple[_Arc, float]] = []
        for node, mw in extra.items():
            arc = self._arc(node, self.sink)
            raised.append((arc, arc.capacity))
            arc.capacity += mw
        touched: list[tuple[_Arc, float]] = []
        self._touched = touched
        try:
            return self._flow_value + self._augment_all()
        finally:  # undone in reverse: each arc ends at the value it had first
            self._touched = None
            for arc, flow in reversed(touched):
                arc.flow = flow
            for arc, capacity in reversed(raised):
                arc.capacity = capacity
            for arc in self._arcs[arcs_before:]:  # added for an extra: back to no edge
                arc.capacity = arc.flow = 0.0

    # --- inside --------------------------------------------------------------------------
    def _node(self, name: str) -> int:
        """The number of node ``name``, made if missing."""
        i = self._index.get(name)
        if i is None:
            i = len(self._out)
            self._index[name] = i
            self._out.append([])
            self._to.append({})
        return i

    def _arc(self, u: str, v: str) -> _Arc:
        """Arc ``u -> v``, made (with its reverse, at capacity 0) if missing."""
        i, j = self._node(u), self._node(v)
        arc = self._to[i].get(j)
        if arc is None:
            arc, back = _Arc(j, 0.0), _Arc(i, 0.0)
            arc.back, back.back = back, arc
            self._to[i][j] = arc
            self._out[i].append(arc)
            self._to[j][i] = back
            self._out[j].append(back)
            self._arcs.extend((arc, back))
        return arc

    def _drop_flow(self) -> None:
        for arc in self._arcs:
            arc.flow = 0.0
        self._flow_value = 0.0

    def _augment_all(self) -> float:
        """Push shortest augmenting paths until none is left; returns the flow added."""
        added = 0.0
        while True:
            path = self._shortest_path()
            if path is None:
                return added
            added += self._push(path)

    def _push(self, path: list[_Arc]) -> float:
        """Push the most the arcs of ``path`` (source to sink) take; returns it."""
        flow = math.inf
        for arc in path:
            flow = min(flow, arc.capacity - arc.flow)
        if flow == math.inf:
            raise UnboundedFlowError("max flow: infinite capacity path, flow unbounded above")
        touched = self._touched
        for forward in path:
            back = forward.back
            if touched is not None:
                touched.append((forward, forward.flow))
                touched.append((back, back.flow))
            forward.flow += flow
            back.flow -= flow
        return flow

    def _shortest_path(self) -> list[_Arc] | None:
        """The arcs of a fewest-edges path with room on every arc (breadth-first), or None."""
        out, source, sink = self._out, self._source, self._sink
        via: list[_Arc | None] = [None] * len(out)  # the arc a node was reached by
        seen = [False] * len(out)
        seen[source] = True
        frontier = [source]
        while frontier:
            nxt: list[int] = []
            for u in frontier:
                for arc in out[u]:
                    v = arc.head
                    if not seen[v] and arc.flow < arc.capacity:
                        seen[v] = True
                        via[v] = arc
                        if v == sink:
                            return _path_to(via, source, sink)
                        nxt.append(v)
            frontier = nxt
        return None


def _path_to(via: list[_Arc | None], source: int, sink: int) -> list[_Arc]:
    """The arcs from ``source`` to ``sink`` along ``via`` (each node's arc in)."""
    path: list[_Arc] = []
    v = sink
    while v != source:
        arc = via[v]
        assert arc is not None  # every node on the way was reached by an arc
        path.append(arc)
        v = arc.back.head
    path.reverse()
    return path
