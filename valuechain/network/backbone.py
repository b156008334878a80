"""Disparity-filter backbone of a directed weighted graph (Serrano, Boguñá & Vespignani 2009).

For an edge i -> j with weight w_ij the null model splits a node's strength
uniformly at random among its k edges.  The p-value of the edge's share
``p = w / s`` at a node of degree k is ``(1 - p)^(k - 1)``.  In a directed graph
the edge is tested twice: at its supplier (``p = w_ij / s_i^out``,
``k = k_i^out``) and at its buyer (``p = w_ij / s_j^in``, ``k = k_j^in``); it is
kept when it is significant for either end (``min(p_out, p_in) < alpha``).

Conventions
-----------
* An edge that is the only out-edge of its supplier (or the only in-edge of its
  buyer) has p-value 0 there and is always kept.
* ``alpha = 1`` keeps every edge.
* Self-loops are ordinary edges (they count in strength and degree).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_number
from ..errors import ParameterError
from ..graph import SupplyGraph, _edge_rows, _filter_csr

__all__ = ["backbone", "disparity_pvalues"]


def _pvalues(graph: SupplyGraph) -> tuple[np.ndarray, np.ndarray]:
    """Out- and in-side disparity p-values of every stored edge (CSR order)."""
    W = graph.adjacency
    n = W.shape[0]
    w = W.data
    rows = _edge_rows(W)
    cols = W.indices
    k_out = np.diff(W.indptr)
    k_in = np.bincount(cols, minlength=n)
    s_out = np.bincount(rows, weights=w, minlength=n)
    s_in = np.bincount(cols, weights=w, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_out = np.power(np.clip(1.0 - w / s_out[rows], 0.0, 1.0), k_out[rows] - 1.0)
        p_in = np.power(np.clip(1.0 - w / s_in[cols], 0.0, 1.0), k_in[cols] - 1.0)
    p_out[k_out[rows] == 1] = 0.0
    p_in[k_in[cols] == 1] = 0.0
    return p_out, p_in


def disparity_pvalues(graph: SupplyGraph) -> pd.DataFrame:
    """Disparity-filter p-values of every edge, at its supplier (``p_out``) and its buyer (``p_in``).

    Returns
    -------
    DataFrame
        The graph's :attr:`~valuechain.SupplyGraph.edges` plus columns ``p_out``,
        ``p_in`` and ``p`` (their minimum), in CSR order.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> g = vc.SupplyGraph(sp.csr_matrix(np.array([[0, 1., 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])),
    ...                    pd.Index(list("abcd"), name="region"), "flow", None, None)
    >>> vc.network.disparity_pvalues(g)["p_out"].round(4).tolist()
    [0.4444, 0.4444, 0.4444]
    """
    if not isinstance(graph, SupplyGraph):
        raise ParameterError(
            f"The 'graph' parameter of disparity_pvalues must be a SupplyGraph. Got {type(graph).__name__} instead.")
    p_out, p_in = _pvalues(graph)
    df = graph.edges
    df["p_out"] = p_out
    df["p_in"] = p_in
    df["p"] = np.minimum(p_out, p_in)
    df.attrs = {**df.attrs, "metric": "disparity_pvalues", "method": "Serrano et al. 2009 disparity filter (directed)"}
    return df


def backbone(graph: SupplyGraph, alpha: float = 0.05, *, share: float | None = None) -> SupplyGraph:
    """Disparity-filter backbone: keep edges significant at the supplier or the buyer.

    Parameters
    ----------
    graph : SupplyGraph
    alpha : float in (0, 1], default 0.05
        Significance level: keep an edge if ``min(p_out, p_in) < alpha``
        (``alpha = 1`` keeps every edge).
    share : float in (0, 1], optional
        Instead of a fixed level, keep this share of the edges with the smallest
        p-values (ties at the cut are kept), e.g. ``share=0.01`` for a 1 % backbone.

    Returns
    -------
    SupplyGraph
        Same nodes, weights and attributes; only the kept edges.

    References
    ----------
    Serrano, Boguñá & Vespignani (2009), "Extracting the multiscale backbone of
    complex weighted networks", PNAS 106(16):6483-6488.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
    >>> b = vc.network.backbone(g, alpha=0.05)
    >>> b.n == g.n, b.m < g.m
    (True, True)
    """
    if not isinstance(graph, SupplyGraph):
        raise ParameterError(f"The 'graph' parameter of backbone must be a SupplyGraph. Got {type(graph).__name__} instead.")
    alpha = check_number(alpha, "alpha", "backbone", low=0, high=1, closed="right")
    if graph.m == 0:
        return graph.with_adjacency(graph.adjacency, step=f"backbone(alpha={alpha:g})")
    p_out, p_in = _pvalues(graph)
    p = np.minimum(p_out, p_in)
    if share is not None:
        share = check_number(share, "share", "backbone", low=0, high=1, closed="right")
        k = max(int(np.ceil(share * graph.m)), 1)
        cut = np.partition(p, k - 1)[k - 1]
        keep = p <= cut
        step = f"backbone(share={share:g})"
    else:
        keep = np.ones_like(p, dtype=bool) if alpha >= 1 else p < alpha
        step = f"backbone(alpha={alpha:g})"
    return graph.with_adjacency(_filter_csr(graph.adjacency, keep), step=step)
