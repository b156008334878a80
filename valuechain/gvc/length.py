"""Production length and GVC position in a multi-regional table (Wang, Wei, Yu & Zhu 2017b)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..table import IOTable
from .._validation import check_table
from ._mrio import MRIO, safe_div

__all__ = ["production_length"]


def production_length(table: IOTable) -> pd.DataFrame:
    """Average production lengths and the GVC position index of every country-sector.

    Production length counts how many times value added is counted as gross
    output on its way to final goods (WWYZ 2017b).  With ``B`` the global
    Leontief inverse, ``L`` the block-diagonal local inverse, ``A^F`` the foreign
    blocks of A and ``x = BY``:

    * ``upstreamness`` = forward length ``(B x)_i / x_i`` (= ``G 1``, Antràs et al. 2012);
      ``downstreamness`` = backward length ``(1'B)_j``;
    * ``PLv_D = (L L y^D)_i / (L y^D)_i`` and ``PLv_RT = (L L y^F)_i / (L y^F)_i``:
      forward length of value added in purely domestic and in final-goods-export chains;
    * ``PLv_GVC = (L L A^F x + L A^F B x)_i / (L A^F x)_i``: forward length of
      GVC-related value added (domestic stages + stages after the first border);
    * ``PLy_D = (V L L)_j / (V L)_j``: backward length of the domestic part;
      ``PLy_GVC = (V L L A^F B + V L A^F B B)_j / (V L A^F B)_j``;
    * ``gvc_position = PLv_GVC / PLy_GVC`` (> 1: upstream in GVCs).

    Ratios with a zero denominator are 0 (documented rule; such nodes take no
    part in the chain concerned).

    Returns
    -------
    DataFrame indexed by (region, sector).

    References
    ----------
    Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017). Characterizing global value
    chains: production length and upstreamness. NBER WP 23261.

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> pl = vc.gvc.production_length(t)
    >>> bool(np.allclose(pl["upstreamness"], vc.position.upstreamness(t)))
    True
    >>> bool((pl["PLv_GVC"][pl["PLv_GVC"] > 0] >= 2).all())
    True
    """
    check_table(table, "production_length")
    m = MRIO(table, "production_length")
    y = m.y
    yD = m.Yd
    yF = y - yD
    x = m.solve(y)
    Bx = m.solve(x)
    LyD, LyF = m.local(yD), m.local(yF)
    LAFx = m.local(m.foreign(x))
    num_v = m.local(LAFx) + m.local(m.foreign(Bx))
    VL = m.VL
    VLL = m.local_T(VL)
    VLAFB = m.solve(m.foreign_T(VL), transpose=True)
    VLLAFB = m.solve(m.foreign_T(VLL), transpose=True)
    VLAFBB = m.solve(VLAFB, transpose=True)
    down = m.solve(np.ones(m.n), transpose=True)
    df = pd.DataFrame({
        "upstreamness": safe_div(Bx, x),
        "downstreamness": down,
        "PLv_D": safe_div(m.local(LyD), LyD),
        "PLv_RT": safe_div(m.local(LyF), LyF),
        "PLv_GVC": safe_div(num_v, LAFx),
        "PLy_D": safe_div(VLL, VL),
        "PLy_GVC": safe_div(VLLAFB + VLAFBB, VLAFB),
    }, index=m.nodes)
    df["gvc_position"] = safe_div(df["PLv_GVC"].to_numpy(), df["PLy_GVC"].to_numpy())
    df.attrs = m.attrs("production_length", "Wang, Wei, Yu & Zhu (2017b) production length", unit="stages")
    return df
