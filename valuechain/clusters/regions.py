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
2. trailing parenthesised tags removed: the status suffixes of ``LGA_STATUS`` — (A) area,
   (AC) aboriginal council, (B) borough, (C) city, (CGC) city of greater..., (DC) district
   council, (IS) island shire, (M) municipality, (R) regional council / rural city,
   (RC) rural city, (RegC) regional council, (S) shire, (SC) shire council, (T) town,
   (V) village — and a state tag ((NSW), (Vic.), (Qld), (SA), (WA), (Tas.), (NT), (ACT),
   (OT)), which is kept apart as the key's state;
3. "/" and "-" read as spaces, the words "and" and a leading "The" dropped, and a trailing
   "Shire", "Regional", "City" or "City and Dists" dropped (``Greater Hume Shire (A)`` =
   ``Greater Hume``; ``Berri and Barmera (DC)`` = ``Berri Barmera``);
4. case folded.

:func:`match_names` matches two lists of names on that key: first on (name, state),
then, for names still unmatched, on the name alone when it is unique among the
unmatched names of both lists, and last, for a name shared by LGAs of several states,
by the status suffixes each state uses (``STATE_STATUS``: "Flinders (M)" is the
Tasmanian one, "Flinders (S)" the Queensland one).  Names whose key is ambiguous (``Kingston (C)`` in
Victoria and ``Kingston (DC)`` in South Australia) or that changed otherwise (mergers,
renames such as Botany Bay + Rockdale -> Bayside) stay unmatched and are reported; the
ABS correspondence can be passed as a user concordance to ``regions=``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .._validation import fmt_labels
from ..errors import LabelError, ParameterError, TableError

__all__ = ["harmonise_regions", "abs_lga_key", "match_names", "LGA_STATUS", "ABS_PSEUDO_REGIONS",
           "is_pseudo_region"]

#: Status suffixes stripped from ABS LGA names.
LGA_STATUS = ("A", "AC", "B", "C", "CGC", "DC", "IS", "M", "R", "RC", "RegC", "S", "SC", "T", "V")
#: Status suffixes each state's LGAs use (ABS 2011/2016 names matched to the 2021 names of
#: the eiat ``regions.csv`` LGA -> state table); resolves a shared name in two states
#: ("Flinders (M)" is the Tasmanian one, "Flinders (S)" the Queensland one).
STATE_STATUS = {
    "nsw": {"A", "C"}, "vic": {"B", "C", "RC", "S"}, "qld": {"C", "R", "S", "T"},
    "sa": {"AC", "C", "DC", "M", "RC", "RegC", "T"}, "wa": {"C", "S", "T"}, "tas": {"C", "M"},
    "nt": {"C", "M", "R", "S", "T"},
}
#: State tags of ABS names (kept as the key's state).
STATE_TAGS = ("NSW", "Vic.", "Vic", "Qld", "SA", "WA", "Tas.", "Tas", "NT", "ACT", "OT")

#: Patterns of ABS pseudo-regions (no geographic area of work): dropped by default.
ABS_PSEUDO_REGIONS = (
    r"migratory", r"offshore", r"shipping", r"no usual address", r"no fixed address", r"\bpow not\b",
    r"not stated", r"not applicable", r"^total", r"capital city undefined",
    r"\(undefined\)", r"undefined", r"outside australia", r"^overseas",
)
_PSEUDO = re.compile("|".join(ABS_PSEUDO_REGIONS), flags=re.IGNORECASE)
_SUFFIX = re.compile(r"\s*\((?:" + "|".join(re.escape(s) for s in LGA_STATUS) + r")\)\s*$")
_STATE = re.compile(r"\s*\((" + "|".join(re.escape(s) for s in STATE_TAGS) + r")\)\s*$")


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
    """The normalised ABS LGA name used to match LGAs across censuses (``name`` or ``name|state``).

    Examples
    --------
    >>> from valuechain.clusters.regions import abs_lga_key
    >>> abs_lga_key("Adelaide (C)"), abs_lga_key("Greater Hume Shire (A)"), abs_lga_key("Campbelltown (C) (NSW)")
    ('adelaide', 'greater hume', 'campbelltown|nsw')
    """
    s = _norm(name)
    state = ""
    prev = None
    while prev != s:  # "Name (C) (NSW)" -> "Name", state "nsw"
        prev = s
        m = _STATE.search(s)
        if m:
            state = m.group(1).rstrip(".").lower()
            s = s[: m.start()]
        s = _SUFFIX.sub("", s)
    s = re.sub(r"[/\-]", " ", s).casefold()
    words = [w for w in s.split() if w != "and"]
    if words and words[0] == "the":
        words = words[1:]
    for tail in (("city", "and", "dists"), ("city", "dists"), ("shire",), ("regional",), ("city",)):
        if len(words) > len(tail) and tuple(words[-len(tail):]) == tail:
            words = words[: -len(tail)]
            break
    base = " ".join(words)
    return f"{base}|{state}" if state else base


def match_names(old: Any, new: Any, *, key: Any = abs_lga_key) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Match two lists of region names on a normalised key.

    Returns
    -------
    (mapping old -> new, {"old": unmatched old names, "new": unmatched new names,
    "ambiguous": names whose key is shared by several names of one list})

    Examples
    --------
    >>> from valuechain.clusters.regions import match_names
    >>> m, un = match_names(["Alpine (S)", "Campbelltown (C)", "Campbelltown (C) (NSW)", "Mallala (DC)"],
    ...                     ["Alpine", "Campbelltown (SA)", "Campbelltown (NSW)", "Adelaide Plains"])
    >>> m
    {'Alpine (S)': 'Alpine', 'Campbelltown (C) (NSW)': 'Campbelltown (NSW)', 'Campbelltown (C)': 'Campbelltown (SA)'}
    >>> un["old"], un["new"]
    (['Mallala (DC)'], ['Adelaide Plains'])
    """
    old = [str(x) for x in pd.unique(pd.Series(list(old), dtype=object))]
    new = [str(x) for x in pd.unique(pd.Series(list(new), dtype=object))]

    def index(names: list[str], f: Any) -> tuple[dict[str, str], set[str]]:
        seen: dict[str, list[str]] = {}
        for n in names:
            seen.setdefault(f(n), []).append(n)
        return {k: v[0] for k, v in seen.items() if len(v) == 1}, {n for v in seen.values() if len(v) > 1 for n in v}

    mapping: dict[str, str] = {}
    ambiguous: set[str] = set()
    for f in (key, lambda n: key(n).split("|")[0]):
        o = [n for n in old if n not in mapping]
        used = set(mapping.values())
        w = [n for n in new if n not in used]
        io, ao = index(o, f)
        iw, aw = index(w, f)
        ambiguous |= ao | aw
        for k, n in io.items():
            if k in iw:
                mapping[n] = iw[k]
    _by_status(old, new, mapping, key)
    used = set(mapping.values())
    un = {"old": [n for n in old if n not in mapping], "new": [n for n in new if n not in used]}
    un["ambiguous"] = sorted(ambiguous & (set(un["old"]) | set(un["new"])))
    return mapping, un


def _status_of(name: str) -> str | None:
    m = re.search(r"\((" + "|".join(re.escape(x) for x in LGA_STATUS) + r")\)", _norm(name))
    return m.group(1) if m else None


def _by_status(old: list[str], new: list[str], mapping: dict[str, str], key: Any) -> None:
    """Third pass: names shared by LGAs of several states, told apart by the status suffix (STATE_STATUS)."""
    used = set(mapping.values())
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for n in old:
        if n not in mapping:
            groups.setdefault(key(n).split("|")[0], ([], []))[0].append(n)
    for n in new:
        if n not in used:
            groups.setdefault(key(n).split("|")[0], ([], []))[1].append(n)
    for olds, news in groups.values():
        if not olds or not news:
            continue
        states = {n: (key(n).split("|") + [""])[1] for n in news}
        cand = {o: [n for n in news if _status_of(o) in STATE_STATUS.get(states[n], set())] for o in olds}
        changed = True
        while changed:
            changed = False
            taken = set(mapping.values())
            for o in olds:
                if o in mapping:
                    continue
                free = [n for n in cand[o] if n not in taken]
                if len(free) == 1:
                    # the only new name this LGA's status allows; and no other old name competes for it alone
                    rivals = [r for r in olds if r != o and r not in mapping and
                              [n for n in cand[r] if n not in taken] == free]
                    if not rivals:
                        mapping[o] = free[0]
                        taken.add(free[0])
                        changed = True


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
    if not isinstance(activity, pd.DataFrame) or not {"region", "industry"} <= set(activity.columns):
        raise LabelError("harmonise_regions needs a long activity table with 'region' and 'industry' columns "
                         "(see valuechain.clusters.tidy_activity).")
    df = activity.assign(region=activity["region"].astype(str))
    conc = _concordance(regions)
    keys = [k for k in ("region", "industry", "year") if k in df.columns]
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
    out.attrs.pop("published_totals", None)  # totals of the old regions no longer apply
    out.attrs["regions"] = {"mapped": sorted(set(df.loc[hit, "region"])), "n_rules": int(len(conc))}
    return out
