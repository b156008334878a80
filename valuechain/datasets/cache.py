"""The download cache: where published source files live on this machine.

* The cache directory is ``$VALUECHAIN_DATA`` when set, else the user cache directory
  (``pooch.os_cache("valuechain")``).  Each dataset has a sub-folder named after it.
* :func:`fetch` returns the local file of a dataset (and year): a file the user
  registered with :func:`add`, else the file in the cache folder, else a download
  through pooch from the dataset's versioned URL, checked against its SHA-256.
  Sources whose URL or checksum cannot be pinned are ``"manual"``: :func:`fetch` then
  says where to get the file and where to put it.
* :func:`add` registers a file the user already has; the registrations are kept in
  ``registry.json`` in the cache directory, written atomically under a lock
  (``.registry.lock``, :mod:`filelock`), so concurrent ``add`` calls all keep
  their registration.

Nothing here runs at import time, and nothing touches the network except a
:func:`fetch` of a ``"download"`` dataset whose file is not cached yet.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable, Iterator

from .._files import write_text_atomic
from ..errors import DatasetError
from ._registry import info

__all__ = ["cache_dir", "dataset_dir", "fetch", "add", "remove", "local_path", "registered_files",
           "sha256", "REGISTRY_FILE"]

REGISTRY_FILE = "registry.json"
LOCK_FILE = ".registry.lock"
#: Seconds a registry update waits for another process holding the lock.
LOCK_TIMEOUT = 60.0
ALL_YEARS = "*"


def cache_dir() -> Path:
    """The download cache: ``$VALUECHAIN_DATA`` or the user cache directory.

    Examples
    --------
    >>> isinstance(vc.datasets.cache_dir(), __import__("pathlib").Path)
    True
    """
    env = os.environ.get("VALUECHAIN_DATA")
    if env:
        p = Path(env).expanduser()
        if p.exists() and not p.is_dir():
            raise DatasetError(f"VALUECHAIN_DATA={env}: this is a file, not a folder; point VALUECHAIN_DATA at a "
                               "folder for the dataset cache (it is created when needed).")
        return p
    import pooch

    p = Path(pooch.os_cache("valuechain"))
    if p.exists() and not p.is_dir():
        raise DatasetError(f"{p}: the dataset cache location is a file, not a folder; remove it or set "
                           "VALUECHAIN_DATA to a folder.")
    return p


def dataset_dir(name: str) -> Path:
    """The cache sub-folder of dataset *name* (not created)."""
    return cache_dir() / name


def sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file (read in 1 MB blocks)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _registry_path() -> Path:
    return cache_dir() / REGISTRY_FILE


def registered_files() -> dict[str, dict[str, str]]:
    """The files registered with :func:`add`: ``{dataset: {year or "*": path}}``."""
    p = _registry_path()
    if not p.exists():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{p}: the dataset registry is not valid JSON ({exc}); fix or delete it.") from exc
    if not isinstance(data, dict):
        raise DatasetError(f"{p}: the dataset registry must be a JSON object; delete it to start afresh.")
    return {str(k): dict(v) for k, v in data.items() if isinstance(v, dict)}


def _write_registry(data: dict[str, dict[str, str]]) -> None:
    write_text_atomic(_registry_path(), json.dumps(data, indent=1, sort_keys=True))


def _not_writable(root: Path, exc: OSError) -> DatasetError:
    why = exc.strerror or type(exc).__name__
    return DatasetError(f"{root}: the dataset cache folder is not writable ({why}); set VALUECHAIN_DATA to a "
                        "writable folder.")


@contextlib.contextmanager
def _registry_lock() -> Iterator[None]:
    """Hold the registry lock (one writer at a time, across processes) for a read-modify-write."""
    import filelock

    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(root / LOCK_FILE), timeout=LOCK_TIMEOUT)
        lock.acquire()
    except filelock.Timeout:
        raise DatasetError(f"{root / REGISTRY_FILE}: another valuechain process has held the registry lock "
                           f"({root / LOCK_FILE}) for {LOCK_TIMEOUT:g} s; try again when it is done.") from None
    except OSError as exc:
        raise _not_writable(root, exc) from None
    try:
        yield
    except PermissionError as exc:
        raise _not_writable(root, exc) from None
    finally:
        lock.release()


def _key(year: int | None) -> str:
    return ALL_YEARS if year is None else str(int(year))


def add(name: str, path: str | Path, year: int | None = None) -> Path:
    """Register a file the user already has as the source of dataset *name* (and *year*).

    The dataset must be registered (:func:`valuechain.datasets.list`).  The path is
    stored (absolute) in ``registry.json`` in the cache directory; the file is not copied.

    Raises
    ------
    DatasetError
        Unknown dataset, or the file does not exist.
    """
    ds = info(name)
    p = Path(path).expanduser().resolve()
    if not p.exists():
        raise DatasetError(f"{p}: no such file; cannot register it for dataset {name!r}.")
    if year is not None and ds.years and int(year) not in ds.years:
        raise DatasetError(f"Dataset {name!r} has no year {year}; available years: {list(ds.years)}.")
    with _registry_lock():
        data = registered_files()
        data.setdefault(name, {})[_key(year)] = str(p)
        _write_registry(data)
    return p


def remove(name: str, year: int | None = None) -> bool:
    """Forget a file registered with :func:`add`; return whether there was one."""
    with _registry_lock():
        data = registered_files()
        found = data.get(name, {}).pop(_key(year), None) is not None
        if found:
            if not data[name]:
                del data[name]
            _write_registry(data)
    return found


def local_path(name: str, year: int | None = None) -> Path:
    """Where the file of *name* (and *year*) is or would be: a registered file, else its cache path."""
    ds = info(name)
    reg = registered_files().get(name, {})
    for k in (_key(year), ALL_YEARS):
        if k in reg:
            return Path(reg[k])
    if not ds.filename:
        return dataset_dir(name)
    return dataset_dir(name) / ds.filename.format(year=year if year is not None else "")


def fetch(name: str, year: int | None = None, *, progress: Callable[..., Any] | bool = False) -> Path:
    """The local file of dataset *name* for *year*, downloading it if needed.

    Order: a file registered with :func:`add`; the file in the cache folder
    (checked against the SHA-256 when one is known); a download from the
    dataset's URL through pooch (``"download"`` datasets only).

    Raises
    ------
    DatasetError
        The dataset is embedded (nothing to fetch), is ``"manual"`` and its file is
        not there, the download failed (offline, changed URL) or the checksum does not
        match; the message says where to get the file and where to put it.
    """
    ds = info(name)
    if ds.kind == "embedded":
        raise DatasetError(f"Dataset {name!r} is embedded in valuechain; load it with "
                           f"vc.datasets.load({name!r}) (there is nothing to fetch).")
    if ds.years and year is not None and int(year) not in ds.years:
        raise DatasetError(f"Dataset {name!r} has no year {year}; available years: {list(ds.years)}.")
    if ds.years and year is None and "{year}" in ds.filename:
        raise DatasetError(f"Dataset {name!r} needs a year; available years: {list(ds.years)}.")
    reg = registered_files().get(name, {})
    for k in (_key(year), ALL_YEARS):
        if k in reg:
            p = Path(reg[k])
            if not p.exists():
                raise DatasetError(f"{p}: registered for dataset {name!r} but missing; register it again with "
                                   f"`valuechain datasets add {name} PATH`.")
            return p
    target = local_path(name, year)
    sha = ds.sha256.get(_key(year)) if isinstance(ds.sha256, dict) else ds.sha256
    where = _where_to_get(name, year, target)
    manual = ds.kind == "manual" or not ds.url
    got = None
    if target.is_file() and sha:
        got = sha256(target)
        if got == sha:
            return target
        if manual:  # the user's own copy: report, never delete it
            raise DatasetError(f"{target}: SHA-256 {got} does not match the expected {sha} for dataset "
                               f"{name!r}{_yr(year)}; replace the file with the published one. {where}")
        try:
            target.unlink()  # a corrupt or stale cache entry is discarded and downloaded again
        except OSError as exc:
            raise DatasetError(f"{target}: SHA-256 {got} does not match the expected {sha} for dataset {name!r}"
                               f"{_yr(year)}, and the file cannot be removed ({exc.strerror}); delete it or set "
                               "VALUECHAIN_DATA to a writable folder.") from None
        where = (f"The cached file {target} failed its SHA-256 check (got {got}) and was discarded. " + where)
    if manual:
        if target.is_file():
            return target
        raise DatasetError(f"Dataset {name!r}{_yr(year)} is not on this machine and cannot be downloaded "
                           f"automatically. {where}")
    import pooch

    url = ds.url.format(year=year if year is not None else "")
    try:
        got = pooch.retrieve(url, known_hash=f"sha256:{sha}" if sha else None, fname=target.name,
                             path=target.parent, progressbar=progress)
    except PermissionError as exc:
        raise _not_writable(target.parent, exc) from None
    except ValueError as exc:  # pooch raises ValueError on a hash mismatch
        raise DatasetError(f"Download of dataset {name!r}{_yr(year)} from {url} failed its checksum ({exc}). "
                           f"{where}") from exc
    except Exception as exc:  # network errors come in many types (requests, OSError...)
        raise DatasetError(f"Could not download dataset {name!r}{_yr(year)} from {url} "
                           f"({type(exc).__name__}: {exc}). {where}") from exc
    return Path(got)


def _yr(year: int | None) -> str:
    return "" if year is None else f" (year {year})"


def _where_to_get(name: str, year: int | None, target: Path) -> str:
    ds = info(name)
    src = ds.landing or ds.url or "the publisher's website"
    y = f" --year {year}" if year is not None else ""
    return (f"Get the file from {src} and either put it at {target} or register it with "
            f"`valuechain datasets add {name} PATH{y}`.")
