"""Rasmussen-Hirschman backward and forward linkages and the key-sector typology."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_number, check_table
from ..table import IOTable

__all__ = ["linkages", "key_sectors"]

_TYPES = {
    (False, False): "I independent",
    (False, True): "II dependent on interindustry demand",
    (True, True): "III key sector",
    (True, False): "IV dependent on interindustry supply",
}


def linkages(table: IOTable, *, crit: float = 1.0) -> pd.DataFrame:
    """Backward and forward linkages (power and sensitivity of dispersion).

    ``BL_j = n (1'L)_j / (1'L1)``; forward by Rasmussen's L rows
    ``FL_i = n (L1)_i / (1'L1)`` and by the Ghosh rows ``FL_i = n (G1)_i / (1'G1)``
    (the supply-side definition, Beyers 1976 / Jones 1976; default for the key-sector type).

    Parameters
    ----------
    crit : float, default 1.0
        Threshold separating strong from weak linkages in the key-sector typology.

    Returns
    -------
    DataFrame indexed by (region, sector) with columns ``backward``,
    ``forward_rasmussen``, ``forward_ghosh``, ``direct_backward`` (column sums of A),
    ``direct_forward`` (row sums of B) and ``key_sector`` (types I-IV, by backward
    and Ghosh forward linkage).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.linkages(t)[["backward", "forward_ghosh"]].round(6).values.tolist()
    [[1.022222, 1.208333], [0.977778, 0.791667]]
    """
    check_table(table, "linkages")
    crit = check_number(crit, "crit", "linkages", low=0, closed="neither")
    n = table.n
    xv = table.x.to_numpy()
    ones = np.ones(n)
    col = table.solve(ones, transpose=True)  # 1'L
    row = table.solve(ones)  # L1
    total = col.sum()
    g1 = table.solve(xv) * table._xinv  # G1 = x^-1 L x
    g1[table._xinv == 0] = 1.0
    zv = table.Z.to_numpy()
    df = pd.DataFrame(
        {
            "backward": n * col / total,
            "forward_rasmussen": n * row / total,
            "forward_ghosh": n * g1 / g1.sum(),
            "direct_backward": (zv * table._xinv[None, :]).sum(axis=0),
            "direct_forward": (zv * table._xinv[:, None]).sum(axis=1),
        },
        index=table.nodes,
    )
    df["key_sector"] = [
        _TYPES[(b > crit, f > crit)] for b, f in zip(df["backward"], df["forward_ghosh"])
    ]
    df.attrs = table.attrs("linkages", crit=crit)
    return df


def key_sectors(table: IOTable, *, crit: float = 1.0, forward: str = "ghosh") -> pd.Series:
    """Key-sector type (I-IV) of each node from backward and forward linkages.

    I: BL<crit, FL<crit (independent); II: BL<crit, FL>crit (dependent on
    interindustry demand); III: both above (key sector); IV: BL>crit, FL<crit.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.key_sectors(t).tolist()
    ['III key sector', 'I independent']
    """
    check_table(table, "key_sectors")
    from .._validation import check_choice

    check_choice(forward, "forward", "key_sectors", ("ghosh", "rasmussen"))
    df = linkages(table, crit=crit)
    fl = df["forward_ghosh" if forward == "ghosh" else "forward_rasmussen"]
    s = pd.Series([_TYPES[(b > crit, f > crit)] for b, f in zip(df["backward"], fl)],
                  index=table.nodes, name="key_sector")
    s.attrs = table.attrs("key_sector", crit=crit, forward=forward)
    return s
