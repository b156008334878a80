"""Output, value-added (GVA) and leakage multipliers: column sums of L and of ŵ x̂⁻¹ L by primary-input kind.

Every row of ``V`` has a kind (see :mod:`valuechain.table`).  Only the
``value_added`` rows are gross value added; imports, taxes less subsidies on products
and other primary inputs are leakages.  Their effects add up to one per unit of final
demand of every node: ``value_added + imports + taxes + other = 1`` (each column of
``L`` carries one unit of final demand, which is paid out to primary inputs in the end).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_table
from ..errors import LabelError
from ..table import KINDS, IOTable

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


def _rows(table: IOTable, component: str | None) -> tuple[np.ndarray, str]:
    """The primary-input amounts summed for *component* (a kind, a component, or GVA when None)."""
    V = table.V
    kinds = V.index.get_level_values("kind")
    comps = V.index.get_level_values("component")
    if component is None:
        return table.v.to_numpy(), "value_added_multiplier"
    if component in KINDS:
        return V.to_numpy()[np.asarray(kinds == component)].sum(axis=0), f"{component}_multiplier"
    mask = np.asarray(comps == component)
    if not mask.any():
        raise LabelError(
            f"value_added_multipliers: {component!r} is neither a primary-input kind ({', '.join(KINDS)}) nor a "
            f"component of V; components: {list(dict.fromkeys(comps))}."
        )
    return V.to_numpy()[mask].sum(axis=0), f"value_added_multiplier[{component}]"


def value_added_multipliers(table: IOTable, component: str | None = None) -> pd.Series:
    """Value-added (GVA) effects: column sums of ``v̂ x̂⁻¹ L``, with ``v`` gross value added only.

    The GVA generated in the whole economy per unit of final demand for node *j*
    (ONS: "GVA effects").  Below 1 in an open economy: the rest of each unit leaks to
    imports and product taxes.  Pass *component* for one kind (``"imports"``,
    ``"taxes"``, ``"other"``) or one component of ``V`` (e.g. ``"wages"``).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.value_added_multipliers(t).round(9).tolist()
    [1.0, 1.0]
    """
    check_table(table, "value_added_multipliers")
    v, name = _rows(table, component)
    m = table.solve(v * table._xinv, transpose=True)
    return table.series(m, name, unit="per unit of final demand")


def multipliers(table: IOTable) -> pd.DataFrame:
    """Output, GVA and leakage multipliers (plus one column per primary-input component).

    * ``output``: column sums of ``L``;
    * ``value_added``: the GVA effect ``1' v̂_GVA x̂⁻¹ L`` (ONS "GVA effects");
    * ``value_added_type1``: the ratio form, GVA effect / direct GVA coefficient
      ``v_j / x_j`` (ONS "GVA multiplier"; NaN where a node has no value added);
    * ``imports``, ``taxes``, ``other``: the leakage effects of the other kinds;
      ``value_added + imports + taxes + other = 1`` for every node with output;
    * ``<kind>[<component>]``: the effect of each row of ``V`` when it has several.

    One transposed LU solve for all columns; L is not formed.

    Returns
    -------
    DataFrame indexed by (region, sector); ``.attrs["unit"]`` is "per unit of final demand".

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.multipliers(t).round(6)[["output", "value_added"]].values.tolist()
    [[1.518152, 1.0], [1.452145, 1.0]]
    >>> b = vc.position.multipliers(vc.datasets.load("brazil", year=2021))
    >>> round(float(b["value_added"].mean()), 2), round(float(b.loc[("BRA", "Electronics"), "value_added"]), 2)
    (0.76, 0.41)
    """
    check_table(table, "multipliers")
    xinv = table._xinv
    V = table.V
    kinds = V.index.get_level_values("kind")
    vv = V.to_numpy()
    rhs = [np.ones(table.n)] + [vv[np.asarray(kinds == k)].sum(axis=0) * xinv for k in KINDS]
    names = ["output", *KINDS]
    if V.shape[0] > 1:
        for i, (kind, comp) in enumerate(V.index):
            rhs.append(vv[i] * xinv)
            names.append(f"{kind}[{comp}]")
    sol = table.solve(np.column_stack(rhs), transpose=True)
    df = pd.DataFrame(sol, index=table.nodes, columns=names)
    direct = rhs[1]
    ratio = np.full(table.n, np.nan)
    np.divide(df["value_added"].to_numpy(), direct, out=ratio, where=direct != 0)
    df.insert(2, "value_added_type1", ratio)
    df.attrs = table.attrs("multipliers", unit="per unit of final demand",
                           note="value_added = GVA effect (ONS 'GVA effects'); value_added_type1 = GVA effect / "
                                "direct GVA coefficient (ONS 'GVA multiplier'); value_added + imports + taxes + "
                                "other = 1")
    return df
