"""SupplyGraph construction, filters, aggregation, views and exports."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import scipy.sparse as sp

import valuechain as vc
from valuechain.errors import LabelError, ParameterError
from valuechain.graph import SupplyGraph, bipartite_graph, supply_graph, trade_graph

from conftest import random_table


def test_flow_graph_matches_Z(mb):
    g = supply_graph(mb, self_loops=True)
    assert isinstance(g, SupplyGraph) and g.weight == "flow"
    np.testing.assert_array_equal(g.adjacency.toarray(), mb.Z.to_numpy())
    assert g.nodes.equals(mb.nodes)
    assert list(g.node_attrs.columns) == ["output", "value_added", "final_demand", "region", "sector"]
    np.testing.assert_allclose(g.node_attrs["output"], [1000, 2000])
    np.testing.assert_allclose(g.node_attrs["final_demand"], [350, 1700])
    g0 = supply_graph(mb)
    assert g0.m == 2 and g0.adjacency.diagonal().sum() == 0


@pytest.mark.parametrize("weight", ["input_share", "output_share", "total_requirement", "value_added"])
def test_weights_against_textbook(rand_table, weight):
    t = rand_table
    g = supply_graph(t, weight, self_loops=True, threshold=0)
    x = t.x.to_numpy()
    Z = t.Z.to_numpy()
    Lm = np.linalg.inv(np.eye(t.n) - Z / x[None, :])
    expect = {
        "input_share": Z / x[None, :],
        "output_share": Z / x[:, None],
        "total_requirement": Lm,
        "value_added": (t.v.to_numpy() / x)[:, None] * Lm * t.f.to_numpy()[None, :],
    }[weight]
    np.testing.assert_allclose(g.adjacency.toarray(), expect, rtol=1e-10, atol=1e-12)
    assert g.weight_description


def test_value_added_identities(rand_table):
    g = supply_graph(rand_table, "value_added", self_loops=True, threshold=0)
    np.testing.assert_allclose(g.out_strength, rand_table.v.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(g.in_strength, rand_table.f.to_numpy(), rtol=1e-9)


def test_dense_weights_thresholded_by_default(rand_table):
    g = supply_graph(rand_table, "total_requirement")
    n = rand_table.n
    assert g.m == pytest.approx(0.1 * n * (n - 1), abs=2)
    assert "quantile=0.9" in g.meta.history[-1]


def test_filters(rand_table):
    t = rand_table
    Z = t.Z.to_numpy()
    reg = t.nodes.get_level_values("region").to_numpy()
    same = reg[:, None] == reg[None, :]
    dom = supply_graph(t, edges="domestic").adjacency.toarray()
    np.testing.assert_array_equal(dom, np.where(same & ~np.eye(t.n, dtype=bool), Z, 0))
    cb = supply_graph(t, edges="cross_border").adjacency.toarray()
    np.testing.assert_array_equal(cb, np.where(~same, Z, 0))
    thr = np.median(Z)
    gt = supply_graph(t, self_loops=True, threshold=thr)
    assert gt.m == (Z >= thr).sum() and gt.adjacency.data.min() >= thr
    gq = supply_graph(t, self_loops=True, quantile=0.75)
    assert gq.m == (Z >= np.quantile(Z[Z > 0], 0.75)).sum()


def test_top_k_reference_loop():
    t = random_table(2, 5, seed=3)
    k = 2
    g = supply_graph(t, top_k=k)
    W = supply_graph(t).adjacency.toarray()
    keep = np.zeros_like(W, dtype=bool)
    for i in range(t.n):  # reference: loop over nodes
        out = [j for j in np.argsort(-W[i]) if W[i, j] > 0][:k]
        keep[i, out] = True
        inn = [j for j in np.argsort(-W[:, i]) if W[j, i] > 0][:k]
        keep[inn, i] = True
    np.testing.assert_array_equal(g.adjacency.toarray() > 0, keep)


def test_bad_parameters(mb):
    with pytest.raises(ParameterError, match="'weight' parameter of supply_graph"):
        supply_graph(mb, "nope")
    with pytest.raises(ParameterError, match="'edges'"):
        supply_graph(mb, edges="foreign")
    with pytest.raises(ParameterError, match="'quantile'"):
        supply_graph(mb, quantile=1.5)
    with pytest.raises(ParameterError, match="'top_k'"):
        supply_graph(mb, top_k=0)


def test_inputs_not_mutated(rand_table):
    Z0 = rand_table.Z.copy()
    g = supply_graph(rand_table, "input_share", top_k=2, edges="domestic")
    pd.testing.assert_frame_equal(rand_table.Z, Z0)
    data0 = g.adjacency.data.copy()
    vc.network.backbone(g)
    vc.network.centrality(g)
    np.testing.assert_array_equal(g.adjacency.data, data0)


def test_edges_frame(testmrio):
    g = supply_graph(testmrio)
    e = g.edges
    assert len(e) == g.m
    assert {"source", "target", "weight", "source_region", "source_sector", "target_region", "target_sector"} <= set(e.columns)
    r = e.iloc[5]
    assert testmrio.Z.loc[r["source"], r["target"]] == r["weight"]
    assert r["source"] == (r["source_region"], r["source_sector"])


def test_aggregate_region_and_sector(testmrio):
    t = testmrio
    g = supply_graph(t, self_loops=True)
    cg = g.aggregate("region")
    ref = t.Z.groupby(level="region").sum().T.groupby(level="region").sum().T
    ref = ref.loc[cg.nodes, cg.nodes].to_numpy().copy()
    np.fill_diagonal(ref, 0)
    np.testing.assert_allclose(cg.adjacency.toarray(), ref)
    assert cg.nodes.name == "region"
    np.testing.assert_allclose(cg.node_attrs["output"], t.x.groupby(level="region").sum().loc[cg.nodes])
    sg = g.aggregate("sector", self_loops=True)
    assert sg.nodes.name == "sector" and sg.adjacency.sum() == pytest.approx(t.Z.to_numpy().sum())
    # share weights aggregate consistently: country input shares = country flows / country output
    ca = supply_graph(t, "input_share", self_loops=True).aggregate("region")
    xr = t.x.groupby(level="region").sum().loc[cg.nodes].to_numpy()
    np.testing.assert_allclose(ca.adjacency.toarray(), cg.adjacency.toarray() / xr[None, :], rtol=1e-10)
    with pytest.raises(ParameterError, match="not additive"):
        supply_graph(t, "total_requirement").aggregate("region")
    with pytest.raises(ParameterError, match="'by' parameter"):
        g.aggregate("country")


def test_views_roundtrip(testmrio):
    g = supply_graph(testmrio, top_k=3)
    G = g.to_networkx()
    assert G.number_of_nodes() == g.n and G.number_of_edges() == g.m
    np.testing.assert_allclose(nx.to_scipy_sparse_array(G, nodelist=list(g.nodes)).toarray(), g.adjacency.toarray())
    ig = g.to_igraph()
    assert ig.vcount() == g.n and ig.ecount() == g.m and ig.is_directed()
    assert ig.vs["name"][0] == "reg1|food"
    e = ig.es[0]
    assert e["weight"] == g.adjacency[e.source, e.target]


def test_subgraph(testmrio):
    g = supply_graph(testmrio)
    s = g.subgraph([("reg1", "food"), ("reg2", "food")])
    np.testing.assert_allclose(s.adjacency.toarray(), testmrio.Z.iloc[[0, 8], [0, 8]].to_numpy() * (1 - np.eye(2)))
    with pytest.raises(LabelError, match="unknown node"):
        g.subgraph([("regX", "food")])


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".parquet"])
def test_write(tmp_path, testmrio, suffix):
    g = supply_graph(testmrio, top_k=2)
    p = g.write(tmp_path / f"g{suffix}")
    assert p.exists() and not list(tmp_path.glob(".*part"))
    if suffix == ".graphml":
        G = nx.read_graphml(p)
        assert G.number_of_edges() == g.m
        assert G.nodes["reg1|food"]["region"] == "reg1"
    elif suffix == ".gexf":
        G = nx.read_gexf(p)
        assert G.number_of_edges() == g.m
    else:
        tab = pq.read_table(p)
        df = tab.to_pandas()
        assert len(df) == g.m and df["weight"].sum() == pytest.approx(g.adjacency.sum())
        md = json.loads(tab.schema.metadata[b"valuechain"])
        assert md["weight"] == "flow" and md["meta"]["name"] == "testmrio"
    with pytest.raises(ParameterError, match="graphml"):
        g.write(tmp_path / "g.xlsx")


def _trade_frame():
    return pd.DataFrame({
        "year": [2020] * 6 + [2021],
        "exporter": ["DEU", "DEU", "FRA", "CHN", "CHN", "USA", "DEU"],
        "importer": ["FRA", "CHN", "DEU", "DEU", "USA", "CHN", "FRA"],
        "product": ["8703", "8703", "8703", "8517", "8517", "8703", "8703"],
        "value": [10.0, 5.0, 7.0, 3.0, 4.0, 2.0, 99.0],
    })


def test_trade_graph_from_frame():
    df = _trade_frame()
    g = trade_graph(df, year=2020)
    assert g.weight == "trade" and g.nodes.name == "region"
    assert list(g.nodes) == ["CHN", "DEU", "FRA", "USA"]
    W = pd.DataFrame(g.adjacency.toarray(), index=g.nodes, columns=g.nodes)
    assert W.loc["DEU", "FRA"] == 10.0 and W.loc["CHN", "USA"] == 4.0 and W.to_numpy().sum() == 31.0
    g2 = trade_graph(df, product=["8517"], year=2020)
    assert g2.adjacency.sum() == 7.0
    with pytest.raises(ParameterError, match="'year'"):
        trade_graph(df)
    with pytest.raises(LabelError, match="1999"):
        trade_graph(df, year=1999)


def test_trade_graph_from_tradetable_like():
    df = _trade_frame()

    class FakeTT:  # the TradeTable contract: aggregate(by, where=, years=), years, meta
        years = [2020, 2021]
        meta = vc.TableMeta(name="fake", source="test")

        def aggregate(self, by, *, where=None, years=None):
            d = df[df["year"].isin(years)] if years else df
            if where:
                assert where.startswith("product IN (")
                keep = [s.strip().strip("'") for s in where[len("product IN ("):-1].split(",")]
                d = d[d["product"].isin(keep)]
            return d.groupby(by)[["value"]].sum().reset_index()

    g = trade_graph(FakeTT(), product="8703", year=2021)
    assert g.adjacency.sum() == 99.0 and g.meta.year == 2021 and g.meta.name == "fake"
    b = bipartite_graph(FakeTT(), year=2020)
    assert b.node_attrs["kind"].tolist() == ["country"] * 4 + ["product"] * 2
    W = pd.DataFrame(b.adjacency.toarray(), index=b.nodes, columns=b.nodes)
    assert W.loc["DEU", "8703"] == 15.0 and W.loc["CHN", "8517"] == 7.0


def test_trade_graph_from_real_tradetable():
    try:
        tt = vc.TradeTable.from_frame(_trade_frame())
    except (ImportError, AttributeError) as exc:  # the trade module is optional for this file
        pytest.skip(f"TradeTable unavailable: {exc}")
    g = trade_graph(tt, product="8703", year=2021)
    assert g.adjacency.sum() == 99.0 and g.meta.year == 2021
    ref = trade_graph(_trade_frame(), year=2020)
    got = trade_graph(tt, year=2020)
    assert got.nodes.equals(ref.nodes) and (got.adjacency != ref.adjacency).nnz == 0


def test_supplygraph_validation():
    with pytest.raises(LabelError, match="node labels"):
        SupplyGraph(sp.csr_matrix(np.ones((2, 2))), pd.Index(["a"]), "flow", None, None)
    with pytest.raises(ParameterError, match="'weight'"):
        SupplyGraph(sp.csr_matrix(np.ones((1, 1))), pd.Index(["a"]), "money", None, None)


# ---------------------------------------------------------------- CLI: graph, backbone, centrality, communities
def _cli(*args):
    from typer.testing import CliRunner

    from valuechain.cli import app

    return CliRunner().invoke(app, list(args))


def test_cli_graph_writes_graphml(tmp_path):
    out = tmp_path / "g.graphml"
    r = _cli("graph", "-d", "testmrio", "--weight", "input_share", "--top-k", "3", "--out", str(out))
    assert r.exit_code == 0, r.output
    G = nx.read_graphml(out)
    assert G.number_of_edges() == supply_graph(vc.datasets.load("testmrio"), "input_share", top_k=3).m
    r = _cli("graph", "-d", "testmrio", "--aggregate", "region", "--out", str(tmp_path / "e.csv"))
    assert r.exit_code == 0, r.output
    assert len(pd.read_csv(tmp_path / "e.csv")) == 30


def test_cli_backbone_centrality_communities(tmp_path):
    r = _cli("backbone", "-d", "testmrio", "--alpha", "0.05", "--out", str(tmp_path / "b.parquet"))
    assert r.exit_code == 0, r.output
    assert "kept" in r.output and (tmp_path / "b.parquet").exists()
    r = _cli("centrality", "-d", "miller_blair", "--self-loops", "--out", str(tmp_path / "c.csv"))
    assert r.exit_code == 0, r.output
    c = pd.read_csv(tmp_path / "c.csv")
    # 2-node PageRank solved by hand: pi1 = d P21 + (1-d)/2 over 1 - d P11 + d P21, P11 = 150/650, P21 = 200/300
    d, p11, p21 = 0.85, 150 / 650, 200 / 300
    pi1 = (d * p21 + (1 - d) / 2) / (1 - d * p11 + d * p21)
    np.testing.assert_allclose(c["pagerank"], [pi1, 1 - pi1], atol=1e-9)
    r = _cli("communities", "-d", "testmrio", "--seed", "1", "--out", str(tmp_path / "p.csv"))
    assert r.exit_code == 0, r.output
    assert "modularity" in r.output
    p = pd.read_csv(tmp_path / "p.csv")
    assert len(p) == 48 and "community" in p.columns


def test_cli_bad_input_exit_2():
    for args in (("graph", "-d", "miller_blair", "--quantile", "2"),
                 ("centrality", "-d", "miller_blair", "--distance", "neglog"),
                 ("backbone", "-d", "miller_blair", "--alpha", "0"),
                 ("communities", "-d", "miller_blair", "--method", "louvain", "--objective", "CPM")):
        r = _cli(*args)
        assert r.exit_code == 2, (args, r.output)
        assert r.output.strip().startswith("Error:") and len(r.output.strip().splitlines()) == 1
        assert "Traceback" not in r.output
