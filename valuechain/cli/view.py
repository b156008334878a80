"""``valuechain view``: an interactive, offline HTML view of a table's supply network."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import (DatasetOpt, ForceOpt, FormatOpt, RegionsOpt, SectorsOpt, TableOpt, Weight, YearOpt, check_out,
                      cli_errors, load_table)

HtmlOutOpt = Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")]


def check_html(out: Path, force: bool = False) -> None:
    """Refuse, before any work, an --out that is not a writable .html file."""
    check_out(out, force=force, suffixes=(".html", ".htm"))


def register(app: typer.Typer) -> None:
    @app.command()
    def view(
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        regions: RegionsOpt = None,
        sectors: SectorsOpt = None,
        weight: Annotated[Weight, typer.Option("--weight", "-w", help="Edge weight of the supply graph.")] = Weight.flow,
        color_by: Annotated[str, typer.Option("--color-by", help="community, region, sector or a metric column.")] = "community",
        size_by: Annotated[str, typer.Option("--size-by", help="pagerank, output, value_added or any centrality column.")] = "pagerank",
        max_nodes: Annotated[int, typer.Option("--max-nodes", help="Nodes drawn: the largest by --size-by.")] = 150,
        max_edges: Annotated[int, typer.Option("--max-edges", help="Edges drawn among them: the heaviest.")] = 600,
        alpha: Annotated[float, typer.Option("--alpha", help="Backbone significance level (disparity filter).")] = 0.05,
        all_edges: Annotated[bool, typer.Option("--all-edges", help="Draw from all edges, not the backbone.")] = False,
        seed: Annotated[int, typer.Option("--seed", help="Seed of communities and layout.")] = 0,
        title: Annotated[Optional[str], typer.Option("--title", help="Page title.")] = None,
        out: HtmlOutOpt = Path("view.html"),
        force: ForceOpt = False,
    ) -> None:
        """Write an interactive network view (one self-contained HTML file that works offline).

        Nodes are coloured by community (or region, sector), sized by a centrality or
        output; edges come from the backbone; the drawing rule is stated in the page.

        Example: valuechain view --dataset testmrio --out view.html
        """
        from .. import graph, views
        from .._files import write_text_atomic

        with cli_errors():
            check_html(out, force)
            t = load_table(dataset, table, year, fmt, regions, sectors)
            g = graph.supply_graph(t, weight=weight.value)
            html = views.network_view(g, color_by=color_by, size_by=size_by, max_nodes=max_nodes,
                                      max_edges=max_edges, backbone=None if all_edges else alpha, seed=seed,
                                      title=title)
            write_text_atomic(out, html, force=force)
            typer.echo(f"Wrote {out.resolve()}", err=True)
