"""TiVA-style indicators (OECD Trade in Value Added) by country."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..table import IOTable
from .._validation import check_table
from ._mrio import MRIO, safe_div

__all__ = ["tiva"]


def tiva(table: IOTable) -> pd.DataFrame:
    """OECD TiVA-style indicators per country (Guide to OECD TiVA indicators).

    With ``B`` the global Leontief inverse, ``V_t`` value-added coefficients of
    country t and ``e_s`` the gross exports of s (by node):

    * ``EXGR`` gross exports; ``IMGR`` gross imports; ``BALGR`` = EXGR - IMGR;
    * ``EXGR_DVA = V_s B_ss e_s`` and ``EXGR_FVA = Σ_{t≠s} V_t B_ts e_s`` (domestic and
      foreign value added in gross exports; they sum to EXGR) and their shares
      ``EXGR_DVASH``, ``EXGR_FVASH`` (backward participation);
    * ``DEXFVAP = Σ_{t≠s} V_s B_st e_t`` domestic value added embodied in other
      countries' exports, ``DEXFVAPSH`` = DEXFVAP / EXGR (forward participation);
    * ``FFD_DVA = Σ_{r≠s} V_s B Y_r`` domestic value added in foreign final demand
      (= value-added exports, VAX); ``DFD_FVA = Σ_{t≠s} V_t B Y_s`` foreign value
      added in domestic final demand; ``BALVAFD`` = FFD_DVA - DFD_FVA (the
      value-added trade balance; it equals BALGR country by country).

    Shares are fractions (not percent); 0 when EXGR = 0.

    Returns
    -------
    DataFrame indexed by ``region``.

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> r = vc.gvc.tiva(t)
    >>> bool(np.allclose(r["EXGR_DVASH"] + r["EXGR_FVASH"], 1))
    True
    >>> bool(np.allclose(r["BALVAFD"], r["BALGR"]))
    True
    """
    check_table(table, "tiva")
    m = MRIO(table, "tiva")
    G, N = m.G, m.N
    reg = np.repeat(np.arange(G), N)
    estar = m.E.sum(axis=1)
    exgr = np.bincount(reg, estar, minlength=G)
    imgr = m.E.sum(axis=0)
    dva = np.bincount(reg, m.VB_dom * estar, minlength=G)
    fva = np.bincount(reg, m.VB_for * estar, minlength=G)
    VBc = m.VBc                                  # (G, n)
    emb = VBc * estar[None, :]                   # value added of t in exports of node j
    by_exp = m.by_node_region(emb)               # (G, G): [t, s] VA of t in exports of s
    dexfvap = by_exp.sum(axis=1) - np.diag(by_exp)
    VAfd = VBc @ m.Yc                            # (G, G): [t, u] VA of t absorbed in u
    ffd_dva = VAfd.sum(axis=1) - np.diag(VAfd)
    dfd_fva = VAfd.sum(axis=0) - np.diag(VAfd)
    df = pd.DataFrame({
        "EXGR": exgr, "IMGR": imgr, "BALGR": exgr - imgr,
        "EXGR_DVA": dva, "EXGR_FVA": fva,
        "EXGR_DVASH": safe_div(dva, exgr), "EXGR_FVASH": safe_div(fva, exgr),
        "DEXFVAP": dexfvap, "DEXFVAPSH": safe_div(dexfvap, exgr),
        "FFD_DVA": ffd_dva, "DFD_FVA": dfd_fva, "BALVAFD": ffd_dva - dfd_fva,
    }, index=pd.Index(m.regions, name="region"))
    df.attrs = m.attrs("tiva", "OECD TiVA-style indicators from the global Leontief inverse",
                       share_unit="fraction")
    return df
