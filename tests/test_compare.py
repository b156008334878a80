"""Reconfiguration between years: planted changes are found, real-data stylised facts hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from conftest import shared_data


def block_table(shares: dict[str, dict[str, float]], year: int, n_sectors: int = 4, seed: int = 0) -> vc.IOTable:
    """A table where buyer region r sources its inputs from supplier regions with the given shares.

    Within a (supplier region, buyer region) block the flows are a fixed random pattern,
    scaled so that each buyer node's inputs (30 % of its output) split as in *shares*.
    """
    rng = np.random.default_rng(seed)
    regions = list(shares)
    nodes = pd.MultiIndex.from_product([regions, [f"s{k}" for k in range(n_sectors)]], names=["region", "sector"])
    n = len(nodes)
    x = np.full(n, 1000.0)
    pattern = rng.uniform(0.5, 1.5, (n_sectors, n_sectors))
    pattern /= pattern.sum(axis=0)
    Z = np.zeros((n, n))
    for b, rb in enumerate(regions):
        for a, ra in enumerate(regions):
            s = shares[rb].get(ra, 0.0)
            Z[a * n_sectors:(a + 1) * n_sectors, b * n_sectors:(b + 1) * n_sectors] = pattern * s * 300.0
    f = x - Z.sum(axis=1)
    assert (f > 0).all()
    fd = pd.MultiIndex.from_tuples([(r, "hh") for r in regions], names=["region", "category"])
    Y = pd.DataFrame(0.0, nodes, fd)
    for k, (r, _) in enumerate(nodes):
        Y.iloc[k, regions.index(r)] = f[k]
    return vc.IOTable(pd.DataFrame(Z, nodes, nodes), Y, meta={"name": "planted", "year": year, "unit": "USD"})


BASE = {
    "A": {"A": 0.4, "B": 0.6},
    "B": {"B": 0.7, "A": 0.3},
    "C": {"C": 0.8, "D": 0.2},
    "D": {"D": 0.8, "C": 0.2},
}


def test_identical_tables_score_zero():
    t = block_table(BASE, 2019)
    c = vc.compare({2019: t, 2021: t})
    assert c.score == pytest.approx(0.0, abs=1e-12)
    assert (c.nodes["score"] == 0).all()
    assert c.communities["nmi"] == pytest.approx(1.0)
    assert len(c.edges_gained) == 0 and len(c.edges_lost) == 0


def test_planted_supplier_move_found_at_top():
    moved = {**BASE, "A": {"A": 0.4, "C": 0.6}}  # region A's foreign suppliers move from B to C
    t0, t1 = block_table(BASE, 2019), block_table(moved, 2021)
    c = vc.compare([t0, t1])
    top = c.nodes["score"].nlargest(4).index
    assert set(top.get_level_values("region")) == {"A"}
    np.testing.assert_allclose(c.nodes.loc["A", "score_sourcing"], 0.6, atol=1e-12)
    assert (c.nodes.drop(index="A", level="region")["score_sourcing"] < 1e-12).all()
    # region C now supplies foreign inputs that B supplied before
    assert c.regions.loc["C", "d_foreign_input_supply_share"] > 0 > c.regions.loc["B", "d_foreign_input_supply_share"]
    assert c.regions["score"].idxmax() == "A"
    # with blocs {A, C} the move is nearshoring for A
    c2 = vc.compare([t0, t1], blocs={"A": "west", "C": "west", "B": "east", "D": "east"})
    assert c2.regions.loc["A", "nearshoring"] == pytest.approx(0.6, abs=1e-9)
    assert c2.regions.loc["A", "reshoring"] == pytest.approx(0.0, abs=1e-9)


def test_planted_community_split():
    joined = {"A": {"A": 0.5, "B": 0.5}, "B": {"B": 0.5, "A": 0.5}, "C": {"C": 1.0}, "D": {"D": 1.0}}
    split = {"A": {"A": 1.0}, "B": {"B": 1.0}, "C": {"C": 1.0}, "D": {"D": 1.0}}
    c = vc.compare([block_table(joined, 2019), block_table(split, 2021)])
    ev = c.communities["events"]
    assert "split" in set(ev["event"])
    changed_regions = set(c.communities["changed"].get_level_values("region"))
    assert changed_regions == {"A", "B"}
    top8 = c.nodes["score"].nlargest(8).index.get_level_values("region")
    assert set(top8) == {"A", "B"}


def test_panel_and_progress():
    tabs = [block_table(BASE, y, seed=0) for y in (2000, 2001, 2002)]
    seen = []
    c = vc.compare(tabs, progress=lambda d, n: seen.append(d))
    assert seen == [1, 2, 3]
    assert set(c.panel["year"]) == {2000, 2001, 2002}
    assert len(c.timeline) == 2
    assert {"region", "sector", "metric", "value"} <= set(c.panel.columns)


def test_deflation_hook():
    t = block_table(BASE, 2019)
    t2 = vc.IOTable(t.Z * 1.1, t.Y * 1.1, meta={**t.meta.to_dict(), "year": 2021})
    c = vc.compare([t, t2], deflators={2021: 1.1})
    np.testing.assert_allclose(c.nodes["d_output"], 0.0, atol=1e-9)
    c_nominal = vc.compare([t, t2])
    np.testing.assert_allclose(c_nominal.nodes["d_output"], 100.0, rtol=1e-9)


def test_bad_input():
    t = block_table(BASE, 2019)
    with pytest.raises(vc.ParameterError, match="at least 2"):
        vc.compare([t])
    other = t.aggregate(sectors={"s0": "x", "s1": "x", "s2": "y", "s3": "y"})
    with pytest.raises(vc.LabelError, match="common classification"):
        vc.compare([t, other])
    with pytest.raises(vc.ParameterError, match="'alpha' parameter of compare"):
        vc.compare([t, t], alpha=2)


@pytest.mark.slow
def test_wiod_1995_2011_china_rises():
    from valuechain.datasets.wiod import wiod2013_rdata

    def load(year):
        return wiod2013_rdata(year, shared_data("wiod2013"))

    c = vc.compare([load(1995), load(2011)])
    r = c.regions
    assert r.loc["CHN", "foreign_input_supply_share_t1"] > r.loc["CHN", "foreign_input_supply_share_t0"]
    assert r.loc["CHN", "pagerank_rank_t1"] < r.loc["CHN", "pagerank_rank_t0"]


def test_brazil_2019_2021_offline():
    a, b = vc.datasets.load("brazil", year=2019), vc.datasets.load("brazil", year=2021)
    c = vc.compare([a, b])
    assert len(c.nodes) == 68 and c.nodes["score"].between(0, 1).all()
    # national table: imported inputs count as a foreign supplier, so sourcing shares add to 1
    from valuechain.compare import sourcing_shares

    src = sourcing_shares(a)
    inputs = a.Z.sum(axis=0) + a.primary_inputs("imports")
    np.testing.assert_allclose(src.sum(axis=1), np.where(inputs > 0, 1.0, 0.0), atol=1e-12)
    has = inputs > 0
    dom = a.Z.sum(axis=0)[has] / inputs[has]
    np.testing.assert_allclose(c.nodes["domestic_input_share_t0"][has.to_numpy()], dom, rtol=1e-12)
    assert 0 < c.score < 1
