"""Production length and GVC position in a multi-regional table (Wang, Wei, Yu & Zhu 2017b)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..table import IOTable
from .._validation import check_table
from ._mrio import MRIO, safe_div

__all__ = ["production_length"]


def production_length(table: IOTable, *, inventories: str = "net") -> pd.DataFrame:
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

    Inventories (``inventories="net"``, the default): changes in inventories are
    neither final use nor an input, so they are taken out of final demand before the
    lengths are computed (``y`` = final demand without the inventory categories, ``x =
    B y``), and ``upstreamness`` is :func:`valuechain.position.upstreamness` with the
    Antràs & Chor (2018) net-inventories correction.  Without it (``"keep"``, the
    published ``Y``), nodes whose inventory draw-downs exceed their final demand get
    lengths below 1 or in the hundreds (WIOD 2011: -1.25 to 330), which cannot exist.

    Ratios with a zero denominator are 0 (documented rule; such nodes take no
    part in the chain concerned).  Zero-output nodes are NaN in every column (they
    produce nothing, so no length exists; ``.attrs["note"]`` names them).

    Parameters
    ----------
    inventories : {"net", "keep"}, default "net"

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
    from .._categories import categories_with_role
    from .._validation import check_choice
    from ..position.upstreamness import upstreamness

    check_table(table, "production_length")
    check_choice(inventories, "inventories", "production_length", ("net", "keep"))
    m = MRIO(table, "production_length")
    inv = categories_with_role(table.Y.columns, "inventories") if inventories == "net" else []
    if inv:
        keep = ~table.Y.columns.get_level_values("category").isin(inv)
        Yc = m.by_region(m._rows(table.Y.to_numpy(dtype=float)[:, keep]), m._fd_region_code[keep])
    else:
        Yc = m.Yc
    y = Yc.sum(axis=1)
    yD = Yc[m.own]
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
    if inv:
        up = upstreamness(table, inventories=inv).to_numpy()
        up = up if m.identity_order else up[m.perm]
        method = f"net-inventories correction (Antràs & Chor 2018): {inv} taken out of final demand"
    else:
        up = safe_div(Bx, x)
        method = "final demand as published" if inventories == "keep" else "no inventory category in Y"
    df = pd.DataFrame({
        "upstreamness": up,
        "downstreamness": down,
        "PLv_D": safe_div(m.local(LyD), LyD),
        "PLv_RT": safe_div(m.local(LyF), LyF),
        "PLv_GVC": safe_div(num_v, LAFx),
        "PLy_D": safe_div(VLL, VL),
        "PLy_GVC": safe_div(VLLAFB + VLAFBB, VLAFB),
    }, index=m.nodes)
    df["gvc_position"] = safe_div(df["PLv_GVC"].to_numpy(), df["PLy_GVC"].to_numpy())
    zero = m.x == 0
    note = {}
    if zero.any():
        df.loc[zero, :] = np.nan
        note["note"] = (f"{int(zero.sum())} zero-output node(s) are NaN (no production, no length): "
                        f"{', '.join(map(str, list(m.nodes[zero])[:5]))}{' ...' if zero.sum() > 5 else ''}")
    df.attrs = m.attrs("production_length", "Wang, Wei, Yu & Zhu (2017b) production length", unit="stages",
                       inventories=method, **note)
    return df
