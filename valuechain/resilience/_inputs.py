"""Input shares shared by the criticality (dynamic model) and essential-input (systemic risk) rules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_number
from ..table import IOTable

__all__ = ["input_share_mask"]


def input_share_mask(table: IOTable, threshold: float, func: str) -> pd.DataFrame:
    """Boolean (supplier x buyer) DataFrame: ``z_ij / Σ_k z_kj > threshold``; buyers with no inputs get False."""
    check_number(threshold, "threshold", func, low=0.0, high=1.0)
    Z = table.Z.to_numpy()
    col = Z.sum(axis=0)
    share = np.zeros_like(Z)
    np.divide(Z, col[None, :], out=share, where=col[None, :] > 0)
    return pd.DataFrame(share > threshold, index=table.nodes, columns=table.nodes)
