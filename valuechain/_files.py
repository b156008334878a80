"""Safe writes: nothing is half-written, and nothing is destroyed that valuechain did not create.

* **Atomic.**  A file is written to a temporary sibling (``.NAME.<host>-<pid>.<random>….part``)
  and renamed onto the target (:func:`atomic_path`); a folder is filled as a temporary
  sibling and swapped in (:func:`atomic_dir`).  An exception or Ctrl-C (SIGTERM too, in
  the CLI) removes the temporary; after a SIGKILL, which cannot be caught, the next write
  to the same target sweeps the leftovers of dead processes of this host
  (:func:`sweep_stale`).
* **Like ``cp``.**  Writing through a symlink replaces the file it points to and keeps
  the link; an existing file keeps its permission bits (and owner, when allowed); a
  read-only file is refused unless ``force=True``; a directory is never replaced by a
  file; a dangling symlink is refused.
* **No silent loss.**  :func:`atomic_dir` refuses a folder that holds anything, unless
  ``force=True`` *and* every entry is one the caller's ``owned`` rule recognises as its
  own earlier output.
* **Checked first.**  :func:`check_target` runs the same checks (and the suffix) before
  any work, so a bad ``--out`` fails in a second, not after the computation.

:func:`spreadsheet_safe` prefixes text cells that a spreadsheet would run as a formula
(OWASP "CSV injection").
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import socket
import stat
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .errors import ParameterError

__all__ = ["atomic_path", "atomic_dir", "write_text_atomic", "write_bytes_atomic", "write_with", "check_target",
           "sweep_stale", "spreadsheet_safe", "PART_SUFFIX"]

PART_SUFFIX = ".part"
#: Temporary names: ``.<target name>.<host tag>-<pid>.<mkstemp random>[<suffix>].part``.
_PART_RE = re.compile(r"^\.(?P<name>.+)\.(?P<host>[0-9a-f]{8})-(?P<pid>\d+)\.[A-Za-z0-9_]+(\.[^/]*)?\.part$")


def _host_tag() -> str:
    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _tag() -> str:
    return f"{_host_tag()}-{os.getpid()}"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ------------------------------------------------------------------ stale temporaries
def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OSError:
        return True
    return True


def sweep_stale(folder: str | os.PathLike, name: str | None = None) -> list[Path]:
    """Remove the temporaries left in *folder* by killed valuechain writes; return what was removed.

    Only entries named like this module's temporaries, made on this host by a process that
    no longer runs (and, with *name*, for that target) are removed; everything else stays.
    On systems without POSIX process checks nothing is removed.
    """
    folder = Path(folder)
    if os.name != "posix" or not folder.is_dir():
        return []
    host = _host_tag()
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for e in entries:
        m = _PART_RE.match(e.name)
        if not m or m["host"] != host or (name is not None and m["name"] != name) or _alive(int(m["pid"])):
            continue
        p = Path(e.path)
        with contextlib.suppress(OSError):
            if e.is_dir(follow_symlinks=False):
                shutil.rmtree(p)
            else:
                p.unlink()
            removed.append(p)
    return removed


# ------------------------------------------------------------------ checks
def _is_read_only(st: os.stat_result, path: Path) -> bool:
    return not (st.st_mode & 0o222) or not os.access(path, os.W_OK)


def _existing_ancestor(folder: Path) -> Path:
    p = folder
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _check_folder(folder: Path) -> None:
    """The folder exists or can be created: its nearest existing ancestor is a writable directory."""
    anc = _existing_ancestor(folder)
    if not anc.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "is not a folder, so nothing can be written under it", str(anc))
    if not os.access(anc, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, "the folder is not writable", str(anc))


def _resolve_link(target: Path) -> Path:
    """Where a write to *target* lands: *target* itself, or the file a symlink points to."""
    if not target.is_symlink():
        return target
    real = Path(os.path.realpath(target))
    if not real.exists():
        raise ParameterError(f"Cannot write {target}: it is a symlink to {real}, which does not exist "
                             "(not writing through a dangling symlink).")
    return real


def check_target(target: str | os.PathLike, *, suffixes: Iterable[str] | None = None, force: bool = False,
                 what: str = "the output path", folder: bool = False) -> Path:
    """Check, before any work, that *target* can be written; return where the data will land.

    Parameters
    ----------
    target : path
    suffixes : iterable of str, optional
        Allowed suffixes (lower case, with the dot); others are refused.
    force : bool, default False
        Allow replacing a read-only file (or, with ``folder=True``, a non-empty folder:
        :func:`atomic_dir` still checks its entries).
    what : str
        How the message names the path (``"--out"``).
    folder : bool, default False
        The target is a folder (:func:`atomic_dir`) rather than a file.

    Raises
    ------
    ParameterError
        Wrong suffix, a directory where a file is expected (or a file where a folder is),
        a read-only file without *force*, a dangling symlink.
    OSError
        An existing parent is not a folder or is not writable.
    """
    target = Path(target)
    if suffixes is not None:
        allowed = tuple(suffixes)
        if target.suffix.lower() not in allowed:
            raise ParameterError(f"The {what} must end in {_or(allowed)}. Got {target.name!r} instead.")
    real = _resolve_link(target)
    if real.exists():
        if folder:
            if not real.is_dir():
                raise ParameterError(f"Cannot write the folder {target}: a file of that name exists.")
            if any(real.iterdir()) and not force:
                raise ParameterError(f"Cannot write into {target}: the folder is not empty. Choose a new or empty "
                                     "folder; force=True (CLI: --force) replaces it only when it holds nothing "
                                     "but an earlier output of the same kind.")
        else:
            if real.is_dir():
                raise ParameterError(f"Cannot write {target}: it is a directory; give a file name.")
            if _is_read_only(real.stat(), real) and not force:
                raise ParameterError(f"Cannot write {target}: the file is read-only; pass force=True "
                                     "(CLI: --force) to replace it, or choose another name.")
    _check_folder(real.parent)
    return real


def _or(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


# ------------------------------------------------------------------ files
@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str | None = None, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside *target*; rename it onto *target* on success.

    On any exception (including KeyboardInterrupt) the temporary file is removed and
    *target* is left untouched.  A symlink is written through (the link stays); an
    existing file keeps its permission bits; a read-only file needs ``force=True``.
    Stale temporaries of killed writes to the same target are swept first.
    """
    target = Path(target)
    real = check_target(target, force=force)
    real.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(real.parent, real.name)
    sfx = suffix if suffix is not None else real.suffix
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.{_tag()}.", suffix=sfx + PART_SUFFIX, dir=real.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        _adopt_metadata(tmp_path, real)
        os.replace(tmp_path, real)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def _adopt_metadata(tmp: Path, real: Path) -> None:
    """Give *tmp* the permission bits (and owner) of the file it replaces, or the usual new-file mode."""
    try:
        st = real.stat()
    except FileNotFoundError:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600
        return
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    if hasattr(os, "chown"):
        mine = tmp.stat()
        if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
            with contextlib.suppress(OSError):
                os.chown(tmp, st.st_uid, st.st_gid)


def write_bytes_atomic(target: str | os.PathLike, data: bytes, *, force: bool = False) -> Path:
    """Write *data* to *target* atomically and return the target path."""
    with atomic_path(target, force=force) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(target)


def write_text_atomic(target: str | os.PathLike, text: str, encoding: str = "utf-8", *, force: bool = False) -> Path:
    """Write *text* to *target* atomically and return the target path."""
    return write_bytes_atomic(target, text.encode(encoding), force=force)


def write_with(target: str | os.PathLike, writer: Callable[[Path], object], *, force: bool = False) -> Path:
    """Call ``writer(tmp_path)`` then rename onto *target* (for pandas/pyarrow writers)."""
    with atomic_path(target, force=force) as tmp:
        writer(tmp)
    return Path(target)


# ------------------------------------------------------------------ folders
@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike, *, force: bool = False,
               owned: Callable[[str], bool] | None = None) -> Iterator[Path]:
    """Yield a fresh temporary folder beside *target*; swap it in as *target* on success.

    * *target* absent or an empty folder: the new folder takes its place (an existing
      empty folder keeps its permission bits; a new one gets ``0777 & ~umask``, never
      the ``0700`` of :func:`tempfile.mkdtemp`).
    * *target* holds anything: refused, unless ``force=True`` and ``owned(name)`` is true
      for every entry (the caller's own earlier output); then the old folder is moved
      aside, the new one swapped in, and the old one deleted.
    * A symlink to a folder is written through (the link stays).

    On any exception (including KeyboardInterrupt) the temporary folder is removed and
    *target* is untouched.

    Raises
    ------
    ParameterError
        *target* is a file, or a non-empty folder that may not be replaced.
    """
    target = Path(target)
    real = check_target(target, force=force, folder=True)
    if real.is_dir():
        foreign = sorted(e.name for e in real.iterdir() if owned is None or not owned(e.name))
        if foreign:
            raise ParameterError(
                f"Cannot write into {target}: the folder holds files valuechain did not write "
                f"({', '.join(repr(f) for f in foreign[:5])}{', ...' if len(foreign) > 5 else ''}); "
                "nothing was changed. Choose a new or empty folder.")
    real.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(real.parent, real.name)
    tmp = Path(tempfile.mkdtemp(prefix=f".{real.name}.{_tag()}.", suffix=PART_SUFFIX, dir=real.parent))
    old: Path | None = None  # where an earlier output of ours is parked during the swap
    moved = False
    try:
        yield tmp
        if real.is_dir():
            os.chmod(tmp, stat.S_IMODE(real.stat().st_mode))
            if any(real.iterdir()):  # force=True on our own earlier output (checked above)
                old = Path(tempfile.mkdtemp(prefix=f".{real.name}.{_tag()}.", suffix=".old" + PART_SUFFIX,
                                            dir=real.parent))
                os.replace(real, old)  # onto the empty placeholder
                moved = True
        else:
            os.chmod(tmp, 0o777 & ~_umask())
        os.replace(tmp, real)  # onto nothing, or onto an empty folder (POSIX rename)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            with contextlib.suppress(OSError):
                if moved and not real.exists():
                    os.replace(old, real)  # put the earlier output back
                elif not moved:
                    old.rmdir()  # the unused placeholder
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ------------------------------------------------------------------ spreadsheet-safe text
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _safe_text(v: Any) -> Any:
    if isinstance(v, str) and v.startswith(_FORMULA_START) and not _NUMBER_RE.match(v):
        return "'" + v
    return v


def spreadsheet_safe(df: Any) -> Any:
    """A copy of *df* whose text cells cannot run as spreadsheet formulas (OWASP CSV injection).

    Text cells (values, index labels and column names; never numbers) that start with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a leading ``'``, which
    spreadsheets show as text; text that is a plain number (``"-5"``) is left alone.

    Examples
    --------
    >>> from valuechain._files import spreadsheet_safe
    >>> df = pd.DataFrame({"label": ["=cmd|' /C calc'!A0", "-5", "ok"], "v": [-1.0, 2.0, 3.0]})
    >>> spreadsheet_safe(df)["label"].tolist(), spreadsheet_safe(df)["v"].tolist()
    (["'=cmd|' /C calc'!A0", '-5', 'ok'], [-1.0, 2.0, 3.0])
    """
    import pandas as pd

    out = df.copy()
    if isinstance(out, pd.Series):
        if out.dtype == object or pd.api.types.is_string_dtype(out.dtype):
            out = out.map(_safe_text)
        out.name = _safe_text(out.name)
    else:
        for c in out.columns:
            col = out[c]
            if col.dtype == object or pd.api.types.is_string_dtype(col.dtype) or isinstance(col.dtype, pd.CategoricalDtype):
                out[c] = col.astype(object).map(_safe_text)
        out.columns = _safe_index(out.columns)
    out.index = _safe_index(out.index)
    return out


def _safe_index(idx: Any) -> Any:
    import pandas as pd

    if isinstance(idx, pd.MultiIndex):
        return pd.MultiIndex.from_arrays([_safe_index(idx.get_level_values(k)) for k in range(idx.nlevels)],
                                         names=[_safe_text(n) for n in idx.names])
    if idx.dtype == object or pd.api.types.is_string_dtype(idx.dtype):
        return pd.Index([_safe_text(v) for v in idx], name=_safe_text(idx.name), dtype=object)
    return idx
