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


def _read_any(path: Path, layout: str):
    from .. import clusters as cl

    if path.is_dir() and layout == "auto":
        if list(path.glob("csv/work_lga_employment_by_industry*")) or list(path.glob("work_*_employment_by_industry*")):
            layout = "abs_eiat"
        elif list(path.glob("*SAEMP25N*.csv*")):
            layout = "bea"
    return cl.read_activity(path, layout=layout)


def _io_input(path: Path):
    import pandas as pd

    if str(path).endswith(".parquet"):
        from ..table import IOTable

        try:
            return IOTable.read_parquet(path)
        except Exception:
            return pd.read_parquet(path)
    return pd.read_csv(path, index_col=0)


def register(app: typer.Typer) -> None:
    group = typer.Typer(invoke_without_command=True, no_args_is_help=False,
                        help="Cluster statistics (LQ, stars, KPIs) and the cluster monitor page.")
    app.add_typer(group, name="clusters")

    @group.callback()
    def clusters(
        ctx: typer.Context,
        table: Annotated[Optional[Path], typer.Option("--table", "-t", exists=True,
                                                      help="Activity table: CSV/parquet file, or an ABS EIAT / BEA folder.")] = None,
        layout: Annotated[Layout, typer.Option("--layout", "-l", help="Layout of --table.")] = Layout.auto,
        value: ValueOpt = None,
        year: YearOpt = None,
        region: Annotated[Optional[str], typer.Option("--region", "-r", help="Show one region's clusters.")] = None,
        kpis: Annotated[bool, typer.Option("--kpis", help="Print regional KPIs (growth, starred share, Herfindahl, Krugman).")] = False,
        lq_threshold: Annotated[float, typer.Option("--lq-threshold", help="Specialisation star threshold.")] = 2.0,
        all_industries: Annotated[bool, typer.Option("--all-industries", help="Keep local industries too (default: traded only).")] = False,
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Cluster statistics of a regional activity table: location quotients and ECO stars, or KPIs.

        Reads long (region, industry, [year], values) or wide (regions x industries) CSV files,
        and the ABS EIAT and BEA SAEMP25N layouts of the shared data.  Traded industries only
        unless --all-industries.  Subcommand ``monitor`` writes the cluster monitor page.

        Example: valuechain clusters --table ../shared/data/australia_abs_eiat --layout abs_eiat --year 2021
        """
        if ctx.invoked_subcommand is not None:
            return
        from .. import clusters as cl
        from ..errors import LabelError, ParameterError

        with cli_errors():
            if table is None:
                raise ParameterError("Missing option '--table' (or a subcommand such as 'monitor').")
            check_out(out, force=force)
            df = cl.read_activity(table, layout=layout.value)
            col = _value_column(df, value)
            traded = not all_industries
            if kpis:
                res = cl.regional_kpis(df, value=col, lq_threshold=lq_threshold, traded_only=traded)
                if "year" in res.index.names:
                    y = year if year is not None else max(res.index.get_level_values("year"))
                    res = res.xs(y, level="year")
                print_frame(res, title=f"regional KPIs ({col})", top=top, sort="starred_share")
            else:
                years = sorted(df["year"].unique()) if "year" in df.columns else []
                y = year if year is not None else (years[-1] if years else None)
                res = cl.stars(df, value=col, year=y, lq_threshold=lq_threshold, traded_only=traded)
                if region is not None:
                    regions = res.index.get_level_values("region")
                    if region not in set(regions):
                        raise LabelError(f"--region {region!r} is not in the table; e.g. {sorted(set(regions))[:5]}.")
                    res = res.xs(region, level="region", drop_level=False)
                res = res.sort_values(["stars", "lq"], ascending=False)
                print_frame(res, title=f"cluster stars ({col}{', ' + str(y) if y else ''})", top=top)
            write_output(res, out, force=force, raw=raw)

    @group.command("monitor")
    def monitor(
        activity: Annotated[Path, typer.Option("--activity", "-a", exists=True,
                                               help="Activity table (long CSV/parquet with a year column) or an ABS EIAT / BEA folder.")],
        years: Annotated[Optional[tuple[int, int]], typer.Option("--years", help="Start and end year (default first and last).")] = None,
        io: Annotated[Optional[Path], typer.Option("--io", exists=True, dir_okay=False,
                                                   help="IO table (.parquet IOTable) or a square flow-matrix CSV on the same industries.")] = None,
        region: Annotated[Optional[list[str]], typer.Option("--region", "-r", help="Focus region (repeat for several).")] = None,
        state: Annotated[Optional[str], typer.Option("--state", help="ABS folder: focus on the LGAs of this state (regions.csv).")] = None,
        layout: Annotated[Layout, typer.Option("--layout", "-l", help="Layout of --activity.")] = Layout.auto,
        value: ValueOpt = None,
        all_industries: Annotated[bool, typer.Option("--all-industries", help="Keep local industries too (default: traded only).")] = False,
        title: Annotated[Optional[str], typer.Option("--title", help="Page title.")] = None,
        out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path("cluster-monitor.html"),
        force: ForceOpt = False,
    ) -> None:
        """Write the cluster monitor: one offline HTML page of a region's clusters over two years.

        Specialisations and stars, KPIs with births and deaths, entries and exits, shift-share,
        related-industry clusters, the adjacent possible with the why, and a small-multiples
        chart of LQ change.  The page loads nothing from the network.

        Example: valuechain clusters monitor --activity ../shared/data/australia_abs_eiat --years 2016 2021 --state Tasmania --io ../shared/data/australia_abs_eiat/csv/national_19.csv --out tas.html
        """
        import pandas as pd

        from .. import clusters as cl
        from .._files import check_target, write_text_atomic
        from ..errors import LabelError
        from ._common import console

        with cli_errors():
            check_target(out, force=force)
            con = console()
            with con.status("monitor: reading the activity table") as status:
                df = _read_any(activity, layout.value)
                col = _value_column(df, value)
                for y, m in sorted((df.attrs.get("matching") or {}).items()):
                    con.print(f"regions {y} -> {m['to']}: {m['matched']} of {m['of_latest']} matched "
                              f"({m['match_rate']:.1%}); unmatched {m['to']}: {', '.join(m['unmatched_new']) or 'none'}",
                              markup=False, highlight=False)
                if df.attrs.get("pseudo_regions"):
                    con.print(f"pseudo-regions dropped: {len(df.attrs['pseudo_regions'])}", markup=False, highlight=False)
                focus = list(region) if region else None
                if state is not None:
                    cand = activity / "csv" / "regions.csv" if activity.is_dir() else activity.parent / "regions.csv"
                    if not cand.exists():
                        raise LabelError(f"--state needs the ABS regions.csv (LGA -> state) beside the data; not found at {cand}.")
                    reg = pd.read_csv(cand)
                    names = reg.loc[reg["state"].str.lower() == state.lower(), "lga"].astype(str).tolist()
                    if not names:
                        raise LabelError(f"--state {state!r} is not in {cand.name}; states are {sorted(reg['state'].unique())}.")
                    focus = (focus or []) + names
                flows = _io_input(io) if io is not None else None
                status.update("monitor: computing KPIs, related clusters and the adjacent possible")
                start, end = (years if years else (None, None))
                html = cl.monitor(df, focus, start=start, end=end, value=col, io=flows,
                                  traded_only=not all_industries, title=title)
                status.update("monitor: writing")
                write_text_atomic(out, html, force=force)
            con.print(f"wrote {out} ({len(html) / 1024:.0f} KiB)")

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
        no_filters: Annotated[bool, typer.Option("--no-filters", help="Skip the Atlas country filters (population, exports, exclusions, product share).")] = False,
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
                                threshold=threshold, method=method.value, filters="none" if no_filters else "auto")
            from ._common import console

            con = console()
            for f in res.attrs.get("filters", []):
                n = len(f.get("dropped_locations", f.get("dropped_activities", [])))
                con.print(f"filter: {f['rule']}" + (f" ({n} dropped)" if n else ""), markup=False, highlight=False)
            diag = res.attrs.get("diagnostics", {})
            con.print(f"corr(ECI, diversity) = {diag.get('corr_eci_diversity', float('nan')):.2f}; eigen-gap = "
                      f"{diag.get('eigen_gap', float('nan')):.2f}", markup=False, highlight=False)
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
