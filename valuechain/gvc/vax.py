"""Value added by origin: the Leontief (decompr) decomposition and value-added exports (VAX)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_bool, check_choice, check_table
from ..table import IOTable
from ._mrio import MRIO, safe_div

__all__ = ["value_added_origin", "vax"]

_POST = ("exports", "output", "final_demand")


def value_added_origin(table: IOTable, post: str = "exports") -> pd.DataFrame:
    """Value-added origin of exports, output or final demand: ``V̂ L diag(w)``.

    Entry (source node i, using node j) is the value added generated in i that is
    embodied in *w_j*, where *w* is the gross exports (``post="exports"``, the
    decompr "leontief" decomposition, Hummels, Ishii & Yi 2001), gross output
    (``"output"``) or final demand (``"final_demand"``) of node j.  Column sums
    equal *w* (value-added coefficients are ``1 - 1'A``).

    Parameters
    ----------
    table : IOTable
        A multi-regional table (the same sectors in every region).
    post : {"exports", "output", "final_demand"}, default "exports"
        The vector post-multiplied.  Exports of node (s, i) = its intermediate and
        final sales to every other region.

    Returns
    -------
    DataFrame
        Long format, one row per (source, using) pair in decompr's order (for each
        source country-industry, every using country-industry), columns
        ``source_region, source_sector, using_region, using_sector, value``.
        ``attrs["method"]`` names the decomposition.

    Notes
    -----
    Forms ``L diag(w)`` with one LU solve of n right-hand sides (n x n memory).

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> d = vc.gvc.value_added_origin(t)
    >>> d.shape
    (2304, 5)
    >>> bool(np.isclose(d["value"].sum(), vc.gvc.tiva(t)["EXGR"].sum()))
    True
    """
    check_table(table, "value_added_origin")
    check_choice(post, "post", "value_added_origin", _POST)
    m = MRIO(table, "value_added_origin")
    w = {"exports": m.E.sum(axis=1), "output": m.x, "final_demand": m.y}[post]
    M = m.solve(np.diag(w)) * m.vc[:, None]
    n = m.n
    src = np.repeat(np.arange(n), n)
    use = np.tile(np.arange(n), n)
    reg = m.nodes.get_level_values("region")
    sec = m.nodes.get_level_values("sector")
    df = pd.DataFrame({
        "source_region": reg[src], "source_sector": sec[src],
        "using_region": reg[use], "using_sector": sec[use],
        "value": M.ravel(),
    })
    df.attrs = m.attrs("value_added_origin", f"leontief-{post} (V̂ L diag({post}); decompr 'leontief')",
                       post=post)
    return df


def vax(table: IOTable, *, bilateral: bool = False) -> pd.DataFrame:
    """Value-added exports and the VAX ratio (Johnson & Noguera 2012).

    ``VAX_sr = V_s Σ_t L_st Y_tr``: value added of country s absorbed in the
    final demand of country r ≠ s; ``VAX_s = Σ_{r≠s} VAX_sr``; the VAX ratio is
    ``VAX_s / E_s`` (0 when E_s = 0).

    Parameters
    ----------
    bilateral : bool, default False
        Return one row per (exporter, importer) pair instead of per exporter.

    Returns
    -------
    DataFrame indexed by ``exporter`` (or ``exporter, importer``), columns
    ``exports``, ``VAX``, ``VAX_ratio`` (and ``VA``, value added, per exporter).

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> r = vc.gvc.vax(t)
    >>> bool(((r["VAX_ratio"] > 0) & (r["VAX_ratio"] < 1)).all())
    True
    """
    check_table(table, "vax")
    bilateral = check_bool(bilateral, "bilateral", "vax")
    m = MRIO(table, "vax")
    reg = np.repeat(np.arange(m.G), m.N)
    LY = m.solve(m.Yc)  # (n, G): output for final demand of each country
    vaxn = m.vc[:, None] * LY
    vaxc = np.zeros((m.G, m.G))
    np.add.at(vaxc, reg, vaxn)
    ex = np.zeros((m.G, m.G))
    np.add.at(ex, reg, m.E)
    if bilateral:
        idx = pd.MultiIndex.from_product([m.regions, m.regions], names=["exporter", "importer"])
        keep = ~np.eye(m.G, dtype=bool).ravel()
        e, v = ex.ravel()[keep], vaxc.ravel()[keep]
        df = pd.DataFrame({"exports": e, "VAX": v, "VAX_ratio": safe_div(v, e)}, index=idx[keep])
    else:
        np.fill_diagonal(vaxc, 0.0)
        e, v = ex.sum(axis=1), vaxc.sum(axis=1)
        va = np.zeros(m.G)
        np.add.at(va, reg, m.va)
        df = pd.DataFrame({"exports": e, "VAX": v, "VAX_ratio": safe_div(v, e), "VA": va},
                          index=pd.Index(m.regions, name="exporter"))
    df.attrs = m.attrs("vax", "Johnson & Noguera (2012) value-added exports V_s L Y_r",
                       bilateral=bilateral)
    return df
