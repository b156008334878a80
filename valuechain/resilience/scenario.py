"""Shock scenarios: what is hit, by how much, and when.

A :class:`Scenario` names the shocked units (regions, sectors or nodes), the
magnitude of each shock, whether the magnitude is a share or an absolute amount,
and (for the dynamic models) the days during which it is active.

Sign convention
---------------
Scenario magnitudes are **reductions**: ``demand={"DEU": 0.1}`` with
``kind="share"`` means final demand for the products of every German node falls
by 10 %; ``labour={"s1": 0.3}`` means 30 % of sector ``s1``'s labour (production
capacity) is unavailable.  A negative magnitude is an increase.  Results report
losses as positive numbers.

Three shock channels
--------------------
``demand``
    Final demand for a node's output (Leontief demand shock, IIM perturbation
    ``c*``, consumption in :func:`~valuechain.resilience.simulate`).
    ``kind="share"``: share of the node's final demand; ``"absolute"``: table unit.
``supply``
    Primary inputs (value added) of a node (Ghosh supply shock).
    ``kind="share"``: share of the node's value added; ``"absolute"``: table unit.
``labour``
    Production capacity (labour supply) of a node, used by
    :func:`~valuechain.resilience.simulate`; the Ghosh supply shock uses it when
    ``supply`` is not given.  ``kind="share"``: share of capacity lost;
    ``"absolute"``: capacity lost in the table's unit per year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .._validation import check_choice, check_int, fmt_labels
from ..errors import LabelError, ParameterError

__all__ = ["Scenario", "as_scenario"]

_BY = ("node", "region", "sector")
_KIND = ("share", "absolute")


def _freeze(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, pd.Series):
        return value.copy()
    if isinstance(value, Mapping):
        return dict(value)
    raise ParameterError(
        "Scenario shocks must be a dict {label: magnitude} or a pandas Series. "
        f"Got {type(value).__name__} instead."
    )


@dataclass(frozen=True)
class Scenario:
    """A shock scenario for the static and dynamic resilience models.

    Parameters
    ----------
    demand, supply, labour : dict or Series, optional
        Magnitudes of the reductions, keyed by region, sector or (region, sector)
        node depending on *by* (see the module notes for the sign convention).
    by : {"node", "region", "sector"}, default "node"
        What the keys name.  A Series indexed by the table's nodes is always
        read node by node.
    kind : {"share", "absolute"}, default "share"
        Magnitudes as shares of the baseline (final demand, value added or
        capacity) or as absolute amounts in the table's unit.  With ``by`` a
        region or sector and ``kind="absolute"``, the amount is split among the
        group's nodes in proportion to their baseline.
    start, end : int, default 0 and None
        First day the shock is active and the first day it is no longer active
        (``None``: until the end of the run); used by the dynamic models.
    name : str, optional
        A label recorded in the results.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> s = vc.resilience.Scenario(demand={"s1": 0.1}, by="sector")
    >>> s.vector(t, "demand").round(1).tolist()
    [35.0, 0.0]
    """

    demand: Mapping[Any, float] | pd.Series | None = None
    supply: Mapping[Any, float] | pd.Series | None = None
    labour: Mapping[Any, float] | pd.Series | None = None
    by: str = "node"
    kind: str = "share"
    start: int = 0
    end: int | None = None
    name: str = ""
    _checked: bool = field(default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_choice(self.by, "by", "Scenario", _BY)
        check_choice(self.kind, "kind", "Scenario", _KIND)
        check_int(self.start, "start", "Scenario", low=0)
        if self.end is not None:
            check_int(self.end, "end", "Scenario", low=self.start)
        for ch in ("demand", "supply", "labour"):
            object.__setattr__(self, ch, _freeze(getattr(self, ch)))

    # ------------------------------------------------------------------ API
    def record(self) -> dict[str, Any]:
        """A plain description of the scenario (stored in results' ``attrs``)."""
        def short(v: Any) -> Any:
            if v is None:
                return None
            items = v.items() if isinstance(v, (Mapping, pd.Series)) else []
            return {str(k): float(m) for k, m in list(items)[:50]}

        return {"name": self.name, "by": self.by, "kind": self.kind, "start": self.start, "end": self.end,
                "demand": short(self.demand), "supply": short(self.supply), "labour": short(self.labour)}

    def active(self, day: int) -> bool:
        """Whether the shock is active on *day*."""
        return day >= self.start and (self.end is None or day < self.end)

    def reduction_share(self, table, channel: str) -> np.ndarray:
        """Per-node reduction of *channel* as a share of its baseline (0 where not shocked)."""
        base = _baseline(table, channel)
        amount = self.vector(table, channel)
        out = np.zeros(table.n)
        np.divide(amount, base, out=out, where=base != 0)
        return out

    def vector(self, table, channel: str) -> np.ndarray:
        """Per-node reduction of *channel* in the table's unit (positive = loss)."""
        check_choice(channel, "channel", "Scenario.vector", ("demand", "supply", "labour"))
        spec = getattr(self, channel)
        if spec is None:
            return np.zeros(table.n)
        base = _baseline(table, channel)
        nodes = table.nodes
        if isinstance(spec, pd.Series) and isinstance(spec.index, pd.MultiIndex):
            mag = _node_values(table, spec, f"Scenario.{channel}")
            return mag * base if self.kind == "share" else mag
        keys = list(spec.keys())
        out = np.zeros(table.n)
        if self.by == "node":
            s = pd.Series(list(spec.values()), index=pd.MultiIndex.from_tuples([tuple(k) for k in keys]),
                          dtype=float)
            mag = _node_values(table, s, f"Scenario.{channel}")
            return mag * base if self.kind == "share" else mag
        labels = nodes.get_level_values(self.by)
        present = set(labels)
        unknown = [k for k in keys if k not in present]
        if unknown:
            raise LabelError(f"Scenario.{channel}: unknown {self.by}(s) {fmt_labels(unknown)}; "
                             f"the table has {fmt_labels(sorted(present))}.")
        for k, m in spec.items():
            mask = np.asarray(labels == k)
            if self.kind == "share":
                out[mask] += float(m) * base[mask]
            else:
                tot = base[mask].sum()
                w = base[mask] / tot if tot != 0 else np.full(mask.sum(), 1.0 / mask.sum())
                out[mask] += float(m) * w
        return out


def _baseline(table, channel: str) -> np.ndarray:
    if channel == "demand":
        return table.f.to_numpy()
    if channel == "supply":
        return table.v.to_numpy()
    return table.x.to_numpy()


def _node_values(table, s: pd.Series, what: str) -> np.ndarray:
    """Align a Series indexed by (region, sector) to the table's nodes (missing = 0)."""
    idx = s.index
    if not isinstance(idx, pd.MultiIndex) or idx.nlevels != 2:
        raise LabelError(f"{what}: a node Series must be indexed by (region, sector); got index {list(idx[:3])}...")
    idx = idx.set_names(["region", "sector"])
    s = pd.Series(s.to_numpy(dtype=float), index=idx)
    unknown = idx.difference(table.nodes)
    if len(unknown):
        raise LabelError(f"{what}: unknown node(s) {fmt_labels(unknown)}.")
    if s.index.has_duplicates:
        raise LabelError(f"{what}: duplicated node(s) {fmt_labels(s.index[s.index.duplicated()])}.")
    vals = np.array(s.reindex(table.nodes).to_numpy(dtype=float))
    vals[np.isnan(vals)] = 0.0
    return vals


def as_scenario(shock: Any, func: str, channel: str) -> Scenario | None:
    """Return *shock* if it is a Scenario, None for a plain Series, else raise."""
    if isinstance(shock, Scenario):
        return shock
    if isinstance(shock, pd.Series):
        return None
    raise ParameterError(
        f"The 'shock' parameter of {func} must be a pandas Series indexed by node or a "
        f"vc.resilience.Scenario. Got {type(shock).__name__} instead."
    )
