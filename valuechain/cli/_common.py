"""Shared CLI pieces: options, error handling, table loading, output writing."""

from __future__ import annotations

import contextlib
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer

STATE: dict[str, Any] = {"debug": False}

DatasetOpt = Annotated[Optional[str], typer.Option("--dataset", "-d", help="Registered dataset name (see `valuechain datasets list`).")]
TableOpt = Annotated[Optional[Path], typer.Option("--table", "-t", help="Table file (valuechain parquet, or any layout with --format).")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="Layout of --table (see `valuechain datasets formats`).")]
YearOpt = Annotated[Optional[int], typer.Option("--year", "-y", help="Year of the dataset.")]
RegionsOpt = Annotated[Optional[str], typer.Option("--regions", help="Comma-separated regions to keep.")]
SectorsOpt = Annotated[Optional[str], typer.Option("--sectors", help="Comma-separated sectors to keep.")]
TopOpt = Annotated[int, typer.Option("--top", "-n", help="Rows to print.")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the full result to FILE.{csv,parquet,json,html}.")]


class Weight(str, Enum):
    flow = "flow"
    input_share = "input_share"
    output_share = "output_share"
    total_requirement = "total_requirement"
    value_added = "value_added"


@contextlib.contextmanager
def cli_errors() -> Iterator[None]:
    """Turn a ValueChainError (or bad file) into a one-line message and exit code 2."""
    from ..errors import ValueChainError

    try:
        yield
    except (ValueChainError, FileNotFoundError) as exc:
        if STATE.get("debug"):
            raise
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=2) from None


def split(value: Optional[str]) -> Optional[list[str]]:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def load_table(dataset: Optional[str], table: Optional[Path], year: Optional[int] = None,
               fmt: str = "parquet", regions: Optional[str] = None, sectors: Optional[str] = None):
    """The IOTable named by --dataset or --table (default: the embedded default dataset)."""
    from .. import datasets
    from ..errors import ParameterError

    if dataset and table:
        raise ParameterError("Give either --dataset or --table, not both.")
    if table is not None:
        t = datasets.read(table, format=fmt)
    else:
        t = datasets.load(dataset or default_dataset(), year=year)
    if regions or sectors:
        t = t.select(regions=split(regions), sectors=split(sectors))
    return t


def default_dataset() -> str:
    from ..datasets import REGISTRY

    return "brazil" if "brazil" in REGISTRY else "testmrio"


def console():
    from rich.console import Console

    return Console(width=max(120, 80))


def print_frame(df, title: str = "", top: int = 20, sort: Optional[str] = None, ascending: bool = False) -> None:
    """Print the first *top* rows of a DataFrame/Series as a rich table."""
    import pandas as pd
    from rich.table import Table

    if isinstance(df, pd.Series):
        df = df.to_frame()
    if sort is not None and sort in df.columns:
        df = df.sort_values(sort, ascending=ascending)
    shown = df.head(top)
    tab = Table(title=title or None, show_lines=False)
    idx_names = [n or "" for n in (shown.index.names if shown.index.nlevels > 1 else [shown.index.name])]
    for n in idx_names:
        tab.add_column(str(n), style="bold")
    for c in shown.columns:
        tab.add_column(str(c), justify="right")
    for key, row in shown.iterrows():
        keys = key if isinstance(key, tuple) else (key,)
        cells = []
        for v in row.tolist():
            if isinstance(v, float):
                cells.append(f"{v:,.4g}" if abs(v) < 1e6 else f"{v:,.0f}")
            else:
                cells.append(str(v))
        tab.add_row(*[str(k) for k in keys], *cells)
    console().print(tab)
    if len(df) > top:
        console().print(f"[dim]... {len(df) - top} more rows (use --top or --out)[/dim]")


def write_output(obj, out: Optional[Path]) -> None:
    """Write a result to --out (csv, parquet, json or html), atomically."""
    if out is None:
        return
    import pandas as pd

    from .._files import write_text_atomic, write_with
    from ..errors import ParameterError

    if isinstance(obj, pd.Series):
        obj = obj.to_frame()
    suffix = out.suffix.lower()
    if suffix == ".csv":
        write_with(out, lambda p: obj.to_csv(p))
    elif suffix == ".parquet":
        flat = obj.copy()
        flat.columns = [c if isinstance(c, str) else "|".join(map(str, c)) for c in flat.columns]
        write_with(out, lambda p: flat.to_parquet(p))
    elif suffix == ".json":
        flat = obj.reset_index()
        flat.columns = [c if isinstance(c, str) else "|".join(map(str, c)) for c in flat.columns]
        write_text_atomic(out, json.dumps({"attrs": _jsonable(obj.attrs), "data": json.loads(flat.to_json(orient="records"))}, indent=1))
    elif suffix == ".html":
        write_text_atomic(out, obj.to_html())
    else:
        raise ParameterError(f"The '--out' option must end in .csv, .parquet, .json or .html. Got {out.name!r} instead.")
    typer.echo(f"Wrote {out}", err=True)


def _jsonable(d: dict) -> dict:
    return {k: (v if isinstance(v, (str, int, float, bool, type(None))) else str(v)) for k, v in d.items()}


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
