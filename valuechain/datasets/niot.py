"""WIOD 2016 release, National Input-Output Tables (NIOT xlsx): one country, 56 industries, 2000-2014.

Published layout (``USA_NIOT_nov16.xlsx``, sheet ``"National IO-tables"``): row 1 holds
the column codes ``Year, Code, Description, Origin, A01 ... U`` (56 industries, ISIC
rev. 4), ``CONS_h, CONS_np, CONS_g, GFCF, INVEN, EXP, GO``; row 2 their descriptions;
then, stacked by year, 56 ``Domestic`` rows, 56 ``Imports`` rows and 8 ``TOT`` rows
(``II_fob, TXSP, EXP_adj, PURR, PURNR, VA, IntTTM, GO``).  Millions of US dollars,
current prices.

The table keeps the domestic block as ``Z``/``Y``.  Primary inputs by kind: the 56
``Imports`` rows (imports by product) summed into ``("imports", "imports")``;
``TXSP`` (net taxes on products) ``taxes``; ``EXP_adj`` (CIF/FOB adjustment on
exports), ``PURR``/``PURNR`` (direct purchases abroad by residents / domestic
purchases by non-residents) and ``IntTTM`` (international transport margins)
``other``; ``VA`` ``value_added``.  ``II_fob`` is total intermediate consumption, not
a primary input.  The same rows under the final-demand columns (imported final
goods, taxes on final products) are ``VY``, so ``t.gdp = VA + TXSP``.  Gross output
is the published ``GO`` row.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ReadError
from ..table import IOTable

__all__ = ["read_wiod2016_niot", "FINAL_DEMAND", "V_ROWS"]

SHEET = "National IO-tables"
FINAL_DEMAND = {"CONS_h": "households", "CONS_np": "npish", "CONS_g": "government", "GFCF": "gfcf",
                "INVEN": "inventories", "EXP": "exports"}
V_ROWS = {"TXSP": "taxes less subsidies on products", "EXP_adj": "cif/fob adjustment on exports",
          "PURR": "direct purchases abroad by residents", "PURNR": "purchases by non-residents",
          "IntTTM": "international transport margins", "VA": "value added"}
#: primary-input kind of each TOT row (II_fob, total intermediate consumption, is not a primary input)
V_KINDS = {"TXSP": "taxes", "EXP_adj": "other", "PURR": "other", "PURNR": "other", "IntTTM": "other",
           "VA": "value_added"}
KEY_COLS = ["Year", "Code", "Description", "Origin"]


def read_wiod2016_niot(path: str | Path, *, year: int | None = None, region: str | None = None,
                       sea: str | Path | None = None, rtol: float = 1e-3) -> IOTable:
    """Read one year of a WIOD 2016 National Input-Output Table workbook.

    Parameters
    ----------
    path : str or Path
        E.g. ``USA_NIOT_nov16.xlsx``.
    year : int, optional
        2000-2014; default: the latest year in the file.
    region : str, optional
        Default: the country code at the start of the file name.
    sea : str or Path, optional
        The WIOD Socio-Economic Accounts (``WIOD_SEA_Nov16.xlsx`` or a long CSV, see
        :mod:`valuechain.datasets.sea`): attaches the ``employment`` extension (persons
        engaged, employees, hours, compensation) of the same country and year.

    Returns
    -------
    IOTable
        56 industries; ``Y`` columns households, npish, government, gfcf, inventories,
        exports; ``V`` rows imports, the ``TOT`` rows and a ``discrepancy`` row holding
        the published rounding gap (GO minus inputs) when it is not zero.

    Raises
    ------
    ReadError
        Missing sheet or columns, a year absent from the file, duplicated codes,
        text in a number cell (file, row and column named).
    """
    path = Path(path)
    name = path.name
    try:
        raw = pd.read_excel(path, sheet_name=SHEET, header=None, dtype=object)
    except ValueError as exc:
        raise ReadError(f"{name}: no sheet {SHEET!r} ({exc}); not a WIOD 2016 NIOT workbook.") from exc
    except Exception as exc:
        raise ReadError(f"{path}: not a readable workbook ({exc}).") from exc
    head = [str(v).strip() if v is not None and v == v else "" for v in raw.iloc[0]]
    if head[:4] != KEY_COLS:
        raise ReadError(f"{name} (sheet {SHEET!r}), row 1: expected columns {KEY_COLS} first, found {head[:4]}.")
    fd_missing = [c for c in FINAL_DEMAND if c not in head]
    if fd_missing:
        raise ReadError(f"{name} (sheet {SHEET!r}), row 1: final-demand column(s) {fd_missing} missing.")
    if "GO" not in head:
        raise ReadError(f"{name} (sheet {SHEET!r}), row 1: gross-output column 'GO' missing.")
    first_fd = head.index("CONS_h")
    inds = head[4:first_fd]
    dup = sorted({c for c in inds if inds.count(c) > 1})
    if dup:
        raise ReadError(f"{name} (sheet {SHEET!r}), row 1: duplicated industry code(s) {dup}.")
    body = raw.iloc[2:].copy()
    body.columns = head
    years = pd.to_numeric(body["Year"], errors="coerce")
    if year is None:
        year = int(np.nanmax(years.to_numpy(dtype=float)))
    sel = body[years == year]
    if sel.empty:
        avail = sorted({int(v) for v in years.dropna()})
        raise ReadError(f"{name}: no rows for year {year}; years in the file: {avail}.")
    excel_rows = sel.index.to_numpy() + 1
    num_cols = inds + list(FINAL_DEMAND) + ["GO"]
    vals = sel[num_cols].apply(pd.to_numeric, errors="coerce")
    bad = vals.isna().to_numpy() & sel[num_cols].notna().to_numpy()
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ReadError(f"{name} (sheet {SHEET!r}), row {excel_rows[r]}, column {num_cols[c]!r}: expected a "
                        f"number, found {sel[num_cols].iat[r, c]!r}.")
    vals = vals.fillna(0.0).astype(float)
    origin = sel["Origin"].astype(str).str.strip().to_numpy()
    code = sel["Code"].astype(str).str.strip().to_numpy()

    def block(kind: str) -> pd.DataFrame:
        m = origin == kind
        b = vals[m].set_axis(pd.Index(code[m]), axis=0)
        d = b.index[b.index.duplicated()]
        if len(d):
            raise ReadError(f"{name}: year {year}, {kind} block has duplicated row code(s) {sorted(set(d))}.")
        return b

    dom, imp, tot = block("Domestic"), block("Imports"), block("TOT")
    for kind, b in (("Domestic", dom), ("Imports", imp)):
        miss = [c for c in inds if c not in b.index]
        if miss:
            raise ReadError(f"{name}: year {year}, {kind} block lacks rows for industries {miss[:5]} "
                            "(truncated file?).")
    need = [c for c in list(V_ROWS) + ["GO"] if c not in tot.index]
    if need:
        raise ReadError(f"{name}: year {year}, TOT rows {need} missing (truncated file?).")
    m = re.match(r"([A-Z]{3})_", name)
    region = region or (m.group(1) if m else "economy")
    nodes = pd.MultiIndex.from_arrays([[region] * len(inds), inds], names=["region", "sector"])
    fd = pd.MultiIndex.from_arrays([[region] * len(FINAL_DEMAND), list(FINAL_DEMAND.values())],
                                   names=["region", "category"])
    Z = dom.loc[inds, inds].to_numpy()
    Y = dom.loc[inds, list(FINAL_DEMAND)].to_numpy()
    x = tot.loc["GO", inds].to_numpy()
    fdc = list(FINAL_DEMAND)
    vrows = {("imports", "imports"): imp.loc[inds, inds].sum().to_numpy()}
    vyrows = {("imports", "imports"): imp.loc[inds, fdc].sum().to_numpy()}
    for c, label in V_ROWS.items():
        vrows[(V_KINDS[c], label)] = tot.loc[c, inds].to_numpy()
        vyrows[(V_KINDS[c], label)] = tot.loc[c, fdc].to_numpy()
    gap = x - Z.sum(axis=0) - sum(vrows.values())
    if (np.abs(gap) > 1e-9 * np.maximum(np.abs(x), 1.0)).any():
        vrows[("other", "discrepancy")] = gap
        vyrows[("other", "discrepancy")] = np.zeros(len(fdc))
    vidx = pd.MultiIndex.from_tuples(list(vrows), names=["kind", "component"])
    V = pd.DataFrame(np.vstack(list(vrows.values())), index=vidx, columns=nodes)
    VY = pd.DataFrame(np.vstack(list(vyrows.values())), index=vidx, columns=fd)
    meta = {"name": f"wiod2016_niot_{region}", "year": int(year), "unit": "USD million", "currency": "USD",
            "prices": "current", "source": f"WIOD 2016 release, national IO table ({name})",
            "system": "industry-by-industry"}
    names = dict(zip(code[origin == "Domestic"], sel["Description"].astype(str).str.strip()[origin == "Domestic"]))
    meta["names"] = {"sector": {c: names.get(c, c) for c in inds}}
    t = IOTable(pd.DataFrame(Z, nodes, nodes), pd.DataFrame(Y, nodes, fd), V, pd.Series(x, nodes),
                meta=meta, rtol=rtol, VY=VY)
    if sea is not None:
        from .sea import sea_extension

        t = t.with_extension(sea_extension(sea, t))
    return t
