"""Max flow value by Edmonds-Karp on plain dicts, step for step as networkx computes it.

The grid asks for a max flow at every interconnect decision, a few hundred times a run.
``networkx.maximum_flow_value(..., flow_func=edmonds_karp)`` spends most of its time in
dispatch, graph views and building a residual ``DiGraph``; this is the same algorithm
(networkx 3.x ``build_residual_network`` and ``edmonds_karp_core``: the same residual
network, the same bidirectional breadth-first search in the same neighbour order, the
same augmentations in the same order) on dicts of ``[capacity, flow]`` pairs, so it
returns the same float, bit for bit, several times faster. ``tests/agents/test_maxflow.py``
checks it against networkx on random graphs.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

Node = Hashable
Adjacency = Mapping[Node, Mapping[Node, Mapping[str, Any]]]
Residual = dict[Node, dict[Node, list[float]]]


class UnboundedFlowError(ValueError):
    """An s-t path of infinite capacity: the flow is unbounded."""


def max_flow_value(succ: Adjacency, s: Node, t: Node, capacity: str = "capacity") -> float:
    """The value of a maximum ``s``-``t`` flow in a directed graph given as ``G._succ``.

    Edges without a ``capacity`` attribute have infinite capacity (as in networkx).
    """
    if s not in succ or t not in succ:
        raise KeyError(f"max flow: {s!r} or {t!r} is not a node")
    if s == t:
        raise ValueError("max flow: source and sink are the same node")
    r_succ, r_pred, inf = _residual(succ, capacity)
    return _edmonds_karp(r_succ, r_pred, s, t, inf)


def _residual(succ: Adjacency, capacity: str) -> tuple[Residual, Residual, float]:
    """The residual network as networkx builds it for a DiGraph, [capacity, flow] edges."""
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
            edge = [r, 0]
            r_succ[u][v] = r_pred[v][u] = edge
            back: list[float] = [0, 0]
            r_succ[v][u] = r_pred[u][v] = back
        else:  # added as the reverse of (v, u)
            edge[0] = r
    return r_succ, r_pred, inf


def _edmonds_karp(r_succ: Residual, r_pred: Residual, s: Node, t: Node, inf: float) -> float:
    """The flow value as networkx's ``edmonds_karp_core`` finds it (no cutoff)."""

    def augment(path: list[Node]) -> float:
        flow = inf
        u = path[0]
        for v in path[1:]:
            edge = r_succ[u][v]
            flow = min(flow, edge[0] - edge[1])
            u = v
        if flow * 2 > inf:
            raise UnboundedFlowError("max flow: infinite capacity path, flow unbounded above")
        u = path[0]
        for v in path[1:]:
            r_succ[u][v][1] += flow
            r_succ[v][u][1] -= flow
            u = v
        return flow

    def bidirectional_bfs() -> tuple[Node, dict[Node, Node], dict[Node, Node]] | None:
        pred: dict[Node, Node] = {s: None}
        q_s = [s]
        succ: dict[Node, Node] = {t: None}
        q_t = [t]
        while True:
            q: list[Node] = []
            if len(q_s) <= len(q_t):
                for u in q_s:
                    for v, edge in r_succ[u].items():
                        if v not in pred and edge[1] < edge[0]:
                            pred[v] = u
                            if v in succ:
                                return v, pred, succ
                            q.append(v)
                if not q:
                    return None
                q_s = q
            else:
                for u in q_t:
                    for v, edge in r_pred[u].items():
                        if v not in succ and edge[1] < edge[0]:
                            succ[v] = u
                            if v in pred:
                                return v, pred, succ
                            q.append(v)
                if not q:
                    return None
                q_t = q

    flow_value: float = 0.0
    while True:
        found = bidirectional_bfs()
        if found is None:
            break
        v, pred, succ = found
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
        flow_value += augment(path)
    return flow_value
