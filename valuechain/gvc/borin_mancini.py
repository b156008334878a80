"""Borin & Mancini (2019, 2023) decomposition of gross exports, exporter perspective."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_choice, check_table
from ..table import IOTable
from ._mrio import MRIO, aggregate_terms, safe_div

__all__ = ["borin_mancini", "BM_TERMS"]

#: Value columns of :func:`borin_mancini` (before the GVC aggregates and shares).
BM_TERMS = ["DVA", "DAVAX", "REX", "REF", "DDC", "FVA", "FDC"]


def _bm_terms(m: MRIO, approach: str) -> np.ndarray:
    """(G, N, G, 8) array: exports and the 7 terms for exporter (s, i) -> importer r."""
    G, N = m.G, m.N
    A, Lg = m.A, m.Lg
    E = m.blk(m.E)                     # (G, N, G)
    Yb = m.blk(m.Yc)
    VL = m.blk(m.VL)
    LYd = np.einsum("gij,gj->gi", m.Lloc, m.blk(m.Yd))        # L_rr Y_rr
    LYc = m.solve(m.Yc)                                          # (n, G): Lg Y, by absorbing country
    out = np.zeros((G, N, G, 8))
    out[..., 0] = E
    # DAVAX = V_s L_ss (Y_sr + A_sr L_rr Y_rr)  (crosses one border; approach-independent)
    ALY = np.zeros((G, N, G))
    for r in range(G):
        ALY[:, :, r] = m.blk(A[:, r * N:(r + 1) * N] @ LYd[r])
    out[..., 2] = VL[:, :, None] * (Yb + ALY)
    estar = m.blk(m.E.sum(axis=1))     # (G, N) total exports of each node
    for s in range(G):
        rows = slice(s * N, (s + 1) * N)
        Bss = Lg[rows, rows]
        Lss = m.Lloc[s]
        As_f = A[rows].copy()
        As_f[:, rows] = 0.0                                   # A_s,-s
        Es = E[s]                                             # (N, G)
        if approach == "source":
            Ms = As_f @ Lg[:, rows]                           # A_s,-s B_-s,s  (N x N)
            vl = VL[s]
            # B^{/s}_ts = B_ts B_ss^-1 L_ss (Borin & Mancini's "extraction" inverse)
            fsrc = np.linalg.solve(Bss.T, m.blk(m.VB_for)[s]) @ Lss
            out[s, :, :, 1] = vl[:, None] * Es
            out[s, :, :, 5] = (vl @ Ms)[:, None] * Es                         # DDC
            out[s, :, :, 6] = fsrc[:, None] * Es                              # FVA
            out[s, :, :, 7] = (fsrc @ Ms)[:, None] * Es                       # FDC
            # absorption of the intermediate part A_sr X_r: at home (REF) or elsewhere (REX)
            home = LYc[:, s]                                                  # (Lg Y_.s): absorbed in s
            ref = m.by_node_region(As_f * home[None, :])                      # A_sr (Lg Y_.s)_r  (N, G)
            abroad = LYc.sum(axis=1) - home
            rex = m.by_node_region(As_f * abroad[None, :]) - ALY[s]
            out[s, :, :, 4] = vl[:, None] * ref
            out[s, :, :, 3] = vl[:, None] * rex
        else:  # sink: counted the last time it leaves s
            vb = m.blk(m.VB_dom)[s]
            vf = m.blk(m.VB_for)[s]
            q = np.linalg.solve(Bss, Lss @ estar[s])                          # B_ss^-1 L_ss e_s*
            P = Lg[:, rows] @ q                                               # B_.s q
            D = m.by_node_region(As_f * P[None, :])                           # A_sr B_rs q (N, G)
            Nsr = Es - D
            Nsr[:, s] = 0.0
            D[:, s] = 0.0
            out[s, :, :, 1] = vb[:, None] * Nsr
            out[s, :, :, 5] = vb[:, None] * D
            out[s, :, :, 6] = vf[:, None] * Nsr
            out[s, :, :, 7] = vf[:, None] * D
            h = As_f @ LYc[:, s]                                              # A_s,-s (Lg Y_.s)_-s
            q2 = np.linalg.solve(Bss, Lss @ h)
            back = LYc[:, s] - Lg[:, rows] @ q2                               # (B^{/s} Y_.s)
            ref = m.by_node_region(As_f * back[None, :])
            ref[:, s] = 0.0
            out[s, :, :, 4] = vb[:, None] * ref
            out[s, :, :, 3] = out[s, :, :, 1] - out[s, :, :, 2] - out[s, :, :, 4]
        out[s, :, s, :] = 0.0
    return out


def borin_mancini(table: IOTable, approach: str = "source", *, level: str = "country") -> pd.DataFrame:
    """Borin & Mancini exporter-perspective decomposition of gross exports, with GVC participation.

    Exports ``E_sr`` of country s to r, by exporting sector, split into
    ``DVA + DDC + FVA + FDC`` (domestic value added, domestic double counting,
    foreign value added, foreign double counting).  B is the global Leontief
    inverse, ``L_ss = (I - A_ss)⁻¹`` the local one and
    ``B^{/s} = (I - A^{/s})⁻¹`` the inverse with s's intermediate exports removed
    (``B^{/s}_ss = L_ss``, ``B^{/s}_ts = B_ts B_ss⁻¹ L_ss``).

    * ``approach="source"`` (value added counted the first time it leaves s):
      ``DVA = V_s L_ss E_sr``, ``DDC = V_s L_ss A_s,-s B_-s,s E_sr``,
      ``FVA = Σ_{t≠s} V_t B^{/s}_ts E_sr``, ``FDC = Σ_{t≠s} V_t B^{/s}_ts A_s,-s B_-s,s E_sr``.
    * ``approach="sink"`` (counted the last time it leaves s): the exports are
      split into the part that s never exports again, ``Y_sr + A_sr (x_r - B_rs B_ss⁻¹ L_ss e_s*)``,
      weighted by ``V_s B_ss`` (DVA) and ``Σ_{t≠s} V_t B_ts`` (FVA), and the part that
      returns into s's exports, ``A_sr B_rs B_ss⁻¹ L_ss e_s*`` (DDC, FDC).

    DVA is split by absorption: ``DAVAX = V_s L_ss (Y_sr + A_sr L_rr Y_rr)``
    (directly absorbed by the importer, one border crossing; the same under both
    approaches), ``REF`` absorbed back home and ``REX`` absorbed abroad after
    further crossings.  GVC-related trade ``GVC = E - DAVAX`` (identical under
    both approaches) = backward ``GVC_B = DDC + FVA + FDC`` + forward
    ``GVC_F = DVA - DAVAX``; shares are divided by gross exports (0 when E = 0).

    Parameters
    ----------
    approach : {"source", "sink"}, default "source"
    level : {"country", "sector", "bilateral", "bilateral_sector"}, default "country"
        Terms are additive across exporting sectors and destinations.

    Returns
    -------
    DataFrame indexed by ``exporter`` (plus ``sector``/``importer``), columns
    ``exports``, ``DVA``, ``DAVAX``, ``REX``, ``REF``, ``DDC``, ``FVA``, ``FDC``,
    ``DC`` (domestic content), ``FC`` (foreign content), ``VAX`` (DVA absorbed abroad),
    ``GVC``, ``GVC_B``, ``GVC_F``, ``GVC_share``, ``GVC_B_share``, ``GVC_F_share``.

    References
    ----------
    Borin, A. & Mancini, M. (2019). Measuring what matters in global value chains
    and value-added trade. World Bank PRWP 8804; (2023) Economic Systems Research 35(4).

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> bm = vc.gvc.borin_mancini(t)
    >>> bool(np.allclose(bm[["DVA", "DDC", "FVA", "FDC"]].sum(axis=1), bm["exports"]))
    True
    >>> bool(np.allclose(bm["GVC"], vc.gvc.borin_mancini(t, "sink")["GVC"]))
    True
    """
    check_table(table, "borin_mancini")
    check_choice(approach, "approach", "borin_mancini", ("source", "sink"))
    m = MRIO(table, "borin_mancini")
    terms = _bm_terms(m, approach)
    df = aggregate_terms(m, terms, ["exports"] + BM_TERMS, level, "borin_mancini")
    e = df["exports"].to_numpy()
    df["DC"] = df["DVA"] + df["DDC"]
    df["FC"] = df["FVA"] + df["FDC"]
    df["VAX"] = df["DAVAX"] + df["REX"]
    df["GVC"] = df["exports"] - df["DAVAX"]
    df["GVC_B"] = df["DDC"] + df["FVA"] + df["FDC"]
    df["GVC_F"] = df["DVA"] - df["DAVAX"]
    for c in ("GVC", "GVC_B", "GVC_F"):
        df[f"{c}_share"] = safe_div(df[c].to_numpy(), e)
    df.attrs = m.attrs("borin_mancini", f"Borin & Mancini (2023) exporter perspective, {approach}-based",
                       approach=approach, level=level)
    return df
