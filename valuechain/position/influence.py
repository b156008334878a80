"""The influence vector of Acemoglu, Carvalho, Ozdaglar & Tahbaz-Salehi (2012)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import TableError
from ..table import IOTable
from .._validation import check_table

__all__ = ["influence_vector"]


def influence_vector(table: IOTable) -> pd.Series:
    """Influence vector (Domar weights) ``λ = L β`` with ``β = f / Σf``.

    With heterogeneous value-added shares the influence vector of Acemoglu et
    al. (2012) is ``λ' = β'(I - A')⁻¹``; by the Hulten/Domar identity it equals
    ``x / GDP`` on a balanced table (GDP = total final demand).  Computed from the
    final-demand shares with one LU solve, so that identity is a real check.

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
    f = table.f.to_numpy()
    gdp = f.sum()
    if gdp == 0:
        raise TableError("influence_vector: total final demand is 0; the influence vector is undefined.")
    lam = table.solve(f / gdp)
    return table.series(lam, "influence", unit="share of GDP", method="Acemoglu et al. 2012 (Domar weights)")
