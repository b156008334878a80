"""``valuechain demo``: the main analysis on the embedded default data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import cli_errors, console, default_dataset, print_frame


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")] = Path("valuechain-demo"),
        top: Annotated[int, typer.Option("--top", "-n", help="Rows to print.")] = 10,
    ) -> None:
        """Run the main analysis on the embedded default data and write the results.

        Example: valuechain demo --out valuechain-demo
        """
        from .. import datasets, position
        from .._files import write_with

        with cli_errors():
            name = default_dataset()
            t = datasets.load(name)
            con = console()
            s = t.summary()
            con.print(f"[bold]{name}[/bold]: {s['regions']} regions x {s['sectors']} sectors = {s['nodes']} nodes, "
                      f"year {s['year']}, unit {s['unit']}")
            df = position.multipliers(t)[["output", "value_added"]].add_suffix("_multiplier")
            df = df.join(position.linkages(t)[["backward", "forward_ghosh", "key_sector"]])
            df["upstreamness"] = position.upstreamness(t)
            df["influence"] = position.influence_vector(t)
            print_frame(df, title="Most upstream nodes", top=top, sort="upstreamness")
            out.mkdir(parents=True, exist_ok=True)
            target = out / "position.csv"
            write_with(target, lambda p: df.to_csv(p))
            con.print(f"Results written to [bold]{target.resolve()}[/bold]")
