"""Disparity-filter backbone: the properties of METHODS §4.4 and a reference loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import valuechain as vc
from valuechain.errors import ParameterError
from valuechain.graph import SupplyGraph


def _graph(W: np.ndarray) -> SupplyGraph:
    n = W.shape[0]
    return SupplyGraph(sp.csr_matrix(W), pd.Index([f"n{i}" for i in range(n)], name="region"), "flow", None, None)


def _reference(W: np.ndarray, alpha: float) -> np.ndarray:
    """Straightforward loop over edges: p-value at the supplier and at the buyer."""
    n = W.shape[0]
    keep = np.zeros_like(W, dtype=bool)
    for i in range(n):
        for j in range(n):
            w = W[i, j]
            if w <= 0:
                continue
            k_out = int((W[i] > 0).sum())
            k_in = int((W[:, j] > 0).sum())
            p_out = 0.0 if k_out == 1 else (1 - w / W[i].sum()) ** (k_out - 1)
            p_in = 0.0 if k_in == 1 else (1 - w / W[:, j].sum()) ** (k_in - 1)
            keep[i, j] = min(p_out, p_in) < alpha
    return keep


def test_single_edge_node_keeps_it():
    rng = np.random.default_rng(0)
    W = rng.random((6, 6)) * (rng.random((6, 6)) < 0.8)
    W[0] = 0.0
    W[0, 3] = 1e-9  # node 0 puts all its (tiny) weight on one edge
    for alpha in (1e-6, 0.05, 0.5):
        assert vc.network.backbone(_graph(W), alpha=alpha).adjacency[0, 3] > 0


@pytest.mark.parametrize("k", [2, 3, 5, 10, 50])
def test_equal_weights_pvalue(k):
    W = np.zeros((k + 1, k + 1))
    W[0, 1:] = 2.5
    # give every buyer a second, heavier supplier so that the in-side test is not degree-1
    W[1:, 0] = 1.0
    W[np.arange(1, k + 1), np.r_[2:k + 1, 1]] = 100.0
    p = vc.network.disparity_pvalues(_graph(W))
    p0 = p[p["source"] == "n0"]
    np.testing.assert_allclose(p0["p_out"], (1 - 1 / k) ** (k - 1), rtol=1e-12)


def test_alpha_one_keeps_everything():
    rng = np.random.default_rng(1)
    W = rng.lognormal(0, 3, (30, 30)) * (rng.random((30, 30)) < 0.5)
    g = _graph(W)
    assert vc.network.backbone(g, alpha=1.0).m == g.m


@pytest.mark.parametrize("seed", range(4))
def test_matches_reference_loop(seed):
    rng = np.random.default_rng(seed)
    n = 25
    W = rng.lognormal(0, 2, (n, n)) * (rng.random((n, n)) < 0.4)
    for alpha in (0.01, 0.05, 0.3):
        b = vc.network.backbone(_graph(W), alpha=alpha)
        np.testing.assert_array_equal(b.adjacency.toarray() > 0, _reference(W, alpha))
        np.testing.assert_array_equal(b.adjacency.toarray()[b.adjacency.toarray() > 0], W[_reference(W, alpha)])


def test_share_keeps_smallest_pvalues(testmrio):
    g = vc.supply_graph(testmrio)
    b = vc.network.backbone(g, share=0.1)
    pv = vc.network.disparity_pvalues(g)
    pos = [g.nodes.get_loc(x) for x in pv["source"]], [g.nodes.get_loc(x) for x in pv["target"]]
    kept = b.adjacency.toarray()[pos] > 0
    assert kept.sum() == b.m >= np.ceil(0.1 * g.m)
    assert pv["p"][kept].max() <= pv["p"][~kept].min()
    assert b.meta.history[-1] == "backbone(share=0.1)"


def test_backbone_keeps_labels_and_weights(testmrio):
    g = vc.supply_graph(testmrio)
    b = vc.network.backbone(g, alpha=0.1)
    assert b.nodes.equals(g.nodes) and b.weight == g.weight
    A, B = g.adjacency.toarray(), b.adjacency.toarray()
    np.testing.assert_array_equal(B[B > 0], A[B > 0])


def test_bad_alpha(testmrio):
    g = vc.supply_graph(testmrio)
    with pytest.raises(ParameterError, match=r"The 'alpha' parameter of backbone must be a float in \(0, 1\]"):
        vc.network.backbone(g, alpha=0)
    with pytest.raises(ParameterError, match="'graph' parameter of backbone"):
        vc.network.backbone(testmrio)
