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
import gzip
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

from .._validation import check_choice
from ..errors import ParameterError, ReadError

#: files up to this size (gzip counted 4x) are copied once into DuckDB memory by default (~45 MB per million rows)
MATERIALIZE_MAX_BYTES = 1_500_000_000

#: HS6 label of the integer code k: zero-padded to 6 digits; never truncated, so labels are one-to-one with codes
PRODUCT_LABEL = "CASE WHEN {x} BETWEEN 0 AND 999999 THEN lpad(CAST({x} AS VARCHAR), 6, '0') ELSE CAST({x} AS VARCHAR) END"

__all__ = ["read_baci", "read_country_codes", "read_product_codes", "BACI_COLUMNS", "first_line"]

BACI_COLUMNS = ("t", "i", "j", "k", "v", "q")
_NAME_RE = re.compile(r"BACI_(HS\d\d)_Y(\d{4})_(V\d+\w*?)(?:[_.]|$)", re.I)


def first_line(path: Path) -> str:
    """The first line of a (possibly gzip-compressed) text file, decoded leniently."""
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
        opener = gzip.open if magic == b"\x1f\x8b" else open
        with opener(path, "rb") as fh:  # type: ignore[operator]
            raw = fh.readline(65536)
    except (OSError, EOFError) as exc:
        raise ReadError(f"{path}: cannot read the file ({exc}).") from None
    return raw.decode("utf-8-sig", errors="replace").rstrip("\r\n")


def _read_small_csv(path: Path, **kw: Any) -> pd.DataFrame:
    for enc in ("utf-8-sig", "latin-1"):
        try:
            return pd.read_csv(path, encoding=enc, keep_default_na=False, dtype=str, **kw)
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
            raise ReadError(f"{path}: cannot parse ({str(exc).splitlines()[0]}).") from None
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
    found = [c.strip().strip('"').strip().lower() for c in next(csv.reader(io.StringIO(line)))]
    if found != list(BACI_COLUMNS):
        raise ReadError(f"{path}: line 1 (header): expected the BACI columns {','.join(BACI_COLUMNS)}; "
                        f"found {','.join(found)}.")


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
    from ..trade import TradeTable, _connect, csv_read_error, resolve_files, sql_path_list

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

    # ---- DuckDB source
    con = _connect()
    csv_opts = ("header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
                "columns = {'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'INTEGER', "
                "'v': 'DOUBLE', 'q': 'VARCHAR'}")
    raw = f"read_csv({sql_path_list(files)}, {csv_opts})"
    qexpr = "try_cast(trim(q) AS DOUBLE)"  # 'NA', blank and padded numbers
    bad_q = f"(q IS NOT NULL AND trim(q) NOT IN ('', 'NA', 'na', 'NaN') AND {qexpr} IS NULL)"

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
        size = sum(f.stat().st_size * (4 if f.name.endswith(".gz") else 1) for f in files)
        materialize = size <= MATERIALIZE_MAX_BYTES
    csv_raw = raw
    csv_qexpr, csv_bad_q = qexpr, bad_q
    if materialize:  # one parse; later queries (validation included) read DuckDB's columnar copy
        run(f"CREATE TABLE _baci_rows AS SELECT t, i, j, k, v, {qexpr} AS q, {bad_q} AS q_bad FROM {raw}")
        raw, qexpr, bad_q = "_baci_rows", "q", "q_bad"
    sql = (f"SELECT s.t AS year, {exp} AS exporter, {imp} AS importer, {PRODUCT_LABEL.format(x='s.k')} AS product, "
           f"s.v AS value, {'s.q' if materialize else 'try_cast(trim(s.q) AS DOUBLE)'} AS quantity FROM {raw} s{joins}")

    years = None
    n_rows = None
    unmapped: list[str] = []
    if validate:
        key = "((t::BIGINT * 1000 + i) * 1000 + j) * 1000000 + k"  # unique while i, j < 1000, k < 10**6
        stats = run(
            "SELECT count(*), "
            "count(*) FILTER (WHERE t IS NULL OR i IS NULL OR j IS NULL OR k IS NULL OR v IS NULL), "
            f"count(*) FILTER (WHERE v < 0 OR {qexpr} < 0), count(*) FILTER (WHERE {bad_q}), "
            "count(*) FILTER (WHERE k < 0 OR k > 999999), "
            "count(*) FILTER (WHERE i < 0 OR i > 999 OR j < 0 OR j > 999 OR t < 0 OR t > 9999), "
            f"{'count(DISTINCT ' + key + ')' if duplicates == 'raise' else 'NULL'}, "
            f"list(DISTINCT t), list(DISTINCT i), list(DISTINCT j) FROM {raw}").fetchall()[0]
        n_rows, n_null, n_neg, n_badq, n_badk, n_badc, n_distinct, ylist, ilist, jlist = stats
        with_fn = f"read_csv({sql_path_list(files)}, {csv_opts}, filename = true)"  # error path: lines in the CSV

        def locate(cond: str) -> tuple[str, int, tuple]:
            con.execute("SET threads = 1")
            try:
                r = run(f"SELECT filename, rn, t, i, j, k, v, q FROM (SELECT *, row_number() OVER "
                        f"(PARTITION BY filename) AS rn FROM {with_fn}) WHERE {cond} LIMIT 1").fetchall()[0]
            finally:
                con.execute("RESET threads")
            return r[0], int(r[1]) + 1, r[2:]

        if n_null:
            fn, line, row = locate("t IS NULL OR i IS NULL OR j IS NULL OR k IS NULL OR v IS NULL")
            col = next(c for c, v in zip("tijkv", row) if v is None)
            raise ReadError(f"{fn}: line {line}, column {col!r}: the value is missing "
                            f"({n_null} row(s) with a missing t, i, j, k or v).")
        if n_badq:
            fn, line, row = locate(csv_bad_q)
            raise ReadError(f"{fn}: line {line}, column 'q': found {row[5].strip()!r}, expected a number or NA.")
        if n_badk:
            fn, line, row = locate("k < 0 OR k > 999999")
            raise ReadError(f"{fn}: line {line}, column 'k': found {row[3]}, expected an HS6 code (0-999999).")
        if n_badc:
            fn, line, row = locate("i < 0 OR i > 999 OR j < 0 OR j > 999 OR t < 0 OR t > 9999")
            col, val = next((c, v) for c, v, hi in zip("tij", row[:3], (9999, 999, 999)) if not 0 <= v <= hi)
            what = "a year" if col == "t" else "a numeric country code (0-999)"
            raise ReadError(f"{fn}: line {line}, column {col!r}: found {val}, expected {what}.")
        if n_neg and not allow_negative:
            fn, line, row = locate(f"v < 0 OR {csv_qexpr} < 0")
            col, val = ("v", row[4]) if row[4] < 0 else ("q", row[5].strip())
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
                    hits = run(f"SELECT filename, rn FROM (SELECT *, row_number() OVER (PARTITION BY filename) AS rn "
                               f"FROM {with_fn}) WHERE {cond} ORDER BY filename, rn LIMIT 2").fetchall()
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
    fast = {"raw": raw, "value": "v", "quantity": qexpr,
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

