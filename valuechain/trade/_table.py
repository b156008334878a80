"""The :class:`TradeTable` core: a lazy DuckDB query over long bilateral trade rows.

See :mod:`valuechain.trade` for the columns and rules.  Readers (BACI, Comtrade,
parquet) build a table from their own connection and SQL; every derived table
(:meth:`~TradeTable.filter`, :meth:`~TradeTable.map_products`) is a new query on
the same connection, whose external access is disabled once the reader is done
(see :func:`valuechain.trade._sql.lockdown`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._limits import current as current_limits
from .._validation import check_choice, check_int
from ..errors import ParameterError, TableError
from ..table import TableMeta
from ._filter import Filter, parse_filter
from ._parquet import write_parquet
from ._sql import as_list as _as_list
from ._sql import connect as _connect
from ._sql import csv_read_error, duckdb_error_text, lockdown
from ._sql import ident as _ident
from ._sql import lit as _lit
from ._sql import py as _py
from ._sql import unique_name as _unique_name
from ._sql import years_list as _years_list

__all__ = ["TradeTable", "CANONICAL"]

#: the canonical long columns, in order
CANONICAL: tuple[str, ...] = ("year", "exporter", "importer", "product", "value", "quantity")
_SQL_TYPES = {"year": "INTEGER", "exporter": "VARCHAR", "importer": "VARCHAR", "product": "VARCHAR",
              "value": "DOUBLE", "quantity": "DOUBLE"}


# --------------------------------------------------------------------------- the table
class TradeTable:
    """Bilateral trade flows in long form, queried in place with DuckDB.

    Build one with :func:`read` (CEPII BACI, UN Comtrade, valuechain parquet) or
    :meth:`TradeTable.from_frame`; the constructor itself is internal.

    Attributes
    ----------
    meta : TableMeta
        name, year (when the table holds one year), unit of ``value``, source,
        system (e.g. ``"HS92"``), history.
    quantity_unit : str
        Unit of ``quantity`` (BACI: ``"tonnes"``, Comtrade net weight: ``"kg"``).
    unmapped_countries : list of str
        Country codes kept as numeric strings because no ISO3 code was found.
    countries : DataFrame
        The source's country list (code, iso3, name) when the reader had one.
    product_names : Series
        Product code -> description, when the reader had a product list.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2020, 2020, 2020], "exporter": ["AAA", "AAA", "BBB"],
    ...                    "importer": ["BBB", "CCC", "AAA"], "product": ["01", "02", "01"],
    ...                    "value": [10.0, 5.0, 2.0], "quantity": [1.0, None, 0.5]})
    >>> tt = vc.TradeTable.from_frame(df, meta={"unit": "USD"})
    >>> tt.years
    [2020]
    >>> tt.matrix("exporter", "product")
    product      01   02
    exporter
    AAA        10.0  5.0
    BBB         2.0  0.0
    """

    def __init__(self, con: Any, sql: str, *, meta: TableMeta | Mapping[str, Any] | None = None,
                 columns: Sequence[str] = CANONICAL, quantity_unit: str = "",
                 unmapped_countries: Sequence[str] = (), countries: pd.DataFrame | None = None,
                 product_names: pd.Series | None = None, product_width: int | None = None,
                 files: Sequence[Path] = (), years: Sequence[int] | None = None,
                 n_rows: int | None = None, fast: Mapping[str, Any] | None = None) -> None:
        self._con = con
        self._sql = sql
        self._meta = TableMeta.coerce(meta)
        self._columns = tuple(columns)
        self._quantity_unit = quantity_unit
        self._unmapped = tuple(unmapped_countries)
        self._countries = countries
        self._product_names = product_names
        self._product_width = product_width
        self._files = tuple(Path(f) for f in files)
        self._years = None if years is None else sorted(int(y) for y in years)
        self._n_rows = n_rows
        # Optional raw-key description of the source (see _grouped_sql): lets a reader whose labels are
        # functions of integer codes (BACI) group on the integers and label only the groups.
        self._fast = dict(fast) if fast is not None else None
        # the reader is done: no later query reaches the disk, except the folders of files still
        # queried in place (the SQL text is ours: it reads files only through read_csv/read_parquet)
        in_place = [f for f in self._files if "read_csv(" in sql or "read_parquet(" in sql]
        lockdown(con, in_place)

    # ------------------------------------------------------------ construction
    @classmethod
    def from_frame(cls, df: pd.DataFrame, *, meta: TableMeta | Mapping[str, Any] | None = None,
                   quantity_unit: str = "", allow_negative: bool = False) -> "TradeTable":
        """A trade table from pandas long data with the canonical columns.

        Parameters
        ----------
        df : DataFrame
            Columns ``year, exporter, importer, product, value`` and optionally
            ``quantity`` (NaN when missing) and extra label columns.  Not modified.
        meta : TableMeta or mapping, optional
            Metadata (``unit`` of value, ``source``, ...).
        quantity_unit : str, default ""
            Unit of ``quantity``.
        allow_negative : bool, default False
            Accept negative values.

        Returns
        -------
        TradeTable
            Backed by a DuckDB table holding a copy of the data.

        Raises
        ------
        TableError
            A required column is missing, a year is not an integer, a label or
            value is missing, or a value is negative; the message names the row.

        Examples
        --------
        >>> tt = vc.TradeTable.from_frame(pd.DataFrame(
        ...     {"year": [2021], "exporter": ["DEU"], "importer": ["FRA"], "product": ["870323"], "value": [5.0]}))
        >>> tt.aggregate(["exporter"])
          exporter  value  quantity
        0      DEU    5.0       NaN
        """
        if not isinstance(df, pd.DataFrame):
            raise TableError(f"from_frame expects a pandas DataFrame; got {type(df).__name__}.")
        missing = [c for c in CANONICAL if c != "quantity" and c not in df.columns]
        if missing:
            raise TableError(f"Trade data lacks the column(s) {missing}; expected {list(CANONICAL)} "
                             f"(quantity optional). Found {list(map(str, df.columns))}.")
        data = pd.DataFrame(index=pd.RangeIndex(len(df)))
        for c in ("exporter", "importer", "product"):
            col = df[c]
            bad = col.isna().to_numpy()
            if bad.any():
                raise TableError(f"Trade data: row {df.index[int(np.argmax(bad))]!r} has no {c}.")
            data[c] = col.astype(str).to_numpy()
        yr = pd.to_numeric(df["year"], errors="coerce")
        bad = (yr.isna() | (yr != yr.round())).to_numpy()
        if bad.any():
            i = int(np.argmax(bad))
            raise TableError(f"Trade data: row {df.index[i]!r} has year {_py(df['year'].iloc[i])!r}; "
                             "expected an integer.")
        data["year"] = yr.astype("int64").to_numpy()
        for c in ("value", "quantity"):
            if c not in df.columns:
                data[c] = np.nan
                continue
            num = pd.to_numeric(df[c], errors="coerce")
            bad = (num.isna() & df[c].notna()).to_numpy()
            if bad.any():
                i = int(np.argmax(bad))
                raise TableError(f"Trade data: row {df.index[i]!r} has {c} {_py(df[c].iloc[i])!r}; expected a number.")
            if c == "value" and num.isna().any():
                i = int(np.argmax(num.isna().to_numpy()))
                raise TableError(f"Trade data: row {df.index[i]!r} has no value.")
            vals = num.to_numpy(dtype=float)
            cap = current_limits().max_abs_value
            out = ~np.isnan(vals) & ~(np.abs(vals) <= cap)  # inf, or beyond the cap
            if out.any():
                i = int(np.argmax(out))
                raise TableError(f"Trade data: row {df.index[i]!r} has {c} {vals[i]!r}; expected a finite number "
                                 f"(magnitude at most {cap:g}).")
            if not allow_negative and (num < 0).any():
                i = int(np.argmax((num < 0).to_numpy()))
                raise TableError(f"Trade data: row {df.index[i]!r} has a negative {c} ({num.iloc[i]:g}); "
                                 "pass allow_negative=True if the source publishes negative flows.")
            data[c] = num.astype(float).to_numpy()
        extras = [c for c in df.columns if c not in CANONICAL]
        for c in extras:
            data[str(c)] = df[c].to_numpy()
        con = _connect()
        view = _unique_name("frame")
        table = _unique_name("data")
        con.register(view, data)
        casts = [f"CAST({_ident(c)} AS {_SQL_TYPES[c]}) AS {c}" for c in CANONICAL]
        casts += [_ident(str(c)) for c in extras]
        con.execute(f"CREATE TABLE {table} AS SELECT {', '.join(casts)} FROM {view}")
        con.unregister(view)
        meta = TableMeta.coerce(meta)
        years = sorted(set(data["year"].tolist()))
        if meta.year is None and len(years) == 1:
            meta = TableMeta.coerce({**meta.to_dict(), "year": years[0]})
        return cls(con, f"SELECT * FROM {table}", meta=meta, columns=CANONICAL + tuple(map(str, extras)),
                   quantity_unit=quantity_unit, years=years, n_rows=len(data))

    # -------------------------------------------------------------- properties
    @property
    def meta(self) -> TableMeta:
        """Metadata: name, year, unit (of value), source, system, history."""
        return self._meta

    @property
    def quantity_unit(self) -> str:
        """Unit of the ``quantity`` column."""
        return self._quantity_unit

    @property
    def columns(self) -> list[str]:
        """Column names: the canonical six, then any extra source columns."""
        return list(self._columns)

    @property
    def unmapped_countries(self) -> list[str]:
        """Country codes kept as numeric strings (no ISO3 code found)."""
        return list(self._unmapped)

    @property
    def countries(self) -> pd.DataFrame | None:
        """The source's country list (code, iso3, name), if the reader had one."""
        return None if self._countries is None else self._countries.copy()

    @property
    def product_names(self) -> pd.Series | None:
        """Product code -> description, if the reader had a product list."""
        return None if self._product_names is None else self._product_names.copy()

    @property
    def files(self) -> list[Path]:
        """The files the table is read from (empty for in-memory tables)."""
        return list(self._files)

    @property
    def years(self) -> list[int]:
        """Sorted distinct years."""
        if self._years is None:
            grouped = self._grouped_sql(["year"], "years", measures=("value",))
            rows = self._fetch(f"SELECT year FROM ({grouped}) ORDER BY year").fetchall()
            self._years = [int(r[0]) for r in rows if r[0] is not None]
        return list(self._years)

    @property
    def n_rows(self) -> int:
        """Number of flows (rows)."""
        if self._n_rows is None:
            src = self._fast["raw"] if self._fast is not None else f"({self._sql})"
            self._n_rows = int(self._fetch(f"SELECT count(*) FROM {src}").fetchall()[0][0])
        return self._n_rows

    def __len__(self) -> int:
        return self.n_rows

    def __repr__(self) -> str:
        name = self._meta.name or "trade"
        yrs = self._years
        ytxt = ""
        if yrs:
            ytxt = f", years {yrs[0]}-{yrs[-1]}" if len(yrs) > 1 else f", year {yrs[0]}"
        ntxt = "" if self._n_rows is None else f", {self._n_rows:,} rows"
        return f"<TradeTable {name!r}{ntxt}{ytxt}, unit {self._meta.unit or '?'!r}>"

    def labels(self, column: str) -> list[str]:
        """Sorted distinct labels of a column (``exporter``, ``importer``, ``product``, ...).

        Examples
        --------
        >>> tt = vc.TradeTable.from_frame(pd.DataFrame({"year": [2020, 2020], "exporter": ["B", "A"],
        ...     "importer": ["A", "B"], "product": ["x", "x"], "value": [1.0, 2.0]}))
        >>> tt.labels("exporter")
        ['A', 'B']
        """
        self._check_columns([column], "labels")
        rows = self._fetch(f"SELECT DISTINCT {_ident(column)} FROM ({self._sql}) ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    # ---------------------------------------------------------------- queries
    def _fetch(self, query: str, what: str = "") -> Any:
        """Run *query* on the connection (results to fetch in full); translate DuckDB errors."""
        import duckdb

        try:
            return self._con.execute(query)
        except duckdb.Error as exc:
            raise self._translate(exc, what) from None

    def _frame(self, query: str, what: str = "") -> pd.DataFrame:
        """Run *query* and return its result as pandas (through Arrow: ~5x faster than row conversion)."""
        import duckdb

        try:
            table = self._con.sql(query).to_arrow_table()
        except duckdb.Error as exc:
            raise self._translate(exc, what) from None
        return table.to_pandas()

    def _translate(self, exc: BaseException, what: str) -> Exception:
        import duckdb

        if isinstance(exc, duckdb.PermissionException):
            return ParameterError(f"Invalid {what or 'query'}: a trade table's queries cannot read or write files, "
                                  "attach databases or load extensions (DuckDB's external access is disabled).")
        if isinstance(exc, duckdb.ParserException):
            return ParameterError(f"Invalid SQL in {what or 'query'}: {duckdb_error_text(exc)}")
        if isinstance(exc, duckdb.BinderException):
            return ParameterError(
                f"Invalid {what or 'query'}: {duckdb_error_text(exc)} (columns: {', '.join(self._columns)}).")
        if isinstance(exc, (duckdb.ConversionException, duckdb.InvalidInputException, duckdb.IOException)):
            if self._files:
                return csv_read_error(exc, self._files)
        return ParameterError(f"Invalid {what or 'query'}: {duckdb_error_text(exc)}")

    def _check_columns(self, cols: Iterable[str], func: str, name: str = "by") -> list[str]:
        cols = list(cols)
        for c in cols:
            if c not in self._columns:
                raise ParameterError(
                    f"The '{name}' parameter of {func} must name columns among "
                    f"{', '.join(map(repr, self._columns))}. Got {c!r} instead."
                )
        return cols

    def _conditions(self, func: str, *, where: str | Filter | None = None, years: Any = None,
                    exporters: Any = None, importers: Any = None, products: Any = None) -> list[str]:
        conds = []
        ys = _years_list(years, func)
        if ys is not None:
            conds.append(f"year IN ({', '.join(map(str, ys))})" if ys else "FALSE")
        for col, vals in (("exporter", exporters), ("importer", importers), ("product", products)):
            if vals is not None:
                vs = [str(v) for v in _as_list(vals)]
                conds.append(f"{col} IN ({', '.join(_lit(v) for v in vs)})" if vs else "FALSE")
        if where is not None:  # parsed, never pasted: a filter cannot call functions or read files
            conds.append(parse_filter(where, self._columns, func).sql())
        return conds

    def _derive(self, sql: str, *, history: str, columns: Sequence[str] | None = None,
                product_names: Any = "same", years: Any = None) -> "TradeTable":
        meta = self._meta.with_history(history)
        return TradeTable(self._con, sql, meta=meta, columns=columns or self._columns,
                          quantity_unit=self._quantity_unit, unmapped_countries=self._unmapped,
                          countries=self._countries,
                          product_names=self._product_names if isinstance(product_names, str) else product_names,
                          product_width=self._product_width if isinstance(product_names, str) else None,
                          files=self._files, years=years)

    def _attrs(self, metric: str, years: list[int] | None = None, **extra: Any) -> dict[str, Any]:
        yrs = years if years is not None else self._years
        year = yrs[0] if yrs is not None and len(yrs) == 1 else (self._meta.year if yrs is None else None)
        d: dict[str, Any] = {"metric": metric, "name": self._meta.name, "year": year, "unit": self._meta.unit,
                             "quantity_unit": self._quantity_unit, "source": self._meta.source,
                             "system": self._meta.system}
        if yrs is not None and len(yrs) != 1:
            d["years"] = list(yrs)
        d["unmapped_countries"] = list(self._unmapped)
        d.update(extra)
        return d

    def _grouped_sql(self, by: Sequence[str], func: str, *, where: str | Filter | None = None, years: Any = None,
                     exporters: Any = None, importers: Any = None, products: Any = None,
                     measures: Sequence[str] = ("value", "quantity")) -> str:
        """SQL giving the *by* columns with sums of the *measures* (value, quantity) over the selected rows."""
        fast = self._fast
        if fast is not None and where is None and all(c in fast["keys"] for c in by):
            keys = fast["keys"]
            conds = []
            ys = _years_list(years, func)
            if ys is not None:
                conds.append(f"{keys['year']['raw']} IN ({', '.join(map(str, ys))})" if ys else "FALSE")
            for col, vals in (("exporter", exporters), ("importer", importers), ("product", products)):
                if vals is not None:
                    codes = keys[col]["codes"]([str(v) for v in _as_list(vals)])
                    conds.append(f"{keys[col]['raw']} IN ({', '.join(map(str, codes))})" if codes else "FALSE")
            wh = f" WHERE {' AND '.join(conds)}" if conds else ""
            raw_cols = [keys[c]["raw"] for c in by]
            sums = ", ".join(f"sum({fast[m]}) AS {m}" for m in measures)
            inner = (f"SELECT {''.join(rc + ', ' for rc in raw_cols)}{sums} FROM {fast['raw']}{wh}"
                     + (f" GROUP BY {', '.join(raw_cols)}" if raw_cols else ""))
            labels, joins = [], []
            for n, c in enumerate(by):
                alias = f"d{n}"
                x = f"g.{keys[c]['raw']}"
                labels.append(f"{keys[c]['label'].format(x=x, d=alias)} AS {_ident(c)}")
                if keys[c].get("table"):
                    joins.append(f" LEFT JOIN {keys[c]['table']} {alias} ON {x} = {alias}.code")
            if all(keys[c].get("injective") for c in by):  # one group per code: label the groups, no regrouping
                return (f"SELECT {''.join(lab + ', ' for lab in labels)}{', '.join(measures)} "
                        f"FROM ({inner}) g{''.join(joins)}")
            resums = ", ".join(f"sum({m}) AS {m}" for m in measures)
            return (f"SELECT {''.join(lab + ', ' for lab in labels)}{resums} FROM ({inner}) g{''.join(joins)}"
                    + (f" GROUP BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""))
        conds = self._conditions(func, where=where, years=years, exporters=exporters, importers=importers,
                                 products=products)
        wh = f" WHERE {' AND '.join(conds)}" if conds else ""
        groups = ", ".join(_ident(c) for c in by)
        sums = ", ".join(f"sum({m}) AS {m}" for m in measures)
        return (f"SELECT {groups + ', ' if by else ''}{sums} FROM ({self._sql}){wh}"
                + (f" GROUP BY {groups}" if by else ""))

    def filter(self, *, years: Any = None, exporters: Any = None, importers: Any = None,
               products: Any = None, where: str | Filter | None = None) -> "TradeTable":
        """A table restricted to some years, countries or products (a lazy query).

        Parameters
        ----------
        years : int or list of int, optional
        exporters, importers, products : str or list of str, optional
        where : str, optional
            A SQL condition on the columns, e.g. ``"value > 100"``.

        Examples
        --------
        >>> tt = vc.TradeTable.from_frame(pd.DataFrame({"year": [2019, 2020], "exporter": ["A", "A"],
        ...     "importer": ["B", "B"], "product": ["x", "x"], "value": [1.0, 2.0]}))
        >>> tt.filter(years=2020).aggregate([])["value"].tolist()
        [2.0]
        """
        conds = self._conditions("TradeTable.filter", where=where, years=years, exporters=exporters,
                                 importers=importers, products=products)
        if not conds:
            return self
        sql = f"SELECT * FROM ({self._sql}) WHERE {' AND '.join(conds)}"
        ys = _years_list(years, "TradeTable.filter")
        known = None
        if ys is not None and self._years is not None:
            known = sorted(set(ys) & set(self._years)) if (exporters is None and importers is None
                                                             and products is None and where is None) else None
        out = self._derive(sql, history=f"filter({' AND '.join(conds)})", years=known)
        out._fetch(f"SELECT * FROM ({sql}) LIMIT 0", "filter").fetchall()  # validate the condition now
        return out

    def map_products(self, mapping: Any, *, unmapped: str = "raise", name: str = "product") -> "TradeTable":
        """A table whose products are replaced by groups of a concordance.

        Parameters
        ----------
        mapping : dict, Series, DataFrame or callable
            Product code -> group.  A DataFrame has columns (code, group) or
            (code, group, share); with shares a product's value and quantity are
            split between its groups (shares of a code should add to 1).  A
            callable receives each product code and returns its group (or None).
            Integer codes are written with leading zeros to the table's code
            width (HS6: 6 digits).
        unmapped : {"raise", "drop", "keep"}, default "raise"
            Products absent from the mapping: raise, drop them, or keep their code.
        name : str, default "product"
            Column holding the group (``"product"`` replaces the codes; another
            name keeps ``product`` and adds the group column).

        Returns
        -------
        TradeTable

        Raises
        ------
        LabelError-like TableError
            With ``unmapped="raise"``, when a traded product has no group.

        Examples
        --------
        >>> tt = vc.TradeTable.from_frame(pd.DataFrame({"year": [2020] * 3, "exporter": ["A", "A", "B"],
        ...     "importer": ["B", "C", "A"], "product": ["0101", "0102", "8703"], "value": [1.0, 2.0, 4.0]}))
        >>> g = tt.map_products(lambda code: code[:2])
        >>> g.aggregate(["product"])[["product", "value"]].values.tolist()
        [['01', 3.0], ['87', 4.0]]
        """
        check_choice(unmapped, "unmapped", "TradeTable.map_products", ("raise", "drop", "keep"))
        if not isinstance(name, str) or not name:
            raise ParameterError(f"The 'name' parameter of TradeTable.map_products must be a non-empty str. "
                                 f"Got {name!r} instead.")
        conc = self._concordance(mapping)
        table = _unique_name("concordance")
        self._con.register(table + "_v", conc)
        self._con.execute(f"CREATE TABLE {table} AS SELECT CAST(code AS VARCHAR) AS code, "
                          f"CAST(grp AS VARCHAR) AS grp, CAST(share AS DOUBLE) AS share FROM {table}_v")
        self._con.unregister(table + "_v")
        if unmapped == "raise":
            rows = self._fetch(
                f"SELECT DISTINCT t.product FROM ({self._sql}) t ANTI JOIN {table} c ON t.product = c.code "
                f"ORDER BY 1 LIMIT 6").fetchall()
            if rows:
                shown = ", ".join(repr(r[0]) for r in rows[:5]) + (" and more" if len(rows) > 5 else "")
                raise TableError(f"map_products: product(s) {shown} have no group in the mapping; "
                                 "pass unmapped='drop' or unmapped='keep'.")
        join = "LEFT JOIN" if unmapped == "keep" else "JOIN"
        others = [c for c in self._columns if c not in ("product", "value", "quantity", name)]
        sel = [f"t.{_ident(c)}" for c in others]
        group = "coalesce(c.grp, t.product)" if unmapped == "keep" else "c.grp"
        share = "coalesce(c.share, 1.0)"
        if name == "product":
            sel.append(f"{group} AS product")
        else:
            sel.append("t.product")
            sel.append(f"{group} AS {_ident(name)}")
        sel += [f"t.value * {share} AS value", f"t.quantity * {share} AS quantity"]
        sql = f"SELECT {', '.join(sel)} FROM ({self._sql}) t {join} {table} c ON t.product = c.code"
        cols = list(self._columns) + ([] if name in self._columns else [name])
        desc = f"map_products({len(conc)} codes -> {conc['grp'].nunique()} groups, unmapped={unmapped})"
        keep_names = "same" if name != "product" else None
        return self._derive(sql, history=desc, columns=cols, product_names=keep_names, years=self._years)

    def _concordance(self, mapping: Any) -> pd.DataFrame:
        width = self._product_width

        def code(k: Any) -> str:
            if isinstance(k, (int, np.integer)) and width:
                return str(int(k)).zfill(width)
            if isinstance(k, (float, np.floating)) and float(k).is_integer() and width:
                return str(int(k)).zfill(width)
            return str(k)

        func = "TradeTable.map_products"
        if callable(mapping) and not isinstance(mapping, (pd.Series, pd.DataFrame, Mapping)):
            prods = self.labels("product")
            pairs = [(p, mapping(p)) for p in prods]
            df = pd.DataFrame([(p, g, 1.0) for p, g in pairs if g is not None and g == g],
                              columns=["code", "grp", "share"])
        elif isinstance(mapping, pd.DataFrame):
            if mapping.shape[1] not in (2, 3):
                raise ParameterError(f"The 'mapping' parameter of {func} must be a DataFrame with 2 columns "
                                     f"(code, group) or 3 (code, group, share). "
                                     f"Got {mapping.shape[1]} columns instead.")
            df = pd.DataFrame({"code": [code(k) for k in mapping.iloc[:, 0]],
                               "grp": mapping.iloc[:, 1].to_numpy(),
                               "share": (pd.to_numeric(mapping.iloc[:, 2], errors="coerce").to_numpy()
                                         if mapping.shape[1] == 3 else 1.0)})
        elif isinstance(mapping, (pd.Series, Mapping)):
            items = list(mapping.items())
            df = pd.DataFrame({"code": [code(k) for k, _ in items], "grp": [v for _, v in items], "share": 1.0})
        else:
            raise ParameterError(f"The 'mapping' parameter of {func} must be a dict, Series, DataFrame or callable. "
                                 f"Got {type(mapping).__name__} instead.")
        df = df[df["grp"].notna()].copy()
        df["grp"] = df["grp"].astype(str)
        if df["share"].isna().any() or (df["share"] < 0).any():
            raise ParameterError(f"The 'mapping' parameter of {func} has missing or negative shares.")
        dup = df.duplicated(["code", "grp"])
        if dup.any():
            raise ParameterError(f"The 'mapping' parameter of {func} lists the pair "
                                 f"({df['code'][dup].iloc[0]!r}, {df['grp'][dup].iloc[0]!r}) twice.")
        if (df["share"] == 1.0).all() and df["code"].duplicated().any():
            c = df["code"][df["code"].duplicated()].iloc[0]
            raise ParameterError(f"The 'mapping' parameter of {func} maps product {c!r} to several groups "
                                 "without shares; give a (code, group, share) DataFrame.")
        return df.reset_index(drop=True)

    def aggregate(self, by: Sequence[str] | str, *, where: str | Filter | None = None, years: Any = None,
                  exporters: Any = None, importers: Any = None, products: Any = None,
                  product_map: Any = None, unmapped: str = "raise", _sort: bool = True,
                  _measures: Sequence[str] = ("value", "quantity")) -> pd.DataFrame:
        """Sums of value and quantity by groups, computed in DuckDB.

        Parameters
        ----------
        by : list of str
            Group columns among :attr:`columns` (``[]`` gives the grand total).
        where : str, optional
            SQL condition on the columns, e.g. ``"importer <> 'CHN'"``.
        years : int or list of int, optional
        exporters, importers, products : str or list of str, optional
            Keep only these labels (products before any ``product_map``).
        product_map : mapping or callable, optional
            Concordance applied first (see :meth:`map_products`), with *unmapped*.

        Returns
        -------
        DataFrame
            The group columns, ``value`` and ``quantity`` (NaN where every quantity
            is missing), sorted by the groups; ``.attrs`` has unit, years, source.

        Examples
        --------
        >>> tt = vc.TradeTable.from_frame(pd.DataFrame({"year": [2020, 2020, 2021], "exporter": ["A", "A", "A"],
        ...     "importer": ["B", "C", "B"], "product": ["x", "x", "x"], "value": [1.0, 2.0, 4.0],
        ...     "quantity": [1.0, None, 2.0]}))
        >>> tt.aggregate(["year"])
           year  value  quantity
        0  2020    3.0       1.0
        1  2021    4.0       2.0
        """
        func = "TradeTable.aggregate"
        src = self
        if product_map is not None:
            if products is not None:
                src = src.filter(products=products)
                products = None
            src = src.map_products(product_map, unmapped=unmapped)
        by = [by] if isinstance(by, str) else list(by)
        src._check_columns(by, func)
        q = src._grouped_sql(by, func, where=where, years=years, exporters=exporters, importers=importers,
                             products=products, measures=_measures)
        if by and _sort:
            q = f"SELECT * FROM ({q}) ORDER BY {', '.join(_ident(c) for c in by)}"
        df = src._frame(q, "aggregate")
        df = _clean_frame(df, by)
        if not by and len(df) and "value" in df and pd.isna(df["value"].iloc[0]):
            df["value"] = 0.0
        df.attrs = src._attrs("trade_value", years=_years_list(years, func), by=by)
        return df

    def matrix(self, rows: str = "exporter", cols: str = "product", *, year: int | None = None,
               where: str | Filter | None = None, values: str = "value", years: Any = None,
               exporters: Any = None, importers: Any = None, products: Any = None,
               product_map: Any = None, unmapped: str = "raise") -> pd.DataFrame:
        """A wide matrix of summed values, zeros where no flow is recorded.

        Parameters
        ----------
        rows, cols : str, default "exporter", "product"
            Columns giving the matrix rows and columns, e.g. ``("exporter",
            "importer")`` for the bilateral country matrix.
        year : int, optional
            One year; by default every year of the table is summed (see also *years*).
        where : str, optional
            SQL condition on the columns.
        values : {"value", "quantity"}, default "value"
        years, exporters, importers, products, product_map, unmapped
            As in :meth:`aggregate`.

        Returns
        -------
        DataFrame
            Index named *rows*, columns named *cols*, both sorted; ``.attrs`` has
            unit, year, source.

        Examples
        --------
        >>> tt = vc.TradeTable.from_frame(pd.DataFrame({"year": [2020] * 3, "exporter": ["A", "A", "B"],
        ...     "importer": ["B", "C", "A"], "product": ["x", "y", "x"], "value": [1.0, 2.0, 4.0]}))
        >>> tt.matrix("exporter", "importer")
        importer    A    B    C
        exporter
        A         0.0  1.0  2.0
        B         4.0  0.0  0.0
        """
        func = "TradeTable.matrix"
        check_choice(values, "values", func, ("value", "quantity"))
        if rows == cols:
            raise ParameterError(f"The 'rows' and 'cols' parameters of {func} must differ. Got {rows!r} for both.")
        if year is not None:
            if years is not None:
                raise ParameterError(f"Give either 'year' or 'years' to {func}, not both.")
            years = [check_int(year, "year", func)]
        long = self.aggregate([rows, cols], where=where, years=years, exporters=exporters, importers=importers,
                              products=products, product_map=product_map, unmapped=unmapped, _sort=False,
                              _measures=(values,))
        wide = _pivot(long, rows, cols, values)
        wide.attrs = {**long.attrs, "metric": f"trade_{values}",
                      "unit": long.attrs["unit"] if values == "value" else self._quantity_unit}
        return wide

    def rca(self, *, year: int | None = None, country: str = "exporter", product: str = "product",
            where: str | Filter | None = None, years: Any = None, product_map: Any = None,
            unmapped: str = "raise") -> pd.DataFrame:
        """Revealed comparative advantage (Balassa), computed in DuckDB.

        ``RCA_cp = (X_cp / X_c) / (X_p / X)`` with ``X_cp`` the exports of product
        *p* by country *c*, ``X_c`` the country's total, ``X_p`` the product's world
        total and ``X`` the grand total, over the selected rows.  Cells with no
        exports are 0 (no division is attempted).

        Parameters
        ----------
        year : int, optional
            One year (by default, every year of the table pooled).
        country, product : str, default "exporter", "product"
            Columns giving the countries and products.
        where, years, product_map, unmapped
            As in :meth:`aggregate`.

        Returns
        -------
        DataFrame
            Countries x products, dimensionless; ``.attrs["metric"] == "rca"``.

        Examples
        --------
        >>> tt = vc.TradeTable.from_frame(pd.DataFrame({"year": [2020] * 4, "exporter": ["A", "A", "B", "B"],
        ...     "importer": ["Z"] * 4, "product": ["x", "y", "x", "y"], "value": [3.0, 1.0, 1.0, 3.0]}))
        >>> tt.rca().round(2)
        product     x    y
        exporter
        A         1.5  0.5
        B         0.5  1.5
        """
        func = "TradeTable.rca"
        if year is not None:
            if years is not None:
                raise ParameterError(f"Give either 'year' or 'years' to {func}, not both.")
            years = [check_int(year, "year", func)]
        src = self.map_products(product_map, unmapped=unmapped) if product_map is not None else self
        src._check_columns([country], func, "country")
        src._check_columns([product], func, "product")
        grouped = src._grouped_sql([country, product], func, where=where, years=years, measures=("value",))
        c, p = _ident(country), _ident(product)
        q = f"""
            WITH cp AS (SELECT {c} AS c, {p} AS p, value AS x FROM ({grouped})),
                 w AS (SELECT c, p, x, sum(x) OVER (PARTITION BY c) AS xc, sum(x) OVER (PARTITION BY p) AS xp,
                              sum(x) OVER () AS xt FROM cp)
            SELECT c AS {c}, p AS {p},
                   CASE WHEN xc > 0 AND xp > 0 AND xt > 0 THEN (x / xc) / (xp / xt) ELSE 0.0 END AS rca
            FROM w"""
        long = _clean_frame(src._frame(q, "rca"), [country, product])
        wide = _pivot(long, country, product, "rca")
        wide.attrs = src._attrs("rca", years=_years_list(years, func), unit="", method="Balassa (1965)")
        return wide

    def sql(self, query: str) -> pd.DataFrame:
        """Run a SQL query in which ``trade`` names this table; return a DataFrame.

        Examples
        --------
        >>> tt = vc.TradeTable.from_frame(pd.DataFrame({"year": [2020], "exporter": ["A"],
        ...     "importer": ["B"], "product": ["x"], "value": [1.5]}))
        >>> tt.sql("SELECT count(*) AS n, sum(value) AS v FROM trade").to_dict("records")
        [{'n': 1, 'v': 1.5}]
        """
        return self._frame(f"WITH trade AS ({self._sql}) {query}", "sql")

    def summary(self) -> dict[str, Any]:
        """Rows, years, numbers of exporters/importers/products, total value and units."""
        q = (f"SELECT count(*), count(DISTINCT exporter), count(DISTINCT importer), count(DISTINCT product), "
             f"sum(value), min(year), max(year) FROM ({self._sql})")
        n, ne, ni, npr, tot, y0, y1 = self._fetch(q, "summary").fetchall()[0]
        self._n_rows = int(n)
        return {"name": self._meta.name, "rows": int(n), "years": self.years, "exporters": int(ne),
                "importers": int(ni), "products": int(npr), "total_value": float(tot or 0.0),
                "unit": self._meta.unit, "quantity_unit": self._quantity_unit, "source": self._meta.source,
                "system": self._meta.system, "unmapped_countries": list(self._unmapped)}

    # ------------------------------------------------------------------ output
    def to_pandas(self, *, max_rows: int = 5_000_000) -> pd.DataFrame:
        """All rows as a pandas DataFrame (for small tables; refuses more than *max_rows*).

        Examples
        --------
        >>> tt = vc.TradeTable.from_frame(pd.DataFrame({"year": [2020], "exporter": ["A"],
        ...     "importer": ["B"], "product": ["x"], "value": [1.5]}))
        >>> tt.to_pandas().columns.tolist()
        ['year', 'exporter', 'importer', 'product', 'value', 'quantity']
        """
        max_rows = check_int(max_rows, "max_rows", "TradeTable.to_pandas", low=0)
        if self.n_rows > max_rows:
            raise ParameterError(
                f"The table has {self.n_rows:,} rows, more than max_rows={max_rows:,}; aggregate it in DuckDB "
                "(aggregate, matrix, sql) or raise max_rows."
            )
        order = ", ".join(_ident(c) for c in ("year", "exporter", "importer", "product"))
        df = self._frame(f"SELECT * FROM ({self._sql}) ORDER BY {order}", "to_pandas")
        df = _clean_frame(df, [c for c in self._columns if c not in ("value", "quantity", "year")])
        df.attrs = self._attrs("trade_flows")
        return df

    def to_parquet(self, path: str | os.PathLike, *, by_year: bool = False, force: bool = False) -> Path:
        """Write the rows to parquet (atomically), with the metadata inside.

        Parameters
        ----------
        path : str or Path
            Target file, or with ``by_year=True`` a folder that receives one file per
            year (``year_YYYY.parquet``) and ``_meta.json``; read it back with
            ``vc.trade.read(path, format="parquet")``, which queries the files in place.
        by_year : bool, default False
        force : bool, default False
            Replace a read-only file; with ``by_year=True``, replace a non-empty folder,
            which must hold nothing but an earlier ``by_year`` output (``year_*.parquet``,
            ``_meta.json``).  Without it a non-empty folder is refused.

        Returns
        -------
        Path

        Examples
        --------
        >>> import tempfile, pathlib
        >>> tt = vc.TradeTable.from_frame(pd.DataFrame({"year": [2020], "exporter": ["A"],
        ...     "importer": ["B"], "product": ["x"], "value": [1.5]}), meta={"unit": "USD"})
        >>> with tempfile.TemporaryDirectory() as d:
        ...     p = tt.to_parquet(pathlib.Path(d) / "t.parquet")
        ...     vc.trade.read(p).meta.unit
        'USD'
        """
        import duckdb

        cols = ", ".join(_ident(c) for c in self._columns)
        # no sort: a full sort of 10^7 string rows costs more than it saves later
        try:  # DuckDB errors surface while the batches are read (a lazily read CSV)
            rel = self._con.sql(f"SELECT {cols} FROM ({self._sql})")
            reader = (rel.to_arrow_reader(1_000_000) if hasattr(rel, "to_arrow_reader")
                      else rel.fetch_record_batch(1_000_000))
            return write_parquet(reader, Path(path), by_year=by_year, info=self._sidecar(), force=force)
        except duckdb.Error as exc:
            raise self._translate(exc, "to_parquet") from None

    def _sidecar(self) -> dict[str, Any]:
        info: dict[str, Any] = {"format": "valuechain.trade/1", "meta": self._meta.to_dict(),
                                "quantity_unit": self._quantity_unit, "columns": list(self._columns),
                                "unmapped_countries": list(self._unmapped), "product_width": self._product_width}
        if self._product_names is not None:
            info["product_names"] = {str(k): str(v) for k, v in self._product_names.items()}
        return info


# --------------------------------------------------------------------------- pandas helpers
def _clean_frame(df: pd.DataFrame, label_cols: Sequence[str]) -> pd.DataFrame:
    """Give DuckDB output the house dtypes: int64 year, str labels, float values."""
    df = df.copy()
    for c in df.columns:
        if c == "year":
            df[c] = df[c].astype("int64")
        elif c in label_cols:
            df[c] = df[c].astype("str")
        elif c in ("value", "quantity", "rca"):
            df[c] = df[c].astype("float64")
    return df


def _pivot(long: pd.DataFrame, rows: str, cols: str, values: str) -> pd.DataFrame:
    """Wide matrix from long (rows, cols, values) with unique pairs; zeros for missing cells."""
    r_codes, r_labels = pd.factorize(long[rows], sort=True)
    c_codes, c_labels = pd.factorize(long[cols], sort=True)
    arr = np.zeros((len(r_labels), len(c_labels)))
    vals = long[values].to_numpy(dtype=float)
    vals = np.where(np.isnan(vals), 0.0, vals)
    arr[r_codes, c_codes] = vals
    return pd.DataFrame(arr, index=pd.Index(r_labels, name=rows), columns=pd.Index(c_labels, name=cols))


