"""IO position metrics against Miller-Blair (METHODS.md T1), identities and brute force."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from conftest import random_table

P = vc.position


def test_multipliers_T1(mb):
    m = P.multipliers(mb)
    np.testing.assert_allclose(m["output"], [1.518152, 1.452145], atol=1e-6)
    np.testing.assert_allclose(m["output"], mb.L.values.sum(axis=0), atol=1e-12)
    np.testing.assert_allclose(m["value_added"], [1.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(P.output_multipliers(mb), m["output"], atol=1e-12)


def test_value_added_multipliers_one_on_random():
    t = random_table(3, 4, seed=11)
    m = P.multipliers(t)
    np.testing.assert_allclose(m["value_added"], 1.0, atol=1e-10)
    np.testing.assert_allclose(m["value_added[wages]"] + m["value_added[surplus]"], 1.0, atol=1e-10)
    with pytest.raises(vc.LabelError, match="subsidies"):
        P.value_added_multipliers(t, component="subsidies")


def test_linkages_T1(mb):
    lk = P.linkages(mb)
    np.testing.assert_allclose(lk["backward"], [1.022222, 0.977778], atol=1e-6)
    np.testing.assert_allclose(lk["forward_rasmussen"], [1.066667, 0.933333], atol=1e-6)
    np.testing.assert_allclose(lk["forward_ghosh"], [1.208333, 0.791667], atol=1e-6)
    assert lk["key_sector"].iloc[0] == "III key sector"
    # exact rationals
    np.testing.assert_allclose(lk["backward"].iloc[0], 2 * (1.15 / 0.7575) / (2.25 / 0.7575), atol=1e-12)
    with pytest.raises(vc.ParameterError, match=r"The 'crit' parameter of linkages"):
        P.linkages(mb, crit=-1)


def test_upstream_downstream_T1(mb):
    np.testing.assert_allclose(P.upstreamness(mb), [1.914191, 1.254125], atol=1e-6)
    np.testing.assert_allclose(P.upstreamness(mb), mb.G.values.sum(axis=1), atol=1e-12)
    np.testing.assert_allclose(P.downstreamness(mb), [1.518152, 1.452145], atol=1e-6)


def test_upstreamness_open_economy_reduces_to_closed_when_no_trade(mb):
    zero = pd.Series(0.0, index=mb.nodes)
    np.testing.assert_allclose(P.upstreamness(mb, exports=zero, imports=zero), P.upstreamness(mb), atol=1e-12)


def test_upstreamness_open_economy_formula():
    t = random_table(1, 5, seed=4)
    X = t.f * 0.3
    M = t.x * 0.1
    u = P.upstreamness(t, exports=X, imports=M)
    d = t.x - X + M
    Delta = t.Z.values / d.values[:, None]
    brute = np.linalg.inv(np.eye(t.n) - Delta) @ np.ones(t.n)
    np.testing.assert_allclose(u, brute, rtol=1e-10)
    # also accepts final-demand categories by name
    u2 = P.upstreamness(t, exports="fd0")
    d2 = t.x - t.Y.xs("fd0", level="category", axis=1).sum(axis=1)
    brute2 = np.linalg.solve(np.eye(t.n) - t.Z.values / d2.values[:, None], np.ones(t.n))
    np.testing.assert_allclose(u2, brute2, rtol=1e-10)
    with pytest.raises(vc.LabelError, match="exportz"):
        P.upstreamness(t, exports="exportz")


def brute_extraction(t, S, kind):
    A = t.A.values.copy()
    f = t.f.values.copy()
    n = t.n
    if kind == "total":
        A[S, :] = 0
        A[:, S] = 0
        f[S] = 0
        xbar = np.linalg.solve(np.eye(n) - A, f)
        return t.x.sum() - xbar.sum()
    if kind == "backward":
        A[:, S] = 0
        return t.x.sum() - np.linalg.solve(np.eye(n) - A, f).sum()
    B = t.B.values.copy()
    B[S, :] = 0
    v = t.v.values
    return t.x.sum() - (v @ np.linalg.inv(np.eye(n) - B)).sum()


def test_extraction_T1(mb):
    e = P.extraction(mb)
    np.testing.assert_allclose(e["total"], [1210.526316, 2588.235294], atol=1e-6)
    np.testing.assert_allclose(e["total_share"], [0.4035088, 0.8627451], atol=1e-6)


@pytest.mark.parametrize("kind", ["total", "backward", "forward"])
def test_extraction_matches_resolving(kind):
    t = random_table(3, 3, seed=5)
    e = P.extraction(t)
    for k in range(t.n):
        np.testing.assert_allclose(e[kind].iloc[k], brute_extraction(t, [k], kind), rtol=1e-9)
    per_region = P.extraction(t, per="region")
    for r in t.regions:
        S = np.flatnonzero(t.nodes.get_level_values("region") == r)
        np.testing.assert_allclose(per_region.loc[r, kind], brute_extraction(t, S, kind), rtol=1e-9)
    grp = P.extraction(t, regions=["R1"], sectors=["s0", "s2"])
    S = [t.nodes.get_loc(("R1", "s0")), t.nodes.get_loc(("R1", "s2"))]
    np.testing.assert_allclose(grp[kind], brute_extraction(t, S, kind), rtol=1e-9)


def test_extraction_bad_group(mb):
    with pytest.raises(vc.LabelError, match="XX"):
        P.extraction(mb, regions=["XX"])
    with pytest.raises(vc.ParameterError, match="'per'"):
        P.extraction(mb, per="country")


def test_apl_T1(mb):
    apl = P.propagation_lengths(mb)
    np.testing.assert_allclose(apl.values, [[1.597017, 1.376238], [1.376238, 1.835697]], atol=1e-6)


def test_apl_definition_random():
    t = random_table(2, 3, seed=9)
    L = t.L.values
    H = L @ (L - np.eye(t.n))
    apl = P.propagation_lengths(t).values
    i, j = 0, 4
    assert apl[i, j] == pytest.approx(H[i, j] / L[i, j], rel=1e-12)
    assert apl[2, 2] == pytest.approx(H[2, 2] / (L[2, 2] - 1), rel=1e-12)


def test_influence_vector_is_x_over_gdp():
    """Domar weights: x over the GDP of the node's region (world=True: world GDP)."""
    for seed in range(3):
        t = random_table(3, 4, seed=seed)
        gdp = t.gdp.reindex(t.nodes.get_level_values("region")).to_numpy()
        np.testing.assert_allclose(P.influence_vector(t), t.x / gdp, rtol=1e-10)
        np.testing.assert_allclose(P.influence_vector(t, world=True), t.x / t.gdp.sum(), rtol=1e-10)
        # a closed world table: world GDP = total final demand
        assert t.gdp.sum() == pytest.approx(t.f.sum(), rel=1e-12)


def test_key_sectors(mb):
    assert P.key_sectors(mb, forward="rasmussen").iloc[0] == "III key sector"
    with pytest.raises(vc.ParameterError, match="'forward'"):
        P.key_sectors(mb, forward="both")


def test_inputs_not_mutated(mb):
    before = (mb.Z.copy(), mb.Y.copy(), mb.V.copy())
    for fn in (P.multipliers, P.linkages, P.extraction, P.upstreamness, P.downstreamness,
               P.propagation_lengths, P.influence_vector):
        fn(mb)
    pd.testing.assert_frame_equal(mb.Z, before[0])
    pd.testing.assert_frame_equal(mb.Y, before[1])
    pd.testing.assert_frame_equal(mb.V, before[2])
