"""Value-chain communities: Leiden, Louvain and Infomap partitions, community cores, modularity, summaries.

Every partition is a Series of int community ids indexed by the graph's nodes
and named ``"community"``; ids are renumbered 0, 1, ... by decreasing community
size (ties by first member), so results are comparable across methods and runs.

Randomness comes only from ``seed``: Leiden uses leidenalg's own seed; Louvain
and Infomap (igraph) run with a private ``random.Random(seed)`` installed as
igraph's generator for the call and the previous generator restored after.
"""

from __future__ import annotations

import contextlib
import random
from typing import Any, Iterator

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph

from .._memory import check_dense, dense_bytes
from .._validation import check_choice, check_int, check_number
from ..errors import LabelError, ParameterError
from ..graph import SupplyGraph, _edge_rows
from .centrality import _graph

__all__ = ["communities", "community_cores", "coassignment", "modularity", "community_summary"]

_METHODS = ("leiden", "louvain", "infomap")
_OBJECTIVES = ("modularity", "CPM")


@contextlib.contextmanager
def _igraph_seed(seed: int) -> Iterator[None]:
    import igraph as ig

    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Ids 0.. by decreasing size, ties by first appearance."""
    labels = np.asarray(labels)
    uniq, first, inv, counts = np.unique(labels, return_index=True, return_inverse=True, return_counts=True)
    order = np.lexsort((first, -counts))
    new = np.empty(len(uniq), dtype=np.int64)
    new[order] = np.arange(len(uniq))
    return new[inv.ravel()]


def _undirected(W: sp.csr_matrix) -> sp.csr_matrix:
    """Undirected edge list of ``W + W'``: each pair once (weights of both directions summed), self-loops once."""
    U = sp.triu((W + W.T).tocsr(), k=1) + sp.diags(W.diagonal())
    U = sp.csr_matrix(U)
    U.eliminate_zeros()
    return U


def _igraph_from(W: sp.csr_matrix, directed: bool):
    import igraph as ig

    M = W if directed else _undirected(W)
    M = sp.csr_matrix(M)
    el = np.column_stack([_edge_rows(M), M.indices]).tolist()
    G = ig.Graph(n=M.shape[0], edges=el, directed=directed)
    G.es["weight"] = M.data.tolist()
    return G


def _membership(g: SupplyGraph, method: str, objective: str, resolution: float, seed: int, directed: bool,
                G=None, n_iterations: int = 2) -> np.ndarray:
    if g.n == 0:
        return np.zeros(0, dtype=np.int64)
    if method == "leiden" and not directed:  # igraph's C implementation: several times faster at scale
        G = G if G is not None else _igraph_from(g.adjacency, False)
        with _igraph_seed(seed):
            cl = G.community_leiden(objective_function="modularity" if objective == "modularity" else "CPM",
                                    weights="weight", resolution=resolution, n_iterations=n_iterations)
        return np.asarray(cl.membership)
    if method == "leiden":
        import leidenalg

        G = G if G is not None else _igraph_from(g.adjacency, directed)
        cls = leidenalg.RBConfigurationVertexPartition if objective == "modularity" else leidenalg.CPMVertexPartition
        part = leidenalg.find_partition(G, cls, weights="weight", resolution_parameter=resolution,
                                        seed=int(seed), n_iterations=n_iterations)
        return np.asarray(part.membership)
    if objective != "modularity":
        raise ParameterError(f"The 'objective' parameter of communities must be 'modularity' for method "
                             f"{method!r} (CPM is available with method='leiden'). Got {objective!r} instead.")
    if method == "louvain":
        G = G if G is not None else _igraph_from(g.adjacency, False)
        with _igraph_seed(seed):
            cl = G.community_multilevel(weights="weight", resolution=resolution)
        return np.asarray(cl.membership)
    G = G if G is not None else _igraph_from(g.adjacency, directed)
    with _igraph_seed(seed):
        cl = G.community_infomap(edge_weights="weight", trials=10)
    return np.asarray(cl.membership)


def communities(graph: Any, method: str = "leiden", *, objective: str = "modularity", resolution: float = 1.0,
                seed: int = 0, directed: bool = True, n_iterations: int = 2) -> pd.Series:
    """Partition the graph into value-chain communities.

    Parameters
    ----------
    graph : SupplyGraph or IOTable
    method : {"leiden", "louvain", "infomap"}, default "leiden"
        Leiden (leidenalg; Traag, Waltman & van Eck 2019), Louvain (igraph
        multilevel, undirected; Blondel et al. 2008) or Infomap (igraph's map
        equation; Rosvall & Bergstrom 2008).
    objective : {"modularity", "CPM"}, default "modularity"
        Leiden quality: modularity with a resolution parameter (directed
        modularity of Leicht & Newman 2008 when ``directed``) or the Constant
        Potts Model (resolution = density threshold in weight units).
    resolution : float, default 1.0
    seed : int, default 0
    directed : bool, default True
        Use edge directions (Leiden, Infomap); otherwise ``W + W'`` is used.
        Louvain is always undirected.  Undirected Leiden runs igraph's C
        implementation (fast on firm-level graphs with millions of edges); directed
        Leiden runs leidenalg.
    n_iterations : int, default 2
        Leiden passes (leidenalg's default); -1 iterates until the partition no longer changes.

    Returns
    -------
    Series of int named ``community`` (0 = largest community).

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
    >>> c = vc.network.communities(g, seed=0)
    >>> c.name, int(c.nunique()) >= 2
    ('community', True)
    """
    func = "communities"
    g = _graph(graph, func)
    check_choice(method, "method", func, _METHODS)
    check_choice(objective, "objective", func, _OBJECTIVES)
    resolution = check_number(resolution, "resolution", func, low=0)
    seed = check_int(seed, "seed", func, low=0)
    if not isinstance(n_iterations, (int, np.integer)) or isinstance(n_iterations, bool) or n_iterations == 0 \
            or n_iterations < -1:
        raise ParameterError(f"The 'n_iterations' parameter of {func} must be a positive int or -1. "
                             f"Got {n_iterations!r} instead.")
    if method == "louvain":
        directed = False
    memb = _renumber(_membership(g, method, objective, resolution, seed, directed, n_iterations=int(n_iterations)))
    s = pd.Series(memb, index=g.nodes, name="community", dtype="int64")
    m = g.meta
    s.attrs = {"metric": "community", "name": m.name, "year": m.year, "source": m.source, "weight": g.weight,
               "method": method, "objective": objective, "resolution": resolution, "seed": seed,
               "directed": directed}
    return s


def coassignment(graph: Any, *, runs: int = 50, seed: int = 0, method: str = "leiden", objective: str = "modularity",
                 resolution: float = 1.0, directed: bool = True) -> pd.DataFrame:
    """Share of runs (seeds ``seed .. seed + runs - 1``) in which each pair of nodes shares a community.

    Returns
    -------
    DataFrame n x n (index and columns = nodes), values in [0, 1], diagonal 1.
    """
    func = "coassignment"
    g = _graph(graph, func)
    runs = check_int(runs, "runs", func, low=1)
    seed = check_int(seed, "seed", func, low=0)
    check_choice(method, "method", func, _METHODS)
    check_choice(objective, "objective", func, _OBJECTIVES)
    check_dense(dense_bytes(g.n, arrays=2), f"{func}: the dense {g.n:,} x {g.n:,} co-assignment matrix",
                hint="Compute it on a smaller graph (SupplyGraph.subgraph or aggregate).")
    G = _igraph_from(g.adjacency, directed and method != "louvain") if g.n else None
    C = np.zeros((g.n, g.n))
    for r in range(runs):
        memb = _membership(g, method, objective, resolution, seed + r, directed, G=G)
        onehot = sp.csr_matrix((np.ones(g.n), (np.arange(g.n), memb)))
        C += (onehot @ onehot.T).toarray()
    C /= runs
    df = pd.DataFrame(C, index=g.nodes, columns=g.nodes)
    df.attrs = {"metric": "coassignment", "runs": runs, "seed": seed, "method": method}
    return df


def community_cores(graph: Any, *, runs: int = 50, seed: int = 0, threshold: float = 0.9, method: str = "leiden",
                    objective: str = "modularity", resolution: float = 1.0, directed: bool = True) -> pd.DataFrame:
    """Community cores: groups of nodes co-assigned in at least ``threshold`` of many runs (Zhu et al. 2014).

    The stochastic optimiser runs ``runs`` times with seeds ``seed, seed + 1, ...``;
    two nodes are linked when they share a community in at least ``threshold``
    of the runs, and the cores are the connected components of that relation
    with two or more members.

    Returns
    -------
    DataFrame indexed by node with ``core`` (int id by decreasing size; -1 for
    nodes in no core) and ``coreness`` (mean co-assignment share with the other
    members of the node's core; 0 outside cores).

    References
    ----------
    Zhu, Cerina, Chessa, Caldarelli & Riccaboni (2014), "The rise of China in the
    international trade network: a community core detection approach", PLoS ONE 9(8):e105496.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
    >>> cores = vc.network.community_cores(g, runs=10)
    >>> list(cores.columns)
    ['core', 'coreness']
    """
    func = "community_cores"
    threshold = check_number(threshold, "threshold", func, low=0, high=1, closed="right")
    g = _graph(graph, func)
    C = coassignment(g, runs=runs, seed=seed, method=method, objective=objective, resolution=resolution,
                     directed=directed).to_numpy()
    link = sp.csr_matrix(C >= threshold - 1e-12)
    _, lab = csgraph.connected_components(link, directed=False)
    sizes = np.bincount(lab)
    in_core = sizes[lab] >= 2
    core = np.full(g.n, -1, dtype=np.int64)
    if in_core.any():
        core[in_core] = _renumber(lab[in_core])
    coreness = np.zeros(g.n)
    for k in np.unique(core[core >= 0]):
        idx = np.flatnonzero(core == k)
        sub = C[np.ix_(idx, idx)]
        coreness[idx] = (sub.sum(axis=1) - 1.0) / (len(idx) - 1)
    df = pd.DataFrame({"core": core, "coreness": coreness}, index=g.nodes)
    df.attrs = {"metric": "community_cores", "runs": runs, "seed": seed, "threshold": threshold, "method": method}
    return df


def _codes(g: SupplyGraph, partition: Any, func: str) -> np.ndarray:
    if isinstance(partition, pd.Series):
        p = partition.reindex(g.nodes)
        if p.isna().any():
            raise LabelError(f"{func}: the partition has no community for {int(p.isna().sum())} node(s), "
                             f"e.g. {p.index[p.isna()][0]!r}.")
        vals = p.to_numpy()
    else:
        vals = np.asarray(partition)
        if vals.shape != (g.n,):
            raise ParameterError(f"The 'partition' parameter of {func} must have one entry per node ({g.n}). "
                                 f"Got shape {vals.shape} instead.")
    return pd.factorize(vals)[0]


def modularity(graph: Any, partition: Any, *, resolution: float = 1.0, directed: bool = True) -> float:
    """Modularity of a partition: ``Q = (1/m) Σ_ij [w_ij - γ s_i^out s_j^in / m] δ(c_i, c_j)`` (directed).

    With ``directed=False`` the graph ``W + W'`` is used with the undirected
    formula (Newman).  ``m`` is the total weight.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
    >>> round(vc.network.modularity(g, g.node_attrs["region"]), 4) > 0
    True
    """
    func = "modularity"
    g = _graph(graph, func)
    resolution = check_number(resolution, "resolution", func, low=0)
    c = _codes(g, partition, func)
    W = g.adjacency if directed else (g.adjacency + g.adjacency.T).tocsr()
    m = W.sum()
    if m == 0:
        return 0.0
    rows = _edge_rows(W)
    inside = W.data[c[rows] == c[W.indices]].sum()
    k = int(c.max()) + 1 if len(c) else 0
    s_out = np.bincount(c, weights=np.asarray(W.sum(axis=1)).ravel(), minlength=k)
    s_in = np.bincount(c, weights=np.asarray(W.sum(axis=0)).ravel(), minlength=k)
    return float(inside / m - resolution * (s_out * s_in).sum() / m**2)


def community_summary(graph: Any, partition: Any) -> pd.DataFrame:
    """One row per community: size, output, leading region and sector, members by region/sector, internal flows.

    Columns: ``size``; ``output`` (sum of node output when known);
    ``leading_region`` (region with the largest output in the community, by
    member count when output is unknown) and ``leading_region_share``;
    ``leading_sector``; ``regions`` and ``sectors`` ("label:count" by
    decreasing count); ``internal_share`` (share of the community's outgoing
    edge weight that stays inside, self-loops included); ``members`` (string
    labels, ";"-separated).

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
    >>> s = vc.network.community_summary(g, g.node_attrs["region"])
    >>> s["size"].tolist()
    [8, 8, 8, 8, 8, 8]
    """
    func = "community_summary"
    g = _graph(graph, func)
    if isinstance(partition, pd.Series):
        part = partition.reindex(g.nodes)
        if part.isna().any():
            raise LabelError(f"{func}: the partition has no community for {int(part.isna().sum())} node(s).")
    else:
        part = pd.Series(np.asarray(partition), index=g.nodes)
    attrs = g.node_attrs
    region = attrs["region"] if "region" in attrs else (
        pd.Series(g.nodes.get_level_values("region"), index=g.nodes) if isinstance(g.nodes, pd.MultiIndex) else None)
    sector = attrs["sector"] if "sector" in attrs else None
    out = attrs["output"].astype(float) if "output" in attrs else pd.Series(1.0, index=g.nodes)
    codes, uniq = pd.factorize(part.to_numpy())
    W = g.adjacency
    rows = _edge_rows(W)
    same = codes[rows] == codes[W.indices]
    tot_out = np.bincount(codes[rows], weights=W.data, minlength=len(uniq))
    inside = np.bincount(codes[rows][same], weights=W.data[same], minlength=len(uniq))
    labels = np.asarray(g.labels(), dtype=object)

    def counts(col: pd.Series | None, members: np.ndarray) -> tuple[str, str]:
        if col is None:
            return "", ""
        vc_ = col.iloc[members].astype(str).value_counts(sort=True)
        return ", ".join(f"{k}:{v}" for k, v in vc_.items()), str(vc_.index[0])

    recs = []
    for k, cid in enumerate(uniq):
        mem = np.flatnonzero(codes == k)
        rec: dict[str, Any] = {"community": cid, "size": len(mem), "output": float(out.iloc[mem].sum())}
        if region is not None:
            by_out = out.iloc[mem].groupby(region.iloc[mem].astype(str).to_numpy()).sum().sort_values(ascending=False)
            rec["leading_region"] = str(by_out.index[0])
            rec["leading_region_share"] = float(by_out.iloc[0] / by_out.sum()) if by_out.sum() > 0 else 0.0
            rec["regions"] = counts(region, mem)[0]
        if sector is not None:
            by_out_s = out.iloc[mem].groupby(sector.iloc[mem].astype(str).to_numpy()).sum().sort_values(ascending=False)
            rec["leading_sector"] = str(by_out_s.index[0])
            rec["sectors"] = counts(sector, mem)[0]
        rec["internal_share"] = float(inside[k] / tot_out[k]) if tot_out[k] > 0 else 0.0
        rec["members"] = ";".join(labels[mem])
        recs.append(rec)
    df = pd.DataFrame(recs).set_index("community").sort_values(["size", "output"], ascending=False)
    m = g.meta
    df.attrs = {"metric": "community_summary", "name": m.name, "year": m.year, "unit": m.unit, "source": m.source,
                "weight": g.weight}
    return df
