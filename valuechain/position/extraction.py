"""Hypothetical extraction (HEM): output lost when a node or group stops trading.

For a group S (one node, a region, a sector, or any set) the three classic
extractions have closed forms in blocks of the Leontief inverse, so no modified
system has to be solved (derived from the partitioned inverse / Woodbury identity):

* total (row and column k of A set to 0, f_S = 0): ``T_S = 1' L[:,S] L_SS⁻¹ x_S``
* backward (columns of S in A set to 0, f kept): ``BL_S = T_S - 1' L_SS⁻¹ x_S``
* forward (rows of S in B set to 0, v kept): ``FL_S = 1' L_SS⁻¹ x̂_S (U_S - 1)``, U = G1

Each equals the result of re-solving the extracted system (tested).  Relative
losses divide by total output ``1'x``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_choice, check_table
from ..table import IOTable

__all__ = ["extraction"]


def _group_losses(table: IOTable, idx: np.ndarray, Lcols: np.ndarray, U: np.ndarray) -> tuple[float, float, float]:
    xS = table.x.to_numpy()[idx]
    LSS = Lcols[idx, :]
    w = np.linalg.solve(LSS, xS)  # L_SS^-1 x_S
    total = float(Lcols.sum(axis=0) @ w)
    backward = total - float(w.sum())
    forward = float(np.linalg.solve(LSS, xS * (U[idx] - 1.0)).sum())
    return total, backward, forward


def extraction(table: IOTable, *, regions=None, sectors=None, nodes=None, per: str = "node"):
    """Output lost under hypothetical extraction (total, backward, forward).

    Parameters
    ----------
    regions, sectors, nodes : optional
        Extract this one group (nodes in the given regions AND sectors, or the
        listed (region, sector) nodes) and return a Series.
    per : {"node", "region", "sector"}, default "node"
        Without a group: extract every node (or every region / sector) in turn
        and return one row per extracted unit.

    Returns
    -------
    DataFrame (one row per node/region/sector) or Series (one group) with
    ``total``, ``backward``, ``forward`` (absolute output loss, table unit) and
    ``total_share``, ``backward_share``, ``forward_share`` (loss / total output).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.extraction(t)["total"].round(3).tolist()
    [1210.526, 2588.235]
    """
    check_table(table, "extraction")
    check_choice(per, "per", "extraction", ("node", "region", "sector"))
    xv = table.x.to_numpy()
    total_x = xv.sum()
    U = table.solve(xv) * table._xinv
    U[table._xinv == 0] = 1.0
    if regions is not None or sectors is not None or nodes is not None:
        mask = table.node_mask(regions, sectors, nodes, func="extraction")
        idx = np.flatnonzero(mask)
        E = np.zeros((table.n, len(idx)))
        E[idx, np.arange(len(idx))] = 1.0
        Lcols = table.solve(E)
        t, b, f = _group_losses(table, idx, Lcols, U)
        s = pd.Series({"total": t, "backward": b, "forward": f, "total_share": t / total_x,
                       "backward_share": b / total_x, "forward_share": f / total_x}, name="extraction")
        s.attrs = table.attrs("extraction", group_size=int(len(idx)))
        return s

    Lv = table.L.to_numpy()
    if per == "node":
        colsum = Lv.sum(axis=0)
        diag = np.diag(Lv).copy()
        total = colsum * xv / diag
        backward = (colsum - 1.0) * xv / diag
        forward = xv * (U - 1.0) / diag
        index = table.nodes
    else:
        labels = table.nodes.get_level_values(per)
        units = labels.unique()
        rows = []
        for u in units:
            idx = np.flatnonzero(labels == u)
            rows.append(_group_losses(table, idx, Lv[:, idx], U))
        total, backward, forward = (np.array(c) for c in zip(*rows))
        index = pd.Index(units, name=per)
    df = pd.DataFrame({"total": total, "backward": backward, "forward": forward}, index=index)
    for c in ("total", "backward", "forward"):
        df[f"{c}_share"] = df[c] / total_x
    df.attrs = table.attrs("extraction", per=per)
    return df
