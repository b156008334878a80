"""Australian Bureau of Statistics (ABS) national input-output tables, Table 5: format ``"abs"``.

*Australian National Accounts: Input-Output Tables* (cat. 5209.0.55.001), Table 5,
"Industry by industry flow table (direct allocation of imports)", basic prices, AUD
million.  The layout, as a CSV (re-keyed, industry names or IOIG codes as labels) or
as the ABS workbook (title lines above the header)::

                              industries ...   Total Industry Uses   Q1 ... Q7   Final Uses (Q1 to Q7)   Total Supply
    industry rows             Z                                      Y
    Total Intermediate Use    (checked)
    Compensation of employees                          value_added   VY
    Gross operating surplus & mixed income             value_added   VY
    Taxes less subsidies on products                   taxes         VY
    Other taxes less subsidies on production           value_added   VY
    Complementary imports                              imports       VY
    Competing imports                                  imports       VY
    Australian Production     x (checked against the row totals)
    Value Added               (checked: the three value-added rows)
    Employees                 (optional: the ``employment`` extension, stressor ``employees``, persons)

Final uses: Q1 households' and Q2 general government final consumption, Q3-Q5 gross
fixed capital formation (private, public corporations, general government), Q6
changes in inventories, Q7 exports.  With direct allocation of imports the
intermediate block is domestic; imports (complementary and competing) are primary
inputs of kind ``imports``, and ``t.gdp`` is gross value added plus all taxes less
subsidies on products (2021-22: GVA 2,180,676 and GDP 2,333,221 AUD million).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ReadError
from ..table import IOTable

__all__ = ["read_abs", "PRIMARY_INPUTS", "FINAL_USES"]

#: primary-input rows (normalised label) -> (kind, component)
PRIMARY_INPUTS = {
    "compensation of employees": ("value_added", "compensation of employees"),
    "gross operating surplus & mixed income": ("value_added", "gross operating surplus and mixed income"),
    "gross operating surplus mixed income": ("value_added", "gross operating surplus and mixed income"),
    "gross operating surplus and mixed income": ("value_added", "gross operating surplus and mixed income"),
    "taxes less subsidies on products": ("taxes", "taxes less subsidies on products"),
    "other taxes less subsidies on production": ("value_added", "other taxes less subsidies on production"),
    "complementary imports": ("imports", "complementary imports"),
    "competing imports": ("imports", "competing imports"),
}
#: final-use columns (normalised label start) -> category
FINAL_USES = {
    "households": "households", "general government ; final": "government",
    "general government final": "government", "private": "gfcf_private",
    "public corporations": "gfcf_public_corporations", "general government ; gross": "gfcf_government",
    "general government gross": "gfcf_government", "changes in inventories": "inventories",
    "exports": "exports",
}
_TOTAL_USES = "total industry uses"
_CHECK_ROWS = ("total intermediate use", "australian production", "value added", "employees")


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\ufeff", "")).strip().lower()


def _category(label: str) -> str | None:
    n = _norm(label)
    for key, cat in FINAL_USES.items():
        if n.startswith(key):
            return cat
    return None


def _cells(path: Path, sheet: str | int | None) -> tuple[list[list[Any]], str]:
    """All cells of the file as rows of Python values (CSV as strings)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - zip/xml errors of a broken workbook
            raise ReadError(f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__}).") from None
        try:
            names = wb.sheetnames
            ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet or 0]
            if isinstance(sheet, str) and sheet not in names:
                raise ReadError(f"{path.name}: no sheet {sheet!r}; sheets: {names}.")
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            return rows, f"{path.name}[{ws.title}]"
        finally:
            wb.close()
    try:
        raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                          on_bad_lines="error")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ReadError(f"{path.name}: not a readable CSV ({type(exc).__name__}: {str(exc)[:120]}).") from None
    return raw.values.tolist(), path.name


def _number(v: Any, where: str) -> float:
    if v is None:
        return 0.0
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        f = float(v)
    else:
        s = str(v).strip()
        if s in ("", "-", "—", "np"):
            return 0.0
        try:
            f = float(s)
        except ValueError:
            raise ReadError(f"{where}: expected a number, found {s[:40]!r}.") from None
    if not np.isfinite(f):
        raise ReadError(f"{where}: expected a finite number, found {v!r}.")
    return f


def read_abs(path: str | Path, *, year: int | None = None, sheet: str | int | None = None,
             region: str = "AUS", rtol: float = 1e-3, atol: float = 0.5) -> IOTable:
    """Read an ABS input-output Table 5 (industry by industry, direct allocation of imports).

    Parameters
    ----------
    path : str or Path
        CSV (``abs-io-2022-detailed.csv``) or the ABS workbook (``.xlsx``).
    year : int, optional
        Table year (the end of the financial year, 2022 for 2021-22); default: from the
        file name.
    sheet : str or int, optional
        Worksheet of a workbook (default: the first).
    region : str, default "AUS"
    rtol, atol : float
        Balance tolerances of the :class:`~valuechain.IOTable`; ``atol`` (AUD million)
        covers the published rounding of the primary inputs to whole millions (a column
        may add up to 43.94 for an output of 44).

    Returns
    -------
    IOTable
        Industries as published (114 or 115); ``V`` rows by kind (see the module
        docstring); ``VY`` the same rows under the final uses; AUD million.

    Raises
    ------
    ReadError
        No header with "Total Industry Uses", unknown row labels, text in number
        cells, totals that do not match the published ``Australian Production`` and
        ``Value Added`` rows (file, row and column named).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "abs-io-2022-detailed.csv"
    >>> _ = p.write_text(",a,b,Total Industry Uses,Households ; Final Consumption Expenditure,Exports of Goods "
    ...     "and Services,Final Uses (Q1 to Q7),Total Supply\\n"
    ...     "a,10,20,30,60,10,70,100\\nb,5,10,15,25,10,35,50\\nTotal Intermediate Use,15,30,45,0,0,0,45\\n"
    ...     "Compensation of employees,40,10,50,0,0,0,50\\nTaxes less subsidies on products,5,2,7,3,0,3,10\\n"
    ...     "Competing imports,40,8,48,7,0,7,55\\nAustralian Production,100,50,150,0,0,0,150\\n"
    ...     "Value Added,40,10,50,0,0,0,50\\n")
    >>> t = vc.datasets.read(p, format="abs")
    >>> float(t.v.sum()), float(t.gdp.iloc[0]), t.meta.year
    (50.0, 60.0, 2022)
    """
    path = Path(path)
    rows, name = _cells(path, sheet)
    hdr = next((i for i, r in enumerate(rows) if any(_norm(c) == _TOTAL_USES for c in r if c is not None)), None)
    if hdr is None:
        raise ReadError(f"{name}: no header row with 'Total Industry Uses'; not an ABS input-output Table 5.")
    header = ["" if c is None else str(c).replace("\ufeff", "").strip() for c in rows[hdr]]
    tcol = next(j for j, c in enumerate(header) if _norm(c) == _TOTAL_USES)
    # the label column: the last non-empty-text column before the first industry (code + name layouts: the name)
    first = next((j for j in range(tcol) if header[j]), None)
    if first is None:
        raise ReadError(f"{name}, row {hdr + 1}: no industry columns before 'Total Industry Uses'.")
    lab_col = first - 1 if first > 0 else None
    if lab_col is None:
        raise ReadError(f"{name}, row {hdr + 1}: no row-label column left of the industry columns.")
    inds = header[first:tcol]
    fd_cols = [(j, _category(header[j])) for j in range(tcol + 1, len(header))
               if header[j] and _category(header[j])]
    if not fd_cols:
        raise ReadError(f"{name}, row {hdr + 1}: no final-use columns (Households ..., Exports ...) after "
                        "'Total Industry Uses'.")
    dup = sorted({c for c in inds if inds.count(c) > 1})
    if dup:
        raise ReadError(f"{name}, row {hdr + 1}: duplicated industry column(s) {dup[:5]}.")
    n = len(inds)
    pos = {c: k for k, c in enumerate(inds)}
    Z = np.zeros((n, n))
    Y = np.zeros((n, len(fd_cols)))
    seen = np.zeros(n, dtype=bool)
    prim: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    checks: dict[str, np.ndarray] = {}
    for i in range(hdr + 1, len(rows)):
        r = rows[i]
        label = "" if lab_col >= len(r) or r[lab_col] is None else str(r[lab_col]).strip()
        if not label:
            if any(v not in (None, "") for v in r):
                continue  # a spacer or note row without a label
            continue
        where = f"{name}, row {i + 1} ({label[:60]!r})"

        def vals(cols: list[int]) -> np.ndarray:
            return np.array([_number(r[j] if j < len(r) else None, f"{where}, column {header[j]!r}") for j in cols])

        zcols = list(range(first, tcol))
        if label in pos:
            k = pos[label]
            if seen[k]:
                raise ReadError(f"{where}: duplicated industry row.")
            seen[k] = True
            Z[k] = vals(zcols)
            Y[k] = vals([j for j, _ in fd_cols])
            continue
        key = _norm(label)
        if key in PRIMARY_INPUTS:
            prim[PRIMARY_INPUTS[key]] = (vals(zcols), vals([j for j, _ in fd_cols]))
        elif key in _CHECK_ROWS:
            checks[key] = vals(zcols)
        elif key.startswith(("source", "note", "©", "australian bureau", "table")):
            break
        else:
            raise ReadError(f"{where}: unknown row label; expected an industry of the header or one of "
                            f"{sorted({v[1] for v in PRIMARY_INPUTS.values()})}, Australian Production, "
                            "Value Added.")
    if not seen.all():
        miss = [c for c, s in zip(inds, seen) if not s]
        raise ReadError(f"{name}: {len(miss)} industry column(s) have no row, e.g. {miss[:3]}; truncated file?")
    if "australian production" not in checks:
        raise ReadError(f"{name}: no 'Australian Production' row (gross output).")
    need = [v for v in ("taxes less subsidies on products", "compensation of employees") if
            PRIMARY_INPUTS[v] not in prim]
    if need:
        raise ReadError(f"{name}: primary-input row(s) {need} missing.")
    x = checks["australian production"]
    keys = list(prim)
    V = np.vstack([prim[k][0] for k in keys])
    VY = np.vstack([prim[k][1] for k in keys])
    if "value added" in checks:
        va = V[[k[0] == "value_added" for k in keys]].sum(axis=0)
        bad = np.flatnonzero(np.abs(va - checks["value added"]) > 1e-6 * np.maximum(np.abs(va), 1.0) + 0.5)
        if len(bad):
            j = bad[0]
            raise ReadError(f"{name}: 'Value Added' of {inds[j]!r} is {checks['value added'][j]:g} but the value-added "
                            f"rows add up to {va[j]:g}.")
    fy = re.search(r"(19|20)\d\d", path.name)
    y = year if year is not None else (int(fy.group(0)) if fy else None)
    history = ["ABS Table 5 (direct allocation of imports): imports are primary inputs"]
    if "employees" in checks:
        history.append(f"Employees row read (total {checks['employees'].sum():,.0f} persons)")
    nodes = pd.MultiIndex.from_arrays([[region] * n, inds], names=["region", "sector"])
    fd = pd.MultiIndex.from_arrays([[region] * len(fd_cols), [c for _, c in fd_cols]], names=["region", "category"])
    vidx = pd.MultiIndex.from_tuples(keys, names=["kind", "component"])
    meta = {"name": f"abs_{region}" + ("" if y is None else f"_{y}"), "year": y, "unit": "AUD million",
            "currency": "AUD", "prices": "basic", "system": "industry-by-industry (direct allocation of imports)",
            "source": f"ABS Australian National Accounts: Input-Output Tables, Table 5 ({path.name})",
            "history": tuple(history)}
    try:
        t = IOTable(pd.DataFrame(Z, nodes, nodes), pd.DataFrame(Y, nodes, fd), pd.DataFrame(V, vidx, nodes),
                    pd.Series(x, nodes), meta=meta, rtol=rtol, atol=atol, VY=pd.DataFrame(VY, vidx, fd))
    except Exception as exc:
        from ..errors import TableError

        if isinstance(exc, TableError):
            raise type(exc)(f"{name}: {exc}") from None
        raise
    if "employees" in checks:
        from ..extension import Extension

        F = pd.DataFrame([checks["employees"]], index=pd.Index(["employees"], name="stressor"), columns=nodes)
        t = t.with_extension(Extension("employment", F, unit="persons"))
    return t
