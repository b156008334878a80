"""Generic tables: CSV, Excel or parquet in a documented long or wide layout.

Long layout (one flow per line; column names are fixed, extra columns ignored)::

    block,row_region,row_sector,col_region,col_sector,value
    Z,DEU,steel,FRA,cars,12.5         intermediate flow: supplier (row) -> buyer (column)
    Y,DEU,steel,FRA,households,3.0    final demand: col_region = buying region, col_sector = category
    V,,wages,FRA,cars,7.0             value added: row_sector = component (row_region empty or any text)
    x,DEU,steel,,,100.0               optional gross output of a node (else row totals)

``block`` is optional when there is no final demand or value added to tell
apart: without it every line is an intermediate flow, which leaves no final
demand, so it is required in practice.  Node order is the order of first
appearance; missing pairs are 0; a repeated (block, row, column) is an error.

Wide layout (a labelled matrix)::

    region,sector,DEU,DEU,FRA,FRA,FRA
    ,,steel,cars,steel,cars,households     <- 2nd header row: sector or final-demand category
    DEU,steel,1,2,3,4,5
    ...
    ,wages,3,4,5,6,                        <- value-added rows: empty region, component in column 2
    ,x,10,20,30,40,                        <- optional gross-output row ("x" or "output")

The first two columns hold the row region and sector, the first two lines the
column region and sector/category.  Columns whose (region, sector) pair is a
node label form ``Z``; the other labelled columns are final demand ``Y``;
rows that are not nodes are value-added components (a row named ``x`` or
``output`` is gross output).  Use ``layout="wide"`` / ``"long"``, or let the
reader decide from the column names.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .._columns import NON_FINITE, NUMBER, number_or_none
from .._limits import current as current_limits
from .._safeio import check_dense, check_regular, check_zip, open_binary, snippet
from ..errors import ReadError
from ..table import IOTable
from ._parse import build_table, check_unique, read_error

__all__ = ["read_generic", "LONG_COLUMNS"]

#: required columns of the long layout
LONG_COLUMNS = ("row_region", "row_sector", "col_region", "col_sector", "value")
_OUTPUT_NAMES = ("x", "output", "total output", "gross output")


def _read_frame(path: Path, header, sheet):
    import pandas as pd

    suf = path.suffix.lower()
    check_regular(path, path.name)
    try:
        if suf == ".parquet":
            return pd.read_parquet(path)
        if suf in (".xlsx", ".xlsm"):
            return _read_xlsx(path, sheet)
        if suf == ".xls":
            return pd.read_excel(path, sheet_name=sheet or 0, header=header, dtype=object, keep_default_na=False,
                                 na_filter=False)
        with open_binary(path, path.name, gunzip=False) as fh:  # line length capped
            return pd.read_csv(fh, header=header, dtype=str, keep_default_na=False, skip_blank_lines=True,
                               sep=None if suf == ".txt" else ",", engine="python" if suf == ".txt" else "c",
                               encoding="utf-8-sig")
    except ReadError:
        raise
    except (ValueError, OSError, ImportError) as exc:
        raise ReadError(f"{path.name}: could not be read as a {suf or 'text'} table ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0][:200] if str(exc) else ''}).") from None
    except Exception as exc:  # noqa: BLE001 - parser-specific errors (ParserError, BadZipFile...)
        raise ReadError(f"{path.name}: could not be read ({type(exc).__name__}: {str(exc)[:200]}).") from None


def _read_xlsx(path: Path, sheet):
    """The cells of one worksheet (cached values), refusing formulas that were never computed.

    openpyxl (which parses the XML through defusedxml when it is installed, as it is with
    valuechain) gives ``None`` for a formula cell without a cached value; pandas would then
    read it as an empty cell, i.e. 0.  The archive's members are checked against the
    compression caps first (an xlsx is a zip).
    """
    import zipfile

    import openpyxl
    import pandas as pd

    with zipfile.ZipFile(path) as zf:
        check_zip(zf, path.name)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        names = values.sheetnames
        if sheet is None:
            name = names[0]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise ReadError(f"{path.name}: has {len(names)} worksheet(s); sheet={sheet} does not exist.")
            name = names[sheet]
        else:
            if sheet not in names:
                raise ReadError(f"{path.name}: no worksheet {sheet!r}; it has {', '.join(map(repr, names))}.")
            name = sheet
        rows = [list(r) for r in values[name].iter_rows(values_only=True)]
        for r, (vrow, frow) in enumerate(zip(rows, formulas[name].iter_rows(values_only=True)), start=1):
            for c, (v, f) in enumerate(zip(vrow, frow), start=1):
                if v is None and isinstance(f, str) and f.startswith("="):
                    from openpyxl.utils import get_column_letter

                    raise ReadError(f"{path.name}: sheet {name!r}, cell {get_column_letter(c)}{r} (line {r}, "
                                    f"column {c}): the formula {snippet(f)} has no computed value in the file; "
                                    "open and save the workbook in a spreadsheet program (which stores the "
                                    "results), or export it as CSV.")
    finally:
        values.close()
        formulas.close()
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)


def _num(name, v, line, col, row=None, column=None) -> float:
    if v is None or (isinstance(v, str) and v.strip() == ""):
        return 0.0  # an empty cell is a zero flow (documented rule)
    f = number_or_none(v)
    if f is None:
        what = ("non-finite value" if isinstance(v, float) or (isinstance(v, str) and NON_FINITE.fullmatch(v))
                else "out-of-range value" if isinstance(v, (int, float)) and not isinstance(v, bool)
                or (isinstance(v, str) and NUMBER.fullmatch(v)) else "text value")
        raise read_error(name, f"{what} {snippet(v)} where a number is expected (finite, magnitude at most "
                               f"{current_limits().max_abs_value:g}).", line=line, row=row, col_index=col,
                         column=column)
    return f


def _s(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def _long(df, name: str, meta: dict, allow_negative: bool, rtol: float, line0: int) -> IOTable:
    missing = [c for c in LONG_COLUMNS if c not in df.columns]
    if missing:
        raise read_error(name, f"long layout lacks column(s) {missing}; expected {list(LONG_COLUMNS)} plus "
                               "'block' (Z, Y, V or x).", line=1)
    cols = list(df.columns)
    blocks = [(_s(b) or "Z") for b in df["block"].tolist()] if "block" in df.columns else ["Z"] * len(df)
    rr, rs = [_s(v) for v in df["row_region"].tolist()], [_s(v) for v in df["row_sector"].tolist()]
    cr, cs = [_s(v) for v in df["col_region"].tolist()], [_s(v) for v in df["col_sector"].tolist()]
    vcol = cols.index("value")
    vals = [_num(name, v, line0 + k, vcol, column="value") for k, v in enumerate(df["value"].tolist())]
    nodes: dict[tuple, int] = {}
    fd: dict[tuple, int] = {}
    va: dict[str, int] = {}
    for k, b in enumerate(blocks):
        if b not in ("Z", "Y", "V", "x"):
            raise read_error(name, f"unknown block {b!r}; expected Z, Y, V or x.", line=line0 + k,
                             col_index=cols.index("block"), column="block")
        if b == "Z":
            nodes.setdefault((rr[k], rs[k]), len(nodes))
    for k, b in enumerate(blocks):
        if b == "Z":
            nodes.setdefault((cr[k], cs[k]), len(nodes))
        elif b == "Y":
            fd.setdefault((cr[k], cs[k]), len(fd))
        elif b == "V":
            va.setdefault(rs[k] or rr[k], len(va))
    if not nodes:
        raise read_error(name, "no intermediate flows (block Z).")
    if not fd:
        raise read_error(name, "no final-demand block: add lines with block 'Y' (col_region = buying region, "
                               "col_sector = category).")
    n = len(nodes)
    check_dense([(n, n), (n, len(fd)), (len(va), n)], name,
                f"the table ({n:,} nodes, {len(fd):,} final-demand columns, {len(va):,} value-added rows)",
                hint="check the region and sector labels (a mistyped label makes a new node)")
    Z = np.zeros((n, n))
    Y = np.zeros((n, len(fd)))
    V = np.zeros((len(va), n)) if va else None
    x = np.full(n, np.nan)
    seen: dict[tuple, int] = {}
    for k, b in enumerate(blocks):
        key = (b, rr[k], rs[k], cr[k], cs[k])
        if key in seen:
            raise read_error(name, f"duplicated entry {key} (also on line {line0 + seen[key]}).", line=line0 + k)
        seen[key] = k
        try:
            if b == "Z":
                Z[nodes[(rr[k], rs[k])], nodes[(cr[k], cs[k])]] = vals[k]
            elif b == "Y":
                if (rr[k], rs[k]) not in nodes:
                    raise KeyError((rr[k], rs[k]))
                Y[nodes[(rr[k], rs[k])], fd[(cr[k], cs[k])]] = vals[k]
            elif b == "V":
                if (cr[k], cs[k]) not in nodes:
                    raise KeyError((cr[k], cs[k]))
                V[va[rs[k] or rr[k]], nodes[(cr[k], cs[k])]] = vals[k]  # type: ignore[index]
            else:
                if (rr[k], rs[k]) not in nodes:
                    raise KeyError((rr[k], rs[k]))
                x[nodes[(rr[k], rs[k])]] = vals[k]
        except KeyError as exc:
            raise read_error(name, f"block {b} refers to node {exc.args[0]} that has no intermediate flow "
                                   "(block Z) line.", line=line0 + k) from None
    xs = None
    if not np.isnan(x).all():
        if np.isnan(x).any():
            lab = list(nodes)[int(np.flatnonzero(np.isnan(x))[0])]
            raise read_error(name, f"block x gives output for some nodes but not for {lab}.")
        xs = x
    return build_table(name, Z, list(nodes), Y, list(fd), V, list(va), xs, meta=meta,
                       allow_negative=allow_negative, rtol=rtol)


def _wide(raw, name: str, meta: dict, allow_negative: bool, rtol: float) -> IOTable:
    rows = raw.values.tolist()
    if len(rows) < 3 or len(rows[0]) < 3:
        raise read_error(name, "wide layout needs two header lines (region; sector/category) and two label "
                               "columns (region, sector).")
    ncol = len(rows[0])
    creg = [_s(v) for v in rows[0]]
    csec = [_s(v) for v in rows[1]]
    # carry a region forward over merged/empty header cells (Excel exports)
    for j in range(3, ncol):
        if not creg[j] and csec[j] and creg[j - 1]:
            creg[j] = creg[j - 1]
    data = rows[2:]
    node_rows, va_rows, out_row = [], [], None
    for k, r in enumerate(data):
        reg, sec = _s(r[0]), _s(r[1])
        if not reg and not sec:
            continue
        if sec.lower() in _OUTPUT_NAMES and not reg:
            out_row = k
        elif reg:
            node_rows.append(k)
        else:
            va_rows.append(k)
    nodes = [(_s(data[k][0]), _s(data[k][1])) for k in node_rows]
    if not nodes:
        raise read_error(name, "no node rows (region and sector in the first two columns).", line=3)
    check_unique(nodes, name, "row", first_line=3)
    pos = {nd: None for nd in nodes}
    z_cols, fd_cols, fd_labels, out_col = [], [], [], None
    for j in range(2, ncol):
        key = (creg[j], csec[j])
        if not key[0] and not key[1]:
            continue
        if key in pos:
            if pos[key] is not None:
                raise read_error(name, f"duplicated column label {key}.", line=2, col_index=j)
            pos[key] = j
        elif csec[j].lower() in _OUTPUT_NAMES and not creg[j]:
            out_col = j
        else:
            fd_cols.append(j)
            fd_labels.append(key)
    miss = [nd for nd, j in pos.items() if j is None]
    if miss:
        raise read_error(name, f"{len(miss)} node(s) have a row but no column, e.g. {miss[0]}.", line=1)
    z_cols = [pos[nd] for nd in nodes]
    if not fd_cols:
        raise read_error(name, "no final-demand block: add columns (region, category) after the node columns.",
                         line=1)
    check_unique(fd_labels, name, "column")

    def block(ks, cs):
        out = np.zeros((len(ks), len(cs)))
        for a, k in enumerate(ks):
            r = data[k]
            for b, j in enumerate(cs):
                out[a, b] = _num(name, r[j], 3 + k, j, row=f"{_s(r[0])} {_s(r[1])}".strip(),
                                 column=f"{creg[j]} {csec[j]}".strip())
        return out

    Z = block(node_rows, z_cols)
    Y = block(node_rows, fd_cols)
    V = block(va_rows, z_cols) if va_rows else None
    va_labels = [_s(data[k][1]) or _s(data[k][0]) for k in va_rows]
    x = None
    if out_col is not None:
        x = block(node_rows, [out_col])[:, 0]
    elif out_row is not None:
        x = block([out_row], z_cols)[0]
    return build_table(name, Z, nodes, Y, fd_labels, V, va_labels, x, meta=meta, allow_negative=allow_negative,
                       rtol=rtol)


def read_generic(path: str | Path, *, layout: str | None = None, sheet: str | int | None = None,
                 year: int | None = None, unit: str = "", name: str = "", allow_negative: bool = False,
                 rtol: float = 1e-3) -> IOTable:
    """Read any table given in the long or wide layout of the module docstring.

    Parameters
    ----------
    path : str or Path
        ``.csv``, ``.txt`` (separator sniffed), ``.xlsx`` or ``.parquet`` (long layout only).
    layout : {"long", "wide"}, optional
        Chosen from the header when omitted (long if it names ``row_region``).
    sheet : str or int, optional
        Excel worksheet.
    year, unit, name : optional
        Stored in ``meta``.
    allow_negative, rtol
        Passed to :class:`~valuechain.IOTable`.

    Returns
    -------
    IOTable

    Raises
    ------
    ReadError
        Missing columns or blocks, unknown nodes, duplicated entries or text in
        a value cell; the message names the file, line and column.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> csv = ("block,row_region,row_sector,col_region,col_sector,value\\n"
    ...        "Z,A,s1,A,s1,150\\nZ,A,s1,A,s2,500\\nZ,A,s2,A,s1,200\\nZ,A,s2,A,s2,100\\n"
    ...        "Y,A,s1,A,households,350\\nY,A,s2,A,households,1700\\n")
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "mb.csv"
    >>> _ = p.write_text(csv)
    >>> vc.datasets.read(p, format="generic").x.tolist()
    [1000.0, 2000.0]
    """
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file.")
    if layout not in (None, "long", "wide"):
        from .._validation import check_choice

        check_choice(layout, "layout", "read_generic", ("long", "wide"))
    meta = {"name": name or path.stem, "year": year, "unit": unit, "source": f"generic table: {path.name}"}
    if path.suffix.lower() == ".parquet":
        if layout == "wide":
            raise ReadError(f"{path.name}: parquet files are read in the long layout only.")
        return _long(_read_frame(path, 0, sheet), path.name, meta, allow_negative, rtol, line0=1)
    raw = _read_frame(path, None, sheet)
    if raw.shape[0] == 0:
        raise ReadError(f"{path.name}: the file is empty.")
    first = [_s(v) for v in raw.iloc[0].tolist()]
    if layout is None:
        layout = "long" if "row_region" in first else "wide"
    if layout == "long":
        df = raw.iloc[1:].reset_index(drop=True)
        df.columns = first
        check_unique(first, path.name, "column")
        return _long(df, path.name, meta, allow_negative, rtol, line0=2)
    return _wide(raw, path.name, meta, allow_negative, rtol)
