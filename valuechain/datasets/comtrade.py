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
import io
import json
import re
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from .._columns import sql_code, sql_number, sql_number_ok
from .._limits import current as current_limits
from .._safeio import describe_fields, first_line, is_gzip, open_binary, check_gzip, snippet
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


def _find(columns: Sequence[str], options: Sequence[str], path: Path) -> str | None:
    """The column whose normalised name is the first of *options* found; two such columns are refused."""
    for o in options:
        hits = [c for c in columns if _norm(c) == o]
        if len(hits) > 1:
            raise ReadError(f"{path}: line 1 (header): columns {' and '.join(map(repr, hits))} both mean {o!r}; "
                            "keep one of them (the reader will not guess which).")
        if hits:
            return hits[0]
    return None


def _load_json(path: Path) -> pd.DataFrame:
    """The records of a Comtrade API response, every field as text (numbers checked later, like CSV cells)."""
    cap = current_limits().max_json_bytes
    try:
        with open_binary(path, line_cap=False) as fh:
            raw = fh.read(cap + 1)
        if len(raw) > cap:
            raise ReadError(f"{path}: the JSON document is larger than {cap:,} bytes (the max_json_bytes cap); "
                            "raise it with vc.limits(max_json_bytes=...) if the file is genuine.")
        obj = json.loads(raw.decode("utf-8-sig", errors="replace"))
    except json.JSONDecodeError as exc:
        raise ReadError(f"{path}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg}).") from None
    except RecursionError:
        raise ReadError(f"{path}: the JSON is nested too deeply; a Comtrade response is a 'data' list of "
                        "flat records.") from None
    except (OSError, EOFError) as exc:
        raise ReadError(f"{path}: cannot read the file ({exc}).") from None
    if isinstance(obj, dict):
        if "data" not in obj:
            err = obj.get("error") or obj.get("message") or ""
            raise ReadError(f"{path}: not a Comtrade API response (no 'data' list)"
                            f"{': ' + snippet(err, 120) if err else ''}; found keys "
                            f"{describe_fields([str(k) for k in obj][:8], sep=', ')}.")
        records = obj["data"]
    else:
        records = obj
    if not isinstance(records, list) or any(not isinstance(r, dict) for r in records):
        raise ReadError(f"{path}: 'data' must be a list of records (objects).")
    for k, r in enumerate(records):
        for key, v in r.items():
            if isinstance(v, (dict, list)):
                raise ReadError(f"{path}: record {k}, field {snippet(key)}: a nested "
                                f"{'object' if isinstance(v, dict) else 'list'}; expected a flat value.")
    keys: dict[str, None] = {}
    for r in records:
        keys.update(dict.fromkeys(map(str, r)))
    # every field as its written text (a number 1e+20 as '1e+20', NaN as 'nan', true as 'True'), so
    # JSON values meet the same checks as CSV cells; an absent key or null is missing
    cols = {k: [_text(r.get(k)) for r in records] for k in keys}
    return pd.DataFrame(cols, dtype=object)


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return "nan"
    return str(v)


def _sniff_header(path: Path) -> tuple[list[str], str]:
    line = first_line(path)
    if not line.strip():
        raise ReadError(f"{path}: the file is empty (expected a Comtrade header line).")
    delim = "\t" if line.count("\t") > line.count(",") else ","
    try:
        cols = [c.strip() for c in next(csv.reader(io.StringIO(line), delimiter=delim))]
    except (csv.Error, StopIteration):
        raise ReadError(f"{path}: line 1 is not a header line (a binary file, or old Mac line endings?).") from None
    dup = sorted({c for c in cols if cols.count(c) > 1})
    if dup:
        raise ReadError(f"{path}: line 1 (header): the column name(s) {describe_fields(dup, sep=', ')} appear "
                        "more than once.")
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
    from ..trade._sql import connect as _connect
    from ..trade._sql import csv_read_error, resolve_files, sql_path_list
    from ..trade._sql import ident as _ident
    from ..trade._sql import lit as _lit
    from ..trade._table import TradeTable

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

    col = {k: _find(columns, opts, files[0]) for k, opts in _CANDIDATES.items()}
    col["value"] = _find(columns, _VALUE[value], files[0])
    col["quantity"] = _find(columns, _QUANTITY[quantity], files[0]) if quantity else None
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
                        f"Found {describe_fields(columns, sep=', ')}.")

    # every column is read as text and the numbers checked by the shared column rules (DuckDB's casts
    # would read '1_000' as 1000 and round a year 2020.6 to 2021)
    if is_json:
        con.register("_ct_view", frame[columns])
        con.execute("CREATE TABLE _ct_raw AS SELECT "
                    + ", ".join(f"CAST({_ident(c)} AS VARCHAR) AS {_ident(c)}" for c in columns) + " FROM _ct_view")
        con.unregister("_ct_view")
        raw = "_ct_raw"
        raw_rn = "(SELECT *, row_number() OVER () - 1 AS _rn, 'json' AS _file FROM _ct_raw)"
    else:
        for f in files:
            if is_gzip(f):
                check_gzip(f)
        types = ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in columns)
        opts = (f"header = true, delim = {_lit(delim)}, quote = '\"', escape = '\"', auto_detect = false, "
                f"max_line_size = {current_limits().max_line_bytes}, columns = {{{types}}}")
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
    qty = sql_number(q(col["quantity"])) if col["quantity"] else "CAST(NULL AS DOUBLE)"
    qty_txt = f"nullif(trim({q(col['quantity'])}), '')" if col["quantity"] else "CAST(NULL AS VARCHAR)"

    def build(source: str, with_rn: bool, check: bool = False) -> str:
        """The canonical rows; with *check*, also the raw text of year/value/quantity and flags for bad ones."""
        rn_in = ", r._rn, r._file" if with_rn else ""
        rn_out = ", f._rn, f._file" if with_rn else ""
        guard = not check and not validate  # no validation scan: a bad value stops the query that reads it
        txt_in = (f", nullif(trim({q(col['year'])}), '') AS year_txt, nullif(trim({q(col['value'])}), '') AS value_txt, "
                  f"{qty_txt} AS quantity_txt") if check or guard else ""
        txt_out = (", f.year_txt, f.value_txt, f.quantity_txt, (f.year_txt IS NOT NULL AND f.year IS NULL) AS bad_year, "
                   f"(f.value_txt IS NOT NULL AND NOT {sql_number_ok('f.value_num')}) AS bad_value, "
                   f"(f.quantity_txt IS NOT NULL AND NOT {sql_number_ok('f.quantity_num')}) AS bad_quantity"
                   ) if check else ""
        inner = (f"SELECT {sql_code(q(col['year']))} AS year, {reporter} AS reporter, {partner} AS partner, "
                 f"{flow} AS flow, trim(CAST({q(col['product'])} AS VARCHAR)) AS product, "
                 f"{sql_number(q(col['value']))} AS value_num, {qty} AS quantity_num{rn_in}{txt_in} FROM {source} r")
        msg = _lit(f"{files[0]}: a year, value or quantity breaks its column rule (integer years, finite "
                   "numbers); read with validate=True to have its line and column named")
        stop = (f"WHEN (f.year_txt IS NOT NULL AND f.year IS NULL) OR (f.value_txt IS NOT NULL AND NOT "
                f"{sql_number_ok('f.value_num')}) OR (f.quantity_txt IS NOT NULL AND NOT "
                f"{sql_number_ok('f.quantity_num')}) THEN error({msg}) ") if guard else ""
        outer = (f"SELECT {f'CASE {stop}ELSE f.year END' if stop else 'f.year'} AS year, "
                 f"CASE WHEN {is_import} THEN f.partner ELSE f.reporter END AS exporter, "
                 f"CASE WHEN {is_import} THEN f.reporter ELSE f.partner END AS importer, f.product, "
                 f"CASE {stop}WHEN {sql_number_ok('f.value_num')} THEN f.value_num END AS value, "
                 f"CASE {stop}WHEN {sql_number_ok('f.quantity_num')} THEN f.quantity_num END AS quantity, "
                 f"f.flow{rn_out}{txt_out} FROM ({inner}) f")
        keep = "" if flows == "all" else f" WHERE flow IN ({', '.join(_lit(x) for x in flows)})"
        return f"SELECT * FROM ({outer}){keep}"

    sql = build(raw, False)
    sql_check = build(raw, False, check=True)
    sql_rn = build(raw_rn, True, check=True)

    def run(query: str) -> Any:
        try:
            return con.execute(query)
        except duckdb.Error as exc:
            if is_json:
                raise ReadError(f"{files[0]}: {str(exc).splitlines()[0]}.") from None
            raise csv_read_error(exc, files) from None

    found: list = []

    def where_is(cond: str, limit: int = 1, text: str = "NULL") -> str:
        con.execute("SET threads = 1")
        try:
            hits = run(f"SELECT _file, _rn, {text} FROM ({sql_rn}) WHERE {cond} ORDER BY _file, _rn "
                       f"LIMIT {limit}").fetchall()
        finally:
            con.execute("RESET threads")
        if text != "NULL":
            found.append(hits[0][2])
        if is_json:
            return f"{files[0]}: record " + " and ".join(str(int(h[1])) for h in hits)
        return f"{hits[0][0]}: line " + " and ".join(str(int(h[1]) + 1) for h in hits)

    years = n_rows = None
    if validate:
        cap = current_limits().max_abs_value
        stats = run(
            f"SELECT count(*), count(*) FILTER (WHERE bad_year), count(*) FILTER (WHERE bad_value), "
            f"count(*) FILTER (WHERE bad_quantity), count(*) FILTER (WHERE year IS NULL), "
            f"count(*) FILTER (WHERE exporter IS NULL OR importer IS NULL), "
            f"count(*) FILTER (WHERE product IS NULL OR product = ''), "
            f"count(*) FILTER (WHERE value IS NULL), count(*) FILTER (WHERE value < 0 OR quantity < 0), "
            f"list(DISTINCT year) FROM ({sql_check})").fetchall()[0]
        n_rows, n_byear, n_bval, n_bqty, n_year, n_ctry, n_prod, n_val, n_neg, ylist = stats
        if not n_rows:
            raise ReadError(f"{files[0]}: no data rows{' (for the flows ' + str(flows) + ')' if flows != 'all' else ''}; "
                            "a trade table needs at least one flow.")
        bad = [(n_byear, "bad_year", "year_txt", col["year"], "an integer year"),
               (n_bval, "bad_value", "value_txt", col["value"], f"a number (finite, magnitude at most {cap:g})"),
               (n_bqty, "bad_quantity", "quantity_txt", col["quantity"],
                f"a number (finite, magnitude at most {cap:g}) or an empty cell")]
        for n, cond, txt, name, want in bad:
            if n:
                loc = where_is(cond, text=txt)
                raise ReadError(f"{loc}, {'field' if is_json else 'column'} {name!r}: found {snippet(found[-1])}, "
                                f"expected {want} ({n} row(s)).")
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
        years = sorted(int(y) for y in (ylist or []) if y is not None)

    meta = {"name": f"UN Comtrade {files[0].name.split('.')[0]}", "unit": "USD", "currency": "USD",
            "prices": "current", "source": "UN Comtrade", "system": "HS",
            "year": years[0] if years and len(years) == 1 else None,
            "history": [f"read_comtrade({files[0].name}{' ...' if len(files) > 1 else ''}, flows={flows}, "
                        f"value={value})"]}
    return TradeTable(con, sql, meta=meta, columns=("year", "exporter", "importer", "product", "value",
                                                     "quantity", "flow"),
                      quantity_unit=_QUNIT.get(quantity or "", ""), files=() if is_json else files,
                      years=years, n_rows=n_rows)
