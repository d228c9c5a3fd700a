"""agents.maxflow returns networkx's Edmonds-Karp max flow value, bit for bit."""

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from networkx.algorithms.flow import edmonds_karp

from agents.maxflow import UnboundedFlowError, max_flow_value

capacities = st.one_of(st.none(), st.floats(0.0, 5_000.0), st.integers(0, 3))
edges = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), capacities), max_size=40)


@settings(max_examples=300, deadline=None)
@given(edges)
def test_same_value_as_networkx_bit_for_bit(edge_list: list[tuple[int, int, float | None]]) -> None:
    graph = nx.DiGraph()
    graph.add_nodes_from(["s", "t"])
    for a, b, cap in edge_list:
        u = "s" if a == 0 else "t" if a == 9 else a
        v = "s" if b == 0 else "t" if b == 9 else b
        if cap is None:
            graph.add_edge(u, v)
        else:
            graph.add_edge(u, v, capacity=cap)
    try:
        expected = nx.maximum_flow_value(graph, "s", "t", flow_func=edmonds_karp)
    except nx.NetworkXUnbounded:
        with pytest.raises(UnboundedFlowError):
            max_flow_value(graph.succ, "s", "t")
        return
    got = max_flow_value(graph.succ, "s", "t")
    # always a float (networkx gives the int 0 when no path carries flow)
    assert got == expected and type(got) is float


def test_a_small_grid() -> None:
    graph = nx.DiGraph()
    graph.add_edge("src", "a", capacity=5.0)
    graph.add_edge("a", "b", capacity=3.5)
    graph.add_edge("a", "c")
    graph.add_edge("c", "snk", capacity=1.25)
    graph.add_edge("b", "snk", capacity=10.0)
    assert max_flow_value(graph.succ, "src", "snk") == 4.75
    with pytest.raises(KeyError):
        max_flow_value(graph.succ, "src", "nowhere")
