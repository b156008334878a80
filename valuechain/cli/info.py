"""``valuechain info``: dimensions, year, unit and balance of a table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import DatasetOpt, FormatOpt, YearOpt, cli_errors, console, load_table


def register(app: typer.Typer) -> None:
    @app.command()
    def info(
        path: Annotated[Optional[Path], typer.Argument(help="Table file (valuechain parquet or --format layout).")] = None,
        dataset: DatasetOpt = None,
        year: YearOpt = None,
        fmt: FormatOpt = "parquet",
    ) -> None:
        """Print a table's dimensions, year, unit, totals and balance check.

        Example: valuechain info --dataset miller_blair
        """
        from rich.table import Table

        with cli_errors():
            if path is not None and not path.exists():
                raise FileNotFoundError(f"{path}: no such file or directory.")
            t = load_table(dataset, path, year, fmt)
            s = t.summary()
            tab = Table(title=f"IO table {s['name'] or ''}".strip(), show_header=False)
            tab.add_column("field", style="bold")
            tab.add_column("value")
            for k, v in s.items():
                tab.add_row(k, f"{v:,.6g}" if isinstance(v, float) else str(v))
            ok = max(s["max_row_imbalance_rel"], s["max_col_imbalance_rel"]) <= t.rtol
            tab.add_row("balance", f"OK (within rtol={t.rtol:g})" if ok else "NOT balanced")
            console().print(tab)
