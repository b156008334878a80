"""Systemic risk of every node: the share of total output lost when it fails.

In the manner of the Economic Systemic Risk Index (ESRI; Diem, Borsos, Reisch,
Kertész & Thurner 2022, Sci. Rep. 12:7719), applied to IO nodes.  Let ``h_j`` be
the remaining share of node j's production (1 = intact).  The failing node is
fixed at ``h = 0``; every other node updates

* downstream (supply shortage, generalised Leontief): with ``E_j`` the inputs
  that are essential for j and ``a_ij = z_ij / x_j`` the technical coefficients,
  ``h_j ≤ min_{i ∈ E_j} h_i`` (an essential input caps production) and
  ``h_j ≤ 1 − Σ_{i ∉ E_j} a_ij (1 − h_i)`` (a non-essential input is lost
  linearly, in proportion to its share of j's production cost — shares of
  intermediate inputs alone would let a node's own self-supply drive it to 0);
* upstream (demand loss, linear): with ``b_ij = z_ij / x_i`` the share of i's
  output sold to j, ``h_i ≤ 1 − Σ_j b_ij (1 − h_j)`` (final demand is kept);

``h ← min(h, downstream, upstream)`` is iterated to its fixed point (the
sequence only falls, so it converges).  Two exact shortcuts keep the iteration
short: nodes in one strongly connected component of the essential-input graph
share a single level (each caps the others), and the linear loops of a node (or
component) on itself are solved in closed form, ``D ≥ out / (1 − g)`` with ``g``
its linear weight on itself; both only apply steps the plain iteration would
take infinitely often, so the fixed point is the same.  The systemic risk of the failing node
k is ``ESRI_k = Σ_j x_j (1 − h_j) / Σ_j x_j`` (its own output included).

Several failing nodes are propagated at once as the columns of an n x m matrix,
so an iteration is one matrix product plus a gather for the essential minimum.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .._validation import check_int, check_number, fmt_labels
from ..errors import ConvergenceError, LabelError, ParameterError
from ..table import IOTable

__all__ = ["systemic_risk", "essential_inputs"]


def essential_inputs(table: IOTable, *, threshold: float = 0.05) -> pd.DataFrame:
    """Default essential-input rule: input i is essential for buyer j when its share of
    j's intermediate inputs exceeds *threshold* (boolean DataFrame, supplier x buyer).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.resilience.systemic.essential_inputs(t, threshold=0.5).to_numpy().tolist()
    [[False, True], [True, False]]
    """
    check_number(threshold, "threshold", "essential_inputs", low=0.0, high=1.0)
    Z = table.Z.to_numpy()
    col = Z.sum(axis=0)
    w = np.zeros_like(Z)
    np.divide(Z, col[None, :], out=w, where=col[None, :] > 0)
    return pd.DataFrame(w > threshold, index=table.nodes, columns=table.nodes)


def _essential_matrix(table: IOTable, essential: Any) -> np.ndarray:
    n = table.n
    if essential is None:
        return essential_inputs(table).to_numpy()
    if isinstance(essential, (float, int)) and not isinstance(essential, bool):
        return essential_inputs(table, threshold=float(essential)).to_numpy()
    if isinstance(essential, pd.DataFrame):
        E = essential.reindex(index=table.nodes, columns=table.nodes)
        if E.isna().to_numpy().any():
            raise LabelError("systemic_risk: the 'essential' DataFrame must cover every node as rows and columns.")
        return E.to_numpy(dtype=bool)
    E = np.asarray(essential)
    if E.shape != (n, n):
        raise ParameterError(f"The 'essential' parameter of systemic_risk must be None, a float threshold or a "
                             f"boolean {n} x {n} matrix. Got shape {E.shape} instead.")
    return E.astype(bool)


def systemic_risk(table: IOTable, *, essential: Any = None, nodes: Iterable | None = None,
                  upstream: bool = True, downstream: bool = True, tol: float = 1e-6,
                  max_iter: int = 2000, batch: int = 256,
                  progress: Callable[[int, int], None] | None = None) -> pd.Series:
    """Share of total output lost when each node fails (ESRI-style cascade).

    Parameters
    ----------
    table : IOTable
    essential : None, float or boolean matrix (supplier x buyer), optional
        Which inputs are essential.  None: inputs with more than 5 % of the
        buyer's intermediate inputs (:func:`essential_inputs`); a float: that
        threshold; a matrix or DataFrame: given (e.g. from an IHS-type survey).
    nodes : list of (region, sector), optional
        Failing nodes to evaluate (default: all).
    upstream, downstream : bool, default True
        Propagate demand losses to suppliers / supply shortages to buyers.
    tol : float, default 1e-6
        Stop a failing node's cascade when no remaining share changes by more
        than *tol* in an iteration.  Tables with 1,000 nodes or more run the
        matrix products in single precision (shares good to about 1e-6).
    max_iter : int, default 2000
    batch : int, default 256
        Failing nodes propagated together (memory ~ 3·n·batch floats plus the
        essential gather).
    progress : callable, optional
        ``progress(done, total)`` after each batch.

    Returns
    -------
    Series
        ``systemic_risk`` indexed by the failing nodes, in [0, 1], sorted as
        the input (sort it to rank).  ``attrs``: metric, unit, year, source,
        method, essential rule, iterations.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.resilience.systemic_risk(t, essential=0.99).round(5).tolist()
    [0.50877, 0.86275]
    """
    tol = check_number(tol, "tol", "systemic_risk", low=0.0, closed="neither")
    max_iter = check_int(max_iter, "max_iter", "systemic_risk", low=1)
    batch = check_int(batch, "batch", "systemic_risk", low=1)
    n = table.n
    E = np.array(_essential_matrix(table, essential), dtype=bool)
    Z = table.Z.to_numpy()
    xv = table.x.to_numpy()
    W = Z * table._xinv[None, :]
    E &= Z > 0
    if nodes is None:
        fail = np.arange(n)
        index = table.nodes
    else:
        wanted = pd.MultiIndex.from_tuples([tuple(k) for k in nodes], names=["region", "sector"])
        missing = wanted.difference(table.nodes)
        if len(missing):
            raise LabelError(f"systemic_risk: unknown node(s) {fmt_labels(missing)}.")
        fail = table.nodes.get_indexer(wanted)
        index = wanted

    if not downstream:
        E = np.zeros_like(E)
    # Nodes in one strongly connected component of the essential graph share one damage
    # level at the fixed point (each caps the others), so each iteration sets a component
    # to its largest damage; loops inside a component (self-supply, intra-cluster sales)
    # are solved exactly: D_C >= out_i / (1 - g_i), g_i = the linear weight of i on C.
    ncomp, comp = connected_components(sp.csr_matrix(E), directed=True, connection="strong")
    same = comp[:, None] == comp[None, :]
    blocks, gains = [], []
    if downstream:
        Wd = np.ascontiguousarray((W * ~E).T)  # row j: non-essential input coefficients of buyer j
        gains.append((Wd * same).sum(axis=1))
        Wd[same] = 0.0
        blocks.append(Wd)
    if upstream:
        Bu = Z * table._xinv[:, None]  # row i: sales shares of supplier i
        gains.append((Bu * same).sum(axis=1))
        Bu[same] = 0.0
        blocks.append(Bu)
    del same
    Lin = np.vstack(blocks) if blocks else np.zeros((0, n))
    gain = np.concatenate(gains) if gains else np.zeros(0)
    closed = 1.0 - gain <= 1e-12
    inv_gap = np.zeros_like(gain)
    np.divide(1.0, 1.0 - gain, out=inv_gap, where=~closed)
    grouped = ncomp < n
    if grouped:
        perm = np.argsort(comp, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(comp[perm]) != 0])
        comp_of_sorted = comp[perm][starts]
        pos_of_comp = np.empty(ncomp, dtype=np.int64)
        pos_of_comp[comp_of_sorted] = np.arange(len(starts))
        back = pos_of_comp[comp]
    # essential inputs of each buyer, padded with a dummy row (index n) that never fails
    if E.any():
        counts = E.sum(axis=0)
        K = int(counts.max())
        Epad = np.full((n, K), n, dtype=np.int64)
        rows, cols = np.nonzero(E.T)  # rows = buyer j, cols = supplier i
        pos = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
        Epad[rows, pos] = cols
    else:
        Epad = None
    single = n >= 1000
    if single:
        Lin = Lin.astype(np.float32)
    total_x = xv.sum()
    out = np.empty(len(fail))
    iters_max = 0
    for b0 in range(0, len(fail), batch):
        F = fail[b0:b0 + batch]
        m = len(F)
        D = np.zeros((n + 1, m))  # damage 1 - h; last row: the dummy supplier
        D[F, np.arange(m)] = 1.0
        active = np.arange(m)
        for it in range(1, max_iter + 1):
            Da = D[:, active]
            new = Da[:n].copy()
            if Lin.shape[0]:
                lin = Lin @ (new.astype(np.float32) if single else new)
                lin = lin.astype(float, copy=False)
                lin = np.where(closed[:, None], (lin > 0).astype(float), lin * inv_gap[:, None])
                for k0 in range(0, lin.shape[0], n):
                    np.maximum(new, lin[k0:k0 + n], out=new)
            if Epad is not None:
                chunk = max(1, int(2e7 // max(Epad.shape[1] * len(active), 1)))
                for j0 in range(0, n, chunk):
                    ess = Da[Epad[j0:j0 + chunk]].max(axis=1)
                    np.maximum(new[j0:j0 + chunk], ess, out=new[j0:j0 + chunk])
            if grouped:
                new = np.maximum.reduceat(new[perm], starts, axis=0)[back]
            np.minimum(new, 1.0, out=new)
            new[F[active], np.arange(len(active))] = 1.0
            change = np.abs(new - Da[:n]).max(axis=0)
            D[:n, active] = new
            active = active[change > tol]
            if len(active) == 0:
                break
        else:
            raise ConvergenceError(f"systemic_risk did not converge in max_iter={max_iter} iterations "
                                   f"for {len(active)} failing node(s); raise max_iter or tol.")
        iters_max = max(iters_max, it)
        out[b0:b0 + m] = (xv @ D[:n]) / total_x
        if progress is not None:
            progress(min(b0 + batch, len(fail)), len(fail))
    s = pd.Series(out, index=index, name="systemic_risk")
    rule = "threshold 0.05" if essential is None else (f"threshold {essential}" if isinstance(essential, (int, float))
                                                       else "matrix")
    s.attrs = table.attrs("systemic_risk", method="ESRI-style generalised Leontief cascade",
                          essential=rule, upstream=upstream, downstream=downstream, iterations=iters_max)
    return s
