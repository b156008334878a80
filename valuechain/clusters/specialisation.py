"""Regional specialisation: location quotients, cluster stars, KPIs, Herfindahl and Krugman indices.

With ``E_rc`` the employment (or any activity value) of industry *c* in region *r*,
``E_r`` the region's total, ``E_c`` the industry's total and ``E`` the grand total:

* location quotient ``LQ_rc = (E_rc / E_r) / (E_c / E)`` (specialisation);
* focus ``E_rc / E_r`` (share of regional employment in the cluster);
* share ``E_rc / E_c`` (the region's share of the industry);
* Herfindahl ``H_r = Σ_c (E_rc / E_r)²``;
* Krugman dissimilarity ``K_r = Σ_c |E_rc / E_r - E'_c / E'|`` against the rest of the
  regions (``'`` = all other regions) or against the total.

Cluster stars follow the European Cluster Observatory: one star each for **size**
(employment in the top decile of the industry's regional clusters), **specialisation**
(``LQ >= 2``) and **focus** (share of regional employment in the top decile of the
industry) — or **productivity** (output per employee in the top decile) when an output
column is given, as in the EOCIC Panorama.  The decile rule: a cluster gets the star
when its value is at or above the ``1 - top`` quantile (numpy's linear interpolation)
of the industry's clusters with positive employment.

Zero-division rule: a region or industry with zero total has LQ, focus and share 0;
Herfindahl and Krugman of an empty region are 0; a growth rate from 0 is NaN (entry).
Missing values (suppressed cells) count as 0.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from .._validation import check_choice, check_int, check_number
from ..errors import LabelError, ParameterError
from .activity import KEYS, _select_year, tidy_activity

__all__ = ["location_quotients", "stars", "cluster_kpis", "regional_kpis", "herfindahl", "krugman"]


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.zeros(np.broadcast(a, b).shape)
    np.divide(a, b, out=out, where=(b != 0) & np.ones_like(out, dtype=bool))
    return out


def _years(activity: pd.DataFrame, value: str, year: int | None, func: str,
           extra: tuple[str, ...] = ()) -> Iterator[tuple[int | None, pd.DataFrame, dict[str, pd.DataFrame]]]:
    """Yield (year, wide value matrix, {extra: wide matrix}) for the selected year(s)."""
    df = tidy_activity(activity, value=value)
    for col in (value,) + extra:
        if col not in df.columns:
            vals = [c for c in df.columns if c not in KEYS]
            raise LabelError(f"{func}: the activity table has no {col!r} column; value columns are {vals}.")
    if year is not None or "year" not in df.columns:
        df, y = _select_year(df, year, func)
        groups = [(y, df)]
    else:
        groups = [(int(y), g) for y, g in df.groupby("year", sort=True)]
    regions = pd.Index(pd.unique(df["region"]), name="region")
    industries = pd.Index(pd.unique(df["industry"]), name="industry")
    for y, g in groups:
        mats = {}
        for col in (value,) + extra:
            m = g.pivot_table(index="region", columns="industry", values=col, aggfunc="sum", fill_value=0.0,
                              dropna=False)
            mats[col] = m.reindex(index=regions, columns=industries, fill_value=0.0).fillna(0.0).astype(float)
        yield y, mats[value], mats


def _stack(frames: list[tuple[int | None, pd.DataFrame]], multi_year: bool) -> pd.DataFrame:
    if multi_year:
        return pd.concat([f for _, f in frames], keys=[y for y, _ in frames], names=["year"])
    return frames[0][1]


def _lq_frame(E: pd.DataFrame, value: str) -> pd.DataFrame:
    X = E.to_numpy()
    er = X.sum(axis=1, keepdims=True)
    ec = X.sum(axis=0, keepdims=True)
    focus = _div(X, er)
    share = _div(X, ec)
    lq = _div(focus, ec / max(X.sum(), 0.0) if X.sum() > 0 else np.zeros_like(ec))
    idx = pd.MultiIndex.from_product([E.index, E.columns], names=["region", "industry"])
    return pd.DataFrame(
        {value: X.ravel(), "lq": lq.ravel(), "focus": focus.ravel(), "share": share.ravel()}, index=idx
    )


def _multi(activity: pd.DataFrame, year: int | None) -> bool:
    cols = activity.columns if isinstance(activity, pd.DataFrame) else []
    if year is not None or "year" not in cols:
        return False
    return activity["year"].nunique() > 1


def location_quotients(activity: pd.DataFrame, *, value: str = "employment", year: int | None = None) -> pd.DataFrame:
    """Location quotients, focus and share of every region x industry cell.

    ``LQ_rc = (E_rc / E_r) / (E_c / E)``; ``focus = E_rc / E_r``; ``share = E_rc / E_c``.

    Parameters
    ----------
    activity : DataFrame
        Long or wide activity table (see :func:`tidy_activity`).
    value : str, default "employment"
        Value column.
    year : int, optional
        One year; by default every year of a long table (then ``year`` leads the index).

    Returns
    -------
    DataFrame indexed by (region, industry) — or (year, region, industry) — with
    columns *value*, ``lq``, ``focus``, ``share``.

    Examples
    --------
    >>> E = pd.DataFrame({"cars": [30, 10], "food": [10, 50]}, index=["north", "south"])
    >>> vc.clusters.location_quotients(E)["lq"].round(4).tolist()
    [1.875, 0.4167, 0.4167, 1.3889]
    """
    frames = [(y, _lq_frame(E, value)) for y, E, _ in _years(activity, value, year, "location_quotients")]
    out = _stack(frames, _multi(activity, year))
    out.attrs = {"metric": "location_quotient", "unit": "ratio", "value": value,
                 "year": year if year is not None else frames[-1][0],
                 "source": getattr(activity, "attrs", {}).get("source", "")}
    return out


def _top_star(V: np.ndarray, present: np.ndarray, top: float) -> np.ndarray:
    """Column-wise: value at or above the (1 - top) quantile of the present cells."""
    star = np.zeros(V.shape, dtype=bool)
    for j in range(V.shape[1]):
        mask = present[:, j]
        if not mask.any():
            continue
        cut = np.quantile(V[mask, j], 1.0 - top)
        star[:, j] = mask & (V[:, j] >= cut)
    return star


def _stars_frame(E: pd.DataFrame, out_mat: pd.DataFrame | None, value: str, lq_threshold: float,
                 top: float) -> pd.DataFrame:
    df = _lq_frame(E, value)
    X = E.to_numpy()
    present = X > 0
    size = _top_star(X, present, top)
    spec = present & (df["lq"].to_numpy().reshape(X.shape) >= lq_threshold)
    if out_mat is None:
        third = _top_star(df["focus"].to_numpy().reshape(X.shape), present, top)
        third_name = "focus_star"
    else:
        prod = _div(out_mat.to_numpy(), X)
        df["productivity"] = prod.ravel()
        third = _top_star(prod, present, top)
        third_name = "productivity_star"
    df["size_star"] = size.ravel()
    df["specialisation_star"] = spec.ravel()
    df[third_name] = third.ravel()
    df["stars"] = (size.astype(np.int64) + spec + third).ravel()
    return df


def stars(
    activity: pd.DataFrame,
    *,
    value: str = "employment",
    output: str | None = None,
    lq_threshold: float = 2.0,
    top: float = 0.1,
    year: int | None = None,
) -> pd.DataFrame:
    """European Cluster Observatory stars (0-3) of every region x industry cluster.

    Size: the cluster's employment is in the top decile of the industry's clusters;
    specialisation: ``LQ >= lq_threshold``; focus: the cluster's share of regional
    employment is in the industry's top decile — or, when *output* names a column
    (output, GVA), productivity (output per unit of *value*) in the top decile.

    Parameters
    ----------
    value : str, default "employment"
    output : str, optional
        Output/GVA column; switches the third star from focus to productivity.
    lq_threshold : float, default 2.0
        Specialisation threshold (ECO uses 2).
    top : float, default 0.1
        Fraction of the industry's clusters that get the size / focus / productivity star.
    year : int, optional
        One year; by default every year of a long table.

    Returns
    -------
    DataFrame indexed by (region, industry) (or with a leading ``year`` level) with
    columns *value*, ``lq``, ``focus``, ``share``, [``productivity``], ``size_star``,
    ``specialisation_star``, ``focus_star`` or ``productivity_star``, ``stars``.

    Examples
    --------
    >>> E = pd.DataFrame({"cars": [80, 10, 10, 10, 10, 10, 10, 10, 10, 10],
    ...                   "food": [20, 90, 90, 90, 90, 90, 90, 90, 90, 90]},
    ...                  index=[f"r{i}" for i in range(10)])
    >>> s = vc.clusters.stars(E)
    >>> int(s.loc[("r0", "cars"), "stars"])
    3
    """
    func = "stars"
    lq_threshold = check_number(lq_threshold, "lq_threshold", func, low=0)
    top = check_number(top, "top", func, low=0, high=1, closed="right")
    extra = (output,) if output is not None else ()
    frames = []
    for y, E, mats in _years(activity, value, year, func, extra):
        frames.append((y, _stars_frame(E, mats.get(output) if output else None, value, lq_threshold, top)))
    out = _stack(frames, _multi(activity, year))
    out.attrs = {"metric": "cluster_stars", "value": value, "lq_threshold": lq_threshold, "top": top,
                 "third_star": "productivity" if output else "focus",
                 "year": year if year is not None else frames[-1][0]}
    return out


def herfindahl(activity: pd.DataFrame, *, value: str = "employment", year: int | None = None) -> pd.Series:
    """Herfindahl specialisation index of each region, ``H_r = Σ_c (E_rc / E_r)²``.

    Examples
    --------
    >>> E = pd.DataFrame({"cars": [30, 10], "food": [10, 50]}, index=["north", "south"])
    >>> vc.clusters.herfindahl(E).round(4).tolist()
    [0.625, 0.7222]
    """
    _, E, _ = list(_years(activity, value, year, "herfindahl"))[-1]
    s = _herf(E)
    s.attrs = {"metric": "herfindahl", "unit": "index", "value": value}
    return s


def _herf(E: pd.DataFrame) -> pd.Series:
    X = E.to_numpy()
    sh = _div(X, X.sum(axis=1, keepdims=True))
    return pd.Series((sh ** 2).sum(axis=1), index=E.index, name="herfindahl")


def _krug(E: pd.DataFrame, reference: str) -> pd.Series:
    X = E.to_numpy()
    sh = _div(X, X.sum(axis=1, keepdims=True))
    if reference == "total":
        ref = _div(X.sum(axis=0, keepdims=True), np.array([[X.sum()]]))
    else:
        rest = X.sum(axis=0, keepdims=True) - X
        ref = _div(rest, rest.sum(axis=1, keepdims=True))
    k = np.abs(sh - ref).sum(axis=1)
    k[X.sum(axis=1) == 0] = 0.0
    return pd.Series(k, index=E.index, name="krugman")


def krugman(activity: pd.DataFrame, *, value: str = "employment", year: int | None = None,
            reference: str = "rest") -> pd.Series:
    """Krugman specialisation (dissimilarity) index ``K_r = Σ_c |s_rc - s_c^ref|``, in [0, 2].

    Parameters
    ----------
    reference : {"rest", "total"}, default "rest"
        Compare with the industry structure of all other regions (Krugman 1991) or of the total.

    Examples
    --------
    >>> E = pd.DataFrame({"cars": [30, 10], "food": [10, 50]}, index=["north", "south"])
    >>> vc.clusters.krugman(E).round(4).tolist()
    [1.1667, 1.1667]
    """
    check_choice(reference, "reference", "krugman", ("rest", "total"))
    _, E, _ = list(_years(activity, value, year, "krugman"))[-1]
    s = _krug(E, reference)
    s.attrs = {"metric": "krugman", "unit": "index", "value": value, "reference": reference}
    return s


def cluster_kpis(
    activity: pd.DataFrame,
    *,
    value: str = "employment",
    start: int | None = None,
    end: int | None = None,
    lq_threshold: float = 2.0,
    top: float = 0.1,
) -> pd.DataFrame:
    """Change of every cluster between two years: employment growth, LQ change, stars.

    Parameters
    ----------
    start, end : int, optional
        Years compared (default the first and last of the table).

    Returns
    -------
    DataFrame indexed by (region, industry) with ``<value>_start``, ``<value>_end``,
    ``change``, ``growth`` (relative; NaN when the start value is 0), ``lq_start``,
    ``lq_end``, ``lq_change``, ``stars_start``, ``stars_end``.

    Examples
    --------
    >>> long = pd.DataFrame({"region": ["a", "a", "b", "b"] * 2, "industry": ["x", "y"] * 4,
    ...                      "year": [2010] * 4 + [2020] * 4, "employment": [10, 10, 10, 10, 20, 10, 10, 10]})
    >>> vc.clusters.cluster_kpis(long).loc[("a", "x"), ["growth", "lq_end"]].round(4).tolist()
    [1.0, 1.1111]
    """
    lq_threshold = check_number(lq_threshold, "lq_threshold", "cluster_kpis", low=0)
    df = tidy_activity(activity, value=value)
    if "year" not in df.columns:
        raise LabelError("cluster_kpis needs a long activity table with a 'year' column.")
    years = sorted(df["year"].unique().tolist())
    start = years[0] if start is None else start
    end = years[-1] if end is None else end
    for nm, y in (("start", start), ("end", end)):
        if y not in years:
            raise ParameterError(f"The '{nm}' parameter of cluster_kpis must be one of {years}. Got {y!r} instead.")
    s0 = stars(df, value=value, year=start, lq_threshold=lq_threshold, top=top)
    s1 = stars(df, value=value, year=end, lq_threshold=lq_threshold, top=top)
    v0, v1 = s0[value].to_numpy(), s1[value].to_numpy()
    growth = np.full(v0.shape, np.nan)
    np.divide(v1 - v0, v0, out=growth, where=v0 > 0)
    growth[(v0 == 0) & (v1 == 0)] = 0.0
    out = pd.DataFrame(
        {
            f"{value}_start": v0,
            f"{value}_end": v1,
            "change": v1 - v0,
            "growth": growth,
            "lq_start": s0["lq"].to_numpy(),
            "lq_end": s1["lq"].to_numpy(),
            "lq_change": s1["lq"].to_numpy() - s0["lq"].to_numpy(),
            "stars_start": s0["stars"].to_numpy(),
            "stars_end": s1["stars"].to_numpy(),
        },
        index=s0.index,
    )
    out.attrs = {"metric": "cluster_kpis", "value": value, "start": start, "end": end}
    return out


def regional_kpis(
    activity: pd.DataFrame,
    *,
    value: str = "employment",
    lq_threshold: float = 2.0,
    top: float = 0.1,
    min_stars: int = 1,
    reference: str = "rest",
) -> pd.DataFrame:
    """Regional KPIs per year: total, growth, share in starred clusters, Herfindahl, Krugman.

    Parameters
    ----------
    min_stars : int, default 1
        A cluster counts as starred with at least this many stars.

    Returns
    -------
    DataFrame indexed by (year, region) (or region for a single year) with columns
    ``total``, ``growth`` (vs the previous year of the table; NaN for the first year or a
    zero base), ``starred_share``, ``n_starred``, ``herfindahl``, ``krugman``.

    Examples
    --------
    >>> E = pd.DataFrame({"cars": [30, 10], "food": [10, 50]}, index=["north", "south"])
    >>> vc.clusters.regional_kpis(E)["herfindahl"].round(4).tolist()
    [0.625, 0.7222]
    """
    min_stars = check_int(min_stars, "min_stars", "regional_kpis", low=1)
    check_choice(reference, "reference", "regional_kpis", ("rest", "total"))
    frames = []
    prev: pd.Series | None = None
    for y, E, _ in _years(activity, value, None, "regional_kpis"):
        st = _stars_frame(E, None, value, lq_threshold, top)
        starred = (st["stars"] >= min_stars).to_numpy().reshape(E.shape)
        X = E.to_numpy()
        tot = X.sum(axis=1)
        growth = np.full(tot.shape, np.nan)
        if prev is not None:
            p = prev.reindex(E.index).to_numpy()
            np.divide(tot - p, p, out=growth, where=p > 0)
        prev = pd.Series(tot, index=E.index)
        f = pd.DataFrame(
            {
                "total": tot,
                "growth": growth,
                "starred_share": _div((X * starred).sum(axis=1), tot),
                "n_starred": starred.sum(axis=1),
                "herfindahl": _herf(E).to_numpy(),
                "krugman": _krug(E, reference).to_numpy(),
            },
            index=E.index,
        )
        frames.append((y, f))
    out = _stack(frames, len(frames) > 1)
    out.attrs = {"metric": "regional_kpis", "value": value, "min_stars": min_stars}
    return out
