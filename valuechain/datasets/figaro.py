"""Eurostat FIGARO inter-country tables: the CSV "matrix" layout.

Files such as ``matrix_eu-ic-io_ind-by-ind_24ed_2021.csv`` (industry by
industry) and ``matrix_eu-ic-io_prod-by-prod_24ed_2021.csv`` (product by
product).  The first column, headed ``rowLabels``, holds the row labels; the
first line holds the column labels; all labels are ``REGION_CODE``:

* country-industry (``AT_A01``, ``AT_C10T12``, ``FIGW1_U``) or country-product
  (``AT_CPA_A01``) rows and columns: the intermediate block;
* final-demand columns ``AT_P3_S13`` (government), ``AT_P3_S14`` (households),
  ``AT_P3_S15`` (NPISH), ``AT_P51G`` (gross fixed capital formation) and
  ``AT_P5M`` (changes in inventories and valuables);
* value-added rows with the pseudo-region ``W2``: ``W2_D21X31`` (taxes less
  subsidies on products), ``W2_OP_RES`` / ``W2_OP_NRES`` (direct purchases
  by residents abroad / by non-residents), ``W2_D1`` (compensation of
  employees), ``W2_D29X39`` (other net taxes on production) and ``W2_B2A3G``
  (gross operating surplus and mixed income).

Gross output is the row total ``Z·1 + Y·1`` (the layout has no output row or
column); the value-added rows are kept as ``V`` with their kinds: ``D21X31``
``taxes``; ``OP_RES``/``OP_NRES`` ``other``; ``D1``, ``D29X39``, ``B2A3G``
``value_added``.  Their entries under final-demand columns (taxes on final
products, purchases abroad) are the ``VY`` block, so ``t.gdp`` includes the taxes
on final products.  Values are millions
of euro at current prices.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..table import IOTable
from ._parse import build_table, check_unique, read_error, read_labelled_csv, sniff_year, take

__all__ = ["read_figaro", "FD_CODES", "VA_CODES"]

#: final-demand codes of the FIGARO matrix layout
FD_CODES = ("P3_S13", "P3_S14", "P3_S15", "P51G", "P5M", "P5", "P3", "P6")
#: value-added row codes (after the ``W2_`` prefix)
VA_CODES = ("D21X31", "OP_RES", "OP_NRES", "D1", "D29X39", "B2A3G", "B2A3N", "D21", "D31", "P1", "P2")
#: kind of each value-added row code: product taxes, purchases abroad / by non-residents, value added
VA_KINDS = {"D21X31": "taxes", "D21": "taxes", "D31": "taxes", "OP_RES": "other", "OP_NRES": "other"}
_VA_REGION = "W2"


def read_figaro(path: str | Path, *, year: int | None = None, member: str | None = None,
                allow_negative: bool = False, rtol: float = 1e-3) -> IOTable:
    """Read a FIGARO matrix CSV (industry-by-industry or product-by-product).

    Parameters
    ----------
    path : str or Path
        The CSV file or a zip archive holding it.
    year : int, optional
        Table year; read from the file name when omitted.
    member : str, optional
        The CSV inside a zip archive.
    allow_negative, rtol
        Passed to :class:`~valuechain.IOTable`.

    Returns
    -------
    IOTable
        Nodes ``(region, industry)`` or ``(region, "CPA_...")``; final demand
        ``(region, P3_S14 ...)``; value-added rows ``D21X31, ..., B2A3G``;
        ``meta.unit = "EUR million"``.

    Raises
    ------
    ReadError
        Ragged lines, text in number cells, unknown or duplicated labels,
        rows and columns that do not match, a missing final-demand block.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> csv = ("rowLabels,AT_A01,DE_A01,AT_P3_S14,DE_P3_S14\\n"
    ...        "AT_A01,1,2,4,3\\nDE_A01,2,1,2,5\\nW2_D1,4,3,0,0\\nW2_B2A3G,3,4,0,0\\n")
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "matrix_eu-ic-io_ind-by-ind_24ed_2021.csv"
    >>> _ = p.write_text(csv)
    >>> t = vc.datasets.read(p, format="figaro")
    >>> t.x.tolist(), t.V.index.get_level_values("component").tolist(), t.meta.year
    ([10.0, 10.0], ['D1', 'B2A3G'], 2021)
    """
    path = Path(path)
    m = read_labelled_csv(path, member=member, year=year)
    name = m.name
    check_unique(m.col_labels, name, "column")
    check_unique(m.row_labels, name, "row", first_line=m.first_line)
    z_cols, fd_cols, fd_labels = [], [], []
    for j, lab in enumerate(m.col_labels):
        head, sep, tail = lab.partition("_")
        if not sep or not head or not tail:
            raise read_error(name, "column label is not of the form REGION_CODE (e.g. 'AT_A01', 'AT_P3_S14').",
                             line=1, col_index=j + 1, column=lab)
        if tail in FD_CODES:
            fd_cols.append(j)
            fd_labels.append((head, tail))
        else:
            z_cols.append(j)
    if not z_cols:
        raise read_error(name, "no country-industry columns in the header; is this a FIGARO matrix file?", line=1)
    if not fd_cols:
        raise read_error(name, "no final-demand block: expected columns such as "
                               f"{m.col_labels[0].partition('_')[0]}_P3_S14, _P3_S13, _P51G, _P5M.", line=1)
    z_col_labels = [m.col_labels[j] for j in z_cols]
    zset = set(z_col_labels)
    z_rows, va_rows, va_labels = [], [], []
    for i, lab in enumerate(m.row_labels):
        if lab in zset:
            z_rows.append(i)
            continue
        head, _, tail = lab.partition("_")
        if head == _VA_REGION or tail in VA_CODES:
            va_rows.append(i)
            va_labels.append(tail if head == _VA_REGION else lab)
        else:
            raise read_error(name, "unknown row label; expected a country-industry code present in the header "
                                   f"or a value-added row {_VA_REGION}_D1, {_VA_REGION}_B2A3G ...",
                             line=m.line(i), row=lab)
    z_row_labels = [m.row_labels[i] for i in z_rows]
    if set(z_row_labels) != zset:
        missing = [c for c in z_col_labels if c not in set(z_row_labels)]
        raise read_error(name, f"{len(missing)} country-industry column(s) have no row: "
                               f"{', '.join(repr(c) for c in missing[:5])}. The file may be truncated.")
    if z_row_labels != z_col_labels:
        pos = dict(zip(z_col_labels, z_cols))
        z_cols = [pos[lab] for lab in z_row_labels]
    nodes = [tuple(lab.split("_", 1)) for lab in z_row_labels]
    values = m.values
    del m
    zr, zc = np.asarray(z_rows), np.asarray(z_cols)
    Y = take(values, zr, np.asarray(fd_cols)).copy()
    vr = np.asarray(va_rows, dtype=int)
    V = take(values, vr, zc).copy() if va_rows else None
    va_keys = [(VA_KINDS.get(c, "value_added"), c) for c in va_labels]
    VY = None
    if va_rows:
        import pandas as pd

        VY = pd.DataFrame(take(values, vr, np.asarray(fd_cols)).copy(),
                          index=pd.MultiIndex.from_tuples(va_keys, names=["kind", "component"]),
                          columns=pd.MultiIndex.from_tuples(fd_labels, names=["region", "category"]))
    Z = take(values, zr, zc)
    pxp = any(s.startswith("CPA_") for _, s in nodes) or "prod-by-prod" in path.name
    y = year if year is not None else sniff_year(Path(member).name if member else path.name)
    meta = {"name": f"figaro{'' if y is None else y}", "year": y, "unit": "EUR million", "currency": "EUR",
            "prices": "current", "system": "product-by-product" if pxp else "industry-by-industry",
            "source": f"Eurostat FIGARO matrix layout: {path.name}"}
    return build_table(name, Z, nodes, Y, fd_labels, V, va_keys if va_rows else None, None, meta=meta,
                       allow_negative=allow_negative, rtol=rtol, VY=VY)
