"""Shared parsing helpers for the published-table readers.

Every reader funnels its file access through this module so that a malformed
file always ends in a :class:`~valuechain.errors.ReadError` naming the file, the
line/row and the column (with its label), never a raw pandas or numpy
traceback.

Main pieces
-----------
:func:`read_labelled_csv`
    A dense "matrix" CSV (first column(s) = row labels, first line = column
    labels, numbers elsewhere) parsed in one pass of pandas' C parser with inferred
    types and copied into one ``float64`` array (peak about two copies of the
    numbers; pyarrow's reader held 3-4 copies of a 3,420-wide table and numpy's
    loadtxt was twice as slow).
    Empty cells are read as 0; ``NaN``/``inf`` and text in a number column are
    errors.
:func:`read_error`
    Builds the standard message ``"<file>: line L (row 'R'), column C ('X'): what"``.
:func:`check_unique`, :func:`split_code`
    Small label checks shared by the layouts.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Sequence

import numpy as np

from .._limits import current as current_limits
from .._safeio import check_regular, open_binary, open_member, snippet
from .._validation import fmt_labels
from ..errors import ReadError

__all__ = [
    "Matrix",
    "read_labelled_csv",
    "read_error",
    "where",
    "check_unique",
    "split_code",
    "open_source",
    "sniff_year",
]


@dataclass
class Matrix:
    """A labelled numeric matrix read from a text file.

    ``values[i, j]`` is the number on data row *i* (file line ``first_line + i``)
    and numeric column *j* (file column ``label_cols + j``, 0-based).
    """

    name: str
    row_labels: list[str]
    col_labels: list[str]
    values: np.ndarray
    corner: list
    first_line: int = 2
    #: the row labels as tuples of the label columns (when there are several)
    row_tuples: list[tuple] | None = None

    def line(self, i: int) -> int:
        """1-based file line of data row *i*."""
        return self.first_line + i


def where(name: str, *, line: int | None = None, row: object = None, column: object = None,
          col_index: int | None = None) -> str:
    """Format the location part of a message: ``file: line 5 (row 'X'), column 7 ('Y')``."""
    parts = []
    if line is not None or row is not None:
        p = f"line {line}" if line is not None else "row"
        if row is not None:
            p += f" (row {row!r})" if line is not None else f" {row!r}"
        parts.append(p)
    if col_index is not None or column is not None:
        p = f"column {col_index + 1}" if col_index is not None else "column"
        if column is not None:
            p += f" ({column!r})" if col_index is not None else f" {column!r}"
        parts.append(p)
    return f"{name}: " + (", ".join(parts) + ": " if parts else "")


def read_error(name: str, what: str, **loc: object) -> ReadError:
    """A :class:`ReadError` with the standard location prefix (see :func:`where`)."""
    return ReadError(where(name, **loc) + what)  # type: ignore[arg-type]


def check_unique(labels: Sequence[object], name: str, axis: str, *, first_line: int | None = None) -> None:
    """Raise ReadError when *labels* repeat; names the first duplicate and its positions."""
    seen: dict[object, int] = {}
    for i, lab in enumerate(labels):
        if lab in seen:
            if axis == "row":
                loc = (f"lines {first_line + seen[lab]} and {first_line + i}" if first_line is not None
                       else f"data rows {seen[lab] + 1} and {i + 1}")
            else:
                loc = f"columns {seen[lab] + 1} and {i + 1}"
            raise ReadError(f"{name}: duplicated {axis} label {lab!r} ({loc}); each code must appear once.")
        seen[lab] = i


def split_code(label: str, name: str, *, sep: str = "_", what: str = "column",
               index: int | None = None) -> tuple[str, str]:
    """Split ``'AUS_A01_02'`` into ``('AUS', 'A01_02')`` at the first *sep*."""
    head, s, tail = label.partition(sep)
    if not s or not head or not tail:
        raise read_error(name, f"label {label!r} is not of the form REGION{sep}CODE.",
                         **({"col_index": index} if what == "column" else {}))
    return head, tail


def sniff_year(name: str) -> int | None:
    """The last plausible 4-digit year (1950-2099) in a file name, if any."""
    years = re.findall(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)", name)
    return int(years[-1]) if years else None


def open_source(path: Path, member: str | None = None, *, suffixes: Iterable[str] = (".csv",),
                year: int | None = None, cells_per_line: int = 0) -> tuple[IO[bytes], str]:
    """Open *path* (or one member of a zip archive) as a binary stream, within the reader caps.

    Returns ``(stream, display_name)``.  For a zip without *member*, the only file
    with one of *suffixes* is used (or the one whose name holds *year*).  Only
    regular files are opened; archive members are checked against the
    compression caps and every stream against the line-length cap
    (:mod:`valuechain._limits`).
    """
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file.")
    check_regular(path)
    if zipfile.is_zipfile(path):
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ReadError(f"{path}: not a readable zip archive ({exc}).") from None
        names = [n for n in zf.namelist() if not n.endswith("/")]
        if member is None:
            cands = [n for n in names if n.lower().endswith(tuple(suffixes))]
            if year is not None and len(cands) > 1:
                cands = [n for n in cands if sniff_year(Path(n).name) == year]
            if len(cands) != 1:
                raise ReadError(
                    f"{path}: cannot choose the data file inside the archive (candidates: "
                    f"{fmt_labels(cands) or 'none'}); pass member='...' (or year=...)."
                )
            member = cands[0]
        elif member not in names:
            raise ReadError(f"{path}: archive has no member {member!r}; it holds {fmt_labels(names)}.")
        return open_member(zf, member, path.name, cells_per_line=cells_per_line), f"{path.name}!{member}"
    return open_binary(path, path.name, gunzip=False, cells_per_line=cells_per_line), path.name


def _parse_header(first: bytes, sep: str, disp: str = "", line: int = 1) -> list[str]:
    text = first.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    try:
        return [c.strip() for c in next(csv.reader([text], delimiter=sep))]
    except (csv.Error, StopIteration) as exc:
        raise ReadError(f"{disp}: line {line} is not a {sep!r}-separated header line ({exc}).") from None




def read_labelled_csv(path: Path, *, sep: str = ",", label_cols: int = 1, header: bool = True,
                      member: str | None = None, year: int | None = None,
                      suffixes: Iterable[str] = (".csv",), name: str | None = None, header_rows: int = 1,
                      names_row: bool = False) -> Matrix:
    """Read a dense labelled matrix CSV into a :class:`Matrix`.

    The file is parsed in one pass of pandas' C parser and the numbers copied
    into one ``float64`` array: a peak memory of about two copies of the numbers.

    Parameters
    ----------
    path : Path
        A text file or a zip archive holding it.
    sep : str
        Field separator.
    label_cols : int
        Leading text columns (row labels; 0 for a bare numeric matrix); the rest
        must be numbers.  Empty cells are read as 0.
    header : bool
        Whether the first line holds column labels.  Without one the columns are
        labelled ``"0", "1", ...``.
    member, year, suffixes
        Choice of the file inside a zip archive (see :func:`open_source`).
    header_rows : int, default 1
        Lines of column labels (pandas' multi-row header layout, e.g. region then
        sector); with more than one, ``col_labels`` holds tuples.
    names_row : bool, default False
        Skip one line after the header when it holds only the row-label names
        (pandas writes one for a MultiIndex; every number cell empty).

    Raises
    ------
    ReadError
        Empty file, ragged/truncated line, text, NaN or an out-of-range number
        in a number column, a line above the length cap.
    """
    import pandas as pd

    stream, disp = open_source(path, member, suffixes=suffixes, year=year)
    disp = name or disp
    nhead = header_rows if header else 0
    with stream:
        first = stream.readline()
        lines = [first] + [stream.readline() for _ in range(max(nhead, 1) - 1 + (1 if names_row and header else 0))]
    if not first.strip():
        raise ReadError(f"{disp}: the file is empty; expected {'a header line of column labels' if header else 'numbers'}.")
    levels = [_parse_header(ln, sep, disp, k + 1) for k, ln in enumerate(lines[:max(nhead, 1)])]
    head = levels[0] if len(levels) == 1 else [" | ".join(t) for t in zip(*levels)]
    ncol = len(head)
    if ncol <= label_cols:
        raise ReadError(
            f"{disp}: line 1 has {ncol} field(s) (separator {sep!r}); expected {label_cols} label column(s) "
            "followed by numeric columns. Is this the right file and format?"
        )
    if any(len(lv) != ncol for lv in levels):
        k = next(k for k, lv in enumerate(levels) if len(lv) != ncol)
        raise ReadError(f"{disp}: line {k + 1} (header) has {len(levels[k])} field(s) where line 1 has {ncol}.")
    skip = nhead
    if names_row and header and len(lines) > nhead:
        cells = _parse_header(lines[nhead], sep, disp, nhead + 1) if lines[nhead].strip() else []
        if cells and len(cells) <= ncol and all(c == "" for c in cells[label_cols:]):
            skip += 1
    first_line = skip + 1
    row_labels: list[str] = []
    row_tuples: list[tuple] | None = None

    def explain(exc: Exception) -> ReadError | None:
        return _explain(path, member, year, suffixes, disp, sep, label_cols, head, header, exc, skip)

    # the stream stops the parse once the dense matrix would pass max_dense_bytes
    stream, _ = open_source(path, member, suffixes=suffixes, year=year, cells_per_line=ncol - label_cols)
    try:
        with stream:
            # one pass of pandas' C parser with inferred types (a dtype map or an index column costs
            # 10-20 %); empty cells come back as NaN and are told apart from written NaN/inf by
            # _finish; a text cell leaves an object column that to_numpy refuses
            df = pd.read_csv(stream, sep=sep, header=None, skiprows=skip, engine="c", names=list(range(ncol)),
                             skip_blank_lines=True, encoding="utf-8-sig", low_memory=False, on_bad_lines="error")
        i = len(df)
        labels = pd.concat([df.pop(k) for k in range(label_cols)], axis=1) if label_cols else None
        if not all(dt.kind in "fiu" for dt in df.dtypes):
            # text left in a number column: pandas (through float()) would read '1_000', 'True' or
            # ' 0x1p3' as numbers; the strict scan names the first such cell
            err = _scan(path, member, year, suffixes, disp, sep, label_cols, head, header, skip)
            if err is not None:
                raise err
        values = df.to_numpy(dtype=float)  # popping the labels first avoids a 3,000-block slice
        if label_cols:
            if (not all(pd.api.types.is_string_dtype(dt) or dt == object for dt in labels.dtypes)
                    or labels.isna().to_numpy().any()):
                # numeric-looking codes, or NA-like labels ('NA' is Namibia): read the label columns
                # again as exact text (keeps leading zeros)
                stream, _ = open_source(path, member, suffixes=suffixes, year=year)
                with stream:
                    labels = pd.read_csv(stream, sep=sep, header=None, skiprows=skip, engine="c",
                                         usecols=list(range(label_cols)), dtype=str, keep_default_na=False,
                                         skip_blank_lines=True, encoding="utf-8-sig")
            if label_cols == 1:
                row_labels = [str(v).strip() for v in labels.iloc[:, 0].tolist()]
            else:
                row_tuples = [tuple(str(x).strip() for x in t) for t in labels.itertuples(index=False)]
                row_labels = [" | ".join(t) for t in row_tuples]
        del df
    except ReadError:
        raise
    except (ValueError, TypeError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        err = explain(exc)
        raise (err or ReadError(f"{disp}: could not be parsed ({exc}).")) from None
    if i == 0:
        raise ReadError(f"{disp}: no data rows{' after the header line' if header else ''}.")
    if not label_cols:
        row_labels = [str(r) for r in range(i)]
    m = _finish(disp, values, row_labels, head, header, label_cols, first_line, path, member, year, suffixes, sep)
    m.row_tuples = row_tuples
    if header and len(levels) > 1:
        m.col_labels = list(zip(*(lv[label_cols:] for lv in levels)))
        m.corner = [lv[:label_cols] for lv in levels]
    return m


def _finish(disp, values, row_labels, head, header, label_cols, first_line, path, member, year, suffixes,
            sep) -> Matrix:
    cap = current_limits().max_abs_value
    # fast path: two reductions (no temporary array); NaN (an empty cell or a written nan) propagates
    hi, lo = (float(values.max()), float(values.min())) if values.size else (0.0, 0.0)
    if not (-cap <= lo and hi <= cap):
        values = _zero_empty_cells(disp, values, row_labels, head, header, label_cols, first_line, path,
                                   member, year, suffixes, sep)
        big = np.abs(values) > cap
        if big.any():
            r_, c_ = (int(k[0]) for k in np.nonzero(big))
            raise read_error(disp, f"value {values[r_, c_]:g} is out of range (magnitude above {cap:g}); "
                                   "a published flow is never this large.", line=first_line + r_,
                             row=row_labels[r_] if row_labels else None, col_index=c_ + label_cols,
                             column=head[c_ + label_cols] if header else None)
    corner = head[:label_cols] if header else []
    col_labels = head[label_cols:] if header else [str(k) for k in range(len(head) - label_cols)]
    return Matrix(disp, row_labels, col_labels, values, corner, first_line)


def _zero_empty_cells(disp, values, row_labels, head, header, label_cols, first_line, path, member, year,
                      suffixes, sep) -> np.ndarray:
    """Empty cells become 0 (documented rule); a written ``nan``/``inf`` is an error naming its place."""
    finite = np.isfinite(values)
    if not finite.all():
        bad_r, bad_c = np.nonzero(~finite)
        want: dict[int, set[int]] = {}
        for r_, c_ in zip(bad_r.tolist()[:100_000], bad_c.tolist()[:100_000]):
            want.setdefault(first_line + r_, set()).add(c_ + label_cols)
        stream, _ = open_source(path, member, suffixes=suffixes, year=year)
        with stream:
            text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
            lineno = 0
            for fields in _safe_rows(csv.reader(text, delimiter=sep), disp):
                lineno += 1
                if lineno in want:
                    lab = " | ".join(f.strip() for f in fields[:label_cols])
                    if len(fields) != len(head):
                        kind = "truncated" if len(fields) < len(head) else "too long"
                        raise read_error(disp, f"line is {kind}: {len(fields)} field(s) where the "
                                               f"{'header' if header else 'first line'} has {len(head)}. "
                                               "The file may be cut off.", line=lineno, row=lab or None)
                    for j in sorted(want[lineno]):
                        if fields[j].strip() != "":
                            raise read_error(disp, f"non-finite value {snippet(fields[j].strip())} in a number column.",
                                             line=lineno, row=lab or None, col_index=j,
                                             column=head[j] if header else None)
                    if lineno >= max(want):
                        break
        if len(bad_r) > 100_000:
            raise ReadError(f"{disp}: more than 100,000 empty or non-finite cells; is this a numeric matrix?")
        if not values.flags.writeable:  # pandas may hand out a read-only view of a single block
            values = values.copy()
        values[~finite] = 0.0  # empty cells are zeros (documented rule)
    return values


def _explain(path: Path, member: str | None, year: int | None, suffixes: Iterable[str], disp: str, sep: str,
             label_cols: int, head: list[str], header: bool, exc: Exception, skip: int = 1) -> ReadError | None:
    """Turn a parser error into a ReadError that names line, row and column.

    Only runs on failure: re-scans the file with the csv module to find the place.
    """
    msg = str(exc)
    if isinstance(exc, UserWarning):
        return ReadError(f"{disp}: no data rows{' after the header line' if header else ''}.")
    try:
        found = _scan(path, member, year, suffixes, disp, sep, label_cols, head, header, skip)
    except csv.Error as err:
        return ReadError(f"{disp}: could not be parsed as a {sep!r}-separated table ({err}).")
    if found is not None:
        return found
    if isinstance(exc, UnicodeDecodeError):
        return ReadError(f"{disp}: not a UTF-8 text file ({msg.splitlines()[0]}).")
    return ReadError(f"{disp}: could not be parsed as a {sep!r}-separated table "
                     f"({msg.splitlines()[0] if msg else type(exc).__name__}).")


def _scan(path, member, year, suffixes, disp, sep, label_cols, head, header, skip=1) -> ReadError | None:
    """First ragged line or non-numeric cell, as a ReadError (None if the file looks fine)."""
    ncol = len(head)
    stream, _ = open_source(path, member, suffixes=suffixes, year=year)
    with stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(text, delimiter=sep)
        for lineno, fields in enumerate(reader, start=1):
            if header and lineno <= skip:
                continue
            if not fields:
                continue
            label = " | ".join(f.strip() for f in fields[:label_cols])
            if len(fields) != ncol:
                kind = "truncated" if len(fields) < ncol else "too long"
                return read_error(
                    disp, f"line is {kind}: {len(fields)} field(s) where the "
                          f"{'header' if header else 'first line'} has {ncol}. "
                          "The file may be cut off or use another separator.",
                    line=lineno, row=label or None)
            for j in range(label_cols, ncol):
                cell = fields[j].strip()
                if cell == "" or NUMBER.fullmatch(cell):
                    continue
                what = ("non-finite value" if NON_FINITE.fullmatch(cell) else "text value")
                return read_error(
                    disp, f"{what} {snippet(cell)} where a number is expected.",
                    line=lineno, row=label or None, col_index=j, column=head[j] if header else None)
    return None


#: a decimal number as published tables write it (no '1_000', hex, 'True' or words)
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.I)


def _safe_rows(reader, disp: str):
    try:
        yield from reader
    except csv.Error as exc:
        raise ReadError(f"{disp}: could not be parsed as a delimited table ({exc}).") from None


def contiguous(idx: np.ndarray) -> slice | np.ndarray:
    """A slice when *idx* is a run ``k, k+1, ...`` (so indexing makes a view), else *idx*."""
    if len(idx) and idx[-1] - idx[0] == len(idx) - 1 and (len(idx) < 2 or np.all(np.diff(idx) == 1)):
        return slice(int(idx[0]), int(idx[-1]) + 1)
    return idx


def take(values: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``values[rows][:, cols]`` with views where the index runs are contiguous."""
    r, c = contiguous(rows), contiguous(cols)
    if isinstance(r, slice) and isinstance(c, slice):
        return values[r, c]
    if isinstance(r, slice):
        return values[r][:, c]
    if isinstance(c, slice):
        return values[:, c][r]
    return values[np.ix_(r, c)]


def build_table(name: str, Z: np.ndarray, nodes, Y: np.ndarray, fd, V: np.ndarray | None = None, va=None,
                x: np.ndarray | None = None, *, meta: dict, allow_negative: bool = False, rtol: float = 1e-3,
                **options):
    """Wrap arrays as labelled frames (no copy) and build an IOTable.

    *va* labels the rows of *V*: component names (kinds from ``kinds=`` in *options*)
    or ``(kind, component)`` pairs.  Other *options* (``VY``, ``kinds``, ``atol``) go to
    :class:`~valuechain.IOTable`.  A table-level error (labels, negative flows,
    balance) keeps its type but its message is prefixed with the file name.
    """
    import pandas as pd

    from ..errors import TableError
    from ..table import FD_LEVELS, NODE_LEVELS, IOTable

    if not isinstance(nodes, pd.MultiIndex):
        nodes = pd.MultiIndex.from_tuples(list(nodes), names=list(NODE_LEVELS))
    if not isinstance(fd, pd.MultiIndex):
        fd = pd.MultiIndex.from_tuples(list(fd), names=list(FD_LEVELS))
    Zdf = pd.DataFrame(Z, index=nodes, columns=nodes, copy=False)
    Ydf = pd.DataFrame(Y, index=nodes, columns=fd, copy=False)
    Vdf = None
    if V is not None and va is not None and len(va):
        va = list(va)
        vidx = (pd.MultiIndex.from_tuples(va, names=["kind", "component"]) if isinstance(va[0], tuple)
                else pd.Index(va, name="component"))
        Vdf = pd.DataFrame(V, index=vidx, columns=nodes, copy=False)
    xs = None if x is None else pd.Series(x, index=nodes, copy=False)
    try:
        return IOTable(Zdf, Ydf, Vdf, xs, meta=meta, allow_negative=allow_negative, rtol=rtol, **options)
    except TableError as exc:
        raise type(exc)(f"{name}: {exc}") from None
