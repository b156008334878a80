"""Partition similarity: normalised mutual information and the adjusted Rand index.

Both take two label sequences of equal length (any hashable labels) and work on
their contingency table; no Python loop over elements.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["contingency", "nmi", "adjusted_rand"]


def contingency(a: Sequence, b: Sequence) -> np.ndarray:
    """Counts ``n_kl`` of elements with label k in *a* and label l in *b*."""
    a = pd.factorize(pd.Series(list(a)))[0]
    b = pd.factorize(pd.Series(list(b)))[0]
    if len(a) != len(b):
        from .errors import ParameterError

        raise ParameterError(f"Partitions have different lengths ({len(a)} and {len(b)}).")
    table = np.zeros((a.max(initial=-1) + 1, b.max(initial=-1) + 1))
    np.add.at(table, (a, b), 1.0)
    return table


def nmi(a: Sequence, b: Sequence) -> float:
    """Normalised mutual information ``2 I(a;b) / (H(a) + H(b))`` (arithmetic normalisation).

    1 for identical partitions (up to relabelling); 1 when both are a single block.

    Examples
    --------
    >>> from valuechain._partitions import nmi
    >>> nmi([0, 0, 1, 1], [5, 5, 7, 7])
    1.0
    """
    c = contingency(a, b)
    n = c.sum()
    if n == 0:
        return 1.0
    p = c / n
    pa, pb = p.sum(axis=1), p.sum(axis=0)
    nz = p > 0
    mi = float((p[nz] * np.log(p[nz] / np.outer(pa, pb)[nz])).sum())
    ha = float(-(pa[pa > 0] * np.log(pa[pa > 0])).sum())
    hb = float(-(pb[pb > 0] * np.log(pb[pb > 0])).sum())
    if ha + hb == 0:
        return 1.0
    return max(0.0, min(1.0, 2 * mi / (ha + hb)))


def adjusted_rand(a: Sequence, b: Sequence) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985): 1 for identical partitions, ~0 at random.

    Examples
    --------
    >>> from valuechain._partitions import adjusted_rand
    >>> adjusted_rand([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    c = contingency(a, b)
    n = c.sum()

    def comb2(v):
        return v * (v - 1) / 2.0

    sum_c = comb2(c).sum()
    sum_a = comb2(c.sum(axis=1)).sum()
    sum_b = comb2(c.sum(axis=0)).sum()
    total = comb2(n)
    if total == 0:
        return 1.0
    expected = sum_a * sum_b / total
    maximum = (sum_a + sum_b) / 2.0
    if maximum == expected:
        return 1.0
    return float((sum_c - expected) / (maximum - expected))
