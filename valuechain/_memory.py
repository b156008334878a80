"""Size estimates before dense allocations: a clear error instead of a raw ``MemoryError`` or the OOM killer.

A step that allocates dense ``n x n`` arrays calls :func:`check_dense` first with the
number of arrays it holds at its peak.  When that exceeds the memory available now
(``MemAvailable`` of ``/proc/meminfo``, capped by a cgroup limit when one is set; elsewhere
the free physical pages), :class:`~valuechain.errors.ResourceError` says what was asked
for, how big it is, what is available, and the sparse or smaller alternative.  When the
available memory cannot be read, nothing is checked.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ResourceError

__all__ = ["available_bytes", "check_dense", "fmt_bytes", "dense_bytes"]


def _read_int(path: str) -> int | None:
    try:
        text = Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_room() -> int | None:
    """Bytes left under a cgroup v2 (or v1) memory limit, if one is set."""
    for limit_path, usage_path in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                    "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        limit, usage = _read_int(limit_path), _read_int(usage_path)
        if limit is not None and usage is not None and limit < 1 << 60:
            return max(limit - usage, 0)
    return None


def available_bytes() -> int | None:
    """Memory this process can still allocate, in bytes (None when it cannot be read)."""
    found = [b for b in (_meminfo_available(), _cgroup_room()) if b is not None]
    if not found and hasattr(os, "sysconf"):
        try:
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError):
            pass
    return min(found) if found else None


def fmt_bytes(n: float) -> str:
    """``1.5 GiB``-style size."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"  # pragma: no cover


def dense_bytes(n: int, m: int | None = None, *, arrays: float = 1.0, itemsize: int = 8) -> int:
    """Bytes of *arrays* dense ``n x m`` arrays (``m = n`` by default) of *itemsize* bytes."""
    return int(arrays * n * (n if m is None else m) * itemsize)


def check_dense(nbytes: int, what: str, *, hint: str = "") -> None:
    """Raise :class:`ResourceError` when *nbytes* exceed the memory available now.

    Parameters
    ----------
    nbytes : int
        Peak bytes of the dense step.
    what : str
        The step and its size, e.g. ``"random_walk: 3 dense 9,800 x 9,800 arrays"``.
    hint : str
        The alternative (sparse path, smaller selection), appended to the message.
    """
    avail = available_bytes()
    if avail is None or nbytes <= avail:
        return
    raise ResourceError(f"{what} need about {fmt_bytes(nbytes)} of memory, more than the {fmt_bytes(avail)} "
                        f"available now.{' ' + hint if hint else ''}")
