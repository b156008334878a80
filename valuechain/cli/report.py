"""``valuechain report``: one self-contained HTML report for a dataset and year(s)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from ._common import DatasetOpt, ForceOpt, FormatOpt, RegionsOpt, SectorsOpt, TableOpt, YearOpt, cli_errors, load_table
from .view import check_html


def write_report(t, t2, out: Path, *, top: int = 15, max_nodes: int = 120, max_edges: int = 300,
                 alpha: float = 0.05, seed: int = 0, strict: bool = False, force: bool = False,
                 scenarios=None) -> Path:
    """Build the report of *t* (and *t2*) with a progress line on stderr and write it atomically."""
    from .. import views
    from .._files import write_text_atomic
    from ._common import console

    con = console()
    con.stderr = True
    failed: list[str] = []
    with con.status("report: starting") as status:
        def progress(step: str, done: int, total: int) -> None:
            status.update(f"report: {step} ({done}/{total})")

        import logging

        class _Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                failed.append(record.getMessage())

        handler = _Collect(level=logging.WARNING)
        log = logging.getLogger("valuechain.views._sections")
        log.addHandler(handler)
        try:
            html = views.dataset_report(t, t2, top=top, max_nodes=max_nodes, max_edges=max_edges, alpha=alpha,
                                        seed=seed, strict=strict, progress=progress, scenarios=scenarios)
        finally:
            log.removeHandler(handler)
    for msg in failed:
        typer.echo(f"Warning: {msg}", err=True)
    write_text_atomic(out, html, force=force)
    return out


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        year2: Annotated[Optional[int], typer.Option("--year2", help="A later year to compare with --year.")] = None,
        regions: RegionsOpt = None,
        sectors: SectorsOpt = None,
        top: Annotated[int, typer.Option("--top", "-n", min=1, help="Rows of the ranking tables (>= 1).")] = 15,
        max_nodes: Annotated[int, typer.Option("--max-nodes", help="Nodes drawn in network views.")] = 120,
        max_edges: Annotated[int, typer.Option("--max-edges", help="Edges drawn in network views.")] = 300,
        alpha: Annotated[float, typer.Option("--alpha", help="Backbone significance level.")] = 0.05,
        seed: Annotated[int, typer.Option("--seed", help="Seed of communities and layouts.")] = 0,
        strict: Annotated[bool, typer.Option("--strict", help="Fail on the first analysis error.")] = False,
        out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path("report.html"),
        force: ForceOpt = False,
        cost: Annotated[Optional[List[str]], typer.Option("--cost", help="KIND=CHANGE: add a price scenario (as in shock-price) on the later year; repeatable.")] = None,
        fix_price: Annotated[Optional[List[str]], typer.Option("--fix-price", help="NODE=CHANGE: add a price scenario with an exogenous price change (as in shock-price) on the later year; repeatable.")] = None,
    ) -> None:
        """Write one self-contained HTML report: tables, network views and figures, offline.

        States the data source, year(s), unit and method parameters.  With --year2,
        adds the reconfiguration between the two years.

        With --cost/--fix-price, adds a price scenario (Leontief price model on the
        later year) with its consumer-price impact and a key finding.

        Example: valuechain report --dataset brazil --year 2019 --year2 2021 --fix-price "Electricity & gas=+0.6" --out report.html
        """
        from ..errors import ParameterError

        with cli_errors():
            check_html(out, force)
            if year2 is not None and table is not None:
                raise ParameterError("The '--year2' option needs --dataset (a --table file holds one year).")
            t = load_table(dataset, table, year, fmt, regions, sectors)
            t2 = load_table(dataset, None, year2, fmt, regions, sectors) if year2 is not None else None
            scenarios = None
            if cost or fix_price:
                from ..resilience import price_shock
                from .prices import _pairs

                costs, fixed = _pairs(cost, "--cost"), _pairs(fix_price, "--fix-price")
                scenarios = [price_shock(t2 if t2 is not None else t, cost=costs or None, fixed=fixed or None)]
            write_report(t, t2, out, top=top, max_nodes=max_nodes, max_edges=max_edges, alpha=alpha, seed=seed,
                         strict=strict, force=force, scenarios=scenarios)
            typer.echo(f"Wrote {out.resolve()}", err=True)
