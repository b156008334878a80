"""Regional cluster statistics: LQ, stars, KPIs, Herfindahl/Krugman, readers on the shared ABS and BEA files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from conftest import shared_data

# hand example: 2 regions x 3 industries, E = 200
#            cars  food  tech | E_r
#   north     40    10    50  | 100
#   south     10    70    20  | 100
#   E_c       50    80    70
E = pd.DataFrame({"cars": [40.0, 10.0], "food": [10.0, 70.0], "tech": [50.0, 20.0]}, index=["north", "south"])


def test_location_quotients_hand_example():
    lq = vc.clusters.location_quotients(E)
    # LQ(north, cars) = (40/100) / (50/200) = 1.6 ; LQ(south, food) = 0.7 / 0.4 = 1.75
    assert lq.loc[("north", "cars"), "lq"] == pytest.approx(1.6)
    assert lq.loc[("north", "food"), "lq"] == pytest.approx(0.1 / 0.4)
    assert lq.loc[("south", "food"), "lq"] == pytest.approx(1.75)
    assert lq.loc[("south", "tech"), "lq"] == pytest.approx(0.2 / 0.35)
    assert lq.loc[("north", "tech"), "focus"] == pytest.approx(0.5)
    assert lq.loc[("north", "tech"), "share"] == pytest.approx(50 / 70)
    assert list(lq.index.names) == ["region", "industry"]
    # identity: employment-weighted mean LQ of a region is 1 (Σ_c LQ_rc E_c/E = 1)
    w = lq["employment"].groupby(level="industry").transform("sum") / 200
    np.testing.assert_allclose((lq["lq"] * w).groupby(level="region").sum(), 1.0)


def test_location_quotients_long_multi_year_and_zero_rule():
    long = vc.clusters.tidy_activity(E).assign(year=2020)
    later = long.assign(year=2021, employment=long["employment"] * 2)
    empty = pd.DataFrame({"region": ["east"] * 3, "industry": ["cars", "food", "tech"], "year": 2021,
                          "employment": 0.0})
    panel = pd.concat([long, later, empty], ignore_index=True)
    before = panel.copy()
    lq = vc.clusters.location_quotients(panel)
    pd.testing.assert_frame_equal(panel, before)
    assert list(lq.index.names) == ["year", "region", "industry"]
    assert lq.loc[(2021, "north", "cars"), "lq"] == pytest.approx(1.6)  # scale-free
    assert (lq.xs((2021, "east"), level=("year", "region"))["lq"] == 0).all()  # zero-total region: LQ 0 by rule
    assert not lq["lq"].isna().any()


def _ten_regions():
    # 10 regions x 2 industries; r0 is big and specialised in cars
    cars = [100.0, 10, 12, 14, 16, 18, 20, 22, 24, 26]
    food = [100.0, 300, 290, 280, 270, 260, 250, 240, 230, 220]
    return pd.DataFrame({"cars": cars, "food": food}, index=[f"r{i}" for i in range(10)])


def test_stars_hand_example():
    X = _ten_regions()
    s = vc.clusters.stars(X)
    # cars: E_c = 262, food: E_c = 2,440, E = 2,702 -> LQ(r0) = (100/200) / (262/2702) = 5.16 >= 2
    assert s.loc[("r0", "cars"), "lq"] == pytest.approx(0.5 / (262 / 2702))
    # size: 90th percentile of cars (linear) = 26 + 0.1 * (100 - 26) = 33.4 -> only r0
    assert s.xs("cars", level="industry")["size_star"].sum() == 1
    assert s.loc[("r0", "cars"), "size_star"] and s.loc[("r0", "cars"), "specialisation_star"]
    # focus: r0 has 50 % of its jobs in cars, the top share
    assert s.loc[("r0", "cars"), "focus_star"]
    assert s.loc[("r0", "cars"), "stars"] == 3
    # food: r1 is the largest (300), LQ = (300/310) / (2440/2702) = 1.07 < 2
    assert s.loc[("r1", "food"), "size_star"] and not s.loc[("r1", "food"), "specialisation_star"]
    assert s.loc[("r1", "food"), "stars"] == 2  # size + focus (96.8 % share, the highest)
    assert s.loc[("r5", "food"), "stars"] == 0
    # threshold as a parameter
    s_lo = vc.clusters.stars(X, lq_threshold=1.05)
    assert s_lo.loc[("r1", "food"), "specialisation_star"]


def test_stars_productivity_instead_of_focus():
    X = _ten_regions()
    long = vc.clusters.tidy_activity(X)
    long["output"] = long["employment"] * 1.0
    long.loc[(long["region"] == "r7") & (long["industry"] == "cars"), "output"] = 22 * 5.0  # 5x productivity
    s = vc.clusters.stars(long, output="output")
    assert "productivity_star" in s.columns and "focus_star" not in s.columns
    assert s.loc[("r7", "cars"), "productivity"] == pytest.approx(5.0)
    assert s.loc[("r7", "cars"), "productivity_star"]
    assert s.xs("cars", level="industry")["productivity_star"].sum() == 1


def test_herfindahl_krugman_hand():
    h = vc.clusters.herfindahl(E)
    assert h["north"] == pytest.approx(0.4**2 + 0.1**2 + 0.5**2)
    k = vc.clusters.krugman(E)
    # rest of north = south: |0.4-0.1| + |0.1-0.7| + |0.5-0.2| = 1.2
    assert k["north"] == pytest.approx(1.2) and k["south"] == pytest.approx(1.2)
    kt = vc.clusters.krugman(E, reference="total")
    assert kt["north"] == pytest.approx(abs(0.4 - 0.25) + abs(0.1 - 0.4) + abs(0.5 - 0.35))
    with pytest.raises(vc.ParameterError, match="The 'reference' parameter of krugman must be one of"):
        vc.clusters.krugman(E, reference="world")


def test_cluster_and_regional_kpis():
    a = vc.clusters.tidy_activity(E).assign(year=2019)
    b = a.assign(year=2021)
    b.loc[(b["region"] == "north") & (b["industry"] == "cars"), "employment"] = 60.0
    panel = pd.concat([a, b], ignore_index=True)
    k = vc.clusters.cluster_kpis(panel)
    assert k.loc[("north", "cars"), "growth"] == pytest.approx(0.5)
    assert k.loc[("north", "cars"), "change"] == pytest.approx(20.0)
    # 2021: north 120, cars 70, E 220 -> LQ = (60/120)/(70/220)
    assert k.loc[("north", "cars"), "lq_end"] == pytest.approx(0.5 / (70 / 220))
    assert k.loc[("north", "cars"), "lq_change"] == pytest.approx(0.5 / (70 / 220) - 1.6)
    assert k.loc[("south", "food"), "growth"] == 0
    r = vc.clusters.regional_kpis(panel)
    assert list(r.index.names) == ["year", "region"]
    assert r.loc[(2021, "north"), "growth"] == pytest.approx(0.2)
    assert np.isnan(r.loc[(2019, "north"), "growth"])
    assert r.loc[(2021, "north"), "herfindahl"] == pytest.approx(0.5**2 + (10 / 120) ** 2 + (50 / 120) ** 2)
    # starred share: with 2 regions the 90th percentile picks the larger cluster of each industry
    st = vc.clusters.stars(panel, year=2021)
    starred = st[st["stars"] >= 1].xs("north", level="region")["employment"].sum()
    assert r.loc[(2021, "north"), "starred_share"] == pytest.approx(starred / 120)
    with pytest.raises(vc.ParameterError, match="'start' parameter of cluster_kpis"):
        vc.clusters.cluster_kpis(panel, start=1990)


def test_bad_activity_input():
    bad = pd.DataFrame({"region": ["a", "a"], "industry": ["x", "x"], "employment": [1.0, 2.0]})
    with pytest.raises(vc.LabelError, match="duplicated"):
        vc.clusters.location_quotients(bad)
    neg = pd.DataFrame({"region": ["a"], "industry": ["x"], "employment": [-1.0]})
    with pytest.raises(vc.TableError, match=r"negative.*\('a', 'x'\)"):
        vc.clusters.location_quotients(neg)
    with pytest.raises(vc.LabelError, match="'jobs'"):
        vc.clusters.stars(vc.clusters.tidy_activity(E), value="jobs")
    with pytest.raises(vc.ParameterError, match="The 'top' parameter of stars must be a float in"):
        vc.clusters.stars(E, top=0)


def test_read_abs_eiat_real_file():
    d = shared_data("australia_abs_eiat")
    lga = vc.clusters.read_abs_eiat(d, drop_pseudo=False, harmonise=False)
    assert set(lga["year"].unique()) == {2011, 2016, 2021}
    assert lga["industry"].nunique() == 19  # ANZSIC divisions, pseudo-industries dropped
    raw = pd.read_csv(d / "csv" / "work_lga_employment_by_industry_2011_2016_2021.csv.gz")
    raw = raw[~raw["industry"].isin(["Inadequately described", "Not stated", "Not applicable"])]
    assert lga["employment"].sum() == pytest.approx(raw["employment"].sum())
    st = vc.clusters.read_abs_eiat(d, level="state")
    # the state file counts every worker; the LGA file misses those without a fixed LGA of work (~5 %)
    lga21 = lga[lga["year"] == 2021]["employment"].sum()
    assert lga21 < st["employment"].sum() < 1.1 * lga21
    s = vc.clusters.stars(lga, year=2021)
    top = s.sort_values("lq", ascending=False).head(20)
    # the most specialised LGA clusters of Australia are mining towns (Pilbara, Goldfields)
    assert (top.index.get_level_values("industry") == "Mining").mean() > 0.5
    lqs = vc.clusters.location_quotients(st)
    assert lqs.loc[("Western Australia", "Mining"), "lq"] > 3


def test_read_bea_employment_real_file():
    d = shared_data("us_regional_bea")
    b = vc.clusters.read_bea_employment(d)
    assert b["region"].nunique() == 51  # 50 states + DC
    assert sorted(b["year"].unique()) == list(range(2009, 2019))
    assert b["industry"].nunique() == 90
    raw = pd.read_csv(d / "State_Employment_2009_2018_SAEMP25N.csv.gz", dtype={"GeoFips": str})
    ca = raw[(raw["GeoName"] == "California") & (raw["LineCode"] == 10)]["2018"].iloc[0]
    got = b[(b["region"] == "California") & (b["year"] == 2018)]["employment"].sum()
    # detailed lines (suppressed cells missing) stay below and near the published total
    assert 0.9 * ca < got <= ca
    lq = vc.clusters.location_quotients(b, year=2018)
    mining = [i for i in b["industry"].unique() if i.lower().startswith("oil and gas")]
    assert mining and lq.loc[("Wyoming", mining[0]), "lq"] > 3
    k = vc.clusters.regional_kpis(b, suppressed="skip")
    assert k.loc[(2018, "District of Columbia"), "krugman"] > k.loc[(2018, "Ohio"), "krugman"]
    strict = vc.clusters.regional_kpis(b)
    sup = strict["reason"] == "suppressed"
    assert sup.any() and strict.loc[sup, "krugman"].isna().all()


def test_employment_readers_name_what_a_folder_lacks(tmp_path):
    (tmp_path / "Crosswalk_SAEMP25N.csv").write_text("LineCode,Description\n", encoding="utf-8")
    with pytest.raises(vc.ReadError, match=r"no work_lga_employment_by_industry\*\.csv\(\.gz\) file found in its "
                                           r"csv/ or this folder"):
        vc.clusters.read_abs_eiat(tmp_path)
    with pytest.raises(vc.ReadError, match=r"no \*SAEMP25N\*\.csv\(\.gz\) file found in this folder"):
        vc.clusters.read_bea_employment(tmp_path)  # the crosswalk alone is not the data file
    with pytest.raises(FileNotFoundError, match="absent.csv: no such file"):
        vc.clusters.read_abs_eiat(tmp_path / "absent.csv")


# ------------------------------------------------------------------------ CLI
def _runner():
    from typer.testing import CliRunner

    from valuechain.cli import app

    return CliRunner(), app


def _trade_csv(tmp_path):
    rng = np.random.default_rng(0)
    rows = []
    for c in range(12):
        for p in range(15):
            if rng.random() < 0.3 + 0.05 * c:
                rows.append((f"c{c:02d}", f"{p:04d}", float(rng.lognormal(3, 1))))
    path = tmp_path / "trade.csv"
    pd.DataFrame(rows, columns=["country", "product", "value"]).to_csv(path, index=False)
    return path


def test_cli_complexity_ranked_eci_and_adjacent(tmp_path):
    runner, app = _runner()
    path = _trade_csv(tmp_path)
    out = tmp_path / "eci.csv"
    r = runner.invoke(app, ["complexity", "--table", str(path), "--top", "5", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "eci" in r.output and "diversity" in r.output
    written = pd.read_csv(out, index_col=0)
    df = pd.read_csv(path, dtype={"product": str})
    expect = vc.clusters.complexity(df).locations["eci"].sort_values(ascending=False)
    assert list(written.index) == list(expect.index)  # ranked by ECI
    np.testing.assert_allclose(written["eci"], expect.to_numpy(), atol=1e-9)
    r = runner.invoke(app, ["complexity", "-t", str(path), "--location", "c03"])
    assert r.exit_code == 0, r.output
    assert "density" in r.output and "pci" in r.output and "adjacent possible of c03" in r.output


def test_cli_complexity_bad_input_exit_2(tmp_path):
    runner, app = _runner()
    bad = tmp_path / "bad.csv"
    bad.write_text("country,product,value\na,0001,1\nb,0002,oops\n")
    r = runner.invoke(app, ["complexity", "--table", str(bad)])
    assert r.exit_code == 2
    assert "bad.csv" in r.output and "'oops'" in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1
    r = runner.invoke(app, ["complexity", "--table", str(_trade_csv(tmp_path)), "--location", "nowhere"])
    assert r.exit_code == 2 and "unknown location 'nowhere'" in r.output
    r = runner.invoke(app, ["complexity", "--table", str(tmp_path / "missing.csv")])
    assert r.exit_code == 2


def test_cli_clusters_stars_and_kpis(tmp_path):
    runner, app = _runner()
    wide = tmp_path / "wide.csv"
    _ten_regions().rename_axis("region").to_csv(wide)
    out = tmp_path / "stars.csv"
    r = runner.invoke(app, ["clusters", "--table", str(wide), "--layout", "wide", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "stars" in r.output
    got = pd.read_csv(out)
    assert got.iloc[0]["region"] == "r0" and got.iloc[0]["industry"] == "cars" and got.iloc[0]["stars"] == 3
    a = vc.clusters.tidy_activity(E).assign(year=2019)
    b = a.assign(year=2021, employment=a["employment"] * 1.1)
    long = tmp_path / "long.csv"
    pd.concat([a, b]).to_csv(long, index=False)
    r = runner.invoke(app, ["clusters", "-t", str(long), "--kpis"])
    assert r.exit_code == 0, r.output
    assert "herfindahl" in r.output and "krugman" in r.output
    r = runner.invoke(app, ["clusters", "-t", str(long), "--region", "atlantis"])
    assert r.exit_code == 2 and "atlantis" in r.output
    r = runner.invoke(app, ["clusters", "-t", str(long), "--value", "jobs"])
    assert r.exit_code == 2 and "'jobs'" in r.output


def test_cli_on_shared_data():
    runner, app = _runner()
    d = shared_data("australia_abs_eiat")
    r = runner.invoke(app, ["clusters", "--table", str(d), "--layout", "abs_eiat", "--year", "2021", "--top", "5"])
    assert r.exit_code == 0, r.output
    assert "Mining" in r.output
    t = shared_data("trade_complexity_sitc_hs", "csv", "world_trade_2017.csv.gz")
    r = runner.invoke(app, ["complexity", "--table", str(t), "--top", "3"])
    assert r.exit_code == 0, r.output
    assert "jpn" in r.output  # Japan tops every published ECI ranking of the 2010s
