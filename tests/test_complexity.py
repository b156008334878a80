"""Economic complexity against the ecomplexity package (py-ecomplexity), R economiccomplexity and hand algebra."""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from conftest import shared_data

ECX_COLS = {"time": "year", "loc": "country", "prod": "product", "val": "value"}


def _trade(name: str = "world_trade_avg_1998_to_2000.csv.gz") -> pd.DataFrame:
    p = shared_data("trade_complexity_sitc_hs", "csv", name)
    return pd.read_csv(p, dtype={"product": str})


def _ecomplexity(df: pd.DataFrame, **kw) -> pd.DataFrame:
    ecx = pytest.importorskip("ecomplexity")
    data = df.assign(year=2000)
    # pandas 3 (copy-on-write): ecomplexity's own NaN fill (`data.val.fillna(0, inplace=True)`)
    # is a no-op, so NaN values would leak into its RCA. Pass the data without NaN.
    data = data.fillna({"value": 0.0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecx.ecomplexity(data, ECX_COLS, verbose=False, check_logsupermodularity=False, **kw)
    return out.set_index(["country", "product"])


@pytest.fixture(scope="module")
def sitc():
    return _trade()


@pytest.fixture(scope="module")
def oracle(sitc):
    return _ecomplexity(sitc)


@pytest.fixture(scope="module")
def ours(sitc):
    return vc.clusters.complexity(sitc, filters="none")  # the oracles run on the unfiltered sample


def _compare(res, o, tol_ep=1e-6, tol=1e-4):
    eci = o.groupby(level=0)["eci"].first().reindex(res.locations.index)
    pci = o.groupby(level=1)["pci"].first().reindex(res.activities.index)
    coi = o.groupby(level=0)["coi"].first().reindex(res.locations.index)
    div = o.groupby(level=0)["diversity"].first().reindex(res.locations.index)
    ubi = o.groupby(level=1)["ubiquity"].first().reindex(res.activities.index)
    assert eci.notna().all() and pci.notna().all()
    np.testing.assert_allclose(res.locations["eci"], eci, atol=tol_ep, rtol=0)
    np.testing.assert_allclose(res.activities["pci"], pci, atol=tol_ep, rtol=0)
    np.testing.assert_allclose(res.locations["coi"], coi, atol=tol, rtol=0)
    np.testing.assert_array_equal(res.locations["diversity"], div)
    np.testing.assert_array_equal(res.activities["ubiquity"], ubi)
    p = res.pairs
    oo = o.reindex(p.index)
    np.testing.assert_array_equal(p["mcp"], oo["mcp"])
    np.testing.assert_allclose(p["density"], oo["density"], atol=tol, rtol=0)
    np.testing.assert_allclose(p["cog"], oo["cog"], atol=tol, rtol=0)
    np.testing.assert_allclose(p["rca"], oo["rca"], rtol=1e-9)


def test_matches_ecomplexity_sitc_1998_2000(ours, oracle):
    # 226 countries x 785 SITC-4 products; tolerances of the issue: 1e-6 for ECI/PCI, 1e-4 for the rest
    assert ours.locations.shape[0] == 226 and ours.activities.shape[0] == 785
    _compare(ours, oracle)


@pytest.fixture(scope="module")
def sitc_small(sitc):
    # a 200-product slice keeps the oracle quick
    return sitc[sitc["product"].isin(sorted(sitc["product"].unique())[:200])]


@pytest.mark.parametrize("variant", ["asymmetric", "continuous", "threshold"])
def test_matches_ecomplexity_variants(sitc_small, variant):
    kw, ours = {
        "asymmetric": ({"asymmetric": True}, {"proximity": "asymmetric"}),
        "continuous": ({"continuous": True}, {"proximity": "continuous"}),
        "threshold": ({"rca_mcp_threshold": 0.5}, {"threshold": 0.5}),
    }[variant]
    _compare(vc.clusters.complexity(sitc_small, filters="none", **ours), _ecomplexity(sitc_small, **kw))


def test_matches_ecomplexity_rpop_hs_1962():
    df = _trade("ec_trade_1962.csv.gz")
    df = df[df["product"].isin(sorted(df["product"].unique())[:250])]
    tot = df.groupby("country")["value"].sum()
    rng = np.random.default_rng(1)
    pop = tot * rng.uniform(0.8, 1.25, len(tot))  # population roughly proportional to exports
    popdf = pd.DataFrame({"year": 2000, "country": pop.index, "pop": pop.to_numpy()})
    o = _ecomplexity(df, presence_test="rpop", pop=popdf)
    assert o["eci"].notna().all()  # every country has some RpcA >= 1, so the oracle is defined
    r = vc.clusters.complexity(df, presence="rpop", population=pop, filters="none")
    _compare(r, o.assign(rca=o["rpop"]))


def test_zero_diversity_at_threshold_is_dropped():
    # "flat" exports the world mix (RCA = 1 everywhere): no presence at threshold 1.2
    # (at 1.5 the rest is an identity presence matrix: ECI undefined, see test_cluster_complexity.py)
    X = pd.DataFrame([[8.0, 1.0, 1.0], [1.0, 8.0, 1.0], [1.0, 1.0, 8.0], [1.0, 8.0, 8.0]],
                     index=["a", "b", "c", "d"], columns=["x", "y", "z"])
    X.loc["flat"] = X.sum(axis=0) / 10
    r = vc.clusters.complexity(X, threshold=1.2)
    R = vc.clusters.rca(X)
    expected = [loc for loc in X.index if (R.loc[loc] < 1.2).all()]
    assert "flat" in expected and list(r.dropped["locations"]) == expected
    assert (r.locations["diversity"] > 0).all() and r.locations["eci"].notna().all()
    # RCA is still measured against the full world, flat included
    np.testing.assert_allclose(r.rca.loc["a"], vc.clusters.rca(X).loc["a"])


def test_fitness_matches_r_economiccomplexity(ours):
    # economiccomplexity_output: R package default method "fitness" (20 iterations) on the same data
    d = shared_data("trade_complexity_sitc_hs", "csv")
    fc = pd.read_csv(d / "economiccomplexity_output_complexity_index_country.csv").set_index("code")["value"]
    fp = pd.read_csv(d / "economiccomplexity_output_complexity_index_product.csv", dtype={"code": str}).set_index("code")["value"]
    np.testing.assert_allclose(ours.locations["fitness"].reindex(fc.index), fc, rtol=1e-9)
    np.testing.assert_allclose(ours.activities["fc_complexity"].reindex(fp.index), fp, rtol=1e-9)


def test_reflections_converge_to_eigenvector(ours, sitc):
    # reflections are power iterations on the same matrix: with enough steps they reach the eigenvector
    many = vc.clusters.complexity(sitc, method="reflections", iterations=400, filters="none")
    np.testing.assert_allclose(many.locations["eci"], ours.locations["eci"], atol=1e-4)
    few = vc.clusters.complexity(sitc, method="reflections", filters="none")  # default 20 (R economiccomplexity's default)
    rho = few.locations["eci"].rank().corr(ours.locations["eci"].rank())
    assert rho > 0.9


def test_eci_is_mean_pci_of_exports(ours):
    # Atlas normalisation keeps ECI_c = mean PCI of the products c exports (both on the ECI scale)
    M = ours.mcp.to_numpy()
    mean_pci = (M @ ours.activities["pci"].to_numpy()) / M.sum(axis=1)
    lam = np.polyfit(mean_pci, ours.locations["eci"].to_numpy(), 1)
    np.testing.assert_allclose(ours.locations["eci"], np.polyval(lam, mean_pci), atol=1e-9)
    assert ours.locations["eci"].corr(ours.locations["diversity"]) > 0


def test_hand_example_proximity_density():
    M = pd.DataFrame([[1, 1, 0], [1, 0, 1], [1, 1, 1], [0, 0, 1]], index=list("ABCD"), columns=list("xyz"))
    r = vc.clusters.complexity(M, presence="manual")
    # k_p = (3, 2, 3); co-occurrences xy=2, xz=2, yz=1
    expect = np.array([[1, 2 / 3, 2 / 3], [2 / 3, 1, 1 / 3], [2 / 3, 1 / 3, 1]])
    np.testing.assert_allclose(r.proximity.to_numpy(), expect)
    # density of z for A = (φ_zx + φ_zy) / (φ_zx + φ_zy + φ_zz)
    assert r.density.loc["A", "z"] == pytest.approx((2 / 3 + 1 / 3) / (2 / 3 + 1 / 3 + 1))
    assert r.pairs.loc[("A", "z"), "distance"] == pytest.approx(1 - r.density.loc["A", "z"])
    assert list(r.pairs.columns) == ["rca", "mcp", "density", "distance", "cog"]
    assert (r.cog.to_numpy()[M.to_numpy() == 1] == 0).all()


def test_product_space_tree_is_maximum_spanning_tree(ours):
    P = ours.proximity.iloc[:120, :120]
    ps = vc.clusters.product_space(P, min_proximity=0.55)
    tree = ps[ps["in_tree"]]
    assert len(tree) == 119  # connected: n - 1 edges
    G = nx.Graph()
    vals = P.to_numpy()
    for i in range(120):
        for j in range(i + 1, 120):
            if vals[i, j] > 0:
                G.add_edge(i, j, weight=vals[i, j])
    nx_w = sum(d["weight"] for *_, d in nx.maximum_spanning_tree(G).edges(data=True))
    assert tree["proximity"].sum() == pytest.approx(nx_w)
    extra = ps[~ps["in_tree"]]
    assert (extra["proximity"] >= 0.55).all()
    n_strong = int((np.triu(vals, 1) >= 0.55).sum())
    assert len(ps) == len(tree) + n_strong - int((tree["proximity"] >= 0.55).sum())


def test_tradetable_input_and_series_input(sitc, ours):
    trade = pytest.importorskip("valuechain.trade")
    small = sitc[sitc["country"].isin(sorted(sitc["country"].unique())[:60])]
    long = small.rename(columns={"country": "exporter"}).assign(year=2000, importer="wld")
    tt = trade.TradeTable.from_frame(long)
    r_tt = vc.clusters.complexity(tt)
    r_df = vc.clusters.complexity(small)
    r_s = vc.clusters.complexity(small.set_index(["country", "product"])["value"])
    np.testing.assert_allclose(r_tt.locations["eci"], r_df.locations["eci"].reindex(r_tt.locations.index), atol=1e-12)
    np.testing.assert_allclose(r_s.locations["eci"], r_df.locations["eci"].reindex(r_s.locations.index), atol=1e-12)
    two = trade.TradeTable.from_frame(pd.concat([long, long.assign(year=2001)]))
    with pytest.raises(vc.ParameterError, match="'year' parameter"):
        vc.clusters.complexity(two)
    r_2001 = vc.clusters.complexity(two, year=2001)
    np.testing.assert_allclose(r_2001.locations["eci"], r_tt.locations["eci"], atol=1e-12)


def test_zero_rows_dropped_and_input_untouched():
    X = pd.DataFrame([[5.0, 1.0, 0.0, 2.0], [0.0, 0.0, 0.0, 0.0], [1.0, 4.0, 0.0, 1.0], [2.0, 2.0, 0.0, 6.0]],
                     index=["a", "b", "c", "d"], columns=["w", "x", "y", "z"])
    before = X.copy()
    r = vc.clusters.complexity(X, threshold=0.65)  # at 1 the presence matrix is an identity: ECI undefined
    pd.testing.assert_frame_equal(X, before)
    assert list(r.dropped["locations"]) == ["b"] and list(r.dropped["activities"]) == ["y"]
    assert list(r.locations.index) == ["a", "c", "d"]
    assert r.locations.index.name == "location" and r.activities.index.name == "activity"
    assert r.locations.attrs["metric"] == "complexity_locations"


def test_bad_input_messages():
    X = pd.DataFrame([[1.0, -2.0], [3.0, 4.0]], index=["a", "b"], columns=["x", "y"])
    with pytest.raises(vc.TableError, match=r"-2\.0.*'a'.*'y'"):
        vc.clusters.complexity(X)
    good = pd.DataFrame([[1.0, 2.0, 0.5], [3.0, 4.0, 9.0], [1.0, 0.0, 1.0]], index=list("abc"), columns=list("xyz"))
    with pytest.raises(vc.ParameterError, match="The 'method' parameter of complexity must be one of"):
        vc.clusters.complexity(good, method="pagerank")
    with pytest.raises(vc.ParameterError, match="'population' parameter"):
        vc.clusters.complexity(good, presence="rpop")
    with pytest.raises(vc.LabelError, match="unknown location 'zz'"):
        vc.clusters.adjacent_possible(good, "zz")
