"""The influence vector of Acemoglu, Carvalho, Ozdaglar & Tahbaz-Salehi (2012)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import TableError
from ..table import IOTable
from .._validation import check_bool, check_table

__all__ = ["influence_vector"]


def influence_vector(table: IOTable, *, world: bool = False) -> pd.Series:
    """Influence vector (Domar weights): gross output over GDP, ``λ_i = x_i / GDP_r(i)``.

    With heterogeneous value-added shares the influence vector of Acemoglu et
    al. (2012) is ``λ' = β'(I - A')⁻¹`` with ``β`` the final-demand shares; by the
    Hulten/Domar identity it equals sales over GDP.  Computed as ``L f / GDP`` with
    one LU solve (so that ``L f = x`` is a real check).  GDP is :attr:`IOTable.gdp`
    (GVA plus net product taxes) of the node's region, or of the world with
    ``world=True``.  Where the source publishes no product taxes (GDP unknown) the
    region's gross value added is the denominator, stated in ``.attrs["note"]``.

    Returns
    -------
    Series indexed by (region, sector), named ``influence`` (share of GDP).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.influence_vector(t).round(6).tolist()
    [0.487805, 0.97561]
    """
    check_table(table, "influence_vector")
    check_bool(world, "world", "influence_vector")
    x_check = table.solve(table.f.to_numpy())  # L f (= x on a balanced table)
    gdp = table.gdp
    note = ""
    if gdp.isna().any():
        gdp = table.v.groupby(table.nodes.get_level_values("region"), sort=False).sum().reindex(gdp.index)
        note = gdp_note = table.gdp.attrs.get("note", "GDP not available")
        note = f"{gdp_note} Denominator: the region's value added."
    node_region = table.nodes.get_level_values("region")
    den = np.full(table.n, float(gdp.sum())) if world else gdp.reindex(node_region).to_numpy()
    if (den <= 0).any() or not np.isfinite(den).all():
        bad = sorted(set(node_region[~(den > 0)])) if not world else ["world"]
        raise TableError(f"influence_vector: GDP is not positive for {bad}; the influence vector is undefined.")
    lam = x_check / den
    extra = {"note": note} if note else {}
    return table.series(lam, "influence", unit="share of GDP", denominator="world GDP" if world else "regional GDP",
                        method="Acemoglu et al. 2012 (Domar weights x / GDP)", **extra)
