"""Average propagation lengths (Dietzenbacher, Romero & Bosma 2005)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..table import IOTable
from .._validation import check_table

__all__ = ["propagation_lengths"]


def propagation_lengths(table: IOTable) -> pd.DataFrame:
    """Average propagation length matrix ``APL``.

    ``H = L (L - I)``; ``APL_ij = h_ij / l_ij`` for i ≠ j and
    ``APL_ii = h_ii / (l_ii - 1)``: the average number of steps an impulse in
    j takes to reach i.  Undefined entries (no path, ``l_ij = 0`` or ``l_ii = 1``)
    are NaN.  Forms the dense L: meant for tables up to a few thousand nodes.

    Returns
    -------
    DataFrame (region, sector) x (region, sector), named ``propagation_length`` (steps).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.propagation_lengths(t).round(6).values.tolist()
    [[1.597017, 1.376238], [1.376238, 1.835697]]
    """
    check_table(table, "propagation_lengths")
    Lv = table.L.to_numpy()
    H = Lv @ Lv - Lv
    denom = Lv.copy()
    denom[np.diag_indices_from(denom)] -= 1.0
    out = np.full_like(H, np.nan)
    np.divide(H, denom, out=out, where=np.abs(denom) > 1e-15)
    df = pd.DataFrame(out, index=table.nodes, columns=table.nodes)
    df.attrs = table.attrs("propagation_length", unit="steps")
    return df
