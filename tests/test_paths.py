"""Shortest-path centralities in scipy against networkx's own (graph.paths, graph.measures)."""

import random

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import paths
from graph.measures import SEED, exact_closeness, sampled_betweenness, sampled_closeness


def _forest_and_blobs(seed: int) -> nx.Graph:
    """Random sparse and dense parts, pairs, isolated nodes and a self-loop: what views look like."""
    G = nx.relabel_nodes(nx.gnm_random_graph(150, 170 + 10 * seed, seed=seed), lambda i: f"n{i:03d}")
    G.add_edges_from(nx.relabel_nodes(nx.barabasi_albert_graph(60, 3, seed=seed), lambda i: f"b{i:02d}").edges)
    G.add_edges_from((f"p{i}", f"q{i}") for i in range(5))
    G.add_nodes_from(("lonely", "alone"))
    G.add_edge("n001", "n001")
    return G


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [None, 1, 40, "all"])
def test_betweenness_is_networkx_betweenness(seed, k):
    G = _forest_and_blobs(seed)
    k = len(G) if k == "all" else k
    ours, theirs = sampled_betweenness(G, k), nx.betweenness_centrality(G, k, seed=SEED)
    assert ours.keys() == theirs.keys()
    if k == 1:  # networkx scales a lone sampled source by 0/0
        assert all(np.isnan(ours[n]) == np.isnan(theirs[n]) for n in G)
        return
    assert max(abs(ours[n] - theirs[n]) for n in G) < 1e-12
    assert {n: round(v, 6) for n, v in ours.items()} == {n: round(v, 6) for n, v in theirs.items()}


@pytest.mark.parametrize("seed", range(4))
def test_closeness_is_networkx_closeness_to_the_bit(seed):
    G = _forest_and_blobs(seed)
    assert exact_closeness(G) == nx.closeness_centrality(G)


def _closeness_by_networkx_search(G: nx.Graph, k: int) -> dict:
    """The estimator as it was written over ``nx.single_source_shortest_path_length``."""
    rng, n, closeness = random.Random(SEED), len(G), {}
    for component in sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: c[0]):
        sources = component if len(component) <= k else rng.sample(component, k)
        totals = dict.fromkeys(component, 0)
        for source in sources:
            for node, distance in nx.single_source_shortest_path_length(G, source).items():
                totals[node] += distance
        chosen, r = set(sources), len(component)
        for node in component:
            others = len(sources) - (node in chosen)
            spread = totals[node] / others * (r - 1) if others else 0
            closeness[node] = (r - 1) / (n - 1) * (r - 1) / spread if spread and n > 1 else 0.0
    return closeness


@pytest.mark.parametrize("k", [2, 25, 1000])
def test_sampled_closeness_keeps_its_sources_and_numbers(k):
    G = _forest_and_blobs(1)
    assert sampled_closeness(G, k) == _closeness_by_networkx_search(G, k)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=40), st.integers(2, 15))
def test_any_small_graph_scores_as_networkx(edges, k):
    G = nx.Graph()
    G.add_nodes_from(range(15))
    G.add_edges_from(edges)
    ours, theirs = sampled_betweenness(G, k), nx.betweenness_centrality(G, k, seed=SEED)
    assert max(abs(ours[n] - theirs[n]) for n in G) < 1e-12
    assert exact_closeness(G) == nx.closeness_centrality(G)


def test_sources_are_batched_and_components_kept_apart(monkeypatch):
    """A batch of one source and a batch of all give the same sums; no path crosses components."""
    G = _forest_and_blobs(2)
    nodes = list(G)
    matrix = paths.adjacency(G, nodes)
    whole = paths.dependencies(matrix, range(len(nodes)))
    monkeypatch.setattr(paths, "BATCH", 1)
    assert np.allclose(paths.dependencies(matrix, range(len(nodes))), whole, rtol=0, atol=1e-9)
    assert paths.distance_totals(matrix, [nodes.index("p0")])[nodes.index("q0")] == 1
    assert paths.distance_totals(matrix, [nodes.index("p0")])[nodes.index("n000")] == 0
    sizes = sorted(len(c) for c in paths.components(matrix))
    assert sizes == sorted(len(c) for c in nx.connected_components(G))


@pytest.mark.parametrize("pack", [1, 3, 10_000])
def test_distance_totals_do_not_depend_on_how_components_are_packed(monkeypatch, pack):
    """Small components are searched together; their totals are integers, the same however grouped."""
    G = _forest_and_blobs(3)
    monkeypatch.setattr(paths, "PACK", pack)
    assert exact_closeness(G) == nx.closeness_centrality(G)
    assert sampled_closeness(G, 25) == _closeness_by_networkx_search(G, 25)
