"""Trade: a BACI-year CSV aggregated in DuckDB, and RCA per year on a 10-year parquet panel.

Data are generated in DuckDB with a fixed seed (hash-based, so identical on every
run and thread count): ~200 exporters, ~200 importers (no self-trade), ~5,000
HS6-like products, lognormal values in thousand USD, padded quantities with 10 %
``NA`` and a BACI country-code file, in the published BACI layout.

Rows printed:

* generation of the BACI CSV (setup, for reference);
* ``vc.trade.read(csv).matrix("exporter", "product")`` (validation scan included)
  vs ``pandas.read_csv`` + ``pivot_table`` (issue 3 target: < 10 s at 10 million
  rows on 2 cores);
* the same matrix after ``to_parquet`` (query in place);
* generation of a 10-year panel as a folder of per-year parquet files
  (``COPY (SELECT ... FROM range(n)) TO 'year_YYYY.parquet'``);
* RCA per year computed in DuckDB (``tt.rca(year=y)`` for every year) over the
  panel (issue 10 target: < 5 min and < 6 GB at ~100 million rows), vs pandas
  (read one year's parquet + groupby) for one year, scaled to all years.

Quick mode: 1 million rows and a 3-year panel of 1 million rows per year.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from bench._util import measure, row

N_EXP, N_IMP, N_PROD = 200, 199, 5000  # importer index excludes the exporter itself (200 countries)
PRIME = 1_000_003  # coprime with N_EXP * N_IMP * N_PROD: row r -> a distinct (i, j, k) triple
SEED = 20240501


def _rows_sql(n_rows: int, year: int, seed: int = SEED) -> str:
    """SELECT of *n_rows* distinct BACI flows (numeric codes) for one year."""
    m = N_EXP * N_IMP * N_PROD
    off = (seed * 7919 + year * 104_729) % m
    u = "((hash(r * 4 + {s}, {seed}) >> 11)::DOUBLE + 0.5) / 9007199254740992.0"
    u1, u2, u3 = (u.format(s=s, seed=seed + year) for s in (1, 2, 3))
    return f"""
        SELECT {year} AS t, i, j, k,
               exp(1.0 + 2.2 * sqrt(-2 * ln({u1})) * cos(2 * pi() * {u2})) AS v,
               {u3} AS u3
        FROM (SELECT r, (r * {PRIME} + {off}) % {m} AS c FROM range({n_rows}) t(r)) s,
             LATERAL (SELECT (c // ({N_IMP * N_PROD})) AS ii, (c // {N_PROD}) % {N_IMP} AS jj, c % {N_PROD} AS kk) x,
             LATERAL (SELECT 4 + 4 * ii AS i, 4 + 4 * ((ii + 1 + jj) % {N_EXP}) AS j,
                             10101 + 190 * kk AS k) y"""


def _iso(idx: int) -> str:
    return "".join(chr(65 + d) for d in (idx // 676 % 26, idx // 26 % 26, idx % 26))


def write_country_codes(folder: Path) -> Path:
    lines = ["country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha"]
    for n in range(N_EXP):
        lines.append(f"{4 + 4 * n},Country {n},Country {n},{_iso(n)[1:]},{_iso(n)}")
    p = folder / "country_codes_V202301.csv"
    p.write_text("\n".join(lines) + "\n")
    return p


def generate_baci_csv(folder: Path, n_rows: int, year: int = 2021) -> Path:
    """A BACI-layout CSV (header t,i,j,k,v,q; padded q with 10 % NA) of *n_rows* flows."""
    import duckdb

    path = folder / f"BACI_HS92_Y{year}_V202301.csv"
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false; SET preserve_insertion_order = false")
    con.execute(f"""COPY (SELECT t, i, j, k, round(v, 3) AS v,
                         CASE WHEN u3 < 0.1 THEN lpad('NA', 15, ' ')
                              ELSE lpad(printf('%.3f', v * (0.2 + u3)), 15, ' ') END AS q
                         FROM ({_rows_sql(n_rows, year)}))
                    TO '{path}' (FORMAT csv, HEADER true, QUOTE '"')""")
    con.close()
    write_country_codes(folder)
    return path


def generate_panel(folder: Path, n_rows: int, years: list[int]) -> Path:
    """A folder of per-year parquet files in valuechain's trade layout (ISO3-like labels)."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false; SET preserve_insertion_order = false")
    iso = ("chr(CAST(65 + ({x} // 676) % 26 AS INTEGER)) || chr(CAST(65 + ({x} // 26) % 26 AS INTEGER)) "
           "|| chr(CAST(65 + {x} % 26 AS INTEGER))")
    for y in years:
        con.execute(f"""COPY (SELECT CAST(t AS INTEGER) AS year,
                                     {iso.format(x='((i - 4) // 4)')} AS exporter,
                                     {iso.format(x='((j - 4) // 4)')} AS importer,
                                     lpad(CAST(k AS VARCHAR), 6, '0') AS product,
                                     v AS value, CASE WHEN u3 < 0.1 THEN NULL ELSE v * (0.2 + u3) END AS quantity
                              FROM ({_rows_sql(n_rows, y)}))
                        TO '{folder / f"year_{y}.parquet"}' (FORMAT parquet, COMPRESSION zstd)""")
    con.close()
    (folder / "_meta.json").write_text('{"format": "valuechain.trade/1", "meta": {"name": "synthetic BACI panel", '
                                       '"unit": "thousand USD", "source": "synthetic"}, "quantity_unit": "tonnes", '
                                       '"columns": ["year", "exporter", "importer", "product", "value", "quantity"], '
                                       '"product_width": 6}')
    return folder


def _warm() -> None:
    """Setup of each measurement: import the libraries so imports are not timed (either side)."""
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401

    import valuechain  # noqa: F401
    import valuechain.datasets.baci  # noqa: F401
    import valuechain.trade  # noqa: F401


def run(quick: bool = False) -> list[dict]:
    n_year = 1_000_000 if quick else 10_000_000
    panel_years = list(range(2012, 2015)) if quick else list(range(2012, 2022))
    tmp = Path(tempfile.mkdtemp(prefix="vc_bench_trade_", dir=os.environ.get("VC_BENCH_TMP")))
    rows = []
    try:
        csv_path = tmp / "BACI_HS92_Y2021_V202301.csv"
        r_gen = measure(lambda: generate_baci_csv(tmp, n_year).stat().st_size)
        size_mb = csv_path.stat().st_size / 2**20 if csv_path.exists() else float("nan")
        rows.append(row("generate BACI CSV (DuckDB COPY)", f"{n_year:,} rows", r_gen,
                        note=f"{size_mb:.0f} MB csv; setup"))

        def ours(_=None):
            import valuechain as vc

            m = vc.trade.read(csv_path, format="baci").matrix("exporter", "product")
            return m.shape, round(float(m.to_numpy().sum()), 0)

        def ours_novalidate(_=None):
            import valuechain as vc

            m = vc.trade.read(csv_path, format="baci", validate=False).matrix("exporter", "product")
            return m.shape, round(float(m.to_numpy().sum()), 0)

        def pandas_pivot(_=None):
            import pandas as pd

            df = pd.read_csv(csv_path, usecols=["i", "k", "v"])
            m = df.pivot_table(index="i", columns="k", values="v", aggfunc="sum", fill_value=0.0)
            return m.shape, round(float(m.to_numpy().sum()), 0)

        r_ours = measure(ours, _warm)
        r_pd = measure(pandas_pivot, _warm)
        rows.append(row("read(BACI csv).matrix(exporter, product)", f"{n_year:,} rows", r_ours,
                        "pandas read_csv + pivot_table", r_pd, note=f"target < 10 s; validation scan incl.; {r_ours[2]}"))
        r_nv = measure(ours_novalidate, _warm)
        rows.append(row("  same, validate=False", f"{n_year:,} rows", r_nv, "pandas read_csv + pivot_table", r_pd))

        pq = tmp / "baci2021.parquet"

        def convert(_=None):
            import valuechain as vc

            vc.trade.read(csv_path, format="baci", validate=False).to_parquet(pq)
            return round(pq.stat().st_size / 2**20, 1)

        rows.append(row("to_parquet (once)", f"{n_year:,} rows", measure(convert, _warm)))

        def ours_pq(_=None):
            import valuechain as vc

            m = vc.trade.read(pq).matrix("exporter", "product")
            return m.shape

        rows.append(row("read(parquet).matrix(exporter, product)", f"{n_year:,} rows", measure(ours_pq, _warm),
                        "pandas read_csv + pivot_table", r_pd))
        csv_path.unlink(missing_ok=True)
        pq.unlink(missing_ok=True)

        panel = tmp / "panel"
        total = n_year * len(panel_years)
        r_gp = measure(lambda: str(generate_panel(panel, n_year, panel_years)))
        rows.append(row("generate parquet panel (DuckDB COPY)", f"{len(panel_years)} y x {n_year:,}", r_gp,
                        note="setup"))

        def rca_all(_=None):
            import valuechain as vc

            tt = vc.trade.read(panel, format="parquet")
            out = 0
            for y in tt.years:
                r = tt.rca(year=y)
                out += int((r.to_numpy() >= 1).sum())
            return len(tt.years), out

        def pandas_rca_one(_=None):
            import pandas as pd

            df = pd.read_parquet(panel / f"year_{panel_years[0]}.parquet", columns=["exporter", "product", "value"])
            x = df.groupby(["exporter", "product"], observed=True)["value"].sum().unstack(fill_value=0.0)
            xc = x.sum(axis=1)
            xp = x.sum(axis=0)
            rca = x.div(xc, axis=0).div(xp / xp.sum(), axis=1)
            return int((rca.to_numpy() >= 1).sum())

        r_rca = measure(rca_all, _warm)
        r_prca = measure(pandas_rca_one, _warm)
        scaled = (r_prca[0] * len(panel_years), r_prca[1], r_prca[2])
        rows.append(row("panel RCA per year (DuckDB, in place)", f"{total:,} rows", r_rca,
                        f"pandas per-year RCA x{len(panel_years)} (1 year timed)", scaled,
                        note=f"target < 300 s, < 6 GB; {r_rca[2]}"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows
