"""Node centralities of a supplier -> customer graph.

Every function takes a :class:`~valuechain.SupplyGraph` (an
:class:`~valuechain.IOTable` is turned into ``supply_graph(table)`` first) and
returns a Series indexed by the graph's nodes; :func:`centrality` joins them in
one DataFrame.

Direction convention (METHODS §11.1)
------------------------------------
Edges point from supplier to customer.  ``direction="supply"`` computes a
measure on the graph as stored (networkx semantics on that DiGraph): walks
follow sales, so PageRank and random-walk centrality with row-normalised
weights ``P = D_out⁻¹ W`` (output shares B on a flow graph) follow supply
shocks downstream and rank nodes that *receive* much from central suppliers.
``direction="demand"`` computes the same measure on the reversed graph: walks
follow purchases (input shares A on a flow graph), demand shocks travel
upstream, and important suppliers rank high.  Strengths, hubs/authorities,
betweenness and the influence vector have no direction parameter.

Engines: scipy (sparse power iteration, linear solves, dense algebra for the
random-walk measures) and igraph for shortest paths (betweenness, closeness).
Shortest-path measures need a distance per edge: ``distance="inverse"`` uses
``1 / w``; ``distance="neglog"`` uses ``-ln(w)`` for share weights in (0, 1]
(multiplicative propagation: the path length is minus the log of the product
of shares).  Their cost grows as nodes x edges (31.7 s for a dense graph of 2,500
nodes, about an hour at 9,800), so :func:`centrality` computes them on the disparity
backbone by default when ``nodes * edges`` exceeds :data:`PATHS_AUTO_WORK` (5e8: a
dense graph of about 700 nodes), and says so in the result's attrs.

Dense steps (the random-walk fundamental matrix, dense linear solves) check their size
against the memory available first and raise :class:`~valuechain.errors.ResourceError`
naming it.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np
import pandas as pd
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as spla

from .._memory import check_dense, dense_bytes
from .._validation import check_choice, check_int, check_number
from ..errors import ConvergenceError, ParameterError
from ..graph import SupplyGraph, _edge_rows, supply_graph
from ..table import IOTable

__all__ = [
    "centrality",
    "strength",
    "pagerank",
    "hits",
    "eigenvector",
    "katz",
    "betweenness",
    "closeness",
    "random_walk",
    "counting_betweenness",
    "influence",
]

_DIRECTIONS = ("supply", "demand")
_DISTANCES = ("inverse", "neglog")
#: Node count up to which dense linear algebra is used.
DENSE_MAX = 5000
#: ``nodes * edges`` above which ``centrality(paths="auto")`` computes betweenness and
#: closeness on the backbone (Brandes' algorithm costs O(n m)).
PATHS_AUTO_WORK = 5e8

Progress = Callable[[str, int, int], None]


def _graph(obj: Any, func: str) -> SupplyGraph:
    if isinstance(obj, SupplyGraph):
        return obj
    if isinstance(obj, IOTable):
        return supply_graph(obj)
    raise ParameterError(f"The 'graph' parameter of {func} must be a SupplyGraph or an IOTable. "
                         f"Got {type(obj).__name__} instead.")


def _oriented(graph: SupplyGraph, direction: str, func: str) -> sp.csr_matrix:
    check_choice(direction, "direction", func, _DIRECTIONS)
    W = graph.adjacency
    return W if direction == "supply" else W.T.tocsr()


def _series(graph: SupplyGraph, values: np.ndarray, name: str, **attrs: Any) -> pd.Series:
    s = pd.Series(np.asarray(values, dtype=float), index=graph.nodes, name=name)
    m = graph.meta
    s.attrs = {"metric": name, "name": m.name, "year": m.year, "unit": m.unit, "source": m.source,
               "weight": graph.weight, **attrs}
    return s


def _row_stochastic(W: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """``D⁻¹ W`` and the mask of dangling rows (zero out-strength: rows of zeros)."""
    s = np.asarray(W.sum(axis=1)).ravel()
    inv = np.zeros_like(s)
    np.divide(1.0, s, out=inv, where=s > 0)
    return (sp.diags(inv) @ W).tocsr(), s <= 0


def _solve(M: sp.spmatrix, b: np.ndarray) -> np.ndarray:
    """Solve M y = b: dense LU for up to DENSE_MAX nodes, sparse LU above."""
    if M.shape[0] <= DENSE_MAX:
        check_dense(dense_bytes(M.shape[0], arrays=2), f"a dense linear solve of {M.shape[0]:,} unknowns: two "
                    f"{M.shape[0]:,} x {M.shape[0]:,} arrays")
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if M.shape[0] <= DENSE_MAX:
                out = sla.solve(M.toarray(), b, check_finite=False)
            else:
                out = spla.spsolve(sp.csc_matrix(M), b)
    except (np.linalg.LinAlgError, RuntimeError) as exc:
        raise ConvergenceError(f"The linear system of the centrality is singular ({exc}).") from exc
    if not np.all(np.isfinite(out)):
        raise ConvergenceError("The linear system of the centrality is singular (NaN/inf in the solution).")
    return out


def _perron(M: sp.csr_matrix) -> tuple[float, np.ndarray]:
    """Leading eigenvalue (largest real part) and non-negative eigenvector of a non-negative matrix."""
    n = M.shape[0]
    if n <= 2 or n <= 1000:
        vals, vecs = np.linalg.eig(M.toarray())
        k = int(np.argmax(vals.real))
        val, vec = vals[k].real, vecs[:, k].real
    else:
        vals, vecs = spla.eigs(M.astype(float), k=1, which="LR", tol=1e-12, maxiter=10000)
        val, vec = vals[0].real, vecs[:, 0].real
    vec = vec if vec.sum() >= 0 else -vec
    return float(val), np.clip(vec, 0.0, None)


# ------------------------------------------------------------------ strength
def strength(graph: SupplyGraph | IOTable) -> pd.DataFrame:
    """Out-strength (sales, row sums of W) and in-strength (purchases, column sums).

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("miller_blair"), self_loops=True)
    >>> vc.network.strength(g).to_numpy().tolist()
    [[650.0, 350.0], [300.0, 600.0]]
    """
    g = _graph(graph, "strength")
    df = pd.DataFrame({"out_strength": g.out_strength, "in_strength": g.in_strength}, index=g.nodes)
    df.attrs = _series(g, np.zeros(0) if g.n == 0 else np.zeros(g.n), "strength").attrs
    return df


# ------------------------------------------------------------------ PageRank
def _personalization(g: SupplyGraph, personalization: Any, func: str) -> np.ndarray:
    n = g.n
    if personalization is None:
        return np.full(n, 1.0 / n)
    if isinstance(personalization, str):
        if personalization not in g.node_attrs.columns:
            raise ParameterError(f"The 'personalization' parameter of {func} must name a node attribute "
                                 f"({list(g.node_attrs.select_dtypes('number').columns)}) or be a Series. "
                                 f"Got {personalization!r} instead.")
        v = np.clip(g.node_attrs[personalization].to_numpy(dtype=float), 0.0, None)
    elif isinstance(personalization, pd.Series):
        v = personalization.reindex(g.nodes).fillna(0.0).to_numpy(dtype=float)
    else:
        v = np.asarray(personalization, dtype=float)
        if v.shape != (n,):
            raise ParameterError(f"The 'personalization' parameter of {func} must have one value per node ({n}). "
                                 f"Got shape {v.shape} instead.")
    if not np.all(np.isfinite(v)) or (v < 0).any() or v.sum() <= 0:
        raise ParameterError(f"The 'personalization' parameter of {func} must be non-negative with a positive sum.")
    return v / v.sum()


def pagerank(graph: SupplyGraph | IOTable, *, damping: float = 0.85, personalization: Any = None,
             direction: str = "supply", tol: float = 1e-12, max_iter: int = 10000) -> pd.Series:
    """Weighted PageRank ``π = d P'π + (d Σ_{dangling} π + 1 - d) v`` with ``P = D_out⁻¹ W``.

    Parameters
    ----------
    graph : SupplyGraph or IOTable
    damping : float in (0, 1), default 0.85
    personalization : None, str, Series or array, optional
        Teleport distribution ``v``: uniform by default; the name of a node
        attribute (e.g. ``"final_demand"``, negative values clipped to 0), or
        values per node.  Dangling nodes (no out-edge) also jump according to v.
    direction : {"supply", "demand"}, default "supply"
        Walk along sales (as stored) or along purchases (reversed graph).
    tol : float, default 1e-12
        Convergence when the L1 change of π falls below tol.

    Returns
    -------
    Series named ``pagerank`` (sums to 1).

    Raises
    ------
    ConvergenceError
        No convergence within max_iter sparse power iterations.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("miller_blair"), self_loops=True)
    >>> vc.network.pagerank(g).round(4).tolist()
    [0.4682, 0.5318]
    """
    func = "pagerank"
    g = _graph(graph, func)
    d = check_number(damping, "damping", func, low=0, high=1, closed="neither")
    check_int(max_iter, "max_iter", func, low=1)
    W = _oriented(g, direction, func)
    n = g.n
    v = _personalization(g, personalization, func)
    P, dangling = _row_stochastic(W)
    PT = P.T.tocsr()
    x = v.copy()
    for _ in range(max_iter):
        xn = d * (PT @ x) + (d * x[dangling].sum() + (1.0 - d)) * v
        xn /= xn.sum()
        err = np.abs(xn - x).sum()
        x = xn
        if err < tol * max(n, 1) ** 0.5:
            break
    else:
        raise ConvergenceError(f"pagerank did not converge in {max_iter} iterations (last L1 change {err:.3g}).")
    return _series(g, x, "pagerank", direction=direction, damping=d, unit="probability",
                   method="weighted PageRank, sparse power iteration")


# ------------------------------------------------------------------ HITS
def hits(graph: SupplyGraph | IOTable) -> pd.DataFrame:
    """Hub and authority scores (Kleinberg): leading left/right singular vectors of W, each summing to 1.

    A good hub supplies good authorities (``h ∝ W a``); a good authority buys
    from good hubs (``a ∝ W' h``).

    Returns
    -------
    DataFrame with columns ``hub`` and ``authority``.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("miller_blair"), self_loops=True)
    >>> vc.network.hits(g).round(4).to_numpy().tolist()
    [[0.7563, 0.2872], [0.2437, 0.7128]]
    """
    g = _graph(graph, "hits")
    W = g.adjacency
    if g.m == 0:
        h = a = np.full(g.n, 1.0 / max(g.n, 1))
    elif g.n <= DENSE_MAX // 5:
        u, s, vt = np.linalg.svd(W.toarray())
        h, a = np.abs(u[:, 0]), np.abs(vt[0])
    else:
        u, s, vt = spla.svds(W, k=1, tol=1e-12, maxiter=10000)
        h, a = np.abs(u[:, 0]), np.abs(vt[0])
    df = pd.DataFrame({"hub": h / h.sum(), "authority": a / a.sum()}, index=g.nodes)
    df.attrs = {**_series(g, h, "hits").attrs, "method": "HITS (leading singular vectors)"}
    return df


# ------------------------------------------------------------------ eigenvector / Katz
def eigenvector(graph: SupplyGraph | IOTable, *, direction: str = "supply") -> pd.Series:
    """Eigenvector centrality: Perron vector ``x_j ∝ Σ_i w_ij x_i`` (unit Euclidean norm).

    With ``direction="supply"`` (networkx convention) a node is central when it
    buys from central suppliers; ``"demand"`` uses ``x_i ∝ Σ_j w_ij x_j`` (a node
    is central when it sells to central customers).

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("miller_blair"), "input_share", self_loops=True)
    >>> vc.network.eigenvector(g).round(4).tolist()
    [0.7449, 0.6672]
    """
    func = "eigenvector"
    g = _graph(graph, func)
    W = _oriented(g, direction, func)
    if g.m == 0:
        raise ConvergenceError("eigenvector: the graph has no edge; eigenvector centrality is undefined.")
    _, vec = _perron(W.T.tocsr())
    vec = vec / np.linalg.norm(vec)
    return _series(g, vec, "eigenvector", direction=direction, unit="unit norm")


def spectral_radius(graph: SupplyGraph) -> float:
    """Largest eigenvalue modulus of W (Perron root)."""
    if graph.m == 0:
        return 0.0
    return abs(_perron(graph.adjacency)[0])


def katz(graph: SupplyGraph | IOTable, *, alpha: float | None = None, beta: Any = 1.0,
         normalized: bool = True, direction: str = "supply") -> pd.Series:
    """Katz centrality ``x = β (I - α W')⁻¹ 1`` (networkx convention; ``"demand"``: ``(I - α W)⁻¹``).

    Parameters
    ----------
    alpha : float, optional
        Attenuation; must satisfy ``α ρ(W) < 1``.  Default ``0.9 / ρ(W)``.
    beta : float or array, default 1.0
        Exogenous term per node.
    normalized : bool, default True
        Scale to unit Euclidean norm (as networkx).  With ``normalized=False``,
        ``alpha=1`` on the input-share graph with self-loops gives the output
        multipliers (column sums of L).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> g = vc.supply_graph(t, "input_share", self_loops=True)
    >>> vc.network.katz(g, alpha=1.0, normalized=False).round(3).tolist()
    [1.518, 1.452]
    """
    func = "katz"
    g = _graph(graph, func)
    W = _oriented(g, direction, func)
    rho = spectral_radius(g)
    if alpha is None:
        alpha = 0.9 / rho if rho > 0 else 1.0
    alpha = check_number(alpha, "alpha", func, low=0, closed="neither")
    if alpha * rho >= 1 - 1e-12:
        raise ParameterError(f"The 'alpha' parameter of katz must be below 1 / spectral radius = {1 / rho:.6g}. "
                             f"Got {alpha!r} instead.")
    b = np.broadcast_to(np.asarray(beta, dtype=float), (g.n,)).copy()
    M = sp.identity(g.n, format="csr") - alpha * W.T
    x = _solve(M, b)
    if normalized:
        nrm = np.linalg.norm(x)
        x = x / (np.sign(x.sum()) * nrm) if nrm > 0 else x
    return _series(g, x, "katz", direction=direction, alpha=alpha)


# ------------------------------------------------------------------ shortest paths
def _distances(g: SupplyGraph, distance: str, func: str) -> np.ndarray:
    check_choice(distance, "distance", func, _DISTANCES)
    w = g.adjacency.data
    if distance == "inverse":
        return 1.0 / w
    if w.size and w.max() > 1.0:
        raise ParameterError(
            f"The 'distance' parameter of {func} is 'neglog', which needs share weights in (0, 1] "
            f"(input_share or output_share); this graph's '{g.weight}' weights reach {w.max():.6g}. "
            "Use distance='inverse' or a share-weighted graph."
        )
    return -np.log(w)


def _igraph_distances(g: SupplyGraph, dist: np.ndarray):
    import igraph as ig

    W = g.adjacency
    el = np.column_stack([_edge_rows(W), W.indices]).tolist()
    G = ig.Graph(n=g.n, edges=el, directed=True)
    # igraph wants strictly positive weights for some algorithms: a zero distance (share 1) becomes tiny.
    G.es["d"] = np.maximum(dist, 1e-300).tolist()
    return G


def betweenness(graph: SupplyGraph | IOTable, *, distance: str = "inverse", normalized: bool = True,
                progress: Progress | None = None) -> pd.Series:
    """Shortest-path betweenness with edge length ``1/w`` or ``-ln w`` (igraph, Brandes).

    Normalised as networkx for directed graphs: divided by ``(n - 1)(n - 2)``.
    Costs O(n m): on large dense graphs use a backbone (:func:`centrality` does so by
    default).  ``progress(step, done, total)`` is called as the sources are processed
    (in about 20 batches; the sum over batches is the exact betweenness).

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("testmrio"), "input_share")
    >>> b = vc.network.betweenness(vc.network.backbone(g), distance="neglog")
    >>> bool((b >= 0).all()) and b.name
    'betweenness'
    """
    func = "betweenness"
    g = _graph(graph, func)
    dist = _distances(g, distance, func)
    n = g.n
    if g.m == 0 or n < 3:
        vals = np.zeros(n)
    else:
        G = _igraph_distances(g, dist)
        with warnings.catch_warnings():  # share-1 edges have length ~0 (-ln 1): igraph warns about its tolerance
            warnings.simplefilter("ignore", RuntimeWarning)
            if progress is None:
                vals = np.asarray(G.betweenness(directed=True, weights="d"), dtype=float)
            else:
                vals = np.zeros(n)
                step = max(64, -(-n // 20))
                for start in range(0, n, step):
                    src = list(range(start, min(start + step, n)))
                    vals += np.asarray(G.betweenness(directed=True, weights="d", sources=src), dtype=float)
                    progress("betweenness", src[-1] + 1, n)
        if normalized:
            vals = vals / ((n - 1) * (n - 2))
    return _series(g, vals, "betweenness", distance=distance, method="Brandes shortest paths (igraph)")


def closeness(graph: SupplyGraph | IOTable, *, distance: str = "inverse", direction: str = "supply",
              chunk: int = 256, progress: Progress | None = None) -> pd.Series:
    """Closeness ``(r - 1)/Σ d · (r - 1)/(n - 1)`` over the r nodes that reach u (Wasserman-Faust, as networkx).

    ``direction="supply"`` uses distances *to* u along the edges (networkx on
    the stored DiGraph); ``"demand"`` distances *from* u.  Nodes reached by no
    one get 0.  Distances are computed *chunk* sources at a time (memory
    ``chunk x n``); ``progress(step, done, total)`` is called after each chunk.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("miller_blair"))
    >>> vc.network.closeness(g).round(6).tolist()
    [200.0, 500.0]
    """
    func = "closeness"
    g = _graph(graph, func)
    check_choice(direction, "direction", func, _DIRECTIONS)
    dist = _distances(g, distance, func)
    n = g.n
    if g.m == 0 or n < 2:
        return _series(g, np.zeros(n), "closeness", distance=distance, direction=direction)
    G = _igraph_distances(g, dist)
    mode = "out" if direction == "supply" else "in"
    tot = np.zeros(n)
    cnt = np.zeros(n)
    for start in range(0, n, chunk):
        src = list(range(start, min(start + chunk, n)))
        D = np.asarray(G.distances(source=src, weights="d", mode=mode), dtype=float)
        D[np.arange(len(src)), src] = np.inf  # exclude d(u, u)
        fin = np.isfinite(D)
        tot += np.where(fin, D, 0.0).sum(axis=0)
        cnt += fin.sum(axis=0)
        if progress is not None:
            progress("closeness", src[-1] + 1, n)
    out = np.zeros(n)
    ok = tot > 0
    out[ok] = (cnt[ok] / tot[ok]) * (cnt[ok] / (n - 1))
    return _series(g, out, "closeness", distance=distance, direction=direction)


# ------------------------------------------------------------------ random walks
def _walk(g: SupplyGraph, direction: str, func: str):
    """Transition matrix on the largest strongly connected component, its stationary
    distribution and mean first-passage times ``H[j, i]`` (j -> i)."""
    W = _oriented(g, direction, func)
    ncomp, lab = csgraph.connected_components(W, directed=True, connection="strong")
    sizes = np.bincount(lab)
    keep = np.flatnonzero(lab == np.argmax(sizes))
    N = len(keep)
    check_dense(dense_bytes(N, arrays=5), f"{func}: the random-walk fundamental matrix of the {N:,}-node strongly "
                f"connected component (five dense {N:,} x {N:,} arrays)",
                hint="Compute it on a smaller graph (SupplyGraph.subgraph or aggregate).")
    Wk = W[keep][:, keep].toarray()
    s = Wk.sum(axis=1)
    P = Wk / s[:, None] if len(keep) > 1 else np.ones((1, 1))
    M = np.eye(N) - P + 1.0
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pi = sla.solve(M.T, np.ones(N), check_finite=False)
            Zf = sla.inv(np.eye(N) - P + np.outer(np.ones(N), pi), check_finite=False)
    except np.linalg.LinAlgError as exc:
        raise ConvergenceError(f"{func}: the random-walk fundamental matrix is singular ({exc}).") from exc
    if not (np.isfinite(pi).all() and np.isfinite(Zf).all()):
        raise ConvergenceError(f"{func}: NaN/inf in the random-walk stationary distribution or fundamental matrix.")
    H = (np.diag(Zf)[None, :] - Zf) / pi[None, :]
    np.fill_diagonal(H, 0.0)
    return keep, P, pi, H


def _random_walk_values(g: SupplyGraph, walk: tuple | None) -> np.ndarray:
    out = np.zeros(g.n)
    if walk is not None:
        keep, P, pi, H = walk
        col = H.sum(axis=0)
        out[keep] = np.where(col > 0, len(keep) / np.where(col > 0, col, 1.0), 1.0)
    return out


def _counting_values(g: SupplyGraph, walk: tuple | None) -> np.ndarray:
    out = np.zeros(g.n)
    if walk is not None:
        keep, P, pi, H = walk
        N = len(keep)
        if N == 1:
            out[keep] = 1.0
        else:
            c = H.sum(axis=0)  # c_k = Σ_s H_sk
            Q = 1.0 - P / 2.0
            np.fill_diagonal(Q, 0.0)
            S = Q @ c + N * (Q * H.T).sum(axis=1) - c * Q.sum(axis=1)
            out[keep] = (pi * S + 1.5 * (N - 1)) / (N * (N - 1))
    return out


def random_walk(graph: SupplyGraph | IOTable, *, direction: str = "supply") -> pd.Series:
    """Random-walk centrality ``C_i = N / Σ_j H_ji`` (Noh & Rieger 2004; Blöchl et al. 2011).

    ``H_ji`` is the mean first-passage time of a walker from j to i with
    transition ``P = D_out⁻¹ W`` (``"supply"``: the walker follows sales, the
    path of a supply shock; ``"demand"``: purchases).  Self-loops are steps
    that stay put.  Computed with the fundamental matrix
    ``(I - P + 1π')⁻¹`` (dense, O(n³)) on the largest strongly connected
    component; nodes outside it cannot be reached by every walker and get 0.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("miller_blair"), self_loops=True)
    >>> vc.network.random_walk(g).round(4).tolist()
    [1.3333, 1.5385]
    """
    func = "random_walk"
    g = _graph(graph, func)
    out = _random_walk_values(g, _walk(g, direction, func) if g.m else None)
    return _series(g, out, "random_walk", direction=direction,
                   method="Noh & Rieger 2004 mean first-passage (largest strongly connected component)")


def counting_betweenness(graph: SupplyGraph | IOTable, *, direction: str = "supply") -> pd.Series:
    """Counting betweenness (Blöchl, Theis, Vega-Redondo & Fisher 2011): visits of absorbing walks.

    A walker starts at s, follows ``P = D_out⁻¹ W`` and is absorbed at t.
    ``N^{st}(i) = Σ_{j≠t} (N^{st}_{ij} + N^{st}_{ji}) / 2`` counts the expected
    uses of the edges out of and into i (self-loop steps included), plus 1 for
    the start when i = s; the target counts once.  The score averages over the
    ``N(N - 1)`` ordered pairs.  Computed in closed form from mean first-passage
    times: the expected visits to i before absorption are
    ``π_i (H_st + H_ti - H_si)`` (Kemeny & Snell), so no per-target inverse is
    needed.  Restricted to the largest strongly connected component (others: 0).

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("miller_blair"), self_loops=True)
    >>> vc.network.counting_betweenness(g).round(4).tolist()
    [1.15, 1.25]
    """
    func = "counting_betweenness"
    g = _graph(graph, func)
    out = _counting_values(g, _walk(g, direction, func) if g.m else None)
    return _series(g, out, "counting_betweenness", direction=direction,
                   method="Blöchl et al. 2011 counting betweenness (largest strongly connected component)")


# ------------------------------------------------------------------ influence vector
def influence(graph: SupplyGraph | IOTable) -> pd.Series:
    """Influence vector ``λ = (I - A)⁻¹ β``, ``β = f / Σf`` (Acemoglu et al. 2012) from the graph's own edges.

    A is recovered from the weights (flow: ``W x̂⁻¹``; input_share: W;
    output_share: ``x̂ W x̂⁻¹``) and the node attributes output and
    final_demand.  On a graph that keeps every flow (``self_loops=True``, no
    threshold) it equals the Domar weights ``x / GDP``; on a sparsified graph it
    is the influence of the truncated network.

    Raises
    ------
    ParameterError
        The graph's weight is not flow/input_share/output_share, or it lacks
        output and final_demand node attributes.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("miller_blair"), self_loops=True)
    >>> vc.network.influence(g).round(6).tolist()
    [0.487805, 0.97561]
    """
    func = "influence"
    g = _graph(graph, func)
    attrs = g.node_attrs
    if g.weight not in ("flow", "input_share", "output_share") or not {"output", "final_demand"} <= set(attrs.columns):
        raise ParameterError(
            f"influence needs a graph built from a table with weight 'flow', 'input_share' or 'output_share' "
            f"(node attributes output and final_demand); got weight {g.weight!r}."
        )
    x = attrs["output"].to_numpy(dtype=float)
    f = attrs["final_demand"].to_numpy(dtype=float)
    if f.sum() == 0:
        raise ParameterError("influence: total final demand is 0; the influence vector is undefined.")
    xinv = np.zeros_like(x)
    np.divide(1.0, x, out=xinv, where=x != 0)
    W = g.adjacency
    if g.weight == "flow":
        A = W @ sp.diags(xinv)
    elif g.weight == "input_share":
        A = W
    else:
        A = sp.diags(x) @ W @ sp.diags(xinv)
    lam = _solve(sp.identity(g.n, format="csr") - A, f / f.sum())
    return _series(g, lam, "influence", unit="share of GDP", method="Acemoglu et al. 2012 (Domar weights)")


# ------------------------------------------------------------------ all together
def centrality(graph: SupplyGraph | IOTable, *, damping: float = 0.85, personalization: Any = None,
               distance: str = "inverse", direction: str = "supply", paths: str = "auto",
               backbone_alpha: float = 0.05, katz_alpha: float | None = None,
               progress: Progress | None = None) -> pd.DataFrame:
    """All centralities of every node in one tidy DataFrame.

    Parameters
    ----------
    graph : SupplyGraph or IOTable
    damping, personalization : see :func:`pagerank`
    distance : {"inverse", "neglog"}, default "inverse"
        Edge length for betweenness and closeness.
    direction : {"supply", "demand"}, default "supply"
        For PageRank, eigenvector, Katz, closeness and the random-walk measures.
    paths : {"auto", "graph", "backbone"}, default "auto"
        Graph for the shortest-path measures (betweenness, closeness): the graph
        itself or its disparity backbone at ``backbone_alpha`` (much faster on
        dense IO graphs).  ``"auto"`` uses the graph when ``nodes * edges`` is at
        most :data:`PATHS_AUTO_WORK` (5e8, about 10 s) and the backbone above; the
        choice is in ``attrs["paths"]`` and ``attrs["paths_rule"]``.
    katz_alpha : float, optional
        Katz attenuation (default 0.9 / spectral radius).
    progress : callable, optional
        ``progress(step, done, total)``, called as the measures are computed (the
        CLI draws a progress bar with it).

    Returns
    -------
    DataFrame indexed by node with columns out_strength, in_strength, pagerank,
    hub, authority, eigenvector, katz, betweenness, closeness, random_walk,
    counting_betweenness and, for graphs built from a table with flow or share
    weights, influence.  ``attrs`` records the parameters, ``paths`` (the graph
    actually used for the path measures) and ``paths_rule`` (why).

    Examples
    --------
    >>> c = vc.network.centrality(vc.supply_graph(vc.datasets.load("testmrio")))
    >>> c.shape, c["pagerank"].sum().round(6)
    ((48, 12), np.float64(1.0))
    """
    func = "centrality"
    g = _graph(graph, func)
    check_number(damping, "damping", func, low=0, high=1, closed="neither")
    check_choice(paths, "paths", func, ("auto", "graph", "backbone"))
    check_choice(distance, "distance", func, _DISTANCES)
    check_choice(direction, "direction", func, _DIRECTIONS)
    used, rule = _paths_choice(g, paths, backbone_alpha)
    has_influence = (g.weight in ("flow", "input_share", "output_share")
                     and {"output", "final_demand"} <= set(g.node_attrs.columns))
    steps = ["strength", "pagerank", "hits", "eigenvector", "katz", "betweenness", "closeness", "random walks"]
    steps += ["influence"] * has_influence

    def report(step: str) -> None:
        if progress is not None:
            progress(step, steps.index(step), len(steps))

    report("strength")
    df = strength(g)
    report("pagerank")
    df["pagerank"] = pagerank(g, damping=damping, personalization=personalization, direction=direction)
    report("hits")
    df = df.join(hits(g))
    report("eigenvector")
    df["eigenvector"] = eigenvector(g, direction=direction)
    report("katz")
    df["katz"] = katz(g, alpha=katz_alpha, direction=direction)
    if used == "backbone":
        from .backbone import backbone

        pg = backbone(g, alpha=backbone_alpha)
    else:
        pg = g
    df["betweenness"] = betweenness(pg, distance=distance, progress=progress)
    df["closeness"] = closeness(pg, distance=distance, direction=direction, progress=progress)
    report("random walks")
    walk = _walk(g, direction, func) if g.m else None  # one fundamental matrix for both random-walk measures
    df["random_walk"] = _random_walk_values(g, walk)
    df["counting_betweenness"] = _counting_values(g, walk)
    if has_influence:
        report("influence")
        df["influence"] = influence(g)
    if progress is not None:
        progress("done", len(steps), len(steps))
    m = g.meta
    df.attrs = {"metric": "centrality", "name": m.name, "year": m.year, "unit": m.unit, "source": m.source,
                "weight": g.weight, "direction": direction, "distance": distance, "paths": used,
                "paths_rule": rule}
    return df


def _paths_choice(g: SupplyGraph, paths: str, alpha: float) -> tuple[str, str]:
    """The graph for the path measures (``"graph"`` or ``"backbone"``) and the sentence saying why."""
    work = float(g.n) * float(g.m)
    if paths != "auto":
        return paths, f"paths={paths!r} as asked"
    if work <= PATHS_AUTO_WORK:
        return "graph", (f"paths='auto': betweenness and closeness on the graph ({g.n:,} nodes x {g.m:,} edges "
                         f"<= {PATHS_AUTO_WORK:.0e})")
    return "backbone", (f"paths='auto': betweenness and closeness on the disparity backbone (alpha={alpha:g}) "
                        f"because {g.n:,} nodes x {g.m:,} edges exceeds {PATHS_AUTO_WORK:.0e}; "
                        "pass paths='graph' for the full graph (slow)")
