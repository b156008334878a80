"""Numerical faults (issue 11): singular I - A, zero output, negative final demand,
NaN appearing mid-computation and non-converging iterations.

Every public function that takes a table or graph (the call table of
tests/test_contract.py) is run on small tables that carry each fault, under
``np.errstate(all="raise")`` and ``warnings.simplefilter("error")``: it must either
return finite numbers (NaN only where a documented rule says so) or raise a
clear valuechain error; never a LinAlgError, a FloatingPointError, a
RuntimeWarning or a silent NaN.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.linalg

import valuechain as vc
from conftest import random_table
from test_contract import CASES, _frames_of, _inputs, _resolve
from valuechain.errors import ConvergenceError, ParameterError, TableError, ValueChainError

# NaN allowed by a documented rule: (function, attribute of the result).
DOCUMENTED_NAN = {
    ("position.propagation_lengths", ""): "APL undefined where there is no path (docstring: NaN)",
    ("compare", "ranks"): "rank correlation of a constant vector is NaN by rule (compare.py)",
    ("gvc.production_length", ""): "zero-output nodes have no production length: NaN by rule (docstring)",
}
# NaN allowed in one column only: (function, column) -> the documented rule.
DOCUMENTED_NAN_COLUMNS = {
    ("position.multipliers", "value_added_type1"): "ratio form undefined where a node has no value added (docstring)",
    ("position.extension_multipliers", "type1"): "ratio form undefined where the direct coefficient is 0",
    ("position.extension_multipliers", "type2"): "ratio form undefined where the direct coefficient is 0",
    ("position.skill_intensity", "direct"): "share undefined where a node has no work (docstring)",
    ("position.skill_intensity", "embodied"): "share undefined where a node has no work (docstring)",
}


def _takes_table(args) -> bool:
    for a in args:
        if isinstance(a, (vc.IOTable, vc.SupplyGraph)):
            return True
        if isinstance(a, dict) and any(isinstance(v, vc.IOTable) for v in a.values()):
            return True
    return False


TABLE_FUNCS = sorted(n for n, c in CASES.items() if _takes_table(c.call(_inputs())[0]))


def _node_index(regions=("R0", "R1"), sectors=("s0", "s1")):
    nodes = pd.MultiIndex.from_product([list(regions), list(sectors)], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([list(regions), ["hh"]], names=["region", "category"])
    return nodes, fd


def small_table(Z, Y, name, **kw) -> vc.IOTable:
    nodes, fd = _node_index()
    return vc.IOTable(pd.DataFrame(np.asarray(Z, float), nodes, nodes), pd.DataFrame(np.asarray(Y, float), nodes, fd),
                      meta={"name": name}, **kw)


def closed_loop_table() -> vc.IOTable:
    """(R0, s0) and (R0, s1) only sell to each other: no final demand, no value added.

    A has the block [[0, 1], [1, 0]] (eigenvalue 1): I - A is exactly singular.
    """
    Z = [[0, 5, 0, 0], [5, 0, 0, 0], [0, 0, 10, 20], [0, 0, 20, 10]]
    Y = [[0, 0], [0, 0], [30, 40], [20, 50]]
    return small_table(Z, Y, "closed")


def leaky_loop_table(eps: float) -> vc.IOTable:
    """The closed loop with a leak of *eps* x 5 to final demand: spectral radius 1 - O(eps)."""
    Z = [[0, 5, 0, 0], [5, 0, 0, 0], [0, 0, 10, 20], [0, 0, 20, 10]]
    Y = [[5 * eps, 0], [0, 0], [30, 40], [20, 50]]
    return small_table(Z, Y, f"leak{eps:g}")


def zero_output_table() -> vc.IOTable:
    t0 = random_table(2, 3, seed=1)
    k = [0, 4]
    Z = t0.Z.copy()
    Z.iloc[k, :] = 0.0
    Z.iloc[:, k] = 0.0
    Y = t0.Y.copy()
    Y.iloc[k, :] = 0.0
    x = Z.sum(axis=1) + Y.sum(axis=1)
    va = (x - Z.sum(axis=0)).to_numpy()
    V = pd.DataFrame([va * 0.6, va * 0.4], index=t0.V.index, columns=t0.nodes)
    return vc.IOTable(Z, Y, V, meta={"name": "zero"})


def inventory_table() -> vc.IOTable:
    """Every region has an 'inventories' final-demand category with draw-downs (negative)."""
    t0 = random_table(2, 3, seed=2)
    Y = t0.Y.copy()
    rng = np.random.default_rng(0)
    for r in t0.regions:
        inv = -rng.uniform(0.05, 0.3, t0.n) * t0.x.to_numpy()
        Y[(r, "inventories")] = inv
        Y[(r, "fd0")] = Y[(r, "fd0")] - inv
    return vc.IOTable(t0.Z, Y, t0.V, meta={"name": "inventories"})


def autarky_table() -> vc.IOTable:
    """No trade between regions at all (every export-based ratio is 0/0)."""
    t0 = random_table(2, 3, seed=3)
    Z, Y = t0.Z.copy(), t0.Y.copy()
    for r in t0.regions:
        for s in t0.regions:
            if r != s:
                Z.loc[r, s] = 0.0
                Y.loc[r, s] = 0.0
    x = Z.sum(axis=1) + Y.sum(axis=1)
    va = (x - Z.sum(axis=0)).to_numpy()
    V = pd.DataFrame([va * 0.6, va * 0.4], index=t0.V.index, columns=t0.nodes)
    return vc.IOTable(Z, Y, V, meta={"name": "autarky"})


def run_strict(name: str, inp: dict):
    """Call *name* with the contract-test arguments under errstate(raise) and warnings-as-errors."""
    args, kw = CASES[name].call(inp)
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        return _resolve(name)(*args, **kw)


def non_finite(name: str, result) -> list[str]:
    bad = []
    if isinstance(result, (float, np.floating)):
        return [] if np.isfinite(result) else ["result"]
    for attr, obj in _frames_of(result):
        if (name, attr) in DOCUMENTED_NAN:
            continue
        num = obj.select_dtypes("number") if isinstance(obj, pd.DataFrame) else obj
        if isinstance(num, pd.DataFrame):
            num = num.drop(columns=[c for c in num.columns
                                    if (name, c[-1] if isinstance(c, tuple) else c) in DOCUMENTED_NAN_COLUMNS])
        if isinstance(num, pd.Series) and not pd.api.types.is_numeric_dtype(num.dtype):
            continue
        if not np.isfinite(num.to_numpy(dtype=float)).all():
            bad.append(attr or "result")
    return bad


# ------------------------------------------------------------ singular I - A
# On a singular table these must raise ConvergenceError (they need the Leontief inverse).
# (the coefficient helpers of the satellite accounts use no inverse)
NEEDS_LEONTIEF = {n for n in TABLE_FUNCS if n.startswith(("position.", "gvc."))} - {
    "position.stressor_coefficients", "position.household_coefficients"} | {
    "resilience.demand_shock", "resilience.supply_shock", "resilience.inoperability", "resilience.decoupling",
    "network.influence", "compare"}

SINGULAR_DEFECTS: dict[str, str] = {}


def _mark(name, defects):
    if name in defects:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=defects[name]))
    return name


@pytest.fixture(scope="module")
def closed_inputs():
    return _inputs(closed_loop_table())


@pytest.mark.parametrize("name", [_mark(n, SINGULAR_DEFECTS) for n in TABLE_FUNCS])
def test_singular_leontief_is_a_clear_error(name, closed_inputs):
    try:
        result = run_strict(name, closed_inputs)
    except ConvergenceError as exc:
        assert "singular" in str(exc)
        return
    except ValueChainError:
        raise
    assert name not in NEEDS_LEONTIEF, f"{name} returned a result for a singular I - A"
    assert not non_finite(name, result), f"{name}: NaN/inf in {non_finite(name, result)}"


def test_singular_message_names_the_table_and_the_cause():
    with pytest.raises(ConvergenceError, match=r"spectral radius.*'closed'.*singular"):
        vc.position.output_multipliers(closed_loop_table())


@pytest.mark.parametrize("eps", [1e-15, 1e-17])
def test_nearly_singular_is_refused(eps):
    with pytest.raises(ConvergenceError, match="singular"):
        leaky_loop_table(eps).solve(np.ones(4))


@pytest.mark.parametrize("eps", [1e-3, 1e-6])
def test_slightly_leaky_loop_is_solved_exactly(eps):
    """Radius 1 - O(eps) but invertible: results must be right, not refused.

    Oracle: with a = 1/(1+eps) the loop block of A is [[0, 1], [a, 0]] (x0 = 5(1+eps), x1 = 5),
    so L_loop = 1/(1-a) [[1, 1], [a, 1]] (hand inversion of [[1, -1], [-a, 1]]).
    """
    t = leaky_loop_table(eps)
    a = 1 / (1 + eps)
    expected = np.array([[1, 1], [a, 1]]) / (1 - a)
    np.testing.assert_allclose(t.L.to_numpy()[:2, :2], expected, rtol=1e-6)
    np.testing.assert_allclose(t.solve(t.f.to_numpy()), t.x.to_numpy(), rtol=1e-6)


def spectral_radius_above_one_table() -> vc.IOTable:
    """Inputs exceed output in two columns (negative value added): radius of A is 1.1,
    I - A is invertible but L = (I - A)^-1 has negative entries (meaningless)."""
    Z = [[5, 6, 0, 0], [6, 5, 0, 0], [0, 0, 10, 20], [0, 0, 20, 10]]
    Y = [[-1, 0], [0, -1], [30, 40], [20, 50]]
    return small_table(Z, Y, "explosive", allow_negative=True)


def test_spectral_radius_above_one_table_is_as_documented():
    t = spectral_radius_above_one_table()
    assert max(abs(np.linalg.eigvals(t.A.to_numpy()))) == pytest.approx(1.1)


@pytest.mark.parametrize("fn", [vc.position.output_multipliers, vc.position.upstreamness])
def test_spectral_radius_above_one_is_refused(fn):
    t = spectral_radius_above_one_table()
    with pytest.raises((ConvergenceError, TableError), match="spectral radius"):
        fn(t)


# ------------------------------------------------------------ zero output
@pytest.fixture(scope="module")
def zero_inputs():
    return _inputs(zero_output_table())


@pytest.mark.parametrize("name", TABLE_FUNCS)
def test_zero_output_sectors_give_finite_results_without_warnings(name, zero_inputs):
    result = run_strict(name, zero_inputs)
    assert not non_finite(name, result), f"{name}: NaN/inf in {non_finite(name, result)}"


def test_zero_output_rule():
    """Documented rule: zero-output columns of A and rows of B are 0, so the node's
    Leontief column and Ghosh row are unit vectors (multiplier 1, upstreamness 1)."""
    t = zero_output_table()
    z = [t.nodes.get_loc(k) for k in t.zero_output]
    assert len(z) == 2
    assert (t.A.to_numpy()[:, z] == 0).all() and (t.B.to_numpy()[z, :] == 0).all()
    np.testing.assert_allclose(vc.position.output_multipliers(t).iloc[z], 1.0)
    np.testing.assert_allclose(vc.position.upstreamness(t).iloc[z], 1.0)
    r = vc.resilience.demand_shock(t, pd.Series(-1.0, index=t.nodes))
    np.testing.assert_allclose(r.nodes["output_loss_share"].iloc[z], 0.0)


# ------------------------------------------------------ negative final demand
@pytest.fixture(scope="module")
def inventory_inputs():
    return _inputs(inventory_table())


@pytest.mark.parametrize("name", TABLE_FUNCS)
def test_negative_final_demand_works(name, inventory_inputs):
    result = run_strict(name, inventory_inputs)
    assert not non_finite(name, result), f"{name}: NaN/inf in {non_finite(name, result)}"


def test_negative_final_demand_identities():
    t = inventory_table()
    assert (t.Y.xs("inventories", axis=1, level="category").to_numpy() < 0).all()
    np.testing.assert_allclose(t.solve(t.f.to_numpy()), t.x.to_numpy(), rtol=1e-10)
    # removing the inventory draw-down (a positive change of final demand) raises output by L * (-inv)
    inv = t.Y.xs("inventories", axis=1, level="category").sum(axis=1)
    r = vc.resilience.demand_shock(t, -inv)
    np.testing.assert_allclose(r.nodes["output_change"].to_numpy(), t.L.to_numpy() @ (-inv.to_numpy()), rtol=1e-10)
    u = vc.position.upstreamness(t, inventories="inventories")
    assert np.isfinite(u).all() and (u >= 1 - 1e-12).all()


@pytest.fixture(scope="module")
def autarky_inputs():
    return _inputs(autarky_table())


@pytest.mark.parametrize("name", TABLE_FUNCS)
def test_no_trade_between_regions_gives_finite_results(name, autarky_inputs):
    """Export-based ratios are 0/0 without trade: a documented rule, never NaN or a warning."""
    result = run_strict(name, autarky_inputs)
    assert not non_finite(name, result), f"{name}: NaN/inf in {non_finite(name, result)}"


# ------------------------------------------------------ NaN mid-computation
@pytest.mark.parametrize("fn", [
    vc.position.output_multipliers,
    lambda t: vc.position.upstreamness(t),
    lambda t: vc.gvc.kww(t),
    lambda t: vc.resilience.demand_shock(t, pd.Series(-1.0, index=t.nodes)),
], ids=["output_multipliers", "upstreamness", "kww", "demand_shock"])
def test_nan_from_the_solver_is_detected(monkeypatch, fn):
    """A NaN appearing inside the LU solve surfaces as ConvergenceError, never as a NaN result."""
    real = scipy.linalg.lu_solve

    def poisoned(*args, **kwargs):
        out = real(*args, **kwargs)
        out = np.array(out, dtype=float)
        out.flat[0] = np.nan
        return out

    monkeypatch.setattr(scipy.linalg, "lu_solve", poisoned)
    t = random_table(2, 2, seed=5)
    with pytest.raises(ConvergenceError, match="NaN"):
        fn(t)


def test_overflowing_totals_are_refused_at_construction():
    """Finite flows whose row totals overflow float64 are a TableError, not inf output."""
    big = np.finfo(float).max / 2
    Z = [[big, big, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    Y = [[big, 0], [1, 0], [1, 0], [1, 0]]
    with np.errstate(over="ignore"), pytest.raises(TableError, match="inf"):
        small_table(Z, Y, "huge")


def test_subnormal_output_is_handled():
    Z = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 10, 20], [0, 0, 20, 10]]
    Y = [[1e-310, 0], [1, 0], [30, 40], [20, 50]]
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            t = small_table(Z, Y, "subnormal")
        except TableError:
            return
        m = vc.position.output_multipliers(t)
    assert np.isfinite(m).all()


# ------------------------------------------------------ bounded iterations
def test_pagerank_stops_after_max_iter():
    g = vc.supply_graph(random_table(3, 3, seed=6))
    t0 = time.perf_counter()
    with pytest.raises(ConvergenceError, match=r"did not converge in 2 iterations"):
        vc.network.pagerank(g, max_iter=2, tol=1e-15)
    assert time.perf_counter() - t0 < 5
    with pytest.raises(ParameterError, match=r"The 'max_iter' parameter of pagerank must be"):
        vc.network.pagerank(g, max_iter=0)


def test_systemic_risk_stops_after_max_iter():
    t = random_table(2, 3, seed=7)
    t0 = time.perf_counter()
    with pytest.raises(ConvergenceError, match="max_iter=1"):
        vc.resilience.systemic_risk(t, max_iter=1)
    assert time.perf_counter() - t0 < 10


def test_katz_beyond_the_spectral_radius_is_refused():
    g = vc.supply_graph(random_table(2, 3, seed=8))
    with pytest.raises(ParameterError, match=r"The 'alpha' parameter of katz must be below 1 / spectral radius"):
        vc.network.katz(g, alpha=1e6)


@pytest.mark.parametrize("days", [1, 7])
def test_dynamic_models_run_a_bounded_number_of_steps(days):
    """The dynamic models step a fixed horizon, even on a table whose I - A is singular
    (where the static model has no solution): they return one finite row per day."""
    t = closed_loop_table()
    shock = pd.Series([0.1, 0.0, 0.0, 0.0], index=t.nodes)
    t0 = time.perf_counter()
    q = vc.resilience.dynamic_inoperability(t, shock, days=days, k=0.5)
    assert q.shape == (days + 1, t.n) and np.isfinite(q.to_numpy()).all()
    sim = vc.resilience.simulate(random_table(2, 2, seed=9), vc.resilience.Scenario(demand={("R0", "s0"): 0.5}),
                                 days=days)
    assert len(sim.output) == days and np.isfinite(sim.output.to_numpy()).all()
    assert time.perf_counter() - t0 < 10


@pytest.mark.parametrize("name", ["influence", "katz", "random_walk", "counting_betweenness"])
def test_nan_from_the_network_solver_is_detected(monkeypatch, name):
    """The network measures that solve a linear system check its solution too."""
    real = scipy.linalg.solve

    def poisoned(*args, **kwargs):
        out = np.array(real(*args, **kwargs), dtype=float)
        out.flat[-1] = np.nan
        return out

    g = vc.supply_graph(random_table(2, 3, seed=10))
    monkeypatch.setattr(scipy.linalg, "solve", poisoned)
    with warnings.catch_warnings(), pytest.raises(ConvergenceError):
        warnings.simplefilter("ignore")
        getattr(vc.network, name)(g)
