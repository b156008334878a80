"""Static shocks: Leontief demand, Ghosh supply, IIM, extraction, decoupling, scenarios, CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import valuechain as vc
from valuechain.cli import app

from conftest import random_table

res = vc.resilience


def test_iim_miller_blair_values(mb):
    # METHODS.md 5.2 (T26): c* = (0.1, 0) -> q = (0.125413, 0.013201), losses (125.41, 26.40)
    r = res.inoperability(mb, pd.Series([0.1, 0.0], index=mb.nodes))
    np.testing.assert_allclose(r.nodes["inoperability"], [0.125413, 0.013201], atol=5e-7)
    np.testing.assert_allclose(r.nodes["output_loss"], [125.41, 26.40], atol=5e-3)
    assert r.model == "inoperability"
    assert r.nodes.attrs["metric"] == "inoperability"


@pytest.mark.parametrize("seed", [0, 1])
def test_astar_equals_B_and_iim_is_ghosh(seed):
    t = random_table(3, 4, seed=seed)
    x = t.x.to_numpy()
    astar = np.diag(1 / x) @ t.A.to_numpy() @ np.diag(x)
    np.testing.assert_allclose(astar, t.B.to_numpy(), atol=1e-12)
    G = np.linalg.inv(np.eye(t.n) - astar)
    np.testing.assert_allclose(G, t.G.to_numpy(), atol=1e-10)
    c = pd.Series(np.random.default_rng(seed).uniform(0, 0.2, t.n), index=t.nodes)
    q = res.inoperability(t, c).nodes["inoperability"].to_numpy()
    np.testing.assert_allclose(q, G @ c.to_numpy(), rtol=1e-10)


def test_demand_shock_is_L_df(rand_table):
    t = rand_table
    df = pd.Series(np.random.default_rng(3).normal(0, 10, t.n), index=t.nodes)
    r = res.demand_shock(t, df)
    Linv = np.linalg.inv(np.eye(t.n) - t.Z.to_numpy() / t.x.to_numpy()[None, :])
    np.testing.assert_allclose(r.nodes["output_change"], Linv @ df.to_numpy(), rtol=1e-9, atol=1e-9)
    # aggregates add up
    assert r.total["output_loss"] == pytest.approx(-float((Linv @ df.to_numpy()).sum()))
    assert r.by_region["output_loss"].sum() == pytest.approx(r.total["output_loss"])
    assert r.by_sector["output_loss"].sum() == pytest.approx(r.total["output_loss"])


def test_supply_shock_miller_blair(mb):
    # dx' = dv' G with G = [[1.254125, 0.660066], [0.132013, 1.122112]] (METHODS.md T1)
    r = res.supply_shock(mb, pd.Series([-100.0, -50.0], index=mb.nodes))
    G = np.array([[1.254125, 0.660066], [0.132013, 1.122112]])
    np.testing.assert_allclose(r.nodes["output_change"], np.array([-100.0, -50.0]) @ G, atol=1e-3)
    np.testing.assert_allclose(r.nodes["value_added_change"], [-100.0, -50.0])


def test_demand_shock_equals_total_extraction_general_identity(rand_table):
    # total extraction of k loses 1'L[:,k] x_k / l_kk = the loss of the demand shock df = -(x_k / l_kk) e_k
    t = rand_table
    hem = vc.position.extraction(t)["total"]
    L = np.linalg.inv(np.eye(t.n) - t.A.to_numpy())
    for k in (0, 5, t.n - 1):
        df = pd.Series(0.0, index=t.nodes)
        df.iloc[k] = -t.x.iloc[k] / L[k, k]
        loss = res.demand_shock(t, df).total["output_loss"]
        assert loss == pytest.approx(hem.iloc[k], rel=1e-9)


def test_demand_shock_equals_extraction_of_final_goods_node():
    # a node that sells only to final users: removing all its final demand == extracting it
    nodes = pd.MultiIndex.from_product([["R"], ["a", "b", "c"]], names=["region", "sector"])
    Z = pd.DataFrame([[20.0, 30.0, 10.0], [15.0, 5.0, 25.0], [0.0, 0.0, 0.0]], index=nodes, columns=nodes)
    Y = pd.DataFrame({"hh": [140.0, 155.0, 120.0]}, index=nodes)
    t = vc.IOTable(Z, Y)
    df = pd.Series([0.0, 0.0, -120.0], index=nodes)
    loss = res.demand_shock(t, df).total["output_loss"]
    assert loss == pytest.approx(vc.position.extraction(t)["total"].iloc[2], rel=1e-12)
    ext = res.extraction(t, nodes=[("R", "c")])
    assert ext.total["output_loss"] == pytest.approx(loss, rel=1e-12)
    # by hand: x_c = 120 and the inputs of c: L[:, c] * 120
    A = Z.to_numpy() / t.x.to_numpy()[None, :]
    hand = np.linalg.solve(np.eye(3) - A, np.array([0.0, 0.0, 120.0])).sum()
    assert loss == pytest.approx(hand, rel=1e-12)


@pytest.mark.parametrize("kind", ["total", "backward", "forward"])
def test_extraction_matches_position_extraction(testmrio, kind):
    ours = res.extraction(testmrio, regions=["reg2"], kind=kind)
    ref = vc.position.extraction(testmrio, regions=["reg2"])
    assert ours.total["output_loss"] == pytest.approx(ref[kind], rel=1e-8)


def test_extraction_miller_blair(mb):
    assert res.extraction(mb, sectors=["s1"]).total["output_loss"] == pytest.approx(1210.526, abs=1e-3)
    assert res.extraction(mb, sectors=["s2"]).total["output_loss_share"] == pytest.approx(0.8627, abs=1e-4)


def test_decoupling_matches_manual_solve():
    t = random_table(3, 3, seed=4)
    r = res.decoupling(t, "R0")
    A = t.A.to_numpy().copy()
    S = np.asarray(t.nodes.get_level_values("region") == "R0")
    A[np.ix_(S, ~S)] = 0
    A[np.ix_(~S, S)] = 0
    xbar = np.linalg.solve(np.eye(t.n) - A, t.f.to_numpy())
    np.testing.assert_allclose(r.nodes["output_change"], xbar - t.x.to_numpy(), rtol=1e-9, atol=1e-8)
    assert r.total["output_loss"] > 0
    rf = res.decoupling(t, ["R0"], final_demand=True)
    assert rf.total["output_loss"] > r.total["output_loss"]


def test_decoupling_without_trade_loses_nothing():
    nodes = pd.MultiIndex.from_product([["A", "B"], ["s"]], names=["region", "sector"])
    Z = pd.DataFrame([[10.0, 0.0], [0.0, 20.0]], index=nodes, columns=nodes)
    Y = pd.DataFrame([[90.0, 0.0], [0.0, 80.0]], index=nodes,
                     columns=pd.MultiIndex.from_tuples([("A", "hh"), ("B", "hh")], names=["region", "category"]))
    t = vc.IOTable(Z, Y)
    assert res.decoupling(t, "A").total["output_loss"] == pytest.approx(0.0, abs=1e-12)


def test_scenario_by_region_share(testmrio):
    sc = res.Scenario(demand={"reg1": 0.2}, by="region", kind="share", name="reg1 -20%")
    r = res.demand_shock(testmrio, sc)
    f = testmrio.f.to_numpy()
    reg = np.asarray(testmrio.nodes.get_level_values("region") == "reg1")
    expected_df = np.where(reg, -0.2 * f, 0.0)
    np.testing.assert_allclose(r.nodes["final_demand_change"], expected_df)
    assert r.nodes.attrs["scenario"]["name"] == "reg1 -20%"
    # same as the plain-Series form
    r2 = res.demand_shock(testmrio, pd.Series(expected_df, index=testmrio.nodes))
    np.testing.assert_allclose(r.nodes["output_loss"], r2.nodes["output_loss"])


def test_scenario_absolute_split_and_inoperability(mb):
    sc = res.Scenario(demand={"MB": 100.0}, by="region", kind="absolute")
    v = sc.vector(mb, "demand")
    np.testing.assert_allclose(v, 100.0 * np.array([350.0, 1700.0]) / 2050.0)
    r = res.inoperability(mb, res.Scenario(demand={("MB", "s1"): 100.0}, kind="absolute"))
    np.testing.assert_allclose(r.nodes["inoperability"], [0.125413, 0.013201], atol=5e-7)


def test_errors(mb):
    with pytest.raises(vc.LabelError, match="unknown sector"):
        res.Scenario(demand={"nope": 0.1}, by="sector").vector(mb, "demand")
    with pytest.raises(vc.ParameterError, match="'by' parameter of Scenario"):
        res.Scenario(by="country")
    with pytest.raises(vc.ParameterError, match="'shock' parameter of demand_shock"):
        res.demand_shock(mb, [1, 2])
    bad = pd.Series([1.0], index=pd.MultiIndex.from_tuples([("MB", "zz")]))
    with pytest.raises(vc.LabelError, match="unknown node"):
        res.inoperability(mb, bad)


def test_inputs_not_mutated(mb):
    s = pd.Series([0.1, 0.0], index=mb.nodes)
    before = (mb.Z.copy(), s.copy())
    res.inoperability(mb, s)
    res.decoupling(mb, "MB")
    pd.testing.assert_frame_equal(mb.Z, before[0])
    pd.testing.assert_series_equal(s, before[1])


def test_cli_shock():
    runner = CliRunner()
    r = runner.invoke(app, ["shock", "inoperability", "-d", "miller_blair", "--sectors", "s1", "--share", "0.1",
                            "--per", "node"])
    assert r.exit_code == 0, r.output
    assert "inoperability" in r.output
    r = runner.invoke(app, ["shock", "supply", "-d", "testmrio", "--regions", "reg1"])
    assert r.exit_code == 0, r.output
    bad = runner.invoke(app, ["shock", "demand", "-d", "testmrio", "--regions", "atlantis"])
    assert bad.exit_code == 2
    assert "atlantis" in bad.output and len(bad.output.strip().splitlines()) == 1
