"""``valuechain compare``: how value chains changed between years, and where."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import (ForceOpt, FormatOpt, OutOpt, RawOpt, TopOpt, check_out, cli_errors, console, default_dataset,
                      print_frame, reading, split, write_output)


def register(app: typer.Typer) -> None:
    @app.command()
    def compare(
        dataset: Annotated[Optional[str], typer.Option("--dataset", "-d", help="Registered dataset with several years.")] = None,
        years: Annotated[Optional[str], typer.Option("--years", help="Comma-separated years, e.g. 2019,2021 (2 or more).")] = None,
        tables: Annotated[Optional[list[Path]], typer.Option("--table", "-t", help="Table files, one per year (repeat the option).")] = None,
        fmt: FormatOpt = "parquet",
        blocs: Annotated[Optional[Path], typer.Option("--blocs", help="CSV with columns region,bloc for nearshoring.")] = None,
        alpha: Annotated[float, typer.Option("--alpha", help="Backbone significance level.")] = 0.05,
        seed: Annotated[int, typer.Option("--seed", help="Community-detection seed.")] = 0,
        top: TopOpt = 15,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Compare two or more years: movers, rank agreement, communities, edges, geography.

        Example: valuechain compare --dataset brazil --years 2019,2021 --out movers.csv
        """
        from rich.progress import Progress

        from .. import datasets
        from ..compare import compare as run_compare
        from ..errors import ParameterError

        with cli_errors():
            check_out(out, force=force)
            if tables and dataset:
                raise ParameterError("Give either --dataset/--years or --table files, not both.")
            with Progress(transient=True, console=console()) as bar:
                if tables:
                    task = bar.add_task("reading tables", total=len(tables))
                    tabs = []
                    for p in tables:
                        if not p.exists():
                            raise FileNotFoundError(f"{p}: no such file or directory.")
                        with reading(p):
                            tabs.append(datasets.read(p, format=fmt))
                        bar.advance(task)
                else:
                    name = dataset or default_dataset()
                    ys = [int(y) for y in (split(years) or [])] if years else list(datasets.info(name).years[:1] + datasets.info(name).years[-1:])
                    if len(ys) < 2:
                        raise ParameterError(f"The '--years' option of compare needs at least 2 years. Got {years!r} instead.")
                    tabs = [datasets.load(name, year=y) for y in ys]
                bloc_map = None
                if blocs is not None:
                    import pandas as pd

                    if not blocs.exists():
                        raise FileNotFoundError(f"{blocs}: no such file or directory.")
                    b = pd.read_csv(blocs)
                    if not {"region", "bloc"} <= set(b.columns):
                        raise ParameterError(f"{blocs}: expected columns 'region' and 'bloc'; found {list(b.columns)}.")
                    bloc_map = dict(zip(b["region"].astype(str), b["bloc"].astype(str)))
                task = bar.add_task("indicators per year", total=len(tabs))
                res = run_compare(tabs, blocs=bloc_map, alpha=alpha, seed=seed,
                                  progress=lambda d, n: bar.update(task, completed=d))
            con = console()
            s = res.summary()
            con.print(f"[bold]Reconfiguration {s['from']} -> {s['to']}[/bold]: score {s['reconfiguration_score']:.3f}, "
                      f"Spearman(PageRank) {s['spearman_pagerank']:.3f}, NMI(communities) {s['nmi_communities']:.3f}")
            print_frame(res.movers(top), title="Biggest movers (reconfiguration score)", top=top)
            print_frame(res.regions[["score", "reshoring", "nearshoring", "d_foreign_input_supply_share", "d_pagerank_rank"]],
                        title="By region", top=top, sort="score")
            if res.timeline is not None:
                print_frame(res.timeline.set_index(["from", "to"]), title="Year by year", top=50)
            write_output(res.nodes, out, force=force, raw=raw)
