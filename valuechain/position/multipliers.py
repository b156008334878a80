"""Output and value-added multipliers (column sums of L and of V̂x̂⁻¹L)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..table import IOTable
from .._validation import check_table

__all__ = ["output_multipliers", "value_added_multipliers", "multipliers"]


def output_multipliers(table: IOTable) -> pd.Series:
    """Simple output multipliers ``m_j = Σ_i l_ij`` (column sums of the Leontief inverse).

    Computed as ``L' 1`` with one transposed LU solve; L is not formed.

    Returns
    -------
    Series indexed by (region, sector), named ``output_multiplier`` (output per unit of final demand).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.output_multipliers(t).round(3).tolist()
    [1.518, 1.452]
    """
    check_table(table, "output_multipliers")
    m = table.solve(np.ones(table.n), transpose=True)
    return table.series(m, "output_multiplier", unit="output per unit of final demand")


def value_added_multipliers(table: IOTable, component: str | None = None) -> pd.Series:
    """Value-added multipliers: column sums of ``v̂ x̂⁻¹ L``.

    With all value-added rows counted the multipliers are 1 for every node (a
    closed-accounting identity).  Pass *component* (a row of ``V``) for one
    component, e.g. wages.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.value_added_multipliers(t).round(9).tolist()
    [1.0, 1.0]
    """
    check_table(table, "value_added_multipliers")
    if component is None:
        v = table.v.to_numpy()
        name = "value_added_multiplier"
    else:
        if component not in table.V.index:
            from ..errors import LabelError

            raise LabelError(
                f"value_added_multipliers: component {component!r} is not a row of V; "
                f"available: {list(table.V.index)}."
            )
        v = table.V.loc[component].to_numpy()
        name = f"value_added_multiplier[{component}]"
    m = table.solve(v * table._xinv, transpose=True)
    return table.series(m, name, unit="value added per unit of final demand")


def multipliers(table: IOTable) -> pd.DataFrame:
    """Output and value-added multipliers (plus one column per value-added component).

    Returns
    -------
    DataFrame indexed by (region, sector) with columns ``output``, ``value_added``
    and ``value_added[<component>]`` when V has several rows.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.multipliers(t).round(6)["output"].tolist()
    [1.518152, 1.452145]
    """
    check_table(table, "multipliers")
    xinv = table._xinv
    rhs = [np.ones(table.n), table.v.to_numpy() * xinv]
    names = ["output", "value_added"]
    if table.V.shape[0] > 1:
        for comp in table.V.index:
            rhs.append(table.V.loc[comp].to_numpy() * xinv)
            names.append(f"value_added[{comp}]")
    sol = table.solve(np.column_stack(rhs), transpose=True)
    df = pd.DataFrame(sol, index=table.nodes, columns=names)
    df.attrs = table.attrs("multipliers", unit="per unit of final demand")
    return df
