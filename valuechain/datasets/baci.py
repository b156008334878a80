"""CEPII BACI bilateral trade (HS6) in its published CSV layout.

A BACI file (``BACI_HS92_Y2021_V202301.csv``) has the header ``t,i,j,k,v,q``:
year, exporter and importer (numeric country codes), HS6 product (leading zero
dropped by some writers: ``10121`` is ``010121``), value in **thousands of current
USD** and quantity in **metric tonnes** (``NA`` or blank when missing, often
right-padded with spaces).  The release ships ``country_codes_V202301.csv``
(code -> ISO3, names) and ``product_codes_HS92_V202301.csv`` (code ->
description) beside the data files.

The file is never loaded into pandas: :func:`read_baci` checks the header and
returns a :class:`~valuechain.TradeTable` whose queries read the CSV with typed
columns (``t, i, j, k`` integers, ``v`` double) in DuckDB.  By default a file of
up to 1.5 GB (one BACI year) is parsed once into DuckDB's columnar memory
(``materialize``; about 45 MB per million rows), then validated in one scan;
larger inputs are queried in place.  Aggregations group on the integer codes and
attach ISO3 and HS6 labels to the groups only.  Convert multi-year data once
with ``tt.to_parquet(path, by_year=True)`` and query the parquet in place.

Rules
-----
* Country codes map to ISO3 with the release's country file; a code missing from
  it (or whose ISO3 is blank / ``N/A``, e.g. 490 "Other Asia, nes") stays as its
  number written as a string and is listed in ``tt.unmapped_countries`` and the
  results' ``attrs`` (``unknown_countries="raise"`` refuses them).  Historical codes
  sharing an ISO3 (58 Belgium-Luxembourg and 56 Belgium -> ``BEL``) merge.
* Product codes are strings zero-padded to 6 digits.
* Negative values or quantities, missing required fields, and duplicated
  ``(t, i, j, k)`` keys raise :class:`~valuechain.ReadError` naming the file and line
  (``allow_negative=True`` / ``duplicates="sum"`` relax the last two).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

from .._columns import sql_code, sql_number, sql_number_ok
from .._limits import current as current_limits
from .._safeio import check_gzip, describe_fields, first_line, is_gzip, open_binary, snippet
from .._validation import check_choice
from ..errors import ParameterError, ReadError

#: files up to this size (gzip: the size its trailer declares) are copied once into DuckDB memory by default
#: (~45 MB per million rows)
MATERIALIZE_MAX_BYTES = 1_500_000_000

#: HS6 label of the integer code k: zero-padded to 6 digits; never truncated, so labels are one-to-one with codes
PRODUCT_LABEL = "CASE WHEN {x} BETWEEN 0 AND 999999 THEN lpad(CAST({x} AS VARCHAR), 6, '0') ELSE CAST({x} AS VARCHAR) END"

__all__ = ["read_baci", "read_country_codes", "read_product_codes", "BACI_COLUMNS", "first_line"]

BACI_COLUMNS = ("t", "i", "j", "k", "v", "q")
_NAME_RE = re.compile(r"BACI_(HS\d\d)_Y(\d{4})_(V\d+\w*?)(?:[_.]|$)", re.I)


def _text_size(path: Path) -> int:
    """Uncompressed size of a data file: a gzip file's trailer (checked against the caps), else its size."""
    if is_gzip(path):
        return max(check_gzip(path), path.stat().st_size)
    return path.stat().st_size


def _read_small_csv(path: Path, **kw: Any) -> pd.DataFrame:
    for enc in ("utf-8-sig", "latin-1"):
        try:
            with open_binary(path) as fh:  # regular file, line length capped
                return pd.read_csv(fh, encoding=enc, keep_default_na=False, dtype=str, **kw)
        except UnicodeDecodeError:
            continue
        except ReadError:
            raise
        except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError, ValueError) as exc:
            raise ReadError(f"{path}: cannot parse ({str(exc).splitlines()[0][:200] if str(exc) else ''}).") from None
    raise ReadError(f"{path}: unknown text encoding.")  # pragma: no cover


def _pick(cols: list[str], options: tuple[str, ...], path: Path, what: str) -> str:
    low = {c.lower().strip(): c for c in cols}
    for o in options:
        if o in low:
            return low[o]
    raise ReadError(f"{path}: line 1 (header): no {what} column; expected one of {list(options)}. Found {cols}.")


def read_country_codes(path: str | Path) -> pd.DataFrame:
    """A BACI country file as a DataFrame (code int, iso3 str or None, name str).

    Both published layouts are understood (``country_code, ..., iso_3digit_alpha``
    up to V2023 and ``country_code, country_name, country_iso2, country_iso3``
    from V2024).  Blank or ``N/A`` ISO3 codes become None.
    """
    path = Path(path)
    raw = _read_small_csv(path)
    cols = list(raw.columns)
    c_code = _pick(cols, ("country_code", "code"), path, "country code")
    c_iso = _pick(cols, ("iso_3digit_alpha", "country_iso3", "iso3"), path, "ISO3")
    try:
        c_name = _pick(cols, ("country_name_abbreviation", "country_name", "country_name_full", "name"), path, "name")
    except ReadError:
        c_name = None
    code = pd.to_numeric(raw[c_code].str.strip(), errors="coerce")
    if code.isna().any():
        i = int(code.isna().to_numpy().argmax())
        raise ReadError(f"{path}: line {i + 2}, column {c_code!r}: found {raw[c_code].iloc[i]!r}, expected an integer.")
    iso = raw[c_iso].str.strip()
    iso = iso.where(iso.str.fullmatch(r"[A-Z]{3}"), None)
    out = pd.DataFrame({"code": code.astype("int64"), "iso3": iso,
                        "name": raw[c_name].str.strip() if c_name else ""})
    if out["code"].duplicated().any():
        c = out["code"][out["code"].duplicated()].iloc[0]
        raise ReadError(f"{path}: column {c_code!r}: country code {c} is listed twice.")
    return out


def read_product_codes(path: str | Path) -> pd.Series:
    """A BACI product file (``code, description``) as a Series indexed by 6-digit code."""
    path = Path(path)
    raw = _read_small_csv(path)
    cols = list(raw.columns)
    c_code = _pick(cols, ("code", "k", "product", "hs6"), path, "product code")
    c_desc = _pick(cols, ("description", "desc", "name"), path, "description")
    codes = raw[c_code].str.strip().str.zfill(6)
    return pd.Series(raw[c_desc].to_numpy(), index=pd.Index(codes, name="product"), name="description")


def _discover(folder: Path, stem: str, version: str | None) -> Path | None:
    found = sorted(folder.glob(f"{stem}*.csv"))
    if not found:
        return None
    if version:
        same = [f for f in found if version.lower() in f.name.lower()]
        if same:
            return same[-1]
    return found[-1]  # latest release by name


def _check_header(path: Path) -> None:
    line = first_line(path)
    if not line.strip():
        raise ReadError(f"{path}: the file is empty (expected the BACI header t,i,j,k,v,q).")
    if "\r" in line:
        raise ReadError(f"{path}: line 1 ends with a bare carriage return (old Mac line endings) or the file is "
                        "binary; expected a text CSV with LF or CRLF line endings, starting with t,i,j,k,v,q.")
    try:
        found = [c.strip().strip('"').strip().lower() for c in next(csv.reader(io.StringIO(line)))]
    except (csv.Error, StopIteration):
        found = [line]
    if found != list(BACI_COLUMNS):
        raise ReadError(f"{path}: line 1 (header): expected the BACI columns {','.join(BACI_COLUMNS)}; "
                        f"found {describe_fields(found)}.")


def read_baci(path: Any, *, country_codes: Any = None, product_codes: Any = None, validate: bool = True,
              duplicates: str = "raise", allow_negative: bool = False, unknown_countries: str = "keep",
              materialize: bool | None = None):
    """Read CEPII BACI CSV file(s) into a :class:`~valuechain.TradeTable` (queried in place).

    Parameters
    ----------
    path : str, Path, list or glob
        One BACI CSV (optionally gzip-compressed), several (a list, a glob, or a
        folder: every ``BACI_*.csv*`` in it).
    country_codes : path, DataFrame, None or False, default None
        The release's country file.  None looks for ``country_codes_*.csv`` beside
        the data (the same release version if present, else the latest); False
        keeps numeric codes without mapping.
    product_codes : path, Series, None or False, default None
        The product file (``product_codes_HSxx_*.csv``) for descriptions; None
        looks beside the data, False skips it.
    validate : bool, default True
        Run one scan that checks missing fields, negatives, unparsable quantities,
        duplicated keys and unknown countries, and caches years and row count.
        False reads lazily (errors then surface at the first query).
    duplicates : {"raise", "sum"}, default "raise"
        Duplicated ``(t, i, j, k)`` keys: refuse, or keep them (they add up).
    allow_negative : bool, default False
    unknown_countries : {"keep", "raise"}, default "keep"
    materialize : bool or None, default None
        True: parse the CSV once into DuckDB's own columnar memory (~45 MB per
        million rows; never pandas) and answer every later query from there.
        False: every query reads the CSV in place.  None: True when the files
        are under 1.5 GB (gzip counted 4x), e.g. one BACI year; use
        :meth:`~valuechain.TradeTable.to_parquet` for multi-year panels.

    Returns
    -------
    TradeTable
        ``meta.unit == "thousand USD"``, ``quantity_unit == "tonnes"``,
        ``meta.system`` the HS revision from the file name (e.g. ``"HS92"``).

    Raises
    ------
    ReadError
        Naming the file and line (and column) of the first problem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     d = pathlib.Path(d)
    ...     _ = (d / "country_codes_V202301.csv").write_text(
    ...         "country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha\\n"
    ...         "4,Afghanistan,Afghanistan,AF,AFG\\n710,South Africa,South Africa,ZA,ZAF\\n")
    ...     _ = (d / "BACI_HS92_Y2021_V202301.csv").write_text(
    ...         "t,i,j,k,v,q\\n2021,4,710,10121,2.5,  1.000\\n2021,710,4,870323,7.5,     NA\\n")
    ...     tt = vc.trade.read(d / "BACI_HS92_Y2021_V202301.csv", format="baci")
    ...     tt.aggregate(["exporter", "product"])
      exporter product  value  quantity
    0      AFG  010121    2.5       1.0
    1      ZAF  870323    7.5       NaN
    >>> tt.meta.unit, tt.quantity_unit, tt.meta.system
    ('thousand USD', 'tonnes', 'HS92')
    """
    from ..trade._sql import connect as _connect
    from ..trade._sql import csv_read_error, resolve_files, sql_path_list
    from ..trade._sql import lit as _lit
    from ..trade._table import TradeTable

    import duckdb

    func = "read_baci"
    check_choice(duplicates, "duplicates", func, ("raise", "sum"))
    check_choice(unknown_countries, "unknown_countries", func, ("keep", "raise"))
    files = resolve_files(path, "BACI_*.csv*")
    for f in files:
        _check_header(f)

    m = _NAME_RE.search(files[0].name)
    system, version = (m.group(1).upper(), m.group(3)) if m else ("", None)
    folder = files[0].parent

    # ---- code lists
    countries: pd.DataFrame | None
    if country_codes is False:
        countries = None
    elif isinstance(country_codes, pd.DataFrame):
        countries = country_codes.copy()
        if not {"code", "iso3"} <= set(countries.columns):
            raise ParameterError("The 'country_codes' parameter of read_baci must be a path or a DataFrame with "
                                 f"columns code, iso3 (and name). Got columns {list(countries.columns)} instead.")
        if "name" not in countries.columns:
            countries["name"] = ""
    else:
        cpath = Path(country_codes) if country_codes is not None else _discover(folder, "country_codes", version)
        if cpath is not None and not cpath.exists():
            raise ReadError(f"{cpath}: no such file (country_codes).")
        countries = read_country_codes(cpath) if cpath is not None else None
    products: pd.Series | None
    if product_codes is False:
        products = None
    elif isinstance(product_codes, pd.Series):
        products = product_codes.copy()
    else:
        ppath = (Path(product_codes) if product_codes is not None
                 else _discover(folder, f"product_codes_{system}" if system else "product_codes", version))
        if ppath is not None and not ppath.exists():
            raise ReadError(f"{ppath}: no such file (product_codes).")
        products = read_product_codes(ppath) if ppath is not None else None

    # ---- DuckDB source: every column read as text, then checked by the shared column rules
    # (codes exact integers, v and q finite decimals within the cap; q 'NA' or blank is missing):
    # DuckDB's own casts would round '4.5' to 5 and read '1_000' as 1000
    con = _connect()
    max_line = current_limits().max_line_bytes
    csv_opts = ("header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
                f"max_line_size = {max_line}, columns = {{{', '.join(f'{c!r}: {chr(39)}VARCHAR{chr(39)}' for c in BACI_COLUMNS)}}}")
    csv_src = f"read_csv({sql_path_list(files)}, {csv_opts})"
    csv_src_fn = f"read_csv({sql_path_list(files)}, {csv_opts}, filename = true)"

    def typed(src: str, detail: bool = False) -> str:
        """Typed columns t, i, j, k (INTEGER), v, q (DOUBLE) and a flag 'bad' (a value broke its rule)."""
        q_missing = "(q IS NULL OR trim(q) IN ('', 'NA', 'na'))"
        parsed = (f"SELECT {sql_code('t')} AS tc, {sql_code('i')} AS ic, {sql_code('j')} AS jc, "
                  f"{sql_code('k')} AS kc, {sql_number('v')} AS vn, "
                  f"CASE WHEN {q_missing} THEN NULL ELSE {sql_number('q')} END AS qn, {q_missing} AS q_missing, "
                  f"t, i, j, k, v, q{', filename' if detail else ''} FROM {src}")
        bads = {c: f"({c} IS NOT NULL AND {c}c IS NULL)" for c in "tijk"}
        bads["v"] = f"(v IS NOT NULL AND NOT {sql_number_ok('vn')})"
        bads["q"] = f"(NOT q_missing AND NOT {sql_number_ok('qn')})"
        extra = (", " + ", ".join(f"{b} AS bad_{c}" for c, b in bads.items()) + ", t AS t_, i AS i_, j AS j_, "
                 "k AS k_, v AS v_, q AS q_, filename") if detail else ""
        out = (f"SELECT tc AS t, ic AS i, jc AS j, kc AS k, CASE WHEN {sql_number_ok('vn')} THEN vn END AS v, "
               f"CASE WHEN {sql_number_ok('qn')} THEN qn END AS q, ({' OR '.join(bads.values())}) AS bad{extra} "
               f"FROM ({parsed})")
        if validate or detail:
            return out
        # no validation scan: a value breaking its rule stops the first query that reads it (never a NULL)
        msg = _lit(f"{files[0] if len(files) == 1 else 'BACI files'}: a value breaks its column rule (codes exact "
                   "integers, v and q finite numbers); read with validate=True to have its line and column named")
        guard = ", ".join(f"CASE WHEN bad THEN error({msg}) ELSE {c} END AS {c}" for c in BACI_COLUMNS)
        return f"SELECT {guard}, bad FROM ({out})"  # every column guarded: projections cannot skip the check

    raw = f"({typed(csv_src)})"

    if countries is not None:
        ctab = "_baci_countries"
        con.register("_cc_view", countries[["code", "iso3"]].astype({"code": "int64"}))
        con.execute(f"CREATE TABLE {ctab} AS SELECT CAST(code AS INTEGER) AS code, CAST(iso3 AS VARCHAR) AS iso3 "
                    "FROM _cc_view WHERE iso3 IS NOT NULL")
        con.unregister("_cc_view")
        exp = "coalesce(ce.iso3, CAST(s.i AS VARCHAR))"
        imp = "coalesce(ci.iso3, CAST(s.j AS VARCHAR))"
        joins = f" LEFT JOIN {ctab} ce ON s.i = ce.code LEFT JOIN {ctab} ci ON s.j = ci.code"
    else:
        exp, imp, joins = "CAST(s.i AS VARCHAR)", "CAST(s.j AS VARCHAR)", ""

    def run(query: str) -> Any:
        try:
            return con.execute(query)
        except duckdb.Error as exc:
            raise csv_read_error(exc, files) from None

    if materialize is None:
        size = sum(_text_size(f) for f in files)
        materialize = size <= MATERIALIZE_MAX_BYTES
    if materialize:  # one parse; later queries (validation included) read DuckDB's columnar copy
        run(f"CREATE TABLE _baci_rows AS {typed(csv_src)}")
        raw = "_baci_rows"
    sql = (f"SELECT s.t AS year, {exp} AS exporter, {imp} AS importer, {PRODUCT_LABEL.format(x='s.k')} AS product, "
           f"s.v AS value, s.q AS quantity FROM {raw} s{joins}")

    years = None
    n_rows = None
    unmapped: list[str] = []
    ilist: list = []
    jlist: list = []
    if validate:
        key = "((t::BIGINT * 1000 + i) * 1000 + j) * 1000000 + k"  # unique while i, j < 1000, k < 10**6
        stats = run(
            "SELECT count(*), count(*) FILTER (WHERE bad), "
            "count(*) FILTER (WHERE t IS NULL OR i IS NULL OR j IS NULL OR k IS NULL OR v IS NULL), "
            "count(*) FILTER (WHERE v < 0 OR q < 0), "
            "count(*) FILTER (WHERE k < 0 OR k > 999999), "
            "count(*) FILTER (WHERE i < 0 OR i > 999 OR j < 0 OR j > 999 OR t < 0 OR t > 9999), "
            f"{'count(DISTINCT ' + key + ')' if duplicates == 'raise' else 'NULL'}, "
            f"list(DISTINCT t), list(DISTINCT i), list(DISTINCT j) FROM {raw}").fetchall()[0]
        n_rows, n_bad, n_null, n_neg, n_badk, n_badc, n_distinct, ylist, ilist, jlist = stats
        ylist, ilist, jlist = ylist or [], ilist or [], jlist or []
        if not n_rows:
            raise ReadError(f"{files[0] if len(files) == 1 else 'BACI files'}: no data rows after the header line "
                            "t,i,j,k,v,q.")
        numbered = f"SELECT *, row_number() OVER (PARTITION BY filename) AS rn FROM ({typed(csv_src_fn, True)})"

        def locate(cond: str) -> tuple[str, int, tuple]:
            con.execute("SET threads = 1")
            try:
                r = run(f"SELECT filename, rn, t, i, j, k, v, q, bad_t, bad_i, bad_j, bad_k, bad_v, bad_q, "
                        f"t_, i_, j_, k_, v_, q_ FROM ({numbered}) WHERE {cond} LIMIT 1").fetchall()[0]
            finally:
                con.execute("RESET threads")
            return r[0], int(r[1]) + 1, r[2:]

        if n_bad:
            fn, line, row = locate("bad")
            k = next(n for n in range(6) if row[6 + n])
            col, text = BACI_COLUMNS[k], row[12 + k]
            cap = current_limits().max_abs_value
            want = {"t": "an integer (a year)", "i": "an integer (a numeric country code)",
                    "j": "an integer (a numeric country code)", "k": "an integer (an HS6 code)",
                    "v": f"a number (finite, magnitude at most {cap:g})",
                    "q": f"a number (finite, magnitude at most {cap:g}) or NA"}[col]
            raise ReadError(f"{fn}: line {line}, column {col!r}: found {snippet(text.strip())}, expected {want} "
                            f"({n_bad} row(s) with such values).")
        if n_null:
            fn, line, row = locate("t IS NULL OR i IS NULL OR j IS NULL OR k IS NULL OR v IS NULL")
            col = next(c for c, v in zip("tijkv", row) if v is None)
            raise ReadError(f"{fn}: line {line}, column {col!r}: the value is missing "
                            f"({n_null} row(s) with a missing t, i, j, k or v).")
        if n_badk:
            fn, line, row = locate("k < 0 OR k > 999999")
            raise ReadError(f"{fn}: line {line}, column 'k': found {row[3]}, expected an HS6 code (0-999999).")
        if n_badc:
            fn, line, row = locate("i < 0 OR i > 999 OR j < 0 OR j > 999 OR t < 0 OR t > 9999")
            col, val = next((c, v) for c, v, hi in zip("tij", row[:3], (9999, 999, 999)) if not 0 <= v <= hi)
            what = "a year" if col == "t" else "a numeric country code (0-999)"
            raise ReadError(f"{fn}: line {line}, column {col!r}: found {val}, expected {what}.")
        if n_neg and not allow_negative:
            fn, line, row = locate("v < 0 OR q < 0")
            col, val = ("v", row[4]) if row[4] < 0 else ("q", row[5])
            raise ReadError(f"{fn}: line {line}, column {col!r}: negative value ({val}) in {n_neg} row(s); "
                            "pass allow_negative=True if the source publishes negative flows.")
        if duplicates == "raise" and n_distinct is not None and n_distinct < n_rows:
            dup = run(f"SELECT t, i, j, k, count(*) AS n FROM {raw} GROUP BY ALL HAVING count(*) > 1 "
                      "LIMIT 1").fetchall()
            if dup:
                t, i, j, k, n = dup[0]
                cond = f"t = {t} AND i = {i} AND j = {j} AND k = {k}"
                con.execute("SET threads = 1")
                try:
                    hits = run(f"SELECT filename, rn FROM ({numbered}) WHERE {cond} ORDER BY filename, rn "
                               "LIMIT 2").fetchall()
                finally:
                    con.execute("RESET threads")
                where = " and ".join(f"{h[0]} line {int(h[1]) + 1}" for h in hits)
                raise ReadError(f"{files[0] if len(files) == 1 else 'BACI files'}: duplicated flow "
                                f"(t={t}, i={i}, j={j}, k={str(k).zfill(6)}) at {where}; pass duplicates='sum' "
                                "to add duplicated rows up.")
        years = sorted(int(y) for y in ylist if y is not None)
        if countries is not None:
            known = set(countries.loc[countries["iso3"].notna(), "code"].astype(int))
            codes = {int(c) for c in list(ilist) + list(jlist) if c is not None}
            unmapped = [str(c) for c in sorted(codes - known)]
            if unmapped and unknown_countries == "raise":
                shown = ", ".join(unmapped[:10]) + (" ..." if len(unmapped) > 10 else "")
                raise ReadError(f"{files[0]}: country code(s) {shown} have no ISO3 code in the country file; "
                                "pass unknown_countries='keep' to keep them as numeric strings.")

    known_iso = countries[countries["iso3"].notna()] if countries is not None else None
    mapped = {} if known_iso is None else dict(zip(known_iso["code"].astype(int), known_iso["iso3"]))

    def country_codes_of(labels: list[str]) -> list[int]:
        wanted = set(labels)
        out = [c for c, iso in mapped.items() if iso in wanted]
        out += [int(s) for s in wanted if s.isdigit() and str(int(s)) == s and int(s) not in mapped]
        return sorted(set(out))

    def product_codes_of(labels: list[str]) -> list[int]:
        return sorted({int(p) for p in labels if p.isdigit() and len(p) == 6})

    clabel = ("coalesce({d}.iso3, CAST({x} AS VARCHAR))" if countries is not None else "CAST({x} AS VARCHAR)")
    # Labels are one-to-one with codes unless two codes present share an ISO3 (56/58 -> BEL): then regroup.
    present = set(mapped) if not validate else {int(c) for c in list(ilist) + list(jlist) if c is not None}
    isos = [iso for c, iso in mapped.items() if c in present]
    injective = len(isos) == len(set(isos))
    ctable = "_baci_countries" if countries is not None else None
    fast = {"raw": raw, "value": "v", "quantity": "q",
            "keys": {"year": {"raw": "t", "label": "{x}", "injective": True},
                     "exporter": {"raw": "i", "table": ctable, "label": clabel, "codes": country_codes_of,
                                  "injective": injective},
                     "importer": {"raw": "j", "table": ctable, "label": clabel, "codes": country_codes_of,
                                  "injective": injective},
                     "product": {"raw": "k", "label": PRODUCT_LABEL, "codes": product_codes_of, "injective": True}}}

    name = f"BACI {system} {version}".strip() if m else files[0].name.split(".")[0]
    meta = {"name": name, "unit": "thousand USD", "currency": "USD", "prices": "current",
            "source": "CEPII BACI", "system": system,
            "year": years[0] if years and len(years) == 1 else None,
            "history": [f"read_baci({', '.join(f.name for f in files[:3])}{' ...' if len(files) > 3 else ''})"]
            + ([] if countries is not None else ["country codes not mapped to ISO3 (no country file)"])}
    return TradeTable(con, sql, meta=meta, quantity_unit="tonnes", unmapped_countries=unmapped,
                      countries=countries.reset_index(drop=True) if countries is not None else None,
                      product_names=products, product_width=6, files=files, years=years, n_rows=n_rows,
                      fast=fast)

