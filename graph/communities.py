"""Louvain communities: networkx's algorithm, step for step, over plain dicts.

Louvain was the costliest measure of the entity–event view (py-spy), and
most of its time went to networkx's graph objects and views (a copy of the
graph per level, edge views, degree views), not to the algorithm. This is
``nx.community.louvain_communities(G, weight="weight", seed=seed)`` of
networkx 3 with the same node orders, the same shuffles of the same
``random.Random``, and the same floating-point expressions evaluated in the
same order, so it returns the same partition; a test compares both on
random graphs. Weights must be integers (every view's are): their sums are
then exact in any order, as networkx's set iteration requires. Other
weights are left to networkx.
"""

from __future__ import annotations

import random

import networkx as nx

__all__ = ["louvain_communities"]

_THRESHOLD = 0.0000001


def louvain_communities(G: nx.Graph, seed: int) -> list[set]:
    """The communities of undirected ``G`` by its ``weight`` edge attribute (1 where missing), Louvain, seeded.

    >>> louvain_communities(nx.barbell_graph(3, 0), seed=1)
    [{0, 1, 2}, {3, 4, 5}]
    """
    adjacency = _adjacency(G)
    if adjacency is None or G.is_directed() or G.is_multigraph():
        return nx.community.louvain_communities(G, weight="weight", seed=seed)
    rng, partition = random.Random(seed), [{u} for u in G]
    if G.number_of_edges() == 0:
        return partition
    members = {u: {u} for u in adjacency}
    mod = _modularity(adjacency, partition)
    m = sum(_degrees(adjacency).values()) / 2
    partition, inner, improved = _one_level(adjacency, members, m, partition, rng)
    while True:
        last = partition
        new_mod = _modularity(adjacency, inner)
        if new_mod - mod <= _THRESHOLD:
            return last
        mod = new_mod
        adjacency, members = _aggregate(adjacency, members, inner)
        partition, inner, improved = _one_level(adjacency, members, m, partition, rng)
        if not improved:
            return last


def _adjacency(G: nx.Graph) -> dict | None:
    """``{u: {v: weight}}`` in the order networkx's copy of ``G`` iterates; None if a weight is not an integer."""
    adjacency: dict = {u: {} for u in G}
    for u, v, weight in G.edges(data="weight", default=1):
        if type(weight) is not int:
            return None
        adjacency[u][v] = weight
        adjacency[v][u] = weight
    return adjacency


def _edges(adjacency: dict):
    """Each edge once, in the order of networkx's edge view."""
    seen = set()
    for u, neighbours in adjacency.items():
        for v, weight in neighbours.items():
            if v not in seen:
                yield u, v, weight
        seen.add(u)


def _degrees(adjacency: dict) -> dict:
    """Weighted degrees as networkx counts them (a self-loop twice)."""
    return {u: sum(neighbours.values()) + neighbours.get(u, 0) for u, neighbours in adjacency.items()}


def _modularity(adjacency: dict, communities: list[set]) -> float:
    """``nx.community.modularity`` (resolution 1), term by term in the same order."""
    degrees = _degrees(adjacency)
    degree_sum = sum(degrees.values())
    m, norm = degree_sum / 2, 1 / degree_sum**2
    contributions = []
    for community in communities:
        inside = sum(w for u in community for v, w in adjacency[u].items() if v in community and v != u)
        inside = inside // 2 + sum(adjacency[u].get(u, 0) for u in community)
        total = sum(degrees[u] for u in community)
        contributions.append(inside / m - 1 * total * total * norm)
    return sum(contributions)


def _one_level(adjacency: dict, members: dict, m: float, partition: list[set], rng: random.Random):
    """networkx's ``_one_level``: move nodes to the neighbouring community that gains most, until none moves."""
    node2com = {u: i for i, u in enumerate(adjacency)}
    inner = [{u} for u in adjacency]
    degrees = _degrees(adjacency)
    totals = list(degrees.values())
    neighbours = {u: {v: w for v, w in adjacency[u].items() if v != u} for u in adjacency}
    order = list(adjacency)
    rng.shuffle(order)
    order = [u for u in order if neighbours[u]]  # the gain of staying alone is 0.0: such a node never moves
    improved, moves, scale = False, 1, 2 * m**2
    while moves > 0:
        moves = 0
        for u in order:
            best_gain, best, degree = 0, node2com[u], degrees[u]
            weights: dict = {}
            for v, w in neighbours[u].items():
                community = node2com[v]
                weights[community] = weights.get(community, 0.0) + w
            totals[best] -= degree
            remove_cost = -weights.setdefault(best, 0.0) / m + 1 * (totals[best] * degree) / scale
            for community, w in weights.items():
                gain = remove_cost + w / m - 1 * (totals[community] * degree) / scale
                if gain > best_gain:
                    best_gain, best = gain, community
            totals[best] += degree
            if best != node2com[u]:
                partition[node2com[u]].difference_update(members[u])
                inner[node2com[u]].remove(u)
                partition[best].update(members[u])
                inner[best].add(u)
                improved, moves = True, moves + 1
                node2com[u] = best
    return list(filter(len, partition)), list(filter(len, inner)), improved


def _aggregate(adjacency: dict, members: dict, inner: list[set]) -> tuple[dict, dict]:
    """networkx's ``_gen_graph``: one node per community, edge weights summed in edge-view order."""
    node2com, merged = {}, {}
    for i, part in enumerate(inner):
        merged[i] = set()
        for u in part:
            node2com[u] = i
            merged[i].update(members[u])
    aggregated: dict = {i: {} for i in merged}
    for u, v, weight in _edges(adjacency):
        a, b = node2com[u], node2com[v]
        total = weight + aggregated[a].get(b, 0)
        aggregated[a][b] = total
        aggregated[b][a] = total
    return aggregated, merged
