"""Communities: planted partitions, cores, modularity against igraph/networkx, summaries."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import valuechain as vc
from valuechain.errors import LabelError, ParameterError
from valuechain.graph import SupplyGraph


def nmi(a, b) -> float:
    """Normalised mutual information (arithmetic mean normalisation), written out from the contingency table."""
    a = pd.factorize(np.asarray(a))[0]
    b = pd.factorize(np.asarray(b))[0]
    n = len(a)
    cont = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(cont, (a, b), 1)
    pij = cont / n
    pi, pj = pij.sum(1), pij.sum(0)
    nz = pij > 0
    mi = (pij[nz] * np.log(pij[nz] / np.outer(pi, pj)[nz])).sum()
    h = lambda p: -(p[p > 0] * np.log(p[p > 0])).sum()  # noqa: E731
    denom = (h(pi) + h(pj)) / 2
    return 1.0 if denom == 0 else mi / denom


def sbm(blocks=8, size=25, p_in=0.4, p_out=0.02, seed=0) -> tuple[SupplyGraph, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(blocks), size)
    n = len(truth)
    same = truth[:, None] == truth[None, :]
    prob = np.where(same, p_in, p_out)
    W = (rng.random((n, n)) < prob) * rng.lognormal(0, 0.5, (n, n))
    np.fill_diagonal(W, 0)
    nodes = pd.MultiIndex.from_arrays([[f"R{b}" for b in truth], [f"s{i}" for i in range(n)]],
                                      names=["region", "sector"])
    attrs = pd.DataFrame({"output": rng.uniform(1, 2, n), "region": [f"R{b}" for b in truth],
                          "sector": [f"s{i % 5}" for i in range(n)]}, index=nodes)
    return SupplyGraph(sp.csr_matrix(W), nodes, "flow", attrs, None), truth


def test_nmi_helper():
    assert nmi([0, 0, 1, 1], [5, 5, 7, 7]) == pytest.approx(1.0)
    assert nmi([0, 1, 0, 1], [0, 0, 1, 1]) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_leiden_recovers_planted_partition(seed):
    g, truth = sbm(seed=seed)
    c = vc.network.communities(g, method="leiden", seed=seed)
    assert c.name == "community" and c.index.equals(g.nodes) and c.dtype == np.int64
    assert nmi(c.to_numpy(), truth) >= 0.95
    assert nmi(vc.network.communities(g, method="leiden", directed=False).to_numpy(), truth) >= 0.95
    cpm = vc.network.communities(g, objective="CPM", resolution=0.1)
    assert nmi(cpm.to_numpy(), truth) >= 0.9


@pytest.mark.parametrize("method", ["louvain", "infomap"])
def test_other_methods_recover_planted_partition(method):
    g, truth = sbm(seed=3)
    assert nmi(vc.network.communities(g, method=method).to_numpy(), truth) >= 0.9


def test_seeded_runs_are_reproducible():
    g, _ = sbm(p_in=0.15, p_out=0.05, seed=4)
    a = vc.network.communities(g, seed=7)
    b = vc.network.communities(g, seed=7)
    pd.testing.assert_series_equal(a, b)
    for method in ("louvain", "infomap"):
        pd.testing.assert_series_equal(vc.network.communities(g, method=method, seed=3),
                                       vc.network.communities(g, method=method, seed=3))


def test_ids_ordered_by_size():
    g, _ = sbm(blocks=3, size=10, seed=2)
    c = vc.network.communities(g)
    sizes = c.value_counts().sort_index()
    assert list(sizes.index) == list(range(len(sizes))) and sizes.is_monotonic_decreasing


def test_cores_stable_across_seeds():
    g, truth = sbm(blocks=8, size=15, p_in=0.3, p_out=0.03, seed=5)
    a = vc.network.community_cores(g, runs=15, seed=0, threshold=0.9)
    b = vc.network.community_cores(g, runs=15, seed=1000, threshold=0.9)
    assert list(a.columns) == ["core", "coreness"]
    assert nmi(a["core"], b["core"]) >= 0.95
    assert nmi(a["core"], truth) >= 0.9
    inside = a["core"] >= 0
    assert ((a.loc[inside, "coreness"] >= 0.9 - 1e-12) & (a.loc[inside, "coreness"] <= 1)).all()


def test_coassignment_matrix():
    g, _ = sbm(blocks=2, size=6, seed=6)
    C = vc.network.coassignment(g, runs=3)
    assert C.shape == (g.n, g.n) and np.allclose(np.diag(C), 1.0) and np.allclose(C, C.T)


def test_modularity_matches_networkx_and_igraph():
    g, truth = sbm(blocks=4, size=10, seed=8)
    part = pd.Series(truth, index=g.nodes)
    G = g.to_networkx()
    groups = [set(g.nodes[truth == k]) for k in range(4)]
    assert vc.network.modularity(g, part) == pytest.approx(nx.community.modularity(G, groups, weight="weight"), abs=1e-12)
    assert vc.network.modularity(g, part, resolution=0.5) == pytest.approx(
        nx.community.modularity(G, groups, weight="weight", resolution=0.5), abs=1e-12)
    ig = g.to_igraph()
    assert vc.network.modularity(g, truth) == pytest.approx(ig.modularity(list(truth), weights="weight", directed=True))
    Gu = nx.Graph()
    Gu.add_nodes_from(G.nodes)
    for u, v, d in G.edges(data=True):
        w = Gu[u][v]["weight"] if Gu.has_edge(u, v) else 0.0
        Gu.add_edge(u, v, weight=w + d["weight"])
    assert vc.network.modularity(g, part, directed=False) == pytest.approx(
        nx.community.modularity(Gu, groups, weight="weight"), abs=1e-12)
    with pytest.raises(LabelError, match="no community"):
        vc.network.modularity(g, part.iloc[1:])


def test_community_summary():
    g, truth = sbm(blocks=3, size=8, seed=9)
    s = vc.network.community_summary(g, pd.Series(truth, index=g.nodes))
    assert s["size"].sum() == g.n and set(s["leading_region"]) == {"R0", "R1", "R2"}
    W = g.adjacency.toarray()
    k = s.index[0]
    mem = truth == k
    np.testing.assert_allclose(s.loc[k, "internal_share"], W[np.ix_(mem, mem)].sum() / W[mem].sum())
    assert s.loc[k, "leading_region_share"] == pytest.approx(1.0)
    assert s.loc[k, "regions"] == f"R{k}:8"


def test_bad_parameters():
    g, _ = sbm(blocks=2, size=5)
    with pytest.raises(ParameterError, match="'method' parameter of communities"):
        vc.network.communities(g, method="girvan")
    with pytest.raises(ParameterError, match="CPM is available with method='leiden'"):
        vc.network.communities(g, method="louvain", objective="CPM")
    with pytest.raises(ParameterError, match="'seed'"):
        vc.network.communities(g, seed=-1)
