"""Systemic-risk ranking (ESRI-style cascade)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import valuechain as vc
from conftest import random_table
from valuechain.cli import app

res = vc.resilience


def test_miller_blair_by_hand(mb):
    # no essential inputs: each surviving node's remaining share is the smaller of two affine fixed points
    A = np.array([[0.15, 0.25], [0.20, 0.05]])
    Bm = np.array([[0.15, 0.50], [0.10, 0.05]])
    x = np.array([1000.0, 2000.0])
    h2 = min(1 - A[0, 1] / (1 - A[1, 1]), 1 - Bm[1, 0] / (1 - Bm[1, 1]))  # s1 fails
    h1 = min(1 - A[1, 0] / (1 - A[0, 0]), 1 - Bm[0, 1] / (1 - Bm[0, 0]))  # s2 fails
    expected = [(x[0] + x[1] * (1 - h2)) / x.sum(), (x[1] + x[0] * (1 - h1)) / x.sum()]
    s = res.systemic_risk(mb, essential=0.99, tol=1e-13)
    np.testing.assert_allclose(s.to_numpy(), expected, rtol=1e-10)
    # with every input essential, one failure stops the whole (connected) economy
    s_all = res.systemic_risk(mb, essential=np.ones((2, 2), dtype=bool))
    np.testing.assert_allclose(s_all.to_numpy(), [1.0, 1.0])
    assert s.name == "systemic_risk" and s.attrs["metric"] == "systemic_risk"


def test_upstream_only_is_normalised_ghosh_column():
    t = random_table(3, 3, seed=8)
    G = t.G.to_numpy()
    D = G / np.diag(G)[None, :]
    assert D.max() <= 1 + 1e-12  # precondition: no clipping at 0
    expected = t.x.to_numpy() @ D / t.x.sum()
    s = res.systemic_risk(t, downstream=False, tol=1e-14)
    np.testing.assert_allclose(s.to_numpy(), expected, rtol=1e-9)


def test_downstream_linear_only_is_normalised_leontief_row():
    t = random_table(3, 3, seed=9)
    L = t.L.to_numpy()
    D = (L / np.diag(L)[:, None]).T  # D[j, k] = l_kj / l_kk
    assert D.max() <= 1 + 1e-12
    expected = t.x.to_numpy() @ D / t.x.sum()
    s = res.systemic_risk(t, upstream=False, essential=np.zeros((t.n, t.n), bool), tol=1e-14)
    np.testing.assert_allclose(s.to_numpy(), expected, rtol=1e-9)


def planted_network(n: int = 40, planted: int = 7, seed: int = 0) -> vc.IOTable:
    rng = np.random.default_rng(seed)
    nodes = pd.MultiIndex.from_product([["R"], [f"s{i:02d}" for i in range(n)]], names=["region", "sector"])
    Z = rng.uniform(0.5, 1.5, (n, n)) * (rng.random((n, n)) < 0.2)
    np.fill_diagonal(Z, 0.0)
    buyers = rng.choice([i for i in range(n) if i != planted], 25, replace=False)
    Z[planted, :] = 0.0
    Z[planted, buyers] = 10.0  # a mid-sized supplier of an input that 25 buyers cannot do without
    x = np.full(n, 300.0)
    x[planted] = 260.0
    big = (planted + 1) % n
    x[big] = 1000.0  # the largest node, selling mostly to final users
    f = x - Z.sum(axis=1)
    return vc.IOTable(pd.DataFrame(Z, nodes, nodes), pd.DataFrame({"hh": f}, index=nodes))


def test_planted_critical_supplier_ranks_first():
    t = planted_network()
    s = res.systemic_risk(t, essential=0.3)
    assert s.idxmax() == ("R", "s07")
    assert s.max() > 25 * 300 / t.x.sum()  # at least its essential customers
    assert s.sort_values(ascending=False).index[1] != ("R", "s07")
    # it is not the largest node: output alone would rank another node first
    assert t.x.idxmax() != ("R", "s07")


def test_batches_and_subsets_agree(testmrio):
    full = res.systemic_risk(testmrio, batch=7)
    one = res.systemic_risk(testmrio, batch=256)
    np.testing.assert_allclose(full.to_numpy(), one.to_numpy(), atol=1e-9)
    sub = res.systemic_risk(testmrio, nodes=list(testmrio.nodes[[3, 10]]))
    np.testing.assert_allclose(sub.to_numpy(), full.iloc[[3, 10]].to_numpy(), atol=1e-9)
    assert ((full >= 0) & (full <= 1)).all()
    # each failing node loses at least its own output
    np.testing.assert_array_less(testmrio.x.to_numpy() / testmrio.x.sum() - 1e-12, full.to_numpy())


def test_single_precision_path_matches_closed_form():
    t = random_table(10, 100, seed=1, density=0.05)  # 1,000 nodes -> single-precision products
    k = np.arange(0, 1000, 97)
    G = t.G.to_numpy()[:, k]
    D = G / G[k, np.arange(len(k))][None, :]
    assert D.max() <= 1 + 1e-12
    expected = t.x.to_numpy() @ D / t.x.sum()
    s = res.systemic_risk(t, nodes=list(t.nodes[k]), downstream=False, tol=1e-9)
    np.testing.assert_allclose(s.to_numpy(), expected, atol=2e-6)


def test_errors(mb):
    with pytest.raises(vc.ParameterError, match="'essential' parameter"):
        res.systemic_risk(mb, essential=np.ones((3, 3), bool))
    with pytest.raises(vc.LabelError, match="unknown node"):
        res.systemic_risk(mb, nodes=[("MB", "s9")])
    with pytest.raises(vc.ParameterError, match="'tol' parameter of systemic_risk"):
        res.systemic_risk(mb, tol=0)


def test_cli_resilience():
    runner = CliRunner()
    r = runner.invoke(app, ["resilience", "systemic", "-d", "miller_blair"])
    assert r.exit_code == 0, r.output
    assert "systemic_risk" in r.output
    r = runner.invoke(app, ["resilience", "removal", "-d", "testmrio", "--order", "strength", "--steps", "4"])
    assert r.exit_code == 0, r.output
    assert "AUC" in r.output
    bad = runner.invoke(app, ["resilience", "systemic", "-d", "miller_blair", "--essential", "2"])
    assert bad.exit_code == 2
    assert "--essential" in bad.output and len(bad.output.strip().splitlines()) == 1
    bad = runner.invoke(app, ["resilience", "systemic", "-d", "miller_blair", "--scheduler", "nowhere"])
    assert bad.exit_code == 2
    assert "'scheduler' parameter" in bad.output and len(bad.output.strip().splitlines()) == 1
    assert vc._config.current().scheduler is None


# ------------------------------------------------------------------ fast path vs a plain reference cascade

def reference_cascade(table: vc.IOTable, essential: np.ndarray, k: int, tol: float = 1e-14,
                      max_iter: int = 200_000) -> float:
    """The textbook cascade for failing node k: plain monotone iteration, float64, no shortcuts."""
    Z = table.Z.to_numpy()
    x = table.x.to_numpy()
    A = Z / x[None, :]  # a_ij: input coefficients (buyer j)
    Bm = Z / x[:, None]  # b_ij: sales shares (supplier i)
    E = essential & (Z > 0)
    An = np.where(E, 0.0, A)
    D = np.zeros(table.n)
    D[k] = 1.0
    for _ in range(max_iter):
        down = An.T @ D
        ess = np.array([D[E[:, j]].max() if E[:, j].any() else 0.0 for j in range(table.n)])
        up = Bm @ D
        new = np.minimum(1.0, np.maximum.reduce([D, down, ess, up]))
        new[k] = 1.0
        if np.abs(new - D).max() <= tol:
            return float(x @ new / x.sum())
        D = new
    raise AssertionError("reference cascade did not converge")


def _essential(table, threshold):
    return vc.resilience.systemic.essential_inputs(table, threshold=threshold).to_numpy()


@pytest.mark.parametrize("seed,threshold", [(3, 0.2), (4, 0.25), (5, 0.15), (5, 0.35)])
def test_fast_path_equals_reference_cascade(seed, threshold):
    t = random_table(3, 4, seed=seed)
    E = _essential(t, threshold)
    fast = res.systemic_risk(t, essential=threshold, tol=1e-12, batch=5)
    ref = [reference_cascade(t, E, k) for k in range(t.n)]
    np.testing.assert_allclose(fast.to_numpy(), ref, atol=1e-9)
    assert np.ptp(ref) > 0.05  # not a degenerate case where every failure stops everything
    # the default tolerance stays close to the exact fixed point
    np.testing.assert_allclose(res.systemic_risk(t, essential=threshold).to_numpy(), ref, atol=2e-5)


def test_reference_with_essential_cycles_and_negative_final_demand():
    # an essential 3-cycle (one strongly connected component), a self-supplying node, and a
    # node whose final demand is negative (sales above output: the monotone path without
    # extrapolation is used)
    t0 = random_table(2, 4, seed=11)
    Z = t0.Z.to_numpy().copy()
    Z[0, 1] *= 8.0
    Z[1, 2] *= 8.0
    Z[2, 0] *= 8.0
    Z[5, 5] *= 6.0
    nodes = t0.nodes
    f = t0.x.to_numpy() * 1.1 - Z.sum(axis=1)
    f[6] = -0.02 * t0.x.to_numpy()[6]
    t = vc.IOTable(pd.DataFrame(Z, nodes, nodes), pd.DataFrame({("R0", "fd"): f}, index=nodes))
    assert (t.f.to_numpy() < 0).any()
    E = _essential(t, 0.25)
    assert E[0, 1] and E[1, 2] and E[2, 0]
    fast = res.systemic_risk(t, essential=0.25, tol=1e-12)
    ref = [reference_cascade(t, E, k) for k in range(t.n)]
    np.testing.assert_allclose(fast.to_numpy(), ref, atol=1e-9)
    # failing any member of the essential cycle stops the whole cycle
    three = t.x.to_numpy()[:3].sum() / t.x.sum()
    assert (fast.iloc[:3] >= three - 1e-12).all()


def test_single_precision_path_equals_reference():
    t = random_table(10, 100, seed=2, density=0.05)  # 1,000 nodes: float32 products, sparse coefficients
    E = _essential(t, 0.05)
    k = [0, 321, 777]
    fast = res.systemic_risk(t, nodes=list(t.nodes[k]), tol=1e-10, essential=0.05)
    ref = [reference_cascade(t, E, j, tol=1e-13) for j in k]
    np.testing.assert_allclose(fast.to_numpy(), ref, atol=2e-6)


def test_progress_reports_failing_nodes(testmrio):
    seen = []
    res.systemic_risk(testmrio, batch=16, progress=lambda d, n: seen.append((d, n)))
    assert seen[-1] == (testmrio.n, testmrio.n)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def graded_reference(table: vc.IOTable, W: np.ndarray, k: int, tol: float = 1e-14) -> float:
    """Plain monotone iteration of the graded rule: D_j >= w_ij D_i for rated inputs (w = 1 critical,
    0.5 important), the other inputs and the sales side linear."""
    Z = table.Z.to_numpy()
    x = table.x.to_numpy()
    rated = (W > 0) & (Z > 0)
    An = np.where(rated, 0.0, Z / x[None, :])
    Bm = Z / x[:, None]
    D = np.zeros(table.n)
    D[k] = 1.0
    for _ in range(200_000):
        graded = np.array([(np.where(rated[:, j], W[:, j], 0.0) * D).max() for j in range(table.n)])
        new = np.minimum(1.0, np.maximum.reduce([D, An.T @ D, graded, Bm @ D]))
        new[k] = 1.0
        if np.abs(new - D).max() <= tol:
            return float(x @ new / x.sum())
        D = new
    raise AssertionError("graded reference did not converge")


def test_linear_default_is_the_cascade_without_essential_inputs():
    t = random_table(3, 4, seed=6)
    s = res.systemic_risk(t, tol=1e-12)
    assert s.attrs["model"] == "linear"
    ref = [reference_cascade(t, np.zeros((t.n, t.n), bool), k) for k in range(t.n)]
    np.testing.assert_allclose(s.to_numpy(), ref, atol=1e-9)
    with pytest.raises(vc.ParameterError, match="model='leontief'"):
        res.systemic_risk(t, model="linear", essential=0.1)


def test_graded_ratings_with_a_concordance():
    t = random_table(2, 3, seed=12)
    # ratings on a coarser classification: s0, s1 -> "P" (primary), s2 -> "S" (services)
    ratings = pd.DataFrame([["critical", "important"], ["non-critical", "important"]],
                           index=["P", "S"], columns=["P", "S"])
    conc = {"s0": "P", "s1": "P", "s2": "S"}
    s = res.systemic_risk(t, ratings=ratings, concordance=conc, tol=1e-13)
    assert s.attrs["model"] == "graded"
    code = [conc[c] for c in t.nodes.get_level_values("sector")]
    W = ratings.replace({"critical": 1.0, "important": 0.5, "non-critical": 0.0}).loc[code, code].to_numpy(float)
    ref = [graded_reference(t, W, k) for k in range(t.n)]
    np.testing.assert_allclose(s.to_numpy(), ref, atol=1e-9)
    # graded damage lies between the linear cascade and the hard cascade on the critical inputs
    lin = res.systemic_risk(t, tol=1e-13).to_numpy()
    assert (s.to_numpy() >= lin - 1e-9).all()
    with pytest.raises(vc.LabelError, match="no rating"):
        res.systemic_risk(t, ratings=ratings)
    with pytest.raises(vc.ParameterError, match="rating"):
        res.systemic_risk(t, ratings=ratings.replace("important", "maybe"), concordance=conc)


def test_brazil_default_ranking_does_not_tie():
    """The hard 5 % Leontief cascade scores 39 of 68 Brazilian industries at 0.996; the linear default ranks."""
    t = vc.datasets.load("brazil", year=2021)
    s = res.systemic_risk(t)
    assert s.round(6).duplicated(keep=False).mean() <= 0.10
    hard = res.systemic_risk(t, model="leontief")
    assert hard.round(3).duplicated(keep=False).mean() > 0.4  # why it is no longer the default
    assert s.idxmax() == ("BRA", "Wholesale & retail trade")
