"""``valuechain clusters`` (location quotients, stars, KPIs) and ``valuechain complexity`` (ECI, adjacent possible)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import ForceOpt, OutOpt, RawOpt, TopOpt, YearOpt, check_out, cli_errors, print_frame, write_output


class Layout(str, Enum):
    auto = "auto"
    long = "long"
    wide = "wide"
    abs_eiat = "abs_eiat"
    bea = "bea"


class TradeFormat(str, Enum):
    auto = "auto"
    long = "long"
    wide = "wide"
    baci = "baci"
    comtrade = "comtrade"


class Method(str, Enum):
    eigenvector = "eigenvector"
    reflections = "reflections"


ActivityTableOpt = Annotated[Path, typer.Option("--table", "-t", exists=True,
                                                 help="Activity table: CSV/parquet file, or an ABS EIAT / BEA folder.")]
ValueOpt = Annotated[Optional[str], typer.Option("--value", help="Value column (default: employment, else the first).")]


def _value_column(df, value: Optional[str]) -> str:
    from ..errors import LabelError

    vals = [c for c in df.columns if c not in ("region", "industry", "year", "line_code")]
    if value is not None:
        if value not in vals:
            raise LabelError(f"--value {value!r} is not a value column of the table; choose among {vals}.")
        return value
    if not vals:
        raise LabelError("The table has no value column.")
    return "employment" if "employment" in vals else vals[0]


def register(app: typer.Typer) -> None:
    @app.command()
    def clusters(
        table: ActivityTableOpt,
        layout: Annotated[Layout, typer.Option("--layout", "-l", help="Layout of --table.")] = Layout.auto,
        value: ValueOpt = None,
        year: YearOpt = None,
        region: Annotated[Optional[str], typer.Option("--region", "-r", help="Show one region's clusters.")] = None,
        kpis: Annotated[bool, typer.Option("--kpis", help="Print regional KPIs (growth, starred share, Herfindahl, Krugman).")] = False,
        lq_threshold: Annotated[float, typer.Option("--lq-threshold", help="Specialisation star threshold.")] = 2.0,
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Cluster statistics of a regional activity table: location quotients and ECO stars, or KPIs.

        Reads long (region, industry, [year], values) or wide (regions x industries) CSV files,
        and the ABS EIAT and BEA SAEMP25N layouts of the shared data.

        Example: valuechain clusters --table ../shared/data/australia_abs_eiat --layout abs_eiat --year 2021
        """
        from .. import clusters as cl
        from ..errors import LabelError

        with cli_errors():
            check_out(out, force=force)
            df = cl.read_activity(table, layout=layout.value)
            col = _value_column(df, value)
            if kpis:
                res = cl.regional_kpis(df, value=col, lq_threshold=lq_threshold)
                if "year" in res.index.names:
                    y = year if year is not None else max(res.index.get_level_values("year"))
                    res = res.xs(y, level="year")
                print_frame(res, title=f"regional KPIs ({col})", top=top, sort="starred_share")
            else:
                years = sorted(df["year"].unique()) if "year" in df.columns else []
                y = year if year is not None else (years[-1] if years else None)
                res = cl.stars(df, value=col, year=y, lq_threshold=lq_threshold)
                if region is not None:
                    regions = res.index.get_level_values("region")
                    if region not in set(regions):
                        raise LabelError(f"--region {region!r} is not in the table; e.g. {sorted(set(regions))[:5]}.")
                    res = res.xs(region, level="region", drop_level=False)
                res = res.sort_values(["stars", "lq"], ascending=False)
                print_frame(res, title=f"cluster stars ({col}{', ' + str(y) if y else ''})", top=top)
            write_output(res, out, force=force, raw=raw)

    @app.command()
    def complexity(
        table: Annotated[Path, typer.Option("--table", "-t", exists=True,
                                            help="Location x activity values: long CSV (location, activity, [year], value), "
                                                 "wide CSV, or a trade file with --format baci/comtrade.")],
        fmt: Annotated[TradeFormat, typer.Option("--format", "-f", help="Layout of --table.")] = TradeFormat.auto,
        value: ValueOpt = None,
        year: YearOpt = None,
        location: Annotated[Optional[str], typer.Option("--location", help="Print this location's adjacent possible.")] = None,
        threshold: Annotated[float, typer.Option("--threshold", help="RCA threshold of presence.")] = 1.0,
        method: Annotated[Method, typer.Option("--method", help="ECI/PCI method.")] = Method.eigenvector,
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Economic complexity (ECI ranking) of locations, or the adjacent possible of one location.

        Prints locations ranked by ECI (with diversity, COI, fitness); with --location, the
        activities that location does not yet specialise in, ranked by density, PCI and COG,
        with the relatedness-complexity quadrant.

        Example: valuechain complexity --table ../shared/data/trade_complexity_sitc_hs/csv/world_trade_avg_1998_to_2000.csv.gz --location kor
        """
        from .. import clusters as cl

        with cli_errors():
            check_out(out, force=force)
            if fmt in (TradeFormat.baci, TradeFormat.comtrade):
                from .. import trade

                data = trade.read(table, format=fmt.value)
            else:
                df = cl.read_activity(table, layout=fmt.value)
                col = _value_column(df, value)
                data = cl.activity_matrix(df, value=col, year=year)
                year = data.attrs.get("year")
            res = cl.complexity(data, year=year if fmt in (TradeFormat.baci, TradeFormat.comtrade) else None,
                                threshold=threshold, method=method.value)
            if location is not None:
                shown = cl.adjacent_possible(res, location, top=None)
                cols = ["rank", "density", "pci", "cog", "score", "quadrant"]
                print_frame(shown[cols], title=f"adjacent possible of {location}", top=top)
            else:
                shown = res.locations.sort_values("eci", ascending=False)
                shown.insert(0, "rank", range(1, len(shown) + 1))
                print_frame(shown[["rank", "eci", "diversity", "coi", "fitness", "value"]],
                            title=f"economic complexity ({len(res.locations)} locations x "
                                  f"{len(res.activities)} activities)", top=top)
            write_output(shown, out, force=force, raw=raw)
