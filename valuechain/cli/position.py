"""``valuechain position``: multipliers, linkages, upstreamness, extraction, influence."""

from __future__ import annotations

from enum import Enum

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
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """IO position of every node: multipliers, linkages, upstreamness, extraction losses.

        Example: valuechain position summary --dataset miller_blair
        """
        from .. import position as pos

        with cli_errors():
            check_out(out, force=force)
            t = load_table(dataset, table, year, fmt, regions, sectors)
            if metric is Metric.summary:
                df = pos.multipliers(t)[["output", "value_added"]].add_suffix("_multiplier")
                lk = pos.linkages(t)
                df = df.join(lk[["backward", "forward_ghosh", "key_sector"]])
                df["upstreamness"] = pos.upstreamness(t)
                df["downstreamness"] = pos.downstreamness(t)
                df["influence"] = pos.influence_vector(t)
                sort = "upstreamness"
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
