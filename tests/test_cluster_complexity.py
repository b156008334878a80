"""Atlas-grade complexity defaults: filters on country data, diagnostics, degenerate input, regional sign."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from conftest import shared_data

UNINHABITED = {"sgs", "hmd", "bvt", "atf", "iot", "umi", "ata", "pcn"}


@pytest.fixture(scope="module")
def sitc():
    d = shared_data("trade_complexity_sitc_hs", "csv")
    return pd.read_csv(d / "world_trade_avg_1998_to_2000.csv.gz", dtype={"product": str})[["country", "product", "value"]]


def test_sitc_defaults_atlas_grade(sitc):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = vc.clusters.complexity(sitc, filters="none")
    top_raw = raw.locations["eci"].sort_values(ascending=False).index[:20]
    assert UNINHABITED & set(top_raw)  # the problem the defaults fix
    r = vc.clusters.complexity(sitc)
    ranked = r.locations["eci"].sort_values(ascending=False).index
    assert not UNINHABITED & set(ranked[:20])
    assert {"jpn", "deu", "che", "swe", "usa"} <= set(ranked[:10]), list(ranked[:10])
    assert len(r.locations) >= 100
    rules = [f["rule"] for f in r.attrs["filters"]]
    assert any(x.startswith("population > 1,200,000") for x in rules)
    assert any("skipped (unit" in x for x in rules)  # the file states no unit: the export rule is not applied
    assert any("IRQ" in x for x in rules) and any("products with world trade" in x for x in rules)
    dropped = {c for f in r.attrs["filters"] for c in f.get("dropped_locations", [])}
    assert UNINHABITED & set(sitc["country"]) <= dropped
    diag = r.attrs["diagnostics"]
    assert diag["corr_eci_diversity"] > 0.5 and diag["eigen_gap"] > 0.1 and diag["warnings"] == []


def test_export_rule_with_unit_and_income_diagnostic(sitc):
    # with a unit the USD rule applies: values here are far below real USD, so many fall under it
    r = vc.clusters.complexity(sitc, unit="USD thousand")
    low = next(f for f in r.attrs["filters"] if f["rule"].startswith("exports >="))
    tot = sitc.groupby("country")["value"].sum() * 1e3
    assert set(low["dropped_locations"]) <= set(tot[tot < 1e9].index)
    gdp = pd.read_csv(shared_data("trade_complexity_sitc_hs", "csv") / "world_gdp_avg_1998_to_2000.csv.gz")
    r2 = vc.clusters.complexity(sitc, income=gdp.set_index("country")["value"], sign="diversity")
    assert r2.attrs["diagnostics"]["corr_eci_log_income"] > 0.5


def test_eigenvector_raises_like_reflections_on_degenerate_input():
    I3 = pd.DataFrame(np.eye(3), index=list("abc"), columns=list("xyz"))
    for method in ("reflections", "eigenvector"):
        with pytest.raises(vc.ConvergenceError, match="undefined"):
            vc.clusters.complexity(I3, presence="manual", method=method)


def test_low_diversity_signal_warns():
    # two mirror-image blocks joined weakly: corr(ECI, diversity) ~ 0
    M = pd.DataFrame([[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 1]], index=list("abcd"), columns=list("wxyz"))
    with pytest.warns(UserWarning, match="diversity"):
        r = vc.clusters.complexity(M, presence="manual")
    assert r.attrs["diagnostics"]["warnings"]


def test_regional_filters_not_applied_and_sign_on_income():
    d = shared_data("us_regional_bea")
    b = vc.clusters.read_bea_employment(d)
    mat = vc.clusters.activity_matrix(b, year=2018)
    g = pd.read_csv(d / "SAGDP2N__ALL_AREAS_1997_2018.csv.gz", dtype=str, encoding="latin1")
    g = g[g["IndustryId"].str.strip() == "1"]
    gdp = pd.to_numeric(g.set_index(g["GeoName"].str.replace("*", "").str.strip())["2018"], errors="coerce")
    e = pd.read_csv(d / "State_Employment_2009_2018_SAEMP25N.csv.gz", dtype={"GeoFips": str})
    jobs = e[e["LineCode"] == 10].set_index("GeoName")["2018"]
    per_job = (gdp / jobs).dropna()
    r = vc.clusters.complexity(mat)  # traded_only=True, sign by diversity, lines summed into sectors
    assert any("traded industries only" in f["rule"] for f in r.attrs["filters"])
    assert any("NAICS sectors" in f["rule"] for f in r.attrs["filters"])
    eci_div = r.locations["eci"]
    # acceptance: with the defaults the diversity-anchored state ECI rises with GDP per job
    assert eci_div.corr(np.log(per_job.reindex(eci_div.index))) > 0.5
    assert r.attrs["diagnostics"]["corr_eci_diversity"] > 0.3
    assert {"New York", "Massachusetts"} <= set(eci_div.nlargest(10).index)
    # at line level the same sign rule inverts the ranking (why the default sums lines into sectors)
    lines = vc.clusters.complexity(mat, level="as_given")
    assert lines.locations["eci"].corr(np.log(per_job.reindex(lines.locations.index))) < 0
    assert any("not applied" in f["rule"] for f in r.attrs["filters"])  # states are not countries
    assert "Gasoline stations" not in r.activities.index and "Local government" not in r.activities.index
    assert r.attrs["sign"] == "diversity"
    r_inc = vc.clusters.complexity(mat, income=per_job)  # sign anchored on income (sign="auto")
    assert r_inc.attrs["sign"] == "income"
    eci = r_inc.locations["eci"]
    assert eci.corr(np.log(per_job.reindex(eci.index))) > 0.3
    ap = vc.clusters.adjacent_possible(r_inc, "Washington", top=10)
    assert "Gasoline stations" not in ap.index and "Farm employment" not in ap.index[:3]


def test_suppressed_cells_stay_missing_in_complexity():
    b = vc.clusters.read_bea_employment(shared_data("us_regional_bea"))
    b18 = b[b["year"] == 2018]
    wide = b18.set_index(["region", "industry"])["employment"].unstack()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = vc.clusters.complexity(wide, level="as_given")
    sup = wide.isna().reindex(index=r.rca.index, columns=r.rca.columns)
    assert r.attrs["suppressed_cells"] == int(sup.to_numpy().sum()) > 0
    assert r.rca.where(sup).isna().all().all() and np.isnan(r.rca.to_numpy()[sup.to_numpy()]).all()
    assert (r.mcp.to_numpy()[sup.to_numpy()] == 0).all()
    assert "Internet publishing and broadcasting" in r.dropped["activities"]  # fully suppressed: dropped, not 0


def test_bea_lines_summed_into_sectors_with_suppression_flag():
    lines = ["Primary metal manufacturing", "Machinery manufacturing", "Telecommunications",
             "Publishing industries", "Oil and gas extraction"]
    X = pd.DataFrame([[5.0, 3.0, 1.0, 1.0, 0.0], [0.0, np.nan, 4.0, 2.0, 1.0], [1.0, 1.0, 1.0, 0.0, 6.0],
                      [2.0, 2.0, 2.0, 2.0, 2.0]], index=["s1", "s2", "s3", "s4"], columns=lines)
    r = vc.clusters.complexity(X, traded_only=False)
    note = next(f for f in r.attrs["filters"] if "NAICS sectors" in f["rule"])
    assert note["sectors"]["Manufacturing"] == lines[:2]
    assert sorted(r.activities.index) == ["Information", "Manufacturing", "Mining, quarrying, and oil and gas extraction"]
    # sums by hand; the suppressed machinery cell of s2 counts as 0 and flags s2's manufacturing cell
    assert r.activities.loc["Manufacturing", "value"] == 5 + 3 + 0 + 1 + 1 + 4
    assert r.attrs["suppressed_cells"] == 1 and np.isnan(r.rca.loc["s2", "Manufacturing"])
    assert vc.clusters.complexity(X, traded_only=False, level="as_given").activities.shape[0] == 5
    with pytest.raises(vc.ParameterError, match="level"):
        vc.clusters.complexity(X.set_axis(list("abcde"), axis=1), level="sector", traded_only=False)
