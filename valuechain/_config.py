"""Run-time configuration: where embarrassingly parallel work executes.

``vc.config(scheduler=...)`` chooses the engine used by :func:`valuechain._parallel.pmap`
(year panels, scenario sweeps, per-node systemic-risk batches):

* ``None`` (default): serial, in this process; Dask is never imported.
* ``"local"``: a ``dask.distributed.LocalCluster`` started on first use
  (``n_workers`` workers, one thread each).
* ``"tcp://host:port"``: an existing Dask scheduler.

Results are identical to the serial run (tasks are pure functions, reassembled in order).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

from ._validation import check_int
from .errors import ParameterError

__all__ = ["config", "Config", "current", "on_change"]


@dataclass(frozen=True)
class Config:
    scheduler: str | None = None
    n_workers: int = 2


_CURRENT = Config()
#: Called (without arguments) when the configuration changes; :mod:`._parallel` closes its
#: Dask client this way (this module imports nothing of the engines that use it).
_ON_CHANGE: list[Callable[[], None]] = []


def current() -> Config:
    """The configuration in force."""
    return _CURRENT


def on_change(func: Callable[[], None]) -> Callable[[], None]:
    """Call *func* whenever :func:`config` changes the configuration (once per function)."""
    if func not in _ON_CHANGE:
        _ON_CHANGE.append(func)
    return func


def config(scheduler: str | None | Any = ..., *, n_workers: int | None = None) -> Config:
    """Set (and return) the execution configuration.

    Parameters
    ----------
    scheduler : None, "local" or "tcp://host:port"
        ``None`` runs serially; ``"local"`` starts a Dask LocalCluster on first use;
        an address connects to an existing Dask scheduler.
    n_workers : int, optional
        Workers of the local cluster.

    Examples
    --------
    >>> vc.config(scheduler=None).scheduler is None
    True
    """
    global _CURRENT
    new = _CURRENT
    if scheduler is not ...:
        if scheduler is not None and not (scheduler == "local" or str(scheduler).startswith(("tcp://", "tls://", "inproc://"))):
            raise ParameterError(
                "The 'scheduler' parameter of config must be None, 'local' or a 'tcp://host:port' address. "
                f"Got {scheduler!r} instead."
            )
        new = replace(new, scheduler=scheduler)
    if n_workers is not None:
        new = replace(new, n_workers=check_int(n_workers, "n_workers", "config", low=1))
    if new != _CURRENT:
        for func in list(_ON_CHANGE):
            func()
    _CURRENT = new
    return new
