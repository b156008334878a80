"""Adapters from the analysis modules to report sections (used by ``dataset_report``).

Each adapter calls one analysis family and turns its labelled results into
:class:`~valuechain.views.report.Section` objects.  An adapter whose module (or
function) is not installed raises :class:`Unavailable`: the report then carries
a short note instead of the section.  Any other error is a real error: with
``strict=True`` it propagates; otherwise the section says what failed (and the
error is logged), so one broken analysis never costs the whole report.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any, Callable

import pandas as pd

from ._findings import cite, key_findings, register  # noqa: F401 - cite used by adapters' callers
from ._section import Section

log = logging.getLogger(__name__)

__all__ = ["Unavailable", "need", "build", "community_names", "auto_volumes"]

#: What to do when a section fails with this kind of error (shown in the page).
ADVICE = {
    "MemoryError": "the table is too large for this machine: aggregate it (table.aggregate) or lower --max-nodes",
    "ConvergenceError": "the Leontief system is (nearly) singular: check for industries that use more than they "
                        "produce, or aggregate them",
    "SingularTableError": "the Leontief system is singular: check for industries that use more than they produce",
    "LabelError": "the two tables do not have the same industries: aggregate them to a common classification",
    "BalanceError": "the table does not balance: check the input data",
}


class Unavailable(Exception):
    """An analysis module or function is not part of this installation."""


def need(module: str, *names: str) -> Any:
    """Import ``valuechain.<module>`` and check it has *names*; raise Unavailable if not."""
    full = f"valuechain.{module}"
    try:
        mod = importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == full or full.startswith(exc.name + ".") or exc.name.startswith(full)):
            raise Unavailable(f"{full} is not installed") from None
        raise
    missing = [n for n in names if not hasattr(mod, n)]
    if missing:
        raise Unavailable(f"{full} has no {', '.join(missing)}")
    return mod


def community_names(communities: pd.Series, size: pd.Series, *, top: int = 2) -> dict:
    """Readable names of communities: their largest members (by *size*) and dominant region.

    ``{id: name}``; a name reads ``"Oil & gas extraction, Petroleum refining +4"`` for a
    national table, ``"DEU: C29, C24 +7"`` when one region holds at least half of the
    community's size in a multi-regional table.  Names are unique.

    Examples
    --------
    >>> from valuechain.views._sections import community_names
    >>> nodes = pd.MultiIndex.from_tuples([("A", "x"), ("A", "y"), ("B", "z")], names=["region", "sector"])
    >>> community_names(pd.Series([0, 0, 1], index=nodes), pd.Series([3.0, 5.0, 1.0], index=nodes))
    {0: 'A: y, x', 1: 'B: z'}
    """
    size = pd.to_numeric(size.reindex(communities.index), errors="coerce").fillna(0.0)
    mi = isinstance(communities.index, pd.MultiIndex) and "region" in communities.index.names
    regions = communities.index.get_level_values("region") if mi else None
    one_region = regions is None or len(set(regions)) == 1
    names: dict = {}
    used: set = set()
    for cid, members in communities.groupby(communities, sort=True).groups.items():
        sz = size.loc[members].sort_values(ascending=False, kind="stable")
        lab = []
        for key in sz.index[:top]:
            lab.append(str(key[-1]) if isinstance(key, tuple) else str(key))
        prefix = ""
        if not one_region:
            by_reg = sz.groupby(level="region").sum()
            if by_reg.sum() > 0 and by_reg.max() >= 0.5 * by_reg.sum():
                prefix = f"{by_reg.idxmax()}: "
            else:
                lab = [_render_label(k) for k in sz.index[:top]]
        name = prefix + ", ".join(lab) + (f" +{len(sz) - top}" if len(sz) > top else "")
        if name in used:
            name = f"{name} ({cid})"
        used.add(name)
        names[cid] = name
    return names


def _render_label(key: Any) -> str:
    from ._render import label_of

    return label_of(key)


def auto_volumes(table: Any, table2: Any) -> pd.DataFrame | None:
    """Chain-linked volumes for two years of an embedded table that has previous-year-price tables
    (IBGE's Brazil tables); None when the data do not allow it."""
    if table2 is None or table.meta.name != "brazil" or str(table.meta.prices) != "current":
        return None
    y0, y1 = table.meta.year, table2.meta.year
    if not (isinstance(y0, int) and isinstance(y1, int) and y1 > y0):
        return None
    from .. import datasets
    from ..compare import chain_linked_volumes

    cur = {y: (table if y == y0 else datasets.load("brazil", year=y)) for y in range(y0, y1)}
    cur[y1] = table2
    prev = {y: datasets.load("brazil", year=y, prices="previous_year") for y in range(y0 + 1, y1 + 1)}
    if not all(t.nodes.equals(table.nodes) for t in [*cur.values(), *prev.values()]):
        return None
    return chain_linked_volumes(cur, prev)


def _share_pct(x: pd.Series) -> pd.Series:
    tot = float(x.sum())
    return 100.0 * x / tot if tot > 0 else x * float("nan")


def _total_key(table: Any, label: str) -> Any:
    if isinstance(table.nodes, pd.MultiIndex):
        reg = str(table.regions[0]) if table.regions.size == 1 else "all regions"
        return (reg, label) + ("",) * (table.nodes.nlevels - 2)
    return label


def _with_total(df: pd.DataFrame, total: pd.Series, key: Any) -> pd.DataFrame:
    head = pd.DataFrame([total.to_numpy()], columns=df.columns,
                        index=pd.MultiIndex.from_tuples([key], names=df.index.names)
                        if isinstance(df.index, pd.MultiIndex) else pd.Index([key], name=df.index.name))
    return pd.concat([head, df])


# --------------------------------------------------------------------------- adapters
def data_summary(ctx: dict) -> list[Section]:
    t, t2 = ctx["table"], ctx["table2"]
    rows = {str(t.meta.year or "table"): t.summary()}
    if t2 is not None:
        rows[str(t2.meta.year or "table 2")] = t2.summary()
    df = pd.DataFrame(rows)
    keep = ["name", "year", "unit", "prices", "source", "regions", "sectors", "nodes", "total_output",
            "total_final_demand", "total_value_added", "total_imports", "total_taxes", "gdp", "zero_output_nodes",
            "density_Z"]
    df = df.loc[[k for k in keep if k in df.index]]
    df.index.name = "item"
    kinds = set(t.V.index.get_level_values("kind"))
    basis = ("chain-linked volumes from the previous-year-price tables" if ctx.get("volumes") is not None else
             "CURRENT PRICES: changes between the years include inflation" if t2 is not None else
             f"{t.meta.prices or 'prices not stated'}")
    kind = ("national table, domestic flows; imports of intermediate inputs are a primary input"
            if t.regions.size == 1 and "imports" in kinds else
            f"multi-regional table ({t.regions.size} regions)" if t.regions.size > 1 else "single-region table")
    return [Section("Data", "table", df, anchor="data",
                    caption=f"As read and validated by vc.IOTable (row and column balances checked). Table type: "
                            f"{kind}. Basis of comparisons: {basis}.")]


def growth(ctx: dict) -> list[Section]:
    """What grew and shrank: in volume when the data allow it, else at current prices (stated)."""
    t, t2 = ctx["table"], ctx["table2"]
    share_min = ctx["min_share"]
    total_key = _total_key(t, "All industries")
    ctx["total_key"] = total_key
    if t2 is None:
        pos = ctx.get("position")
        df = pd.DataFrame({"output": t.x.round(0), "share of output %": _share_pct(t.x).round(2)}, index=t.nodes)
        if pos is not None:
            for c in ("output_multiplier", "gva_multiplier", "import_leakage"):
                if c in pos.columns:
                    df[c] = pos[c].reindex(t.nodes).round(3)
        total = pd.Series({c: (float(t.x.sum()).__round__(0) if c == "output" else 100.0 if c.startswith("share")
                               else float("nan")) for c in df.columns})
        shown = df.sort_values("share of output %", ascending=False).head(ctx["top"])
        shown = _with_total(shown, total, total_key)
        register(ctx, "t-structure", shown, "Structure")
        return [Section("Structure", "table", shown, anchor="t-structure", max_rows=len(shown),
                        caption=f"The {ctx['top']} largest industries by gross output ({t.meta.unit}), with their "
                                "multipliers (per unit of final demand).")]
    y0, y1 = t.meta.year, t2.meta.year
    vol = ctx.get("volumes")
    x0, x1 = t.x, t2.x.reindex(t.nodes)
    df = pd.DataFrame({f"output {y0}": x0.round(0), f"output {y1}": x1.round(0),
                       "share of output %": _share_pct(x1).round(2),
                       "current-price change %": (100 * (x1 / x0.where(x0 > 0) - 1)).round(1)}, index=t.nodes)
    tot = {f"output {y0}": round(float(x0.sum())), f"output {y1}": round(float(x1.sum())), "share of output %": 100.0,
           "current-price change %": round(100 * (float(x1.sum()) / float(x0.sum()) - 1), 1)}
    if vol is not None:
        v = vol.reindex(t.nodes)
        tv = vol.attrs["totals"]
        df["volume change %"] = (100 * (v["output_volume"] - 1)).round(1)
        df["price change %"] = (100 * ((x1 / x0.where(x0 > 0)) / v["output_volume"] - 1)).round(1)
        df["value added volume change %"] = (100 * (v["value_added_volume"] - 1)).round(1)
        df["imports volume change %"] = (100 * (v["imports_volume"] - 1)).round(1)
        ratio = float(x1.sum()) / float(x0.sum())
        tot.update({"volume change %": round(100 * (float(tv["output_volume"]) - 1), 1),
                    "price change %": round(100 * (ratio / float(tv["output_volume"]) - 1), 1),
                    "value added volume change %": round(100 * (float(tv["value_added_volume"]) - 1), 1),
                    "imports volume change %": round(100 * (float(tv["imports_volume"]) - 1), 1)})
        ctx["volume_rule"] = ("output and imports at previous-year prices; value added at previous-year prices is "
                              "the residual output - inputs, double deflation")
        ctx["params"]["report.volumes"] = vol.attrs.get("rule", "chain-linked")
    col = "volume change %" if vol is not None else "current-price change %"
    big = df[(_share_pct(x0) >= 100 * share_min) | (_share_pct(x1) >= 100 * share_min)]
    k = max(3, min(8, ctx["top"] // 2))
    order = big.sort_values(col, ascending=False, kind="stable")
    shown = pd.concat([order.head(k), order.tail(k)]) if len(order) > 2 * k else order
    shown = shown[~shown.index.duplicated()]
    shown = _with_total(shown, pd.Series(tot).reindex(df.columns), total_key)
    register(ctx, "t-growth", shown, "What grew and shrank")
    basis = ("Volume: chain-linked from the previous-year-price tables, "
             f"{vol.attrs.get('rule', '')}. Price change: implicit (current-price change / volume change)."
             if vol is not None else
             "AT CURRENT PRICES: no volumes are available for these tables (give previous-year-price tables or "
             "deflators), so every change below mixes price and volume.")
    return [Section(f"What grew and shrank, {y0} → {y1}", "table", shown, anchor="t-growth", max_rows=len(shown),
                    caption=f"{basis} Output in {t.meta.unit} at current prices. Industries with at least "
                            f"{100 * share_min:g} % of output in either year; the {k} largest gains and falls.")]


def dependencies(ctx: dict) -> list[Section]:
    """Import dependence (share of inputs imported or from other regions), supplier concentration."""
    from ..compare import sourcing_shares

    t, t2 = ctx["table"], ctx["table2"]
    one = t.regions.size == 1

    def foreign(table):
        src = sourcing_shares(table)
        inputs = pd.Series(src.attrs["inputs"], index=table.nodes)
        regions = table.nodes.get_level_values("region")
        own = src.to_numpy()[range(table.n), src.columns.get_indexer(regions)]
        share = pd.Series(1.0 - own, index=table.nodes).where(inputs > 0)
        return share, float((share.fillna(0) * inputs).sum() / max(inputs.sum(), 1e-300))

    s0, tot0 = foreign(t)
    key = _total_key(t, "All industries")
    ctx["imports_total_key"] = key
    y0 = t.meta.year
    c0 = f"import share of inputs % {y0}"
    big = _share_pct(t.x) >= 100 * ctx["min_share"]
    if t2 is not None:
        s1, tot1 = foreign(t2)
        s1 = s1.reindex(t.nodes)
        c1 = f"import share of inputs % {t2.meta.year}"
        df = pd.DataFrame({c0: (100 * s0).round(1), c1: (100 * s1).round(1)}, index=t.nodes)
        df["change pp"] = (df[c1] - df[c0]).round(1)
        df["share of output %"] = _share_pct(t2.x.reindex(t.nodes)).round(2)
        big = big | (_share_pct(t2.x.reindex(t.nodes)) >= 100 * ctx["min_share"])
        shown = df[big].sort_values("change pp", ascending=False, kind="stable").head(ctx["top"])
        total = pd.Series({c0: round(100 * tot0, 1), c1: round(100 * tot1, 1),
                           "change pp": round(round(100 * tot1, 1) - round(100 * tot0, 1), 1),
                           "share of output %": 100.0})
        cap = "largest increases first"
    else:
        df = pd.DataFrame({c0: (100 * s0).round(1), "share of output %": _share_pct(t.x).round(2)}, index=t.nodes)
        shown = df[big].sort_values(c0, ascending=False, kind="stable").head(ctx["top"])
        total = pd.Series({c0: round(100 * tot0, 1), "share of output %": 100.0})
        cap = "most dependent first"
    shown = _with_total(shown, total, key)
    register(ctx, "t-imports", shown, "Import dependence")
    what = ("imported intermediate inputs (the table's primary inputs of kind 'imports')" if one else
            "intermediate inputs bought from other regions")
    out = [Section("Dependencies", "table", shown, anchor="t-imports", max_rows=len(shown),
                   caption=f"Import dependence: {what} as a share of all intermediate inputs, at each year's "
                           f"prices; industries with at least {100 * ctx['min_share']:g} % of output; {cap}.")]
    if one:
        out.append(Section("Supplier concentration", "note",
                           "Not available for a single-region table: supplier concentration and single points of "
                           "failure need the supplying countries. Load a multi-regional table (the embedded "
                           "'testmrio', or WIOD, OECD ICIO, FIGARO), or trade data (BACI) for the EU-style "
                           "dependency screen (vc.resilience.dependencies).", level=3))
        return out
    res = need("resilience", "concentration", "single_points_of_failure")
    conc = res.concentration(t, level="buyer", exclude_domestic=True)
    if "hhi" in conc.columns:
        c = conc[["hhi", "top_share"] if "top_share" in conc.columns else ["hhi"]].copy()
        c = c.reindex(t.nodes).assign(**{"share of output %": _share_pct(t.x).round(2)})
        c = c[big].sort_values("hhi", ascending=False).head(ctx["top"]).round(3)
        out.append(Section("Supplier concentration (foreign inputs)", "table", c, level=3, anchor="t-concentration",
                           caption="HHI of each industry's foreign intermediate inputs by supplier region (1 = one "
                                   "foreign supplier); industries above the size threshold."))
    spof = res.single_points_of_failure(t, exclude_domestic=True, min_share=0.05)
    out.append(Section("Single points of failure", "text",
                       f"{len(spof):,} (industry, input) pairs get a foreign input from one supplier region only "
                       "(alternatives under 5 % of the input ignored); see vc.resilience.single_points_of_failure.",
                       level=3))
    return out


def clusters(ctx: dict) -> list[Section]:
    activity = ctx.get("activity")
    if activity is None:
        return [Section("Clusters", "note",
                        "Not included: the cluster section (specialisations, stars, KPIs) needs regional activity "
                        "data (employment or output by region and industry), which an IO table does not carry. "
                        "Pass activity= to dataset_report, or run `valuechain clusters` on ABS/BEA regional data.")]
    spec = need("clusters", "location_quotient")
    lq = spec.location_quotient(activity)
    return [Section("Clusters", "table", lq.head(ctx["top"]), caption="Location quotients (1 = national average).")]


def _explain(name: str, exc: BaseException) -> str:
    advice = ADVICE.get(type(exc).__name__, "rerun with --strict (or strict=True) to see the full traceback, and "
                                            "check the input table")
    return (f"This section could not be computed: {type(exc).__name__}: {exc}. What to do: {advice}. The rest of "
            "the report is unaffected.")


def position(ctx: dict) -> list[Section]:
    pos = need("position", "profile")
    t = ctx["table"]
    df = pos.profile(t)
    ctx["position"] = df
    top = ctx["top"]
    shown = df.drop(columns=["other_leakage"]) if not df["other_leakage"].abs().gt(1e-12).any() else df
    out = [Section("IO position", "table", shown.sort_values("upstreamness", ascending=False).head(top),
                   caption=f"The {top} most upstream nodes. Upstreamness: {df.attrs.get('upstreamness', '')}. "
                           "Output multiplier: column sums of the Leontief inverse. GVA multiplier: gross value "
                           "added generated per unit of final demand (ONS 'GVA effects'); import and tax leakage: "
                           "the imports and product taxes per unit of final demand (they add up to 1 with the GVA "
                           "multiplier). Backward/forward linkages normalised to mean 1.")]
    from .figures import position_scatter

    scatter = df.copy()
    y = "downstreamness"
    if t.regions.size > 1:
        try:
            gvc = need("gvc", "participation")
            p = gvc.participation(t, level="sector")
            scatter["gvc_participation"] = p["forward"].reindex(df.index)
            y = "gvc_participation"
        except Unavailable:
            pass
    color = "region" if t.regions.size > 1 else None
    png = position_scatter(scatter, x="upstreamness", y=y, size="output", color=color, label_top=10,
                           title=f"Upstreamness vs {y.replace('_', ' ')}")
    cap = ("Point area ~ gross output. " + ("GVC participation: forward, Wang-Wei-Yu-Zhu (2017)."
                                            if y == "gvc_participation" else
                                            "Downstreamness = average propagation length from primary inputs."))
    out.append(Section(f"Upstreamness vs {y.replace('_', ' ')}", "figure", png, caption=cap, level=3))
    return out


def employment(ctx: dict) -> list[Section]:
    """Jobs per million of final demand, jobs embodied in exports, and the change between the two years."""
    t, t2 = ctx["table"], ctx["table2"]
    name = "employment"
    if name not in t.extensions:
        raise Unavailable("the table carries no employment extension (attach one with table.with_extension: "
                          "the brazil and ABS tables have it, WIOD NIOT with sea=)")
    pos = need("position", "extension_multipliers")
    gvc = need("gvc", "embodied")
    ext = t.extensions[name]
    st = ext.stressors[0]
    unit = ext.unit_of(st)
    per = "per million of final demand" if "million" in (t.meta.unit or "") else f"per unit ({t.meta.unit})"

    def one(table):
        m = pos.extension_multipliers(table, name)
        cols = {f"{st} direct": m[(st, "direct")], f"{st} {per}": m[(st, "simple")],
                "type I": m[(st, "type1")]}
        df = pd.DataFrame(cols)
        df[st] = table.extensions[name].F.loc[st]
        try:
            ex = gvc.embodied(table, name, demand="exports", by="origin")
            df[f"{st} embodied in exports"] = ex.xs(st, axis=1, level="stressor").sum(axis=1)
        except Exception as exc:  # noqa: BLE001 - a table without exports gets the rest of the section
            log.info("employment section: no export content (%s)", exc)
        return df

    df = one(t)
    total = float(df[st].sum())
    out = [Section("Employment", "table", df.sort_values(st, ascending=False).head(ctx["top"]),
                   caption=f"{ext.name}: {st} ({unit}); total {total:,.0f}. Multipliers: {st} in the whole economy "
                           f"{per} of each industry (direct + indirect, s'L); type I = that / direct. Embodied "
                           "in exports: s'L e by industry of origin.")]
    if t2 is not None and name in t2.extensions and st in t2.extensions[name].stressors:
        d2 = one(t2)
        both = df.index.intersection(d2.index)
        ch = pd.DataFrame({f"{st} {t.meta.year}": df.loc[both, st], f"{st} {t2.meta.year}": d2.loc[both, st]})
        ch["change"] = ch.iloc[:, 1] - ch.iloc[:, 0]
        ch["change %"] = 100 * ch["change"] / ch.iloc[:, 0].where(ch.iloc[:, 0] != 0)
        for c in (f"{st} embodied in exports",):
            if c in df and c in d2:
                ch[f"{c} change"] = d2.loc[both, c] - df.loc[both, c]
        tot2 = float(d2[st].sum())
        out.append(Section(f"Employment change {t.meta.year} → {t2.meta.year}", "table",
                           ch.reindex(ch["change"].abs().sort_values(ascending=False).index).head(ctx["top"]),
                           level=3, caption=f"Total {st}: {total:,.0f} → {tot2:,.0f} ({tot2 - total:+,.0f}); "
                                            "largest absolute changes first."))
    return out


def network(ctx: dict) -> list[Section]:
    need("graph", "supply_graph")
    need("network", "centrality", "communities", "backbone")
    from .. import graph as _graph
    from .network import network_data, node_metrics

    t = ctx["table"]
    g = _graph.supply_graph(t)
    m = node_metrics(g, seed=ctx["seed"])
    if "community" in m.columns:
        names = community_names(m["community"], t.x.reindex(m.index))
        ctx["community_names"] = names
        share = _share_pct(t.x.reindex(m.index))
        rows = []
        for cid, members in m.groupby("community").groups.items():
            sh = share.loc[members]
            reg = pd.Series(sh.to_numpy(), index=members.get_level_values("region")).groupby(level=0).sum() \
                if isinstance(members, pd.MultiIndex) and "region" in members.names else None
            top_members = sh.sort_values(ascending=False).index[:4]
            rows.append({"community": names[cid], "industries": len(members),
                         "share of output %": round(float(sh.sum()), 1),
                         "dominant region": (f"{reg.idxmax()} ({100 * reg.max() / reg.sum():.0f} %)"
                                             if reg is not None and t.regions.size > 1 and reg.sum() > 0 else ""),
                         "largest members": "; ".join(_render_label(k) if t.regions.size > 1 else str(k[-1])
                                                      for k in top_members)})
        ct = pd.DataFrame(rows).set_index("community").sort_values("share of output %", ascending=False)
        if t.regions.size == 1:
            ct = ct.drop(columns=["dominant region"])
        ctx["community_table"] = register(ctx, "t-communities", ct, "Communities")
        m = m.assign(community=m["community"].map(names))
    ctx["graph"], ctx["metrics"] = g, m
    size_by = "pagerank" if "pagerank" in m.columns else "output"
    ctx["size_by"] = size_by
    color_by = "community"
    data = network_data(g, color_by=color_by, size_by=size_by, backbone=ctx["alpha"], max_nodes=ctx["max_nodes"],
                        max_edges=ctx["max_edges"], metrics=m, seed=ctx["seed"],
                        title=f"Supply network {t.meta.year or ''}".strip())
    ctx["params"].update({"network.weight": g.weight, "network.backbone_alpha": ctx["alpha"],
                          "network.size_by": size_by, "network.color_by": color_by,
                          "network.max_nodes": ctx["max_nodes"], "network.max_edges": ctx["max_edges"],
                          "network.community_seed": ctx["seed"]})
    cols = [c for c in m.columns if c != "community"][:8] + ["community"]
    shown_m = m.assign(community=m["community"].map(ctx["community_names"])) if "community_names" in ctx else m
    out_share = _share_pct(t.x)
    big = shown_m[(out_share >= 100 * ctx["min_share"]).reindex(shown_m.index).to_numpy()]
    topn = big.sort_values(size_by, ascending=False)[cols].head(ctx["top"])
    out = [
        Section("Supply network", "network", data,
                caption="Hover a node for its metrics; type in the search box to find an industry; use the menus "
                        "to filter. Metrics are computed on the whole graph; the drawing is capped as stated under "
                        "the view. Positions are computed in Python (seeded) and identical in every year."),
        Section(f"Most central industries ({size_by})", "table", topn, level=3,
                caption=f"Industries with at least {100 * ctx['min_share']:g} % of gross output, by {size_by}."),
    ]
    if "community_table" in ctx:
        out.append(Section("Communities", "table", ctx["community_table"], level=3, anchor="t-communities",
                           max_rows=len(ctx["community_table"]),
                           caption="Communities (Leiden, directed modularity, seeded) named after their largest "
                                   "members by gross output; region prefix = the region with at least half of the "
                                   "community's output."))
    return out


def gvc(ctx: dict) -> list[Section]:
    t = ctx["table"]
    if t.regions.size < 2:
        return [Section("Global value chains", "note",
                        "Not available for a single-region table: GVC participation and value added in exports "
                        "need the partner countries' industries. Load a multi-regional table such as the embedded "
                        "'testmrio', WIOD (valuechain datasets list), OECD ICIO or FIGARO.")]
    mod = need("gvc", "participation")
    p = mod.participation(t, level="country")
    cols = [c for c in ("va", "forward", "backward", "forward_simple", "forward_complex") if c in p.columns]
    out = [Section("Global value chains", "table", p[cols] if cols else p,
                   caption="Production-based GVC participation by region (Wang, Wei, Yu & Zhu 2017).")]
    if hasattr(mod, "vax"):
        v = mod.vax(t)
        out.append(Section("Value added in exports (VAX)", "table", v, level=3))
    return out


def resilience(ctx: dict) -> list[Section]:
    res = need("resilience", "removal_curve")
    from .figures import robustness_figure

    t = ctx["table"]
    orders = ("random", "strength", "pagerank")
    curves, aucs = {}, {}
    for order in orders:
        rc = res.removal_curve(t, order, steps=20, seed=ctx["seed"])
        curves[order] = rc.set_index("fraction_removed")["output_share"]
        aucs[order] = rc.attrs.get("auc_output")
    df = pd.DataFrame(curves)
    ctx["params"].update({"resilience.removal_orders": ", ".join(orders), "resilience.steps": 20})
    png = robustness_figure(df, title="Output remaining as nodes are removed",
                            ylabel="share of gross output remaining")
    at = 0.10
    idx = df.index.to_numpy(dtype=float)
    near = float(idx[abs(idx - at).argmin()])
    ctx["removed_pct"] = round(100 * near, 1)
    col = f"output left at {100 * near:g} % removed, %"
    tab = pd.DataFrame({"R": [round(float(aucs[o]), 3) if aucs[o] is not None else float("nan") for o in orders],
                        col: [round(100 * float(df.loc[near, o]), 1) for o in orders]},
                       index=pd.Index(list(orders), name="removal order"))
    register(ctx, "t-robustness", tab, "Resilience")
    return [Section("Resilience", "figure", png,
                    caption="Nodes removed in order (random: mean of 20 draws; strength and PageRank recomputed "
                            "after each step); remaining output from the Leontief model on the surviving nodes. "
                            "R = area under the curve."),
            Section("Robustness by removal order", "table", tab, level=3, anchor="t-robustness",
                    caption="R: area under the output-remaining curve (1 = nothing lost); output left after the "
                            "stated share of industries is removed.")]


def comparison(ctx: dict) -> list[Section]:
    t, t2 = ctx["table"], ctx["table2"]
    if t2 is None:
        return []
    cmp_mod = need("compare", "compare")
    from .figures import bump_chart, community_flows

    y0, y1 = t.meta.year, t2.meta.year
    c = cmp_mod.compare({y0: t, y1: t2}, alpha=ctx["alpha"], seed=ctx["seed"])
    ctx["params"].update({f"compare.{k}": v for k, v in c.params.items() if k not in ("unit", "source")})
    nodes = c.nodes
    out = [Section(f"Reconfiguration {y0} → {y1}", "table", c.summary().to_frame("value"),
                   caption="Headline numbers of vc.compare (rank correlations, community stability, backbone links "
                           "gained and lost, overall reconfiguration score).")]
    mv = c.movers(ctx["top"], min_output_share=ctx["min_share"])
    for col in mv.columns:
        if pd.api.types.is_float_dtype(mv[col]):
            mv[col] = mv[col].round(3 if col != "d_output" else 0)
    for col, y, w in (("community_t0", 0, "output_t0"), ("community_t1", 1, "output_t1")):
        names = community_names(nodes[col], nodes[w])
        mv[col] = mv[col].map(names)
    register(ctx, "t-movers", mv, "Largest movers")
    out.append(Section("Largest movers", "table", mv, level=3, anchor="t-movers",
                       caption=f"Industries with at least {100 * ctx['min_share']:g} % of gross output in either year "
                               f"({mv.attrs.get('excluded', 0)} smaller ones not ranked), by reconfiguration score "
                               "(mean of the centrality rank shift, community change and sourcing shift)."))
    # side-by-side networks
    if "graph" in ctx:
        from .. import graph as _graph
        from .network import comparison_data, node_metrics

        g0, m0 = ctx["graph"], ctx["metrics"]
        g1 = _graph.supply_graph(t2)
        m1 = node_metrics(g1, seed=ctx["seed"])
        ch = nodes["score"] if "score" in nodes.columns else None
        if {"community_t0", "community_t1"} <= set(nodes.columns):  # same colour = matched community
            from .figures import match_labels

            m0 = m0.assign(community=nodes["community_t0"].astype(str).reindex(m0.index).to_numpy())
            m1 = m1.assign(community=match_labels(nodes["community_t0"], nodes["community_t1"],
                                                  nodes.get("output_t1")).reindex(m1.index).to_numpy())
        cdata = comparison_data(g0, g1, ch, change_column=None, top_movers=min(10, ctx["top"]), color_by="community"
                                if t.regions.size == 1 else "region", size_by=ctx.get("size_by", "output"),
                                backbone=ctx["alpha"], max_nodes=min(ctx["max_nodes"], 80),
                                max_edges=min(ctx["max_edges"], 300), metrics_a=m0, metrics_b=m1, seed=ctx["seed"],
                                labels=(str(y0), str(y1)))
        out.append(Section(f"Networks {y0} and {y1}", "comparison", cdata, level=3,
                           caption="Same nodes in both panels; outlined nodes are the largest movers by "
                                   "reconfiguration score."))
    # rank changes
    pr = [f"pagerank_t0", f"pagerank_t1"]
    if all(col in nodes.columns for col in pr):
        ranks = nodes[pr].rename(columns={pr[0]: str(y0), pr[1]: str(y1)})
        out.append(Section("PageRank rank changes", "figure",
                           bump_chart(ranks, values="value", top=min(15, len(ranks)), highlight=5,
                                      title=f"PageRank rank, {y0} → {y1} (top {min(15, len(ranks))} in either year)"),
                           level=3, caption="Coloured lines: the five largest rank changes among the nodes shown."))
    if {"community_t0", "community_t1"} <= set(nodes.columns):
        w = nodes["output_t1"] if "output_t1" in nodes.columns else None
        png = community_flows(nodes["community_t0"], nodes["community_t1"], weights=w, labels=(str(y0), str(y1)),
                              title="Community flows")
        out.append(Section("Community flows", "figure", png, level=3,
                           caption="Block height and ribbon width ~ gross output (later year). Later communities "
                                   "take the label of the earlier community they overlap most (* = no match)."))
    return out


def _node_label(key: str) -> str:
    """``"('BRA', 'Electricity & gas')"`` (a node key as the price model records it) -> ``"Electricity & gas"``."""
    import re

    m = re.fullmatch(r"\('(.*)', '(.*)'\)", str(key))
    return m.group(2) if m else str(key)


def scenario_name(result: Any) -> str:
    """A short plain-language name of a scenario run ("price of Electricity & gas +60 %")."""
    meta = getattr(result, "metadata", None) or getattr(result, "scenario", None) or {}
    parts = []
    for k, v in (meta.get("cost") or {}).items() if isinstance(meta, dict) else []:
        parts.append(f"cost of {k} {100 * v:+.3g} %" if isinstance(v, (int, float)) else f"cost of {k} changed")
    for k, v in (meta.get("fixed") or {}).items() if isinstance(meta, dict) else []:
        parts.append(f"price of {_node_label(k)} {100 * v:+.3g} %" if isinstance(v, (int, float))
                     else f"price of {_node_label(k)} changed")
    if parts:
        return ", ".join(parts)
    return type(result).__name__.replace("Result", " run").lower()


def scenario_dict(scenarios: Any) -> dict:
    """``dataset_report(scenarios=...)`` as a dict name -> run (checked)."""
    from collections.abc import Mapping

    from ..errors import ParameterError
    from ..resilience import PriceResult, ShockResult, TariffResult

    if scenarios is None:
        return {}
    kinds = (PriceResult, TariffResult, ShockResult)
    if isinstance(scenarios, kinds):
        scenarios = [scenarios]
    if isinstance(scenarios, Mapping):
        items = [(str(k), v) for k, v in scenarios.items()]
    elif isinstance(scenarios, (list, tuple)):
        items = [(None, v) for v in scenarios]
    else:
        raise ParameterError(f"The 'scenarios' parameter of dataset_report must be a result, a list or a dict of "
                             f"results. Got {type(scenarios).__name__} instead.")
    out: dict = {}
    for name, r in items:
        if not isinstance(r, kinds):
            raise ParameterError(f"The 'scenarios' parameter of dataset_report must hold PriceResult, TariffResult "
                                 f"or ShockResult objects. Got {type(r).__name__} instead.")
        key = name or scenario_name(r)
        k = 2
        while key in out:
            key, k = f"{name or scenario_name(r)} ({k})", k + 1
        out[key] = r
    return out


def scenario_runs(ctx: dict) -> list[Section]:
    """Scenario runs given to the report (price, tariff and quantity shocks), and the runs side by side."""
    runs = ctx.get("scenarios") or {}
    if not runs:
        return []
    from ..resilience import PriceResult, ShockResult, TariffResult
    from ._prices import price_sections

    out = [Section("Scenarios", "text",
                   f"{len(runs)} scenario run{'s' if len(runs) > 1 else ''} given to this report: "
                   + "; ".join(f"“{n}”" for n in runs) + ". Price runs hold quantities fixed; quantity runs hold "
                   "prices fixed (the Leontief price and quantity models are dual).")]
    ctx["scenario_anchors"] = []
    for k, (name, r) in enumerate(runs.items()):
        anchor = f"t-scenario-{k + 1}"
        if isinstance(r, (PriceResult, TariffResult)):
            secs = price_sections(r, top=ctx["top"], anchor=anchor)
            head, tables = secs[0], secs[1:]
            out.append(Section(f"Scenario: {name}", "text", head.content, level=3))
            out += tables
            register(ctx, anchor, tables[0].content, f"Scenario: {name}")
            if isinstance(r, PriceResult):
                register(ctx, anchor + "-nodes", tables[1].content, f"Scenario: {name}")
                out[-1] = Section(tables[1].title, "table", tables[1].content, caption=tables[1].caption, level=3,
                                  anchor=anchor + "-nodes")
            ctx["scenario_anchors"].append((name, anchor, r))
        elif isinstance(r, ShockResult):
            tab = r.by_sector[["output", "output_change", "output_loss_share"]].copy()
            tab["output change %"] = (-100 * tab.pop("output_loss_share")).round(3)
            tab = tab.sort_values("output change %")
            register(ctx, anchor, tab, f"Scenario: {name}")
            out.append(Section(f"Scenario: {name}", "table", tab.head(ctx["top"]), level=3, anchor=anchor,
                               caption=f"Quantity model {r.model}: output by sector before the shock and its change "
                                       f"({r.nodes.attrs.get('unit') or 'table units'}), largest falls first."))
            ctx["scenario_anchors"].append((name, anchor, r))
        else:
            raise TypeError(f"scenario {name!r} is a {type(r).__name__}; give PriceResult, TariffResult or "
                            "ShockResult objects")
    if len(runs) > 1:
        cmp_mod = need("compare", "scenarios")
        try:
            side = cmp_mod.scenarios(runs)
        except Exception as exc:  # noqa: BLE001 - runs on different tables: say so instead of the table
            out.append(Section("Scenarios side by side", "note", f"Not shown: {exc}", level=3))
        else:
            out.append(Section("Scenarios side by side", "table",
                               side.sort_values(side.columns[1], ascending=False).head(ctx["top"]).round(3), level=3,
                               caption="Each run's headline change by node, in %: " + "; ".join(
                                   f"{k}: {v}" for k, v in side.attrs["runs"].items()) + "."))
    return out


ADAPTERS: list[tuple[str, Callable[[dict], list[Section]]]] = [
    ("Data", data_summary),
    ("IO position", position),
    ("What grew and shrank", growth),
    ("Dependencies", dependencies),
    ("Employment", employment),
    ("Supply network", network),
    ("Clusters", clusters),
    ("Global value chains", gvc),
    ("Resilience", resilience),
    ("Scenarios", scenario_runs),
    ("Reconfiguration", comparison),
]


def build(table: Any, table2: Any, opts: dict, *, strict: bool = False,
          progress: Callable[[str, int, int], None] | None = None) -> tuple[list[Section], dict]:
    """Run every adapter; return the sections and the method parameters used."""
    params: dict[str, Any] = {"seed": opts["seed"]}
    opts = {"min_share": 0.005, "volumes": None, "activity": None, "scenarios": None, **opts}
    ctx = {"table": table, "table2": table2, "params": params, **opts}
    ctx["min_share_pct"] = 100 * ctx["min_share"]
    params["report.size_threshold"] = f"{ctx['min_share_pct']:g} % of gross output"
    sections: list[Section] = []
    steps = [a for a in ADAPTERS if (table2 is not None or a[0] != "Reconfiguration")
             and (ctx["scenarios"] or a[0] != "Scenarios")]
    for k, (name, adapter) in enumerate(steps):
        if progress is not None:
            progress(name, k, len(steps))
        try:
            sections += adapter(ctx)
        except Unavailable as exc:
            sections.append(Section(name, "note", f"Not included: {exc}. Install the full valuechain package "
                                                  "(pip install valuechain) to get this section."))
        except Exception as exc:  # noqa: BLE001 - reported in the page, re-raised when strict
            if strict:
                raise
            log.warning("report section %r failed: %s: %s", name, type(exc).__name__, exc)
            sections.append(Section(name, "error", _explain(name, exc)))
    try:
        findings = key_findings(ctx)
    except Exception as exc:  # noqa: BLE001 - the findings never cost the report
        if strict:
            raise
        log.warning("key findings failed: %s: %s", type(exc).__name__, exc)
        findings = Section("Key findings", "error", _explain("Key findings", exc), anchor="findings")
    if progress is not None:
        progress("done", len(steps), len(steps))
    return [findings, *sections], params
