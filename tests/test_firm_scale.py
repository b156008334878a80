"""Firm-level networks: demand shocks on sparse SupplyGraphs, without dense N x N matrices."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import valuechain as vc

res = vc.resilience


def firm_graph(n: int, m: int, seed: int = 0, input_share: float = 0.6) -> vc.SupplyGraph:
    """Random firm network: heavy-tailed out-degrees, lognormal flows, output = inputs / input_share."""
    rng = np.random.default_rng(seed)
    w = rng.pareto(1.5, n) + 1.0
    src = rng.choice(n, size=m, p=w / w.sum())
    dst = rng.integers(0, n, m)
    keep = src != dst
    W = sp.csr_matrix((rng.lognormal(0.0, 1.0, keep.sum()), (src[keep], dst[keep])), shape=(n, n))
    inputs = np.asarray(W.sum(axis=0)).ravel()
    sales = np.asarray(W.sum(axis=1)).ravel()
    x = np.maximum(inputs / input_share, sales / 0.9) + 1.0
    nodes = pd.Index(np.arange(n), name="node")
    return vc.SupplyGraph(adjacency=W, nodes=nodes, weight="flow",
                          node_attrs=pd.DataFrame({"output": x}, index=nodes), meta=vc.TableMeta())


def test_graph_shock_equals_table_shock(testmrio):
    g = vc.supply_graph(testmrio, self_loops=True)
    rng = np.random.default_rng(0)
    df = pd.Series(-rng.uniform(0, 5, testmrio.n), index=testmrio.nodes)
    want = res.demand_shock(testmrio, df).nodes
    for solver in ("auto", "splu", "gmres", "bicgstab", "neumann"):
        got = res.demand_shock(g, df, solver=solver, tol=1e-12)
        np.testing.assert_allclose(got.nodes["output_change"], want["output_change"], rtol=1e-8, atol=1e-9)
        np.testing.assert_allclose(got.nodes["value_added_loss"], want["value_added_loss"], rtol=1e-8, atol=1e-9)
        assert got.nodes.index.equals(testmrio.nodes)
    by_region = res.demand_shock(g, df).by_region
    np.testing.assert_allclose(by_region["output_loss"], res.demand_shock(testmrio, df).by_region["output_loss"],
                               rtol=1e-8)
    # a Scenario works for (region, sector) graphs
    sc = res.Scenario(demand={"reg2": 0.1}, by="region")
    want = res.demand_shock(testmrio, sc).nodes["output_loss"]
    # default tol 1e-10 bounds the error in the 1-norm (relative to the total change)
    np.testing.assert_allclose(res.demand_shock(g, sc).nodes["output_loss"], want, rtol=0,
                               atol=1e-10 * want.abs().sum())


def test_small_graph_by_hand():
    # a -> b -> c chain: c buys half its output's worth from b, b half from a
    W = sp.csr_matrix(np.array([[0.0, 40.0, 0.0], [0.0, 0.0, 30.0], [0.0, 0.0, 0.0]]))
    nodes = pd.Index(["a", "b", "c"], name="node")
    g = vc.SupplyGraph(adjacency=W, nodes=nodes, weight="flow",
                       node_attrs=pd.DataFrame({"output": [100.0, 80.0, 60.0]}, index=nodes), meta=vc.TableMeta())
    r = res.demand_shock(g, pd.Series({"c": -6.0}))
    np.testing.assert_allclose(r.nodes["output_loss"], [1.5, 3.0, 6.0])
    # value added = output - inputs: (100, 40, 30); coefficients 1, 0.5, 0.5
    np.testing.assert_allclose(r.nodes["value_added_loss"], [1.5, 1.5, 3.0])
    assert r.total["output_loss"] == pytest.approx(10.5)


def test_graph_errors():
    g = firm_graph(50, 200)
    with pytest.raises(vc.LabelError, match="unknown node"):
        res.demand_shock(g, pd.Series({999: -1.0}))
    with pytest.raises(vc.ParameterError, match="'solver' parameter of demand_shock"):
        res.demand_shock(g, pd.Series({1: -1.0}), solver="inverse")
    with pytest.raises(vc.ConvergenceError, match="did not converge"):
        res.demand_shock(g, pd.Series({1: -1.0}), solver="neumann", max_iter=2)
    with pytest.raises(vc.ConvergenceError, match="gmres did not converge"):
        res.demand_shock(g, pd.Series({1: -1.0}), solver="gmres", max_iter=1, tol=1e-15)
    no_output = vc.SupplyGraph(adjacency=g.adjacency, nodes=g.nodes, weight="flow",
                               node_attrs=pd.DataFrame(index=g.nodes), meta=vc.TableMeta())
    with pytest.raises(vc.ParameterError, match="'output' node attribute"):
        res.demand_shock(no_output, pd.Series({1: -1.0}))
    shares = g.with_adjacency(g.adjacency * 0.001)
    shares = vc.SupplyGraph(adjacency=shares.adjacency, nodes=g.nodes, weight="input_share",
                            node_attrs=g.node_attrs, meta=vc.TableMeta())
    with pytest.raises(vc.ParameterError, match="weight='flow'"):
        res.demand_shock(shares, pd.Series({1: -1.0}))
    with pytest.raises(vc.ParameterError, match="Scenario needs"):
        res.demand_shock(g, res.Scenario(demand={"R": 0.1}, by="region"))


def test_200k_node_graph_without_dense_matrices():
    n, m = 200_000, 800_000
    g = firm_graph(n, m, seed=1)
    shock = pd.Series(-np.linspace(1.0, 100.0, 1000), index=pd.Index(np.arange(0, n, n // 1000), name="node"))
    tracemalloc.start()
    try:
        r = res.demand_shock(g, shock)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # a dense 200k x 200k matrix would be 320 GB; everything here is O(nodes + edges)
    assert peak < 400 * 2**20, f"peak traced memory {peak / 2**20:.0f} MB"
    dx = r.nodes["output_change"].to_numpy()
    dfin = r.nodes["final_demand_change"].to_numpy()
    A = vc.resilience.sparse.technical_coefficients(g)
    resid = dfin - (dx - A @ dx)
    assert np.abs(resid).max() <= 1e-8 * np.abs(dfin).max()
    assert (dx <= 1e-12).all() and dx.sum() < dfin.sum()  # losses spread upstream: total loss > direct loss
    assert r.nodes.attrs["solver"] == "neumann" and r.nodes.attrs["iterations"] < 100
