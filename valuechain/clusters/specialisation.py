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

Suppressed cells (NaN in the long table: BEA "(D)", "(L)", "(NA)"; or cells below
``min_cell``) stay missing: their LQ, focus, share and stars are NaN, they are left out
of the region and industry totals (the denominators are the sums of the published
cells), and a regional index that needs them (Herfindahl, Krugman, starred share) is
NaN with the reason in a ``reason`` column.  A cell absent from the long table of a
region and industry that exist that year is 0.

Years are joined **by label**: every multi-year function outer-joins the years on
(region, industry).  A region present only in the later year is a *birth*, one present
only in the earlier year a *death*; their missing side is NaN, never taken from another
row.  ``regions=`` harmonises region codes first (see
:func:`valuechain.clusters.regions.harmonise_regions`).

Traded industries: with ``traded_only=True`` (the default of :func:`stars`,
:func:`cluster_kpis`, :func:`regional_kpis`) the rows and shares are restricted to the
traded industries of :mod:`valuechain.clusters.traded` (LQs are still computed against
total regional employment); when no industry of the table is classified the filter is
not applied and ``attrs["industries"]`` says so.
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pandas as pd

from .._validation import check_choice, check_int, check_number
from ..errors import LabelError, ParameterError
from .activity import KEYS, _select_year, tidy_activity
from .traded import traded_mask

__all__ = ["location_quotients", "stars", "cluster_kpis", "regional_kpis", "herfindahl", "krugman",
           "lq_change", "entry_list", "exit_list", "shift_share", "specialisation_stars"]


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b with 0 where b == 0 (NaN in a or b propagates)."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    out = np.zeros(a.shape)
    ok = b != 0
    np.divide(a, b, out=out, where=ok)
    out[np.isnan(a) | np.isnan(b)] = np.nan
    return out


def _prepare(activity: Any, value: str, func: str, regions: Any = None, min_cell: float | None = None,
             extra: tuple[str, ...] = (), extension: str | None = None, stressor: Any = None) -> pd.DataFrame:
    if extension is not None:
        from .satellite import extension_activity

        activity = extension_activity(activity, extension, stressor=stressor, value=value)
    elif not isinstance(activity, (pd.DataFrame, pd.Series)) and hasattr(activity, "extensions"):
        raise ParameterError(f"The 'extension' parameter of {func} is required when the activity is an IO table "
                             "(name the employment or skills extension to read).")
    df = tidy_activity(activity, value=value)
    for col in (value,) + extra:
        if col not in df.columns:
            vals = [c for c in df.columns if c not in KEYS]
            raise LabelError(f"{func}: the activity table has no {col!r} column; value columns are {vals}.")
    if regions is not None:
        from .regions import harmonise_regions

        df = harmonise_regions(df, regions, value=value)
    if min_cell is not None:
        min_cell = check_number(min_cell, "min_cell", func, low=0)
        df = df.copy()
        df.loc[df[value] < min_cell, value] = np.nan
    df.attrs = dict(getattr(activity, "attrs", {}) or {})
    return df


def _wide(g: pd.DataFrame, col: str) -> pd.DataFrame:
    """Region x industry matrix of one year: absent rows 0, NaN (suppressed) kept."""
    s = g.set_index(["region", "industry"])[col]
    m = s.fillna(-1.0).unstack(fill_value=0.0)
    m = m.where(m >= 0, np.nan).astype(float)
    m.index.name, m.columns.name = "region", "industry"
    return m


def _years(activity: Any, value: str, year: int | None, func: str, extra: tuple[str, ...] = (), *,
           regions: Any = None, min_cell: float | None = None,
           ) -> Iterator[tuple[int | None, pd.DataFrame, dict[str, pd.DataFrame]]]:
    """Yield (year, wide value matrix, {extra: wide matrix}) per selected year, each on its own labels."""
    df = _prepare(activity, value, func, regions, min_cell, extra)
    if year is not None or "year" not in df.columns:
        df, y = _select_year(df, year, func)
        groups = [(y, df)]
    else:
        groups = [(int(y), g) for y, g in df.groupby("year", sort=True)]
    for y, g in groups:
        mats = {col: _wide(g, col) for col in (value,) + extra}
        E = mats[value]
        for col in extra:
            mats[col] = mats[col].reindex(index=E.index, columns=E.columns, fill_value=0.0)
        yield y, E, mats


def _stack(frames: list[tuple[int | None, pd.DataFrame]], multi_year: bool) -> pd.DataFrame:
    if multi_year:
        return pd.concat([f for _, f in frames], keys=[y for y, _ in frames], names=["year"])
    return frames[0][1]


def _published(attrs: dict, year: int | None, E: pd.DataFrame, use: Any) -> dict[str, Any] | None:
    """Published totals for *year* (BEA: line 10 by state, the US rows by line), aligned on E."""
    if use is False or not attrs.get("published_totals"):
        return None
    pub = attrs["published_totals"]
    y = str(year)
    out: dict[str, Any] = {}
    rt = (pub.get("region_totals") or {}).get(y)
    if rt:
        out["er"] = pd.Series(rt).reindex(E.index).to_numpy(float)[:, None]
    it = (pub.get("industry_totals") or {}).get(y)
    gt = (pub.get("grand_total") or {}).get(y)
    if it and gt:
        out["ec"] = pd.Series(it).reindex(E.columns).to_numpy(float)[None, :]
        out["tot"] = float(gt)
    return out or None


def _lq_frame(E: pd.DataFrame, value: str, pub: dict[str, Any] | None = None) -> pd.DataFrame:
    X = E.to_numpy()
    er = np.nansum(X, axis=1, keepdims=True)
    ec = np.nansum(X, axis=0, keepdims=True)
    tot = float(np.nansum(X))
    if pub:
        if "er" in pub:
            er = np.where(np.isfinite(pub["er"]), pub["er"], er)
        if "ec" in pub:
            ec = np.where(np.isfinite(pub["ec"]), pub["ec"], ec)
            tot = pub["tot"]
    focus = _div(X, er)
    share = _div(X, ec)
    lq = _div(focus, ec / tot if tot > 0 else np.zeros_like(ec))
    idx = pd.MultiIndex.from_product([E.index, E.columns], names=["region", "industry"])
    df = pd.DataFrame(
        {value: X.ravel(), "lq": lq.ravel(), "focus": focus.ravel(), "share": share.ravel()}, index=idx
    )
    sup = np.isnan(X).ravel()
    if sup.any():
        df["suppressed"] = sup
    return df


def _multi(df: pd.DataFrame, year: int | None) -> bool:
    if year is not None or "year" not in df.columns:
        return False
    return df["year"].nunique() > 1


def _industry_filter(out: pd.DataFrame, traded_only: Any, func: str) -> tuple[pd.DataFrame, str]:
    inds = pd.Index(pd.unique(out.index.get_level_values("industry")))
    mask, note = traded_mask(inds, traded_only, func)
    if mask.all():
        return out, note
    keep = inds[mask]
    return out[out.index.get_level_values("industry").isin(keep)], note


def location_quotients(activity: pd.DataFrame, *, value: str = "employment", year: int | None = None,
                       regions: Any = None, min_cell: float | None = None, published_totals: bool = True) -> pd.DataFrame:
    """Location quotients, focus and share of every region x industry cell.

    ``LQ_rc = (E_rc / E_r) / (E_c / E)``; ``focus = E_rc / E_r``; ``share = E_rc / E_c``.
    Suppressed (NaN) cells have NaN LQ and are left out of the totals; a ``suppressed``
    column flags them when there are any.

    Parameters
    ----------
    activity : DataFrame
        Long or wide activity table (see :func:`tidy_activity`).
    value : str, default "employment"
        Value column.
    year : int, optional
        One year; by default every year of a long table (then ``year`` leads the index).
    regions : DataFrame or dict, optional
        Region concordance applied first (old code -> new code, with shares for splits).
    min_cell : float, optional
        Cells below this value are treated as suppressed (NaN), e.g. for ABS TableBuilder's
        perturbed small counts.
    published_totals : bool, default True
        Take the denominators ``E_r``, ``E_c``, ``E`` from the published totals the reader
        attached (``attrs["published_totals"]``: BEA line 10 by state, the US rows by line),
        so that suppressed cells do not shrink them; otherwise (or where none is published)
        the sums of the published cells.

    Returns
    -------
    DataFrame indexed by (region, industry) — or (year, region, industry) — with
    columns *value*, ``lq``, ``focus``, ``share`` [, ``suppressed``].

    Examples
    --------
    >>> E = pd.DataFrame({"cars": [30, 10], "food": [10, 50]}, index=["north", "south"])
    >>> vc.clusters.location_quotients(E)["lq"].round(4).tolist()
    [1.875, 0.4167, 0.4167, 1.3889]
    """
    df = _prepare(activity, value, "location_quotients", regions, min_cell)
    use = published_totals and regions is None
    frames = [(y, _lq_frame(E, value, _published(df.attrs, y, E, use)))
              for y, E, _ in _years(df, value, year, "location_quotients")]
    out = _stack(frames, _multi(df, year))
    out.attrs = {"metric": "location_quotient", "unit": "ratio", "value": value,
                 "year": year if year is not None else frames[-1][0],
                 "source": df.attrs.get("source", ""),
                 "suppressed_rule": "NaN cells stay NaN and are left out of the totals",
                 "denominators": "published totals" if use and df.attrs.get("published_totals") else "sums of the cells"}
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
                 top: float, pub: dict[str, Any] | None = None) -> pd.DataFrame:
    df = _lq_frame(E, value, pub)
    X = E.to_numpy()
    sup = np.isnan(X)
    present = np.nan_to_num(X, nan=0.0) > 0
    size = _top_star(X, present, top)
    lqm = np.nan_to_num(df["lq"].to_numpy().reshape(X.shape), nan=0.0)
    spec = present & (lqm >= lq_threshold)
    if out_mat is None:
        third = _top_star(df["focus"].to_numpy().reshape(X.shape), present, top)
        third_name = "focus_star"
    else:
        prod = _div(out_mat.to_numpy(), X)
        df["productivity"] = prod.ravel()
        third = _top_star(prod, present & np.isfinite(prod), top)
        third_name = "productivity_star"
    df["size_star"] = size.ravel()
    df["specialisation_star"] = spec.ravel()
    df[third_name] = third.ravel()
    n = (size.astype(np.int64) + spec + third).ravel()
    if sup.any():
        n = n.astype(float)
        n[sup.ravel()] = np.nan
    df["stars"] = n
    return df


def stars(
    activity: pd.DataFrame,
    *,
    value: str = "employment",
    output: str | None = None,
    lq_threshold: float = 2.0,
    top: float = 0.1,
    year: int | None = None,
    traded_only: Any = True,
    regions: Any = None,
    min_cell: float | None = None,
) -> pd.DataFrame:
    """European Cluster Observatory stars (0-3) of every region x industry cluster.

    Size: the cluster's employment is in the top decile of the industry's clusters;
    specialisation: ``LQ >= lq_threshold``; focus: the cluster's share of regional
    employment is in the industry's top decile — or, when *output* names a column
    (output, GVA), productivity (output per unit of *value*) in the top decile.

    The rule was built for ~260 NUTS-2 regions and cluster categories; on a few dozen
    states the size star mostly measures size.  :func:`specialisation_stars` gives the
    scale-free reading (LQ >= 2 or >= 2 stars).

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
    traded_only : bool or collection, default True
        Keep only the traded industries (see :mod:`valuechain.clusters.traded`); a list or
        bool Series names them explicitly.  Stars of the traded industries do not depend on it.
    regions, min_cell
        See :func:`location_quotients`.

    Returns
    -------
    DataFrame indexed by (region, industry) (or with a leading ``year`` level) with
    columns *value*, ``lq``, ``focus``, ``share``, [``productivity``], ``size_star``,
    ``specialisation_star``, ``focus_star`` or ``productivity_star``, ``stars``
    (int; float with NaN for suppressed cells when there are any).

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
    df = _prepare(activity, value, func, regions, min_cell, extra)
    frames = []
    for y, E, mats in _years(df, value, year, func, extra):
        pub = _published(df.attrs, y, E, regions is None)
        frames.append((y, _stars_frame(E, mats.get(output) if output else None, value, lq_threshold, top, pub)))
    out = _stack(frames, _multi(df, year))
    out, note = _industry_filter(out, traded_only, func)
    out.attrs = {"metric": "cluster_stars", "value": value, "lq_threshold": lq_threshold, "top": top,
                 "third_star": "productivity" if output else "focus", "industries": note,
                 "year": year if year is not None else frames[-1][0]}
    return out


def specialisation_stars(activity: pd.DataFrame, *, value: str = "employment", year: int | None = None,
                         lq_threshold: float = 2.0, min_stars: int = 2, top: float = 0.1,
                         traded_only: Any = True, regions: Any = None, scale: str | None = None) -> pd.DataFrame:
    """Specialisations: clusters with ``LQ >= lq_threshold`` or at least *min_stars* stars.

    The starred share of :func:`regional_kpis` counts these.  The spatial scale (``"state"``,
    ``"LGA"``, ``"NUTS-2"``...) is recorded in ``attrs["spatial_scale"]`` with the number of
    regions: the star deciles mean different things on 51 states and on 560 LGAs.

    Returns
    -------
    The :func:`stars` frame with a bool column ``specialised``.

    Examples
    --------
    >>> E = pd.DataFrame({"cars": [30, 10], "food": [10, 50]}, index=["north", "south"])
    >>> vc.clusters.specialisation_stars(E, lq_threshold=1.5)["specialised"].tolist()
    [True, False, False, True]
    """
    min_stars = check_int(min_stars, "min_stars", "specialisation_stars", low=1)
    st = stars(activity, value=value, year=year, lq_threshold=lq_threshold, top=top, traded_only=traded_only,
               regions=regions)
    spec = (st["lq"].fillna(0) >= lq_threshold) | (st["stars"].fillna(0) >= min_stars)
    out = st.assign(specialised=spec.to_numpy())
    n_reg = out.index.get_level_values("region").nunique()
    out.attrs = dict(st.attrs, metric="specialisation_stars", min_stars=min_stars,
                     spatial_scale=scale or (getattr(activity, "attrs", {}) or {}).get("spatial_scale", "unstated"),
                     n_regions=int(n_reg),
                     rule=f"LQ >= {lq_threshold:g} or >= {min_stars} ECO stars")
    return out


def herfindahl(activity: pd.DataFrame, *, value: str = "employment", year: int | None = None) -> pd.Series:
    """Herfindahl specialisation index of each region, ``H_r = Σ_c (E_rc / E_r)²``.

    NaN for a region with a suppressed cell (its shares are unknown).

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


def _herf(E: pd.DataFrame, skip: bool = False) -> pd.Series:
    X = E.to_numpy()
    if skip:
        X = np.nan_to_num(X, nan=0.0)
    sh = _div(X, np.nansum(X, axis=1, keepdims=True))
    return pd.Series((sh ** 2).sum(axis=1), index=E.index, name="herfindahl")


def _krug(E: pd.DataFrame, reference: str, skip: bool = False) -> pd.Series:
    X = E.to_numpy()
    if skip:
        X = np.nan_to_num(X, nan=0.0)
    X0 = np.nan_to_num(X, nan=0.0)
    sh = _div(X, np.nansum(X, axis=1, keepdims=True))
    if reference == "total":
        ref = _div(X0.sum(axis=0, keepdims=True), np.array([[X0.sum()]]))
    else:
        rest = X0.sum(axis=0, keepdims=True) - X0
        ref = _div(rest, rest.sum(axis=1, keepdims=True))
    k = np.abs(sh - ref).sum(axis=1)
    k[np.nansum(X, axis=1) == 0] = 0.0
    k[np.isnan(X).any(axis=1)] = np.nan
    return pd.Series(k, index=E.index, name="krugman")


def krugman(activity: pd.DataFrame, *, value: str = "employment", year: int | None = None,
            reference: str = "rest") -> pd.Series:
    """Krugman specialisation (dissimilarity) index ``K_r = Σ_c |s_rc - s_c^ref|``, in [0, 2].

    NaN for a region with a suppressed cell; the reference shares leave suppressed cells out.

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


# ------------------------------------------------------------ multi-year, by label
def _two_years(df: pd.DataFrame, start: int | None, end: int | None, func: str) -> tuple[int, int]:
    if "year" not in df.columns:
        raise LabelError(f"{func} needs a long activity table with a 'year' column.")
    years = sorted(df["year"].unique().tolist())
    start = years[0] if start is None else start
    end = years[-1] if end is None else end
    for nm, y in (("start", start), ("end", end)):
        if y not in years:
            raise ParameterError(f"The '{nm}' parameter of {func} must be one of {years}. Got {y!r} instead.")
    return int(start), int(end)


def _status(region_in0: np.ndarray, region_in1: np.ndarray) -> np.ndarray:
    return np.where(region_in0 & region_in1, "continuing", np.where(region_in1, "birth", "death"))


def cluster_kpis(
    activity: pd.DataFrame,
    *,
    value: str = "employment",
    start: int | None = None,
    end: int | None = None,
    lq_threshold: float = 2.0,
    top: float = 0.1,
    traded_only: Any = True,
    regions: Any = None,
    min_cell: float | None = None,
    extension: str | None = None,
    stressor: Any = None,
) -> pd.DataFrame:
    """Change of every cluster between two years, joined by (region, industry) label.

    Parameters
    ----------
    start, end : int, optional
        Years compared (default the first and last of the table).
    lq_threshold, top
        Star rules (see :func:`stars`).
    traded_only : bool or collection, default True
        Traded industries only (see :func:`stars`).
    regions : DataFrame or dict, optional
        Region concordance applied first (old code -> new code [, share]); see
        :func:`valuechain.clusters.regions.harmonise_regions`.
    min_cell : float, optional
        Cells below it are suppressed (NaN).
    extension, stressor : str, optional
        Read the activity off the IO side: *activity* is then one IO table per year (a
        ``{year: IOTable}`` mapping or a list with ``meta.year`` set) and *extension* names
        its employment or skills account (*stressor*: which row(s); see
        :func:`valuechain.clusters.satellite.extension_activity`).

    Returns
    -------
    DataFrame indexed by (region, industry) — the union of both years — with
    ``<value>_start``, ``<value>_end``, ``change``, ``growth`` (relative; NaN from 0),
    ``lq_start``, ``lq_end``, ``lq_change``, ``stars_start``, ``stars_end``, ``status``
    (``continuing``; ``birth``: the region exists only at *end*; ``death``: only at
    *start*) and ``reason`` (why a KPI is NaN: ``birth``, ``death``, ``suppressed``,
    ``zero start``; empty otherwise).  Births and deaths have NaN on their missing side.

    Examples
    --------
    >>> long = pd.DataFrame({"region": ["a", "a", "b", "b"] * 2, "industry": ["x", "y"] * 4,
    ...                      "year": [2010] * 4 + [2020] * 4, "employment": [10, 10, 10, 10, 20, 10, 10, 10]})
    >>> vc.clusters.cluster_kpis(long).loc[("a", "x"), ["growth", "lq_end"]].round(4).tolist()
    [1.0, 1.1111]
    """
    return _kpis(activity, value, start, end, lq_threshold, top, traded_only, regions, min_cell, "cluster_kpis",
                 extension, stressor)


def _kpis(activity: Any, value: str, start: int | None, end: int | None, lq_threshold: float, top: float,
          traded_only: Any, regions: Any, min_cell: float | None, func: str, extension: str | None = None,
          stressor: Any = None) -> pd.DataFrame:
    lq_threshold = check_number(lq_threshold, "lq_threshold", func, low=0)
    df = _prepare(activity, value, func, regions, min_cell, extension=extension, stressor=stressor)
    start, end = _two_years(df, start, end, func)
    s0 = stars(df, value=value, year=start, lq_threshold=lq_threshold, top=top, traded_only=False)
    s1 = stars(df, value=value, year=end, lq_threshold=lq_threshold, top=top, traded_only=False)
    cols = [value, "lq", "stars"]
    j = s0[cols].add_suffix("_start").join(s1[cols].add_suffix("_end"), how="outer", sort=False)
    r0 = pd.Index(pd.unique(s0.index.get_level_values("region")))
    r1 = pd.Index(pd.unique(s1.index.get_level_values("region")))
    reg = j.index.get_level_values("region")
    in0, in1 = np.asarray(reg.isin(r0)), np.asarray(reg.isin(r1))
    status = _status(in0, in1)
    v0, v1 = j[f"{value}_start"].to_numpy(float), j[f"{value}_end"].to_numpy(float)
    # an industry missing in one year of a continuing region is a 0 cell of that year
    v0 = np.where(in0 & ~np.asarray(j.index.isin(s0.index)), 0.0, v0)
    v1 = np.where(in1 & ~np.asarray(j.index.isin(s1.index)), 0.0, v1)
    growth = np.full(v0.shape, np.nan)
    np.divide(v1 - v0, v0, out=growth, where=np.nan_to_num(v0, nan=0.0) > 0)
    growth[(v0 == 0) & (v1 == 0)] = 0.0
    sup0 = in0 & np.isnan(v0)
    sup1 = in1 & np.isnan(v1)
    reason = np.where(status == "birth", "birth", np.where(status == "death", "death", ""))
    reason = np.where((reason == "") & (sup0 | sup1), "suppressed", reason)
    reason = np.where((reason == "") & (v0 == 0) & (v1 > 0), "zero start", reason)
    lq0, lq1 = j["lq_start"].to_numpy(float), j["lq_end"].to_numpy(float)
    out = pd.DataFrame(
        {
            f"{value}_start": v0,
            f"{value}_end": v1,
            "change": v1 - v0,
            "growth": growth,
            "lq_start": lq0,
            "lq_end": lq1,
            "lq_change": lq1 - lq0,
            "stars_start": j["stars_start"].to_numpy(float),
            "stars_end": j["stars_end"].to_numpy(float),
            "status": status,
            "reason": reason,
        },
        index=j.index,
    )
    out, note = _industry_filter(out, traded_only, func)
    births = sorted(set(out.index.get_level_values("region")[out["status"].to_numpy() == "birth"]))
    deaths = sorted(set(out.index.get_level_values("region")[out["status"].to_numpy() == "death"]))
    out.attrs = {"metric": func, "value": value, "start": start, "end": end, "industries": note,
                 "births": births, "deaths": deaths, "join": "outer join on (region, industry) labels",
                 "regions": getattr(df, "attrs", {}).get("regions", {})}
    return out


def lq_change(activity: pd.DataFrame, *, value: str = "employment", start: int | None = None,
              end: int | None = None, traded_only: Any = True, regions: Any = None) -> pd.DataFrame:
    """LQ of every cluster at *start* and *end* and its change, joined by label.

    Returns
    -------
    DataFrame indexed by (region, industry): ``lq_start``, ``lq_end``, ``lq_change``, ``status``, ``reason``.

    Examples
    --------
    >>> long = pd.DataFrame({"region": ["a", "a", "b", "b", "a", "a", "c", "c"], "industry": ["x", "y"] * 4,
    ...                      "year": [1] * 4 + [2] * 4, "employment": [1, 1, 1, 1, 3, 1, 1, 1]})
    >>> vc.clusters.lq_change(long)["status"].tolist()
    ['continuing', 'continuing', 'death', 'death', 'birth', 'birth']
    """
    k = _kpis(activity, value, start, end, 2.0, 0.1, traded_only, regions, None, "lq_change")
    out = k[["lq_start", "lq_end", "lq_change", "status", "reason"]].copy()
    out.attrs = dict(k.attrs, metric="lq_change")
    return out


def _entries(activity: Any, value: str, start: int | None, end: int | None, threshold: float,
             traded_only: Any, regions: Any, func: str, entry: bool) -> pd.DataFrame:
    threshold = check_number(threshold, "threshold", func, low=0)
    k = _kpis(activity, value, start, end, 2.0, 0.1, traded_only, regions, None, func)
    cont = k["status"].to_numpy() == "continuing"
    a, b = k["lq_start"].to_numpy(float), k["lq_end"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        hit = (a < threshold) & (b >= threshold) if entry else (a >= threshold) & (b < threshold)
    out = k.loc[cont & hit, [f"{value}_start", f"{value}_end", "lq_start", "lq_end"]]
    out = out.sort_values("lq_end" if entry else "lq_start", ascending=False)
    out.attrs = dict(k.attrs, metric="entry_list" if entry else "exit_list", threshold=threshold,
                     note="continuing regions only; births and deaths are listed in attrs")
    return out


def entry_list(activity: pd.DataFrame, *, value: str = "employment", start: int | None = None,
               end: int | None = None, threshold: float = 1.0, traded_only: Any = True,
               regions: Any = None) -> pd.DataFrame:
    """Specialisations gained: clusters with ``LQ < threshold`` at *start* and ``>= threshold`` at *end*.

    As EconGeo's ``entry_list`` (on LQ rather than a 0/1 matrix); continuing regions only.

    Examples
    --------
    >>> long = pd.DataFrame({"region": ["a", "a", "b", "b"] * 2, "industry": ["x", "y"] * 4,
    ...                      "year": [1] * 4 + [2] * 4, "employment": [1, 3, 3, 1, 3, 1, 1, 3]})
    >>> vc.clusters.entry_list(long).index.tolist()
    [('a', 'x'), ('b', 'y')]
    """
    return _entries(activity, value, start, end, threshold, traded_only, regions, "entry_list", True)


def exit_list(activity: pd.DataFrame, *, value: str = "employment", start: int | None = None,
              end: int | None = None, threshold: float = 1.0, traded_only: Any = True,
              regions: Any = None) -> pd.DataFrame:
    """Specialisations lost: clusters with ``LQ >= threshold`` at *start* and ``< threshold`` at *end*.

    Examples
    --------
    >>> long = pd.DataFrame({"region": ["a", "a", "b", "b"] * 2, "industry": ["x", "y"] * 4,
    ...                      "year": [1] * 4 + [2] * 4, "employment": [1, 3, 3, 1, 3, 1, 1, 3]})
    >>> vc.clusters.exit_list(long).index.tolist()
    [('a', 'y'), ('b', 'x')]
    """
    return _entries(activity, value, start, end, threshold, traded_only, regions, "exit_list", False)


def shift_share(activity: pd.DataFrame, *, value: str = "employment", start: int | None = None,
                end: int | None = None, traded_only: Any = True, regions: Any = None) -> pd.DataFrame:
    """Shift-share decomposition of each region's employment growth between two years.

    ``ΔE_r = NS + IM + RS`` with national share ``NS = Σ_c E_rc,0 g``, industry mix
    ``IM = Σ_c E_rc,0 (g_c - g)`` and regional (competitive) shift
    ``RS = Σ_c E_rc,0 (g_rc - g_c)``; ``g`` is national growth, ``g_c`` industry growth and
    ``g_rc`` the cluster's growth, all over the regions present in both years.  Regions
    present in one year only (births, deaths) get NaN with the reason; a region with a
    suppressed cell too.

    Returns
    -------
    DataFrame indexed by region: ``start``, ``end``, ``change``, ``national``,
    ``industry_mix``, ``competitive``, ``status``, ``reason``.

    Examples
    --------
    >>> long = pd.DataFrame({"region": ["a", "a", "b", "b"] * 2, "industry": ["x", "y"] * 4,
    ...                      "year": [1] * 4 + [2] * 4, "employment": [10, 10, 10, 10, 20, 10, 10, 12]})
    >>> s = vc.clusters.shift_share(long, traded_only=False)
    >>> s[["national", "industry_mix", "competitive"]].sum(axis=1).round(6).tolist() == s["change"].tolist()
    True
    """
    k = _kpis(activity, value, start, end, 2.0, 0.1, traded_only, regions, None, "shift_share")
    v0, v1 = k[f"{value}_start"], k[f"{value}_end"]
    cont = k["status"] == "continuing"
    ok = cont & v0.notna() & v1.notna()
    c0, c1 = v0[ok], v1[ok]
    g = c1.sum() / c0.sum() - 1 if c0.sum() > 0 else np.nan
    ind0 = c0.groupby(level="industry").sum()
    ind1 = c1.groupby(level="industry").sum()
    gc = (ind1 / ind0.where(ind0 > 0) - 1).reindex(k.index.get_level_values("industry")).to_numpy()
    e0 = v0.to_numpy(float)
    d = (v1 - v0).to_numpy(float)
    ns = e0 * g
    im = e0 * (np.nan_to_num(gc, nan=0.0) - g)
    rs = d - ns - im
    parts = pd.DataFrame({"start": e0, "end": v1.to_numpy(float), "change": d, "national": ns,
                          "industry_mix": im, "competitive": rs}, index=k.index)
    by = parts.groupby(level="region", sort=False).sum(min_count=1)
    bad = (~ok).groupby(level="region", sort=False).any()
    st = k["status"].groupby(level="region", sort=False).first()
    reason = np.where(st != "continuing", st, np.where(bad.reindex(by.index), "suppressed", ""))
    by.loc[np.asarray(reason != ""), ["change", "national", "industry_mix", "competitive"]] = np.nan
    by["status"] = st.reindex(by.index).to_numpy()
    by["reason"] = reason
    by.attrs = dict(k.attrs, metric="shift_share", national_growth=float(g))
    return by


def regional_kpis(
    activity: pd.DataFrame,
    *,
    value: str = "employment",
    lq_threshold: float = 2.0,
    top: float = 0.1,
    min_stars: int = 2,
    reference: str = "rest",
    traded_only: Any = True,
    regions: Any = None,
    min_cell: float | None = None,
    scale: str | None = None,
    suppressed: str = "nan",
    extension: str | None = None,
    stressor: Any = None,
    related: Any = None,
) -> pd.DataFrame:
    """Regional KPIs per year, joined by region label: total, growth, starred share, Herfindahl, Krugman.

    The starred share is the share of the region's (traded) employment in its
    specialisations (:func:`specialisation_stars`: ``LQ >= lq_threshold`` or at least
    *min_stars* stars), a measure of specialisation rather than size.

    Parameters
    ----------
    min_stars : int, default 2
        A cluster counts as starred with at least this many stars (or ``LQ >= lq_threshold``).
    traded_only : bool or collection, default True
        Starred share and counts over traded industries (totals, Herfindahl and Krugman use all).
    regions, min_cell
        See :func:`cluster_kpis`.
    scale : str, optional
        The spatial scale, recorded in attrs.
    suppressed : {"nan", "skip"}, default "nan"
        A region with a suppressed cell gets NaN Herfindahl, Krugman and starred share
        (reason ``suppressed``), or, with ``"skip"``, values over its published cells
        (reason ``computed without n suppressed cell(s)``).
    extension, stressor : str, optional
        Read the activity off an IO table's satellite account (see :func:`cluster_kpis`).
    related : Series or RelatedIndustries, optional
        Industry -> related-industry cluster (e.g. :func:`related_industries`' ``clusters``,
        or the U.S. Cluster Mapping benchmark clusters).  Adds ``related_share``: the share
        of the region's traded employment in industries that are not starred themselves but
        share a cluster with one of its starred industries (the related variety around its
        specialisations; NaN with a suppressed traded cell unless ``suppressed="skip"``).

    Returns
    -------
    DataFrame indexed by (year, region) (or region for a single year) with columns
    ``total``, ``growth`` (vs the previous year of the table, by label; NaN for the first
    year, a zero base or a birth), ``starred_share``, ``n_starred``, ``herfindahl``,
    ``krugman``, ``status`` (``continuing``, ``birth``, ``death`` — a death row carries
    NaN values in the year the region disappears) and ``reason``.

    Examples
    --------
    >>> E = pd.DataFrame({"cars": [30, 10], "food": [10, 50]}, index=["north", "south"])
    >>> vc.clusters.regional_kpis(E)["herfindahl"].round(4).tolist()
    [0.625, 0.7222]
    """
    func = "regional_kpis"
    min_stars = check_int(min_stars, "min_stars", func, low=1)
    check_choice(reference, "reference", func, ("rest", "total"))
    check_choice(suppressed, "suppressed", func, ("nan", "skip"))
    skip = suppressed == "skip"
    df = _prepare(activity, value, func, regions, min_cell, extension=extension, stressor=stressor)
    frames = []
    prev: pd.Series | None = None
    note = "all industries"
    groups = None
    if related is not None:
        groups = getattr(related, "clusters", related)
        if not isinstance(groups, pd.Series):
            groups = pd.Series(groups)
    for y, E, _ in _years(df, value, None, func):
        st = _stars_frame(E, None, value, lq_threshold, top)
        mask, note = traded_mask(E.columns, traded_only, func)
        lqm = np.nan_to_num(st["lq"].to_numpy().reshape(E.shape), nan=0.0)
        nst = np.nan_to_num(st["stars"].to_numpy(float).reshape(E.shape), nan=0.0)
        X = E.to_numpy()
        X0 = np.nan_to_num(X, nan=0.0)
        starred = ((lqm >= lq_threshold) | (nst >= min_stars)) & mask[None, :]
        tot = X0.sum(axis=1)
        tr_tot = (X0 * mask[None, :]).sum(axis=1)
        sup = np.isnan(X).any(axis=1)
        sup_tr = np.isnan(X[:, mask]).any(axis=1) if mask.any() else np.zeros(len(tot), bool)
        growth = np.full(tot.shape, np.nan)
        status = np.array(["continuing"] * len(tot), dtype=object)
        nsup = np.isnan(X).sum(axis=1)
        reason = np.where(sup, np.char.add(np.char.add("computed without ", nsup.astype(str)), " suppressed cell(s)")
                          if skip else "suppressed", "").astype(object)
        if prev is not None:
            p = prev.reindex(E.index).to_numpy()
            np.divide(tot - p, p, out=growth, where=np.nan_to_num(p, nan=0.0) > 0)
            born = ~E.index.isin(prev.index)
            status[born] = "birth"
            reason = np.where(born, "birth", reason)
        share = _div((X0 * starred).sum(axis=1), tr_tot)
        if not skip:
            share[sup_tr] = np.nan
        rel_share = None
        if groups is not None:
            g = groups.reindex(E.columns).to_numpy(dtype=object)
            known = pd.notna(g)
            codes = pd.factorize(np.where(known, g, None))[0]  # -1 = no cluster
            K = codes.max() + 1
            onehot = np.zeros((len(codes), max(K, 1)))
            onehot[np.flatnonzero(known), codes[known]] = 1.0
            hot = (starred.astype(float) @ onehot) > 0  # region x cluster: has a starred member
            near = (hot @ onehot.T > 0) & ~starred & mask[None, :]  # an unclustered industry has a zero row
            rel_share = _div((X0 * near).sum(axis=1), tr_tot)
            if not skip:
                rel_share[sup_tr] = np.nan
        f = pd.DataFrame(
            {
                "total": tot,
                "growth": growth,
                "starred_share": share,
                **({} if rel_share is None else {"related_share": rel_share}),
                "n_starred": starred.sum(axis=1),
                "herfindahl": _herf(E, skip).to_numpy(),
                "krugman": _krug(E, reference, skip).to_numpy(),
                "status": status,
                "reason": reason,
            },
            index=E.index,
        )
        if prev is not None:
            gone = prev.index.difference(E.index)
            if len(gone):
                d = pd.DataFrame({c: np.nan for c in f.columns if c not in ("status", "reason")}, index=gone)
                d["n_starred"] = 0
                d["status"], d["reason"] = "death", "death"
                f = pd.concat([f, d[f.columns]])
        prev = pd.Series(tot, index=E.index)
        frames.append((y, f))
    out = _stack(frames, len(frames) > 1)
    n_reg = int(df["region"].nunique())
    out.attrs = {"metric": "regional_kpis", "value": value, "min_stars": min_stars, "industries": note,
                 "starred_rule": f"LQ >= {lq_threshold:g} or >= {min_stars} ECO stars",
                 "spatial_scale": scale or df.attrs.get("spatial_scale", "unstated"), "n_regions": n_reg}
    return out
