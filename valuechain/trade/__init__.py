"""TradeTable: bilateral trade in long form, backed by DuckDB.

A trade table has one row per flow with the canonical columns

=========  ======  =====================================================
year       int     reference year
exporter   str     exporting country (ISO3 where the source allows)
importer   str     importing country
product    str     product code as published (HS6 keeps its leading zero)
value      float   trade value (unit in ``meta.unit``)
quantity   float   quantity (unit in :attr:`TradeTable.quantity_unit`), NaN if missing
=========  ======  =====================================================

plus, for some sources, extra columns (Comtrade: ``flow``).

The rows never have to fit in pandas: a table is a SQL query over the source
files (``read_csv`` with typed columns, or ``read_parquet`` over one file or a
folder of per-year files) held by the table's own in-memory DuckDB connection.
Only aggregates (:meth:`~TradeTable.aggregate`, :meth:`~TradeTable.matrix`,
:meth:`~TradeTable.rca`) come back as pandas objects.  Tables derived with
:meth:`~TradeTable.filter` or :meth:`~TradeTable.map_products` are new queries
on the same connection; the source files are never modified.

Rules
-----
* Negative values are refused when a file is read (``allow_negative=True`` to
  accept them).  Missing quantities are NaN and are skipped by sums (a group whose
  quantities are all missing sums to NaN).
* Country codes a reader cannot map to ISO3 are kept as their numeric code
  written as a string (e.g. ``"490"``); they are listed in
  :attr:`TradeTable.unmapped_countries` and in ``attrs["unmapped_countries"]`` of
  every result (pass ``unknown_countries="raise"`` to refuse them instead).
* Product concordances (:meth:`~TradeTable.map_products`) raise on products
  missing from the mapping unless ``unmapped="drop"`` or ``"keep"`` is given; a
  mapping with a share column splits a product's value and quantity between
  groups.
* RCA (Balassa): ``RCA_cp = (X_cp / X_c) / (X_p / X)``; 0 where the country or the
  product has no exports (no division is attempted).

* Every reader refuses what would give silently wrong numbers: codes that are
  not exact integers (``4.5``, ``3004.5``, ``1_000``, ``0x10``), fractional
  years, values that are ``nan``, ``inf`` or out of range (``1e308``), and
  ambiguous headers; the message names the file, line and column.
* ``where=`` is a filter expression (column, operator, literal; ``and``/``or``/``not``;
  see :func:`parse_filter`), never raw SQL.  Once a reader is done, the table's
  DuckDB connection cannot reach the disk or the network (only the folders of
  files queried in place stay readable), so :meth:`TradeTable.sql` cannot read
  ``/proc/self/environ`` either.

``import valuechain`` does not import DuckDB; this package imports it inside the
functions that need it.  Modules: ``_table`` (the TradeTable core), ``_sql``
(connections, literals, file lists, lockdown), ``_filter`` (the ``where``
language), ``_parquet`` (parquet output), ``_read`` (format dispatch and the
parquet reader).
"""


from __future__ import annotations

from ._filter import Filter, parse_filter
from ._read import FORMATS, read, read_parquet
from ._sql import connect as _connect
from ._sql import csv_read_error, duckdb_error_text, resolve_files, sql_path_list
from ._sql import ident as _ident
from ._sql import lit as _lit
from ._table import CANONICAL, TradeTable

__all__ = ["TradeTable", "read", "FORMATS", "CANONICAL", "Filter", "parse_filter"]
