"""Interactive network views of a supply graph: one self-contained, offline HTML file.

pyvis (``pyvis.network.Network``) builds the node, edge and option data; our own
Jinja template renders it with vis-network's JavaScript and CSS *inlined* from the
installed pyvis package, so the page needs no network (pyvis's own ``write_html``
links CDNs and writes ``lib/`` folders; it is never called).

What is drawn (the stated rule, also printed under every view)
--------------------------------------------------------------
1. Edges: the backbone of the graph (disparity filter, ``vc.network.backbone``
   at ``backbone=alpha``), or every edge with ``backbone=None``.  Self-loops are
   never drawn.
2. Nodes: the ``max_nodes`` largest nodes by the ``size_by`` metric (ties keep
   table order).
3. Edges among the kept nodes: the ``max_edges`` heaviest.
4. Kept nodes left without any drawn edge are omitted (``drop_isolated``); the
   caption says how many.  With a single region, labels show the sector only.

Node area is proportional to ``size_by``; edge width to the edge weight; colour
is the community (or region, sector, any categorical column).  Metrics shown in
the tooltips are computed on the *whole* graph, before any filtering.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .._validation import check_int, check_number
from ..errors import ParameterError
from . import _render

__all__ = ["network_view", "network_data", "comparison_view", "comparison_data", "node_metrics", "layout"]

_counter = itertools.count()

#: Kept for compatibility: layouts are precomputed, the physics simulation is always off.
FREEZE_ABOVE = 40
#: Labels are never drawn smaller than this on screen (pixels), whatever the zoom.
MIN_LABEL_PX = 12


# --------------------------------------------------------------------------- inputs
def node_metrics(graph: Any, *, communities: pd.Series | None = None, seed: int = 0,
                 centrality: bool = True, community: bool = True) -> pd.DataFrame:
    """Per-node table used by the views: node attributes, centralities and community.

    Parameters
    ----------
    graph : SupplyGraph
    communities : Series, optional
        Community id per node; computed with ``vc.network.communities(graph, seed=seed)``
        when omitted and ``community`` is true.
    seed : int, default 0
        Seed of the community detection.
    centrality, community : bool, default True
        Whether to compute ``vc.network.centrality`` / communities.

    Returns
    -------
    DataFrame
        Indexed like ``graph.nodes``; columns: the numeric node attributes
        (output, value_added, final_demand), every centrality column, ``community``.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
    >>> m = vc.views.node_metrics(g)
    >>> {"output", "community"} <= set(m.columns), len(m) == g.n
    (True, True)
    """
    from .. import network

    out = pd.DataFrame(index=graph.nodes)
    attrs = getattr(graph, "node_attrs", None)
    if attrs is not None and len(attrs.columns):
        num = attrs.drop(columns=[c for c in ("region", "sector") if c in attrs.columns])
        num = num.select_dtypes("number")
        out = out.join(num.reindex(graph.nodes)) if len(num.columns) else out
    if centrality:
        cen = network.centrality(graph)
        cen = cen.reindex(graph.nodes)
        out = out.join(cen[[c for c in cen.columns if c not in out.columns]])
    if communities is None and community:
        communities = network.communities(graph, seed=seed)
    if communities is not None:
        out["community"] = pd.Series(communities).reindex(graph.nodes).to_numpy()
    out.attrs = {"metric": "node_metrics", **_meta_attrs(graph)}
    return out


def _meta_attrs(graph: Any) -> dict:
    meta = getattr(graph, "meta", None)
    if meta is None:
        return {}
    return {k: getattr(meta, k, "") for k in ("name", "year", "unit", "source")}


def _level(nodes: pd.Index, name: str) -> pd.Index | None:
    if isinstance(nodes, pd.MultiIndex):
        return nodes.get_level_values(name) if name in nodes.names else None
    return pd.Index(nodes) if nodes.name == name else None


def _resolve_numeric(spec: Any, nodes: pd.Index, table: pd.DataFrame, what: str) -> tuple[str, np.ndarray]:
    if isinstance(spec, pd.Series):
        vals = pd.to_numeric(spec.reindex(nodes), errors="coerce").to_numpy(dtype=float)
        return str(spec.name or what), vals
    if isinstance(spec, str) and spec in table.columns:
        col = table[spec]
        if not pd.api.types.is_numeric_dtype(col):
            raise ParameterError(f"The '{what}' parameter must name a numeric column; {spec!r} is {col.dtype}.")
        return spec, col.to_numpy(dtype=float)
    choices = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c]) and c != "community"]
    raise ParameterError(
        f"The '{what}' parameter must be a pandas Series or one of {', '.join(map(repr, choices))}. Got {spec!r} instead."
    )


def _resolve_category(spec: Any, nodes: pd.Index, table: pd.DataFrame) -> tuple[str, list]:
    if isinstance(spec, pd.Series):
        return str(spec.name or "group"), list(spec.reindex(nodes).to_numpy())
    if isinstance(spec, str):
        lvl = _level(nodes, spec)
        if lvl is not None:
            return spec, list(lvl)
        if spec in table.columns:
            return spec, list(table[spec].to_numpy())
    levels = list(nodes.names) if isinstance(nodes, pd.MultiIndex) else [nodes.name]
    choices = [c for c in [*levels, *table.columns] if c]
    raise ParameterError(
        f"The 'color_by' parameter must be a pandas Series or one of {', '.join(map(repr, choices))}. Got {spec!r} instead."
    )


def _clean(v: Any) -> Any:
    if v is None:
        return "n/a"
    if isinstance(v, (float, np.floating)) and not math.isfinite(float(v)):
        return "n/a"
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)) and float(v) == int(v):
        return int(v)
    return v if isinstance(v, (int, str)) else str(v)


def _edges(graph: Any, nodes: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source position, target position, weight) of every non-loop edge of *graph*,
    positions taken in *nodes*."""
    import scipy.sparse as sp

    coo = sp.coo_matrix(graph.adjacency)
    pos = nodes.get_indexer(graph.nodes) if not graph.nodes.equals(nodes) else np.arange(len(nodes))
    src, dst, w = pos[coo.row], pos[coo.col], np.asarray(coo.data, dtype=float)
    keep = (src != dst) & (src >= 0) & (dst >= 0) & (w > 0) & np.isfinite(w)
    return src[keep], dst[keep], w[keep]


# --------------------------------------------------------------------------- layout
def layout(nodes: Sequence, edges: Sequence[tuple] | None = None, *, seed: int = 0, niter: int = 600,
           scale: float | None = None) -> pd.DataFrame:
    """Node positions computed in Python (igraph Fruchterman-Reingold, seeded).

    The views draw nodes at these positions with the physics simulation off, so a
    page is complete as soon as it is drawn (screenshots and printing never catch
    an unsettled layout) and the two panels of a comparison put every node at the
    same place.

    Parameters
    ----------
    nodes : sequence
        Node labels (any hashable; order fixes the result together with *seed*).
    edges : sequence of (source, target, weight), optional
        Edges among *nodes* (others are ignored); weights pull nodes together.
    seed : int, default 0
    niter : int, default 600
    scale : float, optional
        Half-width of the drawing in pixels; default ``70 * sqrt(len(nodes))``.

    Returns
    -------
    DataFrame
        ``x``, ``y`` (pixels, centred on 0) indexed by node.

    Examples
    --------
    >>> from valuechain.views.network import layout
    >>> p = layout(["a", "b", "c"], [("a", "b", 1.0), ("b", "c", 2.0)], seed=1)
    >>> p.equals(layout(["a", "b", "c"], [("a", "b", 1.0), ("b", "c", 2.0)], seed=1)), list(p.columns)
    (True, ['x', 'y'])
    """
    import random

    import igraph as ig

    labels = list(nodes)
    pos = {k: i for i, k in enumerate(labels)}
    n = len(labels)
    if n == 0:
        return pd.DataFrame({"x": [], "y": []})
    pairs, weights = [], []
    for a, b, w in edges or ():
        if a in pos and b in pos and a != b:
            pairs.append((pos[a], pos[b]))
            weights.append(float(w))
    g = ig.Graph(n=n, edges=pairs, directed=False)
    if pairs:
        wv = np.asarray(weights)
        wv = 0.5 + 2.5 * np.sqrt(wv / wv.max()) if wv.max() > 0 else np.ones(len(wv))
        g.es["weight"] = wv.tolist()
    ig.set_random_number_generator(random.Random(int(seed)))
    try:
        coords = np.asarray(g.layout_fruchterman_reingold(weights="weight" if pairs else None, niter=niter,
                                                          grid=False).coords, dtype=float)
    finally:
        ig.set_random_number_generator(random)
    coords -= coords.mean(axis=0)
    span = np.abs(coords).max() if n > 1 else 1.0
    half = float(scale) if scale is not None else 70.0 * math.sqrt(n)
    coords = coords / (span if span > 0 else 1.0) * half
    return pd.DataFrame({"x": coords[:, 0].round(1), "y": coords[:, 1].round(1)}, index=pd.Index(labels))


# --------------------------------------------------------------------------- data
def network_data(
    graph: Any,
    *,
    color_by: str | pd.Series = "community",
    size_by: str | pd.Series = "pagerank",
    backbone: float | None = 0.05,
    max_nodes: int = 150,
    max_edges: int = 600,
    metrics: pd.DataFrame | None = None,
    highlight: pd.Series | None = None,
    keep: Sequence | None = None,
    drop_isolated: bool = True,
    seed: int = 0,
    title: str | None = None,
    positions: pd.DataFrame | None = None,
    categories: Sequence | None = None,
) -> dict[str, Any]:
    """The JSON-ready payload of a network view (nodes, edges, legend, filters, options).

    Node positions come from :func:`layout` (seeded, computed here in Python) or
    from ``positions`` (``x``, ``y`` by node, e.g. shared by the two years of a
    comparison); ``categories`` fixes the colour of every category (default: the
    sorted categories of the whole graph, so colours do not depend on what is drawn).

    Parameters are those of :func:`network_view`, plus ``highlight`` (a numeric
    Series of changes: nodes with a non-zero value get a thick border, green for
    positive and red for negative, and a "change" row in the tooltip) and
    ``keep`` (node labels drawn in place of the top ``max_nodes``; used by the
    comparison view so both years show the same nodes); ``drop_isolated``
    (default True) omits kept nodes left without any drawn edge.

    Returns
    -------
    dict
        ``nodes`` (vis-network node dicts with ``attrs`` for filters and ``rows``
        for the tooltip), ``edges``, ``legend``, ``filters``, ``options``,
        ``caption`` (the stated drawing rule) and ``stats``.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
    >>> d = vc.views.network_data(g, max_nodes=10, max_edges=15)
    >>> len(d["nodes"]) <= 10, len(d["edges"]) <= 15
    (True, True)
    """
    func = "network_view"
    max_nodes = check_int(max_nodes, "max_nodes", func, low=1)
    max_edges = check_int(max_edges, "max_edges", func, low=0)
    if backbone is not None:
        backbone = check_number(backbone, "backbone", func, low=0, high=1, closed="right")
    nodes: pd.Index = graph.nodes
    need_comm = isinstance(color_by, str) and color_by == "community"
    if metrics is None:
        metrics = node_metrics(graph, seed=seed, community=need_comm)
    else:
        metrics = metrics.reindex(nodes)
        if need_comm and "community" not in metrics.columns:
            from .. import network

            metrics = metrics.assign(community=network.communities(graph, seed=seed).reindex(nodes).to_numpy())
    size_name, size = _resolve_numeric(size_by, nodes, metrics, "size_by")
    color_name, groups = _resolve_category(color_by, nodes, metrics)

    # 1. edges to draw: the backbone (or all), without self-loops
    drawn = graph
    if backbone is not None:
        from .. import network

        drawn = network.backbone(graph, alpha=backbone)
    src, dst, w = _edges(drawn, nodes)
    n_total_edges = len(w)

    # 2. nodes: the largest by size (or the given labels)
    size_key = np.where(np.isfinite(size), size, -np.inf)
    if keep is not None:
        kept = nodes.get_indexer(pd.Index(list(keep)) if not isinstance(keep, pd.Index) else keep)
        kept = np.unique(kept[kept >= 0])[:max_nodes]
        node_rule = f"{len(kept):,} selected nodes"
    else:
        order = np.argsort(-size_key, kind="stable")
        kept = np.sort(order[:max_nodes])
        node_rule = f"the {len(kept):,} largest of {len(nodes):,} nodes by {size_name}"
    mask = np.zeros(len(nodes), bool)
    mask[kept] = True

    # 3. edges among kept nodes: the heaviest
    sel = mask[src] & mask[dst]
    src, dst, w = src[sel], dst[sel], w[sel]
    n_among = len(w)
    if len(w) > max_edges:
        top = np.argsort(-w, kind="stable")[:max_edges]
        src, dst, w = src[top], dst[top], w[top]
    # 4. nodes left without a drawn edge are omitted (they would float away from the rest)
    n_isolated = 0
    if drop_isolated and len(w):
        linked = np.zeros(len(nodes), bool)
        linked[src] = True
        linked[dst] = True
        n_isolated = int((~linked[kept]).sum())
        kept = kept[linked[kept]]
    edge_src = f"backbone edges (disparity filter, alpha = {backbone:g})" if backbone is not None else "edges"
    iso = f"; {n_isolated} of these nodes have no drawn edge and are omitted" if n_isolated else ""
    caption = (f"Drawn: {node_rule}; the {len(w):,} heaviest of the {n_among:,} {edge_src} among them "
               f"({n_total_edges:,} in the whole graph; self-loops not drawn){iso}. Node area ~ {size_name}; "
               f"colour = {color_name}; edge width ~ {getattr(graph, 'weight', 'weight')}.")

    # colours and sizes
    kept_groups = [groups[i] for i in kept]
    sort_key = lambda v: (isinstance(v, str), v)  # noqa: E731
    present = sorted({_clean(g) for g in kept_groups}, key=sort_key)
    universe = list(categories) if categories is not None else sorted({_clean(g) for g in groups}, key=sort_key)
    colors = _render.color_map([*universe, *[p for p in present if p not in set(universe)]])
    if positions is None:
        positions = layout([nodes[i] for i in kept], [(nodes[a], nodes[b], wt) for a, b, wt in zip(src, dst, w)],
                           seed=seed)
    unit = getattr(getattr(graph, "meta", None), "unit", None) or ""
    sv = np.where(np.isfinite(size[kept]), np.maximum(size[kept], 0), 0)
    smax = sv.max() if len(sv) and sv.max() > 0 else 1.0
    px = 6 + 34 * np.sqrt(sv / smax)
    wmax = w.max() if len(w) else 1.0

    from pyvis.network import Network  # pyvis only builds the data

    net = Network(directed=True)
    mi = isinstance(nodes, pd.MultiIndex)
    regions = _level(nodes, "region")
    sectors = _level(nodes, "sector")
    num_cols = [c for c in metrics.columns if c != "community" and pd.api.types.is_numeric_dtype(metrics[c])][:14]
    hl = highlight.reindex(nodes) if highlight is not None else None
    signed = bool(highlight is not None and (pd.to_numeric(highlight, errors="coerce") < 0).any())
    one_region = regions is not None and sectors is not None and len(set(regions[kept])) == 1
    for k, i in enumerate(kept):
        label = _render.label_of(nodes[i]) if not one_region else str(sectors[i])
        grp = _clean(groups[i])
        attrs: dict[str, Any] = {}
        rows: list[list[str]] = []
        if regions is not None:
            attrs["region"] = str(regions[i])
            rows.append(["region", str(regions[i])])
        if sectors is not None:
            attrs["sector"] = str(sectors[i])
            rows.append(["sector", str(sectors[i])])
        if "community" in metrics.columns:
            attrs["community"] = str(_clean(metrics["community"].iloc[i]))
            rows.append(["community", attrs["community"]])
        if color_name not in attrs:
            attrs[color_name] = str(grp)
            rows.append([color_name, str(grp)])
        rows += [[c, _render.fmt_number(metrics[c].iloc[i])] for c in num_cols]
        opts: dict[str, Any] = {"size": float(round(px[k], 2)), "attrs": attrs, "rows": rows,
                                "color": colors[grp]}
        key = nodes[i]
        if key in positions.index:
            opts["x"], opts["y"] = float(positions.at[key, "x"]), float(positions.at[key, "y"])
        if hl is not None:
            ch = hl.iloc[i]
            if pd.notna(ch) and ch != 0:
                border = ("#1a9641" if ch > 0 else "#d7191c") if signed else "#1f2933"
                opts["color"] = {"background": colors[grp], "border": border,
                                 "highlight": {"background": colors[grp], "border": border}}
                opts["borderWidth"] = 5
                sign = "+" if signed and ch > 0 else ""
                rows.append([str(highlight.name or "change"), sign + _render.fmt_number(ch)])
        net.add_node(int(i), label=label, shape="dot", **opts)
    names = {int(i): (_render.label_of(nodes[i]) if not one_region else str(sectors[i])) for i in kept}
    for s, t, wt in zip(src, dst, w):
        net.add_edge(int(s), int(t), value=float(wt), width=float(round(0.5 + 7.5 * wt / wmax, 2)),
                     weight=_render.fmt_number(wt),
                     tip=f"{names.get(int(s), s)} → {names.get(int(t), t)}: {_render.fmt_number(wt)}"
                         + (f" {unit}" if unit else ""))
    vis_nodes, vis_edges, _, _, _, _ = net.get_network_data()

    # options: pyvis's defaults, tuned for readable, stable layouts
    net.force_atlas_2based(gravity=-80, central_gravity=0.012, spring_length=110, spring_strength=0.06,
                           damping=0.5, overlap=0.4)
    import json

    options = json.loads(net.options.to_json())
    # positions are precomputed (layout): no physics, so the page is complete on its first frame
    options["physics"] = {"enabled": False}
    options["edges"] = {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                        "color": {"inherit": "from", "opacity": 0.45},
                        "smooth": {"enabled": len(w) <= 400, "type": "continuous"}}
    options["nodes"] = {"font": {"size": 13, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
                        "borderWidth": 1}
    options["interaction"] = {"hover": True, "tooltipDelay": 120, "navigationButtons": False,
                              "hideEdgesOnDrag": len(w) > 300}
    options["layout"] = {"randomSeed": int(seed), "improvedLayout": False}

    filters = []
    for key, label in (("region", "Region"), ("sector", "Sector"), ("community", "Community")):
        vals = sorted({n["attrs"][key] for n in vis_nodes if key in n["attrs"]}, key=_natural)
        if 1 < len(vals) <= 500:
            filters.append({"key": key, "label": label, "values": vals})
    legend = {"title": color_name, "items": [{"label": str(g), "color": colors[g]} for g in present]}
    meta = _meta_attrs(graph)
    if title is None:
        title = f"{meta.get('name') or 'Supply graph'} {meta.get('year') or ''}".strip()
    return {
        "title": title,
        "nodes": vis_nodes,
        "edges": vis_edges,
        "legend": legend,
        "filters": filters,
        "options": options,
        "freeze": True,
        "min_label_px": MIN_LABEL_PX,
        "caption": caption,
        "meta": {k: str(v) for k, v in meta.items() if v not in (None, "")},
        "stats": {"nodes_total": len(nodes), "nodes_drawn": len(kept), "edges_total": n_total_edges,
                  "edges_among_drawn": n_among, "edges_drawn": len(w), "size_by": size_name,
                  "color_by": color_name, "backbone": backbone},
    }


def _drawn_edges(graph: Any, backbone: float | None, keep: Sequence, max_edges: int) -> list[tuple]:
    """(source label, target label, weight) of the edges a panel draws among *keep* (see network_data)."""
    drawn = graph
    if backbone is not None:
        from .. import network

        drawn = network.backbone(graph, alpha=backbone)
    nodes = graph.nodes
    src, dst, w = _edges(drawn, nodes)
    idx = nodes.get_indexer(pd.Index(list(keep)) if not isinstance(keep, pd.Index) else keep)
    mask = np.zeros(len(nodes), bool)
    mask[idx[idx >= 0]] = True
    sel = mask[src] & mask[dst]
    src, dst, w = src[sel], dst[sel], w[sel]
    if len(w) > max_edges:
        top = np.argsort(-w, kind="stable")[:max_edges]
        src, dst, w = src[top], dst[top], w[top]
    return [(nodes[a], nodes[b], float(x)) for a, b, x in zip(src, dst, w)]


def _natural(v: str) -> tuple:
    """Sort key: integers numerically first, then text."""
    try:
        return (0, int(v), "")
    except ValueError:
        return (1, 0, v)


def _block(data: dict[str, Any], height: str = "680px") -> dict[str, Any]:
    return {"id": f"vcnet{next(_counter)}", "data": data, "height": height}


# --------------------------------------------------------------------------- views
def network_view(
    graph: Any,
    *,
    color_by: str | pd.Series = "community",
    size_by: str | pd.Series = "pagerank",
    backbone: float | None = 0.05,
    max_nodes: int = 150,
    max_edges: int = 600,
    metrics: pd.DataFrame | None = None,
    seed: int = 0,
    title: str | None = None,
    height: str = "720px",
) -> str:
    """An interactive view of a supply graph as one self-contained HTML document.

    Nodes are coloured by community (or region, sector, any categorical column or
    Series), sized by a centrality or by output, edges are drawn by weight; each
    node has a tooltip with its metrics; a legend and drop-down filters by region,
    sector and community sit above the canvas.  The drawing rule is in the module
    docstring and is printed under the view.  With more than 40 drawn nodes the
    physics simulation stops once the layout has stabilised.

    Parameters
    ----------
    graph : SupplyGraph
    color_by : {"community", "region", "sector"} or str or Series, default "community"
        Categorical colour: a node level, a column of ``metrics``, or a Series.
    size_by : str or Series, default "pagerank"
        Numeric size: a centrality column (``vc.network.centrality``), a node
        attribute (``"output"``, ``"value_added"``), a column of ``metrics``, or a Series.
    backbone : float or None, default 0.05
        Significance level of the disparity-filter backbone used for the drawn
        edges; ``None`` draws from all edges.
    max_nodes : int, default 150
        Nodes drawn: the largest by ``size_by``.
    max_edges : int, default 600
        Edges drawn among those nodes: the heaviest.
    metrics : DataFrame, optional
        Precomputed per-node metrics (see :func:`node_metrics`); computed when omitted.
    seed : int, default 0
        Seed of community detection and of the initial layout.
    title : str, optional
        Page title; default "<dataset> <year>".
    height : str, default "720px"
        CSS height of the canvas.

    Returns
    -------
    str
        A complete HTML document with vis-network inlined (no external URL is
        loaded).  Labels are escaped: a sector named ``<script>`` shows as text.

    Raises
    ------
    ParameterError
        Unknown ``size_by``/``color_by``, bad caps or significance level.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
    >>> html = vc.views.network_view(g, color_by="region", size_by="output")
    >>> html.startswith("<!DOCTYPE html>"), 'src="http' in html
    (True, False)
    """
    data = network_data(graph, color_by=color_by, size_by=size_by, backbone=backbone, max_nodes=max_nodes,
                        max_edges=max_edges, metrics=metrics, seed=seed, title=title)
    return _render.render("network.html", title=data["title"], blocks=[_block(data, height)], meta=data["meta"])


def comparison_data(
    graph_a: Any,
    graph_b: Any,
    changes: pd.DataFrame | pd.Series | None = None,
    *,
    labels: tuple[str, str] | None = None,
    change_column: str | None = None,
    top_movers: int = 10,
    color_by: str | pd.Series = "region",
    size_by: str | pd.Series = "pagerank",
    backbone: float | None = 0.05,
    max_nodes: int = 80,
    max_edges: int = 300,
    metrics_a: pd.DataFrame | None = None,
    metrics_b: pd.DataFrame | None = None,
    seed: int = 0,
    title: str | None = None,
) -> dict[str, Any]:
    """Two years of a supply graph side by side, with the movers highlighted.

    Both panels draw the same nodes (the largest by ``size_by`` in either year)
    with the same colours; a year toggle switches to one panel at a time.  The
    ``top_movers`` nodes with the largest absolute change get a thick border
    (green up, red down; dark grey when the change is a non-negative magnitude such
    as a reconfiguration score) and are listed in a table.

    Parameters
    ----------
    graph_a, graph_b : SupplyGraph
        The earlier and the later graph (same kind of nodes).
    changes : DataFrame or Series, optional
        Per-node changes indexed by node (e.g. from ``vc.compare``); default: the
        change of ``size_by`` between the two graphs.
    labels : (str, str), optional
        Panel names; default the graphs' years.
    change_column : str, optional
        Column of ``changes`` that ranks the movers; default the first numeric column.
    top_movers : int, default 10
    color_by, size_by, backbone, max_nodes, max_edges, seed
        As in :func:`network_view` (``max_nodes`` per panel).
    metrics_a, metrics_b : DataFrame, optional
        Precomputed per-node metrics of each graph.
    title : str, optional

    Returns
    -------
    dict
        Template context: ``title``, ``blocks`` (two network payloads), ``labels``,
        ``movers`` (rows of the movers table), ``change_column``, ``size_name``, ``meta``.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
    >>> g2 = g.with_adjacency(g.adjacency * 1.5)
    >>> ctx = vc.views.network.comparison_data(g, g2, size_by="output", top_movers=3)
    >>> len(ctx["blocks"]), len(ctx["movers"])
    (2, 3)
    """
    top_movers = check_int(top_movers, "top_movers", "comparison_view", low=0)
    need_comm = isinstance(color_by, str) and color_by == "community"
    if metrics_a is None:
        metrics_a = node_metrics(graph_a, seed=seed, community=need_comm)
    if metrics_b is None:
        metrics_b = node_metrics(graph_b, seed=seed, community=need_comm)
    ya = getattr(getattr(graph_a, "meta", None), "year", None)
    yb = getattr(getattr(graph_b, "meta", None), "year", None)
    if labels is None:
        labels = (str(ya) if ya else "before", str(yb) if yb else "after")
    name_a, size_a = _resolve_numeric(size_by, graph_a.nodes, metrics_a.reindex(graph_a.nodes), "size_by")
    name_b, size_b = _resolve_numeric(size_by, graph_b.nodes, metrics_b.reindex(graph_b.nodes), "size_by")
    sa = pd.Series(size_a, index=graph_a.nodes)
    sb = pd.Series(size_b, index=graph_b.nodes)
    if changes is None:
        changes = (sb - sa.reindex(graph_b.nodes)).rename(f"{name_b} change").to_frame()
    elif isinstance(changes, pd.Series):
        changes = changes.to_frame(changes.name or "change")
    if change_column is None:
        numeric = [c for c in changes.columns if pd.api.types.is_numeric_dtype(changes[c])]
        if not numeric:
            raise ParameterError("The 'changes' parameter of comparison_view must have a numeric column.")
        change_column = numeric[0]
    elif change_column not in changes.columns:
        raise ParameterError(f"The 'change_column' parameter of comparison_view must be one of "
                             f"{', '.join(map(repr, changes.columns))}. Got {change_column!r} instead.")
    ch = pd.to_numeric(changes[change_column], errors="coerce")
    movers = ch.dropna().abs().sort_values(ascending=False, kind="stable").head(top_movers).index
    hl = pd.Series(0.0, index=graph_b.nodes, name=str(change_column))
    common = movers.intersection(hl.index)
    hl.loc[common] = ch.loc[common].to_numpy()
    # same nodes in both panels: the largest in either year, movers first
    union = pd.concat([sa, sb], axis=1).max(axis=1)
    order = union.sort_values(ascending=False, kind="stable").index
    keep = list(dict.fromkeys([*movers, *order]))[:max_nodes]
    # one layout for both years (on the union of their drawn edges): a node sits at the same place in both panels
    shared_edges: dict = {}
    cats: set = set()
    for g, m in ((graph_a, metrics_a), (graph_b, metrics_b)):
        for a, b, wt in _drawn_edges(g, backbone, keep, max_edges):
            shared_edges[(a, b)] = shared_edges.get((a, b), 0.0) + wt
        _, grp = _resolve_category(color_by, g.nodes, m.reindex(g.nodes))
        cats |= {_clean(v) for v in grp}
    kept_labels = [k for k in keep if k in graph_a.nodes or k in graph_b.nodes]
    positions = layout(kept_labels, [(a, b, wt) for (a, b), wt in shared_edges.items()], seed=seed)
    categories = sorted(cats, key=lambda v: (isinstance(v, str), v))
    panels = []
    for g, m, lab in ((graph_a, metrics_a, labels[0]), (graph_b, metrics_b, labels[1])):
        d = network_data(g, color_by=color_by, size_by=size_by, backbone=backbone, max_nodes=max_nodes,
                         max_edges=max_edges, metrics=m, highlight=hl.reindex(g.nodes).rename(str(change_column)),
                         keep=keep, seed=seed, title=lab, positions=positions, categories=categories)
        panels.append(_block(d, "620px"))
    signed = bool((ch < 0).any())
    table = []
    for node in movers:
        table.append({"node": _render.label_of(node),
                      "change": ("+" if signed and ch[node] > 0 else "") + _render.fmt_number(ch[node]),
                      "up": bool(ch[node] > 0) if signed else None,
                      "a": _render.fmt_number(sa.get(node, float("nan"))),
                      "b": _render.fmt_number(sb.get(node, float("nan")))})
    meta = _meta_attrs(graph_b)
    if title is None:
        title = f"{meta.get('name') or 'Supply graph'}: {labels[0]} vs {labels[1]}"
    return {"title": title, "blocks": panels, "labels": list(labels), "movers": table, "signed": signed,
            "change_column": str(change_column), "size_name": name_b,
            "meta": {k: str(v) for k, v in meta.items() if v not in (None, "")}}


def comparison_view(graph_a: Any, graph_b: Any, changes: pd.DataFrame | pd.Series | None = None,
                    **kwargs: Any) -> str:
    """Two years of a supply graph side by side (with a year toggle), movers highlighted.

    Takes the parameters of :func:`comparison_data` and returns a complete,
    offline HTML document.

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
    >>> g2 = g.with_adjacency(g.adjacency * 1.5)
    >>> html = vc.views.comparison_view(g, g2, labels=("before", "after"), size_by="output")
    >>> "before" in html and "after" in html and 'src="http' not in html
    True
    """
    ctx = comparison_data(graph_a, graph_b, changes, **kwargs)
    return _render.render("comparison.html", **ctx)
