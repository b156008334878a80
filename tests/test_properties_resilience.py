"""Property-based tests (hypothesis) of the shock models (issue 11).

The static Leontief, Ghosh and inoperability models are linear in the shock;
removing all final demand removes all output; the models agree with each other
and with the Leontief algebra where theory says so; results do not depend on the
node order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuechain as vc
from _props import counted
from conftest import random_table

R = vc.resilience
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
tables = st.builds(random_table, n_regions=st.integers(1, 3), n_sectors=st.integers(1, 4),
                   seed=st.integers(0, 10_000), n_fd=st.integers(1, 2), density=st.sampled_from([1.0, 0.6, 0.3]))
coef = st.floats(-3, 3, allow_nan=False)


def _vec(t: vc.IOTable, seed: int, scale: float = 1.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=t.n) * (rng.random(t.n) < 0.7) * scale
    return pd.Series(v, index=t.nodes)


def _close(a, b, what, rtol=1e-9, atol=1e-9):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol, atol=atol, err_msg=what)


@SETTINGS
@given(tables, st.integers(0, 2**32 - 1), coef, coef)
@counted
def test_demand_and_supply_shocks_are_linear(t, seed, a, b):
    s1, s2 = _vec(t, seed, 10.0), _vec(t, seed + 1, 10.0)
    scale = float(t.x.abs().max())
    for model in (R.demand_shock, R.supply_shock):
        r1, r2 = model(t, s1).nodes, model(t, s2).nodes
        r = model(t, a * s1 + b * s2).nodes
        for col in ("output_change", "value_added_change"):
            _close(r[col], a * r1[col] + b * r2[col], f"{model.__name__} {col}", atol=1e-9 * scale)


@SETTINGS
@given(tables, st.integers(0, 2**32 - 1), st.floats(0, 3), st.floats(0, 3))
@counted
def test_inoperability_is_linear(t, seed, a, b):
    # c* is a share of output lost, in [0, 1]: linear on that cone (a, b >= 0, a c1 + b c2 <= 0.3)
    c1, c2 = _vec(t, seed, 0.05).abs().clip(upper=0.05), _vec(t, seed + 1, 0.05).abs().clip(upper=0.05)
    q1 = R.inoperability(t, c1).nodes["inoperability"]
    q2 = R.inoperability(t, c2).nodes["inoperability"]
    q = R.inoperability(t, a * c1 + b * c2).nodes["inoperability"]
    _close(q, a * q1 + b * q2, "inoperability", atol=1e-12)


@SETTINGS
@given(tables)
@counted
def test_removing_all_final_demand_removes_all_output(t):
    r = R.demand_shock(t, -t.f)
    _close(r.nodes["output_change"], -t.x, "output change = -x", atol=1e-8 * float(t.x.max()))
    _close(r.nodes["output_loss_share"].where(t.x > 0, 1.0), 1.0, "every producing node loses everything")
    _close(r.total["output_loss_share"], 1.0, "total loss share")
    _close(r.nodes["value_added_loss"], t.v, "value added lost", atol=1e-8 * float(t.x.max()))
    # the Ghosh model mirrors it: removing all value added removes all output
    g = R.supply_shock(t, -t.v)
    _close(g.nodes["output_change"], -t.x, "Ghosh: output change = -x", atol=1e-8 * float(t.x.max()))


@SETTINGS
@given(tables, st.integers(0, 2**32 - 1))
@counted
def test_shock_models_agree_with_the_leontief_algebra(t, seed):
    df = _vec(t, seed, 10.0)
    dx = R.demand_shock(t, df).nodes["output_change"].to_numpy()
    _close(dx, t.L.to_numpy() @ df.to_numpy(), "demand shock = L df", atol=1e-9 * float(np.abs(df).max() + 1))
    # inoperability with c* = -df / x is the demand shock expressed as shares (loss = -dx); c* is a share of
    # output lost, in [0, 1], so the demand falls by at most the output
    xv = t.x.to_numpy()
    fall = -_vec(t, seed, 1.0).abs().clip(upper=1.0) * xv
    dx = R.demand_shock(t, fall).nodes["output_change"].to_numpy()
    cstar = pd.Series(np.divide(-fall.to_numpy(), xv, out=np.zeros(t.n), where=xv > 0), index=t.nodes)
    q = R.inoperability(t, cstar).nodes
    _close(q["output_loss"], -dx, "inoperability loss = -L df", atol=1e-8 * float(np.abs(dx).max() + 1))
    # Ghosh: dx' = dv' G
    dv = _vec(t, seed + 2, 10.0)
    g = R.supply_shock(t, dv).nodes["output_change"].to_numpy()
    _close(g, dv.to_numpy() @ t.G.to_numpy(), "supply shock = dv' G", atol=1e-9 * float(np.abs(dv).max() + 1))


@SETTINGS
@given(tables, st.integers(0, 2**32 - 1))
@counted
def test_shocks_invariant_to_node_order(t, seed):
    perm = np.random.default_rng(seed).permutation(t.n)
    nodes = t.nodes[perm]
    t2 = vc.IOTable(t.Z.loc[nodes, nodes], t.Y.loc[nodes], t.V.loc[:, nodes], meta=t.meta)
    s = _vec(t, seed, 10.0)
    for model, shock in ((R.demand_shock, s), (R.supply_shock, s), (R.inoperability, s.abs() / 1000)):
        a = model(t, shock).nodes
        b = model(t2, shock.loc[nodes]).nodes.loc[t.nodes]
        _close(b["output_change"], a["output_change"], model.__name__, atol=1e-9 * float(t.x.max()))
    r = t.regions[0]
    _close(R.extraction(t2, regions=[r]).total["output_loss"], R.extraction(t, regions=[r]).total["output_loss"],
           "extraction", rtol=1e-9)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.integers(0, 2**32 - 1), st.floats(0.2, 1.0))
@counted
def test_dynamic_inoperability_converges_to_the_static_model(t, seed, k):
    """q(t+1) = q + K(A* q + c* - q) has the fixed point (I - A*)^-1 c* (documented)."""
    c = _vec(t, seed, 0.05).abs()
    q = R.dynamic_inoperability(t, c, days=3000, k=k).iloc[-1]
    static = R.inoperability(t, c).nodes["inoperability"]
    _close(q, static, "fixed point", rtol=1e-6, atol=1e-9)
