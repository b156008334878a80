"""``valuechain trade``: describe, aggregate and convert bilateral trade files (BACI, Comtrade, parquet)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import (ForceOpt, OutOpt, RawOpt, TopOpt, YearOpt, check_out, cli_errors, console, print_frame,
                      write_output)

trade_app = typer.Typer(help="Bilateral trade tables (CEPII BACI, UN Comtrade, parquet) queried with DuckDB.\n\n"
                             "Example: valuechain trade info BACI_HS92_Y2021_V202301.csv",
                        no_args_is_help=True)


class TradeFormat(str, Enum):
    auto = "auto"
    baci = "baci"
    comtrade = "comtrade"
    parquet = "parquet"


class Column(str, Enum):
    year = "year"
    exporter = "exporter"
    importer = "importer"
    product = "product"


class Values(str, Enum):
    value = "value"
    quantity = "quantity"


PathArg = Annotated[str, typer.Argument(help="Trade file, folder or glob pattern (quote it).")]
TradeFormatOpt = Annotated[TradeFormat, typer.Option("--format", "-f", help="Layout of the file.")]
WhereOpt = Annotated[Optional[str], typer.Option("--where", "-w", help="Row filter (column, operator, value; and/or/not, in (...)), e.g. \"importer <> 'CHN' and value > 10\"; not SQL.")]


def _read(path: str, fmt: TradeFormat):
    from .. import trade
    from ._common import reading

    with reading(path):
        return trade.read(path, format=fmt.value)


@trade_app.command("info")
def info_cmd(path: PathArg, fmt: TradeFormatOpt = TradeFormat.auto) -> None:
    """Describe a trade file: rows, years, countries, products, total value and units.

    Example: valuechain trade info BACI_HS92_Y2021_V202301.csv
    """
    with cli_errors():
        tt = _read(path, fmt)
        s = tt.summary()
        unm = s["unmapped_countries"]
        console().print(
            f"[bold]{s['name']}[/bold] ({s['source']}{', ' + s['system'] if s['system'] else ''})\n"
            f"rows: {s['rows']:,}\nyears: {s['years']}\nexporters: {s['exporters']}  importers: {s['importers']}  "
            f"products: {s['products']}\ntotal value: {s['total_value']:,.3f} {s['unit']}\n"
            f"quantity unit: {s['quantity_unit'] or '-'}\n"
            f"unmapped country codes: {', '.join(unm) if unm else '-'}")


@trade_app.command("matrix")
def matrix_cmd(
    path: PathArg,
    rows: Annotated[Column, typer.Option("--rows", help="Row labels.")] = Column.exporter,
    cols: Annotated[Column, typer.Option("--cols", help="Column labels.")] = Column.product,
    values: Annotated[Values, typer.Option("--values", help="Sum of value or quantity.")] = Values.value,
    year: YearOpt = None,
    where: WhereOpt = None,
    fmt: TradeFormatOpt = TradeFormat.auto,
    top: TopOpt = 20,
    out: OutOpt = None,
    force: ForceOpt = False,
    raw: RawOpt = False,
) -> None:
    """Wide matrix of summed trade (exporter x product by default; exporter x importer for bilateral).

    Example: valuechain trade matrix BACI_HS92_Y2021_V202301.csv --rows exporter --cols importer -o m.csv
    """
    with cli_errors():
        check_out(out, force=force)
        tt = _read(path, fmt)
        m = tt.matrix(rows.value, cols.value, year=year, where=where, values=values.value)
        shown = m.loc[:, m.sum(axis=0).sort_values(ascending=False).index[:8]]
        shown = shown.assign(total=m.sum(axis=1))
        print_frame(shown, title=f"{values.value}: {rows.value} x {cols.value} ({m.shape[0]} x {m.shape[1]}), "
                                 f"{m.attrs.get('unit', '')}", top=top, sort="total")
        write_output(m, out, force=force, raw=raw)


@trade_app.command("top")
def top_cmd(
    path: PathArg,
    by: Annotated[str, typer.Option("--by", help="Comma-separated group columns.")] = "exporter",
    year: YearOpt = None,
    where: WhereOpt = None,
    fmt: TradeFormatOpt = TradeFormat.auto,
    top: TopOpt = 20,
    out: OutOpt = None,
    force: ForceOpt = False,
    raw: RawOpt = False,
) -> None:
    """Largest groups by trade value (e.g. top exporters, top exporter-product pairs).

    Example: valuechain trade top BACI_HS92_Y2021_V202301.csv --by exporter,importer --top 10
    """
    from ._common import split

    with cli_errors():
        check_out(out, force=force)
        tt = _read(path, fmt)
        groups = split(by) or []
        df = tt.aggregate(groups, where=where, years=year)
        df = df.sort_values("value", ascending=False).reset_index(drop=True)
        df["share"] = df["value"] / df["value"].sum() if len(df) and df["value"].sum() > 0 else 0.0
        print_frame(df.set_index(groups) if groups else df, title=f"trade value by {', '.join(groups) or 'total'} "
                    f"({df.attrs.get('unit', '')})", top=top)
        write_output(df, out, force=force, raw=raw)


@trade_app.command("convert")
def convert_cmd(
    path: PathArg,
    target: Annotated[Path, typer.Argument(help="Parquet file, or folder with --by-year.")],
    by_year: Annotated[bool, typer.Option("--by-year", help="One parquet file per year in a new or empty folder.")] = False,
    fmt: TradeFormatOpt = TradeFormat.auto,
    force: Annotated[bool, typer.Option("--force", help="Replace a read-only TARGET file, or (--by-year) a folder "
                                        "holding only an earlier --by-year output.")] = False,
) -> None:
    """Convert a trade file once to parquet (queried in place afterwards, much faster than CSV).

    With --by-year, TARGET must be a new or empty folder (files already there are never
    deleted; --force replaces only an earlier --by-year output).

    Example: valuechain trade convert BACI_HS92_Y2021_V202301.csv baci2021.parquet
    """
    from .._files import check_target

    with cli_errors():
        check_target(target, force=force, folder=by_year, what="TARGET argument")
        tt = _read(path, fmt)
        written = tt.to_parquet(target, by_year=by_year, force=force)
        typer.echo(f"Wrote {written}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(trade_app, name="trade")
