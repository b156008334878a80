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


def _auto_vectors(table: IOTable) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None, str]:
    """(exports, imports, inventories, method) chosen from the table's kind and categories."""
    from .._categories import categories_with_role

    cols = table.Y.columns
    inv = categories_with_role(cols, "inventories")
    N = _vector(table, inv, "inventories") if inv else None
    if len(table.regions) > 1:  # world / multi-regional table: trade is inside Z and Y
        if N is None:
            return None, None, None, "G1 (AFCH 2012; no inventory category to correct for)"
        return None, None, N, (f"Antràs & Chor (2018) net-inventories correction: Δ_ij = z_ij / (x_i - N_i), "
                               f"N = {inv}")
    exp = categories_with_role(cols, "exports")
    if not exp:
        if N is None:
            return None, None, None, "G1 (AFCH 2012; no export category: closed economy)"
        return None, None, N, f"inventories-corrected: Δ_ij = z_ij / (x_i - N_i), N = {inv}"
    X = _vector(table, exp, "exports")
    imp = categories_with_role(cols, "imports")
    domestic = (table.V.index.get_level_values("kind") == "imports").any() or not imp
    if domestic:
        return X, None, N, (f"AFCH 2012 open economy, domestic Z (imports are primary inputs): "
                            f"Δ_ij = z^d_ij / (x_i - X_i - N_i), X = {exp}, N = {inv or 'none'}")
    M = -_vector(table, imp, "imports")  # imports are published as a negative final-use column
    return X, M, N, (f"AFCH 2012 open economy, total-use Z: Δ_ij = a_ij x_j / (x_i - X_i + M_i - N_i), "
                     f"X = {exp}, M = -{imp}, N = {inv or 'none'}")


def upstreamness(table: IOTable, *, correction: str = "auto", exports=None, imports=None,
                 inventories=None) -> pd.Series:
    """Output upstreamness (Antràs, Chor, Fally & Hillberry 2012): average distance from final use.

    ``U = (I - Δ)⁻¹ 1``, one LU solve.  The corrections the literature applies are the
    default (``correction="auto"``):

    * **national table with an export category**: the open-economy correction of AFCH
      (2012, eq. 9) with net inventories.  For a domestic ``Z`` (imports split off as
      primary inputs, e.g. IBGE, ABS, OECD ``dom``) ``Δ_ij = z^d_ij / (x_i - X_i - N_i)``;
      for a total-use ``Z`` with a (negative) imports column ``Δ_ij = a_ij x_j /
      (x_i - X_i + M_i - N_i)``.  Without it exports would count as final use at one
      stage from the end: Brazil's iron-ore mining (77 % exported) gets 1.59 closed,
      4.46 corrected.
    * **multi-regional (world) table**: trade is inside the table; the Antràs & Chor
      (2018) net-inventories correction ``Δ_ij = z_ij / (x_i - N_i)`` (inventory changes
      are neither final use nor an input).
    * ``correction="none"``: the closed-economy ``U = G 1 = x̂⁻¹ L x``.

    Categories are recognised by name (``exports``/``EXPO``/``F040``;
    ``inventories``/``INVEN``/``INVNT``/``P5M``/``F030``; ``imports``/``IMPO``/``F050``).
    The formula used is in ``.attrs["method"]``.

    Parameters
    ----------
    correction : {"auto", "none"}, default "auto"
    exports, imports, inventories : Series or category name(s), optional
        Override the automatic choice: per-node exports X, imports M and net inventory
        change N, or the final-demand categories of ``Y`` to sum.

    Returns
    -------
    Series indexed by (region, sector), named ``upstreamness`` (stages, >= 1).
    Nodes that sell no intermediate inputs (zero-output nodes included) get 1.

    Raises
    ------
    BalanceError
        The corrected denominator is not positive for a node that sells intermediate inputs.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.upstreamness(t).round(6).tolist()
    [1.914191, 1.254125]
    >>> b = vc.datasets.load("brazil", year=2021)
    >>> round(float(vc.position.upstreamness(b).loc[("BRA", "Iron ore mining")]), 2)
    4.46
    >>> round(float(vc.position.upstreamness(b, correction="none").loc[("BRA", "Iron ore mining")]), 2)
    1.59
    """
    from .._validation import check_choice

    check_table(table, "upstreamness")
    check_choice(correction, "correction", "upstreamness", ("auto", "none"))
    xv = table.x.to_numpy()
    explicit = exports is not None or imports is not None or inventories is not None
    if explicit:
        X, M, N = (_vector(table, exports, "exports"), _vector(table, imports, "imports"),
                   _vector(table, inventories, "inventories"))
        method = "AFCH 2012 open-economy, inventories-corrected (vectors given)"
    elif correction == "auto":
        X, M, N, method = _auto_vectors(table)
    else:
        X = M = N = None
        method = "G1 (AFCH 2012, closed economy)"
    if X is None and M is None and N is None:
        U = table.solve(xv) * table._xinv
        U[table._xinv == 0] = 1.0
        return table.series(U, "upstreamness", method=method, unit="stages")
    zero = np.zeros(table.n)
    d = xv - (zero if X is None else X) + (zero if M is None else M) - (zero if N is None else N)
    zv = table.Z.to_numpy()
    active = zv.sum(axis=1) != 0
    bad = active & (d <= 0)
    if bad.any():
        raise BalanceError(
            "upstreamness: the corrected output base x - X + M - N is not positive for "
            f"{fmt_labels(table.nodes[bad])}; check the exports/imports/inventories, or pass correction='none'."
        )
    dinv = np.zeros_like(d)
    np.divide(1.0, d, out=dinv, where=active)
    D = -(zv * dinv[:, None])
    D[np.diag_indices_from(D)] += 1.0
    U = _solve_dense_or_sparse(D, table)
    return table.series(U, "upstreamness", method=method, unit="stages")


def _solve_dense_or_sparse(D: np.ndarray, table: IOTable) -> np.ndarray:
    """Solve ``D U = 1`` (one LU; sparse for large sparse tables)."""
    if table._use_sparse:
        import scipy.sparse as sp
        import scipy.sparse.linalg as spla

        return spla.splu(sp.csc_matrix(D)).solve(np.ones(table.n))
    import scipy.linalg as sla

    return sla.solve(D, np.ones(table.n), check_finite=False)


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
