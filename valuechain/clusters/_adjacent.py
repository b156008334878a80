"""Ranking of the adjacent possible on a complexity result (shared by adjacent.py and Complexity).

Kept apart from :mod:`valuechain.clusters.adjacent` so that
:meth:`valuechain.clusters.Complexity.adjacent_possible` needs no import of that module
(no import cycle); the result is duck-typed (``locations``, ``activities``, ``mcp``,
``density``, ``cog``, ``rca``, ``dropped``, ``attrs``).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .._validation import check_choice, check_int, check_number, fmt_labels
from ..errors import LabelError, ParameterError

#: Quadrant labels (relatedness x complexity), Balland et al. (2019).
QUADRANTS = {
    (True, True): "related-complex",  # low risk, high benefit: the sweet spot
    (False, True): "unrelated-complex",  # high risk, high benefit
    (True, False): "related-simple",  # low risk, low benefit
    (False, False): "unrelated-simple",  # high risk, low benefit
}


def _z(v: np.ndarray) -> np.ndarray:
    sd = v.std()
    return (v - v.mean()) / sd if sd > 0 else np.zeros_like(v)


def check_options(top: int | None, weights: Sequence[float], split: str, func: str) -> tuple[int | None, list[float]]:
    if top is not None:
        top = check_int(top, "top", func, low=1)
    check_choice(split, "split", func, ("mean", "median"))
    w = list(weights)
    if len(w) != 3:
        raise ParameterError(f"The 'weights' parameter of {func} must have 3 numbers (density, pci, cog). Got {weights!r} instead.")
    return top, [check_number(x, "weights", func, low=0) for x in w]


def rank(res: Any, location: Any, top: int | None, w: list[float], split: str, func: str) -> pd.DataFrame:
    """The ranked candidates of *location* in the complexity result *res*."""
    locs = res.locations.index
    if location not in locs:
        dropped = res.dropped.get("locations", pd.Index([]))
        hint = " (it has zero total value and was dropped)" if location in dropped else ""
        near = [l for l in locs if str(location).lower() in str(l).lower()][:5]
        more = f"; did you mean {fmt_labels(near)}?" if near else f"; known locations include {fmt_labels(locs)}"
        raise LabelError(f"{func}: unknown location {location!r}{hint}{more}.")
    m = res.mcp.loc[location].to_numpy()
    dens_all = res.density.loc[location].to_numpy()
    pci_all = res.activities["pci"].to_numpy()
    agg = np.mean if split == "mean" else np.median
    d_cut, p_cut = float(agg(dens_all)), float(agg(pci_all))
    cand = m == 0
    dens = dens_all[cand]
    pci = pci_all[cand]
    cog = res.cog.loc[location].to_numpy()[cand]
    score = w[0] * _z(dens) + w[1] * _z(pci) + w[2] * _z(cog)
    df = pd.DataFrame(
        {
            "score": score,
            "density": dens,
            "distance": 1.0 - dens,
            "pci": pci,
            "cog": cog,
            "rca": res.rca.loc[location].to_numpy()[cand],
            "quadrant": [QUADRANTS[(bool(d >= d_cut), bool(p >= p_cut))] for d, p in zip(dens, pci)],
        },
        index=res.activities.index[cand],
    )
    df = df.sort_values(["score", "density"], ascending=False, kind="mergesort")
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    if top is not None:
        df = df.head(top)
    df.attrs = dict(res.attrs, metric="adjacent_possible", location=location, weights=tuple(w),
                    density_cut=d_cut, pci_cut=p_cut, split=split)
    return df
