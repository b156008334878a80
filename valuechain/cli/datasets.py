"""``valuechain datasets``: list, describe and locate registered datasets."""

from __future__ import annotations

import typer

from ._common import cli_errors, console, print_frame

datasets_app = typer.Typer(help="Registered datasets: list, info, formats.\n\nExample: valuechain datasets list",
                           no_args_is_help=True)


@datasets_app.command("list")
def list_cmd() -> None:
    """List registered datasets (embedded and downloadable).

    Example: valuechain datasets list
    """
    from .. import datasets

    print_frame(datasets.list(), title="valuechain datasets", top=100)


@datasets_app.command("info")
def info_cmd(name: str = typer.Argument(..., help="Dataset name.")) -> None:
    """Describe one dataset: source, years, licence.

    Example: valuechain datasets info miller_blair
    """
    from .. import datasets

    with cli_errors():
        d = datasets.info(name)
        console().print(f"[bold]{d.name}[/bold] ({d.kind})\n{d.description}\nyears: {list(d.years) or '-'}\n"
                        f"source: {d.source or '-'}\nlicence: {d.license or '-'}")


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
