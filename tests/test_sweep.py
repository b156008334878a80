"""Scenario sweeps (serial and on a Dask LocalCluster) and systemic-risk batches through pmap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from conftest import random_table

res = vc.resilience


def _scenarios(table, count: int = 20, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    out = {}
    for k in range(count):
        s = pd.Series(0.0, index=table.nodes)
        hit = rng.choice(table.n, size=3, replace=False)
        s.iloc[hit] = -rng.uniform(1, 50, 3)
        out[f"shock{k:02d}"] = s
    return out


def test_demand_sweep_equals_single_shocks_and_explicit_inverse():
    t = random_table(3, 4, seed=1)
    sc = _scenarios(t, 7)
    df = res.sweep(t, sc, chunk=3)
    assert list(df.index) == list(sc) and df.index.name == "scenario"
    L = np.linalg.inv(np.eye(t.n) - t.A.to_numpy())  # independent oracle
    for name, s in sc.items():
        loss = -(L @ s.to_numpy())
        assert df.loc[name, "output_loss"] == pytest.approx(loss.sum(), rel=1e-10)
        single = res.demand_shock(t, s).total
        for col in ("output_loss", "output_loss_share", "value_added_loss", "value_added_loss_share"):
            assert df.loc[name, col] == pytest.approx(single[col], rel=1e-10, abs=1e-12)
    assert df.attrs["metric"] == "shock_sweep" and df.attrs["model"] == "demand_shock"


@pytest.mark.parametrize("model", ["supply_shock", "inoperability"])
def test_other_models_equal_single_calls(model):
    t = random_table(2, 3, seed=4)
    scen = [vc.resilience.Scenario(demand={"R0": 0.1}, supply={"s1": 0.2}, by="region" if model != "supply_shock"
                                   else "sector", name="a"),
            pd.Series(np.linspace(0.01, 0.06, t.n), index=t.nodes, name="b")]
    df = res.sweep(t, scen, model=model, per_node=True)
    assert df.index.names == ["scenario", "region", "sector"]
    fn = getattr(res, model)
    for name, s in zip(["a", "b"], scen):
        single = fn(t, s).nodes
        np.testing.assert_allclose(df.loc[name, "output_loss"].to_numpy(), single["output_loss"].to_numpy(),
                                   rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(df.loc[name, "value_added_loss_share"].to_numpy(),
                                   single["value_added_loss_share"].to_numpy(), rtol=1e-10, atol=1e-12)


def test_sweep_inputs_and_errors(mb):
    frame = pd.DataFrame({"x": [-10.0, 0.0], "y": [0.0, -10.0]}, index=mb.nodes)
    df = res.sweep(mb, frame)
    assert list(df.index) == ["x", "y"]
    seen = []
    res.sweep(mb, [frame["x"], frame["y"]], chunk=1, progress=lambda d, n: seen.append((d, n)))
    assert seen == [(1, 2), (2, 2)]
    with pytest.raises(vc.ParameterError, match="'model' parameter of sweep"):
        res.sweep(mb, frame, model="ghosh")
    with pytest.raises(vc.ParameterError, match="'scenarios' parameter of sweep"):
        res.sweep(mb, frame["x"])
    with pytest.raises(vc.LabelError, match="duplicated scenario"):
        res.sweep(mb, [frame["x"].rename("a"), frame["y"].rename("a")])
    with pytest.raises(vc.LabelError, match="unknown node"):
        res.sweep(mb, {"bad": pd.Series([1.0], index=pd.MultiIndex.from_tuples([("MB", "zz")]))})


@pytest.fixture(scope="module")
def dask_cluster():
    pytest.importorskip("dask.distributed")
    vc.config(scheduler="local", n_workers=2)
    try:
        yield
    finally:
        vc.config(scheduler=None)


@pytest.mark.slow
def test_localcluster_sweep_equals_serial(dask_cluster):
    t = random_table(4, 5, seed=2)
    sc = _scenarios(t, 20, seed=3)
    vc.config(scheduler=None)
    serial = res.sweep(t, sc, chunk=4)
    serial_nodes = res.sweep(t, sc, chunk=4, per_node=True)
    vc.config(scheduler="local", n_workers=2)
    from valuechain._parallel import _client

    assert len(_client().scheduler_info()["workers"]) == 2
    dist = res.sweep(t, sc, chunk=4)
    dist_nodes = res.sweep(t, sc, chunk=4, per_node=True)
    pd.testing.assert_frame_equal(dist, serial, check_exact=False, rtol=1e-12, atol=1e-12)
    pd.testing.assert_frame_equal(dist_nodes, serial_nodes, check_exact=False, rtol=1e-12, atol=1e-12)


@pytest.mark.slow
def test_localcluster_systemic_risk_equals_serial(dask_cluster, testmrio):
    vc.config(scheduler=None)
    serial = res.systemic_risk(testmrio, batch=8)
    vc.config(scheduler="local", n_workers=2)
    seen = []
    dist = res.systemic_risk(testmrio, batch=8, progress=lambda d, n: seen.append(d))
    pd.testing.assert_series_equal(dist, serial, check_exact=False, rtol=1e-12, atol=1e-12)
    assert seen[-1] == testmrio.n
