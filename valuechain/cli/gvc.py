"""``valuechain gvc``: value added in trade, KWW / Borin-Mancini decompositions, participation, TiVA."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from ._common import (DatasetOpt, ForceOpt, FormatOpt, OutOpt, RawOpt, TableOpt, TopOpt, YearOpt, check_out,
                      cli_errors, load_table, print_frame, write_output)


class Measure(str, Enum):
    kww = "kww"
    bm = "bm"
    participation = "participation"
    tiva = "tiva"
    vax = "vax"
    length = "length"
    embodied = "embodied"


LevelOpt = Annotated[str, typer.Option("--level", "-l", help="kww/bm: country, sector, bilateral or bilateral_sector; participation: country or sector.")]
ApproachOpt = Annotated[str, typer.Option("--approach", help="bm: source or sink.")]

#: Column each table is ranked by (descending).
_SORT = {"kww": "exports", "bm": "GVC_share", "participation": "forward", "tiva": "EXGR_FVASH",
         "vax": "VAX_ratio", "length": "gvc_position", "embodied": None}

#: Columns printed (the full result goes to --out).
_SHOW = {
    "kww": ["exports", "VAX", "DDC", "FVA_FIN", "FVA_INT", "FDC", "gvc_participation", "gvc_position"],
    "bm": ["exports", "DVA", "DAVAX", "DDC", "FVA", "FDC", "GVC_share", "GVC_B_share", "GVC_F_share"],
    "participation": ["va", "y", "forward", "forward_simple", "forward_complex", "backward",
                      "backward_simple", "backward_complex"],
    "tiva": ["EXGR", "EXGR_DVASH", "EXGR_FVASH", "DEXFVAPSH", "FFD_DVA", "BALVAFD"],
    "vax": ["exports", "VAX", "VAX_ratio"],
    "length": ["upstreamness", "downstreamness", "PLv_GVC", "PLy_GVC", "gvc_position"],
    "embodied": None,
}


def register(app: typer.Typer) -> None:
    @app.command()
    def gvc(
        measure: Measure = typer.Argument(Measure.bm, help="Which GVC measure."),
        dataset: DatasetOpt = None,
        table: TableOpt = None,
        fmt: FormatOpt = "parquet",
        year: YearOpt = None,
        level: LevelOpt = "country",
        approach: ApproachOpt = "source",
        extension: Annotated[Optional[str], typer.Option("--extension", help="embodied: the satellite account (e.g. employment).")] = None,
        demand: Annotated[str, typer.Option("--demand", help="embodied: final (sustained by final demand) or exports (embodied in gross exports).")] = "final",
        by: Annotated[str, typer.Option("--by", help="embodied: destination, origin or product.")] = "destination",
        top: TopOpt = 20,
        out: OutOpt = None,
        force: ForceOpt = False,
        raw: RawOpt = False,
    ) -> None:
        """GVC accounting of a multi-regional table, printed as a ranked table.

        kww: Koopman-Wang-Wei 9 terms; bm: Borin-Mancini (exporter perspective) with GVC
        participation; participation: Wang-Wei-Yu-Zhu production-based shares; tiva:
        TiVA-style indicators; vax: value-added exports; length: production length and position.

        embodied (also for national tables): what final demand or exports embody of a satellite account.

        Example: valuechain gvc bm --dataset testmrio --level bilateral
        Example: valuechain gvc embodied --dataset brazil --extension employment --demand exports
        """
        from .. import gvc as g

        with cli_errors():
            check_out(out, force=force)
            t = load_table(dataset, table, year, fmt)
            m = measure.value
            if m == "kww":
                df = g.kww(t, level=level)
            elif m == "bm":
                df = g.borin_mancini(t, approach, level=level)
            elif m == "participation":
                df = g.participation(t, level=level)
            elif m == "tiva":
                df = g.tiva(t)
            elif m == "vax":
                df = g.vax(t, bilateral=level == "bilateral")
            elif m == "embodied":
                if extension is None:
                    from ..errors import ParameterError

                    raise ParameterError("gvc embodied needs --extension NAME (e.g. employment).")
                df = g.embodied(t, extension, demand=demand, by=by)
                df.columns = [" ".join(map(str, c)) if isinstance(c, tuple) else c for c in df.columns]
            else:
                df = g.production_length(t)
            title = f"{m} — {t.meta.name} {t.meta.year or ''} [{df.attrs.get('method', '')}]".strip()
            shown = df if _SHOW[m] is None else df[_SHOW[m]]
            print_frame(shown, title=title, top=top, sort=_SORT[m] or df.columns[0])
            write_output(df, out, force=force, raw=raw)
