"""Upstreamness (distance from final use) and downstreamness (distance from primary inputs)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import fmt_labels, check_table
from ..errors import BalanceError, LabelError
from ..table import IOTable

__all__ = ["upstreamness", "downstreamness"]


def _vector(table: IOTable, value, what: str) -> np.ndarray:
    """A node vector from a Series, or from final-demand categories named in Y."""
    if value is None:
        return np.zeros(table.n)
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        cats = table.Y.columns.get_level_values("category")
        unknown = [v for v in value if v not in set(cats)]
        if unknown:
            raise LabelError(
                f"upstreamness: {what} category {fmt_labels(unknown)} is not a final-demand category; "
                f"available: {sorted(set(cats))}."
            )
        return table.Y.loc[:, cats.isin(value)].sum(axis=1).to_numpy()
    s = pd.Series(value)
    s.index = table.nodes if len(s) == table.n and not isinstance(s.index, pd.MultiIndex) else s.index
    missing = table.nodes.difference(s.index)
    if len(missing):
        raise LabelError(f"upstreamness: {what} has no value for {fmt_labels(missing)}.")
    return s.reindex(table.nodes).to_numpy(dtype=float)


def upstreamness(table: IOTable, *, exports=None, imports=None, inventories=None) -> pd.Series:
    """Output upstreamness (Antràs, Chor, Fally & Hillberry 2012): ``U = G 1``.

    Closed economy / world table: ``U = (I - B)⁻¹ 1 = x̂⁻¹ L x`` (one LU solve).
    Open-economy correction for national tables (AFCH 2012 eq. 9, with Antràs &
    Chor's net-inventories correction): ``Δ_ij = z_ij / (x_i - X_i + M_i - N_i)``
    and ``U = (I - Δ)⁻¹ 1``.

    Parameters
    ----------
    exports, imports, inventories : Series or category name(s), optional
        Per-node exports X, imports M and net inventory change N.  A string (or
        list of strings) names final-demand categories of ``Y`` to sum, e.g.
        ``exports="exports"``.

    Returns
    -------
    Series indexed by (region, sector), named ``upstreamness`` (stages, >= 1).
    Zero-output nodes get 1.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.upstreamness(t).round(6).tolist()
    [1.914191, 1.254125]
    """
    check_table(table, "upstreamness")
    xv = table.x.to_numpy()
    if exports is None and imports is None and inventories is None:
        U = table.solve(xv) * table._xinv
        U[table._xinv == 0] = 1.0
        return table.series(U, "upstreamness", method="G1 (AFCH 2012)", unit="stages")
    X = _vector(table, exports, "exports")
    M = _vector(table, imports, "imports")
    N = _vector(table, inventories, "inventories")
    d = xv - X + M - N
    zv = table.Z.to_numpy()
    active = zv.sum(axis=1) != 0
    bad = active & (d <= 0)
    if bad.any():
        raise BalanceError(
            "upstreamness: domestic absorption x - X + M - N is not positive for "
            f"{fmt_labels(table.nodes[bad])}; check the exports/imports/inventories given."
        )
    dinv = np.zeros_like(d)
    np.divide(1.0, d, out=dinv, where=active)
    D = -(zv * dinv[:, None])
    D[np.diag_indices_from(D)] += 1.0
    U = np.linalg.solve(D, np.ones(table.n))
    return table.series(U, "upstreamness", method="AFCH 2012 open-economy, inventories-corrected",
                        unit="stages")


def downstreamness(table: IOTable) -> pd.Series:
    """Input downstreamness (Miller & Temurshoev 2017): ``D = 1'L`` (column sums of L).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.downstreamness(t).round(6).tolist()
    [1.518152, 1.452145]
    """
    check_table(table, "downstreamness")
    D = table.solve(np.ones(table.n), transpose=True)
    return table.series(D, "downstreamness", method="1'L (Miller & Temurshoev 2017)", unit="stages")
