"""Format dispatch of the trade readers, and the reader of valuechain's own trade parquet.

``read(path, format=...)`` names the layout (or sniffs it from the suffix and
header) and calls the reader module of :mod:`valuechain.datasets` (``baci``,
``comtrade``); those modules build a :class:`~valuechain.trade.TradeTable` from
:mod:`valuechain.trade._table` and :mod:`valuechain.trade._sql`, which never
import this module (no import cycle).
"""

from __future__ import annotations

import importlib
import json
import os
import re
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd

from .._limits import current as current_limits
from .._safeio import describe_fields, first_line
from .._validation import check_choice
from ..errors import ParameterError, ReadError
from ._sql import connect as _connect
from ._sql import duckdb_error_text
from ._sql import glob_escape
from ._sql import ident as _ident
from ._sql import lit as _lit
from ._sql import resolve_files, sql_path_list
from ._table import _SQL_TYPES, CANONICAL, TradeTable

__all__ = ["read", "read_parquet", "FORMATS"]

#: format name -> "module:function" (module inside valuechain.datasets, imported on use)
FORMATS: dict[str, str] = {
    "baci": "baci:read_baci",
    "comtrade": "comtrade:read_comtrade",
    "parquet": "",
}


def read_parquet(path: Any, *, validate: bool = True, **options: Any) -> TradeTable:
    """A trade table written by :meth:`TradeTable.to_parquet` (a file, folder or glob), queried in place.

    With *validate* (default) one scan checks what every trade reader guarantees:
    years integral, labels and values present, values and quantities finite and
    within ``max_abs_value``; the first offending row is named.
    """
    import duckdb

    if options:
        raise ParameterError(f"read(format='parquet') takes the option validate only; got {sorted(options)}.")
    files = resolve_files(path, "*.parquet")
    con = _connect()
    src = f"read_parquet({sql_path_list(files)})"
    try:
        schema = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
    except duckdb.Error as exc:
        raise ReadError(f"{files[0] if len(files) == 1 else files[0].parent}: not a readable parquet file "
                        f"({duckdb_error_text(exc)}).") from None
    missing = [c for c in CANONICAL if c not in schema]
    if missing:
        raise ReadError(f"{files[0]}: the parquet file lacks the trade column(s) {missing}; expected "
                        f"{list(CANONICAL)}. Found {list(schema)}.")
    info: dict[str, Any] = {}
    side = (files[0].parent / "_meta.json")
    if side.exists():
        try:
            info = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReadError(f"{side}: unreadable metadata ({exc}).") from None
    else:
        try:
            rows = con.execute(f"SELECT value FROM parquet_kv_metadata({_lit(glob_escape(str(files[0])))}) "
                               "WHERE decode(key) = 'valuechain'").fetchall()
            if rows:
                raw = rows[0][0]
                info = json.loads(raw.decode("utf-8") if isinstance(raw, (bytes, bytearray)) else raw)
        except (duckdb.Error, ValueError):
            info = {}
    extras = [c for c in schema if c not in CANONICAL and c != "filename"]
    # cast only where the stored type differs, so filters (year = ...) reach the parquet scan and its statistics
    casts = [_ident(c) if schema[c] == _SQL_TYPES[c] else f"CAST({_ident(c)} AS {_SQL_TYPES[c]}) AS {c}"
             for c in CANONICAL] + [_ident(c) for c in extras]
    sql = f"SELECT {', '.join(casts)} FROM {src}"
    if not isinstance(info, dict):
        info = {}
    n_rows = _validate_parquet(con, src, schema, files) if validate else None
    meta = info.get("meta") or {"name": files[0].stem}
    if not isinstance(meta, dict):
        raise ReadError(f"{files[0]}: the valuechain metadata is malformed ('meta' is not an object).")
    names = info.get("product_names")
    return TradeTable(con, sql, meta=meta, columns=CANONICAL + tuple(extras),
                      quantity_unit=info.get("quantity_unit", ""),
                      unmapped_countries=info.get("unmapped_countries", ()),
                      product_names=pd.Series(names, name="description").rename_axis("product") if names else None,
                      product_width=info.get("product_width"), files=files, n_rows=n_rows)


def _validate_parquet(con: Any, src: str, schema: dict[str, str], files: Sequence[Path]) -> int:
    """One scan: the first row breaking the trade-table rules, as a ReadError; else the row count."""
    import duckdb

    cap = current_limits().max_abs_value
    int_year = schema["year"] in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER")
    year = '"year"' if int_year else 'TRY_CAST("year" AS DOUBLE)'
    checks = [
        ("the year is missing or not an integer",
         f"{year} IS NULL" + ("" if int_year else f" OR NOT isfinite({year}) OR {year} <> trunc({year})")),
        ("an exporter, importer or product label is missing",
         "exporter IS NULL OR importer IS NULL OR product IS NULL"),
        ("the value is missing", "value IS NULL"),
        (f"a value or quantity is not finite or its magnitude is above {cap:g}",
         f"NOT isfinite(value::DOUBLE) OR abs(value::DOUBLE) > {cap!r} OR "
         f"(quantity IS NOT NULL AND (NOT isfinite(quantity::DOUBLE) OR abs(quantity::DOUBLE) > {cap!r}))"),
    ]
    sel = ", ".join(f"count(*) FILTER (WHERE {c})" for _, c in checks)
    try:
        n, *bad = con.execute(f"SELECT count(*), {sel} FROM {src}").fetchall()[0]
        for (what, cond), k in zip(checks, bad):
            if k:
                with_fn = f"read_parquet({sql_path_list(files)}, filename = true)"
                fn, rn = con.execute(f"SELECT filename, rn FROM (SELECT *, row_number() OVER (PARTITION BY filename) "
                                     f"AS rn FROM {with_fn}) WHERE {cond} LIMIT 1").fetchall()[0]
                raise ReadError(f"{fn}: row {int(rn)}: {what} ({k} row(s)); a trade table holds only complete, "
                                "finite flows.")
    except duckdb.Error as exc:
        raise ReadError(f"{files[0] if len(files) == 1 else files[0].parent}: not a readable trade parquet file "
                        f"({duckdb_error_text(exc)[:200]}).") from None
    return int(n)


def _sniff_format(files: Sequence[Path]) -> str:
    f = files[0]
    if f.suffix == ".parquet":
        return "parquet"
    if f.suffix == ".json" or f.name.endswith(".json.gz"):
        return "comtrade"
    header = first_line(f).lower()
    if re.fullmatch(r'\W*t\W*,\W*i\W*,\W*j\W*,\W*k\W*,\W*v\W*,\W*q\W*', header.strip()):
        return "baci"
    if "reporter" in header and "partner" in header:
        return "comtrade"
    fields = re.split(r"[,;\t]", header.strip()) if header.strip() else []
    raise ReadError(f"{f}: line 1 (header): cannot tell the trade layout from its "
                    f"{describe_fields(fields) if fields else 'empty line'}; expected the BACI header t,i,j,k,v,q or "
                    "a Comtrade header (reporter..., partner...); pass format='baci', 'comtrade' or 'parquet'.")


def _files_for_sniffing(path: Any) -> list[Path]:
    if not isinstance(path, (list, tuple)) and Path(os.fspath(path)).is_dir():
        d = Path(os.fspath(path))
        for pattern in ("*.parquet", "BACI_*.csv*", "*.csv*", "*.json*"):
            found = sorted(d.glob(pattern))
            if found:
                return found
        raise ReadError(f"{d}: the folder holds no parquet, CSV or JSON trade file.")
    return resolve_files(path)


def read(path: Any, format: str = "auto", **options: Any) -> TradeTable:  # noqa: A002
    """Read published trade data into a :class:`TradeTable` (queried in place with DuckDB).

    Parameters
    ----------
    path : str, Path, list or glob pattern
        A file, several files (a list or a glob such as ``"BACI_HS92_Y*.csv"``), or a
        folder (parquet: every ``*.parquet``; BACI: every ``BACI_*.csv*``).
    format : {"auto", "baci", "comtrade", "parquet"}, default "auto"
        ``baci``: CEPII BACI CSV (``t,i,j,k,v,q``; see
        :func:`valuechain.datasets.baci.read_baci` for the options: country and
        product code files, validation, duplicates, negatives).  ``comtrade``: UN
        Comtrade bulk CSV/TSV or API JSON (see
        :func:`valuechain.datasets.comtrade.read_comtrade`).  ``parquet``: written by
        :meth:`TradeTable.to_parquet`.  ``auto`` looks at the suffix and header.
    **options
        Passed to the reader.

    Returns
    -------
    TradeTable

    Raises
    ------
    ReadError
        Missing file, wrong header, a text value in a number column, a truncated
        file, missing or negative values, duplicated flows; the message names the
        file, line and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = pathlib.Path(d) / "BACI_HS92_Y2021_V202301.csv"
    ...     _ = f.write_text("t,i,j,k,v,q\\n2021,4,710,10121,2.5,1.0\\n2021,710,4,870323,7.5,NA\\n")
    ...     tt = vc.trade.read(f, format="baci", country_codes=False)
    ...     tt.matrix("exporter", "product")
    product   010121  870323
    exporter
    4            2.5     0.0
    710          0.0     7.5
    """
    check_choice(format, "format", "trade.read", ("auto",) + tuple(FORMATS))
    if format == "auto":
        format = _sniff_format(_files_for_sniffing(path))  # noqa: A001
    if format == "parquet":
        return read_parquet(path, **options)
    modname, func = FORMATS[format].split(":")
    reader: Callable[..., TradeTable] = getattr(importlib.import_module(f"valuechain.datasets.{modname}"), func)
    return reader(path, **options)
