"""Multi-regional readers: ICIO, WIOD (WIOT + R-data), FIGARO, EXIOBASE 3, Eora26, generic.

Each reader is checked on a tiny fixture written in its published layout
(tests/_mrio_fixtures.py) against the arrays the fixture was built from, and
WIOD 2013 on the real R-data files of ../shared/data (oracle: the file itself,
read with the `rdata` package directly).
"""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from _mrio_fixtures import (ICIO_FD, balanced, icio_rows, write_eora, write_figaro, write_icio, write_wiot, _csv)
from conftest import shared_data

# --------------------------------------------------------------------------- ICIO


@pytest.mark.parametrize("edition,corner,fname", [("2021", "", "ICIO2021_2018.csv"),
                                                  ("2023", "V1", "2018_SML.csv"),
                                                  ("2025", "V1", "2022_SML.csv")])
def test_icio_editions(tmp_path, edition, corner, fname):
    p = tmp_path / fname
    o = write_icio(p, edition, corner=corner)
    t = vc.datasets.read(p, format="icio")
    regions, sectors = o["regions"], o["sectors"]
    assert list(t.nodes) == [(r, s) for r in regions for s in sectors]
    np.testing.assert_array_equal(t.Z.to_numpy(), o["Z"])
    np.testing.assert_array_equal(t.Y.to_numpy(), o["Y"])
    np.testing.assert_array_equal(t.V.to_numpy(), o["V"])
    np.testing.assert_array_equal(t.x.to_numpy(), o["x"])
    assert list(t.Y.columns) == [(r, c) for r in regions for c in ICIO_FD]
    assert list(t.V.index) == [("taxes", "TLS"), ("value_added", "VA")]
    assert t.meta.year == {"2021": 2018, "2023": 2018, "2025": 2022}[edition]
    assert t.meta.unit == "USD million"
    assert f"{edition} edition" in t.meta.source


def test_icio_merges_china_mexico_splits(tmp_path):
    """2023 layout: CN1/CN2 and MX1/MX2 rows and columns, final demand by CHN/MEX."""
    regions = ["AUS", "CN1", "CN2", "MX1", "MX2", "ROW"]
    fd_regions = ["AUS", "CHN", "MEX", "ROW"]
    p = tmp_path / "2020_SML.csv"
    o = write_icio(p, "2023", regions, fd_regions=fd_regions, seed=5)
    t = vc.datasets.read(p, format="icio")
    assert list(t.regions) == ["AUS", "CHN", "MEX", "ROW"]
    # oracle: aggregate the fixture arrays with pandas groupby
    sectors = o["sectors"]
    target = [{"CN1": "CHN", "CN2": "CHN", "MX1": "MEX", "MX2": "MEX"}.get(r, r) for r in regions for _ in sectors]
    keys = pd.MultiIndex.from_arrays([target, [s for _ in regions for s in sectors]])
    Zdf = pd.DataFrame(o["Z"], index=keys, columns=keys)
    Zagg = Zdf.T.groupby(level=[0, 1], sort=False).sum().T.groupby(level=[0, 1], sort=False).sum()
    np.testing.assert_allclose(t.Z.to_numpy(), Zagg.to_numpy())
    Yagg = pd.DataFrame(o["Y"], index=keys).groupby(level=[0, 1], sort=False).sum()
    np.testing.assert_allclose(t.Y.to_numpy(), Yagg.to_numpy())
    assert t.x.sum() == pytest.approx(o["x"].sum())
    assert any("merged split regions" in h for h in t.meta.history)
    kept = vc.datasets.read(p, format="icio", merge_splits=False)
    assert list(kept.regions) == regions
    np.testing.assert_array_equal(kept.Z.to_numpy(), o["Z"])


def test_icio_tls_on_final_demand_recorded(tmp_path):
    p = tmp_path / "2019_SML.csv"
    tls = np.arange(18, dtype=float)
    write_icio(p, "2023", tls_fd=tls)
    t = vc.datasets.read(p, format="icio")
    # taxes less subsidies on final products are kept in VY, and GDP includes them
    assert t.primary_inputs("taxes", final_demand=True).sum() == pytest.approx(tls.sum())
    expected = t.v.sum() + t.primary_inputs("taxes").sum() + tls.sum()
    assert t.gdp.sum() == pytest.approx(expected)


def test_icio_zip_member_by_year(tmp_path):
    for y in (2019, 2020):
        write_icio(tmp_path / f"{y}_SML.csv", "2023", seed=y)
    z = tmp_path / "ICIO_2016-2020.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for y in (2019, 2020):
            zf.write(tmp_path / f"{y}_SML.csv", f"{y}_SML.csv")
    t = vc.datasets.read(z, format="icio", year=2020)
    ref = vc.datasets.read(tmp_path / "2020_SML.csv", format="icio")
    assert t.meta.year == 2020
    np.testing.assert_array_equal(t.Z.to_numpy(), ref.Z.to_numpy())
    with pytest.raises(vc.ReadError, match="member="):
        vc.datasets.read(z, format="icio")


def test_icio_empty_cells_read_as_zero(tmp_path):
    p = tmp_path / "2018_SML.csv"
    write_icio(p, "2023")
    lines = p.read_text().splitlines()
    cells = lines[1].split(",")
    assert cells[1] != ""
    z0 = float(cells[1])
    cells[1] = ""
    lines[1] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")
    t = vc.datasets.read(p, format="icio", rtol=1.0)  # the emptied flow unbalances that row on purpose
    assert t.Z.iloc[0, 0] == 0.0 and z0 > 0


# --------------------------------------------------------------------------- WIOD


@pytest.mark.parametrize("release", ["2013", "2016"])
def test_wiot_workbook(tmp_path, release):
    p = tmp_path / ("wiot11_row_sep12.xlsx" if release == "2013" else "WIOT2014_Nov16_ROW.xlsx")
    o = write_wiot(p, release, year=2011 if release == "2013" else 2014, fd_codes_row=(release == "2016"))
    t = vc.datasets.read(p, format=f"wiod{release}")
    assert list(t.nodes) == o["nodes"]
    np.testing.assert_array_equal(t.Z.to_numpy(), o["Z"])
    np.testing.assert_array_equal(t.Y.to_numpy(), o["Y"])
    np.testing.assert_array_equal(t.x.to_numpy(), o["x"])
    np.testing.assert_allclose(t.V.to_numpy(), o["V"], rtol=1e-12)
    assert list(t.Y.columns) == o["fd"]  # 2013 fixture has no FD codes: mapped from c37..c42
    assert t.V.index.get_level_values("component").tolist() == o["va"]
    kinds = dict(zip(t.V.index.get_level_values("component"), t.V.index.get_level_values("kind")))
    assert kinds[o["va"][0]] == "taxes" and kinds[o["va"][-1]] == "value_added"  # TXSP / r61, VA / r99
    assert t.meta.year == (2011 if release == "2013" else 2014)
    if release == "2013":
        isic = vc.datasets.read(p, format="wiod2013", sector_codes="isic")
        assert list(isic.nodes) == o["nodes_isic"]


@pytest.mark.parametrize("year,world_output", [(1995, 55_182_318.0), (2011, 141_767_904.0)])
def test_wiod2013_rdata_real(year, world_output):
    folder = shared_data("wiod2013")
    import warnings

    import rdata

    from valuechain.datasets.wiod import wiod2013_rdata

    t = wiod2013_rdata(year, folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = rdata.read_rda(str(folder / f"wiot_{year}.RData"))[f"wiot_{year}"]
    inter = np.asarray(raw["inter"], dtype=float)
    final = np.asarray(raw["final"], dtype=float)
    out = np.asarray(raw["output"], dtype=float)
    assert t.n == 1435 and len(t.regions) == 41 and len(t.sectors) == 35
    assert t.regions[0] == "AUS" and t.regions[-1] == "RoW" and t.sectors[0] == "c1"
    assert t.meta.year == year and t.meta.unit == "USD million"
    np.testing.assert_array_equal(t.Z.to_numpy(), inter)
    cats = t.Y.columns.get_level_values("category")
    np.testing.assert_array_equal(t.Y.loc[:, cats != "rounding_residual"].to_numpy(), final)
    # labels as users and pymrio know them: ISO3 regions, c-codes with names and NACE codes
    assert "ROU" in t.regions and "ROM" not in t.regions
    assert t.meta.names["nace"]["c1"] == "AtB" and t.meta.names["nace"]["c3"] == "15t16"
    assert t.meta.names["sector"]["c35"] == "Private Households with Employed Persons"
    assert set(t.Y.columns.get_level_values("region")) == set(t.regions)  # no pseudo-region
    assert t.gdp.isna().all() and "does not separate" in t.gdp.attrs["note"]
    # known total: world gross output as published in the file
    assert t.x.sum() == pytest.approx(world_output, rel=0, abs=0.5)
    np.testing.assert_array_equal(t.x.to_numpy(), out)
    # accounts: rows close through the rounding-residual column, which stays within the package's rounding
    R = t.Y.loc[:, cats == "rounding_residual"]
    node_region = t.nodes.get_level_values("region")
    # each node's residual sits in its own country's column (domestic final use), nowhere else
    assert all(R.loc[node_region != r, (r, "rounding_residual")].eq(0).all() for r in t.regions)
    resid = R.sum(axis=1).to_numpy()
    assert np.abs(resid).max() <= 110  # values rounded to integer USD million by the package author
    np.testing.assert_allclose(inter.sum(1) + final.sum(1) + resid, out)
    np.testing.assert_allclose(t.Z.sum(axis=0).to_numpy() + t.V.sum(axis=0).to_numpy(), out)
    assert (t.V.to_numpy() >= 0).all()
    # the dispatch reads the same file
    t2 = vc.datasets.read(folder / f"wiot_{year}.RData", format="wiod2013")
    np.testing.assert_array_equal(t2.Z.to_numpy(), t.Z.to_numpy())


# --------------------------------------------------------------------------- FIGARO


@pytest.mark.parametrize("pxp", [False, True])
def test_figaro_matrix(tmp_path, pxp):
    kind = "prod-by-prod" if pxp else "ind-by-ind"
    p = tmp_path / f"matrix_eu-ic-io_{kind}_24ed_2021.csv"
    o = write_figaro(p, pxp=pxp)
    t = vc.datasets.read(p, format="figaro")
    pre = "CPA_" if pxp else ""
    assert list(t.nodes)[:2] == [("AT", f"{pre}A01"), ("AT", f"{pre}C10T12")]
    assert t.regions[-1] == "FIGW1"
    np.testing.assert_array_equal(t.Z.to_numpy(), o["Z"])
    np.testing.assert_array_equal(t.Y.to_numpy(), o["Y"])
    np.testing.assert_allclose(t.x.to_numpy(), o["x"])
    np.testing.assert_allclose(t.V.to_numpy(), o["V"])
    assert list(t.V.index) == [("taxes", "D21X31"), ("value_added", "D1"), ("value_added", "B2A3G")]
    assert t.Y.columns[1] == ("AT", "P3_S14")
    assert t.meta.year == 2021 and t.meta.unit == "EUR million"
    assert t.meta.system == ("product-by-product" if pxp else "industry-by-industry")


# --------------------------------------------------------------------------- Eora26


@pytest.mark.parametrize("as_zip", [False, True])
def test_eora26(tmp_path, as_zip):
    target, o = write_eora(tmp_path / "eora", 2015, zip_name="Eora26_2015_bp.zip" if as_zip else None)
    t = vc.datasets.read(target, format="eora26")
    assert t.n == 4 and list(t.regions) == ["AUT", "BRA"]
    assert list(t.nodes)[0] == ("AUT", "Agriculture")
    np.testing.assert_array_equal(t.Z.to_numpy(), o["Z"][:4, :4])
    # the ROW discrepancy account is folded, so accounts still close and output is kept
    np.testing.assert_allclose(t.x.to_numpy(), o["x"][:4])
    disc = t.Y.columns.get_level_values("category") == "statistical discrepancy"
    assert list(t.Y.columns[disc]) == [("AUT", "statistical discrepancy"), ("BRA", "statistical discrepancy")]
    np.testing.assert_allclose(t.Y.loc[:, disc].sum(axis=1).to_numpy(), o["Z"][:4, 4] + o["Y"][:4, 4])
    assert t.Y.loc[("AUT", "Agriculture"), ("BRA", "statistical discrepancy")] == 0  # domestic column only
    assert t.V.index[-1] == ("other", "statistical discrepancy (ROW)")
    assert list(t.V.index[:2]) == [("value_added", "Compensation of employees D.1"),
                                   ("value_added", "Operating surplus B.2")]
    assert t.meta.year == 2015 and t.meta.unit == "USD thousand"
    kept = vc.datasets.read(target, format="eora26", fold_discrepancy=False)
    assert kept.n == 5


# --------------------------------------------------------------------------- EXIOBASE 3


def test_exiobase3_zip_via_pymrio(tmp_path):
    pymrio = pytest.importorskip("pymrio")
    io = pymrio.load_test().calc_all()
    folder = tmp_path / "IOT_2011_ixi"
    io.save_all(folder)
    z = tmp_path / "IOT_2011_ixi.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in folder.rglob("*"):
            if f.is_file():
                zf.write(f, str(f.relative_to(tmp_path)))
    t = vc.datasets.read(z, format="exiobase3")
    ref = pymrio.parse_exiobase3(z)
    ref.calc_all()
    np.testing.assert_allclose(t.Z.to_numpy(), ref.Z.to_numpy())
    np.testing.assert_allclose(t.x.to_numpy(), ref.x.to_numpy().ravel())
    assert t.meta.year == 2011 and t.meta.system == "industry-by-industry"
    assert t.n == 48
    # pymrio's emissions extension has (stressor, compartment) labels: one flat name each, values as published
    ext = t.extensions["emissions"]
    np.testing.assert_allclose(ext.F.to_numpy(), ref.emissions.F.to_numpy())
    assert list(ext.F.index) == [" - ".join(k) for k in ref.emissions.F.index]


# --------------------------------------------------------------------------- generic


def _mb_long_rows():
    return [["block", "row_region", "row_sector", "col_region", "col_sector", "value"],
            ["Z", "A", "s1", "A", "s1", "150"], ["Z", "A", "s1", "A", "s2", "500"],
            ["Z", "A", "s2", "A", "s1", "200"], ["Z", "A", "s2", "A", "s2", "100"],
            ["Y", "A", "s1", "A", "households", "350"], ["Y", "A", "s2", "A", "households", "1700"],
            ["V", "", "wages", "A", "s1", "650"], ["V", "", "wages", "A", "s2", "1400"]]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_generic_long(tmp_path, suffix):
    rows = _mb_long_rows()
    df = pd.DataFrame(rows[1:], columns=rows[0])
    df["value"] = df["value"].astype(float)
    p = tmp_path / f"mb{suffix}"
    if suffix == ".csv":
        p.write_text(_csv(rows))
    elif suffix == ".xlsx":
        df.to_excel(p, index=False)
    else:
        df.to_parquet(p)
    t = vc.datasets.read(p, format="generic", year=2000)
    mb = vc.datasets.load("miller_blair")  # textbook oracle (Miller & Blair 2009, table 2.3)
    np.testing.assert_allclose(t.Z.to_numpy(), mb.Z.to_numpy())
    np.testing.assert_allclose(t.x.to_numpy(), [1000.0, 2000.0])
    assert list(t.V.index) == [("value_added", "wages")] and t.meta.year == 2000


def test_generic_wide(tmp_path):
    rows = [["region", "sector", "A", "A", "B", "A", "B"],
            ["", "", "s1", "s2", "s1", "households", "households"],
            ["A", "s1", "10", "20", "5", "40", "25"],
            ["A", "s2", "5", "10", "5", "60", "20"],
            ["B", "s1", "1", "2", "3", "10", "14"],
            ["", "wages", "84", "68", "17", "", ""]]
    p = tmp_path / "wide.csv"
    p.write_text(_csv(rows))
    t = vc.datasets.read(p, format="generic")
    assert list(t.nodes) == [("A", "s1"), ("A", "s2"), ("B", "s1")]
    np.testing.assert_allclose(t.x.to_numpy(), [100.0, 100.0, 30.0])
    assert list(t.Y.columns) == [("A", "households"), ("B", "households")]
    assert t.primary_inputs("wages").tolist() == [84.0, 68.0, 17.0]


def test_readers_balance_identity_on_random_icio(tmp_path):
    """Read back a random table written in the ICIO layout: L·f = x (identity oracle)."""
    regions, sectors = ["AAA", "BBB"], ["A01", "B05"]
    Z, Y, V, x = balanced(4, 12, seed=9)
    p = tmp_path / "2015_SML.csv"
    p.write_text(_csv(icio_rows(regions, sectors, regions, Z, Y, V, x)))
    t = vc.datasets.read(p, format="icio")
    np.testing.assert_allclose(t.solve(t.f.to_numpy()), x, rtol=1e-9)
