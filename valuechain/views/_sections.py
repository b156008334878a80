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

from ._section import Section

log = logging.getLogger(__name__)

__all__ = ["Unavailable", "need", "build"]


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
    return [Section("Data", "table", df, caption="As read and validated by vc.IOTable (row and column balances checked).")]


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
    topn = m.sort_values(size_by, ascending=False)[cols].head(ctx["top"])
    return [
        Section("Supply network", "network", data,
                caption="Hover a node for its metrics; use the menus to filter. Metrics are computed on the whole "
                        "graph; the drawing is capped as stated under the view."),
        Section(f"Most central nodes ({size_by})", "table", topn, level=3),
    ]


def gvc(ctx: dict) -> list[Section]:
    t = ctx["table"]
    if t.regions.size < 2:
        return [Section("Global value chains", "note",
                        "GVC indicators need a multi-regional table; this table has one region.")]
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
    return [Section("Resilience", "figure", png,
                    caption="Nodes removed in order (random: mean of 20 draws; strength and PageRank recomputed "
                            "after each step); remaining output from the Leontief model on the surviving nodes. "
                            "R = area under the curve.")]


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
    out.append(Section("Largest movers", "table", c.movers(ctx["top"]), level=3))
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


ADAPTERS: list[tuple[str, Callable[[dict], list[Section]]]] = [
    ("Data", data_summary),
    ("IO position", position),
    ("Employment", employment),
    ("Supply network", network),
    ("Global value chains", gvc),
    ("Resilience", resilience),
    ("Reconfiguration", comparison),
]


def build(table: Any, table2: Any, opts: dict, *, strict: bool = False,
          progress: Callable[[str, int, int], None] | None = None) -> tuple[list[Section], dict]:
    """Run every adapter; return the sections and the method parameters used."""
    params: dict[str, Any] = {"seed": opts["seed"]}
    ctx = {"table": table, "table2": table2, "params": params, **opts}
    sections: list[Section] = []
    steps = [a for a in ADAPTERS if table2 is not None or a[0] != "Reconfiguration"]
    for k, (name, adapter) in enumerate(steps):
        if progress is not None:
            progress(name, k, len(steps))
        try:
            sections += adapter(ctx)
        except Unavailable as exc:
            sections.append(Section(name, "note", f"Not included: {exc}."))
        except Exception as exc:  # noqa: BLE001 - reported in the page, re-raised when strict
            if strict:
                raise
            log.warning("report section %r failed: %s: %s", name, type(exc).__name__, exc)
            sections.append(Section(name, "error", f"This section could not be computed: {type(exc).__name__}: {exc}"))
    if progress is not None:
        progress("done", len(steps), len(steps))
    return sections, params
