"""What final demand and exports embody: jobs, hours, skills or emissions by origin and destination.

Two concepts, named apart (OECD Trade in Employment; Horvát, Webb & Yamano 2020, OECD
STI Working Paper 2020/01):

* **sustained by final demand** (``demand="final"``): the amounts of every node that the
  final demand of each region and category requires, ``S L Y`` (plus ``F_Y``, the direct
  amounts of final demand, when the extension has them).  Summed over all final demand
  this is the extension's total, ``s' L f = s' x``.  In an MRIO the final demand of a
  region sustains amounts at home (``domestic``) and abroad (``foreign``): the region's
  footprint and its split.
* **embodied in gross exports** (``demand="exports"``): ``s' L e`` with ``e`` the
  export column of a national table, or each exporter's bilateral gross exports in an
  MRIO (intermediate and final).  Exports of intermediates are counted where they are
  exported, so these amounts are *not* additive across countries (the double counting of
  gross trade); use ``demand="final"`` for additive accounts.

Every product with the Leontief inverse is a solve with the table's single LU factorisation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._categories import categories_with_role
from .._validation import check_choice, check_table
from ..errors import LabelError
from ..extension import extension_of as _extension
from ..table import IOTable

__all__ = ["embodied"]


def embodied(table: IOTable, name: str, *, demand: str = "final", by: str = "destination") -> pd.DataFrame:
    """Amounts of an extension embodied in final demand or in exports.

    Parameters
    ----------
    table : IOTable
    name : str
        The extension (``table.extensions[name]``), e.g. ``"employment"``.
    demand : {"final", "exports"}, default "final"
    by : {"destination", "origin", "product"}, default "destination"
        ``"destination"``: one row per final-demand column ``(region, category)`` (exports:
        per export category of a national table, per ``(exporter, importer)`` pair of an
        MRIO), columns ``(stressor, part)`` with parts ``total``, ``domestic`` (from the
        destination's, or the exporter's, own region) and ``foreign``.
        ``"origin"``: one row per origin node, columns ``(stressor, region, category)`` of
        final demand (exports: ``(stressor, exporter)``).
        ``"product"`` (final demand only): pymrio's ``D_cba`` layout, rows ``(region,
        sector)`` = the consuming region and the product it buys, columns stressors.

    Returns
    -------
    DataFrame; ``.attrs`` carries the units and the concept (``concept``).

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> d = vc.gvc.embodied(t, "Emissions")
    >>> e = t.extensions["Emissions"]
    >>> total = d.xs("total", axis=1, level="part").sum()
    >>> bool(np.allclose(total, e.F.sum(axis=1) + e.F_Y.sum(axis=1)))
    True
    """
    check_table(table, "embodied")
    check_choice(demand, "demand", "embodied", ("final", "exports"))
    check_choice(by, "by", "embodied", ("destination", "origin", "product"))
    e = _extension(table, name, "embodied")
    S = e.F.to_numpy() * table._xinv[None, :]  # k x n
    stressors = list(e.stressors)
    node_region = table.nodes.get_level_values("region")
    regions = pd.Index(table.regions, name="region")
    reg_code = regions.get_indexer(node_region)
    onehot = np.zeros((table.n, len(regions)))
    onehot[np.arange(table.n), reg_code] = 1.0
    units = {s: e.unit_of(s) for s in stressors}
    if demand == "final":
        Y = table.Y
        if by == "product":
            return _by_product(table, e, S, units)
        X = table.solve(Y.to_numpy())  # L Y
        if by == "origin":
            blocks = {s: pd.DataFrame(S[i][:, None] * X, index=table.nodes, columns=Y.columns)
                      for i, s in enumerate(stressors)}
            out = pd.concat(blocks, axis=1, names=["stressor"])
            out.attrs = table.attrs("embodied", extension=name, concept="sustained by final demand", unit=units,
                                    note="direct amounts of final demand (F_Y) have no origin node and are left out")
            return out
        col_region = regions.get_indexer(Y.columns.get_level_values("region"))
        FY = e.F_Y.to_numpy() if e.F_Y is not None else np.zeros((len(stressors), Y.shape[1]))
        parts = {}
        for i, s in enumerate(stressors):
            by_origin_region = onehot.T @ (S[i][:, None] * X)  # G x c
            total = by_origin_region.sum(axis=0) + FY[i]
            dom = np.where(col_region >= 0, by_origin_region[np.clip(col_region, 0, None), np.arange(Y.shape[1])], 0.0)
            dom = dom + FY[i]  # households' own amounts happen where they live
            parts[(s, "total")], parts[(s, "domestic")], parts[(s, "foreign")] = total, dom, total - dom
        out = pd.DataFrame(parts, index=Y.columns)
        out.columns = out.columns.set_names(["stressor", "part"])
        out.attrs = table.attrs("embodied", extension=name, concept="sustained by final demand", unit=units)
        return out
    # ---------------------------------------------------------------- exports
    if by == "product":
        from ..errors import ParameterError

        raise ParameterError("The 'by' parameter of embodied must be 'destination' or 'origin' for "
                             "demand='exports'. Got 'product' instead.")
    if len(regions) == 1:
        cats = categories_with_role(table.Y.columns, "exports")
        if not cats:
            raise LabelError("embodied(demand='exports'): the table has no export category in Y "
                             f"(categories: {sorted(set(table.Y.columns.get_level_values('category')))}).")
        ecols = table.Y.columns[table.Y.columns.get_level_values("category").isin(cats)]
        Ex = table.Y.loc[:, ecols].to_numpy()
        X = table.solve(Ex)
        if by == "origin":
            blocks = {s: pd.DataFrame(S[i][:, None] * X, index=table.nodes, columns=ecols)
                      for i, s in enumerate(stressors)}
            out = pd.concat(blocks, axis=1, names=["stressor"])
        else:
            out = pd.DataFrame({(s, "total"): S[i] @ X for i, s in enumerate(stressors)}, index=ecols)
            for s in stressors:
                out[(s, "domestic")] = out[(s, "total")]
                out[(s, "foreign")] = 0.0
            out = out[[(s, p) for s in stressors for p in ("total", "domestic", "foreign")]]
            out.columns = pd.MultiIndex.from_tuples(out.columns, names=["stressor", "part"])
        out.attrs = table.attrs("embodied", extension=name, concept="embodied in gross exports (s' L e)",
                                unit=units, note="a national table has no foreign origins: amounts embodied in "
                                                 "imported inputs are not in it")
        return out
    from ._mrio import MRIO

    m = MRIO(table, "embodied")
    E = m.E  # n x G, gross exports by destination, region-major order
    inv = np.empty_like(m.perm)
    inv[m.perm] = np.arange(len(m.perm))
    Sm = S[:, m.perm]  # stressor coefficients in MRIO order
    G, N = m.G, m.N
    own = np.repeat(np.arange(G), N)
    if by == "origin":
        Ex = np.zeros((m.n, G))
        Ex[np.arange(m.n), own] = E.sum(axis=1)  # column r: exports of r's nodes
        X = m.solve(Ex)
        blocks = {s: pd.DataFrame(Sm[i][:, None] * X, index=m.nodes, columns=pd.Index(m.regions, name="exporter"))
                  for i, s in enumerate(stressors)}
        out = pd.concat(blocks, axis=1, names=["stressor"])
        out = out.reindex(table.nodes)
    else:
        # s' L E_(r,d) for every exporter r and importer d from transposed solves with k (total) and
        # k·G (domestic: s_r' L_rr) right-hand sides, not one solve per (r, d) pair
        pairs = [(r, d) for r in range(G) for d in range(G) if r != d]
        k = len(stressors)
        mult = m.solve(Sm.T, transpose=True)  # n x k: s' L
        rhs = np.zeros((m.n, k * G))
        for g in range(G):
            rows = slice(g * N, (g + 1) * N)
            for i in range(k):
                rhs[rows, i * G + g] = Sm[i, rows]
        U = m.solve(rhs, transpose=True)  # column (i, g): s_g' L restricted to the rows of g
        Eb = E.reshape(G, N, G)  # exporter region, its nodes, importer
        cols = {}
        rr = np.array([r for r, _ in pairs])
        dd = np.array([d for _, d in pairs])
        for i, s in enumerate(stressors):
            tot = np.einsum("gn,gnd->gd", mult[:, i].reshape(G, N), Eb)
            Ud = U[:, i * G:(i + 1) * G].reshape(G, N, G)  # [region of node j, node, source region g]
            own_block = Ud[np.arange(G), :, np.arange(G)]  # (G, N): s_g' L_gg
            dom = np.einsum("gn,gnd->gd", own_block, Eb)
            cols[(s, "total")], cols[(s, "domestic")] = tot[rr, dd], dom[rr, dd]
            cols[(s, "foreign")] = cols[(s, "total")] - cols[(s, "domestic")]
        names = np.asarray(list(m.regions), dtype=object)
        idx = pd.MultiIndex.from_arrays([names[rr], names[dd]], names=["exporter", "importer"])
        out = pd.DataFrame(cols, index=idx)
        out.columns = out.columns.set_names(["stressor", "part"])
    out.attrs = table.attrs("embodied", extension=name, concept="embodied in gross exports (S L E, bilateral)",
                            unit=units, note="gross-export content double counts intermediates re-exported; "
                                             "use demand='final' for additive accounts")
    return out


def _by_product(table: IOTable, e, S: np.ndarray, units: dict) -> pd.DataFrame:
    """pymrio's D_cba: amounts embodied in each region's final demand for each product."""
    Y = table.Y.to_numpy()
    regions = pd.Index(table.regions, name="region")
    col_region = regions.get_indexer(table.Y.columns.get_level_values("region"))
    Yr = np.zeros((table.n, len(regions)))
    for g in range(len(regions)):
        Yr[:, g] = Y[:, col_region == g].sum(axis=1)
    sectors = table.nodes.get_level_values("sector")
    products = pd.Index(sectors.unique(), name="sector")
    rhs = np.zeros((table.n, len(regions) * len(products)))
    for p, sec in enumerate(products):
        mask = np.asarray(sectors == sec)
        rhs[mask, p::len(products)] = Yr[mask]
    X = table.solve(rhs)
    D = S @ X  # k x (G * P), region-major
    idx = pd.MultiIndex.from_product([regions, products], names=["region", "sector"])
    out = pd.DataFrame(D.T, index=idx, columns=pd.Index(e.stressors, name="stressor"))
    out.attrs = table.attrs("embodied", extension=e.name, concept="sustained by final demand, by product (D_cba)",
                            unit=units)
    return out
