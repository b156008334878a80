"""Supplier concentration, the EU strategic-dependency screen and single points of failure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import valuechain as vc
from conftest import shared_data
from valuechain.cli import app

res = vc.resilience


def toy_trade() -> pd.DataFrame:
    rows = [  # year, exporter, importer, product, value
        (2020, "CHN", "FRA", "p", 60.0), (2020, "CHN", "DEU", "p", 20.0), (2020, "USA", "FRA", "p", 10.0),
        (2020, "DEU", "FRA", "p", 10.0), (2020, "FRA", "DEU", "p", 5.0), (2020, "DEU", "USA", "p", 5.0),
        (2020, "USA", "FRA", "q", 5.0), (2020, "DEU", "FRA", "q", 50.0), (2020, "FRA", "CHN", "q", 100.0),
    ]
    return pd.DataFrame(rows, columns=["year", "exporter", "importer", "product", "value"])


def test_dependency_screen_by_hand():
    d = res.dependencies(toy_trade(), bloc=["DEU", "FRA"])
    p = d.loc[(2020, "p")]
    # extra-bloc imports of p: CHN 80, USA 10 -> HHI = (80/90)^2 + (10/90)^2
    assert p["extra_imports"] == 90.0 and p["total_imports"] == 105.0
    assert p["hhi"] == pytest.approx((80 / 90) ** 2 + (10 / 90) ** 2)
    assert p["extra_share"] == pytest.approx(90 / 105)
    assert p["bloc_exports"] == 20.0  # DEU->FRA 10, FRA->DEU 5, DEU->USA 5
    assert p["import_export_ratio"] == pytest.approx(4.5)
    assert p["top_supplier"] == "CHN" and p["top_share"] == pytest.approx(80 / 90)
    assert bool(p["dependent"])
    q = d.loc[(2020, "q")]
    assert q["extra_share"] == pytest.approx(5 / 55) and not q["share_flag"]
    assert q["import_export_ratio"] == pytest.approx(5 / 150) and not q["dependent"]
    # thresholds are parameters
    d2 = res.dependencies(toy_trade(), bloc=["DEU", "FRA"], hhi=0.9)
    assert not d2.loc[(2020, "p"), "dependent"]
    assert d.attrs["thresholds"] == {"hhi": 0.4, "share": 0.5, "ratio": 1.0}


def test_trade_table_input_gives_same_result():
    tt = vc.TradeTable.from_frame(toy_trade().assign(quantity=np.nan))
    a = res.dependencies(tt, bloc=["DEU", "FRA"])
    b = res.dependencies(toy_trade(), bloc=["DEU", "FRA"])
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)


def test_concentration_trade_and_io():
    c = res.concentration(toy_trade())
    fra = toy_trade().query("importer == 'FRA' and product == 'p'")
    shares = fra.groupby("exporter")["value"].sum() / fra["value"].sum()
    assert c.loc[(2020, "FRA", "p"), "hhi"] == pytest.approx(float((shares ** 2).sum()))
    assert c.loc[(2020, "FRA", "p"), "n_suppliers"] == 3
    # IO: buyer (B, s1) buys input s1 from A (30) and B (10) and input s2 only from A (20)
    nodes = pd.MultiIndex.from_product([["A", "B"], ["s1", "s2"]], names=["region", "sector"])
    Z = pd.DataFrame(0.0, index=nodes, columns=nodes)
    Z.loc[("A", "s1"), ("B", "s1")] = 30.0
    Z.loc[("B", "s1"), ("B", "s1")] = 10.0
    Z.loc[("A", "s2"), ("B", "s1")] = 20.0
    Z.loc[("A", "s1"), ("A", "s2")] = 5.0
    Y = pd.DataFrame(100.0, index=nodes, columns=pd.MultiIndex.from_tuples([("A", "hh"), ("B", "hh")],
                                                                          names=["region", "category"]))
    t = vc.IOTable(Z, Y)
    ci = res.concentration(t)
    assert ci.loc[("B", "s1", "s1"), "hhi"] == pytest.approx(0.75 ** 2 + 0.25 ** 2)
    assert ci.loc[("B", "s1", "s1"), "top_supplier"] == "A"
    assert ci.loc[("B", "s1", "s2"), "hhi"] == pytest.approx(1.0)
    cb = res.concentration(t, level="buyer")
    assert cb.loc[("B", "s1"), "hhi"] == pytest.approx((50 / 60) ** 2 + (10 / 60) ** 2)
    cd = res.concentration(t, exclude_domestic=True)
    assert cd.loc[("B", "s1", "s1"), "hhi"] == pytest.approx(1.0)
    spof = res.single_points_of_failure(t)
    got = set(map(tuple, spof[["region", "sector", "input_sector", "supplier"]].values.tolist()))
    assert got == {("B", "s1", "s2", "A"), ("A", "s2", "s1", "A")}
    # ignoring alternatives below 30 % makes A the single source of input s1 for (B, s1)
    spof2 = res.single_points_of_failure(t, min_share=0.3)
    assert ("B", "s1", "s1", "A") in set(map(tuple, spof2[["region", "sector", "input_sector", "supplier"]].values.tolist()))


def test_single_points_of_failure_trade():
    s = res.single_points_of_failure(toy_trade())
    got = set(map(tuple, s[["importer", "product", "supplier"]].values.tolist()))
    # FRA buys p from 3 and q from 2 exporters, DEU buys p from CHN and FRA: only two single sources
    assert got == {("USA", "p", "DEU"), ("CHN", "q", "FRA")}


def load_comtrade() -> pd.DataFrame:
    path = shared_data("comtrade_eu_wood_comtradr", "data_eu_imports_2018_2022.csv.gz")
    return pd.read_csv(path, dtype={"cmd_code": str, "reporter_iso": str, "partner_iso": str})


def test_comtrade_eu27_screen_runs():
    raw = load_comtrade()
    d = res.dependencies(raw, bloc="EU27")
    assert set(d.index.get_level_values("year")) == {2018, 2019, 2020, 2021, 2022}
    assert d.index.get_level_values("product").nunique() == raw["cmd_code"].nunique()
    for col in ("hhi", "extra_share", "import_export_ratio", "hhi_flag", "share_flag", "ratio_flag", "dependent"):
        assert col in d.columns
    assert d["hhi"].between(0, 1).all() and d["extra_share"].between(0, 1).all()
    assert d["dependent"].dtype == bool
    assert d["dependent"].equals(d["hhi_flag"] & d["share_flag"] & d["ratio_flag"])
    # independent check of one product-year with plain Python
    sub = raw[(raw["ref_year"] == 2020) & (raw["cmd_code"] == "4403")]
    eu = set(res.EU27)
    extra: dict[str, float] = {}
    total = 0.0
    for _, r in sub.iterrows():
        total += r["primary_value"]
        if r["partner_iso"].strip() not in eu:
            extra[r["partner_iso"].strip()] = extra.get(r["partner_iso"].strip(), 0.0) + r["primary_value"]
    e = sum(extra.values())
    hhi = sum((v / e) ** 2 for v in extra.values())
    row = d.loc[(2020, "4403")]
    assert row["hhi"] == pytest.approx(hhi, rel=1e-9)
    assert row["extra_share"] == pytest.approx(e / total, rel=1e-9)


def test_errors():
    with pytest.raises(vc.TableError, match="lacks column"):
        res.dependencies(pd.DataFrame({"a": [1]}), bloc=["X"])
    with pytest.raises(vc.TableError, match="no flow has an importer in the bloc"):
        res.dependencies(toy_trade(), bloc=["JPN"])
    with pytest.raises(vc.ParameterError, match="'hhi' parameter of dependencies"):
        res.dependencies(toy_trade(), bloc=["FRA"], hhi=-1)
    with pytest.raises(vc.ParameterError, match="'level' parameter of concentration"):
        res.concentration(toy_trade(), level="world")


def test_cli_dependencies(tmp_path):
    f = tmp_path / "trade.csv"
    toy_trade().to_csv(f, index=False)
    runner = CliRunner()
    r = runner.invoke(app, ["dependencies", "--trade", str(f), "--bloc", "DEU,FRA"])
    assert r.exit_code == 0, r.output
    assert "1 of 2 product-years flagged" in r.output
    out = tmp_path / "dep.csv"
    r = runner.invoke(app, ["dependencies", "--trade", str(f), "--bloc", "DEU,FRA", "--out", str(out)])
    assert r.exit_code == 0 and out.exists()
    bad = runner.invoke(app, ["dependencies", "--trade", str(tmp_path / "missing.csv")])
    assert bad.exit_code == 2
    assert "missing.csv" in bad.output and len(bad.output.strip().splitlines()) == 1
    both = runner.invoke(app, ["dependencies"])
    assert both.exit_code == 2


def test_cli_dependencies_sample():
    shared_data("comtrade_eu_wood_comtradr", "data_eu_imports_2018_2022.csv.gz")
    r = CliRunner().invoke(app, ["dependencies", "--sample", "--year", "2020", "--top", "3"])
    assert r.exit_code == 0, r.output
    assert "product-years flagged" in r.output
