"""Traded and local industries (Delgado, Porter & Stern 2016; U.S. Cluster Mapping Project).

Traded industries sell across regions and concentrate in a few places; local industries
(retail, personal services, health care...) serve the local market and are spread in
proportion to population.  Cluster statistics and regional complexity are meant for the
traded ones: local services otherwise dominate the diversity signal and the cluster
rankings (METHODS.md §6.2, §16).

The classification shipped in ``valuechain/datasets/data/naics2012_traded_local.csv`` is
the U.S. Cluster Mapping classification of the 992 six-digit 2012 NAICS codes.  Coarser
industries are classified by a documented **majority rule**, no employment weights being
at hand: an industry is traded when at least half of the six-digit NAICS codes under its
NAICS prefixes are traded (a count, not a weighted share).  The prefixes of

* the BEA SAEMP25N detailed lines (three-digit NAICS subsectors mostly),
* the 19 ABS ANZSIC 2006 divisions (the NAICS sector(s) of the same scope) and
* the 21 NACE Rev. 2 sections

are listed in ``valuechain/datasets/data/industry_naics.csv``; government lines have no
NAICS code and are local.  Industries are matched by label (case and surrounding
spaces ignored) or by code (BEA line code, ANZSIC division letter, NACE section letter).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["traded_industries", "naics_traded", "bea_sectors", "TRADED_RULE"]

#: The rule used for industries coarser than six-digit NAICS.
TRADED_RULE = ("traded when at least half of the 2012 NAICS 6-digit codes under the industry's NAICS prefixes are "
               "traded in the U.S. Cluster Mapping classification (count rule, no employment weights)")


def _data(name: str) -> pd.DataFrame:
    with resources.files("valuechain.datasets").joinpath("data", name).open("r", encoding="utf-8") as f:
        return pd.read_csv(f, comment="#", dtype=str, keep_default_na=False)


@functools.lru_cache(maxsize=1)
def naics_traded() -> pd.DataFrame:
    """The U.S. Cluster Mapping classification: 2012 NAICS 6-digit code -> traded (bool), cluster.

    Examples
    --------
    >>> t = vc.clusters.traded.naics_traded()
    >>> bool(t.loc["336411", "traded"]), t.loc["336411", "cluster"]
    (True, 'Aerospace Vehicles and Defense')
    """
    df = _data("naics2012_traded_local.csv")
    df["traded"] = df["traded"] == "1"
    return df.set_index("naics")


def _key(s: Any) -> str:
    return " ".join(str(s).split()).lower()


@functools.lru_cache(maxsize=1)
def _industry_table() -> pd.DataFrame:
    tab = _data("industry_naics.csv")
    codes = naics_traded()
    shares = []
    for prefixes in tab["naics"]:
        if prefixes.strip() == "-":
            shares.append(0.0)
            continue
        hit = np.zeros(len(codes), dtype=bool)
        for p in prefixes.split():
            hit |= codes.index.str.startswith(p)
        shares.append(float(codes["traded"][hit].mean()) if hit.any() else np.nan)
    tab["traded_share"] = shares
    tab["traded"] = tab["traded_share"] >= 0.5
    return tab


def traded_industries(industries: Iterable[Any], *, system: str | None = None) -> pd.Series:
    """Traded (True), local (False) or unknown (NaN) for each industry label.

    Parameters
    ----------
    industries : iterable of labels
        Industry labels: six-digit NAICS codes, BEA SAEMP25N line descriptions, ABS ANZSIC
        division names, NACE section names; with *system* also the codes of that system
        (BEA line codes, division or section letters).
    system : {"bea_saemp25n", "anzsic_division", "nace_section", "naics"}, optional
        Restrict the lookup to one system; codes are matched only then (a BEA line code
        such as "1101" is also an HS or SITC product code).  Labels are matched in the order
        BEA, ANZSIC, NACE when not given.

    Returns
    -------
    Series (object dtype: True, False or NaN) indexed by the industries; attrs
    ``rule``, ``n_unknown``.

    Examples
    --------
    >>> vc.clusters.traded_industries(["Mining", "Retail Trade", "Health Care and Social Assistance"]).tolist()
    [True, False, False]
    """
    systems = ("bea_saemp25n", "anzsic_division", "nace_section", "naics")
    if system is not None and system not in systems:
        raise ParameterError(f"The 'system' parameter of traded_industries must be one of {list(systems)}. "
                             f"Got {system!r} instead.")
    labels = list(industries)
    tab = _industry_table()
    if system not in (None, "naics"):
        tab = tab[tab["system"] == system]
    by_label: dict[str, bool] = {}
    by_code: dict[str, bool] = {}
    for sysname, code, label, tr in zip(tab["system"], tab["code"], tab["label"], tab["traded"]):
        by_label.setdefault(_key(label), bool(tr))
        by_code.setdefault(_key(code), bool(tr))
    naics = naics_traded()["traded"] if system in (None, "naics") else pd.Series(dtype=bool)
    out: list[Any] = []
    for lab in labels:
        k = _key(lab)
        if system != "naics" and k in by_label:
            out.append(by_label[k])
        elif k in naics.index:
            out.append(bool(naics[k]))
        elif system not in (None, "naics") and k in by_code:
            out.append(by_code[k])
        else:
            out.append(np.nan)
    s = pd.Series(out, index=pd.Index(labels, name="industry"), name="traded", dtype=object)
    s.attrs = {"rule": TRADED_RULE, "n_unknown": int(pd.isna(s).sum()), "source": "U.S. Cluster Mapping Project"}
    return s


def traded_mask(industries: pd.Index, traded_only: Any, func: str) -> tuple[np.ndarray, str]:
    """Boolean mask of the industries kept, and a note of what was applied.

    *traded_only* is True (the shipped classification; when no industry is known the
    filter is not applied and the note says so), False, or an explicit collection of the
    traded industries (a list, or a bool Series indexed by industry).
    """
    n = len(industries)
    if traded_only is False or traded_only is None:
        return np.ones(n, dtype=bool), "all industries"
    if traded_only is True:
        cls = traded_industries(industries)
        known = cls.notna().to_numpy()
        if known.mean() < 0.5 if n else True:
            return np.ones(n, dtype=bool), ("all industries (traded_only: fewer than half of the industries are in "
                                            "the traded/local classification, so it was not applied)")
        mask = (cls == True).to_numpy()  # noqa: E712 - object Series
        note = f"traded industries only ({int(mask.sum())} of {n}; {TRADED_RULE})"
        if not known.all():
            note += f"; {int((~known).sum())} unclassified industr{'y' if (~known).sum() == 1 else 'ies'} dropped"
        return mask, note
    if isinstance(traded_only, pd.Series):
        sel = traded_only.reindex(industries)
        mask = sel.fillna(False).astype(bool).to_numpy()
    elif isinstance(traded_only, (list, tuple, set, frozenset, pd.Index, np.ndarray)):
        mask = np.asarray(industries.isin(list(traded_only)))
    else:
        raise ParameterError(f"The 'traded_only' parameter of {func} must be True, False or a collection of traded "
                             f"industries. Got {type(traded_only).__name__} instead.")
    return mask, f"traded industries given by the caller ({int(mask.sum())} of {n})"


#: NAICS sectors of the BEA SAEMP25N detailed lines (line code // 100; farm employment, line 50, is its own sector).
BEA_SECTORS = {
    0: "Farms", 1: "Forestry, fishing, and related activities", 2: "Mining, quarrying, and oil and gas extraction",
    3: "Utilities", 4: "Construction", 5: "Manufacturing", 6: "Wholesale trade", 7: "Retail trade",
    8: "Transportation and warehousing", 9: "Information", 10: "Finance and insurance",
    11: "Real estate and rental and leasing", 12: "Professional, scientific, and technical services",
    13: "Management of companies and enterprises",
    14: "Administrative and support and waste management and remediation services", 15: "Educational services",
    16: "Health care and social assistance", 17: "Arts, entertainment, and recreation",
    18: "Accommodation and food services", 19: "Other services (except government and government enterprises)",
    20: "Government and government enterprises",
}


def bea_sectors(industries: Iterable[Any]) -> pd.Series:
    """The NAICS sector of each BEA SAEMP25N detailed line (by its description); NaN when not a SAEMP25N line.

    Examples
    --------
    >>> vc.clusters.traded.bea_sectors(["Primary metal manufacturing", "Telecommunications", "cars"]).tolist()
    ['Manufacturing', 'Information', nan]
    """
    tab = _industry_table()
    tab = tab[tab["system"] == "bea_saemp25n"]
    code_of = {_key(lab): int(c) for c, lab in zip(tab["code"], tab["label"])}
    labels = list(industries)
    out = []
    for lab in labels:
        c = code_of.get(_key(lab))
        out.append(np.nan if c is None else BEA_SECTORS.get(c // 100 if c >= 100 else 0, np.nan))
    return pd.Series(out, index=pd.Index(labels, name="industry"), name="sector", dtype=object)
