"""Satellite accounts: Extension, employment multipliers (Type I/II), embodied amounts, skills.

Oracles: the ABS published-method multipliers (io-employment-multipliers-*.csv, ABS 5246.0), pymrio's
calc_all on its test MRIO, IBGE's job count, the ITA figure for US jobs supported by exports in 2014
(11.7 million; METHODS §15), identities checked with hypothesis, and hand computations.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuechain as vc
from _props import counted
from conftest import random_table, shared_data

P = vc.position


# ------------------------------------------------------------------ ABS
@pytest.mark.parametrize("year", [2019, 2022])
def test_abs_employment_multipliers_equal_the_published_method_values(year):
    d = shared_data("australia_abs_io_2019_2022")
    t = vc.datasets.read(d / f"abs-io-{year}-detailed.csv", format="abs")
    add = pd.read_csv(d / f"abs-io-{year}-additional.csv", index_col=0, encoding="utf-8-sig")
    income = add.loc["Compensation of employees"] / 100
    consumption = add.loc["Household final consumption expenditure"] / 100
    m = P.extension_multipliers(t, "employment", households=(income, consumption))
    m = m.xs("employees", axis=1, level="stressor")
    ref = pd.read_csv(d / f"io-employment-multipliers-{year}.csv", index_col=0, encoding="utf-8-sig")
    # the reference file's labels went through R's make.names ('non-ferrous' -> 'non.ferrous')
    import re

    m.index = [re.sub(r"[^0-9a-z_]", ".", s) for s in m.index.get_level_values("sector")]
    ref = ref.reindex(m.index)
    assert not ref.isna().all(axis=1).any()
    pairs = {"Initial effects": "direct", "First round effects": "first_round",
             "Industrial support effects": "industrial_support", "Production induced effects": "production_induced",
             "Consumption induced effects": "consumption_induced", "Simple multipliers": "simple",
             "Total multipliers": "total"}
    for published, ours in pairs.items():
        np.testing.assert_allclose(m[ours], ref[published], atol=1e-9, err_msg=published)
    assert (m["total"] >= m["simple"] - 1e-12).all()


# ------------------------------------------------------------------ pymrio parity
def test_pymrio_extension_accounts_parity():
    pymrio = pytest.importorskip("pymrio")
    io = pymrio.load_test()
    io.calc_all()
    t = vc.IOTable.from_pymrio(pymrio.load_test())
    for ext in io.get_extensions(data=True):
        if ext.name == "Factor Inputs":
            continue
        name = ext.name
        stress = [" | ".join(map(str, s)) if isinstance(s, tuple) else s for s in ext.F.index]
        M = P.extension_multipliers(t, name).xs("simple", axis=1, level="measure").T
        np.testing.assert_allclose(M.loc[stress].to_numpy(), ext.M.to_numpy(), rtol=1e-10)
        D_cba = vc.gvc.embodied(t, name, by="product").T
        np.testing.assert_allclose(D_cba.loc[stress].to_numpy(), ext.D_cba.to_numpy(), rtol=1e-10)
        np.testing.assert_allclose(t.extensions[name].F.loc[stress].to_numpy(), ext.D_pba.to_numpy(), rtol=1e-10)
        dest = vc.gvc.embodied(t, name).xs("total", axis=1, level="part")
        cba_reg = dest.groupby(level="region").sum().T.loc[stress, ext.D_cba_reg.columns]
        np.testing.assert_allclose(cba_reg.to_numpy(), ext.D_cba_reg.to_numpy(), rtol=1e-10)
        e = t.extensions[name]
        pba_reg = (e.F.T.groupby(level="region").sum().T + e.F_Y.T.groupby(level="region").sum().T)
        np.testing.assert_allclose(pba_reg.loc[stress, ext.D_pba_reg.columns].to_numpy(), ext.D_pba_reg.to_numpy(),
                                   rtol=1e-10)


def test_extensions_survive_conversions_aggregation_and_selection():
    t = vc.datasets.load("testmrio")
    e = t.extensions["Emissions"]
    back = vc.IOTable.from_pymrio(t.to_pymrio())
    pd.testing.assert_frame_equal(back.extensions["Emissions"].F, e.F)
    pd.testing.assert_frame_equal(back.extensions["Emissions"].F_Y, e.F_Y)
    with tempfile.TemporaryDirectory() as d:
        rt = vc.IOTable.read_parquet(t.to_parquet(Path(d) / "t.parquet"))
    pd.testing.assert_frame_equal(rt.extensions["Emissions"].F, e.F)
    assert rt.extensions["Emissions"].unit == e.unit
    agg = t.aggregate(regions={r: "W" for r in t.regions})
    np.testing.assert_allclose(agg.extensions["Emissions"].F.sum(axis=1), e.F.sum(axis=1))
    sel = t.select(regions=["reg1", "reg2"])
    assert sel.extensions["Emissions"].F.shape[1] == sel.n
    with pytest.raises(vc.LabelError, match="no extension 'jobs'"):
        P.extension_multipliers(t, "jobs")


# ------------------------------------------------------------------ Brazil, US
def test_brazil_jobs_extension_and_the_final_demand_identity():
    t = vc.datasets.load("brazil", year=2021)
    e = t.extensions["employment"]
    assert e.F.loc["jobs"].sum() == pytest.approx(105_065_178, abs=0.5)  # IBGE, Fator trabalho 2021
    d = vc.gvc.embodied(t, "employment")
    assert d[("jobs", "total")].sum() == pytest.approx(105_065_178, rel=1e-10)
    by_origin = vc.gvc.embodied(t, "employment", by="origin")
    # by category add up, by origin node too (each industry's jobs are all sustained by some final use)
    np.testing.assert_allclose(by_origin.xs("jobs", axis=1, level="stressor").sum(axis=0).to_numpy(),
                               d[("jobs", "total")].to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(by_origin.xs("jobs", axis=1, level="stressor").sum(axis=1), e.F.loc["jobs"],
                               rtol=1e-9)
    exp = vc.gvc.embodied(t, "employment", demand="exports")
    assert exp[("jobs", "total")].iloc[0] == pytest.approx(d.loc[("BRA", "exports"), ("jobs", "total")])
    prev = vc.datasets.load("brazil", year=2021, prices="previous_year")
    np.testing.assert_array_equal(prev.extensions["employment"].F.to_numpy(), e.F.to_numpy())


def test_us_jobs_supported_by_exports_2014_match_the_ita_figure():
    """ITA (US Department of Commerce): 11.7 million US jobs supported by exports in 2014. WIOD 2016 NIOT
    + SEA persons engaged, s' L e: 11.70 million."""
    d = shared_data("wiod2016_niot")
    t = vc.datasets.read(d / "original" / "USA_NIOT_nov16.xlsx", format="wiod2016_niot", year=2014,
                         sea=d / "csv" / "usasea.csv.gz")
    e = t.extensions["employment"]
    assert e.unit_of("persons_engaged") == "persons" and e.unit_of("compensation") == "USD million"
    ex = vc.gvc.embodied(t, "employment", demand="exports")
    assert ex[("persons_engaged", "total")].iloc[0] / 1e6 == pytest.approx(11.7, abs=0.1)


def test_sea_reader_errors_name_the_place(tmp_path):
    bad = tmp_path / "sea.csv"
    bad.write_text("country,description,code,year,EMP\nUSA,Crops,A01,2014,twelve\n")
    with pytest.raises(vc.ReadError, match="USA A01 EMP 2014: expected a number"):
        vc.datasets.sea.read_wiod_sea(bad)
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(vc.ReadError, match="not the WIOD SEA layout"):
        vc.datasets.sea.read_wiod_sea(tmp_path / "x.csv")


# ------------------------------------------------------------------ hand computations
def test_type_ii_by_hand_on_the_textbook_table():
    t = vc.datasets.load("miller_blair")
    F = pd.DataFrame([[100.0, 40.0]], index=["persons"], columns=t.nodes)
    t = t.with_extension(vc.Extension("jobs", F, unit="persons"))
    hr = pd.Series([0.3, 0.25], index=t.nodes)
    hc = pd.Series([0.2, 0.5], index=t.nodes)
    m = P.extension_multipliers(t, "jobs", households=(hr, hc)).xs("persons", axis=1, level="stressor")
    A = t.A.to_numpy()
    Ab = np.block([[A, hc.to_numpy()[:, None]], [hr.to_numpy()[None, :], np.zeros((1, 1))]])
    s = np.array([0.1, 0.02])
    total = np.r_[s, 0] @ np.linalg.inv(np.eye(3) - Ab)
    simple = s @ np.linalg.inv(np.eye(2) - A)
    np.testing.assert_allclose(m["total"], total[:2], rtol=1e-12)
    np.testing.assert_allclose(m["simple"], simple, rtol=1e-12)
    np.testing.assert_allclose(m["type2"], total[:2] / s, rtol=1e-12)
    np.testing.assert_allclose(m["first_round"], s @ A, rtol=1e-12)
    # derived households need a compensation row and a household category
    with pytest.raises(vc.ParameterError, match="households=\\(income, consumption\\)"):
        P.extension_multipliers(t, "jobs", households=True)


def test_households_derived_from_brazil():
    t = vc.datasets.load("brazil", year=2021)
    h = P.household_coefficients(t)
    income, cons = h["income"], h["consumption"]
    comps = t.V.xs("value_added", level="kind")
    wages = comps.loc[["wages", "social contributions (effective)", "social contributions (imputed)"]].sum(axis=0)
    np.testing.assert_allclose(income * t.x, wages, rtol=1e-12)
    assert cons.sum() == pytest.approx(t.Y.xs("households", axis=1, level="category").sum().sum() / wages.sum())
    m = P.extension_multipliers(t, "employment", households=True)
    assert (m[("jobs", "total")] > m[("jobs", "simple")]).all()


def test_skill_intensity_of_nodes_and_exports_by_hand():
    t = vc.datasets.load("miller_blair")
    F = pd.DataFrame([[30.0, 10.0], [70.0, 90.0]], index=["high_skill_hours", "low_skill_hours"], columns=t.nodes)
    Y = t.Y.copy()
    Y.iloc[:, 0] -= [100.0, 0.0]
    Y[(t.regions[0], "exports")] = [100.0, 0.0]
    t = t.replace(Y=Y).with_extension(vc.Extension("skills", F, unit="hours"))
    si = P.skill_intensity(t)
    L = t.L.to_numpy()
    S = F.to_numpy() / t.x.to_numpy()
    emb = S @ L
    np.testing.assert_allclose(si["embodied"], emb[0] / emb.sum(axis=0), rtol=1e-12)
    ex = P.skill_intensity(t, of="exports")
    content = S * (L @ np.array([100.0, 0.0]))[None, :]
    assert ex["embodied"].iloc[0] == pytest.approx(content[0].sum() / content.sum(), rel=1e-12)
    with pytest.raises(vc.LabelError, match="pass high="):
        P.skill_intensity(t, high="expert_hours")


# ------------------------------------------------------------------ identities
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _with_ext(t, seed, k=2):
    rng = np.random.default_rng(seed)
    F = pd.DataFrame(rng.uniform(0, 10, (k, t.n)) * t.x.to_numpy()[None, :] / 100,
                     index=[f"s{i}" for i in range(k)], columns=t.nodes)
    return t.with_extension(vc.Extension("e", F, unit="u"))


@SETTINGS
@given(st.integers(1, 3), st.integers(1, 4), st.integers(0, 10_000), st.floats(0.1, 10.0))
@counted
def test_embodied_and_multiplier_identities(n_regions, n_sectors, seed, scale):
    t = _with_ext(random_table(n_regions, n_sectors, seed=seed), seed)
    e = t.extensions["e"]
    d = vc.gvc.embodied(t, "e").xs("total", axis=1, level="part")
    np.testing.assert_allclose(d.sum(axis=0).to_numpy(), e.F.sum(axis=1).to_numpy(), rtol=1e-9)  # s'Lf = s'x
    m = P.extension_multipliers(t, "e", households=(pd.Series(0.2, t.nodes), pd.Series(0.5 / t.n, t.nodes)))
    for s in e.stressors:
        assert (m[(s, "total")] >= m[(s, "simple")] - 1e-12).all()
        assert (m[(s, "simple")] >= m[(s, "direct")] - 1e-12).all()
    scaled = t.with_extension(vc.Extension("e", e.F * scale, unit="u"))
    m2 = P.extension_multipliers(scaled, "e")
    np.testing.assert_allclose(m2.xs("simple", axis=1, level="measure"),
                               scale * m.xs("simple", axis=1, level="measure"), rtol=1e-9)
    d2 = vc.gvc.embodied(scaled, "e").xs("total", axis=1, level="part")
    np.testing.assert_allclose(d2.to_numpy(), scale * d.to_numpy(), rtol=1e-9, atol=1e-9)


def test_extension_from_a_long_table_refuses_gaps():
    t = vc.datasets.load("testmrio")
    long = pd.DataFrame([(r, s, "persons", 1.0) for r, s in t.nodes], columns=["region", "sector", "stressor", "v"])
    e = vc.Extension.from_frame("employment", long, stressor="stressor", value="v", unit="persons", nodes=t.nodes)
    t2 = t.with_extension(e)
    assert t2.extensions["employment"].F.sum(axis=1).iloc[0] == t.n
    with pytest.raises(vc.LabelError, match="no 'v' for 1 node"):
        vc.Extension.from_frame("employment", long.iloc[1:], stressor="stressor", value="v", nodes=t.nodes)
    with pytest.raises(vc.TableError, match="not a finite number"):
        vc.Extension.from_frame("employment", long.assign(v=np.r_[np.nan, long.v[1:]]), stressor="stressor", value="v")


def test_embodied_in_bilateral_exports_by_explicit_inverse():
    """MRIO s' L E_(r,d): total and the exporter's own (s_r' L_rr E_(r,d)) part, each from the explicit inverse."""
    t = vc.datasets.load("testmrio")
    rng = np.random.default_rng(3)
    F = pd.DataFrame(rng.random((2, t.n)) * 10, index=["persons", "hours"], columns=t.nodes)
    t = t.with_extension(vc.Extension("emp", F, unit="p"))
    out = vc.gvc.embodied(t, "emp", demand="exports")
    L = np.linalg.inv(np.eye(t.n) - t.A.to_numpy())
    S = F.to_numpy() / t.x.to_numpy()
    reg = t.nodes.get_level_values("region")
    Z, Y = t.Z.to_numpy(), t.Y.to_numpy()
    yreg = t.Y.columns.get_level_values("region")
    for (r, d), row in out.iterrows():
        e = np.where(reg == r, Z[:, reg == d].sum(axis=1) + Y[:, yreg == d].sum(axis=1), 0.0)
        mine = np.asarray(reg == r)
        for i, s in enumerate(F.index):
            assert row[(s, "total")] == pytest.approx(S[i] @ L @ e, rel=1e-10)
            dom = S[i][mine] @ L[np.ix_(mine, mine)] @ e[mine]
            assert row[(s, "domestic")] == pytest.approx(dom, rel=1e-10)
            assert row[(s, "foreign")] == pytest.approx(S[i] @ L @ e - dom, rel=1e-9, abs=1e-9)
