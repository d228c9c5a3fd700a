"""Max flow value by Edmonds-Karp on plain dicts, step for step as networkx computes it.

The grid asks for a max flow at every interconnect decision, a few hundred times a run.
``networkx.maximum_flow_value(..., flow_func=edmonds_karp)`` spends most of its time in
dispatch, graph views and building a residual ``DiGraph``; this is the same algorithm
(networkx 3.x ``build_residual_network`` and ``edmonds_karp_core``: the same residual
network, the same bidirectional breadth-first search in the same neighbour order, the
same augmentations in the same order) on dicts of small capacity-and-flow edges, so it
returns the same float, bit for bit, several times faster. ``tests/agents/test_maxflow.py``
checks it against networkx on random graphs.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

Node = Hashable
Adjacency = Mapping[Node, Mapping[Node, Mapping[str, Any]]]
_Succ = dict[Node, dict[Node, dict[str, Any]]]


class _Arc:
    """One residual edge: its capacity and the flow on it (networkx's ``capacity``/``flow``).

    A small class rather than a ``[capacity, flow]`` list: compiled (``abm.build``), its
    two floats are read and written unboxed.
    """

    __slots__ = ("capacity", "flow")

    def __init__(self, capacity: float, flow: float = 0.0) -> None:
        self.capacity = capacity
        self.flow = flow


Residual = dict[Node, dict[Node, _Arc]]


class UnboundedFlowError(ValueError):
    """An s-t path of infinite capacity: the flow is unbounded."""


def max_flow_value(succ: Adjacency, s: Node, t: Node, capacity: str = "capacity") -> float:
    """The value of a maximum ``s``-``t`` flow in a directed graph given as ``G._succ``.

    Edges without a ``capacity`` attribute have infinite capacity (as in networkx). A
    graph's own adjacency dict (``G._succ``) is read as it is; a view (``G.succ``) is
    copied to plain dicts first, in the same order.
    """
    if s not in succ or t not in succ:
        raise KeyError(f"max flow: {s!r} or {t!r} is not a node")
    if s == t:
        raise ValueError("max flow: source and sink are the same node")
    raw: _Succ = (succ if type(succ) is dict
                  else {u: {v: dict(attr) for v, attr in nbrs.items()} for u, nbrs in succ.items()})
    r_succ, r_pred, inf = _residual(raw, capacity)
    flow_value = 0.0
    while True:
        path = _shortest_path(r_succ, r_pred, s, t)
        if path is None:
            return flow_value
        flow_value += _augment(r_succ, path, inf)


def _residual(succ: _Succ, capacity: str) -> tuple[Residual, Residual, float]:
    """The residual network as networkx builds it for a DiGraph."""
    r_succ: Residual = {u: {} for u in succ}
    r_pred: Residual = {u: {} for u in succ}
    inf = float("inf")
    edges = [(u, v, attr) for u, nbrs in succ.items() for v, attr in nbrs.items()
             if u != v and attr.get(capacity, inf) > 0]
    inf = 3 * sum(attr[capacity] for _u, _v, attr in edges
                  if capacity in attr and attr[capacity] != inf) or 1
    for u, v, attr in edges:
        r = min(attr.get(capacity, inf), inf)
        edge = r_succ[u].get(v)
        if edge is None:
            edge = _Arc(r)
            r_succ[u][v] = r_pred[v][u] = edge
            back = _Arc(0.0)
            r_succ[v][u] = r_pred[u][v] = back
        else:  # added as the reverse of (v, u)
            edge.capacity = r
    return r_succ, r_pred, inf


def _augment(r_succ: Residual, path: list[Node], inf: float) -> float:
    """Push the path's bottleneck along it (networkx's ``augment``); returns it."""
    flow = inf
    u = path[0]
    for v in path[1:]:
        edge = r_succ[u][v]
        flow = min(flow, edge.capacity - edge.flow)
        u = v
    if flow * 2 > inf:
        raise UnboundedFlowError("max flow: infinite capacity path, flow unbounded above")
    u = path[0]
    for v in path[1:]:
        r_succ[u][v].flow += flow
        r_succ[v][u].flow -= flow
        u = v
    return flow


def _shortest_path(r_succ: Residual, r_pred: Residual, s: Node, t: Node) -> list[Node] | None:
    """An augmenting path by networkx's bidirectional breadth-first search, or None."""
    pred: dict[Node, Node] = {s: None}
    q_s = [s]
    succ: dict[Node, Node] = {t: None}
    q_t = [t]
    while True:
        q: list[Node] = []
        if len(q_s) <= len(q_t):
            for u in q_s:
                for v, edge in r_succ[u].items():
                    if v not in pred and edge.flow < edge.capacity:
                        pred[v] = u
                        if v in succ:
                            return _join(v, pred, succ, s, t)
                        q.append(v)
            if not q:
                return None
            q_s = q
        else:
            for u in q_t:
                for v, edge in r_pred[u].items():
                    if v not in succ and edge.flow < edge.capacity:
                        succ[v] = u
                        if v in pred:
                            return _join(v, pred, succ, s, t)
                        q.append(v)
            if not q:
                return None
            q_t = q


def _join(v: Node, pred: dict[Node, Node], succ: dict[Node, Node], s: Node,
          t: Node) -> list[Node]:
    """The s-t path through ``v`` from the two searches' parent maps."""
    path = [v]
    u = v
    while u != s:
        u = pred[u]
        path.append(u)
    path.reverse()
    u = v
    while u != t:
        u = succ[u]
        path.append(u)
    return path
