"""The adjacent possible: candidates, ranking, quadrants, product and industry spaces."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from conftest import shared_data


@pytest.fixture(scope="module")
def sitc_result():
    p = shared_data("trade_complexity_sitc_hs", "csv", "world_trade_avg_1998_to_2000.csv.gz")
    df = pd.read_csv(p, dtype={"product": str})
    return vc.clusters.complexity(df)


def test_candidates_are_the_unexported_products(sitc_result):
    r = sitc_result
    ap = vc.clusters.adjacent_possible(r, "kor", top=None)
    absent = r.mcp.columns[r.mcp.loc["kor"].to_numpy() == 0]
    assert set(ap.index) == set(absent)
    assert list(ap["rank"]) == list(range(1, len(ap) + 1))
    # values are those of the complexity result
    np.testing.assert_allclose(ap["density"], r.density.loc["kor", ap.index])
    np.testing.assert_allclose(ap["pci"], r.activities["pci"].reindex(ap.index))
    np.testing.assert_allclose(ap["cog"], r.cog.loc["kor", ap.index])
    assert (ap["rca"] < 1).all()
    # score = 0.5 z(density) + 0.25 z(pci) + 0.25 z(cog), z over the candidates
    z = lambda s: (s - s.mean()) / s.std(ddof=0)  # noqa: E731
    np.testing.assert_allclose(ap["score"], 0.5 * z(ap["density"]) + 0.25 * z(ap["pci"]) + 0.25 * z(ap["cog"]))
    assert ap["score"].is_monotonic_decreasing


def test_quadrants_follow_the_means(sitc_result):
    r = sitc_result
    ap = vc.clusters.adjacent_possible(r, "bra", top=None)
    d_cut = r.density.loc["bra"].mean()
    p_cut = r.activities["pci"].mean()
    hi_rel = ap["density"] >= d_cut
    hi_cx = ap["pci"] >= p_cut
    assert (ap.loc[hi_rel & hi_cx, "quadrant"] == "related-complex").all()
    assert (ap.loc[~hi_rel & ~hi_cx, "quadrant"] == "unrelated-simple").all()
    assert (ap.loc[~hi_rel & hi_cx, "quadrant"] == "unrelated-complex").all()
    assert set(ap["quadrant"]) == {"related-complex", "related-simple", "unrelated-complex", "unrelated-simple"}
    # Balland et al.: complex and related opportunities are rarer than simple related ones for a mid-ECI country
    top = vc.clusters.adjacent_possible(r, "bra", top=10, weights=(1, 0, 0))
    assert top["density"].is_monotonic_decreasing


def test_same_result_from_raw_data_and_result():
    X = pd.DataFrame(np.random.default_rng(2).lognormal(0, 2, (30, 40)),
                     index=[f"c{i}" for i in range(30)], columns=[f"p{j}" for j in range(40)])
    a = vc.clusters.adjacent_possible(X, "c3", top=5)
    b = vc.clusters.adjacent_possible(vc.clusters.complexity(X), "c3", top=5)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 5


def test_industry_space_with_io_relatedness():
    # regional employment with a user relatedness (here IO-based) as the space
    rng = np.random.default_rng(4)
    inds = [f"i{k}" for k in range(8)]
    Zm = rng.lognormal(0, 1, (8, 8))
    Z = pd.DataFrame(Zm, index=inds, columns=inds)
    R = vc.clusters.io_relatedness(Z)
    E = pd.DataFrame(rng.lognormal(3, 1, (12, 8)), index=[f"r{k}" for k in range(12)], columns=inds)
    res = vc.clusters.complexity(E, proximity=R)
    phi = R.to_numpy()  # a given diagonal (0 here) is kept; only a NaN diagonal is read as 1
    M = res.mcp.to_numpy()
    np.testing.assert_allclose(res.density.to_numpy(), (M @ phi.T) / phi.sum(axis=1)[None, :])
    ap = vc.clusters.adjacent_possible(res, "r0", top=None)
    assert set(ap.index) == set(res.mcp.columns[res.mcp.loc["r0"] == 0])
    assert {"density", "pci", "cog", "quadrant"} <= set(ap.columns)


def test_adjacent_errors():
    X = pd.DataFrame(np.random.default_rng(2).lognormal(0, 2, (10, 12)),
                     index=[f"c{i}" for i in range(10)], columns=[f"p{j}" for j in range(12)])
    r = vc.clusters.complexity(X)
    with pytest.raises(vc.LabelError, match="unknown location 'C1'.*did you mean 'c1'"):
        vc.clusters.adjacent_possible(r, "C1")
    with pytest.raises(vc.ParameterError, match="cannot be applied"):
        vc.clusters.adjacent_possible(r, "c1", threshold=2)
    with pytest.raises(vc.ParameterError, match="The 'top' parameter of adjacent_possible must be an int >= 1"):
        vc.clusters.adjacent_possible(r, "c1", top=0)
    with pytest.raises(vc.ParameterError, match="3 numbers"):
        vc.clusters.adjacent_possible(r, "c1", weights=(1, 1))
