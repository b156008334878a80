"""Production-based GVC participation (Wang, Wei, Yu & Zhu 2017a)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_choice, check_table
from ..table import IOTable
from ._mrio import MRIO, safe_div

__all__ = ["participation"]

_PARTS = ["D", "RT", "GVC_S", "GVC_C"]


def participation(table: IOTable, *, level: str = "sector") -> pd.DataFrame:
    """Production-based GVC participation of Wang, Wei, Yu & Zhu (2017a).

    Forward (by the node that generates value added ``va``)::

        va' = V̂LY^D  +  V̂LY^F  +  V̂LA^F L Y^D  +  V̂LA^F (BY - LY^D)
              pure domestic  traditional trade  simple GVC     complex GVC

    Backward (by the node that produces final goods ``y``), the column sums of
    the same four matrices.  ``L`` is the block-diagonal local inverse, ``A^F``
    the foreign (off-diagonal) blocks of A, ``B`` the global Leontief inverse,
    ``Y^D`` final goods absorbed at home and ``Y^F`` final goods exported.
    Participation: ``forward = (GVC_S + GVC_C) / va``, ``backward = (GVC_S + GVC_C) / y``.
    The four shares of each side sum to 1 (0 for nodes with no value added /
    no final output, the zero-division rule).

    Parameters
    ----------
    level : {"sector", "country"}, default "sector"
        Per node (region, sector), or summed per region.

    Returns
    -------
    DataFrame with columns ``va``, ``va_D``, ``va_RT``, ``va_GVC_S``, ``va_GVC_C``,
    ``y``, ``y_D``, ``y_RT``, ``y_GVC_S``, ``y_GVC_C``, the shares ``*_share`` of each,
    ``forward`` and ``backward`` participation and their ``simple``/``complex`` parts.

    References
    ----------
    Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017). Measures of participation in
    global value chains and global business cycles. NBER WP 23222.

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> p = vc.gvc.participation(t, level="country")
    >>> bool(np.allclose(p[["va_D", "va_RT", "va_GVC_S", "va_GVC_C"]].sum(axis=1), p["va"]))
    True
    """
    check_table(table, "participation")
    check_choice(level, "level", "participation", ("sector", "country"))
    m = MRIO(table, "participation")
    vc_, x = m.vc, m.x
    yD = m.Yd
    yF = m.y - yD
    LyD = m.local(yD)
    LyF = m.local(yF)
    simple = m.local(m.foreign(LyD))
    X = m.solve(m.y)
    complex_ = m.local(m.foreign(X - LyD))
    fwd = np.stack([vc_ * LyD, vc_ * LyF, vc_ * simple, vc_ * complex_], axis=1)
    # backward: row vectors V L, V L A^F L, V L A^F B
    VL = m.VL
    VLAF = m.foreign_T(VL)
    VLAFL = m.local_T(VLAF)
    VLAFB = m.solve(VLAF, transpose=True)
    bwd = np.stack([VL * yD, VL * yF, VLAFL * yD, VLAFB * m.y - VLAFL * yD], axis=1)
    va = vc_ * x
    cols = {"va": va}
    cols.update({f"va_{p}": fwd[:, k] for k, p in enumerate(_PARTS)})
    cols["y"] = m.y
    cols.update({f"y_{p}": bwd[:, k] for k, p in enumerate(_PARTS)})
    df = pd.DataFrame(cols, index=m.nodes)
    if level == "country":
        df = df.groupby(level="region", sort=False).sum()
    for side in ("va", "y"):
        tot = df[side].to_numpy()
        for p in _PARTS:
            df[f"{side}_{p}_share"] = safe_div(df[f"{side}_{p}"].to_numpy(), tot)
    df["forward"] = df["va_GVC_S_share"] + df["va_GVC_C_share"]
    df["forward_simple"] = df["va_GVC_S_share"]
    df["forward_complex"] = df["va_GVC_C_share"]
    df["backward"] = df["y_GVC_S_share"] + df["y_GVC_C_share"]
    df["backward_simple"] = df["y_GVC_S_share"]
    df["backward_complex"] = df["y_GVC_C_share"]
    df.attrs = m.attrs("participation", "Wang, Wei, Yu & Zhu (2017a) production-based participation",
                       level=level)
    return df
