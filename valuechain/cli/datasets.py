"""``valuechain datasets``: list, describe, fetch, locate and register datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import YearOpt, cli_errors, console, print_frame

datasets_app = typer.Typer(help="Registered datasets: list, info, fetch, path, add, formats.\n\n"
                                "Example: valuechain datasets list", no_args_is_help=True)


@datasets_app.command("list")
def list_cmd() -> None:
    """List registered datasets (embedded, downloadable and manual).

    Example: valuechain datasets list
    """
    from .. import datasets

    print_frame(datasets.list(), title="valuechain datasets", top=100)


@datasets_app.command("info")
def info_cmd(name: str = typer.Argument(..., help="Dataset name.")) -> None:
    """Describe one dataset: kind, years, format, source, licence and where its file goes.

    Example: valuechain datasets info brazil
    """
    from .. import datasets

    with cli_errors():
        d = datasets.info(name)
        years = f"{d.years[0]}-{d.years[-1]}" if len(d.years) > 3 else (list(d.years) or "-")
        lines = [f"[bold]{d.name}[/bold] ({d.kind})", d.description, f"years: {years}",
                 f"default year: {d.default_year or '-'}", f"format: {d.format or '-'}",
                 f"source: {d.source or '-'}", f"licence: {d.license or '-'}"]
        if d.kind != "embedded":
            lines += [f"get it from: {d.landing or d.url}",
                      f"local file: {datasets.local_path(name, d.years[-1] if d.years else None)}"]
        console().print("\n".join(lines), markup=True, highlight=False)


@datasets_app.command("fetch")
def fetch_cmd(name: str = typer.Argument(..., help="Dataset name."), year: YearOpt = None) -> None:
    """Make the source file of a dataset available locally (download or check), print its path.

    Example: valuechain datasets fetch oecd_icio --year 2020
    """
    from .. import datasets

    with cli_errors():
        typer.echo(str(datasets.fetch(name, year, progress=True)))


@datasets_app.command("path")
def path_cmd(name: Annotated[Optional[str], typer.Argument(help="Dataset name (omit: the cache folder).")] = None,
             year: YearOpt = None) -> None:
    """Print the cache folder, or where the file of a dataset is (or would be put).

    Example: valuechain datasets path wiod2013 --year 2011
    """
    from .. import datasets

    with cli_errors():
        typer.echo(str(datasets.cache_dir() if name is None else datasets.local_path(name, year)))


@datasets_app.command("add")
def add_cmd(name: str = typer.Argument(..., help="Dataset name."),
            path: Path = typer.Argument(..., help="The file you downloaded."),
            year: YearOpt = None) -> None:
    """Register a file you already have as the source of a dataset (and year).

    Example: valuechain datasets add wiod2013 ~/Downloads/wiot2011.xlsx --year 2011
    """
    from .. import datasets

    with cli_errors():
        p = datasets.add(name, path, year)
        typer.echo(f"Registered {p} for {name}{'' if year is None else f' ({year})'}.")


@datasets_app.command("formats")
def formats_cmd() -> None:
    """List the table layouts that `--format` and `datasets.read` understand.

    Example: valuechain datasets formats
    """
    from .. import datasets

    for f in datasets.FORMATS:
        typer.echo(f)


def register(app: typer.Typer) -> None:
    app.add_typer(datasets_app, name="datasets")
