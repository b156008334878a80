"""The offline cluster monitor page (rendered through :func:`valuechain.views.report`).

:func:`monitor_page` turns the tables of :func:`valuechain.clusters.monitor_data` into
report sections — specialisations and stars, KPIs over the years with births and deaths,
entries and exits, shift-share, related-industry clusters, the adjacent possible with the
why, and a small-multiples chart of LQ change (matplotlib, embedded as a data URI) — and
renders them with the report template: no network request, labels escaped.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .report import Section, report

__all__ = ["monitor_page", "lq_change_multiples"]


def lq_change_multiples(lq_change: pd.DataFrame, panels: list, *, fmt: str = "png", dpi: int = 110,
                        max_industries: int = 12) -> bytes:
    """Small multiples: one panel per region, horizontal bars of LQ change by industry.

    Industries are the ones with the largest absolute change over the panels (at most
    *max_industries*), in the same order in every panel; births and deaths have no bar.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([["a", "b"], ["x", "y"]], names=["region", "industry"])
    >>> d = pd.DataFrame({"lq_change": [0.5, -0.2, 0.1, 0.0], "status": "continuing"}, index=idx)
    >>> from valuechain.views.monitor import lq_change_multiples
    >>> lq_change_multiples(d, ["a", "b"])[:4] == b"\\x89PNG"
    True
    """
    from .figures import _export, _figure, _plain_text

    @_plain_text
    def draw() -> bytes:
        ch = lq_change["lq_change"]
        order = (ch.abs().groupby(level="industry").max().sort_values(ascending=False).index[:max_industries])
        order = list(order)[::-1]
        n = max(len(panels), 1)
        cols = min(4, n)
        rows = int(np.ceil(n / cols))
        height = 0.35 + rows * (0.22 * len(order) + 0.9)
        fig = _figure(3.2 * cols + 2.6, height, left=2.8, right=0.2, top=0.35, bottom=0.35)
        lim = float(np.nanmax(np.abs(ch.to_numpy()))) if len(ch) and np.isfinite(ch).any() else 1.0
        lim = lim * 1.1 or 1.0
        for k, region in enumerate(panels):
            ax = fig.add_subplot(rows, cols, k + 1)
            vals = ch.xs(region, level="region").reindex(order) if region in ch.index.get_level_values("region") \
                else pd.Series(np.nan, index=order)
            y = np.arange(len(order))
            v = vals.to_numpy(dtype=float)
            ax.barh(y, np.nan_to_num(v), color=["#2f6f9f" if x >= 0 else "#e15759" for x in np.nan_to_num(v)])
            ax.axvline(0, color="#616e7c", lw=0.6)
            ax.set_xlim(-lim, lim)
            ax.set_yticks(y)
            ax.set_yticklabels([str(o)[:34] for o in order] if k % cols == 0 else [], fontsize=7)
            ax.tick_params(axis="x", labelsize=7)
            ax.set_title(str(region)[:40], fontsize=8)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        return _export(fig, fmt, dpi)

    return draw()


def _round(df: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return out


def monitor_page(data: dict[str, Any], *, title: str | None = None) -> str:
    """Render :func:`valuechain.clusters.monitor_data` output as one offline HTML page.

    Examples
    --------
    >>> long = pd.DataFrame({"region": ["a", "a", "b", "b", "c", "c"] * 2, "industry": ["x", "y"] * 6,
    ...                      "year": [1] * 6 + [2] * 6,
    ...                      "employment": [5, 1, 1, 5, 3, 3, 8, 1, 1, 5, 3, 4]})
    >>> from valuechain.views.monitor import monitor_page
    >>> "Specialisations" in monitor_page(vc.clusters.monitor_data(long, ["a"], traded_only=False))
    True
    """
    v = data["value"]
    s, e = data["start"], data["end"]
    sections: list[Section] = []
    spec = data["specialisations"]
    cols = [c for c in (v, "lq", "focus", "stars", "size_star", "specialisation_star", "focus_star") if c in spec.columns]
    sections.append(Section(f"Specialisations and stars, {e}", "table", _round(spec[cols]), max_rows=40,
                            caption=f"Clusters with {spec.attrs.get('rule', '')}; spatial scale: "
                                    f"{spec.attrs.get('spatial_scale', 'unstated')} ({spec.attrs.get('n_regions')} regions)."))
    reg = data["regional"]
    regc = ["total", "growth", "starred_share", "n_starred", "herfindahl", "krugman", "status", "reason"]
    sections.append(Section("Regional KPIs over the years", "table", _round(reg[[c for c in regc if c in reg.columns]]),
                            max_rows=60, caption="By region label; births have no growth, deaths carry NaN values "
                                                 "in the year the region disappears."))
    k = data["clusters"]
    movers = k.assign(abs_change=k["change"].abs()).sort_values("abs_change", ascending=False).drop(columns="abs_change")
    kc = [f"{v}_start", f"{v}_end", "change", "growth", "lq_start", "lq_end", "lq_change", "stars_start",
          "stars_end", "status", "reason"]
    sections.append(Section(f"Cluster KPIs {s} -> {e} (largest changes)", "table", _round(movers[kc]), max_rows=30,
                            caption="Years joined on (region, industry); births and deaths are flagged, never filled."))
    if len(data["entries"]) or len(data["exits"]):
        sections.append(Section("Specialisations gained (LQ crosses 1 upwards)", "table", _round(data["entries"]),
                                level=3, max_rows=20))
        sections.append(Section("Specialisations lost (LQ crosses 1 downwards)", "table", _round(data["exits"]),
                                level=3, max_rows=20))
    ss = data["shift_share"]
    sections.append(Section("Employment growth: shift-share", "table", _round(ss, 1), max_rows=40,
                            caption=f"change = national share + industry mix + competitive (national growth "
                                    f"{ss.attrs.get('national_growth', float('nan')):.3f})."))
    if data["related"] is not None:
        r = data["related"]
        sections.append(Section("Related-industry clusters", "table", _round(r), max_rows=30,
                                caption=f"Basis: {r.attrs.get('basis')}; VS-RI {r.attrs.get('vs_ri', 0):.2f}, "
                                        f"VS-CI {r.attrs.get('vs_ci', 0):.2f}; focus_share = the focus regions' "
                                        "traded employment in the cluster."))
    else:
        sections.append(Section("Related-industry clusters", "note", data["meta"].get("related clusters", "")))
    if data["adjacent"] is not None:
        a = data["adjacent"]
        sections.append(Section("Adjacent possible", "table",
                                _round(a[["rank", "score", "density", "pci", "cog", "quadrant", "why"]]),
                                caption=data["meta"].get("adjacent possible", "")))
    else:
        sections.append(Section("Adjacent possible", "note", data["meta"].get("adjacent possible", "")))
    if len(data["lq_change"]):
        fig = lq_change_multiples(data["lq_change"], data["panels"])
        sections.append(Section(f"LQ change {s} -> {e}", "figure", fig,
                                caption="One panel per region (the largest focus regions); bars: LQ at the end "
                                        "minus LQ at the start; no bar for births and deaths."))
    return report(*sections, title=title or "Cluster monitor", meta=data["meta"],
                  subtitle=f"valuechain cluster monitor, {s} -> {e}")
