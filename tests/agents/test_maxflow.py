"""agents.grid.maxflow: the kept-flow network gives networkx's max flow values after each change."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from networkx.algorithms.flow import edmonds_karp

from agents.grid.maxflow import FlowNetwork, UnboundedFlowError

NODES = ["s", "a", "b", "c", "d", "e", "t"]
capacities = st.one_of(st.none(), st.floats(0.0, 5_000.0), st.integers(0, 3))
edges = st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES), capacities),
                 max_size=30)


def networkx_value(caps: dict[tuple[str, str], float], extra: dict[str, float]) -> float:
    """The max flow from scratch by networkx (``inf``: an edge without capacity)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(["s", "t"])
    for (u, v), cap in caps.items():
        if cap == math.inf:
            graph.add_edge(u, v)
        else:
            graph.add_edge(u, v, capacity=cap)
    for node, mw in extra.items():
        old = caps.get((node, "t"), 0.0)
        graph.add_edge(node, "t", capacity=old + mw)
    return float(nx.maximum_flow_value(graph, "s", "t", flow_func=edmonds_karp))


def build(edge_list: list[tuple[str, str, float | None]]) -> tuple[
        FlowNetwork, dict[tuple[str, str], float]]:
    net, caps = FlowNetwork("s", "t"), {}
    for u, v, cap in edge_list:
        if u == v:
            continue
        caps[(u, v)] = math.inf if cap is None else float(cap)
        net.set_capacity(u, v, caps[(u, v)])
    return net, caps


@settings(max_examples=200, deadline=None)
@given(edges)
def test_the_value_is_networkx_max_flow(edge_list: list[tuple[str, str, float | None]]) -> None:
    net, caps = build(edge_list)
    try:
        expected = networkx_value(caps, {})
    except nx.NetworkXUnbounded:
        with pytest.raises(UnboundedFlowError):
            net.max_flow()
        return
    assert net.max_flow() == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert net.max_flow() == pytest.approx(expected, rel=1e-9, abs=1e-9)  # asked again


change = st.tuples(st.sampled_from(NODES[:-1]), st.sampled_from(NODES[1:]),
                   st.floats(0.0, 3_000.0))
extra = st.dictionaries(st.sampled_from(NODES[1:-1]), st.floats(0.0, 2_000.0), max_size=3)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NODES[:-1]), st.sampled_from(NODES[1:]),
                          st.floats(1.0, 3_000.0)), min_size=3, max_size=20),
       st.lists(st.tuples(change, extra), min_size=1, max_size=12))
def test_kept_flow_gives_the_max_flow_after_every_change(
        edge_list: list[tuple[str, str, float]],
        steps: list[tuple[tuple[str, str, float], dict[str, float]]]) -> None:
    """Capacities up and down (a lowered one drops the kept flow), questions with extra
    demands at the sink (undone after): every answer is networkx's, from scratch."""
    net, caps = build([(u, v, c) for u, v, c in edge_list])
    for (u, v, cap), more in steps:
        if u != v:
            caps[(u, v)] = cap
            net.set_capacity(u, v, cap)
        net.max_flow()
        kept = [(arc.capacity, arc.flow) for arc in net._arcs]
        assert net.max_flow(more) == pytest.approx(networkx_value(caps, more), rel=1e-9,
                                                   abs=1e-6)
        after = [(arc.capacity, arc.flow) for arc in net._arcs]  # the question is undone:
        assert after[:len(kept)] == kept  # every arc as it was, to the bit
        assert all(state == (0.0, 0.0) for state in after[len(kept):])  # new ones: no edge
        assert net.max_flow() == pytest.approx(networkx_value(caps, {}), rel=1e-9, abs=1e-6)


def test_a_small_grid() -> None:
    net = FlowNetwork("src", "snk")
    net.set_capacity("src", "a", 5.0)
    net.set_capacity("a", "b", 3.5)
    net.set_capacity("a", "c", math.inf)
    net.set_capacity("c", "snk", 1.25)
    net.set_capacity("b", "snk", 10.0)
    assert net.max_flow() == 4.75
    assert net.max_flow({"c": 10.0}) == 5.0  # a's 5 MW, with c's edge to the sink raised
    assert net.max_flow() == 4.75 and net.capacity("c", "snk") == 1.25  # undone
    net.set_capacity("b", "snk", 1.0)  # below the 3.5 it carried: the flow is recomputed
    assert net.max_flow() == 2.25
    with pytest.raises(ValueError, match="capacity"):
        net.set_capacity("a", "b", -1.0)
    with pytest.raises(ValueError, match="same node"):
        FlowNetwork("x", "x")
