"""Reconfiguration: how value chains changed between years, and where.

``vc.compare(tables)`` takes two or more tables of the same classification
(aggregate them to a common one first when needed) and returns a
:class:`Comparison` with per-node changes, rank agreement, community alignment,
edge changes, geography (regionalisation, reshoring, nearshoring, hub shifts) and
a reconfiguration score.  With more than two tables it also returns a tidy
panel of the per-year indicators and the consecutive-pair comparisons.

Reconfiguration score (our definition, documented in METHODS.md 7)
-----------------------------------------------------------------
For a node i between years t0 and t1, with components in [0, 1]:

* ``rank``      = |Δ percentile rank of PageRank|;
* ``community`` = 1 - Jaccard(members of i's community in t0, members in t1);
* ``sourcing``  = total-variation distance between i's input shares by supplier
  region in t0 and t1, ``½ Σ_r |s_r(t1) - s_r(t0)|``.

``score_i`` is their mean.  A region's score is the output-weighted mean of its
nodes' scores.  The overall score is the mean of ``1 - NMI`` of the two
partitions, the mean |Δ percentile rank| of the top-k nodes (of either year) and
the output-weighted mean sourcing distance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ._partitions import adjusted_rand, nmi
from ._validation import check_int, check_number, fmt_labels
from .errors import LabelError, ParameterError
from .table import IOTable

__all__ = ["compare", "Comparison", "year_indicators", "sourcing_shares", "chain_linked_volumes", "scenarios"]


# ---------------------------------------------------------------- per year
def sourcing_shares(table: IOTable, blocs: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Each buyer node's intermediate inputs by supplier region (shares summing to 1).

    The primary inputs of kind ``imports`` (imported intermediate inputs in national
    tables with domestic flows in ``Z``; never taxes, whatever their name) count as one
    more supplier, ``"imports"``, which is foreign to every region and bloc.

    Returns
    -------
    DataFrame indexed by buyer (region, sector), one column per supplier region.
    Nodes that buy no intermediate inputs have all-zero rows.

    Examples
    --------
    >>> from valuechain.compare import sourcing_shares
    >>> s = sourcing_shares(vc.datasets.load("brazil", year=2021))
    >>> s.columns.tolist()
    ['BRA', 'imports']
    """
    by_region = table.Z.groupby(level="region", sort=False).sum().T  # buyers x supplier regions
    kinds = table.V.index.get_level_values("kind")
    if (kinds == "imports").any():  # national tables: imported intermediate inputs are primary inputs
        by_region["imports"] = table.primary_inputs("imports").to_numpy()
    tot = by_region.sum(axis=1).to_numpy()
    inv = np.zeros_like(tot)
    np.divide(1.0, tot, out=inv, where=tot > 0)
    shares = by_region * inv[:, None]
    shares.index = table.nodes
    shares.columns.name = "supplier_region"
    shares.attrs = {"metric": "input shares by supplier region", "inputs": tot}
    return shares


def _bloc_of(regions: Sequence[str], blocs: Mapping[str, str] | None) -> dict[str, str]:
    if blocs is None:
        return {r: r for r in regions}
    missing = [r for r in regions if r not in blocs]
    if missing:
        raise LabelError(f"compare: the blocs mapping has no entry for region(s) {fmt_labels(missing)}.")
    return dict(blocs)


def year_indicators(table: IOTable, *, blocs: Mapping[str, str] | None = None, alpha: float = 0.05,
                    seed: int = 0, resolution: float = 1.0) -> dict[str, Any]:
    """Per-node indicators of one table used by :func:`compare`.

    Communities are detected (Leiden, directed modularity) on the full flow graph
    without self-loops; edge changes are reported on the disparity-filter backbone.

    Returns a dict with ``nodes`` (DataFrame: output, value_added, final_demand,
    pagerank, upstreamness, foreign_input_share, domestic_input_share,
    bloc_input_share, supplier_hhi, community), ``sourcing`` (see
    :func:`sourcing_shares`), ``backbone`` (set of (source, target) label pairs) and
    ``regions`` (foreign-input supply share and PageRank by region).
    """
    from .network import backbone, communities, pagerank
    from .position.upstreamness import upstreamness
    from .graph import supply_graph

    g = supply_graph(table, weight="flow")
    bb = backbone(g, alpha=alpha)
    pr = pagerank(g)
    comm = communities(g, method="leiden", seed=seed, resolution=resolution)
    src = sourcing_shares(table)
    regions = table.nodes.get_level_values("region")
    bloc = _bloc_of(list(table.regions), blocs)
    buyer_bloc = np.array([bloc[r] for r in regions])
    supplier_bloc = np.array([bloc.get(r, f"<{r}>") for r in src.columns])
    own = src.to_numpy()[np.arange(table.n), src.columns.get_indexer(regions)]
    same_bloc = (src.to_numpy() * (buyer_bloc[:, None] == supplier_bloc[None, :])).sum(axis=1)
    has_inputs = src.to_numpy().sum(axis=1) > 0
    nodes = pd.DataFrame(
        {
            "output": table.x.to_numpy(),
            "value_added": table.v.to_numpy(),
            "final_demand": table.f.to_numpy(),
            "pagerank": pr.reindex(table.nodes).to_numpy(),
            "upstreamness": upstreamness(table).to_numpy(),
            "domestic_input_share": own,
            "bloc_input_share": same_bloc,
            "foreign_input_share": np.where(has_inputs, 1.0 - own, 0.0),
            "supplier_hhi": (src.to_numpy() ** 2).sum(axis=1),
            "intermediate_inputs": src.attrs["inputs"],
            "community": comm.reindex(table.nodes).to_numpy(),
        },
        index=table.nodes,
    )
    zv = table.Z.to_numpy()
    cross = regions.to_numpy()[:, None] != regions.to_numpy()[None, :]
    supplied = pd.Series((zv * cross).sum(axis=1), index=table.nodes).groupby(level="region", sort=False).sum()
    reg = pd.DataFrame({
        "foreign_input_supply_share": supplied / max(supplied.sum(), 1e-300),
        "pagerank": nodes["pagerank"].groupby(level="region", sort=False).sum(),
        "output": nodes["output"].groupby(level="region", sort=False).sum(),
    })
    reg["pagerank_rank"] = reg["pagerank"].rank(ascending=False, method="min")
    edges = bb.edges
    return {"nodes": nodes, "sourcing": src, "regions": reg,
            "backbone": set(zip(edges["source"], edges["target"])), "year": table.meta.year}


# ---------------------------------------------------------------- result
@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`.

    Attributes
    ----------
    years : list
        The labels of the compared tables (years by default).
    nodes : DataFrame
        Per node (first vs last table): levels ``*_t0``, ``*_t1``, changes ``d_*``,
        PageRank ranks, community ids, the score components and ``score``.
    regions : DataFrame
        Per region: output, foreign-input supply share, PageRank rank (both years),
        regionalisation (same-bloc input share), reshoring (Δ domestic input share),
        nearshoring (Δ same-bloc foreign input share) and ``score``.
    ranks : DataFrame
        Spearman and Kendall rank correlation between the years, per metric.
    churn : DataFrame
        Top-k entrants and leavers by PageRank.
    communities : dict
        ``nmi``, ``adjusted_rand``, ``events`` (DataFrame of continuations, births,
        deaths, merges, splits), ``changed`` (nodes that changed community),
        ``hubs`` (leading region of matched communities in both years).
    edges_gained, edges_lost : DataFrame
        Backbone links present only in the last / first year.
    flow_changes : DataFrame
        The largest absolute changes of intermediate flows.
    score : float
        Overall reconfiguration score (see module docstring).
    panel : DataFrame or None
        Tidy per-year indicators (year, region, sector, metric, value) for >2 tables.
    timeline : DataFrame or None
        Consecutive-pair summaries (for >2 tables).
    """

    years: list
    nodes: pd.DataFrame
    regions: pd.DataFrame
    ranks: pd.DataFrame
    churn: pd.DataFrame
    communities: dict
    edges_gained: pd.DataFrame
    edges_lost: pd.DataFrame
    flow_changes: pd.DataFrame
    score: float
    panel: pd.DataFrame | None = None
    timeline: pd.DataFrame | None = None
    params: dict = field(default_factory=dict)

    def summary(self) -> pd.Series:
        """Headline numbers of the comparison."""
        ev = self.communities["events"]
        counts = ev["event"].value_counts() if len(ev) else pd.Series(dtype=int)
        s = pd.Series({
            "from": self.years[0], "to": self.years[-1],
            "reconfiguration_score": self.score,
            "spearman_pagerank": self.ranks.loc["pagerank", "spearman"],
            "kendall_pagerank": self.ranks.loc["pagerank", "kendall"],
            "nmi_communities": self.communities["nmi"],
            "adjusted_rand_communities": self.communities["adjusted_rand"],
            "community_births": int(counts.get("birth", 0)), "community_deaths": int(counts.get("death", 0)),
            "community_merges": int(counts.get("merge", 0)), "community_splits": int(counts.get("split", 0)),
            "nodes_changing_community": len(self.communities["changed"]),
            "backbone_links_gained": len(self.edges_gained), "backbone_links_lost": len(self.edges_lost),
            "top_mover": str(self.nodes["score"].idxmax()),
        }, name="comparison")
        s.attrs = {"metric": "reconfiguration summary", **self.params}
        return s

    def movers(self, top: int = 10, *, min_output_share: float = 0.005) -> pd.DataFrame:
        """The *top* nodes by reconfiguration score among the nodes that matter by size.

        Parameters
        ----------
        top : int, default 10
        min_output_share : float, default 0.005
            Size threshold: only nodes with at least this share of total gross
            output in either year are ranked (tiny nodes move a lot in rank and
            community for little economic weight).  ``0`` ranks every node.

        Returns
        -------
        DataFrame
            Score, its components, output share in the later year and the
            changes; ``attrs["min_output_share"]`` and ``attrs["excluded"]`` (how
            many nodes fell under the threshold) state the rule.

        Examples
        --------
        >>> b = vc.datasets.load
        >>> m = vc.compare([b("brazil", year=2019), b("brazil", year=2021)]).movers(3)
        >>> len(m), m.attrs["min_output_share"], bool((m["output_share_t1"] >= 0.005).all())
        (3, 0.005, True)
        """
        top = check_int(top, "top", "Comparison.movers", low=1)
        min_output_share = check_number(min_output_share, "min_output_share", "Comparison.movers", low=0, high=1)
        n = self.nodes
        share0 = n["output_t0"] / max(float(n["output_t0"].sum()), 1e-300)
        share1 = n["output_t1"] / max(float(n["output_t1"].sum()), 1e-300)
        big = np.maximum(share0, share1) >= min_output_share
        cols = ["score", "score_rank", "score_community", "score_sourcing", "output_share_t1", "d_output",
                "d_pagerank_pct", "d_domestic_input_share", "community_t0", "community_t1"]
        out = n.assign(output_share_t1=share1)[big].sort_values("score", ascending=False, kind="stable")[cols].head(top)
        out.attrs = {"metric": "largest movers", "min_output_share": min_output_share,
                     "excluded": int((~big).sum()), "from": self.years[0], "to": self.years[-1]}
        return out

    def __repr__(self) -> str:
        from ._repr import comparison_repr

        return comparison_repr(self)

    def _repr_html_(self) -> str:
        from ._repr import comparison_html

        return comparison_html(self)


def _pct_rank(s: pd.Series) -> pd.Series:
    return s.rank(pct=True, method="average")


def _community_events(c0: pd.Series, c1: pd.Series, theta: float) -> pd.DataFrame:
    """Match communities by overlap: continuation, birth, death, merge, split."""
    ct = pd.crosstab(c0, c1)
    size0 = ct.sum(axis=1).to_numpy()[:, None]
    size1 = ct.sum(axis=0).to_numpy()[None, :]
    inter = ct.to_numpy()
    jac = inter / (size0 + size1 - inter)
    frac0 = inter / size0  # share of t0 community going to each t1 community
    frac1 = inter / size1  # share of t1 community coming from each t0 community
    rows = []
    for i, a in enumerate(ct.index):
        targets = np.flatnonzero(frac0[i] >= theta)
        if len(targets) >= 2:
            rows.append({"event": "split", "t0": a, "t1": tuple(ct.columns[targets]), "jaccard": float(jac[i].max())})
        elif jac[i].max() < theta and not (frac1[i] >= theta).any():
            rows.append({"event": "death", "t0": a, "t1": None, "jaccard": float(jac[i].max())})
    for j, b in enumerate(ct.columns):
        sources = np.flatnonzero(frac1[:, j] >= theta)
        if len(sources) >= 2:
            rows.append({"event": "merge", "t0": tuple(ct.index[sources]), "t1": b, "jaccard": float(jac[:, j].max())})
        elif jac[:, j].max() < theta and not (frac0[:, j] >= theta).any():
            rows.append({"event": "birth", "t0": None, "t1": b, "jaccard": float(jac[:, j].max())})
        else:
            i = int(np.argmax(jac[:, j]))
            if jac[i, j] >= theta and len(np.flatnonzero(frac0[i] >= theta)) < 2 and len(sources) < 2:
                rows.append({"event": "continuation", "t0": ct.index[i], "t1": b, "jaccard": float(jac[i, j])})
    return pd.DataFrame(rows, columns=["event", "t0", "t1", "jaccard"])


def _leaders(ind: dict) -> pd.Series:
    n = ind["nodes"]
    out = n.groupby(["community", n.index.get_level_values("region")])["output"].sum()
    return out.groupby(level=0).idxmax().map(lambda k: k[1]).rename("leading_region")


def _pair(ind0: dict, ind1: dict, *, top_k: int, theta: float, n_flows: int, Z0: pd.DataFrame,
          Z1: pd.DataFrame, blocs: Mapping[str, str] | None) -> dict[str, Any]:
    n0, n1 = ind0["nodes"], ind1["nodes"]
    if not n0.index.equals(n1.index):
        missing = n0.index.symmetric_difference(n1.index)
        raise LabelError(
            "compare: the tables have different nodes; aggregate them to a common classification first "
            f"(differing: {fmt_labels(missing)})."
        )
    nodes = pd.DataFrame(index=n0.index)
    for col in ("output", "value_added", "pagerank", "upstreamness", "foreign_input_share",
                "domestic_input_share", "bloc_input_share", "supplier_hhi"):
        nodes[f"{col}_t0"] = n0[col]
        nodes[f"{col}_t1"] = n1[col]
        nodes[f"d_{col}"] = n1[col] - n0[col]
    nodes["pagerank_rank_t0"] = n0["pagerank"].rank(ascending=False, method="min")
    nodes["pagerank_rank_t1"] = n1["pagerank"].rank(ascending=False, method="min")
    nodes["d_pagerank_rank"] = nodes["pagerank_rank_t1"] - nodes["pagerank_rank_t0"]
    p0, p1 = _pct_rank(n0["pagerank"]), _pct_rank(n1["pagerank"])
    nodes["d_pagerank_pct"] = p1 - p0
    nodes["community_t0"] = n0["community"]
    nodes["community_t1"] = n1["community"]

    # community component: 1 - Jaccard of each node's community membership
    c0, c1 = n0["community"].to_numpy(), n1["community"].to_numpy()
    ct = pd.crosstab(c0, c1)
    inter = ct.to_numpy()
    s0 = inter.sum(axis=1)
    s1 = inter.sum(axis=0)
    i0 = ct.index.get_indexer(c0)
    i1 = ct.columns.get_indexer(c1)
    jac_node = inter[i0, i1] / (s0[i0] + s1[i1] - inter[i0, i1])
    src0 = ind0["sourcing"]
    src1 = ind1["sourcing"].reindex(columns=src0.columns.union(ind1["sourcing"].columns, sort=False), fill_value=0.0)
    src0 = src0.reindex(columns=src1.columns, fill_value=0.0)
    tvd = 0.5 * np.abs(src1.to_numpy() - src0.to_numpy()).sum(axis=1)
    nodes["score_rank"] = np.abs(nodes["d_pagerank_pct"].to_numpy())
    nodes["score_community"] = 1.0 - jac_node
    nodes["score_sourcing"] = tvd
    nodes["score"] = nodes[["score_rank", "score_community", "score_sourcing"]].mean(axis=1)

    # ranks and churn
    from scipy import stats

    ranks = {}
    for col in ("output", "value_added", "pagerank", "upstreamness", "foreign_input_share"):
        a, b = n0[col].to_numpy(), n1[col].to_numpy()
        if np.ptp(a) == 0 or np.ptp(b) == 0:  # undefined for a constant vector: NaN by rule
            ranks[col] = {"spearman": np.nan, "kendall": np.nan}
            continue
        ranks[col] = {"spearman": float(stats.spearmanr(a, b).statistic),
                      "kendall": float(stats.kendalltau(a, b).statistic)}
    ranks = pd.DataFrame(ranks).T
    top0 = set(n0["pagerank"].nlargest(top_k).index)
    top1 = set(n1["pagerank"].nlargest(top_k).index)
    churn = pd.DataFrame(
        [{"node": k, "change": "entrant", "rank_t0": nodes.at[k, "pagerank_rank_t0"], "rank_t1": nodes.at[k, "pagerank_rank_t1"]}
         for k in sorted(top1 - top0)]
        + [{"node": k, "change": "leaver", "rank_t0": nodes.at[k, "pagerank_rank_t0"], "rank_t1": nodes.at[k, "pagerank_rank_t1"]}
           for k in sorted(top0 - top1)],
        columns=["node", "change", "rank_t0", "rank_t1"],
    )
    ranks.attrs = {"metric": "rank agreement", "top_k": top_k,
                   "top_k_jaccard": len(top0 & top1) / max(len(top0 | top1), 1)}

    # communities
    events = _community_events(n0["community"], n1["community"], theta)
    lead0, lead1 = _leaders(ind0), _leaders(ind1)
    cont = events[events["event"] == "continuation"]
    hubs = pd.DataFrame({"t0": cont["t0"].to_numpy(), "t1": cont["t1"].to_numpy(),
                         "leading_region_t0": [lead0.get(a) for a in cont["t0"]],
                         "leading_region_t1": [lead1.get(b) for b in cont["t1"]]})
    hubs["shift"] = hubs["leading_region_t0"] != hubs["leading_region_t1"]
    # a node changed community when at most half of the union of its two communities is shared
    changed = nodes.index[nodes["score_community"].to_numpy() >= 0.5 - 1e-12]
    comms = {"nmi": nmi(c0, c1), "adjusted_rand": adjusted_rand(c0, c1), "events": events,
             "changed": changed, "hubs": hubs}

    # edges
    gained = sorted(ind1["backbone"] - ind0["backbone"])
    lost = sorted(ind0["backbone"] - ind1["backbone"])
    edges_gained = pd.DataFrame(gained, columns=["source", "target"])
    edges_lost = pd.DataFrame(lost, columns=["source", "target"])
    dz = Z1.to_numpy() - Z0.to_numpy()
    k = min(n_flows, dz.size)
    flat = np.argpartition(np.abs(dz).ravel(), -k)[-k:] if k else np.array([], dtype=int)
    r, c = np.unravel_index(flat, dz.shape)
    flow_changes = pd.DataFrame({"source": list(Z0.index[r]), "target": list(Z0.columns[c]),
                                 "flow_t0": Z0.to_numpy()[r, c], "flow_t1": Z1.to_numpy()[r, c],
                                 "change": dz[r, c]})
    flow_changes = flow_changes.reindex(flow_changes["change"].abs().sort_values(ascending=False).index).reset_index(drop=True)

    # geography
    reg0, reg1 = ind0["regions"], ind1["regions"]
    w0 = n0["output"]
    regions = pd.DataFrame(index=reg0.index)
    for col in ("output", "foreign_input_supply_share", "pagerank", "pagerank_rank"):
        regions[f"{col}_t0"] = reg0[col]
        regions[f"{col}_t1"] = reg1[col].reindex(reg0.index)
    regions["d_foreign_input_supply_share"] = regions["foreign_input_supply_share_t1"] - regions["foreign_input_supply_share_t0"]
    regions["d_pagerank_rank"] = regions["pagerank_rank_t1"] - regions["pagerank_rank_t0"]

    def input_weighted(ind, col):
        z_in = ind["nodes"]["intermediate_inputs"]
        num = (ind["nodes"][col] * z_in).groupby(level="region", sort=False).sum()
        den = z_in.groupby(level="region", sort=False).sum()
        return num / den.where(den > 0)

    for col, name in (("domestic_input_share", "domestic_input_share"), ("bloc_input_share", "regionalisation")):
        regions[f"{name}_t0"] = input_weighted(ind0, col)
        regions[f"{name}_t1"] = input_weighted(ind1, col)
    regions["reshoring"] = regions["domestic_input_share_t1"] - regions["domestic_input_share_t0"]
    near0 = regions["regionalisation_t0"] - regions["domestic_input_share_t0"]
    near1 = regions["regionalisation_t1"] - regions["domestic_input_share_t1"]
    regions["nearshoring"] = near1 - near0
    wsum = (nodes["score"] * w0).groupby(level="region", sort=False).sum()
    regions["score"] = wsum / w0.groupby(level="region", sort=False).sum().where(lambda s: s > 0)

    # overall
    top_nodes = list(top0 | top1)
    overall = float(np.mean([
        1.0 - comms["nmi"],
        float(np.abs(nodes.loc[top_nodes, "d_pagerank_pct"]).mean()) if top_nodes else 0.0,
        float((tvd * w0.to_numpy()).sum() / max(w0.sum(), 1e-300)),
    ]))
    return {"nodes": nodes, "regions": regions, "ranks": ranks, "churn": churn, "communities": comms,
            "edges_gained": edges_gained, "edges_lost": edges_lost, "flow_changes": flow_changes,
            "score": overall}


def _deflate(table: IOTable, index) -> IOTable:
    """Express a table in real terms: divide each supplier row (and value added) by a price index."""
    if np.isscalar(index):
        p = np.full(table.n, float(index))
    else:
        s = pd.Series(index)
        missing = table.nodes.difference(s.index)
        if len(missing):
            raise LabelError(f"compare: the price index has no value for {fmt_labels(missing)}.")
        p = s.reindex(table.nodes).to_numpy(dtype=float)
    if (p <= 0).any() or not np.isfinite(p).all():
        raise ParameterError("compare: price indices must be positive and finite.")
    Z = table.Z / p[:, None]
    Y = table.Y / p[:, None]
    x = table.x / p
    # value added re-derived in real terms (double deflation)
    V = pd.DataFrame([x.to_numpy() - Z.to_numpy().sum(axis=0)], index=pd.Index(["value_added_real"], name="component"),
                     columns=table.nodes)
    return IOTable(Z, Y, V, x, meta=table.meta.with_history("deflated"), allow_negative=table.allow_negative,
                   rtol=table.rtol)


def compare(tables: Sequence[IOTable] | Mapping[Any, IOTable], *, blocs: Mapping[str, str] | None = None,
            alpha: float = 0.05, top_k: int = 20, theta: float = 0.3, n_flows: int = 50, seed: int = 0,
            resolution: float = 1.0, deflators: Mapping[Any, Any] | None = None,
            progress: Callable[[int, int], None] | None = None) -> Comparison:
    """Compare tables of two or more years: what changed, and where.

    Parameters
    ----------
    tables : sequence or mapping of IOTable
        Same nodes in every table.  A mapping's keys label the years; otherwise
        each table's ``meta.year`` (or its position) is used.
    blocs : mapping region -> bloc, optional
        For regionalisation and nearshoring (default: each region its own bloc).
    alpha : float, default 0.05
        Disparity-filter significance of the backbone (communities, edge changes).
    top_k : int, default 20
        Size of the top-PageRank lists for churn and the overall score.
    theta : float, default 0.3
        Overlap share for matching communities (continuation, merge, split).
    n_flows : int, default 50
        Number of largest flow changes to report.
    seed : int, default 0
        Seed of the community detection.
    deflators : mapping year -> price index (scalar or Series by node), optional
        Express those years in real terms before comparing.
    progress : callable(done, total), optional
        Called after each year's indicators are computed.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> c = vc.compare({2010: t, 2011: t})
    >>> float(c.score)
    0.0
    """
    from ._parallel import pmap

    alpha = check_number(alpha, "alpha", "compare", low=0, high=1, closed="right")
    top_k = check_int(top_k, "top_k", "compare", low=1)
    theta = check_number(theta, "theta", "compare", low=0, high=1, closed="right")
    if not isinstance(tables, (Mapping, Sequence)) or isinstance(tables, (str, bytes)):
        raise ParameterError("The 'tables' parameter of compare must be a list or a mapping of IOTable. "
                             f"Got {type(tables).__name__} instead.")
    if isinstance(tables, Mapping):
        years = list(tables.keys())
        tabs = list(tables.values())
    else:
        tabs = list(tables)
        years = [t.meta.year if t.meta.year is not None else k for k, t in enumerate(tabs)]
    if len(tabs) < 2:
        raise ParameterError(f"The 'tables' parameter of compare must hold at least 2 tables. Got {len(tabs)} instead.")
    for t in tabs:
        if not isinstance(t, IOTable):
            raise ParameterError("The 'tables' parameter of compare must hold IOTable objects. "
                                 f"Got {type(t).__name__} instead.")
    if deflators:
        tabs = [_deflate(t, deflators[y]) if y in deflators else t for t, y in zip(tabs, years)]
    first = tabs[0].nodes
    for y, t in zip(years, tabs):
        if not t.nodes.equals(first):
            diff = t.nodes.symmetric_difference(first)
            raise LabelError(
                f"compare: table {y!r} has different nodes than table {years[0]!r}; aggregate them to a common "
                f"classification first (differing: {fmt_labels(diff)})."
            )
    inds = pmap(_indicators_task, tabs, shared=({"blocs": blocs, "alpha": alpha, "seed": seed,
                                                  "resolution": resolution},), progress=progress)
    kw = {"top_k": top_k, "theta": theta, "n_flows": n_flows, "blocs": blocs}
    main = _pair(inds[0], inds[-1], Z0=tabs[0].Z, Z1=tabs[-1].Z, **kw)
    panel = timeline = None
    if len(tabs) > 2:
        frames = []
        for y, ind in zip(years, inds):
            long = ind["nodes"].drop(columns=["community"]).stack().rename("value").reset_index()
            long.columns = ["region", "sector", "metric", "value"]
            long.insert(0, "year", y)
            frames.append(long)
        panel = pd.concat(frames, ignore_index=True)
        rows = []
        for k in range(len(tabs) - 1):
            p = _pair(inds[k], inds[k + 1], Z0=tabs[k].Z, Z1=tabs[k + 1].Z, **kw)
            rows.append({"from": years[k], "to": years[k + 1], "score": p["score"],
                         "spearman_pagerank": p["ranks"].loc["pagerank", "spearman"],
                         "nmi_communities": p["communities"]["nmi"],
                         "top_mover": str(p["nodes"]["score"].idxmax())})
        timeline = pd.DataFrame(rows)
    params = {"alpha": alpha, "top_k": top_k, "theta": theta, "seed": seed, "resolution": resolution,
              "blocs": "given" if blocs else "regions", "unit": tabs[0].meta.unit, "source": tabs[0].meta.source,
              "deflated": sorted(map(str, deflators)) if deflators else []}
    main["nodes"].attrs = {"metric": "reconfiguration by node", "from": years[0], "to": years[-1], **params}
    main["regions"].attrs = {"metric": "reconfiguration by region", "from": years[0], "to": years[-1], **params}
    return Comparison(years=years, panel=panel, timeline=timeline, params=params, **main)


def _indicators_task(opts: dict, table: IOTable) -> dict:
    return year_indicators(table, **opts)


# ---------------------------------------------------------------- volumes
def chain_linked_volumes(current: Mapping[int, IOTable], previous_year_prices: Mapping[int, IOTable]) -> pd.DataFrame:
    """Chain-linked volume indices of output, value added and imported inputs, by node.

    From tables at current prices of years ``y0 .. y1-1`` and tables at the
    previous year's prices of years ``y0+1 .. y1`` (IBGE publishes both), the
    volume index from ``y0`` to ``y1`` multiplies the year-on-year volume ratios

    ``q(y0 -> y1) = prod_y  x_y(at prices of y-1) / x_{y-1}(at current prices of y-1)``

    e.g. 2019 -> 2021: ``(x2021 at 2020 prices / x2020) * (x2020 at 2019 prices / x2019)``.
    Totals are chain-linked Laspeyres indices of the sums (not means of the node
    indices).  Value added in volume follows the previous-year-price tables' own
    rule: they have no value-added sheet, so value added at previous-year prices
    is the residual output - intermediate inputs - imports - product taxes, all at
    previous-year prices (double deflation).  Imports are the imported
    intermediate inputs (primary inputs of kind ``imports``).

    Parameters
    ----------
    current : mapping year -> IOTable
        Current-price tables; must hold every year from the first to the year
        before the last previous-year-price table.
    previous_year_prices : mapping year -> IOTable
        Tables of year y at the prices of y-1, for every year after the first.

    Returns
    -------
    DataFrame
        Indexed by node: ``output_t0``, ``output_t1`` (current prices of the first
        and last year; ``output_t1`` only when that current table is given, else
        NaN), ``output_volume``, ``value_added_volume``, ``imports_volume`` (indices,
        1 = no change; NaN where the base is not positive) and
        ``output_volume_change_pct``.  ``attrs["totals"]`` holds the same indices
        for the whole economy; ``attrs["rule"]`` states the method.

    Examples
    --------
    >>> from valuechain.compare import chain_linked_volumes
    >>> b = lambda y, p="current": vc.datasets.load("brazil", year=y, prices=p)
    >>> v = chain_linked_volumes({2019: b(2019), 2020: b(2020)},
    ...                          {2020: b(2020, "previous_year"), 2021: b(2021, "previous_year")})
    >>> round(100 * (float(v.attrs["totals"]["output_volume"]) - 1), 1)  # gross output 2019 -> 2021 in volume, %
    1.6
    """
    func = "chain_linked_volumes"
    for name, m in (("current", current), ("previous_year_prices", previous_year_prices)):
        if not isinstance(m, Mapping) or not m:
            raise ParameterError(f"The '{name}' parameter of {func} must be a non-empty mapping year -> IOTable. "
                                 f"Got {type(m).__name__} instead.")
        for y, t in m.items():
            if not isinstance(t, IOTable):
                raise ParameterError(f"The '{name}' parameter of {func} must map years to IOTable objects; "
                                     f"year {y!r} holds {type(t).__name__}.")
    y0 = min(current)
    years = sorted(previous_year_prices)
    need = list(range(int(y0) + 1, int(years[-1]) + 1))
    missing_p = [y for y in need if y not in previous_year_prices]
    missing_c = [y - 1 for y in need if (y - 1) not in current]
    if missing_p or missing_c or not need:
        raise ParameterError(
            f"{func}: chain-linking {y0} -> {years[-1]} needs current-price tables of "
            f"{', '.join(str(y - 1) for y in need) or '-'} and previous-year-price tables of "
            f"{', '.join(map(str, need)) or '-'}; missing: "
            + ", ".join([f"current {y}" for y in missing_c] + [f"previous-year {y}" for y in missing_p]) + ".")
    nodes = current[y0].nodes
    for y, t in [*current.items(), *previous_year_prices.items()]:
        if not t.nodes.equals(nodes):
            raise LabelError(f"{func}: table {y!r} has different nodes than the {y0} table "
                             f"(differing: {fmt_labels(t.nodes.symmetric_difference(nodes))}).")

    def parts(t: IOTable) -> dict[str, np.ndarray]:
        kinds = t.V.index.get_level_values("kind")
        imp = t.primary_inputs("imports").to_numpy(dtype=float) if (kinds == "imports").any() else np.zeros(t.n)
        return {"output": t.x.to_numpy(dtype=float), "value_added": t.v.to_numpy(dtype=float), "imports": imp}

    node_idx = {k: np.ones(len(nodes)) for k in ("output", "value_added", "imports")}
    tot_idx = {k: 1.0 for k in node_idx}
    for y in need:
        base, vol = parts(current[y - 1]), parts(previous_year_prices[y])
        for k in node_idx:
            b, v = base[k], vol[k]
            ratio = np.full(len(nodes), np.nan)
            np.divide(v, b, out=ratio, where=b > 0)
            node_idx[k] = node_idx[k] * ratio
            tb = float(b.sum())
            tot_idx[k] *= float(v.sum()) / tb if tb > 0 else np.nan
    y1 = need[-1]
    out = pd.DataFrame({
        "output_t0": current[y0].x.to_numpy(dtype=float),
        "output_t1": current[y1].x.to_numpy(dtype=float) if y1 in current else np.nan,
        "output_volume": node_idx["output"],
        "value_added_volume": node_idx["value_added"],
        "imports_volume": node_idx["imports"],
    }, index=nodes)
    out["output_volume_change_pct"] = 100.0 * (out["output_volume"] - 1.0)
    totals = pd.Series({f"{k}_volume": v for k, v in tot_idx.items()}, name="total")
    if y1 in current:
        totals["output_current_prices"] = float(current[y1].x.sum()) / float(current[y0].x.sum())
        totals["value_added_current_prices"] = float(current[y1].v.sum()) / float(current[y0].v.sum())
    out.attrs = {
        "metric": "chain-linked volume indices", "from": y0, "to": y1, "unit": "index (1 = no change)",
        "totals": totals, "source": current[y0].meta.source,
        "rule": (f"chain-linked from previous-year-price tables: prod over y of x_y(at y-1 prices) / x_(y-1), "
                 f"{y0}->{y1}; totals are chain-linked Laspeyres indices of the sums; value added at "
                 "previous-year prices is the tables' residual (double deflation)"),
    }
    return out


# ---------------------------------------------------------------- scenario runs side by side
def _scenario_column(result: Any) -> tuple[pd.Series, str, str]:
    """The headline per-node column of one run (in %), its name and what it measures."""
    from .resilience import PriceResult, ShockResult, TariffResult

    if isinstance(result, PriceResult):
        return 100 * result.nodes["price_change"], "price change %", "price (Leontief cost-push model)"
    if isinstance(result, TariffResult):
        return 100 * result.nodes["cumulative_tariff"], "cumulative tariff %", "cumulative tariff cost"
    if isinstance(result, ShockResult):
        return -100 * result.nodes["output_loss_share"], "output change %", f"output ({result.model})"
    raise ParameterError(f"The 'results' parameter of scenarios must hold PriceResult, TariffResult or ShockResult "
                         f"objects. Got {type(result).__name__} instead.")


def scenarios(results: Sequence[Any] | Mapping[str, Any]) -> pd.DataFrame:
    """Several scenario runs side by side: one column per run, by node, in percent.

    A price run (:func:`~valuechain.resilience.price_shock`) shows each node's price
    change, a tariff run (:func:`~valuechain.resilience.tariff_shock`) its cumulative
    tariff cost, and a quantity run (:func:`~valuechain.resilience.demand_shock`,
    ``supply_shock``, ...) its output change, so that what a shock does to costs can
    be read beside what it does to production.  The runs must be on the same nodes.

    Parameters
    ----------
    results : sequence or dict of results
        A dict gives the column names (``{"gas +60 %": price_run, ...}``); a sequence
        names the columns after the measure (``"price change %"``, ``"output change %"``,
        numbered when repeated).

    Returns
    -------
    DataFrame
        Nodes x runs, in percent (0 = unchanged), with ``output`` (the baseline gross
        output of the first run's table) first; ``attrs["runs"]`` says what each
        column measures.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> p = vc.resilience.price_shock(t, cost={"value_added": 0.1})
    >>> q = vc.resilience.demand_shock(t, -0.1 * t.f)
    >>> vc.compare.scenarios({"costs +10 %": p, "demand -10 %": q}).round(2)
                   output  costs +10 %  demand -10 %
    region sector
    MB     s1      1000.0         10.0         -10.0
           s2      2000.0         10.0         -10.0
    """
    items = list(results.items()) if isinstance(results, Mapping) else [(None, r) for r in results]
    if not items:
        raise ParameterError("The 'results' parameter of scenarios must hold at least one run. Got none instead.")
    cols: dict[str, pd.Series] = {}
    runs: dict[str, str] = {}
    base = None
    for name, r in items:
        col, default, what = _scenario_column(r)
        key = str(name) if name is not None else default
        k = 2
        while key in cols:
            key, k = f"{default} ({k})", k + 1
        if base is None:
            base = col.index
            out = r.nodes["output"] if "output" in r.nodes.columns else None
        elif not col.index.equals(base):
            raise LabelError(f"The runs of scenarios must be on the same nodes; {key!r} has "
                             f"{fmt_labels(col.index.difference(base)) or 'a different order of nodes'}.")
        cols[key] = col.astype(float)
        runs[key] = what
    df = pd.DataFrame(cols, index=base)
    if out is not None:
        df.insert(0, "output", out.astype(float))
    df.attrs = {"metric": "scenarios", "unit": "% change (0 = unchanged)", "runs": runs}
    return df


# ``vc.compare`` is the function (see valuechain/__init__.py); its helpers hang off it, so that
# ``vc.compare.scenarios(...)`` and ``vc.compare.chain_linked_volumes(...)`` work as written in the docs.
for _helper in (scenarios, chain_linked_volumes, year_indicators, sourcing_shares):
    setattr(compare, _helper.__name__, _helper)
del _helper
