"""US BEA input-output accounts (Use, Make, Import matrices): format ``"bea"``.

Two layouts are read, for each of the three tables:

* the **published BEA workbook** (``IOUse_Before_Redefinitions_PRO_1997-2015_Summary.xlsx``,
  ``IOMake_...``, ``ImportMatrices_...``): one sheet per year; a title block, a row of
  column codes (industries, ``F010 ... F10N`` final uses, totals), a row of names,
  then one row per commodity (code in column A, name in column B); suppressed cells
  hold ``"..."`` (read as 0); value-added rows ``V001-V003`` and total rows follow;
* the **code-indexed CSV** (first column = BEA code, header = codes), as distributed by
  USEEIO (``Summary_Use_2019_PRO_BeforeRedef_17sch.csv.gz``).

The Use table (commodities x industries, producers' prices) and the Make table
(industries x commodities) go through :func:`valuechain.datasets.sut.to_iot` with
model D (industry x industry).  Imports are separated with the BEA import matrix when
given (``imports=``), else by commodity import shares from the ``F050`` column.
Millions of current US dollars.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice
from ..errors import ReadError
from ..table import IOTable
from . import sut
from .national import read_numeric_csv

__all__ = ["read_bea", "read_bea_table", "VALUE_ADDED"]

VALUE_ADDED = {"V001": "compensation of employees", "V002": "taxes on production and imports less subsidies",
               "V003": "gross operating surplus"}
_FINAL = re.compile(r"F\d{2}[0-9A-Z]$")
_VA = re.compile(r"V\d{3}$")
_TOTAL = re.compile(r"(T0\d\d|Total.*|Sum of.*|Intermediate Not Selected)$")


def _code(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).replace("\xa0", " ").strip()


def read_bea_table(path: str | Path, *, year: int | None = None, sheet: str | None = None) -> pd.DataFrame:
    """One BEA table (Use, Make or Import matrix) as a code x code DataFrame.

    Parameters
    ----------
    path : str or Path
        A BEA workbook (``.xlsx``; sheet *sheet* or ``str(year)``) or a code-indexed CSV.

    Returns
    -------
    DataFrame
        Rows and columns labelled by BEA codes (totals included as published);
        suppressed cells (``"..."``) and blanks are 0.

    Raises
    ------
    ReadError
        Missing sheet or code row, duplicated codes, a text value in a number cell.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        return read_numeric_csv(path)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ReadError(f"{path}: not a readable .xlsx workbook ({exc}).") from exc
    try:
        name = sheet or (str(year) if year is not None else None)
        if name is None:
            years = [s for s in wb.sheetnames if re.fullmatch(r"\d{4}", s)]
            if len(years) != 1:
                raise ReadError(f"{path.name}: several year sheets {years[:3]}...; pass year=.")
            name = years[0]
        if name not in wb.sheetnames:
            raise ReadError(f"{path.name}: no sheet {name!r}; sheets: {wb.sheetnames}.")
        rows = [list(r) for r in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()
    where = f"{path.name} (sheet {name!r}"
    # the code row: just above the names row ('IOCode' in column A, Use/Make workbooks),
    # or the row starting with 'Code' itself (import matrices)
    hdr = None
    for i, r in enumerate(rows):
        c0 = _code(r[0]) if r else ""
        if c0 in ("IOCode", "Code"):
            hdr = i if c0 == "Code" else i - 1
            break
    if hdr is None or hdr < 0:
        raise ReadError(f"{where}): no row of column codes (above a row starting 'IOCode', or starting "
                        "'Code') found; not a BEA input-output table.")
    codes = [_code(v) for v in rows[hdr]]
    cols = [j for j, c in enumerate(codes) if j >= 2 and c]
    seen: set[str] = set()
    for j in cols:
        if codes[j] in seen:
            raise ReadError(f"{where}, row {hdr + 1}): duplicated column code {codes[j]!r}.")
        seen.add(codes[j])
    data, labels, lines = [], [], []
    for i in range(hdr + 1, len(rows)):
        r = rows[i]
        c0, c1 = _code(r[0]) if r else "", _code(r[1]) if len(r) > 1 else ""
        if c0 in ("IOCode", "Code") or (not c0 and not c1):
            continue
        if c0.startswith("Legend") or c0.startswith("Note"):
            break
        label = c0 or c1  # total rows have no code, only a name
        vals = []
        for j in cols:
            v = r[j] if j < len(r) else None
            if v is None or (isinstance(v, str) and v.strip() in ("", "...", "---")):
                vals.append(0.0)
            elif isinstance(v, (int, float)):
                vals.append(float(v))
            else:
                raise ReadError(f"{where}, row {i + 1}, column {codes[j]!r}): expected a number, found {v!r}.")
        if label in labels:
            raise ReadError(f"{where}, row {i + 1}): duplicated row code {label!r}.")
        labels.append(label)
        lines.append(i)
        data.append(vals)
    if not data:
        raise ReadError(f"{where}): no data rows below the code row {hdr + 1}.")
    return pd.DataFrame(data, index=pd.Index(labels), columns=pd.Index([codes[j] for j in cols]))


def _split(df: pd.DataFrame) -> tuple[list[str], list[str], list[str], list[str]]:
    """(commodity rows, industry columns, final-use columns, value-added rows) of a Use table."""
    final = [c for c in df.columns if _FINAL.match(c)]
    inds = [c for c in df.columns if c not in final and not _TOTAL.match(c)]
    va = [r for r in df.index if _VA.match(r)]
    coms = [r for r in df.index if r not in va and not _TOTAL.match(r)]
    return coms, inds, final, va


def read_bea(path: str | Path, *, make: str | Path | None = None, imports: str | Path | None = None,
             sut_use: str | Path | None = None, year: int | None = None, region: str = "USA", model: str = "D",
             allow_negative: bool = True, rtol: float = 1e-3) -> IOTable:
    """Read BEA Use + Make (+ Import) tables into an industry-by-industry :class:`IOTable`.

    Parameters
    ----------
    path : str or Path
        The Use table (commodities x industries and final uses, producers' prices),
        BEA workbook or code-indexed CSV.
    make : str or Path
        The Make table (industries x commodities), same layouts.  Required: the
        conversion needs to know which industries make which commodities.
    imports : str or Path, optional
        The BEA import matrix (imported commodities by industry and final use).
        Without it, imports (``-F050``) are split by commodity import shares.
    sut_use : str or Path, optional
        The Use table of BEA's supply-use framework for the same year
        (``Summary_Use_SUT_YYYY``, basic prices), whose rows ``T00OTOP``/``T00OSUB`` give
        each industry's other taxes and subsidies on production.  BEA's ``V002``
        ("taxes on production and imports less subsidies") also holds the taxes on
        products; with *sut_use* it is split into other net taxes on production (value
        added) and net taxes on products (kind ``taxes``).  Without it ``V002`` stays
        value added, so GVA includes product taxes (GDP is right either way), as
        recorded in ``meta.history``.
    year : int, optional
        The sheet of multi-year workbooks; also the table's year (default: from the file name).
    region : str, default "USA"
    model : {"D", "B"}, default "D"
        Industry x industry, or commodity x commodity (see :func:`~valuechain.datasets.sut.to_iot`).
    allow_negative : bool, default True
        BEA publishes a few negative intermediate uses (e.g. farm products bought by the
        federal government through the Commodity Credit Corporation); they are kept.

    Returns
    -------
    IOTable
        ``Z`` domestic flows, ``Y`` final uses (``F010`` ... without ``F050``), ``V`` rows
        ``(imports, imports)`` and ``V001-V003`` (kind ``value_added``; ``V002`` split with
        *sut_use*); ``VY`` the imported final uses; USD million.

    Raises
    ------
    ReadError
        Layout problems (named file, sheet, row, column) or no Make table.
    """
    check_choice(model, "model", "datasets.read(format='bea')", ("D", "B"))
    path = Path(path)
    if make is None:
        raise ReadError(f"{path.name}: the BEA reader needs the Make table too (make=PATH), to know which "
                        "industries produce which commodities.")
    if year is None:
        m = re.search(r"(19|20)\d\d", path.name)
        year = int(m.group(0)) if m and not re.search(r"\d{4}-\d{4}", path.name) else None
    use = read_bea_table(path, year=year)
    coms, inds, final, va = _split(use)
    if not final:
        raise ReadError(f"{path.name}: no final-use columns (F010 ... F10N); the final-demand block is missing.")
    for need in ("F040", "F050"):
        if need not in final:
            raise ReadError(f"{path.name}: final-use column {need!r} (exports/imports) is missing.")
    mk = read_bea_table(Path(make), year=year)
    mk_inds = [r for r in mk.index if not _TOTAL.match(r)]
    mk_coms = [c for c in mk.columns if not _TOTAL.match(c)]
    miss = [i for i in inds if i not in mk_inds]
    if miss:
        raise ReadError(f"{Path(make).name}: industries {miss[:5]} of the Use table have no row in the Make table.")
    unknown = [c for c in mk_coms if c not in coms]
    if unknown:
        raise ReadError(f"{Path(make).name}: commodities {unknown[:5]} are not rows of the Use table {path.name}.")
    supply = mk.loc[inds, mk_coms].T.reindex(coms, fill_value=0.0)
    U = use.loc[coms, inds]
    fd = [c for c in final if c != "F050"]
    F = use.loc[coms, fd]
    W = use.loc[va, inds]
    history = []
    keys = [("value_added", f"{r} {VALUE_ADDED.get(r, '')}".strip()) for r in va]
    if sut_use is not None:
        su = read_bea_table(Path(sut_use), year=year)
        need = [r for r in ("T00OTOP", "T00OSUB") if r not in su.index]
        if need or "V002" not in W.index:
            raise ReadError(f"{Path(sut_use).name}: rows {need or ['V002 in the Use table']} are missing; "
                            "sut_use must be BEA's Use table of the supply-use framework (Summary_Use_SUT_YYYY).")
        miss = [i for i in inds if i not in su.columns]
        if miss:
            raise ReadError(f"{Path(sut_use).name}: industries {miss[:5]} of {path.name} are not columns.")
        other = su.loc[["T00OTOP", "T00OSUB"], inds].sum()
        product = W.loc["V002"] - other
        W = pd.concat([W.drop(index="V002"), other.to_frame("V002a").T, product.to_frame("V002b").T])
        keys = [k for k in keys if not k[1].startswith("V002")] + [
            ("value_added", "V002 other taxes on production less subsidies"),
            ("taxes", "V002 taxes on products less subsidies")]
        history.append(f"V002 split with {Path(sut_use).name}: other net taxes on production (value added), "
                       "net taxes on products (taxes)")
    else:
        history.append("V002 (taxes on production and imports less subsidies) kept as value added: it includes "
                       "taxes on products (pass sut_use= to split them)")
    W.index = pd.MultiIndex.from_tuples(keys, names=["kind", "component"])
    if imports is not None:
        imp = read_bea_table(Path(imports), year=year)
        M = imp.reindex(index=coms, columns=inds + fd, fill_value=0.0)
        # imports of the Use table (-F050) not allocated by the matrix (BEA: negative imports
        # of transport/trade services, rounding) are booked as imported exports
        M["F040"] = M["F040"] + (-use.loc[coms, "F050"] - M.sum(axis=1))
        imp_arg: Any = M
        history.append(f"imports from {Path(imports).name}")
    else:
        imp_arg = -use.loc[coms, "F050"]
    meta = {"name": f"bea_{region}", "year": year, "unit": "USD million", "currency": "USD",
            "prices": "current (producers' prices)", "source": f"US BEA input-output accounts ({path.name})",
            "history": tuple(history)}
    return sut.to_iot(supply, U, F, W, imports=imp_arg, exports="F040", model=model, region=region,
                      meta=meta, allow_negative=allow_negative, rtol=rtol)
