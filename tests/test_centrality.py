"""Centralities against networkx, IO identities and brute-force random-walk computations."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import valuechain as vc
from valuechain.errors import ParameterError
from valuechain.graph import SupplyGraph

from conftest import random_table


def _random_graph(n=12, p=0.35, seed=0, strongly_connected=True, dangling=False) -> SupplyGraph:
    rng = np.random.default_rng(seed)
    W = rng.lognormal(0, 1, (n, n)) * (rng.random((n, n)) < p)
    np.fill_diagonal(W, 0)
    if strongly_connected:  # add a weighted cycle
        W[np.arange(n), np.r_[1:n, 0]] += rng.uniform(0.5, 2, n)
    if dangling:
        W[n - 1] = 0.0
    return SupplyGraph(sp.csr_matrix(W), pd.Index([f"v{i}" for i in range(n)], name="region"), "flow", None, None)


def _nx(g: SupplyGraph) -> nx.DiGraph:
    G = g.to_networkx()
    for _, _, d in G.edges(data=True):
        d["dist"] = 1.0 / d["weight"]
        d["neglog"] = -np.log(d["weight"])
    return G


def _dict(s: pd.Series) -> dict:
    return s.to_dict()


def _close(ours: pd.Series, ref: dict, tol=1e-6):
    np.testing.assert_allclose(ours.to_numpy(), [ref[k] for k in ours.index], atol=tol, rtol=0)


@pytest.mark.parametrize("seed", range(3))
def test_pagerank_equals_networkx(seed):
    g = _random_graph(seed=seed, dangling=seed == 2)
    G = _nx(g)
    _close(vc.network.pagerank(g), nx.pagerank(G, weight="weight", tol=1e-14, max_iter=100000))
    pers = pd.Series(np.arange(1, g.n + 1, dtype=float), index=g.nodes)
    _close(vc.network.pagerank(g, damping=0.6, personalization=pers),
           nx.pagerank(G, alpha=0.6, personalization=pers.to_dict(), weight="weight", tol=1e-14, max_iter=100000))
    # demand direction = PageRank of the reversed graph
    _close(vc.network.pagerank(g, direction="demand"), nx.pagerank(G.reverse(), weight="weight", tol=1e-14))


@pytest.mark.parametrize("seed", range(3))
def test_hits_eigenvector_katz_equal_networkx(seed):
    g = _random_graph(seed=seed)
    G = _nx(g)
    h, a = nx.hits(G, max_iter=100000, tol=1e-14)
    ours = vc.network.hits(g)
    _close(ours["hub"], h)
    _close(ours["authority"], a)
    _close(vc.network.eigenvector(g), nx.eigenvector_centrality_numpy(G, weight="weight"))
    _close(vc.network.eigenvector(g, direction="demand"), nx.eigenvector_centrality_numpy(G.reverse(), weight="weight"))
    rho = max(abs(np.linalg.eigvals(g.adjacency.toarray())))
    for alpha in (0.3 / rho, 0.9 / rho):
        _close(vc.network.katz(g, alpha=alpha), nx.katz_centrality_numpy(G, alpha=alpha, beta=1.0, weight="weight"))
    _close(vc.network.katz(g), nx.katz_centrality_numpy(G, alpha=0.9 / rho, weight="weight"))


@pytest.mark.parametrize("seed", range(3))
def test_paths_equal_networkx(seed):
    g = _random_graph(n=15, p=0.25, seed=seed, strongly_connected=seed != 1)
    G = _nx(g)
    _close(vc.network.betweenness(g), nx.betweenness_centrality(G, weight="dist"))
    _close(vc.network.closeness(g), nx.closeness_centrality(G, distance="dist"))
    _close(vc.network.closeness(g, direction="demand"), nx.closeness_centrality(G.reverse(), distance="dist"))
    # -ln(share) distance on an output-share graph
    W = g.adjacency.toarray()
    B = W / W.sum(axis=1, keepdims=True).clip(1e-300)
    gb = g.with_adjacency(sp.csr_matrix(B), weight="output_share")
    Gb = _nx(gb)
    _close(vc.network.betweenness(gb, distance="neglog"), nx.betweenness_centrality(Gb, weight="neglog"))
    _close(vc.network.closeness(gb, distance="neglog"), nx.closeness_centrality(Gb, distance="neglog"))


def test_katz_beta_one_on_A_equals_output_multipliers():
    t = random_table(3, 4, seed=5)
    g = vc.supply_graph(t, "input_share", self_loops=True)
    k = vc.network.katz(g, alpha=1.0, beta=1.0, normalized=False)
    np.testing.assert_allclose(k.to_numpy(), vc.position.output_multipliers(t).to_numpy(), rtol=1e-10)


@pytest.mark.parametrize("weight", ["flow", "input_share", "output_share"])
def test_influence_equals_x_over_gdp(weight):
    t = random_table(2, 5, seed=7)
    lam = vc.network.influence(vc.supply_graph(t, weight, self_loops=True))
    np.testing.assert_allclose(lam.to_numpy(), (t.x / t.f.sum()).to_numpy(), rtol=1e-10)
    with pytest.raises(ParameterError, match="influence needs"):
        vc.network.influence(vc.supply_graph(t, "total_requirement"))


def _transition(g):
    W = g.adjacency.toarray()
    return W / W.sum(axis=1, keepdims=True)


def test_random_walk_against_first_passage_systems():
    g = _random_graph(n=9, p=0.5, seed=4)
    W = g.adjacency.toarray()
    np.fill_diagonal(W, np.random.default_rng(1).uniform(0, 3, g.n))  # self-loops: steps that stay put
    g = g.with_adjacency(sp.csr_matrix(W))
    P = _transition(g)
    n = g.n
    H = np.zeros((n, n))
    for i in range(n):  # h_j = 1 + sum_k P_jk h_k (k != i), h_i = 0
        others = [j for j in range(n) if j != i]
        M = np.eye(n - 1) - P[np.ix_(others, others)]
        H[others, i] = np.linalg.solve(M, np.ones(n - 1))
    expect = n / H.sum(axis=0)
    np.testing.assert_allclose(vc.network.random_walk(g).to_numpy(), expect, rtol=1e-9)


def _counting_brute(P: np.ndarray) -> np.ndarray:
    """Edge-use counts of absorbing walks with one fundamental matrix per target (Blöchl et al.)."""
    n = len(P)
    total = np.zeros(n)
    for t in range(n):
        keep = [k for k in range(n) if k != t]
        Nt = np.linalg.inv(np.eye(n - 1) - P[np.ix_(keep, keep)])  # visits before absorption
        for a, s in enumerate(keep):
            visits = np.zeros(n)
            visits[keep] = Nt[a]
            uses = visits[:, None] * P  # expected uses of edge (i, j); rows i != t
            uses[t] = 0.0
            for i in range(n):
                if i == t:
                    total[i] += 1.0
                    continue
                out_uses = sum(uses[i, j] for j in range(n) if j != t)
                in_uses = sum(uses[j, i] for j in range(n) if j != t)
                total[i] += (out_uses + in_uses) / 2 + (1.0 if i == s else 0.0)
    return total / (n * (n - 1))


@pytest.mark.parametrize("seed", range(3))
def test_counting_betweenness_against_brute_force(seed):
    g = _random_graph(n=8, p=0.5, seed=seed)
    W = g.adjacency.toarray()
    np.fill_diagonal(W, np.random.default_rng(seed).uniform(0, 2, g.n))
    g = g.with_adjacency(sp.csr_matrix(W))
    np.testing.assert_allclose(vc.network.counting_betweenness(g).to_numpy(), _counting_brute(_transition(g)),
                               rtol=1e-9)
    gr = g.reversed()
    np.testing.assert_allclose(vc.network.counting_betweenness(g, direction="demand").to_numpy(),
                               _counting_brute(_transition(gr)), rtol=1e-9)


def test_random_walk_measures_outside_largest_scc_are_zero():
    g = _random_graph(n=6, seed=2)
    W = g.adjacency.toarray()
    W = np.pad(W, ((0, 1), (0, 1)))
    W[6, 0] = 1.0  # node 6 supplies the SCC but is never reached
    g2 = SupplyGraph(sp.csr_matrix(W), pd.Index([f"v{i}" for i in range(7)], name="region"), "flow", None, None)
    rw = vc.network.random_walk(g2)
    assert rw.iloc[6] == 0.0
    np.testing.assert_allclose(rw.iloc[:6], vc.network.random_walk(g).to_numpy(), rtol=1e-10)


def test_centrality_table(testmrio):
    g = vc.supply_graph(testmrio)
    df = vc.network.centrality(g)
    cols = ["out_strength", "in_strength", "pagerank", "hub", "authority", "eigenvector", "katz", "betweenness",
            "closeness", "random_walk", "counting_betweenness", "influence"]
    assert list(df.columns) == cols
    assert df.index.equals(g.nodes) and df.attrs["weight"] == "flow"
    assert np.isfinite(df.to_numpy()).all()
    pd.testing.assert_series_equal(df["pagerank"], vc.network.pagerank(g), check_names=False, check_exact=False)
    np.testing.assert_allclose(df["out_strength"], testmrio.Z.sum(axis=1) - np.diag(testmrio.Z))
    bb = vc.network.centrality(g, paths="backbone", backbone_alpha=0.05)
    np.testing.assert_allclose(bb["betweenness"], vc.network.betweenness(vc.network.backbone(g)))
    # an IOTable is accepted (default graph)
    np.testing.assert_allclose(vc.network.pagerank(testmrio), vc.network.pagerank(g))
    # personalisation by final demand
    p = vc.network.pagerank(g, personalization="final_demand")
    assert p.sum() == pytest.approx(1.0) and not np.allclose(p, df["pagerank"])


def test_bad_parameters(testmrio):
    g = vc.supply_graph(testmrio)
    with pytest.raises(ParameterError, match=r"The 'damping' parameter of pagerank must be a float in \(0, 1\)\. Got 1\.5 instead\."):
        vc.network.pagerank(g, damping=1.5)
    with pytest.raises(ParameterError, match="'direction'"):
        vc.network.pagerank(g, direction="up")
    with pytest.raises(ParameterError, match="'neglog'"):
        vc.network.betweenness(g, distance="neglog")
    with pytest.raises(ParameterError, match="'alpha' parameter of katz"):
        vc.network.katz(g, alpha=10.0)
    with pytest.raises(ParameterError, match="'personalization'"):
        vc.network.pagerank(g, personalization="nope")
    with pytest.raises(ParameterError, match="'graph' parameter of centrality"):
        vc.network.centrality("graph")
