"""Demand shocks on sparse supply graphs (firm-level networks), without dense matrices.

A :class:`~valuechain.SupplyGraph` with ``weight="flow"`` holds the intermediate
flows ``W[i, j] = z_ij`` (i supplies j) in CSR form; with each node's gross
output ``x`` (node attribute ``output``) the technical coefficients are

    ``A = W x̂⁻¹``  (CSR, column j scaled by ``1 / x_j``; 0 for zero-output nodes),

and a change of final demand ``Δf`` moves output by ``Δx = (I − A)⁻¹ Δf``,
solved without forming the inverse:

* ``"splu"``: sparse LU of ``I − A`` (exact; fill-in can be large on big
  scale-free graphs);
* ``"gmres"`` / ``"bicgstab"``: Krylov solvers (scipy) to the relative residual
  ``‖Δf − (I − A) Δx‖ ≤ tol ‖Δf‖``;
* ``"neumann"``: the series ``Δx = Σ_k A^k Δf``, one sparse product per term.
  With ``c`` the largest column sum of A (below 1 when every node's inputs are
  below its output), the rest of the series after a term ``t`` is at most
  ``‖t‖₁ c / (1 − c)``; the sum stops when that bound is below ``tol ‖Δx‖₁``.
  (When ``c ≥ 1`` the series stops when a term is below ``tol ‖Δx‖₁``, without
  that guarantee.)
* ``"auto"`` (default): Neumann when the largest column sum of A is at most
  0.95 (then ``log(tol) / log(0.95)`` terms at most), else GMRES.

Value added per node is the ``value_added`` node attribute when present, else
output minus intermediate inputs (``x_j − Σ_i z_ij``); value-added changes use
fixed coefficients ``v_j / x_j``.  Memory is O(nodes + edges).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .._validation import check_choice, check_int, check_number, fmt_labels
from ..errors import ConvergenceError, LabelError, ParameterError
from ._result import ShockResult, _shares
from .scenario import Scenario, as_scenario

__all__ = ["graph_demand_shock", "technical_coefficients", "leontief_solve"]

_SOLVERS = ("auto", "splu", "gmres", "bicgstab", "neumann")


def _check_graph(graph: Any, func: str):
    from ..graph import SupplyGraph

    if not isinstance(graph, SupplyGraph):
        raise ParameterError(f"The 'table' parameter of {func} must be an IOTable or a SupplyGraph. "
                             f"Got {type(graph).__name__} instead.")
    if graph.weight != "flow":
        raise ParameterError(f"{func} needs a SupplyGraph with weight='flow' (intermediate flows); "
                             f"got weight={graph.weight!r}.")
    if "output" not in graph.node_attrs.columns:
        raise ParameterError(f"{func}: the SupplyGraph has no 'output' node attribute (gross output per node); "
                             "add it to node_attrs.")
    x = graph.node_attrs["output"].to_numpy(dtype=float)
    if not np.isfinite(x).all() or (x < 0).any():
        bad = graph.nodes[~np.isfinite(x) | (x < 0)]
        raise ParameterError(f"{func}: node output must be finite and non-negative; found "
                             f"{fmt_labels(bad)}.")
    return graph, x


def _xinv(x: np.ndarray) -> np.ndarray:
    out = np.zeros_like(x)
    np.divide(1.0, x, out=out, where=x != 0)
    return out


def technical_coefficients(graph: Any) -> sp.csr_matrix:
    """``A = W x̂⁻¹`` of a flow graph as CSR (column j divided by node j's output; 0 where output is 0).

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("miller_blair"), self_loops=True)
    >>> vc.resilience.sparse.technical_coefficients(g).toarray().round(2).tolist()
    [[0.15, 0.25], [0.2, 0.05]]
    """
    g, x = _check_graph(graph, "technical_coefficients")
    W = g.adjacency
    # scale the stored entries by the column's 1/x without changing the sparsity pattern
    return sp.csr_matrix((W.data * _xinv(x)[W.indices], W.indices, W.indptr), shape=W.shape)


def leontief_solve(A: sp.spmatrix, b: np.ndarray, *, solver: str = "auto", tol: float = 1e-10,
                   max_iter: int = 1000) -> tuple[np.ndarray, dict[str, Any]]:
    """Solve ``(I − A) y = b`` for a sparse A: returns ``(y, info)`` (solver, iterations, residual).

    Examples
    --------
    >>> A = sp.csr_matrix(np.array([[0.15, 0.25], [0.2, 0.05]]))
    >>> y, info = vc.resilience.sparse.leontief_solve(A, np.array([100.0, 0.0]))
    >>> y.round(2).tolist(), info["solver"]
    ([125.41, 26.4], 'neumann')
    """
    func = "leontief_solve"
    check_choice(solver, "solver", func, _SOLVERS)
    tol = check_number(tol, "tol", func, low=0.0, closed="neither")
    max_iter = check_int(max_iter, "max_iter", func, low=1)
    A = sp.csr_matrix(A)
    n = A.shape[0]
    b = np.asarray(b, dtype=float)
    colmax = float(np.asarray(abs(A).sum(axis=0)).max(initial=0.0)) if A.nnz else 0.0
    if solver == "auto":
        solver = "neumann" if colmax <= 0.95 and (A.data >= 0).all() else "gmres"
    info: dict[str, Any] = {"solver": solver, "max_column_sum": colmax}
    bnorm = float(np.linalg.norm(b))
    if bnorm == 0.0:
        info.update(iterations=0, residual=0.0)
        return np.zeros(n), info
    if solver == "splu":
        M = (sp.identity(n, format="csc") - A.tocsc()).tocsc()
        try:
            y = spla.splu(M).solve(b)
        except RuntimeError as exc:
            raise ConvergenceError(f"{func}: I - A is singular ({exc}).") from exc
        it = 1
    elif solver == "neumann":
        # ‖A^k t‖₁ ≤ c^k ‖t‖₁ with c the largest column sum, so after a term t the rest of
        # the series is at most ‖t‖₁ c / (1 − c): stop when that bound is below tol·‖y‖₁.
        rest = colmax / (1.0 - colmax) if colmax < 1.0 else np.inf
        y = b.copy()
        term = b
        for it in range(1, max_iter + 1):
            term = A @ term
            y += term
            tail = np.abs(term).sum()
            if tail * rest <= tol * np.abs(y).sum() or (not np.isfinite(rest) and tail <= tol * np.abs(y).sum()):
                break
        else:
            raise ConvergenceError(f"{func}: the Neumann series did not converge in max_iter={max_iter} terms "
                                   f"(largest column sum of A {colmax:.4g}); raise max_iter or use solver='gmres'.")
    else:
        M = spla.LinearOperator((n, n), matvec=lambda v: v - A @ v, dtype=float)
        counter = {"k": 0}

        def cb(_: Any) -> None:
            counter["k"] += 1

        kw: dict[str, Any] = {"rtol": tol, "atol": 0.0, "maxiter": max_iter, "callback": cb}
        if solver == "gmres":
            kw["callback_type"] = "pr_norm"
            restart = max(1, min(50, n, max_iter))  # max_iter counts inner iterations
            kw["maxiter"] = -(-max_iter // restart)
            y, flag = spla.gmres(M, b, restart=restart, **kw)
        else:
            y, flag = spla.bicgstab(M, b, **kw)
        it = counter["k"]
        if flag != 0:
            res = float(np.linalg.norm(b - (y - A @ y))) / bnorm
            raise ConvergenceError(f"{func}: {solver} did not converge in max_iter={max_iter} iterations "
                                   f"(relative residual {res:.3g} > tol={tol:g}); raise max_iter or tol.")
    if not np.isfinite(y).all():
        raise ConvergenceError(f"{func}: the solution has NaN/inf; I - A is singular.")
    res = float(np.linalg.norm(b - (y - A @ y))) / bnorm
    info.update(iterations=int(it), residual=res)
    return y, info


def _graph_values(graph: Any, shock: pd.Series, func: str) -> np.ndarray:
    """Align a Series indexed by graph node labels to the graph's nodes (missing = 0)."""
    nodes = graph.nodes
    idx = shock.index
    if isinstance(nodes, pd.MultiIndex):
        if not isinstance(idx, pd.MultiIndex) or idx.nlevels != nodes.nlevels:
            raise LabelError(f"{func}: the shock must be indexed like the graph's nodes "
                             f"({nodes.nlevels} levels {list(nodes.names)}); got index {list(idx[:3])}...")
        idx = idx.set_names(nodes.names)
    s = pd.Series(shock.to_numpy(dtype=float), index=idx)
    if s.index.has_duplicates:
        raise LabelError(f"{func}: duplicated node(s) {fmt_labels(s.index[s.index.duplicated()])}.")
    pos = nodes.get_indexer(s.index)
    if (pos < 0).any():
        raise LabelError(f"{func}: unknown node(s) {fmt_labels(s.index[pos < 0])}.")
    out = np.zeros(len(nodes))
    vals = s.to_numpy()
    vals = np.where(np.isnan(vals), 0.0, vals)
    out[pos] = vals
    return out


class _GraphTable:
    """The few IOTable attributes a Scenario needs, for a MultiIndex graph."""

    def __init__(self, graph: Any, x: np.ndarray, v: np.ndarray, f: np.ndarray) -> None:
        self.nodes = graph.nodes
        self.n = graph.n
        self.x = pd.Series(x, index=graph.nodes)
        self.v = pd.Series(v, index=graph.nodes)
        self.f = pd.Series(f, index=graph.nodes)


def graph_demand_shock(graph: Any, shock: pd.Series | Scenario, *, solver: str = "auto", tol: float = 1e-10,
                       max_iter: int = 1000) -> ShockResult:
    """Leontief demand shock ``Δx = (I − A)⁻¹ Δf`` on a sparse flow graph (``A = W x̂⁻¹``).

    The graph form of :func:`valuechain.resilience.demand_shock` (which calls it
    for a SupplyGraph).  Nothing of size N x N is formed.

    Parameters
    ----------
    graph : SupplyGraph
        ``weight="flow"`` and an ``output`` node attribute (gross output, the
        same unit as the flows).
    shock : Series or Scenario
        Series indexed by node labels: the absolute change of final demand
        (negative = fall; missing nodes 0).  A :class:`Scenario` (demand channel)
        needs (region, sector) node labels; final demand is the
        ``final_demand`` attribute, else output minus intermediate sales.
    solver : {"auto", "splu", "gmres", "bicgstab", "neumann"}, default "auto"
        See the module notes.
    tol : float, default 1e-10
        Relative residual (Krylov) or relative size of the last term (Neumann).
    max_iter : int, default 1000

    Returns
    -------
    ShockResult
        ``nodes`` indexed by the graph's nodes with output, output_change,
        output_loss, output_loss_share, value_added, value_added_change,
        value_added_loss, value_added_loss_share and final_demand_change;
        ``attrs`` records the solver, its iterations and residual.

    Raises
    ------
    ConvergenceError
        The iterative solver did not converge.

    Examples
    --------
    >>> W = sp.csr_matrix(np.array([[0.0, 40.0, 0.0], [0.0, 0.0, 30.0], [0.0, 0.0, 0.0]]))
    >>> nodes = pd.Index(["a", "b", "c"], name="node")
    >>> g = vc.SupplyGraph(adjacency=W, nodes=nodes, weight="flow",
    ...                    node_attrs=pd.DataFrame({"output": [100.0, 80.0, 60.0]}, index=nodes),
    ...                    meta=vc.TableMeta())
    >>> r = vc.resilience.demand_shock(g, pd.Series({"c": -6.0}))
    >>> r.nodes["output_change"].round(4).tolist()  # c buys half its output from b, b half from a
    [-1.5, -3.0, -6.0]
    """
    func = "demand_shock"
    check_choice(solver, "solver", func, _SOLVERS)
    g, x = _check_graph(graph, func)
    A = technical_coefficients(g)
    W = g.adjacency
    attrs = g.node_attrs
    inputs = np.asarray(W.sum(axis=0)).ravel()
    sales = np.asarray(W.sum(axis=1)).ravel()
    v = attrs["value_added"].to_numpy(dtype=float) if "value_added" in attrs.columns else x - inputs
    f = attrs["final_demand"].to_numpy(dtype=float) if "final_demand" in attrs.columns else x - sales
    sc = as_scenario(shock, func, "demand")
    if sc is None:
        dfin = _graph_values(g, shock, func)
        record: dict[str, Any] = {"kind": "absolute_change", "channel": "demand",
                                  "n_shocked": int(np.count_nonzero(dfin))}
    else:
        if not isinstance(g.nodes, pd.MultiIndex):
            raise ParameterError(f"{func}: a Scenario needs (region, sector) node labels; pass a Series "
                                 "indexed by node for this graph.")
        dfin = -sc.vector(_GraphTable(g, x, v, f), "demand")
        record = sc.record()
    dx, info = leontief_solve(A, dfin, solver=solver, tol=tol, max_iter=max_iter)
    dvx = v * _xinv(x) * dx
    df = pd.DataFrame({"output": x, "output_change": dx, "output_loss": -dx, "output_loss_share": 0.0,
                       "value_added": v, "value_added_change": dvx, "value_added_loss": -dvx,
                       "value_added_loss_share": 0.0, "final_demand_change": dfin}, index=g.nodes)
    _shares(df)
    df.attrs = {"metric": "leontief_demand", "unit": g.meta.unit, "year": g.meta.year, "source": g.meta.source,
                "model": "leontief_demand", "scenario": record, "method": "dx = (I - W x^-1)^-1 df (sparse)",
                **{k: info[k] for k in ("solver", "iterations", "residual")}}
    return ShockResult(df, "leontief_demand", record)
