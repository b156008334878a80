"""Property-based tests (hypothesis) of the network measures (issue 11).

Invariants on random balanced tables and their supply graphs: centralities do not
change when every flow is scaled (closeness scales by the same factor, since
distances are 1/w), nor when the node order is permuted; the disparity backbone
keeps every edge at alpha = 1 and depends on shares only; modularity does not
depend on the community ids or the node order, and agrees with networkx.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import valuechain as vc
from _props import counted
from conftest import random_table

N = vc.network
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
tables = st.builds(random_table, n_regions=st.integers(2, 3), n_sectors=st.integers(2, 4),
                   seed=st.integers(0, 10_000), n_fd=st.just(1), density=st.sampled_from([1.0, 0.7]))
scales = st.floats(1e-3, 1e3).filter(lambda c: abs(c - 1) > 1e-6)

#: Measures that only depend on relative weights (a graph scaled by c gives the same values).
SCALE_FREE = ["pagerank", "hub", "authority", "eigenvector", "katz", "betweenness", "random_walk",
              "counting_betweenness"]


def _close(a, b, what, rtol=1e-6):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol, atol=1e-9, err_msg=what)


def permuted(t: vc.IOTable, seed: int) -> vc.IOTable:
    nodes = t.nodes[np.random.default_rng(seed).permutation(t.n)]
    return vc.IOTable(t.Z.loc[nodes, nodes], t.Y.loc[nodes], t.V.loc[:, nodes], meta=t.meta)


@SETTINGS
@given(tables, scales)
@counted
def test_centralities_invariant_to_scaling_all_flows(t, c):
    g = vc.supply_graph(t)
    gc = g.with_adjacency(g.adjacency * c)
    a, b = N.centrality(g), N.centrality(gc)
    for col in SCALE_FREE:
        _close(b[col], a[col], col)
    _close(b["closeness"], c * a["closeness"], "closeness scales with the flows (distance = 1/w)")
    _close(b["out_strength"], c * a["out_strength"], "out_strength")
    # scaling the whole table (flows, final demand, value added) leaves every share-based measure unchanged
    tc = vc.IOTable(t.Z * c, t.Y * c, t.V * c, meta=t.meta)
    _close(N.influence(tc), N.influence(t), "influence")
    s1 = vc.supply_graph(t, weight="input_share")
    s2 = vc.supply_graph(tc, weight="input_share")
    _close(N.betweenness(s2, distance="neglog"), N.betweenness(s1, distance="neglog"), "betweenness on shares")
    _close(N.pagerank(s2), N.pagerank(s1), "pagerank on shares")


@SETTINGS
@given(tables, st.integers(0, 2**32 - 1))
@counted
def test_centralities_invariant_to_node_order(t, seed):
    t2 = permuted(t, seed)
    a = N.centrality(vc.supply_graph(t))
    b = N.centrality(vc.supply_graph(t2)).loc[t.nodes]
    for col in a.columns:
        _close(b[col], a[col], col)


@SETTINGS
@given(tables, scales, st.sampled_from([0.01, 0.05, 0.2, 0.5]))
@counted
def test_backbone_alpha_one_keeps_everything_and_depends_on_shares_only(t, c, alpha):
    g = vc.supply_graph(t)
    full = N.backbone(g, alpha=1.0)
    assert full.m == g.m
    assert (full.adjacency != g.adjacency).nnz == 0
    gc = g.with_adjacency(g.adjacency * c)
    p1, p2 = N.disparity_pvalues(g), N.disparity_pvalues(gc)
    _close(p2["p"], p1["p"], "disparity p-values", rtol=1e-8)
    assume(np.min(np.abs(p1["p"].to_numpy() - alpha)) > 1e-6)  # no edge on the boundary
    b1, b2 = N.backbone(g, alpha=alpha), N.backbone(gc, alpha=alpha)
    e1 = set(zip(b1.edges["source"], b1.edges["target"]))
    e2 = set(zip(b2.edges["source"], b2.edges["target"]))
    assert e1 == e2
    assert b1.m <= g.m
    # the kept edges are exactly those with p <= alpha for the supplier or the buyer
    kept = set(zip(p1.loc[p1["p"] <= alpha, "source"], p1.loc[p1["p"] <= alpha, "target"]))
    assert e1 == kept


@SETTINGS
@given(tables, st.data())
@counted
def test_modularity_ignores_community_ids_and_node_order(t, data):
    g = vc.supply_graph(t)
    k = data.draw(st.integers(1, min(4, t.n)))
    labels = data.draw(st.lists(st.integers(0, k - 1), min_size=t.n, max_size=t.n))
    part = pd.Series(labels, index=t.nodes)
    q = N.modularity(g, part)
    ids = sorted(set(labels))
    new = dict(zip(ids, data.draw(st.permutations([f"c{j * 7 + 3}" for j in range(len(ids))]))))
    assert np.isclose(N.modularity(g, part.map(new)), q, rtol=1e-12, atol=1e-12)
    t2 = permuted(t, data.draw(st.integers(0, 2**32 - 1)))
    assert np.isclose(N.modularity(vc.supply_graph(t2), part.loc[t2.nodes]), q, rtol=1e-10, atol=1e-12)
    # oracle: networkx's (Leicht-Newman directed) modularity
    comms = [set(part.index[part == c]) for c in ids]
    assert np.isclose(q, nx.community.modularity(g.to_networkx(), comms, weight="weight"), rtol=1e-9, atol=1e-12)
    # undirected: the symmetrised weights W + W'
    W = (g.adjacency + g.adjacency.T).tocoo()
    U = nx.Graph()
    U.add_nodes_from(t.nodes)
    U.add_weighted_edges_from((t.nodes[i], t.nodes[j], w) for i, j, w in zip(W.row, W.col, W.data) if i <= j)
    q_u = N.modularity(g, part, directed=False)
    assert np.isclose(q_u, nx.community.modularity(U, comms, weight="weight"), rtol=1e-9, atol=1e-12)
