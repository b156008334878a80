"""Regions that stay the same region: concordances and census name matching.

:func:`harmonise_regions` applies a concordance to any activity table: each row of
region *old* is moved to region *new*, multiplied by *share* (splits: one old code to
several new codes with shares summing to 1; merges: several old codes to one new code
with share 1), then rows are summed by (region, industry, year).  Regions not in the
concordance are kept as they are.  A harmonised cell that receives a suppressed (NaN)
contribution is NaN.

:func:`abs_lga_key` is the documented name normalisation of ABS Local Government Area
names across censuses (2011/2016 names carry a status suffix, 2021 names do not):

1. Unicode NFKC, dashes unified, whitespace collapsed;
2. a trailing status suffix in parentheses is removed when it is one of
   ``LGA_STATUS`` — (A) area, (B) borough, (C) city, (DC) district council,
   (M) municipality, (R) rural city / regional council, (RC) rural/regional city,
   (S) shire, (T) town, (AC) aboriginal council, (S) shire, (RegC) regional council,
   (CGC) city of Greater ..., (V) village, (SC) shire council, (RegC), (AC), (IS) island shire;
3. case folded.

Names that differ otherwise (mergers, renames such as Botany Bay + Rockdale -> Bayside)
need the ABS correspondence, passed as a user concordance to ``regions=``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .._validation import fmt_labels
from ..errors import LabelError, ParameterError, TableError

__all__ = ["harmonise_regions", "abs_lga_key", "LGA_STATUS", "ABS_PSEUDO_REGIONS", "is_pseudo_region"]

#: Status suffixes stripped from ABS LGA names.
LGA_STATUS = ("A", "AC", "B", "C", "CGC", "DC", "IS", "M", "R", "RC", "RegC", "S", "SC", "T", "V", "NT", "Qld",
              "NSW", "Vic.", "Tas.", "SA", "WA")

#: Patterns of ABS pseudo-regions (no geographic area of work): dropped by default.
ABS_PSEUDO_REGIONS = (
    r"migratory", r"offshore", r"shipping", r"no usual address", r"no fixed address", r"\bpow not\b",
    r"not stated", r"not applicable", r"unincorporated", r"^total", r"capital city undefined",
    r"\(undefined\)", r"undefined", r"outside australia", r"^overseas",
)
_PSEUDO = re.compile("|".join(ABS_PSEUDO_REGIONS), flags=re.IGNORECASE)
_SUFFIX = re.compile(r"\s*\((?:" + "|".join(re.escape(s) for s in LGA_STATUS) + r")\)\s*$", flags=re.IGNORECASE)


def is_pseudo_region(name: Any) -> bool:
    """True for ABS pseudo-regions ("Migratory - Offshore - Shipping (NSW)", "No usual address (Vic.)"...).

    Examples
    --------
    >>> from valuechain.clusters.regions import is_pseudo_region
    >>> is_pseudo_region("Migratory - Offshore - Shipping (NSW)"), is_pseudo_region("Adelaide (C)")
    (True, False)
    """
    return bool(_PSEUDO.search(_norm(name)))


def _norm(name: Any) -> str:
    s = unicodedata.normalize("NFKC", str(name))
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    return " ".join(s.split())


def abs_lga_key(name: Any) -> str:
    """The normalised ABS LGA name used to match LGAs across censuses.

    Examples
    --------
    >>> from valuechain.clusters.regions import abs_lga_key
    >>> abs_lga_key("Adelaide (C)"), abs_lga_key("Adelaide"), abs_lga_key("Alpine (S)")
    ('adelaide', 'adelaide', 'alpine')
    """
    s = _norm(name)
    prev = None
    while prev != s:  # "Name (C) (Vic.)" -> "Name"
        prev = s
        s = _SUFFIX.sub("", s)
    return s.casefold()


def _concordance(regions: Any) -> pd.DataFrame:
    if isinstance(regions, Mapping):
        rows = []
        for old, new in regions.items():
            if isinstance(new, Mapping):
                rows += [(old, n, float(sh)) for n, sh in new.items()]
            else:
                rows.append((old, new, 1.0))
        conc = pd.DataFrame(rows, columns=["old", "new", "share"])
    elif isinstance(regions, pd.DataFrame):
        cols = list(regions.columns)
        if {"old", "new"} <= set(cols):
            conc = regions.rename(columns={}).copy()
        elif len(cols) in (2, 3):
            conc = regions.copy()
            conc.columns = ["old", "new", "share"][: len(cols)]
        else:
            raise LabelError(f"A region concordance needs columns old, new [, share]; got {fmt_labels(cols)}.")
        if "share" not in conc.columns:
            conc["share"] = 1.0
        conc = conc[["old", "new", "share"]]
    else:
        raise ParameterError("The 'regions' parameter must be a DataFrame (old, new [, share]) or a dict "
                             f"old -> new (or old -> {{new: share}}). Got {type(regions).__name__} instead.")
    conc = conc.assign(old=conc["old"].astype(str), new=conc["new"].astype(str),
                       share=pd.to_numeric(conc["share"], errors="coerce"))
    if conc["share"].isna().any() or (conc["share"] < 0).any():
        raise TableError("The region concordance has missing or negative shares.")
    tot = conc.groupby("old")["share"].sum()
    bad = tot[(tot - 1).abs() > 1e-6]
    if len(bad):
        raise TableError(f"The shares of each old region must sum to 1; {fmt_labels(bad.index)} sum to "
                         f"{fmt_labels([round(v, 6) for v in bad.to_numpy()])}.")
    return conc


def harmonise_regions(activity: pd.DataFrame, regions: Any, *, value: str = "employment") -> pd.DataFrame:
    """Map old region codes to new ones (with shares for splits) and re-sum the activity table.

    Parameters
    ----------
    activity : DataFrame
        Long activity table (region, industry, [year], values).
    regions : DataFrame or dict
        Columns ``old``, ``new`` [, ``share``] (or the first 2-3 columns in that order), or a
        dict ``{old: new}`` / ``{old: {new: share, ...}}``.

    Returns
    -------
    Long activity table on the new codes; ``attrs["regions"]`` records the mapped codes.

    Examples
    --------
    >>> long = pd.DataFrame({"region": ["A", "B", "C"], "industry": "x", "employment": [1.0, 2.0, 10.0]})
    >>> out = vc.clusters.harmonise_regions(long, {"A": "AB", "B": "AB", "C": {"C1": 0.3, "C2": 0.7}})
    >>> out[["region", "employment"]].values.tolist()
    [['AB', 3.0], ['C1', 3.0], ['C2', 7.0]]
    """
    from .activity import KEYS, tidy_activity

    df = tidy_activity(activity, value=value)
    conc = _concordance(regions)
    keys = [k for k in KEYS if k in df.columns]
    vals = [c for c in df.columns if c not in keys and pd.api.types.is_numeric_dtype(df[c])]
    hit = df["region"].isin(conc["old"])
    moved = df[hit].merge(conc, left_on="region", right_on="old", how="left")
    for c in vals:
        moved[c] = moved[c] * moved["share"]
    moved["region"] = moved["new"]
    both = pd.concat([df[~hit], moved[df.columns]], ignore_index=True)
    g = both.groupby(keys, sort=False, dropna=False)
    out = g[vals].sum(min_count=1)
    anynan = both[vals].isna().groupby([both[k] for k in keys], sort=False).any()
    out = out.mask(anynan.reindex(out.index).to_numpy())
    out = out.reset_index()
    out.attrs = dict(getattr(activity, "attrs", {}) or {})
    out.attrs["regions"] = {"mapped": sorted(set(df.loc[hit, "region"])), "n_rules": int(len(conc))}
    return out
