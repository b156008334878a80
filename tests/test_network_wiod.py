"""WIOD 2013 (2011, 41 regions x 35 industries = 1,435 nodes): full centrality table and Leiden communities.

Cerina et al. (2015) find that world production is organised "nationally or at most regionally": the
communities are individual economies or geographically defined blocks.  We check the share of nodes whose
community's leading region (largest output) is their own region or a region of the same bloc.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import valuechain as vc

from conftest import shared_data

FD_CATEGORIES = ["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN"]

BLOCS = {
    "Europe": "AUT BEL BGR CYP CZE DEU DNK ESP EST FIN FRA GBR GRC HUN IRL ITA LTU LUX LVA MLT NLD POL PRT ROM "
              "SVK SVN SWE TUR RUS".split(),
    "North America": ["USA", "CAN", "MEX"],
    "Asia-Pacific": ["CHN", "JPN", "KOR", "TWN", "IDN", "IND", "AUS"],
    "South America": ["BRA"],
    "Rest of world": ["RoW"],
}
BLOC_OF = {r: b for b, regs in BLOCS.items() for r in regs}


@pytest.fixture(scope="module")
def wiod() -> vc.IOTable:
    rdata = pytest.importorskip("rdata")
    path = shared_data("wiod2013", "wiot_2011.RData")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdata warns about the unknown R class "iot"
        obj = rdata.read_rda(str(path))["wiot_2011"]
    Z = np.asarray(obj["inter"], dtype=float)
    F = np.asarray(obj["final"], dtype=float)
    x = np.asarray(obj["output"], dtype=float)
    regions = [str(c) for c in obj["countries"]]
    sectors = [str(s) for s in obj["industries"]]
    nodes = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([regions, FD_CATEGORIES], names=["region", "category"])
    # the package rounded the values to integers: book the rounding gap (|gap| <= ~100) as own-country inventories
    gap = x - Z.sum(axis=1) - F.sum(axis=1)
    assert np.abs(gap).max() < 200
    own_inven = np.repeat(np.arange(len(regions)), len(sectors)) * len(FD_CATEGORIES) + FD_CATEGORIES.index("INVEN")
    F[np.arange(len(x)), own_inven] += gap
    return vc.IOTable(pd.DataFrame(Z, nodes, nodes), pd.DataFrame(F, nodes, fd), x=pd.Series(x, nodes),
                      meta={"name": "WIOD 2013", "year": 2011, "unit": "USD m", "source": "bquast/wiod wiot_2011"})


def test_wiod_centrality_and_communities(wiod):
    g = vc.supply_graph(wiod)
    assert g.n == 1435
    c = vc.network.centrality(g, paths="backbone", backbone_alpha=0.01)
    for col in ["out_strength", "in_strength", "pagerank", "hub", "authority", "eigenvector", "katz",
                "betweenness", "closeness", "random_walk", "counting_betweenness", "influence"]:
        assert col in c.columns and np.isfinite(c[col]).all(), col
    assert c["pagerank"].sum() == pytest.approx(1.0)
    assert (c["betweenness"] > 0).sum() > 100
    # the graph drops self-loops, so the influence vector is that of the off-diagonal network: it stays
    # below the Domar weights x / GDP and is ordered like them
    domar = wiod.x / wiod.f.sum()
    assert (c["influence"] <= domar + 1e-12).all()
    assert np.corrcoef(c["influence"], domar)[0, 1] > 0.95

    com = vc.network.communities(g, method="leiden", seed=0)
    summary = vc.network.community_summary(g, com)
    leading = summary["leading_region"].reindex(com.to_numpy()).to_numpy()
    own = g.node_attrs["region"].to_numpy()
    same_or_neighbour = np.array([l == o or BLOC_OF[l] == BLOC_OF[o] for l, o in zip(leading, own)])
    share = same_or_neighbour.mean()
    multi = (com.map(com.value_counts()) >= 2).to_numpy()
    share_multi = same_or_neighbour[multi].mean()
    print(f"\nWIOD 2011: {com.nunique()} communities; share of nodes whose community is led by their own region "
          f"or a same-bloc neighbour: {share:.3f} (in communities of 2+ nodes: {share_multi:.3f})")
    assert share >= 0.7 and share_multi >= 0.7
    # most large communities are national or regional: the leading region holds most of the output
    big = summary[summary["size"] >= 30]
    assert len(big) >= 10 and (big["leading_region_share"] >= 0.45).mean() >= 0.9
