"""Static shock models: Leontief demand, Ghosh supply, inoperability (IIM), extraction, decoupling.

* Demand shock (Leontief): ``Δx = L Δf`` (one LU solve, :meth:`IOTable.solve`).
* Supply shock (Ghosh, an allocation / cost-push model, not a causal quantity
  model; see METHODS.md 2.1): ``Δx' = Δv' G`` with ``G = x̂⁻¹ L x̂``, so
  ``Δx = x̂ L' x̂⁻¹ Δv`` (one transposed solve).
* Inoperability IIM: ``q = (I − A*)⁻¹ c*`` with ``A* = x̂⁻¹ A x̂ = B``; the loss
  is ``Q = x̂ q``.  Because ``(I − A*)⁻¹ = x̂⁻¹ L x̂``, ``q = x̂⁻¹ L (x̂ c*)``.
* Extraction: the system re-solved with the group's rows/columns of A zeroed
  (totals equal :func:`valuechain.position.extraction`).
* Decoupling: only the cross-border blocks between a region group and the rest
  are zeroed (intermediate trade; optionally cross-border final demand too).

Value-added changes use fixed value-added coefficients ``v_j / x_j`` (except the
Ghosh model, where value added is the exogenous shock itself).  Zero-output
nodes have zero coefficients (the table's rule), so they neither cause nor
receive a propagated change.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .._validation import check_choice, fmt_labels, check_table
from ..errors import ConvergenceError, LabelError, ParameterError
from ..table import IOTable
from ._result import ShockResult, make_result
from .scenario import Scenario, _node_values, as_scenario

__all__ = ["demand_shock", "supply_shock", "inoperability", "extraction", "decoupling"]


def _vcoef(table: IOTable) -> np.ndarray:
    return table.v.to_numpy() * table._xinv


def _demand_input(table: IOTable, shock: pd.Series | Scenario, func: str = "demand_shock") -> tuple[np.ndarray, dict]:
    """Final-demand change ``Δf`` per node and the scenario record."""
    sc = as_scenario(shock, func, "demand")
    if sc is None:
        dfin = _node_values(table, shock, func)
        return dfin, {"kind": "absolute_change", "channel": "demand", "n_shocked": int(np.count_nonzero(dfin))}
    return -sc.vector(table, "demand"), sc.record()


def _supply_input(table: IOTable, shock: pd.Series | Scenario, func: str = "supply_shock") -> tuple[np.ndarray, dict]:
    """Value-added change ``Δv`` per node and the scenario record."""
    sc = as_scenario(shock, func, "supply")
    if sc is None:
        dv = _node_values(table, shock, func)
        return dv, {"kind": "absolute_change", "channel": "value_added", "n_shocked": int(np.count_nonzero(dv))}
    dv = -sc.vector(table, "supply" if sc.supply is not None else "labour")
    if sc.supply is None and sc.labour is not None:
        dv = dv * _vcoef(table)  # capacity lost -> value added lost at fixed coefficients
    return dv, sc.record()


def _inoperability_input(table: IOTable, shock: pd.Series | Scenario,
                         func: str = "inoperability") -> tuple[np.ndarray, dict]:
    """Demand perturbation ``c*`` per node (checked: finite, in [0, 1]) and the scenario record."""
    sc = as_scenario(shock, func, "demand")
    if sc is None:
        _check_cstar_series(shock, func)
        cstar = _node_values(table, shock, func)
        record = {"kind": "c_star", "channel": "demand", "n_shocked": int(np.count_nonzero(cstar))}
    else:
        cstar, record = sc.vector(table, "demand") * table._xinv, sc.record()
    _check_cstar(table, cstar, func)
    return cstar, record


def _check_cstar_series(shock: pd.Series, func: str) -> None:
    """A c* Series holds numbers, never NaN or inf (a missing node is a 0, a NaN is an error)."""
    vals = pd.to_numeric(pd.Series(shock.to_numpy(), index=shock.index), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(vals)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ParameterError(f"The 'shock' parameter of {func} must hold finite perturbations c* in [0, 1]. "
                             f"Got {_shown(shock.iloc[k])} for node {shock.index[k]!r} instead "
                             f"({int(bad.sum())} non-finite value(s)).")


def _shown(v: Any) -> str:
    return str(v) if isinstance(v, (int, float, np.number)) else repr(v)


def _check_cstar(table: IOTable, cstar: np.ndarray, func: str) -> None:
    """The IIM perturbation is a share of output lost: finite and in [0, 1] at every node (name the first culprit)."""
    bad = ~np.isfinite(cstar) | (cstar < 0) | (cstar > 1)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ParameterError(f"The 'shock' parameter of {func} must give a perturbation c* in [0, 1] (share of "
                             f"output lost) at every node. Got {cstar[k]:g} for node {table.nodes[k]!r} instead "
                             f"({int(bad.sum())} node(s) outside [0, 1]).")


def _propagate(table: IOTable, model: str, U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Output and value-added changes ``(ΔX, ΔV)`` for the shock columns *U* (n x k) of *model*."""
    U = np.asarray(U, dtype=float)
    xv = table.x.to_numpy()
    vc_ = _vcoef(table)
    one = U.ndim == 1
    U2 = U[:, None] if one else U
    if model == "demand_shock":
        dX = table.solve(U2)
        dV = vc_[:, None] * dX
    elif model == "supply_shock":
        dX = xv[:, None] * table.solve(table._xinv[:, None] * U2, transpose=True)
        zero = xv == 0
        dX[zero] += U2[zero]  # G has an identity row for zero-output nodes
        dV = U2.copy()
    elif model == "inoperability":
        Q = table._xinv[:, None] * table.solve(xv[:, None] * U2)
        dX = -xv[:, None] * Q
        dV = vc_[:, None] * dX
    else:  # pragma: no cover - callers validate
        raise ValueError(model)
    dX = np.asarray(dX).reshape(U2.shape)
    if one:
        return dX[:, 0], np.asarray(dV)[:, 0]
    return dX, np.asarray(dV)


def demand_shock(table: Any, shock: pd.Series | Scenario, *, solver: str = "auto", tol: float = 1e-10,
                 max_iter: int = 1000) -> ShockResult:
    """Leontief demand shock ``Δx = L Δf``.

    Parameters
    ----------
    table : IOTable or SupplyGraph
        A table (one LU solve), or a sparse ``SupplyGraph`` with ``weight="flow"``
        and an ``output`` node attribute (firm-level networks; see
        :func:`valuechain.resilience.sparse.graph_demand_shock`: no dense
        N x N matrix is ever formed).
    shock : Series or Scenario
        A Series indexed by (region, sector) (or by the graph's node labels) is
        the absolute **change** of final demand ``Δf`` in the table's unit
        (negative = fall; missing nodes 0).  A :class:`Scenario` gives
        reductions of final demand (``demand=``) as shares or amounts by node,
        region or sector.
    solver : {"auto", "splu", "gmres", "bicgstab", "neumann"}, default "auto"
        Graph input only: how ``(I − A) Δx = Δf`` is solved (see
        :func:`~valuechain.resilience.sparse.graph_demand_shock`).
    tol, max_iter : float, int
        Graph input only: relative residual tolerance and iteration limit of the
        iterative solvers.

    Returns
    -------
    ShockResult
        ``.nodes`` (output and value-added baseline, change, loss, loss share per
        node), ``.by_region``, ``.by_sector``, ``.total``; the scenario is in
        ``.nodes.attrs["scenario"]``.

    Raises
    ------
    ConvergenceError
        Graph input: the iterative solver did not reach *tol* in *max_iter* iterations.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> df = pd.Series([-100.0, 0.0], index=t.nodes)
    >>> r = vc.resilience.demand_shock(t, df)
    >>> r.nodes["output_loss"].round(2).tolist()
    [125.41, 26.4]
    >>> round(float(r.total["output_loss_share"]), 5)
    0.05061
    >>> g = vc.supply_graph(t, self_loops=True)
    >>> vc.resilience.demand_shock(g, df).nodes["output_loss"].round(2).tolist()
    [125.41, 26.4]
    """
    if not isinstance(table, IOTable):
        from .sparse import graph_demand_shock

        return graph_demand_shock(table, shock, solver=solver, tol=tol, max_iter=max_iter)
    dfin, record = _demand_input(table, shock)
    dx, dv = _propagate(table, "demand_shock", dfin)
    return make_result(table, dx, dv, "leontief_demand", record,
                       extra={"final_demand_change": dfin}, method="dx = L df")


def supply_shock(table: IOTable, shock: pd.Series | Scenario) -> ShockResult:
    """Ghosh supply (allocation / cost-push) shock ``Δx' = Δv' G``.

    Parameters
    ----------
    table : IOTable
    shock : Series or Scenario
        A Series indexed by (region, sector) is the absolute **change** of value
        added (primary inputs) ``Δv`` (negative = fall).  A :class:`Scenario`
        gives reductions through ``supply=`` (share of value added or amount) or,
        when ``supply`` is absent, ``labour=``.

    Returns
    -------
    ShockResult
        Output changes ``Δx``; the value-added change is the shock ``Δv``.

    Notes
    -----
    The Ghosh quantity model is implausible as a causal model (Oosterhaven
    1988); read the result as an allocation or price (cost-push) propagation.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> r = vc.resilience.supply_shock(t, pd.Series([-100.0, 0.0], index=t.nodes))
    >>> r.nodes["output_loss"].round(4).tolist()
    [125.4125, 66.0066]
    """
    check_table(table, "supply_shock")
    dv, record = _supply_input(table, shock)
    dx, _ = _propagate(table, "supply_shock", dv)
    return make_result(table, dx, dv, "ghosh_supply", record, extra={"value_added_shock": dv},
                       method="dx' = dv' G")


def inoperability(table: IOTable, shock: pd.Series | Scenario) -> ShockResult:
    """Static inoperability input-output model ``q = (I − A*)⁻¹ c*``, ``A* = x̂⁻¹ A x̂``.

    Parameters
    ----------
    table : IOTable
    shock : Series or Scenario
        A Series indexed by (region, sector) is the demand perturbation ``c*``
        as a share of each node's **output** (positive = reduction; missing
        nodes 0).  A :class:`Scenario` gives final-demand reductions
        (``demand=``); ``c* = Δf / x``.  Every ``c*`` must be finite and in
        [0, 1].

    Returns
    -------
    ShockResult
        ``nodes["inoperability"]`` is ``q``; ``nodes["output_loss"]`` is the
        economic loss ``Q = x̂ q``; ``nodes["perturbation"]`` is ``c*``.

    Raises
    ------
    ParameterError
        A ``c*`` is NaN, infinite, negative or above 1 (the message names the node).

    References
    ----------
    Haimes & Jiang (2001); Santos & Haimes (2004), Risk Analysis 24(6).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> r = vc.resilience.inoperability(t, pd.Series([0.1, 0.0], index=t.nodes))
    >>> r.nodes["inoperability"].round(6).tolist()
    [0.125413, 0.013201]
    >>> r.nodes["output_loss"].round(2).tolist()
    [125.41, 26.4]
    """
    check_table(table, "inoperability")
    cstar, record = _inoperability_input(table, shock)
    dx, dv = _propagate(table, "inoperability", cstar)
    q = -dx * table._xinv
    return make_result(table, dx, dv, "inoperability", record,
                       extra={"perturbation": cstar, "inoperability": q}, method="q = (I - A*)^-1 c*")


# ------------------------------------------------------------------ extraction


def _group_mask(table: IOTable, regions, sectors, nodes, func: str) -> np.ndarray:
    if regions is None and sectors is None and nodes is None:
        raise LabelError(f"{func}: give regions, sectors or nodes to extract.")
    return table.node_mask(regions, sectors, nodes, func=func)


def _solve_with(table: IOTable, A: np.ndarray | sp.spmatrix, b: np.ndarray, transpose: bool = False) -> np.ndarray:
    """Solve ``(I − A) y = b`` (or the transpose) for a modified coefficient matrix."""
    n = table.n
    if sp.issparse(A):
        M = sp.identity(n, format="csc") - sp.csc_matrix(A)
        if transpose:
            M = M.T.tocsc()
        try:
            out = spla.splu(M).solve(b)
        except RuntimeError as exc:
            raise ConvergenceError(f"I - A of the modified system is singular: {exc}.") from exc
    else:
        M = -A.T if transpose else -A
        M = np.array(M, dtype=float)
        M[np.diag_indices(n)] += 1.0
        try:
            out = np.linalg.solve(M, b)
        except np.linalg.LinAlgError as exc:
            raise ConvergenceError(f"I - A of the modified system is singular: {exc}.") from exc
    if not np.isfinite(out).all():
        raise ConvergenceError("The modified Leontief system produced NaN/inf; I - A is singular.")
    return out


def _coefficients(table: IOTable):
    if table._use_sparse:
        return sp.csr_matrix(table.Z.to_numpy()) @ sp.diags(table._xinv)
    return table.A.to_numpy().copy()


def _zero_block(A, rows: np.ndarray, cols: np.ndarray):
    if sp.issparse(A):
        A = sp.lil_matrix(A)
        A[np.ix_(rows, cols)] = 0.0
        return A.tocsc()
    A[np.ix_(rows, cols)] = 0.0
    return A


def extraction(table: IOTable, *, regions=None, sectors=None, nodes=None, kind: str = "total") -> ShockResult:
    """Hypothetical extraction of a group, with the new output of every node.

    The totals equal :func:`valuechain.position.extraction` (which gives the
    aggregate losses of every node or group in closed form); this variant
    re-solves the extracted system once to report losses node by node.

    Parameters
    ----------
    regions, sectors, nodes : optional
        The group: nodes in the given regions AND sectors, or listed nodes.
    kind : {"total", "backward", "forward"}, default "total"
        ``total``: rows and columns of A of the group zeroed and its final
        demand removed; ``backward``: the group's columns of A zeroed (it buys
        no intermediate inputs), f kept; ``forward``: the group's rows of B
        zeroed (it sells no intermediate inputs), value added kept (Ghosh).

    Returns
    -------
    ShockResult (model ``"extraction"``).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> r = vc.resilience.extraction(t, sectors=["s1"])
    >>> round(float(r.total["output_loss"]), 3)
    1210.526
    """
    check_table(table, "extraction")
    check_choice(kind, "kind", "extraction", ("total", "backward", "forward"))
    mask = _group_mask(table, regions, sectors, nodes, "extraction")
    S = np.flatnonzero(mask)
    every = np.arange(table.n)
    xv = table.x.to_numpy()
    if kind == "forward":
        Bm = sp.csr_matrix(table.Z.to_numpy()).multiply(table._xinv[:, None]).tocsr() if table._use_sparse \
            else table.B.to_numpy().copy()
        Bm = _zero_block(Bm, S, every)
        xbar = _solve_with(table, Bm, table.v.to_numpy(), transpose=True)
    else:
        A = _zero_block(_coefficients(table), every, S)
        f = table.f.to_numpy().copy()
        if kind == "total":
            A = _zero_block(A, S, every)
            f[S] = 0.0
        xbar = _solve_with(table, A, f)
    dx = xbar - xv
    record = {"kind": kind, "group_size": int(len(S)), "regions": regions, "sectors": sectors}
    return make_result(table, dx, _vcoef(table) * dx, "extraction", record, method=f"HEM {kind}")


def decoupling(table: IOTable, regions: str | Iterable[str], *, final_demand: bool = False) -> ShockResult:
    """Output lost when a region group stops trading with the rest of the world.

    Only the cross-border blocks are extracted: ``A[S, ~S]`` and ``A[~S, S]``
    are set to 0 (the group neither buys inputs from nor sells inputs to the
    other regions), the domestic blocks are kept, and ``x̄ = (I − Ā)⁻¹ f̄``.

    Parameters
    ----------
    regions : str or list of str
        The decoupling region(s) S.
    final_demand : bool, default False
        Also remove cross-border final demand (exports of final goods from S and
        imports of final goods into S).

    Returns
    -------
    ShockResult (model ``"decoupling"``).

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> r = vc.resilience.decoupling(t, "reg1")
    >>> bool(r.total["output_loss"] > 0)
    True
    """
    check_table(table, "decoupling")
    mask = _group_mask(table, regions, None, None, "decoupling")
    regs = list(pd.unique(table.nodes.get_level_values("region")[mask]))
    S = np.flatnonzero(mask)
    R = np.flatnonzero(~mask)
    A = _coefficients(table)
    A = _zero_block(A, S, R)
    A = _zero_block(A, R, S)
    if final_demand:
        Y = table.Y.to_numpy()
        col_in = np.asarray(table.Y.columns.get_level_values("region").isin(regs))
        f = np.where(mask, Y[:, col_in].sum(axis=1), Y[:, ~col_in].sum(axis=1))
    else:
        f = table.f.to_numpy()
    xbar = _solve_with(table, A, f)
    dx = xbar - table.x.to_numpy()
    record = {"regions": regs, "final_demand": final_demand}
    return make_result(table, dx, _vcoef(table) * dx, "decoupling", record, method="cross-border HEM")
