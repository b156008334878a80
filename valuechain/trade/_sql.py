"""SQL plumbing of the trade tables: DuckDB connections, literals, file lists, errors, lockdown.

* :func:`connect` opens the in-memory connection a table owns; :func:`lockdown`
  closes it to the outside once the reader has done its own reads: DuckDB's
  external access is disabled (only the folders of files still queried in
  place stay readable), the configuration is locked (only ``threads`` may be
  changed), so no later query (``TradeTable.sql``, a filter) can read
  ``/proc/self/environ``, write a file, attach a database or load an extension.
* :func:`sql_path_list` escapes DuckDB's glob characters, so a file named
  ``data[1].csv`` is read as itself, never as ``data1.csv``.
"""

from __future__ import annotations

import glob as _glob
import itertools
import os
import re
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .._safeio import check_regular, snippet
from .._validation import check_int
from ..errors import ReadError

__all__ = ["connect", "lockdown", "lit", "ident", "resolve_files", "sql_path_list", "csv_read_error",
           "duckdb_error_text", "glob_escape", "unique_name"]

_counter = itertools.count()


def connect() -> Any:
    """A new in-memory DuckDB connection, quiet (no progress bar)."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    return con


def lockdown(con: Any, files: Sequence[Path] = ()) -> None:
    """Disable DuckDB's external access on *con* and lock its configuration (idempotent).

    The folders of *files* (sources still queried in place) stay readable;
    everything else on disk, the network and extensions become unreachable.
    """
    if con.execute("SELECT current_setting('lock_configuration')").fetchall()[0][0]:
        return
    dirs = sorted({str(Path(os.path.abspath(f)).parent).rstrip("/") + "/" for f in files})
    if dirs:
        con.execute(f"SET allowed_directories = [{', '.join(lit(d) for d in dirs)}]")
    con.execute("SET allowed_configs = ['threads']")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def lit(value: Any) -> str:
    """A SQL literal for a string or number."""
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return "'" + str(value).replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def py(value: Any) -> Any:
    """A numpy scalar as the plain Python value (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def unique_name(prefix: str) -> str:
    return f"_{prefix}_{next(_counter)}"


def as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (str, bytes, int, np.integer)):
        return [value]
    return list(value)


def years_list(years: Any, func: str) -> list[int] | None:
    if years is None:
        return None
    return [check_int(y, "years", func) for y in as_list(years)]


def duckdb_error_text(exc: BaseException) -> str:
    """The first informative line of a DuckDB error message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def csv_read_error(exc: BaseException, files: Sequence[Path | str]) -> ReadError:
    """Translate a DuckDB CSV/IO error into a ReadError naming the file, line and column.

    File content is quoted only as a short, sanitised excerpt.
    """
    msg = str(exc)
    m_file = re.search(r"^\s*file = (.+?)\s*$", msg, re.M)
    fname = m_file.group(1) if m_file else (str(files[0]) if len(files) == 1 else ", ".join(map(str, files)))
    m_line = re.search(r"CSV Error on Line: (\d+)", msg)
    where = f"line {m_line.group(1)}" if m_line else ""
    m_col = re.search(r'converting column "([^"]+)"', msg)
    m_val = re.search(r"Could not convert string \"([^\"]*)\" to '(\w+)'", msg)
    m_ncol = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", msg)
    m_long = re.search(r"Maximum line size of (\d+) bytes exceeded", msg)
    if m_col and m_val:
        kind = "a number" if m_val.group(2) in ("DOUBLE", "FLOAT", "DECIMAL") else f"{m_val.group(2).lower()}"
        if m_val.group(2) in ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT"):
            kind = "an integer"
        detail = f"column {m_col.group(1)!r}: found {snippet(m_val.group(1).strip())}, expected {kind}"
    elif m_ncol:
        detail = (f"expected {m_ncol.group(1)} columns, found {m_ncol.group(2)} "
                  "(truncated or malformed row)")
    elif m_long:
        detail = (f"a line is longer than {int(m_long.group(1)):,} bytes; not a table of the expected layout "
                  "(raise vc.limits(max_line_bytes=...) if it is genuine)")
    elif "unterminated quote" in msg:
        detail = "a value has an unterminated quote (truncated file?)"
    elif "GZIP" in msg.upper() or "gzip" in msg:
        m_gz = re.search(r"GZIP stream: (.+)$", msg, re.M)
        if m_gz:
            fname = m_gz.group(1).strip()
        detail = "the compressed file is truncated or corrupt (" + duckdb_error_text(exc)[:200] + ")"
    elif "Invalid unicode" in msg or "not utf-8" in msg.lower():
        detail = "not UTF-8 text (a binary file?)"
    else:
        detail = re.sub(r"^[A-Z][A-Za-z ]* Error: ", "", duckdb_error_text(exc))[:300]
        if detail.startswith(Path(fname).name) or detail.startswith(fname):  # our own error() text
            return ReadError(detail.rstrip(".") + ".")
    place = f": {where}" if where else ""
    return ReadError(f"{fname}{place}: {detail}.")


def _checked(p: Path) -> Path:
    check_regular(p)
    return p


def resolve_files(path: Any, default_glob: str = "*") -> list[Path]:
    """Files named by a path, a folder (matched with *default_glob*), a glob pattern or a list.

    A path that exists is taken literally (``data[1].csv`` is that file); only a
    path that does not exist is expanded as a glob pattern.  Devices, pipes and
    sockets are refused.
    """
    if isinstance(path, (list, tuple)):
        out: list[Path] = []
        for p in path:
            out.extend(resolve_files(p, default_glob))
        if not out:
            raise ReadError("No file given (empty list of paths).")
        return out
    s = os.fspath(path)
    p = Path(s)
    if not p.exists() and any(ch in s for ch in "*?["):
        found = sorted(Path(q) for q in _glob.glob(s) if not Path(q).is_dir())
        if not found:
            raise ReadError(f"{s}: no file matches this pattern.")
        return [_checked(q) for q in found]
    if p.is_dir():
        found = sorted(q for q in p.glob(default_glob) if q.is_file() and not q.name.startswith("."))
        if not found:
            raise ReadError(f"{p}: the folder holds no file matching {default_glob!r}.")
        return [_checked(q) for q in found]
    if not p.exists():
        raise ReadError(f"{p}: no such file or directory.")
    return [_checked(p)]


def glob_escape(path: str) -> str:
    """A path with DuckDB's glob characters (``*``, ``?``, ``[``) matched literally."""
    return re.sub(r"([*?\[])", r"[\1]", path)


def sql_path_list(files: Sequence[Path]) -> str:
    """A DuckDB list literal of the files, each matched literally."""
    return "[" + ", ".join(lit(glob_escape(str(f))) for f in files) + "]"
