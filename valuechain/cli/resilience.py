"""``valuechain shock``, ``valuechain resilience`` and ``valuechain dependencies``."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import (DatasetOpt, ForceOpt, FormatOpt, OutOpt, RawOpt, TableOpt, TopOpt, YearOpt, check_out,
                      cli_errors, load_table, print_frame, split, write_output)

SAMPLE = ("comtrade_eu_wood_comtradr", "data_eu_imports_2018_2022.csv.gz")


class ShockModel(str, Enum):
    demand = "demand"
    supply = "supply"
    inoperability = "inoperability"


class Per(str, Enum):
    node = "node"
    region = "region"
    sector = "sector"


class Analysis(str, Enum):
    systemic = "systemic"
    removal = "removal"


class Order(str, Enum):
    random = "random"
    strength = "strength"
    pagerank = "pagerank"
    betweenness = "betweenness"
    extraction = "extraction"


def _sample_path() -> Path:
    base = Path(os.environ.get("VALUECHAIN_SHARED", Path(__file__).resolve().parents[3] / "shared"))
    return base.joinpath("data", *SAMPLE)


def _read_trade(path: Path):
    """A DataFrame (canonical or UN Comtrade CSV columns) or a TradeTable for other layouts."""
    import pandas as pd

    from ..errors import ReadError

    if not path.exists():
        raise ReadError(f"{path}: no such file.")
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
        try:
            head = pd.read_csv(path, nrows=0, sep=None if name.endswith(".txt") else ("\t" if ".tsv" in name else ","),
                               engine="python" if name.endswith(".txt") else "c")
        except Exception as exc:  # pandas raises several types
            raise ReadError(f"{path}: not a readable CSV file ({exc}).") from exc
        cols = set(head.columns)
        if {"reporter_iso", "partner_iso", "cmd_code", "primary_value", "ref_year"} <= cols or \
                {"year", "exporter", "importer", "product", "value"} <= cols:
            text = {c: str for c in ("cmd_code", "product", "exporter", "importer", "reporter_iso", "partner_iso")}
            return pd.read_csv(path, dtype={c: t for c, t in text.items() if c in cols},
                               sep="\t" if ".tsv" in name else ",")
    from .. import trade

    return trade.read(path)


def register(app: typer.Typer) -> None:
    @app.command()
    def shock(
        model: ShockModel = typer.Argument(ShockModel.demand, help="demand (Leontief), supply (Ghosh) or inoperability (IIM); price and tariff run the price models (see shock-price, shock-tariff)."),
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        regions: Annotated[Optional[str], typer.Option("--regions", help="Comma-separated shocked regions (default: all).")] = None,
        sectors: Annotated[Optional[str], typer.Option("--sectors", help="Comma-separated shocked sectors (default: all).")] = None,
        share: Annotated[float, typer.Option("--share", help="Reduction as a share of final demand (demand, inoperability) or value added (supply).")] = 0.1,
        per: Annotated[Per, typer.Option("--per", help="Report losses per node, region or sector.")] = Per.region,
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Propagate a demand, supply or inoperability shock to a group of nodes and print the losses.

        Example: valuechain shock demand --dataset testmrio --regions reg1 --share 0.2
        """
        from .. import resilience as res
        from .._validation import check_number
        from ..errors import LabelError

        with cli_errors():
            check_out(out, force=force)
            check_number(share, "--share", "shock", low=-1.0, high=1.0)
            t = load_table(dataset, table, year, fmt)
            mask = [True] * t.n
            for level, wanted in (("region", split(regions)), ("sector", split(sectors))):
                if wanted is None:
                    continue
                labels = t.nodes.get_level_values(level)
                unknown = [w for w in wanted if w not in set(labels)]
                if unknown:
                    raise LabelError(f"shock: unknown {level}(s) {unknown}; the table has {list(labels.unique()[:10])}.")
                mask = [m and lab in wanted for m, lab in zip(mask, labels)]
            nodes = [n for n, m in zip(t.nodes, mask) if m]
            if not nodes:
                raise LabelError("shock: the selected regions and sectors contain no node.")
            channel = "supply" if model is ShockModel.supply else "demand"
            sc = res.Scenario(**{channel: {n: share for n in nodes}}, by="node", kind="share",
                              name=f"{model.value} {share:g}")
            fn = {"demand": res.demand_shock, "supply": res.supply_shock, "inoperability": res.inoperability}[model.value]
            r = fn(t, sc)
            df = r.nodes if per is Per.node else (r.by_region if per is Per.region else r.by_sector)
            cols = [c for c in ("output", "output_loss", "output_loss_share", "value_added_loss",
                                "value_added_loss_share", "inoperability") if c in df.columns]
            tot = r.total
            print_frame(df[cols], title=f"{model.value} shock — {t.meta.name}: total output loss "
                        f"{tot['output_loss']:,.4g} ({tot['output_loss_share']:.2%})", top=top, sort="output_loss")
            write_output(df, out, force=force, raw=raw)

    @app.command()
    def resilience(
        analysis: Analysis = typer.Argument(Analysis.systemic, help="systemic (risk ranking) or removal (robustness curve)."),
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        model: Annotated[Optional[str], typer.Option("--model", help="Systemic-risk production rule: linear (default), leontief (hypothetical complete-failure cascade on essential inputs) or graded (needs ratings; library only).")] = None,
        essential: Annotated[Optional[float], typer.Option("--essential", help="Input share above which an input is essential (systemic, --model leontief; default 0.05).")] = None,
        order: Annotated[Order, typer.Option("--order", help="Removal order (removal).")] = Order.random,
        steps: Annotated[int, typer.Option("--steps", help="Removal steps (removal).")] = 20,
        draws: Annotated[int, typer.Option("--draws", help="Random draws (removal, order random).")] = 10,
        seed: Annotated[int, typer.Option("--seed", help="Random seed (removal).")] = 0,
        scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Run the systemic-risk batches on Dask: 'local' or tcp://host:port (default: serial).")] = None,
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Rank nodes by systemic risk (output share lost if each fails) or print a removal curve.

        Example: valuechain resilience systemic --dataset testmrio --top 10
        """
        from .. import resilience as res
        from .._validation import check_number

        with cli_errors():
            check_out(out, force=force)
            t = load_table(dataset, table, year, fmt)
            if analysis is Analysis.systemic:
                if essential is not None:
                    check_number(essential, "--essential", "resilience", low=0.0, high=1.0)
                from .. import _config

                before = _config.current().scheduler
                if scheduler is not None:
                    _config.config(scheduler=scheduler)
                try:
                    s = res.systemic_risk(t, model=model, essential=essential)
                finally:
                    _config.config(scheduler=before)
                df = s.to_frame()
                df["rank"] = s.rank(ascending=False, method="min").astype(int)
                print_frame(df, title=f"systemic risk — {t.meta.name}", top=top, sort="systemic_risk")
            else:
                df = res.removal_curve(t, order.value, steps=steps, n_draws=draws, seed=seed)
                print_frame(df, title=f"removal curve ({order.value}) — {t.meta.name}: AUC output "
                            f"{df.attrs['auc_output']:.4f}, AUC SCC {df.attrs['auc_scc']:.4f}", top=max(top, steps + 1))
            write_output(df, out, force=force, raw=raw)

    @app.command()
    def dependencies(
        trade: Annotated[Optional[Path], typer.Option("--trade", help="Trade file: canonical long CSV/parquet, UN Comtrade CSV, or any layout vc.trade.read accepts.")] = None,
        sample: Annotated[bool, typer.Option("--sample", help="Use the shared UN Comtrade EU-27 wood sample (../shared/data).")] = False,
        bloc: Annotated[str, typer.Option("--bloc", help="EU27 or comma-separated country codes.")] = "EU27",
        hhi: Annotated[float, typer.Option("--hhi", help="HHI threshold.")] = 0.4,
        share: Annotated[float, typer.Option("--share", help="Extra-bloc import share threshold.")] = 0.5,
        ratio: Annotated[float, typer.Option("--ratio", help="Imports / bloc exports threshold.")] = 1.0,
        year: YearOpt = None,
        dependent_only: Annotated[bool, typer.Option("--dependent-only", help="Print only products flagged dependent.")] = False,
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Screen a bloc's imports for strategic dependencies (HHI, extra-bloc share, imports/exports).

        Example: valuechain dependencies --sample --bloc EU27 --year 2020
        """
        from .. import resilience as res
        from ..errors import ParameterError

        with cli_errors():
            check_out(out, force=force)
            if (trade is None) == (not sample):
                raise ParameterError("Give either --trade FILE or --sample (not both, not neither).")
            data = _read_trade(_sample_path() if sample else trade)
            members = bloc if bloc.upper() in ("EU27", "EU") else split(bloc)
            df = res.dependencies(data, bloc=members.upper() if isinstance(members, str) else members,
                                  hhi=hhi, share=share, ratio=ratio, years=[year] if year else None)
            shown = df[df["dependent"]] if dependent_only else df
            print_frame(shown.drop(columns=["hhi_flag", "share_flag", "ratio_flag"]),
                        title=f"dependencies — {int(df['dependent'].sum())} of {len(df)} product-years flagged",
                        top=top, sort="hhi")
            write_output(df, out, force=force, raw=raw)
