"""NMI and adjusted Rand against hand-computed values and networkx/igraph."""

import numpy as np
import pytest

from valuechain._partitions import adjusted_rand, nmi


def test_hand_values():
    # a = {0,1,2 | 3,4,5}, b = {0,1 | 2,3 | 4,5}: contingency [[2,1,0],[0,1,2]]
    a = [0, 0, 0, 1, 1, 1]
    b = [0, 0, 1, 1, 2, 2]
    # ARI: sum C(n_ij,2) = 1+0+0+0+0+1 = 2; rows: 3+3 = 6; cols: 1+1+1 = 3; total C(6,2)=15
    expected = (2 - 6 * 3 / 15) / ((6 + 3) / 2 - 6 * 3 / 15)
    assert adjusted_rand(a, b) == pytest.approx(expected, abs=1e-12)
    # NMI: I = sum p log(p/(pa pb))
    p = np.array([[2, 1, 0], [0, 1, 2]]) / 6
    pa, pb = p.sum(1), p.sum(0)
    mi = sum(p[i, j] * np.log(p[i, j] / (pa[i] * pb[j])) for i in range(2) for j in range(3) if p[i, j] > 0)
    h = lambda q: -sum(v * np.log(v) for v in q if v > 0)  # noqa: E731
    assert nmi(a, b) == pytest.approx(2 * mi / (h(pa) + h(pb)), abs=1e-12)


def test_against_igraph():
    ig = pytest.importorskip("igraph")
    rng = np.random.default_rng(1)
    for _ in range(5):
        a = rng.integers(0, 4, 60).tolist()
        b = rng.integers(0, 5, 60).tolist()
        assert nmi(a, b) == pytest.approx(ig.compare_communities(a, b, method="nmi"), abs=1e-10)
        assert adjusted_rand(a, b) == pytest.approx(ig.compare_communities(a, b, method="adjusted_rand"), abs=1e-10)


def test_identical_and_relabelled():
    assert nmi(list("aabbcc"), [3, 3, 1, 1, 2, 2]) == pytest.approx(1.0)
    assert adjusted_rand(list("aabbcc"), [3, 3, 1, 1, 2, 2]) == pytest.approx(1.0)
