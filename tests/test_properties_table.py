"""Property-based tests (hypothesis) of the IO algebra on random balanced tables."""

from __future__ import annotations

import numpy as np
import pytest
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuechain as vc
from _props import counted
from conftest import random_table

P = vc.position
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
tables = st.builds(random_table, n_regions=st.integers(1, 4), n_sectors=st.integers(1, 5),
                   seed=st.integers(0, 10_000), n_fd=st.integers(1, 3),
                   density=st.sampled_from([1.0, 0.6, 0.3]))


@SETTINGS
@given(tables)
@counted
def test_leontief_identities(t):
    np.testing.assert_allclose(t.solve(t.f.to_numpy()), t.x.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(P.value_added_multipliers(t), 1.0, atol=1e-9)
    np.testing.assert_allclose(P.influence_vector(t, world=True), t.x / t.f.sum(), rtol=1e-9)
    np.testing.assert_allclose(P.downstreamness(t), t.L.to_numpy().sum(axis=0), rtol=1e-9)
    np.testing.assert_allclose(P.upstreamness(t), t.G.to_numpy().sum(axis=1), rtol=1e-9)
    assert (P.upstreamness(t) >= 1 - 1e-12).all()


@SETTINGS
@given(tables, st.data())
@counted
def test_aggregation_conserves_flows(t, data):
    groups = data.draw(st.lists(st.sampled_from(["g1", "g2"]), min_size=len(t.sectors), max_size=len(t.sectors)))
    agg = t.aggregate(sectors=dict(zip(t.sectors, groups)))
    for block in ("Z", "Y", "V"):
        np.testing.assert_allclose(getattr(agg, block).to_numpy().sum(), getattr(t, block).to_numpy().sum(), rtol=1e-12)
    np.testing.assert_allclose(agg.x.sum(), t.x.sum(), rtol=1e-12)
    np.testing.assert_allclose(agg.solve(agg.f.to_numpy()), agg.x.to_numpy(), rtol=1e-9)


@SETTINGS
@given(tables, st.integers(0, 2**32 - 1))
@counted
def test_invariant_to_node_order(t, seed):
    perm = np.random.default_rng(seed).permutation(t.n)
    nodes = t.nodes[perm]
    t2 = vc.IOTable(t.Z.loc[nodes, nodes], t.Y.loc[nodes], t.V.loc[:, nodes], meta=t.meta)
    for fn in (P.output_multipliers, P.upstreamness, P.influence_vector):
        pd.testing.assert_series_equal(fn(t2).loc[t.nodes], fn(t), rtol=1e-9, check_exact=False)
    e1, e2 = P.extraction(t), P.extraction(t2).loc[t.nodes]
    pd.testing.assert_frame_equal(e2, e1, rtol=1e-8, check_exact=False, check_like=True)


@SETTINGS
@given(tables, st.floats(1e-3, 1e3))
@counted
def test_relabel_and_rescale_change_nothing(t, scale):
    mapping = {r: f"X_{r}" for r in t.regions}
    t2 = t.aggregate(regions=mapping)  # a pure relabelling
    np.testing.assert_allclose(P.output_multipliers(t2).to_numpy(), P.output_multipliers(t).to_numpy(), rtol=1e-12)
    t3 = vc.IOTable(t.Z * scale, t.Y * scale, t.V * scale, meta=t.meta)
    np.testing.assert_allclose(P.linkages(t3)[["backward", "forward_ghosh"]].to_numpy(),
                               P.linkages(t)[["backward", "forward_ghosh"]].to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(P.extraction(t3)["total_share"], P.extraction(t)["total_share"], rtol=1e-8)


@SETTINGS
@given(tables, st.floats(-2, 2), st.floats(-2, 2))
@counted
def test_leontief_solve_is_linear(t, a, b):
    rng = np.random.default_rng(0)
    u, w = rng.normal(size=t.n), rng.normal(size=t.n)
    np.testing.assert_allclose(t.solve(a * u + b * w), a * t.solve(u) + b * t.solve(w), rtol=1e-8, atol=1e-8)


@SETTINGS
@given(tables, st.floats(0.0, 0.5), st.floats(0.0, 0.3))
@counted
def test_primary_input_kinds_add_up(t, imp, tax):
    """Split each node's value added into imports, taxes and GVA: the kind multipliers add up to 1,
    GVA effects fall to at most 1 - (leakage), and GDP = GVA + taxes = final demand - imports."""
    w = t.w.to_numpy()
    V = pd.DataFrame([w * imp, w * tax, w * (1 - imp - tax)], columns=t.nodes,
                     index=pd.MultiIndex.from_tuples([("imports", "m"), ("taxes", "t"), ("value_added", "va")]))
    t2 = t.replace(V=V)
    m = P.multipliers(t2)
    np.testing.assert_allclose(m[["value_added", "imports", "taxes", "other"]].sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(m["value_added"], 1 - imp - tax, atol=1e-9)
    assert t2.gdp.sum() == pytest.approx(t2.f.sum() - t2.primary_inputs("imports").sum(), rel=1e-9)
    np.testing.assert_allclose(t2.v.to_numpy(), w * (1 - imp - tax), rtol=1e-12)
