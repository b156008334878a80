"""Cluster statistics read off the IO side: a table's satellite account as a regional activity table.

An :class:`~valuechain.IOTable` with an employment (or skills) extension holds, per
(region, sector) node, the persons, hours or compensation of the sector in the region:
the same information as a census table of employment by region and industry, at the
table's regional and sectoral detail.  :func:`extension_activity` turns it (one table or
one per year) into the canonical long activity table, so that every cluster statistic
(:func:`~valuechain.clusters.location_quotients`, :func:`~valuechain.clusters.cluster_kpis`,
:func:`~valuechain.clusters.regional_kpis`...) applies; :func:`skills_concentration`
gives the brief's skills and knowledge concentration: the high-skill share of each
region's work and its location quotient against all regions.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .._validation import fmt_labels
from ..errors import LabelError, ParameterError

__all__ = ["extension_activity", "skills_concentration"]


def _tables(tables: Any, func: str) -> list[tuple[int | None, Any]]:
    from ..table import IOTable

    if isinstance(tables, IOTable):
        return [(tables.meta.year, tables)]
    if isinstance(tables, Mapping):
        items = list(tables.items())
    elif isinstance(tables, Sequence) and not isinstance(tables, (str, bytes)):
        items = [(getattr(t, "meta", None) and t.meta.year, t) for t in tables]
    else:
        raise ParameterError(f"The 'tables' parameter of {func} must be an IOTable, a list of them or a "
                             f"{{year: IOTable}} mapping. Got {type(tables).__name__} instead.")
    for _, t in items:
        if not isinstance(t, IOTable):
            raise ParameterError(f"The 'tables' parameter of {func} holds a {type(t).__name__}, not an IOTable.")
    years = [y for y, _ in items]
    if len(items) > 1 and (None in years or len(set(years)) < len(years)):
        raise ParameterError(f"{func}: several tables need distinct years (meta.year or the mapping's keys); "
                             f"got {years}.")
    return [(None if y is None else int(y), t) for y, t in items]


def _stressor_rows(F: pd.DataFrame, stressor: Any, ext: str, func: str) -> list[Any]:
    if stressor is None:
        if len(F.index) != 1:
            raise ParameterError(f"The 'stressor' parameter of {func} is required: extension {ext!r} has "
                                 f"stressors {fmt_labels(F.index)}.")
        return [F.index[0]]
    rows = [stressor] if not isinstance(stressor, (list, tuple, set, frozenset, pd.Index)) else list(stressor)
    missing = [r for r in rows if r not in F.index]
    if missing:
        raise LabelError(f"{func}: extension {ext!r} has no stressor {fmt_labels(missing)}; "
                         f"it has {fmt_labels(F.index)}.")
    return rows


def extension_activity(tables: Any, extension: str, *, stressor: Any = None, value: str = "employment") -> pd.DataFrame:
    """A table's satellite account as a long activity table (region, industry, [year], *value*).

    Parameters
    ----------
    tables : IOTable, list of IOTable or {year: IOTable}
        One table, or one per year (years from ``meta.year`` or the mapping's keys).
    extension : str
        Name of the extension (``t.extensions[extension]``).
    stressor : str or list of str, optional
        Stressor row(s) to take (several are summed, e.g. the skill levels of one measure);
        required when the extension has more than one.
    value : str, default "employment"
        Name of the value column.

    Returns
    -------
    Long activity table: one row per node (region = the node's region, industry = its
    sector) and year; attrs give the source table, extension, stressor and unit.

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> F = pd.DataFrame([np.arange(1.0, len(t.nodes) + 1)], index=["persons"], columns=t.nodes)
    >>> t = t.with_extension(vc.Extension("employment", F, unit="persons"))
    >>> a = vc.clusters.extension_activity(t, "employment")
    >>> a.columns.tolist(), len(a) == len(t.nodes)
    (['region', 'industry', 'year', 'employment'], True)
    """
    func = "extension_activity"
    frames = []
    unit: Any = None
    rows: list[Any] = []
    for year, t in _tables(tables, func):
        if extension not in t.extensions:
            raise LabelError(f"{func}: the table {t.meta.name or ''!s} has no extension {extension!r}; it has "
                             f"{fmt_labels(list(t.extensions)) if t.extensions else 'none'}.")
        ext = t.extensions[extension]
        rows = _stressor_rows(ext.F, stressor, extension, func)
        vals = ext.F.loc[rows].sum(axis=0).to_numpy(dtype=float)
        units = {str(ext.unit.get(r, "")) for r in rows} if isinstance(ext.unit, Mapping) else {str(ext.unit)}
        unit = units.pop() if len(units) == 1 else sorted(units)
        nodes = t.nodes
        df = pd.DataFrame({"region": [str(r) for r in nodes.get_level_values(0)],
                           "industry": [str(s) for s in nodes.get_level_values(1)]})
        if year is not None:
            df["year"] = year
        df[value] = vals
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    from .activity import tidy_activity

    out = tidy_activity(out, value=value)
    out.attrs = {"source": f"extension {extension!r} of the IO table", "extension": extension,
                 "stressor": [str(r) for r in rows], "unit": unit, "spatial_scale": "table regions"}
    return out


def skills_concentration(activity: Any, *, high: Any, total: Any = None, extension: str | None = None,
                         value: str = "employment") -> pd.DataFrame:
    """High-skill share of each region's work and its location quotient (the brief's skills concentration).

    ``share_r = H_r / W_r`` (high-skill work over all work of region *r*, summed over
    industries) and ``LQ_r = share_r / (Σ H / Σ W)``: above 1 the region's work is more
    skill-intensive than that of all regions together.  Per year when the input has years.

    Parameters
    ----------
    activity : DataFrame or IOTable(s)
        A long activity table with a column per skill measure (e.g. an occupation table
        aggregated to ``high_skill`` and ``all`` columns), or IO table(s) with a skills
        *extension* whose stressors split one measure by skill level.
    high : str or list of str
        The high-skill column(s) or stressor(s).
    total : str or list of str, optional
        The column(s)/stressor(s) of all work; default: for a table, every stressor of
        the extension; for a DataFrame, the *value* column.
    extension : str, optional
        The skills extension when *activity* is an IOTable.

    Returns
    -------
    DataFrame indexed by region (or (year, region)) with ``high``, ``total``, ``share``
    and ``lq`` (NaN where a region has no work).

    Examples
    --------
    >>> a = pd.DataFrame({"region": ["n", "n", "s", "s"], "industry": ["x", "y", "x", "y"],
    ...                   "employment": [10.0, 10.0, 30.0, 50.0], "graduates": [8.0, 2.0, 6.0, 4.0]})
    >>> vc.clusters.skills_concentration(a, high="graduates")["lq"].round(3).tolist()
    [2.5, 0.625]
    """
    func = "skills_concentration"
    from ..table import IOTable

    for pname, v in (("high", high), ("total", total)):
        ok = v is None if pname == "total" else False
        ok = ok or isinstance(v, str) or (isinstance(v, (list, tuple)) and len(v) > 0
                                          and all(isinstance(e, str) for e in v))
        if not ok:
            raise ParameterError(f"The '{pname}' parameter of {func} must be a column or stressor name or a "
                                 f"non-empty list of names. Got {v!r} instead.")

    is_table = isinstance(activity, IOTable) or (
        isinstance(activity, (Mapping, list, tuple)) and len(activity) and all(
            isinstance(t, IOTable) for t in (activity.values() if isinstance(activity, Mapping) else activity)))
    if is_table:
        if extension is None:
            raise ParameterError(f"The 'extension' parameter of {func} is required for an IO table.")
        first = activity if isinstance(activity, IOTable) else next(
            iter(activity.values() if isinstance(activity, Mapping) else activity))
        if extension not in first.extensions:
            raise LabelError(f"{func}: the table has no extension {extension!r}.")
        tot_rows = list(first.extensions[extension].F.index) if total is None else total
        h = extension_activity(activity, extension, stressor=high, value="high")
        w = extension_activity(activity, extension, stressor=tot_rows, value="total")
        keys = [k for k in ("year", "region", "industry") if k in h.columns]
        df = h.merge(w, on=keys)
        unit = w.attrs.get("unit")
    else:
        from .activity import tidy_activity

        df = tidy_activity(activity, value=value)
        hi = [high] if isinstance(high, str) else list(high)
        to = [value] if total is None else ([total] if isinstance(total, str) else list(total))
        missing = [c for c in hi + to if c not in df.columns]
        if missing:
            raise LabelError(f"{func}: the activity table has no column {fmt_labels(missing)}; it has "
                             f"{fmt_labels(df.columns)}.")
        df = df.assign(high=df[hi].sum(axis=1, min_count=1), total=df[to].sum(axis=1, min_count=1))
        unit = (getattr(activity, "attrs", {}) or {}).get("unit")
    by = ["year", "region"] if "year" in df.columns else ["region"]
    g = df.groupby(by, sort=True)[["high", "total"]].sum(min_count=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        g["share"] = g["high"] / g["total"].where(g["total"] > 0)
        if "year" in by:
            ref = g.groupby(level="year")[["high", "total"]].transform("sum")
        else:
            ref = pd.DataFrame({"high": g["high"].sum(), "total": g["total"].sum()}, index=g.index)
        g["lq"] = g["share"] / (ref["high"] / ref["total"].where(ref["total"] > 0))
    g.attrs = {"metric": "skills_concentration", "unit": unit,
               "formula": "share_r = H_r / W_r; lq_r = share_r / (sum H / sum W)"}
    return g
