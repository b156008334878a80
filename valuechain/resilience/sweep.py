"""Scenario sweeps: many shocks through one static model, serially or on Dask.

Each scenario becomes one column of a shock matrix ``U`` (n x S); chunks of
columns are independent tasks for :func:`valuechain._parallel.pmap` (serial by
default, a Dask cluster when ``vc.config(scheduler=...)`` is set), and every
chunk is propagated by one factorisation-based solve with several right-hand
sides (``ΔX = L U`` for demand shocks).  The numbers are the ones the single
models give (:func:`~valuechain.resilience.demand_shock`,
:func:`~valuechain.resilience.supply_shock`,
:func:`~valuechain.resilience.inoperability`), whichever engine runs them.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from .._parallel import pmap
from .._validation import check_choice, check_int
from ..errors import LabelError, ParameterError
from ..table import IOTable
from .scenario import Scenario
from .static import _demand_input, _inoperability_input, _propagate, _supply_input

__all__ = ["sweep", "MODELS"]

#: Models a sweep can run and the function that reads one scenario's shock vector.
MODELS = {
    "demand_shock": _demand_input,
    "supply_shock": _supply_input,
    "inoperability": _inoperability_input,
}


def _named(scenarios: Any) -> tuple[list[str], list[Any]]:
    if isinstance(scenarios, pd.DataFrame):
        return [str(c) for c in scenarios.columns], [scenarios[c] for c in scenarios.columns]
    if isinstance(scenarios, Mapping):
        return [str(k) for k in scenarios], list(scenarios.values())
    if isinstance(scenarios, (Scenario, pd.Series)) or not isinstance(scenarios, Iterable):
        raise ParameterError("The 'scenarios' parameter of sweep must be a list or dict of Scenario objects or "
                             "node Series, or a DataFrame with one shock column per scenario. "
                             f"Got {type(scenarios).__name__} instead.")
    items = list(scenarios)
    names = []
    for k, s in enumerate(items):
        name = s.name if isinstance(s, Scenario) else (s.name if isinstance(s, pd.Series) else None)
        names.append(str(name) if name not in (None, "") else f"scenario_{k}")
    return names, items


def _chunk_task(table: IOTable, model: str, U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _propagate(table, model, U)


def sweep(table: IOTable, scenarios: Any, *, model: str = "demand_shock", per_node: bool = False,
          chunk: int = 64, progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Run many shock scenarios through one static model; aggregate (or per-node) losses.

    Parameters
    ----------
    table : IOTable
    scenarios : list, dict or DataFrame
        Scenario objects or node Series (read as by the chosen model: a Series
        is ``Δf`` for ``demand_shock``, ``Δv`` for ``supply_shock``, ``c*`` for
        ``inoperability``); a dict names them, a list uses each Scenario's or
        Series' ``name`` (else ``scenario_<k>``); a DataFrame indexed by node
        has one shock column per scenario.
    model : {"demand_shock", "supply_shock", "inoperability"}, default "demand_shock"
    per_node : bool, default False
        Return one row per scenario and node instead of one per scenario.
    chunk : int, default 64
        Scenarios per task (one multi-column solve each).
    progress : callable, optional
        ``progress(done, total)`` (scenarios) as chunks finish.

    Returns
    -------
    DataFrame
        Indexed by ``scenario`` (or ``scenario, region, sector`` with
        *per_node*): output_loss, output_loss_share, value_added_loss,
        value_added_loss_share (shares of the baseline totals, or of each node's
        baseline with *per_node*; 0 where the baseline is 0).  ``attrs``: metric
        ``shock_sweep``, model, unit, year, source, scenarios (their records).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> shocks = {"s1 -100": pd.Series([-100.0, 0.0], index=t.nodes),
    ...           "s2 -100": pd.Series([0.0, -100.0], index=t.nodes)}
    >>> vc.resilience.sweep(t, shocks)["output_loss"].round(2).tolist()
    [151.82, 145.21]
    """
    if not isinstance(table, IOTable):
        raise ParameterError(f"The 'table' parameter of sweep must be an IOTable. Got {type(table).__name__} instead.")
    check_choice(model, "model", "sweep", tuple(MODELS))
    chunk = check_int(chunk, "chunk", "sweep", low=1)
    names, items = _named(scenarios)
    if len(set(names)) != len(names):
        dup = sorted({k for k in names if names.count(k) > 1})
        raise LabelError(f"sweep: duplicated scenario name(s) {dup[:5]}.")
    read = MODELS[model]
    cols, records = [], []
    for name, s in zip(names, items):
        vec, rec = read(table, s, f"sweep[{name!r}]")
        cols.append(vec)
        records.append(dict(rec, name=name))
    n, S = table.n, len(cols)
    U = np.column_stack(cols) if cols else np.zeros((n, 0))
    tasks = [U[:, k:k + chunk] for k in range(0, S, chunk)]
    report = None
    if progress is not None:
        def report(done: int, _: int) -> None:
            progress(min(done * chunk, S), S)

    parts = pmap(_chunk_task, tasks, shared=(table, model), progress=report)
    dX = np.hstack([p[0] for p in parts]) if parts else np.zeros((n, 0))
    dV = np.hstack([p[1] for p in parts]) if parts else np.zeros((n, 0))
    xv = table.x.to_numpy()
    vv = table.v.to_numpy()
    attrs = table.attrs("shock_sweep", model=model, scenarios=records)
    if per_node:
        idx = pd.MultiIndex.from_tuples([(s, *node) for s in names for node in table.nodes],
                                        names=["scenario", "region", "sector"])
        out_loss = -dX.T.ravel()
        va_loss = -dV.T.ravel()
        xb = np.tile(xv, S)
        vb = np.tile(vv, S)
        df = pd.DataFrame({"output_loss": out_loss, "output_loss_share": _share(out_loss, xb),
                           "value_added_loss": va_loss, "value_added_loss_share": _share(va_loss, vb)}, index=idx)
    else:
        out_loss = -dX.sum(axis=0)
        va_loss = -dV.sum(axis=0)
        df = pd.DataFrame({"output_loss": out_loss, "output_loss_share": _share(out_loss, np.full(S, xv.sum())),
                           "value_added_loss": va_loss,
                           "value_added_loss_share": _share(va_loss, np.full(S, vv.sum()))},
                          index=pd.Index(names, name="scenario"))
    df.attrs = attrs
    return df


def _share(loss: np.ndarray, base: np.ndarray) -> np.ndarray:
    out = np.zeros_like(loss)
    np.divide(loss, base, out=out, where=base != 0)
    return out
