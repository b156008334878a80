"""OECD Inter-Country Input-Output (ICIO) tables: the published CSV layouts.

One CSV per year, a square-ish matrix with row labels in the first column and
column labels on the first line (the corner cell is ``V1`` in files written by
R, empty in others).  Labels are ``REGION_CODE``:

========  ======================  ===================================================
edition   file name               industry codes (45 or 50 per economy)
========  ======================  ===================================================
2021      ``ICIO2021_2018.csv``   ISIC rev.4 numeric ranges: ``AUS_01T02``, ``AUS_05T06``
2023      ``2018_SML.csv``        letter + range: ``AUS_A01_02``, ``AUS_C10T12``, ``AUS_D``
2025      ``2022_SML.csv``        letter + division: ``AUS_A01``, ``AUS_A02``, ...
========  ======================  ===================================================

Columns: the country-industry block (intermediate use), then final demand
``REGION_HFCE`` (households), ``_NPISH``, ``_GGFC`` (government), ``_GFCF``,
``_INVNT`` (inventories, may be negative), ``_DPABR`` (direct purchases abroad by
residents; other editions add ``_NONRES``, ``_NPS``, ``_P33``...), then ``OUT``
(gross output; ``TOTAL`` in older files).  Rows: the country-industry block, then
``TLS`` (taxes less subsidies on intermediate and final products), ``VA`` (value
added) and ``OUT`` (gross output).  Older files (2016/2018 editions) use
``AUS_TAXSUB`` rows, ``VALU``/``OUTPUT`` and ``TOTAL``, and are read as well.

China and Mexico are published split into ``CN1``/``CN2`` (and ``MX1``/``MX2``)
for processing-trade and other activity; by default they are merged into
``CHN`` and ``MEX`` (rows and columns summed), which is what the national
accounts of those countries report.  Pass ``merge_splits=False`` to keep them.

Rules
-----
* ``TLS`` (older files: ``REGION_TAXSUB``) become primary-input rows of kind
  ``taxes`` and ``VA`` (``VALU``) a row of kind ``value_added``; the ``OUT`` column is
  the gross output ``x`` (the ``OUT`` row is checked against it through the table's
  column balance).
* Taxes less subsidies on final products (the ``TLS`` row under final-demand
  columns) are the ``VY`` block, so that ``t.gdp`` is value added plus all net
  product taxes.
* A lone discrepancy column without a region (``DISC`` in some editions) is booked as
  a domestic final-demand column ``(region, "DISC")`` of each producing region (never
  as a region of its own, which the GVC decompositions would refuse).
* Values are millions of current US dollars (``meta.unit = "USD million"``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..table import IOTable
from ._parse import build_table, check_unique, read_error, read_labelled_csv, sniff_year, take

__all__ = ["read_icio", "FD_CATEGORIES", "SPLIT_REGIONS"]

#: final-demand category codes used by the ICIO editions (2016-2025)
FD_CATEGORIES = ("HFCE", "NPISH", "NPS", "GGFC", "GFCF", "INVNT", "INV", "DPABR", "NONRES", "DIRP",
                 "P33", "DISC", "FD")
_TOTAL_COLS = ("OUT", "TOTAL")
_TOTAL_ROWS = ("OUT", "OUTPUT")
_VA_ROWS = ("TLS", "VA", "VALU", "TAXSUB", "VA+TAXSUB")
_VA_ROW_RE = re.compile(r"^[A-Z0-9]{2,4}_TAXSUB$")

#: split-economy codes merged by default: pattern -> ISO3 code
SPLIT_REGIONS = {r"^CN\d$": "CHN", r"^MX\d$": "MEX"}


def _edition(codes: list[str]) -> str:
    if any(re.match(r"^[A-Z]\d\d_\d\d$", c) for c in codes):
        return "2023"
    if all(re.match(r"^\d\d(T\d\d)?$", c) for c in codes):
        return "2021"
    if any(re.match(r"^[A-Z]\d\d$", c) for c in codes) and not any("_" in c for c in codes):
        return "2025"
    return "unknown"


def read_icio(path: str | Path, *, year: int | None = None, member: str | None = None,
              merge_splits: bool = True, allow_negative: bool = False, rtol: float = 1e-3) -> IOTable:
    """Read one OECD ICIO CSV (2021, 2023 or 2025 edition layout) into an IOTable.

    Parameters
    ----------
    path : str or Path
        The CSV file (e.g. ``2018_SML.csv``) or a zip archive holding it.
    year : int, optional
        Table year; read from the file name when omitted.  With a zip archive of
        several years it also selects the member.
    member : str, optional
        The CSV inside a zip archive.
    merge_splits : bool, default True
        Merge ``CN1, CN2`` into ``CHN`` and ``MX1, MX2`` into ``MEX``.
    allow_negative : bool, default False
        Accept negative intermediate flows.
    rtol : float, default 1e-3
        Balance tolerance passed to :class:`~valuechain.IOTable`.

    Returns
    -------
    IOTable
        Nodes ``(region, sector)`` with the published codes; final demand
        ``(region, category)``; value-added rows ``TLS`` and ``VA``; ``meta``
        with year, ``unit="USD million"`` and the detected edition.

    Raises
    ------
    ReadError
        Truncated or ragged lines, text in a number column, unknown row labels,
        duplicated codes, rows and columns that do not match, or a missing
        final-demand block; the message names the file, line and column.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> csv = ("V1,AAA_A01,BBB_A01,AAA_HFCE,BBB_HFCE,OUT\\n"
    ...        "AAA_A01,1,2,3,4,10\\nBBB_A01,2,1,5,2,10\\nTLS,0,0,0,0,0\\nVA,7,7,0,0,14\\nOUT,10,10,0,0,20\\n")
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "2022_SML.csv"
    >>> _ = p.write_text(csv)
    >>> t = vc.datasets.read(p, format="icio")
    >>> t.n, t.meta.year, t.x.tolist()
    (2, 2022, [10.0, 10.0])
    """
    path = Path(path)
    m = read_labelled_csv(path, member=member, year=year)
    name = m.name
    check_unique(m.col_labels, name, "column")
    check_unique(m.row_labels, name, "row", first_line=m.first_line)

    # ---- classify columns
    z_cols: list[int] = []
    fd_cols: list[int] = []
    fd_labels: list[tuple[str, str]] = []
    out_col: int | None = None
    lone_cols: list[tuple[int, str]] = []
    col_set = set(m.col_labels)
    for j, lab in enumerate(m.col_labels):
        if lab.upper() in _TOTAL_COLS:
            out_col = j
            continue
        head, sep, tail = lab.partition("_")
        if not sep:
            if lab.upper() in FD_CATEGORIES:  # a lone discrepancy column: booked per producing region below
                lone_cols.append((j, lab))
                continue
            raise read_error(name, f"column label {lab!r} is not a REGION_CODE label, a final-demand "
                                   f"column (REGION_{'/'.join(FD_CATEGORIES[:6])}) or OUT.",
                             line=1, col_index=j + 1)
        if tail.upper() in FD_CATEGORIES:
            fd_cols.append(j)
            fd_labels.append((head, tail))
        elif head.upper() in FD_CATEGORIES:  # 2016 edition: HFCE_AUS
            fd_cols.append(j)
            fd_labels.append((tail, head))
        else:
            z_cols.append(j)
    if not z_cols:
        raise read_error(name, "no country-industry columns (REGION_CODE) found in the header; "
                               "is this an OECD ICIO file?", line=1)
    if not fd_cols:
        raise read_error(name, "no final-demand block: expected columns such as "
                               f"{m.col_labels[z_cols[0]].partition('_')[0]}_HFCE, _GGFC, _GFCF, _INVNT after "
                               "the country-industry columns.", line=1)

    # ---- classify rows
    z_rows: list[int] = []
    va_rows: list[int] = []
    out_row: int | None = None
    z_col_labels = [m.col_labels[j] for j in z_cols]
    z_col_set = set(z_col_labels)
    for i, lab in enumerate(m.row_labels):
        up = lab.upper()
        if lab in z_col_set:
            z_rows.append(i)
        elif up in _TOTAL_ROWS:
            out_row = i
        elif up in _VA_ROWS or _VA_ROW_RE.match(up):
            va_rows.append(i)
        else:
            hint = (" It looks like a country-industry code that has no column in the header."
                    if "_" in lab and lab not in col_set else "")
            raise read_error(name, "unknown row label; expected a country-industry code present in the "
                                   f"header, or TLS / VA / OUT.{hint}", line=m.line(i), row=lab)
    z_row_labels = [m.row_labels[i] for i in z_rows]
    if set(z_row_labels) != z_col_set:
        missing = [c for c in z_col_labels if c not in set(z_row_labels)]
        raise read_error(name, f"{len(missing)} country-industry column(s) have no row: "
                               f"{', '.join(repr(c) for c in missing[:5])}"
                               f"{' ...' if len(missing) > 5 else ''}. The file may be truncated.")
    # order columns like rows
    if z_row_labels != z_col_labels:
        pos = {lab: j for j, lab in zip(z_cols, z_col_labels)}
        z_cols = [pos[lab] for lab in z_row_labels]

    nodes = [tuple(lab.split("_", 1)) for lab in z_row_labels]
    edition = _edition(sorted({s for _, s in nodes}))
    va_labels = [m.row_labels[i] for i in va_rows]
    values = m.values
    del m  # from here on `values` is the only reference to the numbers

    # ---- merge CN1/CN2 -> CHN, MX1/MX2 -> MEX (in place, then drop the members)
    history: list[str] = []
    if merge_splits:
        rmap = {}
        for r in {r for r, _ in nodes}:
            for pat, target in SPLIT_REGIONS.items():
                if re.match(pat, r):
                    rmap[r] = target
        fd_rmap = {r: t for r, _ in fd_labels for pat, t in SPLIT_REGIONS.items() if re.match(pat, r)}
        if rmap or fd_rmap:
            new_nodes = [(rmap.get(r, r), s) for r, s in nodes]
            first: dict[tuple, int] = {}
            keep_k = []
            for k, key in enumerate(new_nodes):
                if key in first:  # add row k into the anchor row, and column k into the anchor column
                    a = first[key]
                    values[z_rows[a], :] += values[z_rows[k], :]
                    values[:, z_cols[a]] += values[:, z_cols[k]]
                else:
                    first[key] = k
                    keep_k.append(k)
            z_rows = [z_rows[k] for k in keep_k]
            z_cols = [z_cols[k] for k in keep_k]
            nodes = [new_nodes[k] for k in keep_k]
            fd_first: dict[tuple, int] = {}
            keep_f = []
            new_fd = [(fd_rmap.get(r, r), c) for r, c in fd_labels]
            for k, key in enumerate(new_fd):
                if key in fd_first:
                    values[:, fd_cols[fd_first[key]]] += values[:, fd_cols[k]]
                else:
                    fd_first[key] = k
                    keep_f.append(k)
            fd_cols = [fd_cols[k] for k in keep_f]
            fd_labels = [new_fd[k] for k in keep_f]
            merged = sorted(set(rmap) | set(fd_rmap))
            history.append(f"merged split regions {merged} into {sorted(set(rmap.values()) | set(fd_rmap.values()))}")

    zr = np.asarray(z_rows)
    zc = np.asarray(z_cols)
    fc = np.asarray(fd_cols)
    Y = take(values, zr, fc).copy()
    vr = np.asarray(va_rows, dtype=int)
    V = take(values, vr, zc).copy() if va_rows else None
    VY = take(values, vr, fc).copy() if va_rows else None
    x = values[zr, out_col].copy() if out_col is not None else None
    if x is None and out_row is not None:
        x = values[out_row, zc].copy()
    # a lone discrepancy column (e.g. DISC) is final use of no region: book each node's entry
    # in a final-demand column (region, DISC) of the node's own region, so the rows still add up
    node_regions = list(dict.fromkeys(r for r, _ in nodes))
    for j, lab in lone_cols:
        col = values[zr, j]
        reg_of = np.array([node_regions.index(r) for r, _ in nodes])
        block = np.zeros((len(nodes), len(node_regions)))
        block[np.arange(len(nodes)), reg_of] = col
        Y = np.hstack([Y, block])
        fd_labels = fd_labels + [(r, lab) for r in node_regions]
        if va_rows:
            VY = np.hstack([VY, np.zeros((len(va_rows), len(node_regions)))])
            lost = float(values[vr, j].sum())
            if lost:
                history.append(f"{lab}: primary inputs in the lone column (total {lost:.6g}) not booked")
        history.append(f"lone column {lab} booked as a domestic final-demand column of each producing region")
    Z = take(values, zr, zc)
    if not isinstance(Z.base, np.ndarray) or Z.base is not values:
        del values  # Z is a copy: free the full matrix before the table copies Z
    y = year if year is not None else sniff_year(path.name if member is None else Path(member).name)
    meta = {"name": f"icio{'' if y is None else y}", "year": y, "unit": "USD million", "currency": "USD",
            "prices": "current", "source": f"OECD ICIO ({edition} edition layout): {path.name}",
            "system": "industry-by-industry", "history": tuple(history)}
    kinds = {lab: ("taxes" if "TLS" in lab.upper() or "TAXSUB" in lab.upper() and "VA" not in lab.upper()
                   else "value_added") for lab in va_labels}
    va_keys = [(kinds[lab], lab) for lab in va_labels]
    VYdf = None
    if VY is not None:
        import pandas as pd

        VYdf = pd.DataFrame(VY, index=pd.MultiIndex.from_tuples(va_keys, names=["kind", "component"]),
                            columns=pd.MultiIndex.from_tuples(fd_labels, names=["region", "category"]))
    return build_table(name, Z, nodes, Y, fd_labels, V, va_keys, x, meta=meta,
                       allow_negative=allow_negative, rtol=rtol, VY=VYdf)
