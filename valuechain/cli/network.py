"""``valuechain graph | backbone | centrality | communities``: supplier -> customer graphs and their metrics."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import (DatasetOpt, ForceOpt, FormatOpt, OutOpt, RawOpt, RegionsOpt, SectorsOpt,
                      TableOpt, TopOpt, Weight, YearOpt, check_out, cli_errors, console, load_table, print_frame,
                      progress_bar, write_output)


class Edges(str, Enum):
    all = "all"
    domestic = "domestic"
    cross_border = "cross_border"


class Level(str, Enum):
    region = "region"
    sector = "sector"


class Direction(str, Enum):
    supply = "supply"
    demand = "demand"


class Distance(str, Enum):
    inverse = "inverse"
    neglog = "neglog"


class Paths(str, Enum):
    auto = "auto"
    graph = "graph"
    backbone = "backbone"


class Method(str, Enum):
    leiden = "leiden"
    louvain = "louvain"
    infomap = "infomap"


class Objective(str, Enum):
    modularity = "modularity"
    CPM = "CPM"


WeightOpt = Annotated[Weight, typer.Option("--weight", "-w", help="Edge weight: flow (Z), input_share (A), "
                                           "output_share (B), total_requirement (L), value_added (VA flows).")]
SelfLoopsOpt = Annotated[bool, typer.Option("--self-loops/--no-self-loops", help="Keep intra-node flows.")]
ThresholdOpt = Annotated[Optional[float], typer.Option("--threshold", help="Keep edges with weight >= VALUE.")]
QuantileOpt = Annotated[Optional[float], typer.Option("--quantile", help="Keep edges above this quantile of weights.")]
TopKOpt = Annotated[Optional[int], typer.Option("--top-k", help="Keep each node's K heaviest out- and in-edges.")]
EdgesOpt = Annotated[Edges, typer.Option("--edges", help="all, domestic or cross_border edges.")]
GraphOutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the graph to FILE.{graphml,gexf,parquet} "
                                                     "(or its edge list to .csv/.json).")]
#: Suffixes --out accepts for a graph.
GRAPH_SUFFIXES = (".graphml", ".gexf", ".parquet", ".csv", ".json", ".html")


def _build(dataset, table, fmt, year, regions, sectors, weight, self_loops, threshold, quantile, top_k, edges):
    from ..graph import supply_graph

    t = load_table(dataset, table, year, fmt, regions, sectors)
    return supply_graph(t, weight.value, self_loops=self_loops, threshold=threshold, quantile=quantile,
                        top_k=top_k, edges=edges.value)


def _check_graph_out(out: Optional[Path], force: bool) -> None:
    check_out(out, force=force, suffixes=GRAPH_SUFFIXES)


def _write_graph(g, out: Optional[Path], force: bool = False, raw: bool = False) -> None:
    if out is None:
        return
    if out.suffix.lower() in (".graphml", ".gexf", ".parquet"):
        g.write(out, force=force)
        typer.echo(f"Wrote {out}", err=True)
    else:
        write_output(g.edges.drop(columns=["source", "target"]) if g.nodes.nlevels > 1 else g.edges, out,
                     force=force, raw=raw)


def _describe(g, title: str, top: int) -> None:
    import pandas as pd

    stats = pd.DataFrame({"value": [g.n, g.m, float(g.adjacency.sum()), g.weight]},
                         index=pd.Index(["nodes", "edges", "total weight", "weight"], name="graph"))
    print_frame(stats, title=title, top=10)
    e = g.edges
    if len(e):
        shown = e.drop(columns=["source", "target"]) if g.nodes.nlevels > 1 else e
        keys = [c for c in shown.columns if c != "weight"]
        print_frame(shown.set_index(keys)[["weight"]], title="heaviest edges", top=top, sort="weight")


def register(app: typer.Typer) -> None:
    @app.command()
    def graph(
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        regions: RegionsOpt = None,
        sectors: SectorsOpt = None,
        weight: WeightOpt = Weight.flow,
        self_loops: SelfLoopsOpt = False,
        threshold: ThresholdOpt = None,
        quantile: QuantileOpt = None,
        top_k: TopKOpt = None,
        edges: EdgesOpt = Edges.all,
        aggregate: Annotated[Optional[Level], typer.Option("--aggregate", help="Aggregate to a region or sector graph.")] = None,
        top: TopOpt = 10,
        out: GraphOutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Build the supplier -> customer graph of a table and export it (GraphML, GEXF, parquet edge list).

        Example: valuechain graph -d testmrio --weight input_share --top-k 3 --out graph.graphml
        """
        with cli_errors():
            _check_graph_out(out, force)
            g = _build(dataset, table, fmt, year, regions, sectors, weight, self_loops, threshold, quantile, top_k, edges)
            if aggregate is not None:
                g = g.aggregate(aggregate.value, self_loops=self_loops)
            _describe(g, f"graph — {g.meta.name} {g.meta.year or ''}".strip(), top)
            _write_graph(g, out, force, raw)

    @app.command()
    def backbone(
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        regions: RegionsOpt = None,
        sectors: SectorsOpt = None,
        weight: WeightOpt = Weight.flow,
        self_loops: SelfLoopsOpt = False,
        alpha: Annotated[float, typer.Option("--alpha", "-a", help="Significance level of the disparity filter.")] = 0.05,
        share: Annotated[Optional[float], typer.Option("--share", help="Keep this share of edges (smallest p-values) instead.")] = None,
        top: TopOpt = 10,
        out: GraphOutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Disparity-filter backbone (Serrano et al. 2009): edges significant for their supplier or buyer.

        Example: valuechain backbone -d testmrio --alpha 0.05 --out backbone.gexf
        """
        from .. import network

        with cli_errors():
            _check_graph_out(out, force)
            g = _build(dataset, table, fmt, year, regions, sectors, weight, self_loops, None, None, None, Edges.all)
            b = network.backbone(g, alpha=alpha, share=share)
            console().print(f"kept {b.m:,} of {g.m:,} edges ({b.m / max(g.m, 1):.1%})")
            _describe(b, f"backbone — {g.meta.name} {g.meta.year or ''}".strip(), top)
            _write_graph(b, out, force, raw)

    @app.command()
    def centrality(
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        regions: RegionsOpt = None,
        sectors: SectorsOpt = None,
        weight: WeightOpt = Weight.flow,
        self_loops: SelfLoopsOpt = False,
        direction: Annotated[Direction, typer.Option("--direction", help="supply: walks follow sales; demand: purchases.")] = Direction.supply,
        damping: Annotated[float, typer.Option("--damping", help="PageRank damping factor.")] = 0.85,
        distance: Annotated[Distance, typer.Option("--distance", help="Edge length for betweenness/closeness: 1/w or -ln w.")] = Distance.inverse,
        paths: Annotated[Paths, typer.Option("--paths", help="Shortest paths (betweenness, closeness) on the graph or on "
                                             "its backbone; auto: the backbone when nodes x edges exceeds "
                                             "5e8 (e.g. a dense graph of 700+ nodes).")] = Paths.auto,
        alpha: Annotated[float, typer.Option("--alpha", "-a", help="Backbone significance level for --paths backbone.")] = 0.05,
        sort: Annotated[str, typer.Option("--sort", help="Column to sort the printed table by.")] = "pagerank",
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Centrality of every node: strength, PageRank, hubs/authorities, eigenvector, Katz, betweenness,
        closeness, random-walk centrality, counting betweenness, influence.

        Example: valuechain centrality -d testmrio --direction demand --top 10
        """
        from .. import network

        with cli_errors():
            check_out(out, force=force)
            g = _build(dataset, table, fmt, year, regions, sectors, weight, self_loops, None, None, None, Edges.all)
            with progress_bar("centrality") as progress:
                df = network.centrality(g, damping=damping, distance=distance.value, direction=direction.value,
                                        paths=paths.value, backbone_alpha=alpha, progress=progress)
            if paths is Paths.auto and df.attrs.get("paths") == "backbone":
                typer.echo(f"Note: {df.attrs['paths_rule']}.", err=True)
            print_frame(df, title=f"centrality — {g.meta.name} {g.meta.year or ''}".strip(), top=top, sort=sort)
            write_output(df, out, force=force, raw=raw)

    @app.command()
    def communities(
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        regions: RegionsOpt = None,
        sectors: SectorsOpt = None,
        weight: WeightOpt = Weight.flow,
        self_loops: SelfLoopsOpt = False,
        method: Annotated[Method, typer.Option("--method", "-m", help="Community detection method.")] = Method.leiden,
        objective: Annotated[Objective, typer.Option("--objective", help="Leiden quality function.")] = Objective.modularity,
        resolution: Annotated[float, typer.Option("--resolution", help="Resolution parameter.")] = 1.0,
        seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
        directed: Annotated[bool, typer.Option("--directed/--undirected", help="Use edge directions.")] = True,
        backbone_alpha: Annotated[Optional[float], typer.Option("--backbone", help="Detect on the disparity backbone at ALPHA.")] = None,
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Value-chain communities (Leiden, Louvain, Infomap) with a summary per community; --out writes each node's community.

        Example: valuechain communities -d testmrio --method leiden --seed 1
        """
        from .. import network

        with cli_errors():
            check_out(out, force=force)
            g = _build(dataset, table, fmt, year, regions, sectors, weight, self_loops, None, None, None, Edges.all)
            if backbone_alpha is not None:
                g = network.backbone(g, alpha=backbone_alpha)
            part = network.communities(g, method.value, objective=objective.value, resolution=resolution, seed=seed,
                                       directed=directed)
            q = network.modularity(g, part, directed=directed)
            summary = network.community_summary(g, part)
            summary = summary[[c for c in ("size", "output", "leading_region", "leading_region_share",
                                           "leading_sector", "internal_share") if c in summary.columns]]
            print_frame(summary, title=f"{part.nunique()} communities — modularity {q:.4f}", top=top)
            write_output(part, out, force=force, raw=raw)
