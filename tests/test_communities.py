"""Louvain over plain dicts: networkx's partition, set for set and in the same order."""

import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.communities import louvain_communities


def _weighted(seed: int, nodes: int, edges: int) -> nx.Graph:
    """A sparse random graph with integer weights, isolated nodes, pairs and a self-loop, nodes named as IRIs."""
    rng = random.Random(seed)
    G = nx.Graph()
    G.add_nodes_from(f"n{i:04d}" for i in range(nodes))
    for u, v in nx.gnm_random_graph(nodes, edges, seed=seed).edges:
        G.add_edge(f"n{u:04d}", f"n{v:04d}", weight=rng.choice([1, 1, 1, 2, 3, 7]))
    G.add_edge("n0001", "n0001", weight=2)
    return G


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("shape", [(300, 200), (300, 900), (60, 600)])
def test_the_partition_is_networkx_louvain(seed, shape):
    G = _weighted(seed, *shape)
    assert louvain_communities(G, seed=42) == nx.community.louvain_communities(G, weight="weight", seed=42)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 19), st.integers(0, 19), st.integers(1, 4)), max_size=60), st.integers(0, 99))
def test_any_small_graph_gives_networkx_partition(edges, seed):
    G = nx.Graph()
    G.add_nodes_from(range(20))
    G.add_weighted_edges_from(edges)
    assert louvain_communities(G, seed=seed) == nx.community.louvain_communities(G, weight="weight", seed=seed)


def test_weights_that_are_not_integers_are_left_to_networkx():
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 0.5), ("b", "c", 1.5), ("c", "a", 0.25), ("c", "d", 2.0)])
    assert louvain_communities(G, seed=3) == nx.community.louvain_communities(G, weight="weight", seed=3)
