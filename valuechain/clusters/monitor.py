"""The cluster monitor: one region's (or a group of regions') clusters over two years, on one page.

:func:`monitor_data` computes every table of the page from a long activity table
(all regions: the benchmark) and the regions shown (*focus*):

* specialisations and stars at the end year (:func:`~valuechain.clusters.specialisation_stars`);
* regional KPIs over the years, births and deaths (:func:`~valuechain.clusters.regional_kpis`);
* cluster KPIs between the two years joined by label, with entry and exit lists
  (:func:`~valuechain.clusters.cluster_kpis`, :func:`~valuechain.clusters.entry_list`);
* the shift-share decomposition of employment growth (:func:`~valuechain.clusters.shift_share`);
* related-industry clusters from IO links (when an IO table or flow matrix is given) and
  co-location (:func:`~valuechain.clusters.related_industries`), with the focus regions'
  share of traded employment in each cluster;
* the adjacent possible of the largest focus region with the why: density, PCI, COG and the
  strongest IO link to an industry the region already specialises in;
* the LQ change of every focus region and industry (the small-multiples chart).

:func:`monitor` renders them with :func:`valuechain.views.monitor.monitor_page` into one
offline HTML document.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .._validation import check_int
from ..errors import LabelError, ParameterError
from .activity import tidy_activity

__all__ = ["monitor", "monitor_data"]


def _io_matrix(io: Any, industries: pd.Index) -> pd.DataFrame | None:
    """A square supplier x buyer flow matrix on the activity's industries, or None."""
    if io is None:
        return None
    from ..table import IOTable
    from .related import io_relatedness

    if isinstance(io, IOTable):
        rel = io_relatedness(io)
    elif isinstance(io, pd.DataFrame):
        common = [i for i in industries if i in io.index and i in io.columns]
        if len(common) < 2:
            raise LabelError("monitor: the IO flow matrix shares fewer than 2 industries with the activity table "
                             f"(its rows include {list(io.index[:3])}).")
        rel = io_relatedness(io.loc[common, common].astype(float))
    else:
        raise ParameterError(f"The 'io' parameter of monitor must be an IOTable or a square flow DataFrame. "
                             f"Got {type(io).__name__} instead.")
    common = [i for i in industries if i in rel.index]
    return rel.loc[common, common] if len(common) >= 2 else None


def monitor_data(
    activity: pd.DataFrame,
    focus: Sequence[Any] | None = None,
    *,
    start: int | None = None,
    end: int | None = None,
    value: str = "employment",
    io: Any = None,
    traded_only: Any = True,
    regions: Any = None,
    top: int = 10,
    max_panels: int = 12,
    adjacent_for: Any = None,
) -> dict[str, Any]:
    """Every table of the cluster monitor page (see the module docstring).

    Parameters
    ----------
    activity : DataFrame
        Long activity table with a ``year`` column; all its regions are the benchmark.
    focus : sequence of region labels, optional
        The regions shown (default: all).
    start, end : int, optional
        Years compared (default first and last).
    io : IOTable or DataFrame, optional
        IO table or square flow matrix on the same industries: IO relatedness for the
        related-industry clusters and the IO links of the adjacent possible.
    traded_only, regions
        As in :func:`~valuechain.clusters.cluster_kpis`.
    top : int, default 10
        Rows of the adjacent possible and of the movers.
    max_panels : int, default 12
        Focus regions drawn in the LQ-change small multiples (the largest).
    adjacent_for : label, optional
        Region whose adjacent possible is shown (default the largest focus region).

    Returns
    -------
    dict with DataFrames ``specialisations``, ``regional``, ``clusters``, ``entries``, ``exits``,
    ``shift_share``, ``related``, ``adjacent``, ``lq_change`` and a ``meta`` dict.

    Examples
    --------
    >>> long = pd.DataFrame({"region": ["a", "a", "b", "b", "c", "c"] * 2, "industry": ["x", "y"] * 6,
    ...                      "year": [1] * 6 + [2] * 6,
    ...                      "employment": [5, 1, 1, 5, 3, 3, 8, 1, 1, 5, 3, 4]})
    >>> d = vc.clusters.monitor_data(long, ["a"], traded_only=False)
    >>> float(d["clusters"].loc[("a", "x"), "growth"])
    0.6
    """
    from .complexity import complexity
    from .related import related_industries
    from .specialisation import (cluster_kpis, entry_list, exit_list, regional_kpis, shift_share,
                                 specialisation_stars)

    func = "monitor"
    top = check_int(top, "top", func, low=1)
    max_panels = check_int(max_panels, "max_panels", func, low=1)
    df = tidy_activity(activity, value=value)
    attrs = dict(getattr(activity, "attrs", {}) or {})
    if "year" not in df.columns or df["year"].nunique() < 2:
        raise LabelError("monitor needs a long activity table with at least two years.")
    if regions is not None:
        from .regions import harmonise_regions

        df = harmonise_regions(df, regions, value=value)
    years = sorted(df["year"].unique().tolist())
    start = years[0] if start is None else start
    end = years[-1] if end is None else end
    for nm, y in (("start", start), ("end", end)):
        if y not in years:
            raise ParameterError(f"The '{nm}' parameter of {func} must be one of {years}. Got {y!r} instead.")
    df = df[df["year"].isin([start, end])]
    df.attrs = attrs
    all_regions = pd.Index(pd.unique(df["region"]))
    if focus is None:
        focus_idx = all_regions
    else:
        focus_idx = pd.Index([str(f) for f in focus])
        missing = focus_idx.difference(all_regions)
        if len(missing) == len(focus_idx):
            raise LabelError(f"monitor: none of the focus regions is in the table (e.g. {list(missing[:3])}); "
                             f"regions include {list(all_regions[:5])}.")
        focus_idx = focus_idx.intersection(all_regions, sort=False)

    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        reg = frame.index.get_level_values("region")
        out = frame[reg.isin(focus_idx)]
        out.attrs = frame.attrs
        return out

    spec = specialisation_stars(df, value=value, year=end, traded_only=traded_only, scale=attrs.get("spatial_scale"))
    spec_f = pick(spec)
    spec_f = spec_f[spec_f["specialised"]].sort_values(["lq"], ascending=False)
    reg = regional_kpis(df, value=value, traded_only=traded_only, scale=attrs.get("spatial_scale"))
    reg_f = pick(reg)
    k = cluster_kpis(df, value=value, start=start, end=end, traded_only=traded_only)
    k_f = pick(k)
    ent = pick(entry_list(df, value=value, start=start, end=end, traded_only=traded_only))
    ext = pick(exit_list(df, value=value, start=start, end=end, traded_only=traded_only))
    ss = shift_share(df, value=value, start=start, end=end, traded_only=traded_only)
    ss_f = ss[ss.index.isin(focus_idx)]

    # related-industry clusters ------------------------------------------------
    end_df = df[df["year"] == end]
    from .traded import traded_mask

    inds = pd.Index(pd.unique(end_df["industry"]))
    mask, _ = traded_mask(inds, traded_only, func)
    tr_inds = inds[mask]
    io_rel = _io_matrix(io, tr_inds)
    related = None
    rel_note = ""
    wide = end_df.pivot_table(index="region", columns="industry", values=value, aggfunc="sum").fillna(0.0)
    wide = wide.loc[:, [c for c in tr_inds if c in wide.columns]]
    try:
        if io_rel is not None:
            wide = wide.loc[:, [c for c in wide.columns if c in io_rel.index]]
            ri = related_industries(io_rel, colocation=wide)
            rel_note = "IO links and co-location"
        else:
            ri = related_industries(colocation=wide)
            rel_note = "co-location only (no IO table given)"
        fw = wide.loc[wide.index.intersection(focus_idx)].sum(axis=0)
        cl = ri.clusters
        rows = []
        for c in sorted(cl.unique()):
            members = cl.index[cl == c].tolist()
            rows.append({"cluster": int(c), "industries": "; ".join(map(str, members)),
                         "n": len(members), "focus_share": float(fw.reindex(members).sum() / fw.sum()) if fw.sum() > 0 else np.nan})
        related = pd.DataFrame(rows).set_index("cluster")
        related.attrs = {"metric": "related_clusters", "basis": rel_note,
                         "vs_ri": float(ri.scores.loc["combined", "vs_ri"]), "vs_ci": float(ri.scores.loc["combined", "vs_ci"])}
    except Exception as exc:  # small or degenerate inputs: say so on the page
        rel_note = f"not computed ({type(exc).__name__}: {exc})"

    # adjacent possible ----------------------------------------------------------
    tot_f = wide.loc[wide.index.intersection(focus_idx)].sum(axis=1).sort_values(ascending=False)
    target = adjacent_for if adjacent_for is not None else (tot_f.index[0] if len(tot_f) else None)
    adjacent = None
    adj_note = ""
    if target is not None:
        try:
            res = complexity(wide, traded_only=False, filters="none")
            ap = res.adjacent_possible(target, top=top)
            spec_here = set(res.mcp.columns[res.mcp.loc[target].to_numpy() == 1])
            why = []
            for act, row in ap.iterrows():
                parts = [f"density {row['density']:.2f}", f"PCI {row['pci']:+.2f}", f"COG {row['cog']:+.2f}"]
                if io_rel is not None and act in io_rel.index:
                    links = io_rel.loc[act, [s for s in spec_here if s in io_rel.columns]]
                    if len(links) and links.max() > 0:
                        parts.append(f"IO link to {links.idxmax()} ({links.max():.2f})")
                why.append("; ".join(parts))
            adjacent = ap.assign(why=why)
            adjacent.attrs = dict(ap.attrs)
            adj_note = (f"adjacent possible of {target} among the {len(res.locations)} regions' traded industries "
                        f"(ECI sign anchored on {res.attrs['sign']}; corr(ECI, diversity) = "
                        f"{res.attrs['diagnostics']['corr_eci_diversity']:.2f})")
        except Exception as exc:
            adj_note = f"not computed for {target} ({type(exc).__name__}: {exc})"

    panels = list(tot_f.index[:max_panels]) if len(tot_f) else list(focus_idx[:max_panels])
    lqc = k_f.loc[k_f.index.get_level_values("region").isin(panels), ["lq_start", "lq_end", "lq_change", "status"]]
    meta = {
        "source": attrs.get("source", ""),
        "years": f"{start} -> {end}",
        "unit": attrs.get("unit", ""),
        "spatial scale": attrs.get("spatial_scale", "unstated"),
        "regions (benchmark)": len(all_regions),
        "focus regions": len(focus_idx),
        "industries": k.attrs.get("industries", ""),
        "star rule": f"{spec.attrs.get('rule')} (ECO deciles over {spec.attrs.get('n_regions')} regions)",
        "births": ", ".join(r for r in k.attrs.get("births", []) if r in set(focus_idx)) or "none",
        "deaths": ", ".join(r for r in k.attrs.get("deaths", []) if r in set(focus_idx)) or "none",
        "pseudo-regions dropped": len(attrs.get("pseudo_regions", []) or []),
        "related clusters": rel_note,
        "adjacent possible": adj_note,
    }
    m = (attrs.get("matching") or {}).get(int(start))
    if m:
        meta["matching"] = (f"{m['matched']} of {m['of_latest']} {end} regions matched to {start} "
                            f"({m['match_rate']:.1%}); unmatched: {', '.join(m['unmatched_new']) or 'none'}")
    return {"specialisations": spec_f, "regional": reg_f, "clusters": k_f, "entries": ent, "exits": ext,
            "shift_share": ss_f, "related": related, "adjacent": adjacent, "lq_change": lqc, "panels": panels,
            "meta": meta, "start": int(start), "end": int(end), "value": value}


def monitor(activity: pd.DataFrame, focus: Sequence[Any] | None = None, *, title: str | None = None,
            **options: Any) -> str:
    """The cluster monitor page: one offline HTML document (see :func:`monitor_data` for *options*).

    Returns
    -------
    str
        HTML; figures are data URIs and nothing is loaded from the network.

    Examples
    --------
    >>> long = pd.DataFrame({"region": ["a", "a", "b", "b", "c", "c"] * 2, "industry": ["x", "y"] * 6,
    ...                      "year": [1] * 6 + [2] * 6,
    ...                      "employment": [5, 1, 1, 5, 3, 3, 8, 1, 1, 5, 3, 4]})
    >>> html = vc.clusters.monitor(long, ["a"], traded_only=False)
    >>> html.startswith("<!DOCTYPE html>") and "Cluster monitor" in html
    True
    """
    from ..views.monitor import monitor_page

    data = monitor_data(activity, focus, **options)
    return monitor_page(data, title=title)
