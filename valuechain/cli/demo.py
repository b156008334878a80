"""``valuechain demo``: the main analysis on the embedded default data, ending with the HTML report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ._common import cli_errors, console, default_dataset, print_frame

#: Years compared by the demo when the dataset has them (the embedded default: brazil).
DEMO_YEARS = (2019, 2021)


#: The price scenario of the demo report: the sector whose price is held at +60 % (Brazil's 68-activity tables).
DEMO_PRICE = ("Electricity & gas", 0.6)


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")] = Path("valuechain-demo"),
        top: Annotated[int, typer.Option("--top", "-n", min=1, help="Rows to print (>= 1).")] = 10,
    ) -> None:
        """Run the main analysis on the embedded default data and write the results and the HTML report.

        Example: valuechain demo --out valuechain-demo
        """
        from .. import datasets, position
        from .._files import check_target, spreadsheet_safe, write_with
        from .report import write_report

        with cli_errors():
            from ..errors import ParameterError

            if out.exists() and not out.is_dir():
                raise ParameterError(f"The '--out' option of demo must be a folder. Got the file {out} instead.")
            for name in ("position.csv", "report.html"):
                check_target(out / name, what="'--out' option")
            start = time.perf_counter()
            name = default_dataset()
            years = datasets.REGISTRY[name].years or ()
            pair = DEMO_YEARS if all(y in years for y in DEMO_YEARS) else None
            t = datasets.load(name, year=pair[0]) if pair else datasets.load(name)
            t2 = datasets.load(name, year=pair[1]) if pair else None
            con = console()
            s = t.summary()
            con.print(f"[bold]{name}[/bold]: {s['regions']} region(s) x {s['sectors']} sectors = {s['nodes']} nodes, "
                      f"year {s['year']}{' vs ' + str(t2.meta.year) if t2 is not None else ''}, unit {s['unit']}")
            df = position.profile(t)
            shown = df[["output_multiplier", "gva_multiplier", "import_leakage", "upstreamness", "influence"]].copy()
            shown["type"] = df["key_sector"].str.split().str[0]  # I-IV, see `valuechain position linkages`
            print_frame(shown, title=f"Most upstream industries, {t.meta.year}", top=top, sort="upstreamness")
            out.mkdir(parents=True, exist_ok=True)
            target = out / "position.csv"
            safe = spreadsheet_safe(df)
            write_with(target, lambda p: safe.to_csv(p))
            con.print(f"Results written to [bold]{target.resolve()}[/bold]")
            last = t2 if t2 is not None else t
            scenarios = None
            if DEMO_PRICE[0] in set(last.sectors):  # a gas-price scenario, the cluster manager's 2022 question
                from ..resilience import price_shock

                scenarios = [price_shock(last, fixed={DEMO_PRICE[0]: DEMO_PRICE[1]})]
            report = write_report(t, t2, out / "report.html", scenarios=scenarios)
            con.print(f"Report written to [bold]{report.resolve()}[/bold] "
                      f"({time.perf_counter() - start:.0f} s); open it in a browser (works offline).")
