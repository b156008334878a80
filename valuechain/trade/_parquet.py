"""Parquet output of trade tables: one file, or one file per year in a folder.

The rows are streamed from DuckDB as Arrow record batches and written with
pyarrow (zstd), so the table's connection never needs file access (it is
locked down once read; see :func:`valuechain.trade._sql.lockdown`) and memory
stays at a few batches whatever the table's size.  The table's metadata is
stored in each file's key-value metadata under ``valuechain`` (and, for a
folder, in ``_meta.json``), where :func:`valuechain.trade.read` finds it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

__all__ = ["write_parquet"]

#: rows buffered per year before a row group is written (by_year)
ROW_GROUP = 262_144
#: the files a by_year folder may hold (and a forced rewrite may replace)
_OWNED = re.compile(r"year_(\d+|NULL)(_\d+)?\.parquet|_meta\.json")


def _schema(reader: Any, info: dict[str, Any]) -> Any:
    return reader.schema.with_metadata({"valuechain": json.dumps(info)})


def _write_one(reader: Any, dest: Path, info: dict[str, Any]) -> None:
    import pyarrow.parquet as pq

    with pq.ParquetWriter(dest, _schema(reader, info), compression="zstd") as w:
        for batch in reader:
            if batch.num_rows:
                w.write_batch(batch)


def _write_years(reader: Any, folder: Path, info: dict[str, Any]) -> None:
    """One pass over the batches; rows split by year into year_YYYY.parquet files."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    schema = _schema(reader, info)
    k = schema.get_field_index("year")
    writers: dict[Any, Any] = {}
    pending: dict[Any, list] = {}
    counts: dict[Any, int] = {}

    def flush(y: Any) -> None:
        if not pending.get(y):
            return
        if y not in writers:
            writers[y] = pq.ParquetWriter(folder / f"year_{'NULL' if y is None else y}.parquet", schema,
                                          compression="zstd")
        writers[y].write_table(pa.Table.from_batches(pending[y], schema=schema))
        pending[y], counts[y] = [], 0

    try:
        for batch in reader:
            if not batch.num_rows:
                continue
            col = batch.column(k)
            for y in pc.unique(col).to_pylist():
                part = batch.filter(pc.is_null(col) if y is None else pc.equal(col, y))
                pending.setdefault(y, []).append(part)
                counts[y] = counts.get(y, 0) + part.num_rows
                if counts[y] >= ROW_GROUP:
                    flush(y)
        for y in list(pending):
            flush(y)
    finally:
        for w in writers.values():
            w.close()


def write_parquet(reader: Any, target: Path, *, by_year: bool, info: dict[str, Any], force: bool = False) -> Path:
    """Write an Arrow record-batch *reader* to *target* (a file, or a folder with *by_year*), atomically.

    A folder is replaced only when it holds nothing but an earlier ``by_year`` output
    (``year_*.parquet``, ``_meta.json``) and *force* is given; see :func:`valuechain._files.atomic_dir`.
    """
    from .._files import atomic_dir, atomic_path

    target = Path(target)
    if not by_year:
        with atomic_path(target, suffix=".parquet", force=force) as tmp:
            _write_one(reader, Path(tmp), info)
        return target
    with atomic_dir(target, force=force, owned=lambda name: _OWNED.fullmatch(name) is not None) as tmpdir:
        _write_years(reader, Path(tmpdir), info)
        (Path(tmpdir) / "_meta.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return target
