"""The IO position profile of every node: multipliers, leakages, linkages, position, influence in one table."""

from __future__ import annotations

import pandas as pd

from .._validation import check_table
from ..table import IOTable

__all__ = ["profile"]


def profile(table: IOTable) -> pd.DataFrame:
    """One row per node with the indicators a first look at a table needs.

    Columns: ``output`` (gross output), ``output_multiplier``, ``gva_multiplier``
    (GVA effect per unit of final demand, ONS "GVA effects"), ``import_leakage`` and
    ``tax_leakage`` (the same for imports and product taxes; the three add up to 1 with
    ``other_leakage``), ``backward`` and ``forward_ghosh`` linkages, ``key_sector``,
    ``upstreamness`` (with the corrections of :func:`upstreamness`), ``downstreamness``
    and ``influence`` (Domar weight x / GDP).

    Examples
    --------
    >>> p = vc.position.profile(vc.datasets.load("brazil", year=2021))
    >>> bool((p["gva_multiplier"] <= 1 + 1e-12).all()), round(float(p["import_leakage"].max()), 2)
    (True, 0.49)
    """
    from .influence import influence_vector
    from .linkages import linkages
    from .multipliers import multipliers
    from .upstreamness import downstreamness, upstreamness

    check_table(table, "profile")
    m = multipliers(table)
    df = pd.DataFrame({
        "output": table.x,
        "output_multiplier": m["output"],
        "gva_multiplier": m["value_added"],
        "import_leakage": m["imports"],
        "tax_leakage": m["taxes"],
        "other_leakage": m["other"],
    })
    df = df.join(linkages(table)[["backward", "forward_ghosh", "key_sector"]])
    up = upstreamness(table)
    df["upstreamness"] = up
    df["downstreamness"] = downstreamness(table)
    df["influence"] = influence_vector(table)
    df.attrs = table.attrs("profile", unit="output: " + (table.meta.unit or "table unit") + "; multipliers per unit "
                           "of final demand", upstreamness=up.attrs.get("method", ""))
    return df
