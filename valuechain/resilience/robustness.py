"""Robustness curves: what remains of a supply network as nodes or edges are removed.

Nodes (or edges) are removed in steps, at random (many draws, with a band) or
in order of a score recomputed on the remaining network after every step.  Two
curves are reported against the fraction removed:

* ``scc_share``: nodes in the largest strongly connected component of the
  remaining network, as a share of all nodes (``scipy.sparse.csgraph``);
* ``output_share``: remaining gross output by hypothetical extraction,
  ``1' (I − A_RR)⁻¹ f_R / 1' x`` for the remaining nodes R (edges: the removed
  coefficients set to 0), when the input carries flows (an IOTable, or a
  SupplyGraph with ``weight="flow"`` and an ``output`` node attribute).

The area under each curve (trapezoid over the removed fraction in [0, 1]) is
the robustness score R (Schneider et al. 2011).  A random node removal on a
directed Erdős–Rényi graph with mean degree ⟨k⟩ collapses near ``1 − 1/⟨k⟩``.
"""

from __future__ import annotations

import warnings

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import connected_components

from .._validation import check_choice, check_int
from ..errors import ConvergenceError, ParameterError
from ..table import IOTable

__all__ = ["removal_curve"]

_NODE_ORDERS = ("random", "strength", "pagerank", "betweenness", "extraction")
_EDGE_ORDERS = ("random", "weight")


def _parts(obj: Any) -> tuple[sp.csr_matrix, pd.Index, np.ndarray | None, np.ndarray | None, dict]:
    """(W, nodes, x, f, meta-attrs) of an IOTable or a SupplyGraph-like object."""
    if isinstance(obj, IOTable):
        Z = obj.Z.to_numpy()
        x = obj.x.to_numpy()
        return sp.csr_matrix(Z), obj.nodes, x, x - Z.sum(axis=1), obj.attrs("removal_curve")
    adj = getattr(obj, "adjacency", None)
    nodes = getattr(obj, "nodes", None)
    if adj is None or nodes is None:
        raise ParameterError("The 'graph_or_table' parameter of removal_curve must be an IOTable or a "
                             f"SupplyGraph (with .adjacency and .nodes). Got {type(obj).__name__} instead.")
    W = sp.csr_matrix(adj, dtype=float)
    x = f = None
    na = getattr(obj, "node_attrs", None)
    if getattr(obj, "weight", "flow") == "flow" and isinstance(na, pd.DataFrame) and "output" in na.columns:
        x = na["output"].reindex(nodes).to_numpy(dtype=float)
        f = x - np.asarray(W.sum(axis=1)).ravel()
    meta = getattr(obj, "meta", None)
    attrs = {"metric": "removal_curve", "name": getattr(meta, "name", ""), "year": getattr(meta, "year", None),
             "unit": getattr(meta, "unit", ""), "source": getattr(meta, "source", "")}
    return W, pd.Index(nodes), x, f, attrs


def _scc_size(W: sp.csr_matrix, keep: np.ndarray) -> int:
    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        return 0
    sub = W[idx][:, idx]
    _, labels = connected_components(sub, directed=True, connection="strong")
    return int(np.bincount(labels).max())


def _remaining_output(A: sp.csr_matrix, f: np.ndarray, keep: np.ndarray) -> float:
    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        return 0.0
    sub = A[idx][:, idx]
    M = sp.identity(len(idx), format="csc") - sub.tocsc()
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if len(idx) <= 1500 or sub.nnz > 0.2 * len(idx) ** 2:
                out = np.linalg.solve(M.toarray(), f[idx])
            else:
                out = spla.spsolve(M, f[idx])
    except (np.linalg.LinAlgError, RuntimeError) as exc:
        raise ConvergenceError(f"removal_curve: I - A of the remaining nodes is singular ({exc}).") from exc
    if not np.isfinite(out).all():
        raise ConvergenceError("removal_curve: I - A of the remaining nodes is singular (NaN/inf in the solution).")
    return float(out.sum())


def _pagerank(W: sp.csr_matrix, damping: float = 0.85, tol: float = 1e-10, max_iter: int = 200) -> np.ndarray:
    n = W.shape[0]
    out = np.asarray(W.sum(axis=1)).ravel()
    inv = np.zeros(n)
    np.divide(1.0, out, out=inv, where=out > 0)
    P = sp.diags(inv) @ W  # row-stochastic on non-dangling rows
    PT = P.T.tocsr()
    p = np.full(n, 1.0 / n)
    dangling = out == 0
    for _ in range(max_iter):
        new = damping * (PT @ p + p[dangling].sum() / n) + (1 - damping) / n
        if np.abs(new - p).sum() < tol:
            return new
        p = new
    return p


def _node_scores(order: str, W: sp.csr_matrix, keep: np.ndarray, A: sp.csr_matrix | None, x: np.ndarray | None,
                 f: np.ndarray | None) -> np.ndarray:
    """Scores of the remaining nodes (higher = removed first); removed nodes get -inf."""
    idx = np.flatnonzero(keep)
    sub = W[idx][:, idx]
    if order == "strength":
        s = np.asarray(sub.sum(axis=0)).ravel() + np.asarray(sub.sum(axis=1)).ravel()
    elif order == "pagerank":
        s = _pagerank(sub)
    elif order == "betweenness":
        import igraph as ig

        src, dst = sub.nonzero()
        g = ig.Graph(n=len(idx), edges=list(zip(src.tolist(), dst.tolist())), directed=True)
        s = np.asarray(g.betweenness(directed=True), dtype=float)
    else:  # extraction: total-extraction loss in the remaining system, T_k = 1'L[:,k] x_k / l_kk
        As = A[idx][:, idx].toarray()
        M = np.eye(len(idx)) - As
        Lm = np.linalg.inv(M)
        xr = Lm @ f[idx]
        s = Lm.sum(axis=0) * xr / np.diag(Lm)
    out = np.full(W.shape[0], -np.inf)
    out[idx] = s
    return out


def _auc(frac: np.ndarray, y: np.ndarray) -> float:
    if np.isnan(y).all():
        return float("nan")
    return float(np.trapezoid(y, frac))


def removal_curve(graph_or_table: Any, order: str = "random", *, target: str = "nodes", steps: int = 20,
                  n_draws: int = 20, seed: int = 0, recompute: bool = True,
                  band: tuple[float, float] = (0.05, 0.95)) -> pd.DataFrame:
    """Remaining strongly connected core and output as nodes (or edges) are removed.

    Parameters
    ----------
    graph_or_table : IOTable or SupplyGraph
        A table is read as the graph ``Z > 0`` (edge i → j when i supplies j)
        with its flows; a SupplyGraph (or any object with a CSR ``adjacency``
        and ``nodes``) gives the output curve only when its weights are flows
        and ``node_attrs`` has ``output``.
    order : str, default "random"
        Nodes: ``"random"``, ``"strength"`` (in + out weight), ``"pagerank"``
        (along supply edges, damping 0.85), ``"betweenness"`` (igraph, hop
        distance) or ``"extraction"`` (total-extraction output loss; needs flows).
        Edges: ``"random"`` or ``"weight"`` (largest first).
    target : {"nodes", "edges"}, default "nodes"
    steps : int, default 20
        Number of removal steps; step k removes up to the fraction k/steps.
    n_draws : int, default 20
        Random orders averaged for ``order="random"``.
    seed : int, default 0
    recompute : bool, default True
        Recompute the score on the remaining network after every step (else rank once).
    band : (float, float), default (0.05, 0.95)
        Quantiles of the random draws reported as ``*_lo`` and ``*_hi``.

    Returns
    -------
    DataFrame
        Indexed by ``step`` (0 .. steps): ``fraction_removed``, ``n_removed``,
        ``scc_share``, ``output_share`` (NaN without flows); for random orders
        also ``scc_share_lo/hi`` and ``output_share_lo/hi``.  ``attrs`` has
        ``auc_scc`` and ``auc_output`` (areas under the mean curves), ``order``,
        ``target``, ``seed``, ``n_draws``.

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> rc = vc.resilience.removal_curve(t, "strength", steps=4)
    >>> rc["fraction_removed"].tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> float(rc["output_share"].iloc[0]), float(rc["output_share"].iloc[-1])
    (1.0, 0.0)
    """
    check_choice(target, "target", "removal_curve", ("nodes", "edges"))
    check_choice(order, "order", "removal_curve", _NODE_ORDERS if target == "nodes" else _EDGE_ORDERS)
    steps = check_int(steps, "steps", "removal_curve", low=1)
    n_draws = check_int(n_draws, "n_draws", "removal_curve", low=1)
    seed = check_int(seed, "seed", "removal_curve", low=0)
    W, nodes, x, f, attrs = _parts(graph_or_table)
    n = W.shape[0]
    has_flows = x is not None
    if order == "extraction" and not has_flows:
        raise ParameterError("removal_curve: order='extraction' needs flows (an IOTable, or a SupplyGraph with "
                             "weight='flow' and an 'output' node attribute).")
    A = None
    if has_flows:
        xinv = np.zeros(n)
        np.divide(1.0, x, out=xinv, where=x > 0)
        A = sp.csr_matrix(W @ sp.diags(xinv))
        total_x = float(x.sum())
    rng = np.random.default_rng(seed)
    frac = np.arange(steps + 1) / steps

    if target == "nodes":
        counts = np.round(frac * n).astype(int)

        def curve(perm: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
            keep = np.ones(n, dtype=bool)
            scc = np.empty(steps + 1)
            outp = np.full(steps + 1, np.nan)
            static_rank = None
            if perm is None and not recompute:
                static_rank = np.argsort(-_node_scores(order, W, keep, A, x, f), kind="stable")
            removed = 0
            for k in range(steps + 1):
                need = counts[k] - removed
                if need > 0:
                    if perm is not None:
                        drop = perm[removed:counts[k]]
                    elif static_rank is not None:
                        drop = static_rank[removed:counts[k]]
                    else:
                        sc = _node_scores(order, W, keep, A, x, f)
                        cand = np.flatnonzero(keep)
                        drop = cand[np.argsort(-sc[cand], kind="stable")[:need]]
                    keep[drop] = False
                    removed = counts[k]
                scc[k] = _scc_size(W, keep) / n
                if has_flows:
                    outp[k] = _remaining_output(A, f, keep) / total_x
            return scc, outp
    else:
        m = W.nnz
        Wc = W.tocoo()
        counts = np.round(frac * m).astype(int)

        def curve(perm: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
            if perm is None:
                perm = np.argsort(-Wc.data, kind="stable")
            scc = np.empty(steps + 1)
            outp = np.full(steps + 1, np.nan)
            allkeep = np.ones(n, dtype=bool)
            for k in range(steps + 1):
                kept = np.ones(m, dtype=bool)
                kept[perm[:counts[k]]] = False
                Wk = sp.csr_matrix((Wc.data[kept], (Wc.row[kept], Wc.col[kept])), shape=(n, n))
                scc[k] = _scc_size(Wk, allkeep) / n
                if has_flows:
                    Ak = sp.csr_matrix(Wk @ sp.diags(xinv))
                    outp[k] = _remaining_output(Ak, f, allkeep) / total_x
            return scc, outp

    df = pd.DataFrame({"fraction_removed": frac, "n_removed": counts}, index=pd.RangeIndex(steps + 1, name="step"))
    if order == "random":
        total = n if target == "nodes" else W.nnz
        runs = [curve(rng.permutation(total)) for _ in range(n_draws)]
        scc = np.array([r[0] for r in runs])
        outp = np.array([r[1] for r in runs])
        df["scc_share"] = scc.mean(axis=0)
        df["scc_share_lo"] = np.quantile(scc, band[0], axis=0)
        df["scc_share_hi"] = np.quantile(scc, band[1], axis=0)
        df["output_share"] = outp.mean(axis=0)
        df["output_share_lo"] = np.quantile(outp, band[0], axis=0)
        df["output_share_hi"] = np.quantile(outp, band[1], axis=0)
    else:
        scc, outp = curve(None)
        df["scc_share"] = scc
        df["output_share"] = outp
    attrs.update(order=order, target=target, seed=seed, n_draws=n_draws if order == "random" else 1,
                 recompute=recompute, auc_scc=_auc(frac, df["scc_share"].to_numpy()),
                 auc_output=_auc(frac, df["output_share"].to_numpy()))
    df.attrs = attrs
    return df
