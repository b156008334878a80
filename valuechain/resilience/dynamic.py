"""Dynamic shock models: dynamic inoperability (IIM) and a disequilibrium production network.

Dynamic IIM (Haimes et al. 2005)::

    q(t+1) = q(t) + K [A* q(t) + c*(t) − q(t)],   A* = x̂⁻¹ A x̂ = B

with ``K`` the diagonal of resilience coefficients (speed of recovery).

Disequilibrium production network (after Pichler, Pangallo, del Rio-Chanona,
Lafond & Farmer 2022, JEDC 144:104527), one step per day.  Node ``j`` holds an
inventory of every input ``i``; internally it is kept as ``s_ij = S_ij / A_ij``,
the output that stock would allow ``j`` to produce (baseline ``n_j x̄_j``).
Each day, in this order:

1. orders of ``j`` to ``i`` (in units of ``j``'s output): expected demand (last
   day's demand ``d_j``) plus the inventory gap closed at speed ``1/τ``,
   ``o_ij = max(0, d_j + (n_j x̄_j − s_ij) / τ)``; the order in input units is
   ``A_ij o_ij``;
2. demand for ``i``: ``d_i = Σ_j A_ij o_ij + c_i(t)``, with final demand
   ``c_i(t) = (1 − δ_i(t)) c̄_i`` (demand shock δ);
3. capacity: labour ``(1 − ε_i(t)) x̄_i`` (labour shock ε) and inputs —
   ``leontief``: ``min_i s_ij`` over all inputs; ``critical``: the minimum over
   critical inputs only (non-critical shortages do not bind); ``linear``:
   ``Σ_i A_ij s_ij / Σ_i A_ij`` (inputs substitute for each other at their
   baseline coefficients);
4. output ``x_i = min(labour capacity, input capacity, d_i)``;
5. proportional rationing: every customer (intermediate and final) receives the
   share ``r_i = x_i / d_i`` of its order;
6. inventories: ``s_ij += r_i o_ij − x_j`` (clipped at 0 under ``critical`` and
   ``linear``, where a missing non-binding input is simply done without).

Baseline final demand is ``c̄ = x − Z 1`` (so the unshocked economy is an exact
steady state) and value added is ``(v_j / x_j) x_j(t)``.  Paths are reported as
annualised rates in the table's unit (the baseline equals ``x``).  Labour,
hiring and the Muellbauer consumption function of Pichler et al. are not
modelled: capacity and final demand follow the scenario exogenously.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._validation import check_choice, check_int, check_number, check_table
from ..errors import LabelError, ParameterError
from ..table import IOTable
from .scenario import Scenario, _node_values
from .static import _check_cstar, _check_cstar_series

__all__ = ["dynamic_inoperability", "simulate", "SimulationResult", "critical_inputs"]

_PRODUCTION = ("leontief", "critical", "linear")


# ------------------------------------------------------------------ dynamic IIM


def _node_param(table: IOTable, value: Any, name: str, func: str, *, low: float = 0.0,
                high: float | None = None) -> np.ndarray:
    if isinstance(value, pd.Series):
        vals = value.reindex(table.nodes)
        if vals.isna().any():
            missing = table.nodes[vals.isna().to_numpy()]
            raise LabelError(f"{func}: '{name}' has no value for node(s) {list(missing[:5])}.")
        arr = vals.to_numpy(dtype=float)
        if (arr < low).any() or (high is not None and (arr > high).any()):
            raise ParameterError(f"The '{name}' parameter of {func} must lie in [{low:g}, {high if high is not None else 'inf'}]. "
                                 f"Got values in [{arr.min():g}, {arr.max():g}] instead.")
        return arr
    return np.full(table.n, check_number(value, name, func, low=low, high=high))


def dynamic_inoperability(table: IOTable, shock: pd.Series | Scenario, *, days: int = 100,
                          k: float | pd.Series = 0.1, q0: pd.Series | None = None) -> pd.DataFrame:
    """Dynamic inoperability ``q(t+1) = q(t) + K[A* q(t) + c*(t) − q(t)]``.

    Parameters
    ----------
    shock : Series or Scenario
        A Series is a constant perturbation ``c*`` (share of output, positive =
        reduction) on every day; a :class:`Scenario`'s final-demand reduction
        applies from ``start`` to ``end`` (``c* = Δf / x``).
    days : int, default 100
        Number of steps.
    k : float or Series, default 0.1
        Resilience coefficients (diagonal of K), in [0, 1].
    q0 : Series, optional
        Initial inoperability (default 0).

    Returns
    -------
    DataFrame
        Inoperability ``q`` indexed by ``day`` (0 .. days; day 0 = ``q0``),
        columns = nodes.  With a constant ``c*`` it converges to the static
        :func:`inoperability`.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> q = vc.resilience.dynamic_inoperability(t, pd.Series([0.1, 0.0], index=t.nodes), days=400, k=0.5)
    >>> q.iloc[-1].round(6).tolist()
    [0.125413, 0.013201]
    """
    check_table(table, "dynamic_inoperability")
    days = check_int(days, "days", "dynamic_inoperability", low=1)
    K = _node_param(table, k, "k", "dynamic_inoperability", low=0.0, high=1.0)
    if isinstance(shock, Scenario):
        c_on = shock.vector(table, "demand") * table._xinv
        active = np.array([shock.active(t) for t in range(days)])
        record = shock.record()
    elif isinstance(shock, pd.Series):
        _check_cstar_series(shock, "dynamic_inoperability")
        c_on = _node_values(table, shock, "dynamic_inoperability")
        active = np.ones(days, dtype=bool)
        record = {"kind": "c_star", "n_shocked": int(np.count_nonzero(c_on))}
    else:
        raise ParameterError("The 'shock' parameter of dynamic_inoperability must be a Series or a Scenario. "
                             f"Got {type(shock).__name__} instead.")
    _check_cstar(table, c_on, "dynamic_inoperability")
    Bm = sp.csr_matrix(table.Z.to_numpy() * table._xinv[:, None]) if table._use_sparse else table.B.to_numpy()
    q = np.zeros(table.n) if q0 is None else _node_values(table, q0, "dynamic_inoperability")
    out = np.empty((days + 1, table.n))
    out[0] = q
    for t in range(days):
        c = c_on if active[t] else 0.0
        q = q + K * (Bm @ q + c - q)
        out[t + 1] = q
    df = pd.DataFrame(out, index=pd.RangeIndex(days + 1, name="day"), columns=table.nodes)
    df.attrs = table.attrs("dynamic_inoperability", scenario=record, days=days)
    return df


# ------------------------------------------------------------------ production network


def critical_inputs(table: IOTable, *, threshold: float = 0.05) -> pd.DataFrame:
    """The default criticality matrix: input i is critical for buyer j when its share
    of j's intermediate inputs ``z_ij / Σ_k z_kj`` exceeds *threshold*.

    Returns a boolean DataFrame (supplier rows, buyer columns).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.resilience.dynamic.critical_inputs(t, threshold=0.3).to_numpy().tolist()
    [[True, True], [True, False]]
    """
    from ._inputs import input_share_mask

    return input_share_mask(table, threshold, "critical_inputs")


@dataclass(frozen=True)
class SimulationResult:
    """Paths of :func:`simulate` (annualised rates in the table's unit).

    Attributes
    ----------
    output, consumption, value_added : DataFrame
        Indexed by ``day``, columns = nodes.
    total : DataFrame
        Aggregate paths by day: ``output``, ``consumption``, ``value_added`` and
        each as a share of its baseline (``*_share``).
    baseline : DataFrame
        Baseline per node (``output``, ``consumption``, ``value_added``).
    scenario : dict
    """

    output: pd.DataFrame
    consumption: pd.DataFrame
    value_added: pd.DataFrame
    total: pd.DataFrame
    baseline: pd.DataFrame
    scenario: dict[str, Any] = field(default_factory=dict)

    def by_region(self, what: str = "output") -> pd.DataFrame:
        """Paths summed by region (day x region)."""
        check_choice(what, "what", "SimulationResult.by_region", ("output", "consumption", "value_added"))
        return getattr(self, what).T.groupby(level="region", sort=False).sum().T

    def by_sector(self, what: str = "output") -> pd.DataFrame:
        """Paths summed by sector (day x sector)."""
        check_choice(what, "what", "SimulationResult.by_sector", ("output", "consumption", "value_added"))
        return getattr(self, what).T.groupby(level="sector", sort=False).sum().T

    def loss(self, what: str = "value_added") -> pd.Series:
        """Cumulative loss over the run per node, as a share of the baseline over the same days."""
        check_choice(what, "what", "SimulationResult.loss", ("output", "consumption", "value_added"))
        path = getattr(self, what)
        base = self.baseline[what].to_numpy() * len(path)
        lost = base - path.sum(axis=0).to_numpy()
        share = np.zeros_like(lost)
        np.divide(lost, base, out=share, where=base != 0)
        s = pd.Series(share, index=path.columns, name=f"{what}_loss_share")
        s.attrs = dict(path.attrs, metric=f"{what}_loss_share")
        return s


class _Dense:
    """Dense state ``w = s / τ``, swept once per day in row blocks that stay in cache.

    One sweep first applies the previous day's deliveries and use
    (``w += (r_i o_ij − x_j) / τ``, the previous orders recomputed in cache) and
    then computes today's orders, demand and input capacity.
    """

    def __init__(self, A: np.ndarray, s0: np.ndarray, bind: np.ndarray | None, block: int, tau: float):
        self.A = A
        self.tau = tau
        self.w = np.repeat((s0 / tau)[None, :], A.shape[0], axis=0)
        self.bind = bind
        n = A.shape[0]
        self.blocks = [slice(i, min(i + block, n)) for i in range(0, n, block)]
        self.buf = np.empty((block, n))

    def sweep(self, g, prev, mode, clip):
        n = self.A.shape[0]
        d = np.empty(n)
        cap = np.zeros(n) if mode == "linear" else np.full(n, np.inf)
        if prev is not None:
            g0, rr, xt = prev  # previous g, r / τ, x / τ
        for sl in self.blocks:
            o = self.buf[: sl.stop - sl.start]
            w = self.w[sl]
            if prev is not None:
                np.subtract(g0, w, out=o)
                np.maximum(o, 0.0, out=o)
                o *= rr[sl, None]
                w += o
                w -= xt
                if clip:
                    np.maximum(w, 0.0, out=w)
            np.subtract(g, w, out=o)
            np.maximum(o, 0.0, out=o)
            d[sl] = np.einsum("ij,ij->i", self.A[sl], o)
            if mode == "linear":
                cap += np.einsum("ij,ij->j", self.A[sl], w)
            elif self.bind is None:
                np.minimum(cap, w.min(axis=0), out=cap)
            else:
                np.minimum(cap, np.min(w, axis=0, where=self.bind[sl], initial=np.inf), out=cap)
        return d, cap * self.tau


class _Sparse:
    """Sparse state: one value per nonzero of A (CSR order), gathers by row/column index."""

    def __init__(self, A: sp.csr_matrix, s0: np.ndarray, bind: np.ndarray | None, tau: float):
        A = A.tocsr()
        A.sort_indices()
        self.n = A.shape[0]
        self.tau = tau
        self.a = A.data.copy()
        self.row = np.repeat(np.arange(self.n), np.diff(A.indptr))
        self.col = A.indices.copy()
        self.w = (s0 / tau)[self.col].copy()
        sel = np.arange(len(self.a)) if bind is None else np.flatnonzero(bind)
        order = sel[np.argsort(self.col[sel], kind="stable")]
        self.perm = order
        cols = self.col[order]
        self.cols_present, self.starts = np.unique(cols, return_index=True)

    def sweep(self, g, prev, mode, clip):
        if prev is not None:
            g0, rr, xt = prev
            o = np.maximum(g0[self.col] - self.w, 0.0)
            self.w += o * rr[self.row] - xt[self.col]
            if clip:
                np.maximum(self.w, 0.0, out=self.w)
        o = np.maximum(g[self.col] - self.w, 0.0)
        d = np.bincount(self.row, weights=self.a * o, minlength=self.n)
        if mode == "linear":
            cap = np.bincount(self.col, weights=self.a * self.w, minlength=self.n)
        else:
            cap = np.full(self.n, np.inf)
            if len(self.perm):
                cap[self.cols_present] = np.minimum.reduceat(self.w[self.perm], self.starts)
        return d, cap * self.tau


def simulate(table: IOTable, scenario: Scenario | None = None, *, days: int = 365, production: str = "leontief",
             inventory_days: float | pd.Series = 15.0, tau: float = 10.0,
             critical: pd.DataFrame | np.ndarray | None = None, critical_threshold: float = 0.05,
             engine: str = "auto", block_size: int = 64) -> SimulationResult:
    """Simulate a disequilibrium production network day by day (Pichler et al. 2022 style).

    See the module notes for the model.  Vectorised: each day costs a few passes
    over the nonzeros of A (dense in cache-sized row blocks, or sparse).

    Parameters
    ----------
    table : IOTable
    scenario : Scenario, optional
        ``labour=`` capacity reductions and ``demand=`` final-demand reductions,
        active from ``start`` to ``end``.  None: no shock (the steady state).
    days : int, default 365
    production : {"leontief", "critical", "linear"}, default "leontief"
    inventory_days : float or Series, default 15
        Target inventory ``n_j`` in days of input use (>= 1), per buyer node.
    tau : float, default 10
        Days over which an inventory gap is closed (>= 1).
    critical : boolean DataFrame/array (supplier x buyer), optional
        Which inputs bind under ``production="critical"``.  Default:
        :func:`critical_inputs` with ``critical_threshold``.
    critical_threshold : float, default 0.05
        Input-share threshold of the default criticality rule.
    engine : {"auto", "dense", "sparse"}, default "auto"
        ``auto`` uses the sparse engine when A has under 20 % nonzeros.
    block_size : int, default 64
        Rows per block of the dense engine.

    Returns
    -------
    SimulationResult
        ``output``, ``consumption``, ``value_added`` (day x node), ``total``
        (aggregate paths and shares of baseline), ``baseline``, ``scenario``.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> sc = vc.resilience.Scenario(labour={"s1": 0.5}, by="sector", start=0, end=30)
    >>> r = vc.resilience.simulate(t, sc, days=60)
    >>> round(float(r.output.iloc[0, 0]), 6)
    500.0
    >>> bool(abs(r.total["output_share"].iloc[-1] - 1) < 0.05)
    True
    """
    check_table(table, "simulate")
    days = check_int(days, "days", "simulate", low=1)
    check_choice(production, "production", "simulate", _PRODUCTION)
    check_choice(engine, "engine", "simulate", ("auto", "dense", "sparse"))
    tau = check_number(tau, "tau", "simulate", low=1.0)
    block_size = check_int(block_size, "block_size", "simulate", low=1)
    check_number(critical_threshold, "critical_threshold", "simulate", low=0.0, high=1.0)
    nd = _node_param(table, inventory_days, "inventory_days", "simulate", low=1.0)
    if scenario is not None and not isinstance(scenario, Scenario):
        raise ParameterError("The 'scenario' parameter of simulate must be a vc.resilience.Scenario or None. "
                             f"Got {type(scenario).__name__} instead.")

    n = table.n
    Z = table.Z.to_numpy()
    xv = table.x.to_numpy()
    xinv = table._xinv
    xb = xv / 365.0
    cb = (xv - Z.sum(axis=1)) / 365.0
    vcoef = table.v.to_numpy() * xinv
    nnz = np.count_nonzero(Z)
    use_sparse = engine == "sparse" or (engine == "auto" and nnz < 0.2 * n * n)

    bind = None
    if production == "critical":
        if critical is None:
            crit = critical_inputs(table, threshold=critical_threshold).to_numpy()
        else:
            crit = critical.reindex(index=table.nodes, columns=table.nodes).fillna(False).to_numpy(dtype=bool) \
                if isinstance(critical, pd.DataFrame) else np.asarray(critical, dtype=bool)
            if crit.shape != (n, n):
                raise ParameterError(f"The 'critical' parameter of simulate must be {n} x {n}. Got {crit.shape} instead.")
        bind = crit & (Z > 0)
    elif production == "leontief" and nnz < n * n:
        bind = Z > 0

    A = Z * xinv[None, :]
    s0 = nd * xb
    if use_sparse:
        Asp = sp.csr_matrix(A)
        Asp.sort_indices()
        bmask = None
        if bind is not None:
            rows = np.repeat(np.arange(n), np.diff(Asp.indptr))
            bmask = bind[rows, Asp.indices]
        state: Any = _Sparse(Asp, s0, bmask, tau)
    else:
        state = _Dense(A, s0, bind, block_size, tau)

    linear = production == "linear"
    clip = production != "leontief"
    if linear:
        colA = A.sum(axis=0)
    eps_on = scenario.reduction_share(table, "labour") if scenario is not None else np.zeros(n)
    dem_on = scenario.reduction_share(table, "demand") if scenario is not None else np.zeros(n)
    # demand shock applies to final demand; reduction_share is relative to f, our c̄ is x - Z1
    inv_tau = 1.0 / tau
    gap_term = nd * xb * inv_tau
    d_prev = xb.copy()
    mode = production
    X = np.empty((days, n))
    C = np.empty((days, n))
    prev = None
    for t in range(days):
        on = scenario is not None and scenario.active(t)
        lab = xb * (1.0 - eps_on) if on else xb
        c = cb * (1.0 - dem_on) if on else cb
        g = d_prev + gap_term  # orders o_ij = max(0, g_j - s_ij / τ)
        dint, cap = state.sweep(g, prev, mode, clip)
        if linear:
            with np.errstate(divide="ignore", invalid="ignore"):
                cap = np.where(colA > 0, cap / np.where(colA > 0, colA, 1.0), np.inf)
        d = np.maximum(dint + c, 0.0)
        x = np.minimum(np.minimum(lab, cap), d)
        r = np.ones(n)
        np.divide(x, d, out=r, where=d > 0)
        prev = (g, r * inv_tau, x * inv_tau)
        X[t] = x
        C[t] = c * r
        d_prev = d
    idx = pd.RangeIndex(days, name="day")
    record = scenario.record() if scenario is not None else {"name": "no shock"}
    attrs = table.attrs("simulate", production=production, scenario=record, inventory_days=float(nd.mean()),
                        tau=tau, unit_note="annualised rate")

    def frame(arr: np.ndarray, metric: str) -> pd.DataFrame:
        df = pd.DataFrame(arr * 365.0, index=idx, columns=table.nodes, copy=False)
        df.attrs = dict(attrs, metric=metric)
        return df

    out = frame(X, "output")
    cons = frame(C, "consumption")
    va = frame(X * vcoef[None, :], "value_added")
    base = pd.DataFrame({"output": xv, "consumption": cb * 365.0, "value_added": vcoef * xv}, index=table.nodes)
    tot = pd.DataFrame({"output": out.sum(axis=1), "consumption": cons.sum(axis=1),
                        "value_added": va.sum(axis=1)}, index=idx)
    for col in ("output", "consumption", "value_added"):
        b = base[col].sum()
        tot[f"{col}_share"] = tot[col] / b if b != 0 else 0.0
    tot.attrs = dict(attrs, metric="simulate_total")
    return SimulationResult(out, cons, va, tot, base, record)
