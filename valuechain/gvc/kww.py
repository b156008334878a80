"""Gross-export decompositions of Wang, Wei & Zhu (2013, 16 terms) and Koopman, Wang & Wei (2014, 9 terms)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..table import IOTable
from .._validation import check_table
from ._mrio import MRIO, aggregate_terms, safe_div

__all__ = ["wwz", "kww", "WWZ_TERMS", "KWW_TERMS"]

#: The 16 WWZ terms, in the order of WWZ (2013) eq. (37) (decompr's names).
WWZ_TERMS = [
    "DVA_FIN", "DVA_INT", "DVA_INTrexI1", "DVA_INTrexF", "DVA_INTrexI2", "RDV_FIN", "RDV_FIN2",
    "RDV_INT", "DDC_FIN", "DDC_INT", "MVA_FIN", "MVA_INT", "OVA_FIN", "OVA_INT", "MDC", "ODC",
]

#: The 9 KWW terms and the WWZ terms each one sums (WWZ 2013, appendix table E2).
KWW_MAP = {
    "DVA_FIN": ["DVA_FIN"],
    "DVA_INT": ["DVA_INT", "DVA_INTrexI1"],
    "DVA_INTrex": ["DVA_INTrexF", "DVA_INTrexI2"],
    "RDV_FIN": ["RDV_FIN", "RDV_FIN2"],
    "RDV_INT": ["RDV_INT"],
    "DDC": ["DDC_FIN", "DDC_INT"],
    "FVA_FIN": ["MVA_FIN", "OVA_FIN"],
    "FVA_INT": ["MVA_INT", "OVA_INT"],
    "FDC": ["MDC", "ODC"],
}
KWW_TERMS = list(KWW_MAP)


def _wwz_terms(m: MRIO) -> np.ndarray:
    """(G, N, G, 16) array: exporter (s, i) -> importer r, WWZ terms; s == r slice is 0."""
    G, N = m.G, m.N
    out = np.zeros((G, N, G, 16))
    T = m.LY  # (n, G, G)
    A = m.A
    VL = m.blk(m.VL)                          # (G, N)  V_s L_ss
    VBd = m.blk(m.VB_dom)                     # (G, N)  V_s B_ss
    VLAB = m.blk(m.VLAB)                      # (G, N)  V_s L_ss Σ A_st B_ts
    VBc = m.VBc.reshape(G, G, N)              # [t, s, i]  V_t B_ts
    colVB = VBc.sum(axis=0)                   # Σ_t V_t B_ts (G, N)
    Yb = m.blk(m.Yc)                          # (G, N, G)
    Zb = m.blk(m.Zc)                          # (G, N, G)
    # local inverse applied to Y_rr and to total exports E_r* (per r, N vectors)
    Yd = m.blk(m.Yd)                          # (G, N)
    Estar = m.blk(m.E.sum(axis=1))            # (G, N)
    LYd = np.einsum("gij,gj->gi", m.Lloc, Yd)
    LE = np.einsum("gij,gj->gi", m.Lloc, Estar)
    s_idx = np.arange(G)
    for r in range(G):
        cols = slice(r * N, (r + 1) * N)
        Ar = A[:, cols].reshape(G, N, N)      # [s, i, j] = A_sr
        Tr = T[cols]                           # (N, G, G) [j, t, u]
        Trrr = Tr[:, r, r]
        diag = np.einsum("jtt->j", Tr)
        Tss = Tr[:, s_idx, s_idx].T            # [s, j] = B_rs Y_ss
        Trs = Tr[:, r, :].T                    # [s, j] = B_rr Y_rs
        rowsum = Tr.sum(axis=2)                # [j, t] = Σ_u B_rt Y_tu
        colsum = Tr.sum(axis=1)                # [j, u] = Σ_t B_rt Y_tu
        total = rowsum.sum(axis=1)             # X_r
        vecs = np.empty((G, N, 8))
        vecs[:, :, 0] = Trrr[None, :]                                        # 2
        vecs[:, :, 1] = diag[None, :] - Trrr[None, :] - Tss                  # 3
        vecs[:, :, 2] = rowsum[:, r][None, :] - Trrr[None, :] - Trs          # 4
        rs_s = rowsum.T                                                      # [s, j] Σ_u B_rs Y_su
        cs_s = colsum.T                                                      # [s, j] Σ_t B_rt Y_ts
        vecs[:, :, 3] = (total[None, :] - rowsum[:, r][None, :] - rs_s      # 5
                         - (diag[None, :] - Trrr[None, :] - Tss)
                         - (cs_s - Trs - Tss))
        vecs[:, :, 4] = Trs                                                  # 6
        vecs[:, :, 5] = cs_s - Trs - Tss                                     # 7
        vecs[:, :, 6] = Tss                                                  # 8
        vecs[:, :, 7] = rs_s - Tss                                           # 9
        M = Ar @ vecs                                                        # (G, N, 8)
        o = out[:, :, r, :]
        ysr = Yb[:, :, r]
        zsr = Zb[:, :, r]
        o[:, :, 0] = VBd * ysr
        o[:, :, 1:9] = VL[:, :, None] * M
        o[:, :, 9] = VLAB * zsr
        mva = VBc[r]                                   # (G, N) [s, i] = V_r B_rs
        ova = colVB - VBd - mva
        aly = Ar @ LYd[r]                              # (G, N)  A_sr L_rr Y_rr
        ale = Ar @ LE[r]                               # (G, N)  A_sr L_rr E_r*
        o[:, :, 10] = mva * ysr
        o[:, :, 11] = mva * aly
        o[:, :, 12] = ova * ysr
        o[:, :, 13] = ova * aly
        o[:, :, 14] = mva * ale
        o[:, :, 15] = ova * ale
        o[r] = 0.0
    return out


def _exports(m: MRIO) -> np.ndarray:
    return m.E.reshape(m.G, m.N, m.G)


def wwz(table: IOTable, *, level: str = "bilateral_sector") -> pd.DataFrame:
    """Wang, Wei & Zhu (2013) decomposition of gross exports into 16 terms.

    For exports ``E_sr`` of country s to r by exporting sector (WWZ eq. 37):
    ``DVA_FIN = (V_s B_ss)' # Y_sr``; ``DVA_INT``, ``DVA_INTrexI1``, ``DVA_INTrexF``,
    ``DVA_INTrexI2``, ``RDV_FIN``, ``RDV_FIN2``, ``RDV_INT``, ``DDC_FIN`` split
    ``(V_s L_ss)' # A_sr X_r`` by where the output of r is finally absorbed;
    ``DDC_INT = (V_s L_ss Σ_{t≠s} A_st B_ts)' # A_sr X_r``; ``MVA_*``/``OVA_*``/``MDC``/``ODC``
    the value added of the importer / of third countries in final exports,
    intermediate exports absorbed by r, and double counted.  B is the global
    Leontief inverse, L_ss the local one.  Every term is computed explicitly
    (no residual), so the 16 terms adding up to gross exports is a check.

    Parameters
    ----------
    level : {"bilateral_sector", "bilateral", "sector", "country"}
        Aggregation of the exporter (country, sector) -> importer terms.

    Returns
    -------
    DataFrame indexed by exporter (and sector and/or importer), columns
    ``exports`` then the 16 terms.

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> w = vc.gvc.wwz(t, level="country")
    >>> bool(np.allclose(w.drop(columns="exports").sum(axis=1), w["exports"]))
    True
    """
    check_table(table, "wwz")
    m = MRIO(table, "wwz")
    terms = _wwz_terms(m)
    arr = np.concatenate([_exports(m)[..., None], terms], axis=3)
    df = aggregate_terms(m, arr, ["exports"] + WWZ_TERMS, level, "wwz")
    df.attrs = m.attrs("wwz", "Wang, Wei & Zhu (2013) 16-term gross-export decomposition", level=level)
    return df


def kww(table: IOTable, *, level: str = "country") -> pd.DataFrame:
    """Koopman, Wang & Wei (2014) decomposition of gross exports into 9 terms.

    ``DVA_FIN + DVA_INT + DVA_INTrex`` is value-added exports (VAX);
    ``RDV_FIN + RDV_INT`` domestic value added that returns home; ``DDC`` domestic
    double counting; ``FVA_FIN + FVA_INT`` foreign value added; ``FDC`` foreign
    double counting.  Computed from the WWZ terms (WWZ 2013, table E2), which
    makes the sector and bilateral levels exporter-sector based and additive;
    at country level the terms equal KWW's own formulas.

    Also reports Koopman, Powers, Wang & Wei (2010) indicators:
    ``IV = DVA_INTrex`` (indirect value-added exports), ``FV`` = foreign value
    added + FDC, ``gvc_participation = (IV + FV) / E`` and
    ``gvc_position = ln(1 + IV/E) - ln(1 + FV/E)`` (0 where E = 0).

    Parameters
    ----------
    level : {"country", "sector", "bilateral", "bilateral_sector"}, default "country"

    Returns
    -------
    DataFrame indexed by ``exporter`` (plus ``sector``/``importer``), columns
    ``exports``, the 9 terms, ``VAX``, ``IV``, ``FV``, ``gvc_participation``, ``gvc_position``.

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> k = vc.gvc.kww(t)
    >>> list(k.columns[:4])
    ['exports', 'DVA_FIN', 'DVA_INT', 'DVA_INTrex']
    >>> bool(np.allclose(k[vc.gvc.KWW_TERMS].sum(axis=1), k["exports"]))
    True
    """
    check_table(table, "kww")
    m = MRIO(table, "kww")
    terms = _wwz_terms(m)
    pos = {name: i for i, name in enumerate(WWZ_TERMS)}
    k = np.stack([terms[..., [pos[w] for w in ws]].sum(axis=-1) for ws in KWW_MAP.values()], axis=-1)
    arr = np.concatenate([_exports(m)[..., None], k], axis=3)
    df = aggregate_terms(m, arr, ["exports"] + KWW_TERMS, level, "kww")
    e = df["exports"].to_numpy()
    df["VAX"] = df["DVA_FIN"] + df["DVA_INT"] + df["DVA_INTrex"]
    df["IV"] = df["DVA_INTrex"]
    df["FV"] = df["FVA_FIN"] + df["FVA_INT"] + df["FDC"]
    iv = safe_div(df["IV"].to_numpy(), e)
    fv = safe_div(df["FV"].to_numpy(), e)
    df["gvc_participation"] = iv + fv
    df["gvc_position"] = np.log1p(iv) - np.log1p(fv)
    df.attrs = m.attrs("kww", "Koopman, Wang & Wei (2014) 9-term decomposition (via WWZ 2013 table E2)",
                       level=level)
    return df
