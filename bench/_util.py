"""Measuring helpers shared by the benchmark modules.

:func:`measure` runs a callable in a fresh child process (fork) and reports its
wall time and peak resident memory above the child's starting RSS, so numpy /
LAPACK / igraph allocations are all counted and runs do not disturb each other.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from typing import Any, Callable

COLUMNS = ["operation", "size", "ours_s", "ours_mb", "baseline", "base_s", "base_mb", "ratio", "note"]


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def _child(fn: Callable[[], Any], setup: Callable[[], Any] | None, q: "mp.Queue") -> None:
    try:
        arg = setup() if setup is not None else None
        base = _rss_mb()
        t0 = time.perf_counter()
        out = fn(arg) if setup is not None else fn()
        dt = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        q.put((dt, max(peak - base, 0.0), repr(out)[:80] if out is not None else ""))
    except BaseException as exc:  # report, never hang
        q.put((float("nan"), float("nan"), f"error: {exc!r}"[:200]))


def measure(fn: Callable, setup: Callable[[], Any] | None = None, timeout: float = 900) -> tuple[float, float, str]:
    """(seconds, peak MB above start, repr of result) of ``fn()`` or ``fn(setup())`` in a forked child.

    Peak memory is the child's max RSS minus its RSS after *setup* (the setup's own
    transient peak can inflate it; keep setups lean or pass data through a file).
    """
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(fn, setup, q))
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.kill()
        return float("nan"), float("nan"), f"timeout after {timeout}s"
    try:
        return q.get(timeout=5)
    except Exception:
        return float("nan"), float("nan"), f"child died (exit {p.exitcode})"


def row(operation: str, size: str, ours: tuple, baseline: str = "", base: tuple | None = None, note: str = "") -> dict:
    """A result row; ratio = baseline time / our time (higher is better for us)."""
    base = base or (float("nan"), float("nan"), "")
    ratio = base[0] / ours[0] if ours[0] and ours[0] == ours[0] and base[0] == base[0] else float("nan")
    extra = "; ".join(x for x in (note, ours[2] if str(ours[2]).startswith(("error", "timeout", "child")) else "") if x)
    return {"operation": operation, "size": size, "ours_s": ours[0], "ours_mb": ours[1], "baseline": baseline,
            "base_s": base[0], "base_mb": base[1], "ratio": ratio, "note": extra}


def print_table(rows: list[dict]) -> None:
    """Print the rows as one aligned text table."""
    def fmt(v: Any) -> str:
        if isinstance(v, float):
            return "-" if v != v else (f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}")
        return str(v)

    cells = [COLUMNS] + [[fmt(r.get(c, "")) for c in COLUMNS] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    for k, line in enumerate(cells):
        print("  ".join(s.ljust(w) for s, w in zip(line, widths)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
