"""World Input-Output Database (WIOD): the 2013 and 2016 releases.

Published WIOT workbook layout (``wiot95_row_apr12.xlsx`` for the 2013 release,
``WIOT2014_Nov16_ROW.xlsx`` for the 2016 release)::

    row 1   World Input-Output Table ...          (title; the year is read from it or the file name)
    row 3   (industry-by-industry) | codes:        AtB / A01 ...      CONS_h ...      GO
    row 4   (millions of US$)      | descriptions: Agriculture ...    Final consumption ... Total output
    row 5                          | country:      AUS ...            AUS ...         TOT
    row 6                          | c-codes:      c1 ... c35 / c56   c37 ... / c57   c62
    row 7.. code | description | country | c/r-number | Z block | final demand | total output
    then    summary rows with country TOT: total intermediate consumption (r60 / II_fob),
            taxes less subsidies on products (r61 / TXSP), cif/fob adjustments (r62 / EXP_adj),
            direct purchases abroad by residents (r63 / PURR), purchases by non-residents
            (r64 / PURNR), value added (r99 / VA), international transport margins (IntTTM),
            output (r69 / GO)

The 2013 release has 41 regions x 35 industries (c1 ... c35, ISIC rev.3 codes
such as ``AtB`` in column A); the 2016 release 44 regions x 56 industries
(ISIC rev.4 codes ``A01`` ... ``U``).  Final demand has five categories per
country: ``CONS_h`` (households), ``CONS_np`` (NPISH), ``CONS_g`` (government),
``GFCF`` and ``INVEN`` (inventories).  Values are millions of current US dollars.

The R-data layout of the 2013 release (the ``wiod`` R package by Quast &
Reiter, one ``wiot_YYYY.RData`` per year holding ``inter``, ``final``,
``output``, ``countries`` and ``industries``) is read by
:func:`wiod2013_rdata`.  It has no value-added rows, and its values were
rounded to integers by the package author, so the row identity holds only to
about 100 USD million.  The reader keeps the published output ``x``, closes
each row with a domestic final-demand column ``(country, "rounding_residual")`` of
the producing country (= ``x - Z·1 - Y·1``, at most ~110 USD million per node),
derives the primary inputs as ``x - Z'·1`` (value added, product taxes and margins
together: GDP is NaN, ``meta.missing = ("taxes",)``) and labels regions by ISO3
(``ROU``, not the file's ``ROM``); ``meta.names`` holds the industry names and their
NACE Rev. 1 codes (``AtB``, ``15t16``, ...).  All recorded in ``meta.history``.

Summary rows of the workbooks have kinds: ``TXSP`` (taxes less subsidies on
products) ``taxes``; ``VA`` ``value_added``; ``EXP_adj`` (cif/fob adjustments),
``PURR``/``PURNR`` (purchases abroad by residents / by non-residents on the
territory) and ``IntTTM`` (international transport margins) ``other``.  Their
entries under final-demand columns are the ``VY`` block.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from ..errors import ReadError
from ..table import IOTable
from ._parse import build_table, check_unique, read_error, sniff_year

__all__ = ["read_wiod2013", "read_wiod2016", "wiod2013_rdata", "FD_CODES"]

#: final-demand category codes of the WIOT layouts, by c-code (2013 and 2016 releases)
FD_CODES = {
    "c37": "CONS_h", "c38": "CONS_np", "c39": "CONS_g", "c41": "GFCF", "c42": "INVEN",
    "c57": "CONS_h", "c58": "CONS_np", "c59": "CONS_g", "c60": "GFCF", "c61": "INVEN",
}
_RDATA_FD = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")

#: WIOD 2013 release industries: c-code -> (NACE Rev. 1 / ISIC rev. 3 code, name)
SECTORS_2013 = {
    "c1": ("AtB", "Agriculture, Hunting, Forestry and Fishing"), "c2": ("C", "Mining and Quarrying"),
    "c3": ("15t16", "Food, Beverages and Tobacco"), "c4": ("17t18", "Textiles and Textile Products"),
    "c5": ("19", "Leather, Leather and Footwear"), "c6": ("20", "Wood and Products of Wood and Cork"),
    "c7": ("21t22", "Pulp, Paper, Paper, Printing and Publishing"),
    "c8": ("23", "Coke, Refined Petroleum and Nuclear Fuel"), "c9": ("24", "Chemicals and Chemical Products"),
    "c10": ("25", "Rubber and Plastics"), "c11": ("26", "Other Non-Metallic Mineral"),
    "c12": ("27t28", "Basic Metals and Fabricated Metal"), "c13": ("29", "Machinery, Nec"),
    "c14": ("30t33", "Electrical and Optical Equipment"), "c15": ("34t35", "Transport Equipment"),
    "c16": ("36t37", "Manufacturing, Nec; Recycling"), "c17": ("E", "Electricity, Gas and Water Supply"),
    "c18": ("F", "Construction"),
    "c19": ("50", "Sale, Maintenance and Repair of Motor Vehicles and Motorcycles; Retail Sale of Fuel"),
    "c20": ("51", "Wholesale Trade and Commission Trade, Except of Motor Vehicles and Motorcycles"),
    "c21": ("52", "Retail Trade, Except of Motor Vehicles and Motorcycles; Repair of Household Goods"),
    "c22": ("H", "Hotels and Restaurants"), "c23": ("60", "Inland Transport"), "c24": ("61", "Water Transport"),
    "c25": ("62", "Air Transport"),
    "c26": ("63", "Other Supporting and Auxiliary Transport Activities; Activities of Travel Agencies"),
    "c27": ("64", "Post and Telecommunications"), "c28": ("J", "Financial Intermediation"),
    "c29": ("70", "Real Estate Activities"), "c30": ("71t74", "Renting of M&Eq and Other Business Activities"),
    "c31": ("L", "Public Admin and Defence; Compulsory Social Security"), "c32": ("M", "Education"),
    "c33": ("N", "Health and Social Work"), "c34": ("O", "Other Community, Social and Personal Services"),
    "c35": ("P", "Private Households with Employed Persons"),
}
#: WIOD region codes that are not ISO 3166 alpha-3 -> the ISO code (Romania)
REGION_ISO3 = {"ROM": "ROU"}

#: summary-row codes of the WIOT layouts -> primary-input kind (2013 r-codes and 2016 codes)
SUMMARY_KINDS = {
    "TXSP": "taxes", "r61": "taxes",
    "EXP_adj": "other", "r62": "other", "PURR": "other", "r63": "other", "PURNR": "other", "r64": "other",
    "IntTTM": "other", "r68": "other",
    "VA": "value_added", "r99": "value_added",
}


def _summary_kind(code: str, description: str) -> str:
    """The kind of a WIOT summary row, from its code or (unknown codes) its description."""
    if code in SUMMARY_KINDS:
        return SUMMARY_KINDS[code]
    d = description.lower()
    if "taxes less subsidies on products" in d:
        return "taxes"
    if "value added" in d:
        return "value_added"
    return "other"  # cif/fob adjustments, purchases abroad, international transport margins
_TOTAL_CODES = {"GO", "c62", "r69", "TOT"}
_SKIP_SUMMARY = {"II_fob", "r60"}


def _cell(v) -> str:
    return "" if v is None else str(v).strip()


def _load_sheet(path: Path, sheet: str | int | None) -> tuple[list[list], str]:
    suffix = path.suffix.lower()
    if suffix == ".xlsb":
        try:
            import pandas as pd

            df = pd.read_excel(path, sheet_name=sheet or 0, header=None, engine="pyxlsb")
        except ImportError:
            raise ReadError(f"{path.name}: reading .xlsb workbooks needs the 'pyxlsb' package; install it or "
                            "save the workbook as .xlsx.") from None
        except Exception as exc:  # noqa: BLE001 - any reader failure becomes a ReadError
            raise ReadError(f"{path.name}: not a readable .xlsb workbook ({exc}).") from None
        rows = [[None if (isinstance(v, float) and v != v) else v for v in r] for r in df.itertuples(index=False)]
        return rows, path.name
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of a broken workbook
        raise ReadError(f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__}: {exc}).") from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int):
            ws = wb.worksheets[sheet]
        else:
            if sheet not in wb.sheetnames:
                raise ReadError(f"{path.name}: no sheet {sheet!r}; the workbook has {wb.sheetnames}.")
            ws = wb[sheet]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return rows, f"{path.name}[{ws.title}]"


def _read_wiot(path: Path, *, release: str, sheet, year, sector_codes: str, allow_negative: bool,
               rtol: float) -> IOTable:
    rows, name = _load_sheet(path, sheet)
    # locate the c-code header row: 'c1' in column E
    hc = next((k for k, r in enumerate(rows[:15]) if len(r) > 4 and _cell(r[4]) == "c1"), None)
    if hc is None or hc < 3:
        raise read_error(name, "not the WIOT layout: expected the c-code header row ('c1' in column E) within "
                               "the first 15 rows, below the code, description and country rows.")
    width = max(len(r) for r in rows[hc - 3: hc + 1])
    hdr = [[_cell(r[j]) if j < len(r) else "" for j in range(width)] for r in rows[hc - 3: hc + 1]]
    codes, descs, ctry, ccodes = hdr
    data = rows[hc + 1:]
    first_line = hc + 2  # 1-based sheet row of data[0]

    # node rows: until the first TOT row
    node_rows, summary = [], []
    for k, r in enumerate(data):
        r = list(r) + [None] * (4 - len(r)) if len(r) < 4 else r
        c = _cell(r[2])
        if not any(_cell(v) for v in r[:4]):
            continue
        if c.upper() == "TOT" or summary:
            summary.append(k)
        else:
            node_rows.append(k)
    if not node_rows:
        raise read_error(name, "no country-industry rows below the header.", line=first_line)

    def sector_of(r) -> str:
        if release == "2013" and sector_codes == "c":
            return _cell(r[3])
        return _cell(r[0])

    nodes = [(_cell(data[k][2]), sector_of(data[k])) for k in node_rows]
    check_unique(nodes, name, "row", first_line=first_line)
    n = len(nodes)
    # Z columns: columns E.. must carry the same (country, code) as the rows, in order
    if release == "2013" and sector_codes == "c":
        col_keys = list(zip(ctry, ccodes))
    else:
        col_keys = list(zip(ctry, codes))
    for j in range(n):
        if 4 + j >= width or col_keys[4 + j] != nodes[j]:
            got = col_keys[4 + j] if 4 + j < width else "nothing"
            raise read_error(name, f"the intermediate-use columns do not match the rows: expected {nodes[j]} "
                                   f"(as in row {first_line + node_rows[j]}), found {got}.",
                             line=hc - 1, col_index=4 + j)
    fd_cols, fd_labels, out_col = [], [], None
    for j in range(4 + n, width):
        cc, cd, rg = ccodes[j], codes[j], ctry[j]
        if not (cc or cd or rg):
            continue
        if rg.upper() == "TOT" or cd in _TOTAL_CODES or cc == "c62":
            out_col = j
            break
        cat = cd if cd else FD_CODES.get(cc, descs[j] or cc)
        fd_cols.append(j)
        fd_labels.append((rg, cat))
    if not fd_cols:
        raise read_error(name, "no final-demand block: expected columns CONS_h, CONS_np, CONS_g, GFCF, INVEN "
                               "per country after the intermediate-use columns.", line=hc + 1,
                         col_index=4 + n)
    check_unique(fd_labels, name, "column")

    def num(v, line, j) -> float:
        if v is None or v == "":
            return 0.0
        if isinstance(v, (int, float)):
            return float(v)
        try:
            return float(str(v).replace(",", ""))
        except ValueError:
            raise read_error(name, f"text value {v!r} where a number is expected.", line=line,
                             row=_cell(data[line - first_line][0]) or None, col_index=j,
                             column=f"{ctry[j]} {codes[j] or ccodes[j]}".strip()) from None

    def block(ks, cols) -> np.ndarray:
        out = np.zeros((len(ks), len(cols)))
        for a, k in enumerate(ks):
            r = data[k]
            for b, j in enumerate(cols):
                out[a, b] = num(r[j] if j < len(r) else None, first_line + k, j)
        return out

    zc = list(range(4, 4 + n))
    Z = block(node_rows, zc)
    Y = block(node_rows, fd_cols)
    x = block(node_rows, [out_col])[:, 0] if out_col is not None else None
    va_rows, va_labels = [], []
    for k in summary:
        r = data[k]
        code = _cell(r[0]) or _cell(r[3]) or _cell(r[1])
        if code in _SKIP_SUMMARY or _cell(r[3]) in _SKIP_SUMMARY or code in _TOTAL_CODES or \
                _cell(r[3]) in _TOTAL_CODES or _cell(r[1]).lower().startswith(("output", "total intermediate")):
            continue
        va_rows.append(k)
        va_labels.append((_summary_kind(code, _cell(r[1])), code))
    V = block(va_rows, zc) if va_rows else None
    VY = None
    if va_rows:
        import pandas as pd

        VY = pd.DataFrame(block(va_rows, fd_cols),
                          index=pd.MultiIndex.from_tuples(va_labels, names=["kind", "component"]),
                          columns=pd.MultiIndex.from_tuples(fd_labels, names=["region", "category"]))
    y = year if year is not None else (sniff_year(_cell(rows[0][0]) if rows and rows[0] else "") or sniff_year(path.name))
    unit_txt = next((_cell(r[0]) for r in rows[:hc + 1] if r and "US$" in _cell(r[0])), "")
    names = {"sector": {}}
    for k in node_rows:
        r = data[k]
        names["sector"].setdefault(sector_of(r), _cell(r[1]))
    meta = {"name": f"wiod{release}" + ("" if y is None else f"_{y}"), "year": y, "unit": "USD million",
            "currency": "USD", "prices": "current", "system": "industry-by-industry",
            "source": f"WIOD {release} release, WIOT workbook {path.name}" + (f" {unit_txt}" if unit_txt else ""),
            "names": names}
    return build_table(name, Z, nodes, Y, fd_labels, V, va_labels, x, meta=meta,
                       allow_negative=allow_negative, rtol=rtol, VY=VY)


def read_wiod2013(path: str | Path, *, year: int | None = None, sheet: str | int | None = None,
                  sector_codes: str = "c", allow_negative: bool = False, rtol: float = 1e-3) -> IOTable:
    """Read a WIOD 2013-release table: the WIOT workbook or the R-data file.

    Parameters
    ----------
    path : str or Path
        ``wiotYY_row_*.xlsx`` (published layout, see the module docstring) or
        ``wiot_YYYY.RData`` (R-data layout of the ``wiod`` R package).
    year : int, optional
        Table year; read from the title cell or the file name when omitted.
    sheet : str or int, optional
        Worksheet (default: the first).
    sector_codes : {"c", "isic"}, default "c"
        Label industries by WIOD c-codes (``c1`` ... ``c35``, as in the R-data
        files) or by the ISIC rev.3 codes of column A (``AtB``, ``15t16`` ...).
    allow_negative, rtol
        Passed to :class:`~valuechain.IOTable`.

    Returns
    -------
    IOTable
        41 regions x 35 industries (1,435 nodes) for the full table.

    Raises
    ------
    ReadError
        Not the WIOT layout, mismatching row/column codes, text in a number
        cell, or a missing final-demand block; the message names the sheet row
        and column.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from valuechain.datasets.wiod import read_wiod2013
    >>> read_wiod2013(pathlib.Path(tempfile.mkdtemp()) / "missing.xlsx")
    Traceback (most recent call last):
    ...
    valuechain.errors.ReadError: ...missing.xlsx: no such file.
    """
    path = Path(path)
    if sector_codes not in ("c", "isic"):
        from .._validation import check_choice

        check_choice(sector_codes, "sector_codes", "read_wiod2013", ("c", "isic"))
    if not path.exists():
        raise ReadError(f"{path}: no such file.")
    if path.suffix.lower() in (".rdata", ".rda"):
        return wiod2013_rdata(path=path, year=year)
    return _read_wiot(path, release="2013", sheet=sheet, year=year, sector_codes=sector_codes,
                      allow_negative=allow_negative, rtol=rtol)


def read_wiod2016(path: str | Path, *, year: int | None = None, sheet: str | int | None = None,
                  allow_negative: bool = False, rtol: float = 1e-3) -> IOTable:
    """Read a WIOD 2016-release world table (``WIOT2014_Nov16_ROW.xlsx`` layout).

    Industries are labelled by the ISIC rev.4 codes of column A (``A01`` ...
    ``U``); 44 regions x 56 industries (2,464 nodes) for the full table.  The
    ``.xlsb`` distribution needs the ``pyxlsb`` package.

    Parameters
    ----------
    path : str or Path
        The workbook.
    year : int, optional
        Table year; read from the title cell or the file name when omitted.
    sheet : str or int, optional
        Worksheet (default: the first).
    allow_negative, rtol
        Passed to :class:`~valuechain.IOTable`.

    Raises
    ------
    ReadError
        As :func:`read_wiod2013`.

    Examples
    --------
    >>> from valuechain.datasets.wiod import read_wiod2016
    >>> read_wiod2016("no/such/WIOT2014_Nov16_ROW.xlsx")
    Traceback (most recent call last):
    ...
    valuechain.errors.ReadError: no/such/WIOT2014_Nov16_ROW.xlsx: no such file.
    """
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file.")
    return _read_wiot(path, release="2016", sheet=sheet, year=year, sector_codes="isic",
                      allow_negative=allow_negative, rtol=rtol)


def wiod2013_rdata(year: int | None = None, folder: str | Path | None = None, *,
                   path: str | Path | None = None) -> IOTable:
    """Load one year of the WIOD 2013 release from the R-data layout.

    Parameters
    ----------
    year : int, optional
        1995 ... 2011; picks ``wiot_{year}.RData`` in *folder*.
    folder : str or Path, optional
        Folder holding the ``wiot_YYYY.RData`` files.
    path : str or Path, optional
        The file itself (instead of *year* and *folder*).

    Returns
    -------
    IOTable
        41 regions x 35 industries (1,435 nodes, sectors ``c1`` ... ``c35``),
        final demand ``(country, CONS_h | CONS_np | CONS_g | GFCF | INVEN |
        rounding_residual)``, one derived primary-input row; ``meta.unit = "USD million"``.

    Raises
    ------
    ReadError
        Missing file, or an R object without the ``inter``/``final``/``output`` parts.

    Examples
    --------
    >>> from valuechain.datasets.wiod import wiod2013_rdata
    >>> wiod2013_rdata(1890, "/nonexistent")
    Traceback (most recent call last):
    ...
    valuechain.errors.ReadError: /nonexistent/wiot_1890.RData: no such file; the WIOD 2013 R-data files cover 1995-2011.
    """
    if path is None:
        if year is None or folder is None:
            raise ReadError("wiod2013_rdata needs either path=... or both year and folder.")
        path = Path(folder) / f"wiot_{int(year)}.RData"
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file; the WIOD 2013 R-data files cover 1995-2011.")
    import rdata

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rdata warns about the unknown R class "iot"
            objs = rdata.read_rda(str(path))
    except Exception as exc:  # noqa: BLE001 - any decoding failure
        raise ReadError(f"{path.name}: not a readable R-data file ({type(exc).__name__}: {exc}).") from None
    obj = next((v for v in objs.values() if isinstance(v, dict) and "inter" in v), None)
    if obj is None:
        raise ReadError(f"{path.name}: no WIOD table object (an R list with 'inter', 'final', 'output') "
                        f"among {list(objs)}.")
    missing = [k for k in ("inter", "final", "output", "countries", "industries") if k not in obj]
    if missing:
        raise ReadError(f"{path.name}: the table object lacks {missing}.")
    countries = [str(c) for c in np.asarray(obj["countries"]).ravel()]
    industries = [str(s) for s in np.asarray(obj["industries"]).ravel()]
    Z = np.asarray(obj["inter"], dtype=float)
    F = np.asarray(obj["final"], dtype=float)
    out = np.asarray(obj["output"], dtype=float).ravel()
    n = len(countries) * len(industries)
    if Z.shape != (n, n) or F.shape != (n, len(countries) * len(_RDATA_FD)) or out.shape != (n,):
        raise ReadError(f"{path.name}: unexpected shapes inter {Z.shape}, final {F.shape}, output {out.shape} for "
                        f"{len(countries)} countries x {len(industries)} industries.")
    countries = [REGION_ISO3.get(c, c) for c in countries]
    nodes = [(c, s) for c in countries for s in industries]
    fd = [(c, k) for c in countries for k in _RDATA_FD]
    # the integer rounding residual closes each row as domestic final use of the producing country
    resid = out - Z.sum(axis=1) - F.sum(axis=1)
    gap = float(np.abs(resid).max())
    G, N = len(countries), len(industries)
    R = np.zeros((n, G))
    R[np.arange(n), np.repeat(np.arange(G), N)] = resid
    F = np.concatenate([F.reshape(n, G, len(_RDATA_FD)), R[:, :, None]], axis=2).reshape(n, G * (len(_RDATA_FD) + 1))
    fd = [(c, k) for c in countries for k in (*_RDATA_FD, "rounding_residual")]
    y = year
    if "year" in obj:
        y = int(np.asarray(obj["year"]).ravel()[0])
    y = y if y is not None else sniff_year(path.name)
    va = (out - Z.sum(axis=0))[None, :]
    meta = {"name": f"wiod2013_{y}", "year": y, "unit": "USD million", "currency": "USD", "prices": "current",
            "system": "industry-by-industry",
            "source": f"WIOD 2013 release (R-data layout of the 'wiod' R package): {path.name}",
            "history": (f"final-demand column (country, 'rounding_residual') = output - Z·1 - Y·1 of the producing "
                        f"country closes the row accounts (at most {gap:g} USD million per node: integer rounding by "
                        "the package author); primary inputs derived as x - Z'·1 (value added, product taxes and "
                        "international margins together); regions ISO3 (ROM -> ROU)",),
            "missing": ("taxes",),
            "names": _names_2013(industries)}
    label = [("value_added", "value added, net product taxes and margins (not separated in the R-data layout)")]
    return build_table(path.name, Z, nodes, F, fd, va, label, out, meta=meta, allow_negative=False)


def _names_2013(industries: list[str]) -> dict[str, dict[str, str]]:
    known = [s for s in industries if s in SECTORS_2013]
    return {"sector": {s: SECTORS_2013[s][1] for s in known}, "nace": {s: SECTORS_2013[s][0] for s in known}}


