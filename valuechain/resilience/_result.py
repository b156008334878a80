"""ShockResult: per-node and aggregate losses of a shock, with the scenario recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ShockResult"]

_SUMMABLE = ("output", "output_change", "output_loss", "value_added", "value_added_change", "value_added_loss")


@dataclass(frozen=True)
class ShockResult:
    """Losses of a static shock, per node and aggregated.

    Attributes
    ----------
    nodes : DataFrame
        Indexed by (region, sector): ``output`` (baseline x), ``output_change``
        (Δx), ``output_loss`` (−Δx), ``output_loss_share`` (−Δx/x, 0 where x = 0),
        the same four for ``value_added``, and model-specific columns (e.g.
        ``inoperability``).  ``nodes.attrs`` records metric, unit, year, source,
        model and scenario.
    model : str
        ``"leontief_demand"``, ``"ghosh_supply"``, ``"inoperability"``,
        ``"extraction"`` or ``"decoupling"``.
    scenario : dict
        The shock as given (see :meth:`Scenario.record`).
    """

    nodes: pd.DataFrame
    model: str
    scenario: dict[str, Any] = field(default_factory=dict)

    def _group(self, level: str) -> pd.DataFrame:
        cols = [c for c in _SUMMABLE if c in self.nodes.columns]
        g = self.nodes[cols].groupby(level=level, sort=False).sum()
        _shares(g)
        g.attrs = dict(self.nodes.attrs, per=level)
        return g

    @property
    def by_region(self) -> pd.DataFrame:
        """Sums by region, with loss shares recomputed from the sums."""
        return self._group("region")

    @property
    def by_sector(self) -> pd.DataFrame:
        """Sums by sector, with loss shares recomputed from the sums."""
        return self._group("sector")

    @property
    def total(self) -> pd.Series:
        """Aggregate baseline, change, loss and loss share over all nodes."""
        cols = [c for c in _SUMMABLE if c in self.nodes.columns]
        s = self.nodes[cols].sum()
        d = s.to_frame().T
        _shares(d)
        out = d.iloc[0].rename("total")
        out.attrs = dict(self.nodes.attrs)
        return out

    @property
    def attrs(self) -> dict[str, Any]:
        return self.nodes.attrs

    def __repr__(self) -> str:
        t = self.total
        return (f"ShockResult(model={self.model!r}, nodes={len(self.nodes)}, "
                f"output_loss={t['output_loss']:.6g}, output_loss_share={t['output_loss_share']:.4g})")


def _shares(df: pd.DataFrame) -> None:
    for base in ("output", "value_added"):
        if base in df.columns and f"{base}_loss" in df.columns:
            b = df[base].to_numpy(dtype=float)
            loss = df[f"{base}_loss"].to_numpy(dtype=float)
            sh = np.zeros_like(loss)
            np.divide(loss, b, out=sh, where=b != 0)
            df[f"{base}_loss_share"] = sh


def make_result(table, dx: np.ndarray, dv: np.ndarray, model: str, scenario: dict[str, Any],
                extra: dict[str, np.ndarray] | None = None, **attrs: Any) -> ShockResult:
    """Assemble a ShockResult from output and value-added changes."""
    df = pd.DataFrame({"output": table.x.to_numpy(), "output_change": dx, "output_loss": -dx,
                       "value_added": table.v.to_numpy(), "value_added_change": dv, "value_added_loss": -dv},
                      index=table.nodes)
    _shares(df)
    order = ["output", "output_change", "output_loss", "output_loss_share",
             "value_added", "value_added_change", "value_added_loss", "value_added_loss_share"]
    df = df[order]
    for k, v in (extra or {}).items():
        df[k] = v
    df.attrs = table.attrs(model, model=model, scenario=scenario, **attrs)
    return ShockResult(df, model, scenario)
