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

from ..errors import ParameterError
from ._adjacent import QUADRANTS, check_options, rank
from .complexity import Complexity, complexity

__all__ = ["adjacent_possible", "QUADRANTS"]


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
    top, w = check_options(top, weights, split, func)
    res = exports if isinstance(exports, Complexity) else complexity(exports, **options)
    if isinstance(exports, Complexity) and options:
        raise ParameterError(f"{func}: options {sorted(options)} cannot be applied to an existing Complexity result.")
    return rank(res, location, top, w, split, func)
