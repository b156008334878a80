"""The adjacent possible: activities a location could move into next.

For a location *c*, the candidates are the activities it does not yet specialise in
(``M_cp = 0``).  Each comes with its **density** ``ω_cp`` (relatedness to what *c* already
does: feasibility, the inverse of risk), **PCI** (complexity: the benefit) and **COG**
(how much new complexity outlook it would open).  Candidates are ranked by a
weighted sum of the three, each z-scored over the candidates (default weights
0.5 density, 0.25 PCI, 0.25 COG — a balanced version of the Atlas "strategic
approach"), and placed in the relatedness-complexity quadrant of Balland, Boschma,
Crespo & Rigby (2019): relatedness above or below the location's average density,
complexity above or below the average PCI.

It works for product spaces (trade) and industry spaces: pass regional employment as
the matrix and, for an IO- or skill-based space, a relatedness matrix as
``proximity=`` (see :func:`valuechain.clusters.complexity`).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .._validation import check_choice, check_int, check_number, fmt_labels
from ..errors import LabelError, ParameterError
from .complexity import Complexity, complexity

__all__ = ["adjacent_possible", "QUADRANTS"]

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


def adjacent_possible(
    exports: Any,
    location: Any,
    *,
    top: int | None = 20,
    weights: Sequence[float] = (0.5, 0.25, 0.25),
    split: str = "mean",
    **options: Any,
) -> pd.DataFrame:
    """Ranked candidate activities *location* does not yet specialise in.

    Parameters
    ----------
    exports : Complexity, DataFrame, Series or TradeTable
        A :func:`complexity` result, or anything it accepts (then computed with *options*).
    location : label
        The location (country, region).
    top : int or None, default 20
        Rows returned (None = all candidates).
    weights : (float, float, float), default (0.5, 0.25, 0.25)
        Weights of z(density), z(PCI), z(COG) in the ranking score.
    split : {"mean", "median"}, default "mean"
        Where the quadrant lines cut: the location's mean (median) density over all
        activities and the mean (median) PCI over all activities.
    **options
        Passed to :func:`complexity` (year, presence, threshold, proximity...).

    Returns
    -------
    DataFrame indexed by ``activity`` with columns ``rank``, ``score``, ``density``,
    ``distance``, ``pci``, ``cog``, ``rca``, ``quadrant``; sorted by score.

    Raises
    ------
    LabelError
        Unknown location.

    Examples
    --------
    >>> M = pd.DataFrame([[1, 1, 1, 1, 0], [1, 1, 1, 0, 0], [1, 1, 0, 0, 1], [1, 0, 0, 0, 1]],
    ...                  index=list("ABCD"), columns=list("vwxyz"))
    >>> ap = vc.clusters.adjacent_possible(M, "D", presence="manual")
    >>> ap.index.tolist(), ap["density"].round(3).tolist()
    (['x', 'w', 'y'], [0.188, 0.351, 0.12])
    """
    func = "adjacent_possible"
    if top is not None:
        top = check_int(top, "top", func, low=1)
    check_choice(split, "split", func, ("mean", "median"))
    w = list(weights)
    if len(w) != 3:
        raise ParameterError(f"The 'weights' parameter of {func} must have 3 numbers (density, pci, cog). Got {weights!r} instead.")
    w = [check_number(x, "weights", func, low=0) for x in w]
    res = exports if isinstance(exports, Complexity) else complexity(exports, **options)
    if isinstance(exports, Complexity) and options:
        raise ParameterError(f"{func}: options {sorted(options)} cannot be applied to an existing Complexity result.")
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
