"""Dynamic IIM and the disequilibrium production-network simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from conftest import random_table

res = vc.resilience


def three_sector() -> vc.IOTable:
    nodes = pd.MultiIndex.from_product([["R"], ["a", "b", "c"]], names=["region", "sector"])
    Z = pd.DataFrame([[10.0, 20.0, 5.0], [15.0, 5.0, 10.0], [5.0, 10.0, 10.0]], index=nodes, columns=nodes)
    Y = pd.DataFrame({"hh": [65.0, 50.0, 35.0]}, index=nodes)  # x = (100, 80, 60)
    return vc.IOTable(Z, Y, meta={"name": "three", "unit": "EUR"})


def loop_model(Z, x, days, eps, start, end, n_days, tau, dem=None):
    """Independent scalar implementation, stocks S_ij in input units (S = A s)."""
    n = len(x)
    A = [[Z[i][j] / x[j] for j in range(n)] for i in range(n)]
    xb = [xi / 365.0 for xi in x]
    cb = [(x[i] - sum(Z[i])) / 365.0 for i in range(n)]
    S = [[n_days * A[i][j] * xb[j] for j in range(n)] for i in range(n)]
    dprev = list(xb)
    path = []
    for t in range(days):
        on = start <= t < end
        lab = [xb[i] * (1 - eps[i]) if on else xb[i] for i in range(n)]
        c = [cb[i] * (1 - (dem[i] if (dem and on) else 0.0)) for i in range(n)]
        O = [[max(0.0, A[i][j] * dprev[j] + (n_days * A[i][j] * xb[j] - S[i][j]) / tau) for j in range(n)]
             for i in range(n)]
        d = [sum(O[i]) + c[i] for i in range(n)]
        inp = [min(S[i][j] / A[i][j] for i in range(n) if A[i][j] > 0) for j in range(n)]
        out = [min(lab[j], inp[j], d[j]) for j in range(n)]
        r = [out[i] / d[i] if d[i] > 0 else 1.0 for i in range(n)]
        for i in range(n):
            for j in range(n):
                S[i][j] += r[i] * O[i][j] - A[i][j] * out[j]
        dprev = d
        path.append([o * 365.0 for o in out])
    return np.array(path)


@pytest.mark.parametrize("production", ["leontief", "critical", "linear"])
@pytest.mark.parametrize("engine", ["dense", "sparse"])
def test_no_shock_stays_at_steady_state(production, engine):
    t = random_table(3, 4, seed=2, density=0.6)
    r = res.simulate(t, None, days=365, production=production, engine=engine)
    x = t.x.to_numpy()
    assert np.abs(r.output.to_numpy() / x[None, :] - 1).max() < 1e-9
    assert np.abs(r.total["value_added_share"] - 1).max() < 1e-9
    np.testing.assert_allclose(r.baseline["value_added"].sum(), t.v.sum(), rtol=1e-9)


def test_labour_shock_leontief_matches_hand_loops():
    t = three_sector()
    sc = res.Scenario(labour={"a": 0.5}, by="sector", start=0, end=10)
    r = res.simulate(t, sc, days=40, production="leontief", inventory_days=3.0, tau=2.0)
    expected = loop_model(t.Z.to_numpy().tolist(), t.x.tolist(), 40, [0.5, 0.0, 0.0], 0, 10, 3.0, 2.0)
    np.testing.assert_allclose(r.output.to_numpy(), expected, rtol=1e-10, atol=1e-10)
    # reasoning: on day 0 only the shocked sector is capped at half its output
    np.testing.assert_allclose(r.output.iloc[0].to_numpy(), [50.0, 80.0, 60.0], rtol=1e-12)
    # the shock propagates: b and c fall below baseline while a is short of inputs or labour
    assert (r.output.iloc[5, 1:] < t.x.iloc[1:] - 1e-6).all()
    # and the economy recovers after the shock
    assert abs(r.total["output_share"].iloc[-1] - 1) < 0.02


def test_demand_shock_matches_hand_loops():
    t = three_sector()
    sc = res.Scenario(demand={"b": 0.3}, by="sector", start=2, end=12)
    r = res.simulate(t, sc, days=30, inventory_days=5.0, tau=4.0)
    expected = loop_model(t.Z.to_numpy().tolist(), t.x.tolist(), 30, [0.0] * 3, 2, 12, 5.0, 4.0,
                          dem=[0.0, 0.3, 0.0])
    np.testing.assert_allclose(r.output.to_numpy(), expected, rtol=1e-10, atol=1e-10)
    # consumption of b falls by 30 % while the shock is on (b is never short of capacity)
    cb = 50.0
    assert r.consumption.iloc[5, 1] == pytest.approx(0.7 * cb, rel=1e-9)


def test_critical_all_true_equals_leontief_and_linear_is_milder():
    t = random_table(2, 3, seed=5)
    sc = res.Scenario(labour={"R0": 0.6}, by="region", start=0, end=40)
    leo = res.simulate(t, sc, days=60, production="leontief", inventory_days=2.0)
    allc = np.ones((t.n, t.n), dtype=bool)
    cri = res.simulate(t, sc, days=60, production="critical", critical=allc, inventory_days=2.0)
    np.testing.assert_allclose(cri.output.to_numpy(), leo.output.to_numpy(), rtol=1e-12)
    nonc = res.simulate(t, sc, days=60, production="critical", critical=np.zeros((t.n, t.n), bool),
                        inventory_days=2.0)
    lin = res.simulate(t, sc, days=60, production="linear", inventory_days=2.0)
    # fewer binding inputs -> no more loss than Leontief
    assert nonc.total["output"].sum() >= leo.total["output"].sum() - 1e-6
    assert lin.total["output"].sum() >= leo.total["output"].sum() - 1e-6
    # with no critical input, only the directly shocked labour binds: R1 outputs stay at demand
    assert nonc.loss("output").loc["R0"].min() > 0


def test_dense_and_sparse_engines_agree():
    t = random_table(3, 4, seed=7, density=0.3)
    sc = res.Scenario(labour={"R1": 0.4}, demand={"R2": 0.2}, by="region", start=3, end=30)
    for production in ("leontief", "critical", "linear"):
        a = res.simulate(t, sc, days=80, production=production, engine="dense", block_size=5)
        b = res.simulate(t, sc, days=80, production=production, engine="sparse")
        np.testing.assert_allclose(a.output.to_numpy(), b.output.to_numpy(), rtol=1e-9, atol=1e-9)


def test_result_shapes_and_aggregates(testmrio):
    sc = res.Scenario(labour={"reg2": 0.3}, by="region", start=0, end=20, name="reg2 lockdown")
    r = res.simulate(testmrio, sc, days=30)
    assert r.output.shape == (30, testmrio.n)
    assert r.output.index.name == "day"
    np.testing.assert_allclose(r.by_region("value_added").sum(axis=1), r.total["value_added"], rtol=1e-12)
    np.testing.assert_allclose(r.by_sector("output").sum(axis=1), r.total["output"], rtol=1e-12)
    assert r.scenario["name"] == "reg2 lockdown"
    assert r.output.attrs["production"] == "leontief"
    assert r.total["output_share"].min() < 1


def test_dynamic_iim_converges_to_static(mb):
    c = pd.Series([0.1, 0.0], index=mb.nodes)
    q = res.dynamic_inoperability(mb, c, days=300, k=0.3)
    static = res.inoperability(mb, c).nodes["inoperability"].to_numpy()
    np.testing.assert_allclose(q.iloc[-1].to_numpy(), static, atol=1e-10)
    # first step by hand: q(1) = K c*
    np.testing.assert_allclose(q.iloc[1].to_numpy(), [0.03, 0.0], atol=1e-15)
    # recovery after the perturbation ends
    sc = res.Scenario(demand={("MB", "s1"): 35.0}, kind="absolute", end=50)  # c* = 35/1000... of f
    q2 = res.dynamic_inoperability(mb, sc, days=200, k=0.3)
    assert q2.iloc[-1].abs().max() < 1e-8 and q2.iloc[40].max() > 0


def test_simulate_errors(mb):
    with pytest.raises(vc.ParameterError, match="'production' parameter of simulate"):
        res.simulate(mb, None, production="cobb-douglas")
    with pytest.raises(vc.ParameterError, match="'tau' parameter of simulate"):
        res.simulate(mb, None, tau=0.5)
    with pytest.raises(vc.ParameterError, match="'scenario' parameter of simulate"):
        res.simulate(mb, {"labour": 1})
