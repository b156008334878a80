"""``valuechain shock-price`` and ``valuechain shock-tariff``: cost-push prices and cumulative tariffs.

``shock`` is one command whose argument picks a quantity model (demand, supply,
inoperability); the price models take different options (cost sources, fixed
prices, tariff files), so they are two sibling commands next to it.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from ._common import (DatasetOpt, ForceOpt, FormatOpt, OutOpt, RawOpt, TableOpt, TopOpt, YearOpt, check_out,
                      cli_errors, load_table, print_frame, reading, write_output)


class PriceOut(str, Enum):
    nodes = "nodes"
    final_demand = "final_demand"
    contributions = "contributions"


class TariffOut(str, Enum):
    nodes = "nodes"
    regions = "regions"
    levying = "levying"


def _pairs(values: Optional[List[str]], option: str) -> dict[str, float]:
    """``KEY=+0.10`` items as a dict (the value after the last '=')."""
    from ..errors import ParameterError

    out: dict[str, float] = {}
    for item in values or []:
        key, sep, val = item.rpartition("=")
        key = key.strip()
        try:
            num = float(val)
        except ValueError:
            num = None
        if not sep or not key or num is None:
            raise ParameterError(f"The '{option}' option must be KEY=CHANGE (e.g. {option} imports=+0.10). "
                                 f"Got {item!r} instead.")
        if key in out:
            raise ParameterError(f"The '{option}' option names {key!r} twice.")
        out[key] = num
    return out


def _read_tariffs(path: Path):
    import pandas as pd

    from ..errors import ReadError

    if not path.exists():
        raise ReadError(f"{path}: no such file.")
    with reading(path):
        name = path.name.lower()
        if name.endswith(".parquet"):
            df = pd.read_parquet(path)
        else:
            df = pd.read_csv(path, sep="\t" if ".tsv" in name else ",", dtype={"importer": str, "exporter": str,
                                                                               "sector": str})
    need = {"importer", "exporter"}
    cols = {str(c).lower() for c in df.columns}
    if not need <= cols or not ({"rate", "tariff"} & cols):
        raise ReadError(f"{path}: a tariff file needs columns importer, exporter, rate (or tariff) and optionally "
                        f"sector; found {sorted(map(str, df.columns))}.")
    return df


def register(app: typer.Typer) -> None:
    @app.command("shock-price")
    def shock_price(
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        cost: Annotated[Optional[List[str]], typer.Option("--cost", help="SOURCE=CHANGE: relative change of a primary-input cost for every node (kind value_added, imports, taxes, other, or a component of V such as wages); repeatable.")] = None,
        fix_price: Annotated[Optional[List[str]], typer.Option("--fix-price", help="NODE=CHANGE: exogenous relative price change of a node (REGION/SECTOR, or a sector name: that sector in every region); repeatable.")] = None,
        passthrough: Annotated[float, typer.Option("--passthrough", help="Share in [0, 1] of each primary-cost change passed on to prices.")] = 1.0,
        result: Annotated[PriceOut, typer.Option("--result", help="What --out writes: nodes, final_demand or contributions.")] = PriceOut.nodes,
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Leontief cost-push prices: node prices and the consumer-price impact of each final-demand category.

        Example: valuechain shock-price --dataset brazil --year 2021 --fix-price "Electricity & gas=+0.6"
        """
        from .. import resilience as res

        with cli_errors():
            check_out(out, force=force)
            costs, fixed = _pairs(cost, "--cost"), _pairs(fix_price, "--fix-price")
            t = load_table(dataset, table, year, fmt)
            r = res.price_shock(t, cost=costs or None, fixed=fixed or None, passthrough=passthrough)
            fd = r.final_demand[["value", "cost_change", "cost_increase", "from_prices", "from_direct"]]
            applied = ", ".join([f"{k} {v:+g}" for k, v in costs.items()] + [f"{k} price {v:+g}" for k, v in fixed.items()])
            print_frame(fd, title=f"price shock — {t.meta.name}: {applied}; cost increase by final-demand category",
                        top=max(top, len(fd)))
            nodes = r.nodes[["price", "price_change", "cost_shock", "implied_value_added_change"]]
            print_frame(nodes, title="prices by node (1 = unchanged)", top=top, sort="price_change")
            df = {"nodes": r.nodes.join(r.contributions.add_prefix("from ")), "final_demand":
                  r.final_demand.join(r.final_demand_contributions.add_prefix("from ")),
                  "contributions": r.contributions}[result.value]
            write_output(df, out, force=force, raw=raw)

    @app.command("shock-tariff")
    def shock_tariff(
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        tariffs: Annotated[Optional[Path], typer.Option("--tariffs", help="CSV/parquet file with columns importer, exporter, rate (or tariff) and optionally sector ('*' = all).")] = None,
        tariff: Annotated[Optional[List[str]], typer.Option("--tariff", help="EXPORTER=RATE: tariff every other region levies on an exporter region's output; repeatable.")] = None,
        result: Annotated[TariffOut, typer.Option("--result", help="What --out writes: nodes, regions or levying (by levying country).")] = TariffOut.regions,
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """Cumulative tariffs along value chains (compounding): burden on each region's exports and final goods.

        Example: valuechain shock-tariff --dataset testmrio --tariff reg2=0.10
        """
        import pandas as pd

        from .. import resilience as res
        from ..errors import ParameterError

        with cli_errors():
            check_out(out, force=force)
            pairs = _pairs(tariff, "--tariff")
            if (tariffs is None) == (not pairs):
                raise ParameterError("Give either --tariffs FILE or --tariff EXPORTER=RATE (not both, not neither).")
            spec = _read_tariffs(tariffs) if tariffs is not None else pd.Series(pairs)
            t = load_table(dataset, table, year, fmt)
            r = res.tariff_shock(t, spec)
            print_frame(r.regions, title=f"cumulative tariffs — {t.meta.name}: burden per unit of exports and of "
                        "final demand", top=top, sort="exports_tariff_total")
            print_frame(r.nodes[["price", "cumulative_tariff", "direct", "indirect", "foreign_share", "compounding"]],
                        title="cumulative tariff by node", top=top, sort="cumulative_tariff")
            df = {"nodes": r.nodes, "regions": r.regions, "levying": r.by_levying}[result.value]
            write_output(df, out, force=force, raw=raw)
