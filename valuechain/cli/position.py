"""``valuechain position``: multipliers, linkages, upstreamness, extraction, influence."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from ._common import (DatasetOpt, ForceOpt, FormatOpt, OutOpt, RawOpt, RegionsOpt, SectorsOpt, TableOpt, TopOpt,
                      YearOpt, check_out, cli_errors, load_table, print_frame, write_output)


class Metric(str, Enum):
    summary = "summary"
    multipliers = "multipliers"
    linkages = "linkages"
    upstreamness = "upstreamness"
    extraction = "extraction"
    influence = "influence"


def register(app: typer.Typer) -> None:
    @app.command()
    def position(
        metric: Metric = typer.Argument(Metric.summary, help="Which metric family."),
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        regions: RegionsOpt = None,
        sectors: SectorsOpt = None,
        extension: Annotated[Optional[str], typer.Option("--extension", help="Multipliers of a satellite account instead (e.g. employment): direct, first round, industrial support, simple, Type I.")] = None,
        households: Annotated[bool, typer.Option("--households", help="With --extension: endogenise households (Type II), coefficients derived from the table.")] = False,
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """IO position of every node: multipliers, linkages, upstreamness, extraction losses.

        With --extension NAME: the satellite account's multipliers (jobs per unit of final demand...).

        Example: valuechain position summary --dataset miller_blair
        Example: valuechain position --dataset brazil --extension employment --households
        """
        from .. import position as pos

        with cli_errors():
            check_out(out, force=force)
            t = load_table(dataset, table, year, fmt, regions, sectors)
            if extension is not None:
                df = pos.extension_multipliers(t, extension, households=households)
                st = df.columns.get_level_values("stressor")[0]
                df.columns = [f"{a} {b}" for a, b in df.columns]
                sort = f"{st} total" if households else f"{st} simple"
            elif households:
                from ..errors import ParameterError

                raise ParameterError("--households needs --extension NAME (the satellite account to multiply).")
            elif metric is Metric.summary:
                df, sort = pos.profile(t), "upstreamness"
            elif metric is Metric.multipliers:
                df, sort = pos.multipliers(t), "output"
            elif metric is Metric.linkages:
                df, sort = pos.linkages(t), "backward"
            elif metric is Metric.upstreamness:
                df = pos.upstreamness(t).to_frame().join(pos.downstreamness(t))
                sort = "upstreamness"
            elif metric is Metric.extraction:
                df, sort = pos.extraction(t), "total"
            else:
                df, sort = pos.influence_vector(t).to_frame(), "influence"
            print_frame(df, title=f"{metric.value} — {t.meta.name} {t.meta.year or ''}".strip(), top=top, sort=sort)
            write_output(df, out, force=force, raw=raw)
