"""``pmap``: map a pure function over tasks, serially or on Dask (see :mod:`valuechain._config`).

A run whose Dask workers died or were lost (killed for memory, scheduler gone) raises
:class:`~valuechain.errors.ResourceError` naming what happened, never a raw
``FutureCancelledError``; an error raised by the task itself propagates unchanged.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

from ._config import current, on_change
from .errors import ResourceError

__all__ = ["pmap", "close"]

_CLIENT: Any = None


def _client():
    global _CLIENT
    if _CLIENT is None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the extra
            from .errors import ParameterError

            raise ParameterError(
                "A Dask scheduler is configured but dask.distributed is not installed; "
                "install valuechain[distributed] or call vc.config(scheduler=None)."
            ) from exc
        cfg = current()
        if cfg.scheduler == "local":
            cluster = LocalCluster(n_workers=cfg.n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            _CLIENT = Client(cluster)
        else:
            _CLIENT = Client(cfg.scheduler)
    return _CLIENT


def close() -> None:
    """Close the Dask client (and its local cluster) if one was started."""
    global _CLIENT
    if _CLIENT is not None:
        cluster = getattr(_CLIENT, "cluster", None)
        _CLIENT.close()
        if cluster is not None:
            cluster.close()
        _CLIENT = None


on_change(close)  # a new configuration gets a new client


def _lost_worker_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean the cluster, not the task, failed."""
    from concurrent.futures import CancelledError

    out: list[type[BaseException]] = [CancelledError]  # distributed's FutureCancelledError derives from it
    try:
        from distributed.scheduler import KilledWorker

        out.append(KilledWorker)
    except ImportError:  # pragma: no cover - depends on the version
        pass
    try:
        from distributed.comm.core import CommClosedError

        out.append(CommClosedError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(out)


def pmap(func: Callable[..., Any], tasks: Iterable[Any], *, shared: Sequence[Any] = (),
         progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """``[func(*shared, task) for task in tasks]``, serially or on the configured Dask cluster.

    *shared* arguments (e.g. a table) are scattered once to the workers.  *progress*
    is called as ``progress(done, total)``.  The result order is the task order.
    """
    tasks = list(tasks)
    total = len(tasks)
    if current().scheduler is None:
        out = []
        for k, t in enumerate(tasks, 1):
            out.append(func(*shared, t))
            if progress is not None:
                progress(k, total)
        return out
    from dask.distributed import as_completed

    client = _client()
    # hash=False: a fresh key per call.  With content-hashed keys a second call on the same
    # table reuses the key while the first call's release is in flight, and the scheduler
    # then drops the data under the new tasks ("lost dependencies").
    handles = [client.scatter(s, broadcast=True, hash=False) for s in shared]
    futures = [client.submit(func, *handles, t, pure=False, retries=2) for t in tasks]
    index = {f.key: i for i, f in enumerate(futures)}
    results: list[Any] = [None] * total
    lost = _lost_worker_errors()
    try:
        for k, fut in enumerate(as_completed(futures), 1):
            results[index[fut.key]] = fut.result()
            if progress is not None:
                progress(k, total)
    except lost as exc:
        where = current().scheduler
        close()
        raise ResourceError(
            f"The Dask run on {where!r} failed: its workers died or were lost before {total} task(s) finished "
            f"({type(exc).__name__}: {str(exc).strip() or 'no detail'}). Workers are usually killed for using too "
            "much memory: use fewer or larger workers, or run serially with vc.config(scheduler=None)."
        ) from exc
    return results
