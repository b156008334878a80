"""Related-industry clusters: IO relatedness by hand, planted clusters recovered, validation scores, ARI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain.clusters.related import colocation_relatedness, validation_scores

SIZES = [4, 5, 6, 7, 8]


def planted(seed: int = 0, between: float = 0.05):
    """A single-region IOTable whose industries trade mostly inside 5 planted blocks."""
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(len(SIZES)), SIZES)
    n = len(truth)
    same = truth[:, None] == truth[None, :]
    Z = rng.lognormal(0.0, 0.5, (n, n)) * np.where(same, 10.0, between * 10.0)
    labels = [f"i{k:02d}" for k in range(n)]
    Zdf = pd.DataFrame(Z, index=labels, columns=labels)
    Y = pd.DataFrame({"households": Z.sum(axis=0) * 0.8 + 5.0}, index=labels)  # rows: x = Z1 + f
    t = vc.IOTable(Zdf, Y, meta={"name": "planted"})
    return t, pd.Series(truth, index=labels)


def planted_employment(truth: pd.Series, n_regions: int = 40, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    k = truth.max() + 1
    region_block = rng.lognormal(0.0, 1.0, (n_regions, k))  # each region's strength in each block
    E = region_block[:, truth.to_numpy()] * rng.lognormal(0.0, 0.15, (n_regions, len(truth))) * 100
    return pd.DataFrame(E, index=[f"R{r}" for r in range(n_regions)], columns=truth.index)


def test_io_relatedness_by_hand():
    # 3 industries, flows z_ij (supplier i -> buyer j)
    Z = pd.DataFrame([[0, 6, 2], [3, 0, 0], [1, 1, 0]], index=list("abc"), columns=list("abc"), dtype=float)
    R = vc.clusters.io_relatedness(Z)
    # intermediate sales: a 8, b 3, c 2; intermediate purchases: a 4, b 7, c 2
    # a-b: output shares 6/8, 3/3; input shares 6/7 (b buys from a), 3/4 (a buys from b) -> max 1.0
    assert R.loc["a", "b"] == pytest.approx(1.0)
    # a-c: output 2/8, 1/2; input 2/2 (c buys only from a), 1/4 -> 1.0
    assert R.loc["a", "c"] == pytest.approx(1.0)
    # b-c: output 0/3, 1/2; input 1/7 (b buys from c), 0 -> 0.5
    assert R.loc["b", "c"] == pytest.approx(0.5)
    assert np.allclose(R.to_numpy(), R.to_numpy().T) and (np.diag(R) == 0).all()


def test_io_relatedness_iotable_uses_output_shares(mb):
    R = vc.clusters.io_relatedness(mb)
    A = mb.A.to_numpy()
    B = mb.B.to_numpy()
    assert R.iloc[0, 1] == pytest.approx(max(A[0, 1], A[1, 0], B[0, 1], B[1, 0]))


def test_adjusted_rand_index_reference_values():
    ari = vc.clusters.adjusted_rand_index
    # reference values (scikit-learn documentation of adjusted_rand_score)
    assert ari([0, 0, 1, 1], [0, 0, 1, 1]) == pytest.approx(1.0)
    assert ari([0, 0, 1, 1], [1, 1, 0, 0]) == pytest.approx(1.0)
    assert ari([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(0.5714285714285715)
    assert ari([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.5714285714285715)
    assert ari([0, 0, 0, 0], [0, 1, 2, 3]) == pytest.approx(0.0)
    assert ari([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    # Hubert & Arabie form by brute force over pairs on a random example
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 4, 40), rng.integers(0, 3, 40)
    n = len(a)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    sa = np.array([a[i] == a[j] for i, j in pairs])
    sb = np.array([b[i] == b[j] for i, j in pairs])
    index, ea, eb = (sa & sb).sum(), sa.sum(), sb.sum()
    expected = ea * eb / len(pairs)
    assert ari(a, b) == pytest.approx((index - expected) / ((ea + eb) / 2 - expected))


@pytest.mark.parametrize("method", ["hierarchical", "leiden"])
def test_recovers_planted_clusters_from_io(method):
    t, truth = planted()
    res = vc.clusters.related_industries(t, method=method)
    got = res.clusters.reindex(truth.index)
    assert vc.clusters.adjusted_rand_index(truth, got) >= 0.9
    assert res.scores.loc["combined", "vs_ri"] >= 0.9 and res.scores.loc["combined", "vs_ci"] >= 0.9
    assert res.clusters.name == "cluster" and res.relatedness.shape == (30, 30)


def test_recovers_with_colocation_and_occupation():
    t, truth = planted(between=0.3)  # weaker IO signal
    E = planted_employment(truth)
    rng = np.random.default_rng(5)
    same = (truth.to_numpy()[:, None] == truth.to_numpy()[None, :]).astype(float)
    occ = pd.DataFrame(0.6 * same + 0.3 * rng.random(same.shape), index=truth.index, columns=truth.index)
    occ = (occ + occ.T) / 2
    res = vc.clusters.related_industries(t, colocation=E, occupation=occ, n_clusters=5)
    assert vc.clusters.adjusted_rand_index(truth, res.clusters.reindex(truth.index)) >= 0.9
    assert set(res.scores.index) == {"combined", "io", "colocation", "occupation"}
    # co-location alone recovers the blocks too
    alone = vc.clusters.related_industries(colocation=E, n_clusters=5)
    assert vc.clusters.adjusted_rand_index(truth, alone.clusters.reindex(truth.index)) >= 0.9
    C = colocation_relatedness(E)
    np.testing.assert_allclose(C.iloc[0, 1], np.corrcoef(E.iloc[:, 0], E.iloc[:, 1])[0, 1])


def test_validation_scores_discriminate():
    t, truth = planted()
    R = vc.clusters.io_relatedness(t)
    good = validation_scores(R, truth.to_numpy())
    assert good == {"vs_ri": 1.0, "vs_ci": 1.0}
    rng = np.random.default_rng(0)
    bad = validation_scores(R, rng.permutation(truth.to_numpy()))
    assert bad["vs_ri"] < 0.5 and bad["vs_ci"] < 0.5
    # singletons fail both scores
    single = validation_scores(R, np.arange(30))
    assert single == {"vs_ri": 0.0, "vs_ci": 0.0}


def test_related_industries_errors_and_input_untouched():
    t, truth = planted()
    with pytest.raises(vc.ParameterError, match="at least one of"):
        vc.clusters.related_industries()
    E = planted_employment(truth).drop(columns=["i00"])
    with pytest.raises(vc.LabelError, match="'colocation' component covers different industries.*'i00'"):
        vc.clusters.related_industries(t, colocation=E)
    with pytest.raises(vc.ParameterError, match="The 'method' parameter of related_industries must be one of"):
        vc.clusters.related_industries(t, method="kmeans")
    Z = t.Z.copy()
    vc.clusters.related_industries(t, n_clusters=3)
    pd.testing.assert_frame_equal(t.Z, Z)
