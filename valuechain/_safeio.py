"""Opening untrusted files within the caps of :mod:`valuechain._limits`.

Every reader opens its input through these helpers, so each guarantee holds
in one place:

* only regular files are read (a path to ``/dev/zero``, a FIFO or a folder is
  refused before a byte is read);
* archives and compressed files are checked before and while they are
  decompressed: a zip member's declared size and ratio, a gzip file's size
  trailer, and the bytes actually produced (so a member that lies about its
  size stops at the cap too);
* no text line is longer than ``max_line_bytes`` (the stream raises as soon as
  one is, so a parser never buffers a gigabyte-long "line");
* a dense allocation is estimated and refused, with its size named, before it
  is made (:func:`check_dense`);
* messages quote file content only as a short, sanitised excerpt
  (:func:`snippet`, :func:`describe_fields`): a reader pointed at
  ``/etc/passwd`` says what it expected, not what the file holds.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import stat
import zipfile
from pathlib import Path
from typing import IO, Any, Sequence

from ._limits import current, fmt_bytes
from .errors import ReadError

__all__ = ["check_regular", "open_binary", "open_member", "check_zip", "check_gzip", "check_dense",
           "first_line", "snippet", "describe_fields", "LineCapped", "is_gzip"]

_SLACK = 16 * 2**20  # a small file may compress very well: ratios are enforced above this size


def check_regular(path: Path, name: str | None = None) -> os.stat_result:
    """Stat *path* (following links) and refuse anything but a regular file."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ReadError(f"{name or path}: no such file.") from None
    except OSError as exc:
        raise ReadError(f"{name or path}: cannot read the file ({exc.strerror or exc}).") from None
    if stat.S_ISDIR(st.st_mode):
        raise ReadError(f"{name or path}: is a folder; pass the data file itself.")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(f"{name or path}: not a regular file (a device, pipe or socket); "
                        "copy the data into a file first.")
    return st


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _allowed(compressed: int) -> int:
    lim = current()
    return int(min(lim.max_uncompressed_bytes, max(_SLACK, lim.max_compression_ratio * max(compressed, 1))))


def _too_big(name: str, produced: float, compressed: int, declared: bool) -> ReadError:
    lim = current()
    what = "declares" if declared else "expands to more than"
    return ReadError(
        f"{name}: {what} {fmt_bytes(produced)} uncompressed from {fmt_bytes(compressed)} "
        f"(ratio {produced / max(compressed, 1):,.0f}); the caps are a ratio of {lim.max_compression_ratio:g} "
        f"and {fmt_bytes(lim.max_uncompressed_bytes)} (a zip bomb?). Raise them with "
        "vc.limits(max_compression_ratio=..., max_uncompressed_bytes=...) if the file is genuine.")


def check_gzip(path: Path, name: str | None = None) -> int:
    """The uncompressed size a gzip file declares (its trailer); refuse one above the caps.

    Used where another engine (DuckDB) decompresses the file itself; streams
    opened with :func:`open_binary` are also counted while they are read.
    """
    path = Path(path)
    size = path.stat().st_size
    if size < 18:
        raise ReadError(f"{name or path}: truncated gzip file ({size} bytes).")
    with open(path, "rb") as fh:
        fh.seek(-4, os.SEEK_END)
        isize = int.from_bytes(fh.read(4), "little")  # size mod 2**32 of the last member
    if max(isize, size) > _allowed(size):
        # the trailer of a truncated file is arbitrary bytes: confirm by decompressing up to the cap
        produced = _gunzip_count(path, _allowed(size) + 1)
        if produced > _allowed(size):
            raise _too_big(name or str(path), produced, size, False)
        return produced
    return isize


def _gunzip_count(path: Path, limit: int) -> int:
    """Bytes a gzip file decompresses to, counted up to *limit* in 1 MiB pieces (a corrupt tail ends the count)."""
    import zlib

    step = 1 << 20
    n = 0
    d = zlib.decompressobj(wbits=31)
    with open(path, "rb") as fh:
        data = b""
        while n <= limit:
            if not data:
                data = fh.read(step)
                if not data:
                    break
            try:
                n += len(d.decompress(data, step))
            except zlib.error:
                break
            data = d.unconsumed_tail
            if d.eof:  # another gzip member may follow
                data = d.unused_data
                d = zlib.decompressobj(wbits=31)
    return n


class _Counted(io.RawIOBase):
    """A decompressing stream that stops at *allowed* bytes."""

    def __init__(self, raw: IO[bytes], name: str, compressed: int) -> None:
        self._raw = raw
        self._name = name
        self._compressed = compressed
        self._allowed = _allowed(compressed)
        self._n = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        try:
            data = self._raw.read(len(b))
        except (OSError, EOFError, zipfile.BadZipFile, zlib_error()) as exc:
            raise ReadError(f"{self._name}: the compressed data is truncated or corrupt ({exc}).") from None
        n = len(data)
        self._n += n
        if self._n > self._allowed:
            raise _too_big(self._name, self._n, self._compressed, False)
        b[:n] = data
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def zlib_error() -> type[BaseException]:
    import zlib

    return zlib.error


class LineCapped(io.RawIOBase):
    """A binary stream that raises ReadError as soon as a line exceeds ``max_line_bytes``.

    ``\\n`` and ``\\r`` both end a line.  Only ``find``/``rfind`` run per chunk, so
    the check costs nothing measurable next to parsing.
    """

    def __init__(self, raw: IO[bytes], name: str, cap: int | None = None, *, cells_per_line: int = 0) -> None:
        self._raw = raw
        self._name = name
        self._cap = int(cap or current().max_line_bytes)
        self._run = 0  # bytes since the last line end
        self._line = 1
        # with cells_per_line, a dense matrix of that width is being filled: stop when it would pass the cap
        self._cells = int(cells_per_line)
        self._max_lines = current().max_dense_bytes // (8 * self._cells) + 1 if self._cells else 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        want = min(len(b), self._cap)
        data = self._raw.read(want)
        n = len(data)
        if n:
            nl, cr = data.find(b"\n"), data.find(b"\r")
            first = min(x for x in (nl, cr) if x >= 0) if (nl >= 0 or cr >= 0) else -1
            if first < 0:
                self._run += n
            else:
                if self._run + first > self._cap:
                    self._fail()
                self._line += data.count(b"\n")
                if self._max_lines and self._line > self._max_lines:
                    check_dense(self._line * self._cells, self._name,
                                f"the matrix (more than {self._line - 1:,} lines of {self._cells:,} numbers)")
                self._run = n - 1 - max(data.rfind(b"\n"), data.rfind(b"\r"))
            if self._run > self._cap:
                self._fail()
            b[:n] = data
        return n

    def _fail(self) -> None:
        raise ReadError(f"{self._name}: line {self._line} is longer than {fmt_bytes(self._cap)} without a line "
                        "break; this is not a text table of the expected layout (raise the cap with "
                        "vc.limits(max_line_bytes=...) if it is genuine).")

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def _buffered(raw: io.RawIOBase) -> IO[bytes]:
    return io.BufferedReader(raw, buffer_size=1 << 20)


def open_binary(path: Path, name: str | None = None, *, gunzip: bool = True, line_cap: bool = True,
                cells_per_line: int = 0) -> IO[bytes]:
    """Open a regular file for reading (gzip decompressed when *gunzip*), within the caps."""
    path = Path(path)
    disp = name or str(path)
    st = check_regular(path, disp)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise ReadError(f"{disp}: cannot read the file ({exc.strerror or exc}).") from None
    stream: IO[bytes] = fh
    if gunzip and fh.read(2) == b"\x1f\x8b":
        fh.seek(0)
        check_gzip(path, disp)
        stream = _buffered(_Counted(gzip.GzipFile(fileobj=fh, mode="rb"), disp, st.st_size))
    else:
        fh.seek(0)
    if line_cap:
        stream = _buffered(LineCapped(stream, disp, cells_per_line=cells_per_line))
    return stream


def check_zip(zf: zipfile.ZipFile, archive: str, info: zipfile.ZipInfo | None = None) -> None:
    """Refuse a zip whose members (or one member) declare sizes above the caps."""
    members = [info] if info is not None else zf.infolist()
    lim = current()
    total = 0
    for m in members:
        if m.file_size > _allowed(m.compress_size):
            raise _too_big(f"{archive}!{m.filename}", m.file_size, m.compress_size, True)
        total += m.file_size
    if info is None and total > lim.max_uncompressed_bytes:
        raise ReadError(f"{archive}: the members declare {fmt_bytes(total)} uncompressed, above the cap of "
                        f"{fmt_bytes(lim.max_uncompressed_bytes)}; raise it with "
                        "vc.limits(max_uncompressed_bytes=...) if the archive is genuine.")


def open_member(zf: zipfile.ZipFile, member: str, archive: str, *, line_cap: bool = True,
                cells_per_line: int = 0) -> IO[bytes]:
    """Open one member of an open zip archive, within the caps (declared and actual sizes)."""
    try:
        info = zf.getinfo(member)
    except KeyError:
        raise ReadError(f"{archive}: archive has no member {member!r}.") from None
    disp = f"{archive}!{member}"
    check_zip(zf, archive, info)
    try:
        raw = zf.open(info)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
        raise ReadError(f"{disp}: cannot open the archive member ({exc}).") from None
    stream: IO[bytes] = _buffered(_Counted(raw, disp, info.compress_size))
    if line_cap:
        stream = _buffered(LineCapped(stream, disp, cells_per_line=cells_per_line))
    return stream


def first_line(path: Path, limit: int = 65536) -> str:
    """The first line of a (possibly gzip-compressed) text file, at most *limit* bytes, decoded leniently."""
    path = Path(path)
    try:
        with open_binary(path, line_cap=False) as fh:
            raw = fh.readline(limit)
    except (OSError, EOFError) as exc:
        raise ReadError(f"{path}: cannot read the file ({exc}).") from None
    return raw.decode("utf-8-sig", errors="replace").rstrip("\r\n")


def check_dense(cells: Sequence[tuple[int, int]] | int, name: str, what: str = "the table",
                itemsize: int = 8, hint: str = "") -> int:
    """Refuse, before allocating, dense matrices of these shapes above ``max_dense_bytes``.

    Parameters
    ----------
    cells : list of (rows, columns), or a number of cells
    name : str
        The file (for the message).
    what : str
        What would be allocated, e.g. ``"Z (30,000 x 30,000 nodes)"``.
    hint : str
        What the user may check first (e.g. mistyped labels making new nodes).
    """
    n = cells if isinstance(cells, int) else sum(int(r) * int(c) for r, c in cells)
    need = n * itemsize
    cap = current().max_dense_bytes
    if need > cap:
        raise ReadError(f"{name}: {what} needs {fmt_bytes(need)} as dense float64 matrices, above the cap of "
                        f"{fmt_bytes(cap)}; {hint + ', or ' if hint else ''}raise the cap with "
                        "vc.limits(max_dense_bytes=...) if the table is genuinely this large.")
    return need


_PRINTABLE = re.compile(r"[^\x20-\x7e\u00a0-\u024f]")


def snippet(value: Any, n: int = 32) -> str:
    """``repr`` of at most *n* characters of *value*, control characters escaped."""
    s = str(value)
    cut = len(s) > n
    s = _PRINTABLE.sub("?", s[:n])
    return repr(s + "...") if cut else repr(s)


_NAME = re.compile(r"[A-Za-z_][\w .()%/-]{0,39}")


def describe_fields(fields: Sequence[str], limit: int = 12, sep: str = ",") -> str:
    """Header fields for a message: shown (joined by *sep*) when they look like column names, else only counted."""
    fields = [str(f).strip() for f in fields]
    if fields and all(_NAME.fullmatch(f) or f == "" for f in fields[:limit]):
        return sep.join(fields[:limit]) + (f"{sep}..." if len(fields) > limit else "")
    return f"{len(fields)} field(s) that do not look like column names"
