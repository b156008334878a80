"""Roles of final-demand categories across the published layouts (exports, inventories, imports).

Readers keep the source's own category codes (``exports``, ``EXPO``, ``F040``, ``INVEN``,
``INVNT``, ``P5M``, ``Changes in inventories`` ...).  Indicators that need to know which
column is which (the open-economy and inventories corrections of upstreamness, production
lengths) ask :func:`categories_with_role`.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["ROLES", "role_of", "categories_with_role"]

#: role -> pattern matched (case-insensitively) against a category label
ROLES = {
    "exports": re.compile(r"^(exports?|expo?|f040|p6)$|export|^exp_", re.I),
    "inventories": re.compile(r"inventor|^invnt$|^inven$|^inv$|^p52|^p5m$|^f030$|estoque|stock|valuables", re.I),
    "imports": re.compile(r"^(imports?|impo|f050|p7)$", re.I),
}


def role_of(category: str) -> str | None:
    """The role of one final-demand category label, or None."""
    for role, pat in ROLES.items():
        if pat.search(str(category)):
            return role
    return None


def categories_with_role(columns: pd.MultiIndex, role: str) -> list[str]:
    """The distinct category labels of *columns* (a (region, category) index) that play *role*."""
    cats = pd.Index(columns.get_level_values("category")).unique()
    return [c for c in cats if role_of(c) == role]
