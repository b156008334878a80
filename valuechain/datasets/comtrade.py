"""UN Comtrade trade data: bulk CSV/TSV downloads and API JSON responses.

Comtrade rows are *reported* flows: a reporter declares imports from (or exports
to) a partner.  :func:`read_comtrade` turns them into bilateral flows:

* import-type flows (``M`` Import, ``RM`` Re-import, and other codes containing
  ``M``): the reporter is the **importer**, the partner the exporter;
* export-type flows (``X`` Export, ``RX`` Re-export, ``DX``, ...): the reporter is
  the **exporter**.

The ``flow`` column keeps the normalised flow (``import``, ``export``,
``re-import``, ``re-export``, or the lower-case code); by default only imports and
exports are kept.  When both partners report the same flow, a table holding
imports and exports counts it twice (mirror flows): select one side with
``flows="import"`` or ``where="flow = 'import'"``.

Column names are matched after lower-casing and dropping non-alphanumerics, so
the API's camelCase (``refYear, reporterISO, primaryValue``), the comtradr
snake_case (``ref_year, reporter_iso, primary_value``) and the legacy CSV
(``Year, Reporter ISO, Trade Value (US$)``) layouts are all read.  Values are in
current **USD** (``primaryValue`` by default); quantities are the net weight in
**kg**.  Aggregates are kept as published: partner ``W00`` (World) rows, the
``TOTAL`` commodity and product codes of mixed HS levels are ordinary labels;
do not sum across them.

Rules: missing year, reporter, partner, product or value, negative values and
duplicated (year, exporter, importer, product, flow) keys raise
:class:`~valuechain.ReadError` naming the file and line (or JSON record).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from .._validation import check_choice
from ..errors import ParameterError, ReadError

__all__ = ["read_comtrade", "FLOWS"]

#: normalised flow names accepted by ``flows=``
FLOWS = ("import", "export", "re-import", "re-export")

_CANDIDATES: dict[str, tuple[str, ...]] = {
    "year": ("refyear", "year", "period"),
    "reporter_iso": ("reporteriso", "reporterisocode", "reporteriso3"),
    "reporter_code": ("reportercode", "reporter"),
    "partner_iso": ("partneriso", "partnerisocode", "partneriso3"),
    "partner_code": ("partnercode", "partner"),
    "flow_code": ("flowcode", "tradeflowcode"),
    "flow_desc": ("flowdesc", "tradeflow", "flow"),
    "product": ("cmdcode", "commoditycode", "cmd", "productcode", "hscode"),
}
_VALUE = {"primary": ("primaryvalue", "tradevalueus", "tradevalue", "value"),
          "cif": ("cifvalue",), "fob": ("fobvalue",)}
_QUANTITY = {"net_weight": ("netwgt", "netweightkg", "netweight"), "qty": ("qty", "quantity")}
_QUNIT = {"net_weight": "kg", "qty": "as published (qty_unit varies by product)"}


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def _find(columns: Sequence[str], options: Sequence[str]) -> str | None:
    normed = {_norm(c): c for c in columns}
    for o in options:
        if o in normed:
            return normed[o]
    return None


def _open_text(path: Path) -> io.TextIOBase:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    raw = gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace")


def _load_json(path: Path) -> pd.DataFrame:
    try:
        with _open_text(path) as fh:
            obj = json.load(fh)
    except json.JSONDecodeError as exc:
        raise ReadError(f"{path}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg}).") from None
    except (OSError, EOFError) as exc:
        raise ReadError(f"{path}: cannot read the file ({exc}).") from None
    if isinstance(obj, dict):
        if "data" not in obj:
            err = obj.get("error") or obj.get("message") or ""
            raise ReadError(f"{path}: not a Comtrade API response (no 'data' list){': ' + str(err) if err else ''}; "
                            f"found keys {sorted(obj)[:8]}.")
        records = obj["data"]
    else:
        records = obj
    if not isinstance(records, list) or any(not isinstance(r, dict) for r in records):
        raise ReadError(f"{path}: 'data' must be a list of records (objects).")
    return pd.DataFrame.from_records(records)


def _sniff_header(path: Path) -> tuple[list[str], str]:
    try:
        with _open_text(path) as fh:
            line = fh.readline()
    except (OSError, EOFError) as exc:
        raise ReadError(f"{path}: cannot read the file ({exc}).") from None
    if not line.strip():
        raise ReadError(f"{path}: the file is empty (expected a Comtrade header line).")
    delim = "\t" if line.count("\t") > line.count(",") else ","
    cols = [c.strip() for c in next(csv.reader(io.StringIO(line), delimiter=delim))]
    return cols, delim


def read_comtrade(path: Any, *, flows: Any = ("import", "export"), value: str = "primary",
                  quantity: str | None = "net_weight", validate: bool = True, duplicates: str = "raise",
                  allow_negative: bool = False):
    """Read UN Comtrade data (bulk CSV/TSV, optionally gzipped, or API JSON) into a TradeTable.

    Parameters
    ----------
    path : str, Path, list or glob
        Comtrade CSV/TSV file(s) with one header layout, or one API ``.json`` response.
    flows : str, list of str or "all", default ("import", "export")
        Normalised flows to keep (see :data:`FLOWS`; other codes by their lower-case code).
    value : {"primary", "cif", "fob"}, default "primary"
        Which value column (``primaryValue`` is CIF for imports, FOB for exports).
    quantity : {"net_weight", "qty"} or None, default "net_weight"
        Quantity column (net weight in kg); None or an absent column gives NaN.
    validate : bool, default True
        One scan checking missing fields, negatives and duplicated keys.
    duplicates : {"raise", "sum"}, default "raise"
    allow_negative : bool, default False

    Returns
    -------
    TradeTable
        Canonical columns plus ``flow``; ``meta.unit == "USD"``; ``quantity_unit == "kg"``.

    Raises
    ------
    ReadError
        Missing required columns (named), unparsable numbers, missing values,
        negatives, duplicated keys (file and line or JSON record named).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = pathlib.Path(d) / "comtrade.csv"
    ...     _ = f.write_text("refYear,reporterISO,flowCode,partnerISO,cmdCode,primaryValue,netWgt\\n"
    ...                      "2020,FRA,M,DEU,4401,100.0,5\\n2020,FRA,X,DEU,4401,30.0,\\n")
    ...     tt = vc.trade.read(f, format="comtrade")
    ...     tt.aggregate(["exporter", "importer", "flow"])
      exporter importer    flow  value  quantity
    0      DEU      FRA  import  100.0       5.0
    1      FRA      DEU  export   30.0       NaN
    """
    from ..trade import TradeTable, _connect, _ident, _lit, csv_read_error, resolve_files, sql_path_list

    import duckdb

    func = "read_comtrade"
    check_choice(value, "value", func, tuple(_VALUE))
    if quantity is not None:
        check_choice(quantity, "quantity", func, tuple(_QUANTITY))
    check_choice(duplicates, "duplicates", func, ("raise", "sum"))
    if isinstance(flows, str) and flows != "all":
        flows = [flows]
    if flows != "all":
        flows = [str(f).lower() for f in flows]
        if not flows:
            raise ParameterError(f"The 'flows' parameter of {func} must name at least one flow. Got [] instead.")

    files = resolve_files(path, "*.csv*")
    is_json = files[0].suffix == ".json" or files[0].name.endswith(".json.gz")
    con = _connect()

    # ---- raw source and its columns
    if is_json:
        if len(files) > 1:
            raise ParameterError(f"{func} reads one JSON response at a time; got {len(files)} files.")
        frame = _load_json(files[0])
        columns = [str(c) for c in frame.columns]
    else:
        columns, delim = _sniff_header(files[0])
        for f in files[1:]:
            other, _ = _sniff_header(f)
            if other != columns:
                raise ReadError(f"{f}: line 1 (header) differs from {files[0].name}'s; read files of one layout.")

    col = {k: _find(columns, opts) for k, opts in _CANDIDATES.items()}
    col["value"] = _find(columns, _VALUE[value])
    col["quantity"] = _find(columns, _QUANTITY[quantity]) if quantity else None
    need = {"year": "year (refYear)", "product": "product (cmdCode)", "value": f"{value} value"}
    missing = [label for k, label in need.items() if col[k] is None]
    if col["reporter_iso"] is None and col["reporter_code"] is None:
        missing.append("reporter (reporterISO or reporterCode)")
    if col["partner_iso"] is None and col["partner_code"] is None:
        missing.append("partner (partnerISO or partnerCode)")
    if col["flow_code"] is None and col["flow_desc"] is None:
        missing.append("flow (flowCode or flowDesc)")
    if missing:
        raise ReadError(f"{files[0]}: line 1 (header): missing Comtrade column(s) for {', '.join(missing)}. "
                        f"Found {columns[:12]}{' ...' if len(columns) > 12 else ''}.")

    numeric = {col["value"]: "DOUBLE", col["year"]: "INTEGER"}
    if col["quantity"]:
        numeric[col["quantity"]] = "DOUBLE"
    if is_json:
        frame = frame.copy()
        for c, typ in numeric.items():
            num = pd.to_numeric(frame[c], errors="coerce")
            bad = (num.isna() & frame[c].notna()).to_numpy()
            if bad.any():
                i = int(bad.argmax())
                raise ReadError(f"{files[0]}: record {i}, field {c!r}: found {frame[c].iloc[i]!r}, expected a number.")
            frame[c] = num.astype(float)
        for c in columns:
            if c not in numeric:
                frame[c] = frame[c].map(lambda v: None if v is None or v != v else str(v)).astype(object)
        con.register("_ct_view", frame[columns])
        con.execute("CREATE TABLE _ct_raw AS SELECT * FROM _ct_view")
        con.unregister("_ct_view")
        raw = "_ct_raw"
        raw_rn = "(SELECT *, row_number() OVER () - 1 AS _rn, 'json' AS _file FROM _ct_raw)"
    else:
        types = ", ".join(f"{_lit(c)}: {_lit(numeric.get(c, 'VARCHAR'))}" for c in columns)
        opts = (f"header = true, delim = {_lit(delim)}, quote = '\"', escape = '\"', auto_detect = false, "
                f"columns = {{{types}}}")
        raw = f"read_csv({sql_path_list(files)}, {opts})"
        raw_rn = (f"(SELECT *, row_number() OVER (PARTITION BY filename) AS _rn, filename AS _file "
                  f"FROM read_csv({sql_path_list(files)}, {opts}, filename = true))")

    def q(name: str | None) -> str:
        return "NULL" if name is None else f"r.{_ident(name)}"

    def label(iso: str | None, code: str | None) -> str:
        parts = []
        if iso:
            parts.append(f"nullif(trim(CAST({q(iso)} AS VARCHAR)), '')")
        if code:
            parts.append(f"nullif(trim(CAST({q(code)} AS VARCHAR)), '')")
        return f"coalesce({', '.join(parts)})" if len(parts) > 1 else parts[0]

    reporter = label(col["reporter_iso"], col["reporter_code"])
    partner = label(col["partner_iso"], col["partner_code"])
    if col["flow_code"]:
        fl = f"upper(trim({q(col['flow_code'])}))"
        flow = (f"CASE {fl} WHEN 'M' THEN 'import' WHEN 'X' THEN 'export' WHEN 'RM' THEN 're-import' "
                f"WHEN 'RX' THEN 're-export' ELSE lower({fl}) END")
    else:
        flow = f"lower(trim({q(col['flow_desc'])}))"
    is_import = "(f.flow LIKE '%import%' OR (f.flow NOT LIKE '%export%' AND f.flow LIKE '%m%'))"
    qty = q(col["quantity"]) if col["quantity"] else "CAST(NULL AS DOUBLE)"

    def build(source: str, with_rn: bool) -> str:
        rn_in = ", r._rn, r._file" if with_rn else ""
        rn_out = ", f._rn, f._file" if with_rn else ""
        inner = (f"SELECT {q(col['year'])} AS year, {reporter} AS reporter, {partner} AS partner, {flow} AS flow, "
                 f"trim(CAST({q(col['product'])} AS VARCHAR)) AS product, {q(col['value'])} AS value, "
                 f"{qty} AS quantity{rn_in} FROM {source} r")
        outer = (f"SELECT f.year, CASE WHEN {is_import} THEN f.partner ELSE f.reporter END AS exporter, "
                 f"CASE WHEN {is_import} THEN f.reporter ELSE f.partner END AS importer, f.product, "
                 f"CAST(f.value AS DOUBLE) AS value, CAST(f.quantity AS DOUBLE) AS quantity, f.flow{rn_out} "
                 f"FROM ({inner}) f")
        keep = "" if flows == "all" else f" WHERE flow IN ({', '.join(_lit(x) for x in flows)})"
        return f"SELECT * FROM ({outer}){keep}"

    sql = build(raw, False)
    sql_rn = build(raw_rn, True)

    def run(query: str) -> Any:
        try:
            return con.execute(query)
        except duckdb.Error as exc:
            if is_json:
                raise ReadError(f"{files[0]}: {str(exc).splitlines()[0]}.") from None
            raise csv_read_error(exc, files) from None

    def where_is(cond: str, limit: int = 1) -> str:
        con.execute("SET threads = 1")
        try:
            hits = run(f"SELECT _file, _rn FROM ({sql_rn}) WHERE {cond} ORDER BY _file, _rn LIMIT {limit}").fetchall()
        finally:
            con.execute("RESET threads")
        if is_json:
            return f"{files[0]}: record " + " and ".join(str(int(h[1])) for h in hits)
        return f"{hits[0][0]}: line " + " and ".join(str(int(h[1]) + 1) for h in hits)

    years = n_rows = None
    if validate:
        stats = run(
            f"SELECT count(*), count(*) FILTER (WHERE year IS NULL), count(*) FILTER (WHERE exporter IS NULL OR "
            f"importer IS NULL), count(*) FILTER (WHERE product IS NULL OR product = ''), "
            f"count(*) FILTER (WHERE value IS NULL), count(*) FILTER (WHERE value < 0 OR quantity < 0), "
            f"list(DISTINCT year) FROM ({sql})").fetchall()[0]
        n_rows, n_year, n_ctry, n_prod, n_val, n_neg, ylist = stats
        checks = [(n_year, "year IS NULL", f"column {col['year']!r}: the year is missing"),
                  (n_ctry, "exporter IS NULL OR importer IS NULL", "the reporter or partner is missing"),
                  (n_prod, "product IS NULL OR product = ''",
                   f"column {col['product']!r}: the product code is missing"),
                  (n_val, "value IS NULL", f"column {col['value']!r}: the value is missing")]
        for n, cond, text in checks:
            if n:
                raise ReadError(f"{where_is(cond)}: {text} ({n} row(s)).")
        if n_neg and not allow_negative:
            raise ReadError(f"{where_is('value < 0 OR quantity < 0')}: negative value or quantity in {n_neg} row(s); "
                            "pass allow_negative=True if the source publishes negative flows.")
        if duplicates == "raise":
            dup = run(f"SELECT year, exporter, importer, product, flow FROM ({sql}) GROUP BY ALL "
                      "HAVING count(*) > 1 LIMIT 1").fetchall()
            if dup:
                y, e, i, p, fl = dup[0]
                cond = (f"year = {int(y)} AND exporter = {_lit(e)} AND importer = {_lit(i)} AND product = {_lit(p)} "
                        f"AND flow = {_lit(fl)}")
                raise ReadError(f"{where_is(cond, 2)}: duplicated flow (year={y}, exporter={e}, importer={i}, "
                                f"product={p}, flow={fl}); pass duplicates='sum' to add duplicated rows up "
                                "(e.g. data broken down by mode of transport).")
        years = sorted(int(y) for y in ylist if y is not None)

    meta = {"name": f"UN Comtrade {files[0].name.split('.')[0]}", "unit": "USD", "currency": "USD",
            "prices": "current", "source": "UN Comtrade", "system": "HS",
            "year": years[0] if years and len(years) == 1 else None,
            "history": [f"read_comtrade({files[0].name}{' ...' if len(files) > 1 else ''}, flows={flows}, "
                        f"value={value})"]}
    return TradeTable(con, sql, meta=meta, columns=("year", "exporter", "importer", "product", "value",
                                                     "quantity", "flow"),
                      quantity_unit=_QUNIT.get(quantity or "", ""), files=() if is_json else files,
                      years=years, n_rows=n_rows)
