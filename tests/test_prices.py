"""Cost-push prices and cumulative tariffs (issue 22): vc.resilience.price_shock / tariff_shock.

Oracles: homogeneity (a uniform rise in every primary-input cost raises every price by
exactly that rise), linearity (hypothesis), hand-computed 3-sector examples solved by
Cramer's rule in exact fractions, the duality Δp'f = Δv_c'x, a 3-country x 2-sector
tariff chain computed stage by stage, the first-order (linear) tariff model for small
tariffs, and real data (WIOD 2013 release, year 2011; IBGE Brazil 2021).
"""

from __future__ import annotations

from fractions import Fraction as Fr

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import valuechain as vc
from _props import counted
from conftest import random_table, shared_data

R = vc.resilience
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ----------------------------------------------------------------------------- a 3-sector table
Z3 = [[10, 20, 30], [20, 10, 10], [10, 30, 20]]
X3 = [100, 100, 100]
WAGES = [40, 30, 10]
IMPORTS = [20, 10, 30]
HH = [30, 50, 25]  # households; exports = x - Z1 - HH
VY_IMPORTS_HH = 15


def three() -> vc.IOTable:
    s = ["s1", "s2", "s3"]
    Z = pd.DataFrame(Z3, index=s, columns=s, dtype=float)
    f = np.array(X3) - np.array(Z3).sum(axis=1)
    Y = pd.DataFrame({"households": HH, "exports": f - np.array(HH)}, index=s, dtype=float)
    V = pd.DataFrame([WAGES, IMPORTS], index=pd.MultiIndex.from_tuples([("value_added", "wages"), ("imports", "imports")]),
                     columns=s, dtype=float)
    VY = pd.DataFrame([[0.0, 0.0], [VY_IMPORTS_HH, 0.0]], index=V.index, columns=["households", "exports"])
    return vc.IOTable(Z, Y, V, meta={"name": "three", "unit": "EUR"}, VY=VY)


def _a(i, j):
    return Fr(Z3[i][j], X3[j])


def _det3(m):
    return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))


def _cramer3(M, b):
    d = _det3(M)
    out = []
    for k in range(3):
        Mk = [[b[i] if j == k else M[i][j] for j in range(3)] for i in range(3)]
        out.append(_det3(Mk) / d)
    return out


def test_homogeneity_every_price_exactly_110(rand_table):
    for t in (three(), rand_table, vc.datasets.load("miller_blair"), vc.datasets.load("brazil", year=2021)):
        r = R.price_shock(t, cost={k: 0.10 for k in t.V.index.get_level_values("kind").unique()})
        np.testing.assert_allclose(r.prices.to_numpy(), 1.10, rtol=0, atol=1e-13)
        np.testing.assert_allclose(r.contributions.sum(axis=1), r.nodes["price_change"], atol=1e-14)
        # and every final-demand category (VY rows rise by 10 % too): consumer prices +10 %
        fd = r.final_demand
        ok = fd["value"].abs() > 0
        np.testing.assert_allclose(fd.loc[ok, "cost_increase"], 0.10, atol=1e-12)


def test_zero_shock_leaves_prices_at_one(rand_table):
    r = R.price_shock(rand_table, cost={"value_added": 0.0})
    assert (r.prices == 1.0).all() and (r.final_demand["cost_change"] == 0).all()
    r = R.price_shock(three(), cost={"imports": 0.0}, fixed={"s2": 0.0})
    np.testing.assert_allclose(r.prices, 1.0, atol=1e-15)
    assert r.nodes["implied_value_added_change"].abs().max() < 1e-12


def test_three_sector_hand_computation():
    t = three()
    # wages +10 %: Δv_j = 0.1 w_j / x_j; (I - A)' Δp = Δv solved by Cramer's rule in fractions
    dv = [Fr(1, 10) * Fr(WAGES[j], X3[j]) for j in range(3)]
    M = [[(1 if i == j else 0) - _a(j, i) for j in range(3)] for i in range(3)]  # (I - A)'
    dp = _cramer3(M, dv)
    r = R.price_shock(t, cost={"wages": 0.10})
    np.testing.assert_allclose(r.prices.to_numpy(), [1 + float(d) for d in dp], rtol=0, atol=1e-14)
    # household cost: Y_h at new prices; the directly imported part (VY) is unchanged (only wages rose)
    hh_change = sum(dp[i] * HH[i] for i in range(3))
    hh = r.final_demand.loc[("three", "households")]
    assert hh["value"] == sum(HH) + VY_IMPORTS_HH
    assert hh["cost_increase"] == pytest.approx(float(hh_change / (sum(HH) + VY_IMPORTS_HH)), abs=1e-15)

    # imports +20 % with an exogenous +50 % price of s3: the mixed model, 2 x 2 by Cramer's rule
    di = [Fr(1, 5) * Fr(IMPORTS[j], X3[j]) for j in range(3)]
    p3 = Fr(1, 2)
    a11, a12, a21, a22 = _a(0, 0), _a(0, 1), _a(1, 0), _a(1, 1)
    b1 = di[0] + _a(2, 0) * p3
    b2 = di[1] + _a(2, 1) * p3
    det = (1 - a11) * (1 - a22) - a21 * a12
    dp1 = (b1 * (1 - a22) + a21 * b2) / det
    dp2 = ((1 - a11) * b2 + a12 * b1) / det
    delta3 = p3 - (_a(0, 2) * dp1 + _a(1, 2) * dp2 + _a(2, 2) * p3) - di[2]  # s3's value added absorbs the gap
    r = R.price_shock(t, cost={"imports": 0.20}, fixed={"s3": 0.5})
    np.testing.assert_allclose(r.prices.to_numpy(), [1 + float(dp1), 1 + float(dp2), 1.5], rtol=0, atol=1e-14)
    va = r.nodes["implied_value_added_change"]
    assert va.iloc[2] == pytest.approx(float(delta3 * X3[2]), abs=1e-12) and (va.iloc[:2] == 0).all()
    # household cost: goods at new prices + its direct imports at +20 %
    hh_change = dp1 * HH[0] + dp2 * HH[1] + p3 * HH[2] + Fr(1, 5) * VY_IMPORTS_HH
    hh = r.final_demand.loc[("three", "households")]
    assert hh["cost_change"] == pytest.approx(float(hh_change), abs=1e-12)
    c = r.final_demand_contributions.loc[("three", "households")]
    assert c.sum() == pytest.approx(hh["cost_increase"], abs=1e-15)
    # contributions: the fixed node carries only the "fixed prices" column
    assert list(r.contributions.columns) == ["imports", "fixed prices"]
    assert r.contributions.iloc[2].tolist() == [0.0, 0.5]


def test_duality_with_and_without_fixed_prices(rand_table):
    t = rand_table
    for kw in ({"cost": {"wages": 0.07}}, {"cost": {"surplus": -0.03}, "fixed": {("R1", "s2"): 0.6, "R0/s0": -0.1}},
               {"fixed": {"s3": 0.25}}, {"cost": {"value_added": 0.05}, "passthrough": 0.4}):
        r = R.price_shock(t, **kw)
        lhs = float(r.nodes["price_change"] @ t.f)
        rhs = float(r.nodes["cost_shock"] @ t.x) + float(r.nodes["implied_value_added_change"].sum())
        assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-9)
        assert r.metadata["duality_gap"] < 1e-9
    r = R.price_shock(t, cost={"value_added": 0.05}, passthrough=0.4)
    full = R.price_shock(t, cost={"value_added": 0.05})
    np.testing.assert_allclose(r.nodes["price_change"], 0.4 * full.nodes["price_change"], atol=1e-15)
    np.testing.assert_allclose(r.nodes["absorbed"], 0.6 * full.nodes["cost_shock"], atol=1e-15)


@SETTINGS
@given(st.builds(random_table, n_regions=st.integers(1, 3), n_sectors=st.integers(1, 4), seed=st.integers(0, 10_000),
                 density=st.sampled_from([1.0, 0.5])),
       st.integers(0, 2**32 - 1), st.floats(-3, 3), st.floats(-3, 3))
@counted
def test_prices_are_linear_in_the_shock(t, seed, a, b):
    rng = np.random.default_rng(seed)
    w1 = pd.Series(rng.uniform(-0.1, 0.1, t.n), index=t.nodes)
    w2 = pd.Series(rng.uniform(-0.1, 0.1, t.n), index=t.nodes)
    s1, s2 = rng.uniform(-0.1, 0.1, 2)
    fixed_node = t.nodes[int(rng.integers(t.n))]
    f1, f2 = rng.uniform(-0.2, 0.2, 2)

    def dp(wg, sur, fx):
        return R.price_shock(t, cost={"wages": wg, "surplus": sur}, fixed={fixed_node: fx}).nodes["price_change"]

    lhs = dp(a * w1 + b * w2, a * s1 + b * s2, a * f1 + b * f2)
    np.testing.assert_allclose(lhs, a * dp(w1, s1, f1) + b * dp(w2, s2, f2), rtol=1e-9, atol=1e-12)


def test_bad_parameters():
    t = three()
    with pytest.raises(vc.ParameterError, match="'cost' parameter of price_shock"):
        R.price_shock(t, cost={"profits": 0.1})
    with pytest.raises(vc.ParameterError, match="overlapping"):
        R.price_shock(t, cost={"value_added": 0.1, "wages": 0.1})
    with pytest.raises(vc.ParameterError, match=r"'passthrough' parameter of price_shock must be a float in \[0, 1\]"):
        R.price_shock(t, cost={"wages": 0.1}, passthrough=1.5)
    with pytest.raises(vc.ParameterError, match="both None"):
        R.price_shock(t)
    with pytest.raises(vc.ParameterError, match="'cost' parameter"):
        R.price_shock(t, cost={"wages": -1.0})
    with pytest.raises(vc.LabelError, match="unknown node"):
        R.price_shock(t, fixed={"s9": 0.1})
    with pytest.raises(vc.ParameterError, match="'table' parameter of price_shock"):
        R.price_shock("t", cost={"wages": 0.1})
    r = R.price_shock(t, cost={"wages": 0.1})
    assert repr(r).startswith("PriceResult(nodes=3") and len(repr(r)) < 250
    with pytest.raises(Exception):
        r.prices = None  # frozen


# ----------------------------------------------------------------------------- cumulative tariffs
def chain() -> vc.IOTable:
    """3 countries x 2 sectors: A1 -> B1 -> C2 and A1 -> C2 across borders; domestic inputs A2->A1, B2->B1, C1->C2."""
    nodes = pd.MultiIndex.from_product([["A", "B", "C"], ["s1", "s2"]], names=["region", "sector"])
    Z = pd.DataFrame(0.0, index=nodes, columns=nodes)
    for (sup, buy), v in {(("A", "s1"), ("B", "s1")): 20, (("B", "s1"), ("C", "s2")): 30,
                          (("A", "s1"), ("C", "s2")): 10, (("A", "s2"), ("A", "s1")): 10,
                          (("B", "s2"), ("B", "s1")): 10, (("C", "s1"), ("C", "s2")): 10}.items():
        Z.loc[sup, buy] = v
    fd = pd.MultiIndex.from_product([["A", "B", "C"], ["households"]], names=["region", "category"])
    Y = pd.DataFrame(0.0, index=nodes, columns=fd)
    f = 100 - Z.sum(axis=1)
    for (r, s) in nodes:
        Y.loc[(r, s), (r, "households")] = f[(r, s)]
    Y.loc[("C", "s2"), ("C", "households")] = 50  # C2 exports half of its final goods to A
    Y.loc[("C", "s2"), ("A", "households")] = 50
    return vc.IOTable(Z, Y, meta={"name": "chain"})


def test_cumulative_tariffs_hand_computation():
    t = chain()
    T_BA, T_CB, T_CA = 0.10, 0.05, 0.20
    spec = pd.DataFrame({"importer": ["B", "C", "C"], "exporter": ["A", "B", "A"], "rate": [T_BA, T_CB, T_CA]})
    r = R.tariff_shock(t, spec)
    # stage by stage (the chain is acyclic): prices with tariffs compounded
    pA2 = pB2 = pC1 = 1.0
    pA1 = 0.1 * pA2 + 0.9
    pB1 = 0.2 * (1 + T_BA) * pA1 + 0.1 * pB2 + 0.7
    pC2 = 0.3 * (1 + T_CB) * pB1 + 0.1 * (1 + T_CA) * pA1 + 0.1 * pC1 + 0.5
    n = r.nodes
    np.testing.assert_allclose(r.prices.to_numpy(), [pA1, pA2, pB1, pB2, pC1, pC2], atol=1e-14)
    assert pC2 == pytest.approx(1.0413, abs=1e-12)
    c2 = n.loc[("C", "s2")]
    direct = 0.3 * T_CB * pB1 + 0.1 * T_CA * pA1  # tariffs C levies on C2's imported inputs
    assert c2["direct"] == pytest.approx(direct, abs=1e-14)
    assert c2["indirect"] == pytest.approx(0.3 * (pB1 - 1), abs=1e-14)  # B's tariff embodied in B1
    assert c2["foreign"] == pytest.approx(0.3 * (pB1 - 1), abs=1e-14)
    assert c2["domestic"] == pytest.approx(direct, abs=1e-14)
    linear = 0.3 * T_CB + 0.1 * T_CA + 0.3 * 0.2 * T_BA
    assert c2["linear"] == pytest.approx(linear, abs=1e-14)
    assert c2["compounding"] == pytest.approx(0.3 * T_CB * (pB1 - 1), abs=1e-14)  # tariff on a tariff
    assert r.by_levying.loc[("C", "s2"), "B"] == pytest.approx(0.3 * (pB1 - 1), abs=1e-14)
    g = r.regions
    # A's exports: A1 -> B1 (20) and A1 -> C2 (10), no upstream tariffs; the destination tariffs count in the total
    assert g.loc["A", "exports"] == 30 and g.loc["A", "exports_tariff_content"] == pytest.approx(0, abs=1e-15)
    assert g.loc["A", "exports_tariff_total"] == pytest.approx((20 * T_BA + 10 * T_CA) / 30, abs=1e-14)
    assert g.loc["A", "exports_foreign_share"] == pytest.approx(1.0)
    # C's exports: 50 of final goods C2 to A (A levies nothing)
    assert g.loc["C", "exports_tariff_total"] == pytest.approx(pC2 - 1, abs=1e-14)
    assert g.loc["C", "exports_foreign_share"] == pytest.approx(0.3 * (pB1 - 1) / (pC2 - 1), abs=1e-12)
    # A's final demand: A1 70, A2 90 and C2 50 imported
    assert g.loc["A", "final_demand"] == 210
    assert g.loc["A", "final_demand_cost_increase"] == pytest.approx(50 * (pC2 - 1) / 210, abs=1e-14)
    # the same tariffs in the other accepted layouts
    as_series = pd.Series({("B", "A"): T_BA, ("C", "B"): T_CB, ("C", "A"): T_CA})
    np.testing.assert_allclose(R.tariff_shock(t, as_series).prices, r.prices, atol=1e-15)
    long3 = pd.Series({("B", "A", s): T_BA for s in ("s1", "s2")} | {("C", "B", "s1"): T_CB, ("C", "A", "s1"): T_CA})
    np.testing.assert_allclose(R.tariff_shock(t, long3).prices, r.prices, atol=1e-15)


def test_small_tariffs_agree_with_the_linear_model(testmrio):
    rng = np.random.default_rng(1)
    regions = list(testmrio.regions)
    base = pd.DataFrame([(i, e, s, rng.uniform(0, 0.3)) for i in regions for e in regions if i != e
                         for s in testmrio.sectors], columns=["importer", "exporter", "sector", "rate"])
    ratios = []
    for eps in (1e-2, 1e-3):
        spec = base.assign(rate=base["rate"] * eps)
        n = R.tariff_shock(testmrio, spec).nodes
        assert (n["compounding"] >= -1e-15).all()
        ratios.append(float(n["compounding"].max()) / eps**2)
        # first order: the gap is second order in the tariffs
        assert float((n["cumulative_tariff"] - n["linear"]).abs().max()) < 10 * eps**2 * 0.3
    assert ratios[0] == pytest.approx(ratios[1], rel=0.05)  # compounding scales with T²


def test_tariff_bad_input(testmrio):
    with pytest.raises(vc.LabelError, match="unknown exporter"):
        R.tariff_shock(testmrio, {"xx": 0.1})
    with pytest.raises(vc.ParameterError, match="domestic flows"):
        R.tariff_shock(testmrio, pd.Series({("reg1", "reg1"): 0.1}))
    with pytest.raises(vc.ParameterError, match="above -1"):
        R.tariff_shock(testmrio, {"reg1": -1.0})
    with pytest.raises(vc.LabelError, match="multi-regional"):
        R.tariff_shock(three(), 0.1)
    with pytest.raises(vc.ParameterError, match="columns importer"):
        R.tariff_shock(testmrio, pd.DataFrame({"a": [1]}))
    with pytest.raises(vc.ConvergenceError, match="spectral radius"):
        R.tariff_shock(testmrio, 1000.0)


# ----------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def wiod2011():
    from valuechain.datasets.wiod import wiod2013_rdata

    return wiod2013_rdata(2011, shared_data("wiod2013"))


def test_wiod_2011_prices_and_tariffs(wiod2011):
    t = wiod2011
    assert t.n == 1435
    r = R.price_shock(t, cost={k: 0.10 for k in t.V.index.get_level_values("kind").unique()})
    busy = t.x.to_numpy() > 0
    np.testing.assert_allclose(r.prices.to_numpy()[busy], 1.10, atol=1e-9)
    # a 10 % rise in Chinese value-added costs raises prices most in China, some abroad
    r = R.price_shock(t, cost={"value_added": pd.Series({"CHN": 0.10})})
    by = r.nodes["price_change"].groupby(level="region").mean()
    assert by.idxmax() == "CHN" and 0.05 < by["CHN"] < 0.10 and (by.drop("CHN") > 0).all()
    assert r.metadata["duality_gap"] < 1e-9
    # a uniform 5 % tariff on every cross-border flow
    tr = R.tariff_shock(t, 0.05)
    n = tr.nodes
    assert (n["cumulative_tariff"] >= -1e-12).all() and (n["compounding"] >= -1e-12).all()
    assert tr.metadata["decomposition_gap"] < 1e-10
    g = tr.regions
    assert np.isfinite(g.to_numpy()).all()
    # every export pays at least the destination's 5 %, plus its upstream tariff content
    assert (g["exports_tariff_total"] > 0.05 - 1e-9).all() and (g["exports_tariff_content"] > 0).all()
    assert (g["exports_foreign_share"].between(0, 1)).all()


def test_brazil_2021_electricity_and_gas_plus_60_percent():
    t = vc.datasets.load("brazil", year=2021)
    node = ("BRA", "Electricity & gas")
    assert node in t.nodes
    r = R.price_shock(t, fixed={"Electricity & gas": 0.6})
    assert r.prices[node] == pytest.approx(1.6)
    fd = r.final_demand
    hh = fd.loc[("BRA", "households"), "cost_increase"]
    # households spend ~ 2-3 % of purchases on electricity & gas directly, more indirectly
    direct_share = t.Y.loc[node, ("BRA", "households")] / fd.loc[("BRA", "households"), "value"]
    assert 0.6 * direct_share < hh < 0.05
    assert fd["cost_increase"].between(0, 0.05).all()
    assert (r.prices >= 1 - 1e-12).all()
    # duality with the fixed sector's implied value-added change
    lhs = float(r.nodes["price_change"] @ t.f)
    rhs = float(r.nodes["implied_value_added_change"].sum())
    assert lhs == pytest.approx(rhs, rel=1e-9)
    assert rhs > 0  # the fixed price rises faster than its costs: its margin grows


# ----------------------------------------------------------------------------- CLI
def test_cli_shock_price_brazil(tmp_path):
    from valuechain.cli import app

    out = tmp_path / "fd.csv"
    res = CliRunner().invoke(app, ["shock-price", "--dataset", "brazil", "--year", "2021", "--fix-price",
                                   "Electricity & gas=+0.6", "--result", "final_demand", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "households" in res.output
    df = pd.read_csv(out, index_col=[0, 1])
    lib = R.price_shock(vc.datasets.load("brazil", year=2021), fixed={"Electricity & gas": 0.6}).final_demand
    assert df.loc[("BRA", "households"), "cost_increase"] == pytest.approx(lib.loc[("BRA", "households"),
                                                                                  "cost_increase"], rel=1e-9)
    res = CliRunner().invoke(app, ["shock-price", "--dataset", "brazil", "--cost", "imports=+0.10",
                                   "--cost", "wages=0.05", "--passthrough", "0.5"])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("args,msg", [
    (["shock-price", "--dataset", "brazil", "--cost", "imports"], "KEY=CHANGE"),
    (["shock-price", "--dataset", "brazil", "--cost", "profits=0.1"], "'cost' parameter"),
    (["shock-price", "--dataset", "brazil", "--fix-price", "Nowhere=0.1"], "unknown node"),
    (["shock-tariff", "--dataset", "testmrio"], "either --tariffs"),
    (["shock-tariff", "--dataset", "testmrio", "--tariff", "zz=0.1"], "unknown exporter"),
])
def test_cli_errors_one_line_exit_2(args, msg):
    from valuechain.cli import app

    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    err = res.stderr if hasattr(res, "stderr") and res.stderr else res.output
    assert msg in err and len(err.strip().splitlines()) == 1


def test_cli_shock_tariff_file(tmp_path):
    from valuechain.cli import app

    f = tmp_path / "t.csv"
    pd.DataFrame({"importer": ["*"], "exporter": ["reg2"], "sector": ["*"], "rate": [0.1]}).to_csv(f, index=False)
    out = tmp_path / "regions.csv"
    res = CliRunner().invoke(app, ["shock-tariff", "--dataset", "testmrio", "--tariffs", str(f), "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out, index_col=0)
    lib = R.tariff_shock(vc.datasets.load("testmrio"), {"reg2": 0.1}).regions
    np.testing.assert_allclose(df.loc[lib.index, "exports_tariff_total"], lib["exports_tariff_total"], rtol=1e-9)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    res = CliRunner().invoke(app, ["shock-tariff", "--dataset", "testmrio", "--tariffs", str(bad)])
    assert res.exit_code == 2


def test_price_section_html():
    from valuechain.views._prices import price_section, price_sections

    r = R.price_shock(vc.datasets.load("brazil", year=2021), fixed={"Electricity & gas": 0.6})
    html = price_section(r)
    assert "households" in html and "Electricity &amp; gas" in html and "http" not in html
    assert all(isinstance(s, vc.views.Section) for s in price_sections(r))
    tr = R.tariff_shock(vc.datasets.load("testmrio"), {"reg2": 0.1})
    assert "reg2" in price_section(tr)


def test_compare_scenarios_side_by_side():
    t = vc.datasets.load("miller_blair")
    p = R.price_shock(t, cost={"value_added": 0.1})
    q = R.demand_shock(t, -0.1 * t.f)
    df = vc.compare.scenarios({"costs": p, "demand": q})
    # homogeneity of both models: +10 % on every primary cost -> +10 % prices; -10 % final demand -> -10 % output
    np.testing.assert_allclose(df["costs"], 10.0, atol=1e-12)
    np.testing.assert_allclose(df["demand"], -10.0, atol=1e-12)
    np.testing.assert_allclose(df["output"], t.x.to_numpy())
    assert df.attrs["runs"]["costs"].startswith("price")
    assert list(vc.compare.scenarios([p, p]).columns) == ["output", "price change %", "price change % (2)"]
    tr = R.tariff_shock(vc.datasets.load("testmrio"), {"reg2": 0.1})
    with pytest.raises(vc.errors.LabelError, match="same nodes"):
        vc.compare.scenarios([p, tr])
    with pytest.raises(vc.errors.ParameterError, match="results"):
        vc.compare.scenarios([1])
    with pytest.raises(vc.errors.ParameterError, match="at least one"):
        vc.compare.scenarios({})


def test_cli_two_word_spelling_of_the_price_commands(tmp_path):
    """`valuechain shock price` / `shock tariff` (the issue's spelling) run shock-price / shock-tariff."""
    from valuechain.cli import app

    a = CliRunner().invoke(app, ["shock", "price", "--dataset", "brazil", "--year", "2021", "--fix-price",
                                 "Electricity & gas=+0.6", "--out", str(tmp_path / "a.csv")])
    b = CliRunner().invoke(app, ["shock-price", "--dataset", "brazil", "--year", "2021", "--fix-price",
                                 "Electricity & gas=+0.6", "--out", str(tmp_path / "b.csv")])
    assert a.exit_code == 0 and b.exit_code == 0, a.output
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    c = CliRunner().invoke(app, ["shock", "tariff", "--dataset", "testmrio", "--tariff", "reg2=0.1"])
    assert c.exit_code == 0, c.output
    d = CliRunner().invoke(app, ["shock", "demand", "--dataset", "testmrio", "--regions", "reg1"])
    assert d.exit_code == 0, d.output
