"""OECD national input-output tables (CSV, 2021/2023 editions): format ``"oecd_national"``.

Published layout (e.g. ``BEL2020ttl.csv``): the header's first cell is empty, then
industry columns ``D01 ... D97T98`` (ISIC rev. 4 groups), then final-demand columns
``HFCE, NPISH, GGFC, GFCF, INVNT, DPABR, CONS_NONRES, EXPO, IMPO``.  Rows are the
industries' products with a prefix telling the flows: ``TTL_`` (total: domestic +
imported; the ``ttl`` file), ``DOM_`` (domestic; ``dom`` file); then
``TXS_IMP_FNL`` and ``TXS_INT_FNL`` (taxes less subsidies on products, on imports and
on domestic products), ``TTL_INT_FNL`` (total intermediate use at purchasers'
prices), ``VALU`` (value added) and ``OUTPUT``.  Millions of USD.

Reading a ``ttl`` file separates imports with the product import shares of
:func:`valuechain.datasets.sut.split_imports` (``IMPO`` is minus the imports of each
product; exports ``EXPO`` are excluded from the base).  The result has domestic flows
in ``Z``/``Y`` and primary-input rows (kind, component) ``(imports, imports)``,
``(taxes, taxes less subsidies on products)`` (``TXS_IMP_FNL + TXS_INT_FNL``),
``(value_added, value added)`` (``VALU``) and ``(other, discrepancy)`` when the published
columns do not add up exactly; ``VY`` holds the imports and product taxes of final uses,
so that ``t.gdp`` is ``VALU`` plus all product taxes.
"""

from __future__ import annotations

import csv
import gzip
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice
from .._safeio import snippet
from ..errors import ReadError
from ..table import IOTable
from . import sut

__all__ = ["read_oecd_national", "FINAL_DEMAND", "read_numeric_csv"]

#: OECD final-demand codes -> category labels (IMPO is handled separately)
FINAL_DEMAND = {"HFCE": "households", "NPISH": "npish", "GGFC": "government", "GFCF": "gfcf",
                "INVNT": "inventories", "DPABR": "direct purchases abroad", "CONS_NONRES": "non-resident purchases",
                "EXPO": "exports"}
ROW_PREFIXES = ("TTL_", "DOM_")


def read_numeric_csv(path: Path, *, sep: str = ",", index_header: str | None = "") -> pd.DataFrame:
    """Read a labelled numeric matrix CSV (first column = row labels) with precise errors.

    Checks: the header (first cell equal to *index_header* when given, no duplicated
    column labels), no duplicated row labels, every row has the header's number of
    fields (a truncated file is caught), every cell a number.  Line numbers in the
    messages count the header as line 1.
    """
    name = path.name
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh, delimiter=sep), None)
    except OSError as exc:
        raise ReadError(f"{path}: cannot open ({exc}).") from exc
    except UnicodeDecodeError as exc:
        raise ReadError(f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason}); "
                        "save the file as UTF-8 CSV.") from exc
    except csv.Error as exc:
        raise ReadError(f"{name}, line 1: malformed CSV header ({exc}).") from exc
    if not header:
        raise ReadError(f"{name}: the file is empty (no header line).")
    if index_header is not None and header[0].strip() != index_header:
        raise ReadError(f"{name}, line 1, column 1: expected {index_header!r} (the row-label column), "
                        f"found {snippet(header[0])}; not the published layout.")
    cols = [h.strip() for h in header[1:]]
    seen: dict[str, int] = {}
    for j, c in enumerate(cols):
        if c in seen:
            raise ReadError(f"{name}, line 1: duplicated column code {snippet(c)} (columns {seen[c] + 2} and {j + 2}).")
        seen[c] = j
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            raw = pd.read_csv(path, sep=sep, header=None, skiprows=1, dtype=str, keep_default_na=False,
                              names=list(range(len(header))), index_col=False, on_bad_lines="error",
                              encoding="utf-8-sig")
        if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
            # pandas drops the extra fields of a too-long row with only a warning: refuse instead
            _raise_long_row(path, opener, sep, name, len(header))
    except pd.errors.ParserError as exc:
        msg = str(exc)
        m = re.search(r"line (\d+)", msg)
        m2 = re.search(r"row (\d+)", msg)
        where = f", line {m.group(1)}" if m else (f", line {int(m2.group(1)) + 1}" if m2 else "")
        if "EOF" in msg:
            raise ReadError(f"{name}{where}: the file ends inside a quoted field; it looks truncated "
                            f"({msg.strip()}).") from exc
        raise ReadError(f"{name}{where}: a row has more fields than the header ({len(header)}): {msg.strip()}") from exc
    except pd.errors.EmptyDataError:
        raise ReadError(f"{name}: no data rows after the header.") from None
    except UnicodeDecodeError as exc:
        raise ReadError(f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason}); "
                        "save the file as UTF-8 CSV.") from exc
    if raw.empty:
        raise ReadError(f"{name}: no data rows after the header.")
    labels = raw[0].str.strip()
    dup = labels[labels.duplicated()]
    if len(dup):
        i = int(dup.index[0])
        first = int(labels[labels == dup.iloc[0]].index[0])
        raise ReadError(f"{name}, line {i + 2}: duplicated row code {dup.iloc[0]!r} (first on line {first + 2}).")
    body = raw.iloc[:, 1:].apply(lambda s: s.str.strip())
    values = body.apply(pd.to_numeric, errors="coerce")
    bad = values.isna().to_numpy()
    if bad.any():
        r, c = np.argwhere(bad)[0]
        cell = body.iat[r, c]
        what = "an empty cell (truncated file?)" if cell in ("", None) else f"text {cell!r}"
        raise ReadError(f"{name}, line {r + 2} (row {labels.iat[r]!r}), column {c + 2} ({cols[c]!r}): "
                        f"expected a number, found {what}.")
    values.index = pd.Index(labels.to_list())
    values.columns = pd.Index(cols)
    return values.astype(float)


def _raise_long_row(path: Path, opener, sep: str, name: str, width: int) -> None:
    """Find the first row with more fields than the header and raise a ReadError naming it."""
    try:
        with opener(path, "rt", newline="", encoding="utf-8-sig") as fh:
            for lineno, fields in enumerate(csv.reader(fh, delimiter=sep), start=1):
                if len(fields) > width:
                    raise ReadError(f"{name}, line {lineno} (row {fields[0].strip()!r}): {len(fields)} fields "
                                    f"where the header has {width}; the extra values would be lost.")
    except csv.Error as exc:
        raise ReadError(f"{name}: malformed CSV ({exc}).") from exc
    raise ReadError(f"{name}: a row has more fields than the header ({width}).")


def _require(df: pd.DataFrame, name: str, rows: list[str] = (), cols: list[str] = (), what: str = "") -> None:
    miss_r = [r for r in rows if r not in df.index]
    miss_c = [c for c in cols if c not in df.columns]
    if miss_c:
        raise ReadError(f"{name}: missing {what or 'column'}(s) {miss_c}; the published layout has them "
                        "(the file is truncated or not an OECD national IOT).")
    if miss_r:
        raise ReadError(f"{name}: missing row(s) {miss_r}; the published layout has them (the file is "
                        "truncated or not an OECD national IOT).")


def read_oecd_national(path: str | Path, *, region: str | None = None, year: int | None = None,
                       imports: str = "split", rtol: float = 1e-3, atol: float = 1.0) -> IOTable:
    """Read an OECD national input-output table CSV (``ttl`` or ``dom`` file).

    Parameters
    ----------
    path : str or Path
        E.g. ``BEL2020ttl.csv``.
    region, year : optional
        Default: from the file name (``BEL``, ``2020``).
    imports : {"split", "keep"}, default "split"
        For a ``ttl`` file: ``"split"`` separates imported flows by product import
        shares (domestic ``Z``, row ``imports``); ``"keep"`` keeps total flows in ``Z``
        and ``IMPO`` as a (negative) final-demand column ``imports``.
    rtol, atol : float
        Balance tolerances of the resulting :class:`~valuechain.IOTable`.  ``atol`` (in the
        table's unit) covers the published rounding: OECD publishes one decimal, so a row
        of about 50 cells may miss its output by a few tenths.

    Raises
    ------
    ReadError
        Wrong header, duplicated codes, a text or empty cell, missing rows or the
        final-demand block (the message names file, line and column).

    Examples
    --------
    A two-industry table in the published layout:

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "XYZ2020ttl.csv"
    >>> _ = p.write_text('"","D01","D02","HFCE","NPISH","GGFC","GFCF","INVNT","DPABR","CONS_NONRES","EXPO","IMPO"\\n'
    ...     '"TTL_01",10,20,50,0,0,0,0,0,0,30,-10\\n"TTL_02",5,10,70,0,0,15,0,0,0,0,0\\n'
    ...     '"TXS_IMP_FNL",0,0,0,0,0,0,0,0,0,0,0\\n"TXS_INT_FNL",1,2,0,0,0,0,0,0,0,0,0\\n'
    ...     '"TTL_INT_FNL",16,32,0,0,0,0,0,0,0,0,0\\n"VALU",84,68,0,0,0,0,0,0,0,0,0\\n'
    ...     '"OUTPUT",100,100,0,0,0,0,0,0,0,0,0\\n')
    >>> t = vc.datasets.read(p, format="oecd_national")
    >>> t.regions.tolist(), t.meta.year, t.primary_inputs("imports").round(2).tolist()
    (['XYZ'], 2020, [1.25, 2.5])
    """
    check_choice(imports, "imports", "datasets.read(format='oecd_national')", ("split", "keep"))
    path = Path(path)
    name = path.name
    df = read_numeric_csv(path)
    m = re.match(r"([A-Z]{3})(\d{4})", path.stem)
    region = region or (m.group(1) if m else "economy")
    year = year if year is not None else (int(m.group(2)) if m else None)
    industries = [c for c in df.columns if re.fullmatch(r"D\d\w*", c) and c != "DPABR"]
    if not industries:
        raise ReadError(f"{name}, line 1: no industry columns (codes D01 ... D97T98) in the header.")
    fd_present = [c for c in df.columns if c in FINAL_DEMAND or c == "IMPO"]
    if not fd_present:
        raise ReadError(f"{name}, line 1: the final-demand block (columns {list(FINAL_DEMAND) + ['IMPO']}) "
                        "is missing.")
    _require(df, name, cols=list(FINAL_DEMAND) + ["IMPO"], what="final-demand column")
    unknown = [c for c in df.columns if c not in industries and c not in fd_present]
    if unknown:
        raise ReadError(f"{name}, line 1: unexpected column(s) {unknown}; expected industries D.., then "
                        f"{list(FINAL_DEMAND) + ['IMPO']}.")
    codes = [c[1:] for c in industries]
    prefix = next((p for p in ROW_PREFIXES if f"{p}{codes[0]}" in df.index), None)
    if prefix is None:
        raise ReadError(f"{name}: no row {'TTL_' + codes[0]!r} or {'DOM_' + codes[0]!r} for the first industry "
                        f"column {industries[0]!r}.")
    rows = [f"{prefix}{c}" for c in codes]
    _require(df, name, rows=rows + ["TXS_IMP_FNL", "TXS_INT_FNL", "TTL_INT_FNL", "VALU", "OUTPUT"])

    sectors = pd.Index(industries)
    Zt = df.loc[rows, industries].set_axis(sectors, axis=0)
    fd_cols = list(FINAL_DEMAND)
    F = df.loc[rows, fd_cols].set_axis(sectors, axis=0).rename(columns=FINAL_DEMAND)
    x = df.loc["OUTPUT", industries].set_axis(sectors)
    tax_rows = ["TXS_IMP_FNL", "TXS_INT_FNL"]
    taxes = df.loc[tax_rows, industries].sum().set_axis(sectors)
    valu = df.loc["VALU", industries].set_axis(sectors)
    history = []
    vrows: dict[tuple[str, str], pd.Series] = {}
    vyrows: dict[tuple[str, str], pd.Series] = {}
    if prefix == "TTL_" and imports == "split":
        m_p = -df.loc[rows, "IMPO"].set_axis(sectors)
        uses = pd.concat([Zt, F], axis=1)
        dom, imp = sut.split_imports(uses, m_p, x, exports="exports")
        Z, Y = dom[industries], dom[F.columns]
        vrows[("imports", "imports")] = imp[industries].sum()
        vyrows[("imports", "imports")] = imp[F.columns].sum()
        history.append("imports split by product import shares")
    elif prefix == "TTL_":
        Z, Y = Zt, F.assign(imports=df.loc[rows, "IMPO"].set_axis(sectors))
    else:  # DOM_: domestic flows; imported inputs = purchasers' total - domestic - taxes
        Z, Y = Zt, F
        vrows[("imports", "imports")] = df.loc["TTL_INT_FNL", industries].set_axis(sectors) - Zt.sum() - taxes
    vrows[("taxes", "taxes less subsidies on products")] = taxes
    # product taxes paid by final users (the IMPO column's tax entries only offset them)
    vyrows[("taxes", "taxes less subsidies on products")] = df.loc[tax_rows, fd_cols].sum().rename(FINAL_DEMAND)
    vrows[("value_added", "value added")] = valu
    inputs = Z.sum() + sum(vrows.values())
    gap = x - inputs
    if (gap.abs() > 1e-6 * np.maximum(x.abs(), 1.0)).any():
        vrows[("other", "discrepancy")] = gap
        history.append("published column discrepancy kept as V row ('other', 'discrepancy')")
    V = pd.DataFrame(vrows).T
    V.index = V.index.set_names(["kind", "component"])
    VY = pd.DataFrame(vyrows).T.reindex(columns=Y.columns, fill_value=0.0)
    VY.index = VY.index.set_names(["kind", "component"])
    meta: dict[str, Any] = {"name": f"oecd_national_{region}", "year": year, "unit": "USD million",
                            "currency": "USD", "prices": "current", "source": f"OECD national IOT ({name})",
                            "system": "industry-by-industry", "history": tuple(history)}
    nodes = pd.MultiIndex.from_arrays([[region] * len(sectors), sectors], names=["region", "sector"])
    fd = pd.MultiIndex.from_arrays([[region] * Y.shape[1], list(Y.columns)], names=["region", "category"])
    return IOTable(Z.set_axis(nodes, axis=0).set_axis(nodes, axis=1), Y.set_axis(nodes, axis=0).set_axis(fd, axis=1),
                   V.set_axis(nodes, axis=1), x.set_axis(nodes), meta=meta, rtol=rtol, atol=atol,
                   VY=VY.set_axis(fd, axis=1))
