"""Cost-push prices along value chains: the Leontief price model and cumulative tariffs.

* :func:`price_shock` -- the Leontief (cost-push) price model ``p' = p' A + v_c'``
  (Miller & Blair 2009, section 2.6), solved for the change ``Δp`` as
  ``(I − A)' Δp = Δv_c`` with the table's one LU factorisation (no inverse).
  ``Δv_c`` is the change in the cost of primary inputs per unit of output (wages,
  imports, taxes on products: the ``(kind, component)`` rows of ``V``).  Nodes with
  an exogenous price (energy) are handled by the mixed (partitioned) model: the
  fixed nodes' value added absorbs the difference between their given price and
  their costs, and that implied change in value added is reported.
* :func:`tariff_shock` -- ad-valorem tariffs ``T`` on cross-border intermediate
  flows compound along the chain, ``p' = p' (A ∘ (1 + T)) + v_c'`` (a tariff is paid
  on a value that already contains earlier tariffs), so the price effect is not
  linear in ``T``.  The cumulative tariff of a node is ``p − 1 = L' τ`` with
  ``τ_j = Σ_i a_ij T_ij p_i`` the tariff paid per unit of output at each stage
  (Rouzet & Miroudot 2013; Diakantoni, Escaith, Roberts & Verbeet 2017).

Rules
-----
* Prices are indices, 1 = unchanged; relative changes are shares (0.10 = +10 %).
* Primary-input coefficients are ``V / x``, rescaled per node so that they add up
  with the column of ``A`` to exactly 1 (a published table's balance residual,
  within its tolerance, is spread proportionally over its primary inputs): the
  baseline price is then exactly 1 and a uniform rise of every primary-input cost
  by r raises every price by exactly r (the largest rescaling is in the metadata).
* Zero-output nodes have no cost structure (their coefficients are 0 by the table's
  rule): their price is unchanged unless it is fixed.
* Quantities are unchanged (the price model's assumption), so the value of the cost
  shock equals the value of the price change of final demand:
  ``Δp' f = (Δv_c + δ)' x`` with ``δ`` the fixed nodes' implied value-added change
  per unit of output (0 elsewhere).

References
----------
Miller, R. E. & Blair, P. D. (2009). *Input-Output Analysis*, 2nd ed., section 2.6
(the price model) and 13.1 (mixed models).  Rouzet, D. & Miroudot, S. (2013). The
cumulative impact of trade barriers along the value chain. GTAP conference paper.
Diakantoni, A., Escaith, H., Roberts, M. & Verbeet, T. (2017). Accumulating trade costs
and competitiveness in global value chains. WTO Working Paper ERSD-2017-02.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .._validation import check_table
from ..errors import ConvergenceError, LabelError, ParameterError, fmt_labels
from ..table import KINDS, IOTable

__all__ = ["PriceResult", "TariffResult", "price_shock", "tariff_shock", "resolve_nodes"]


# ----------------------------------------------------------------------------- helpers
def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def resolve_nodes(table: IOTable, key: Any, func: str, what: str) -> np.ndarray:
    """Positions of the nodes a label names.

    A ``(region, sector)`` pair names one node; a string ``"REGION/SECTOR"`` too; a
    bare sector name names that sector in every region (in a national table: the
    one node); a bare region name names every node of the region.

    Examples
    --------
    >>> from valuechain.resilience.prices import resolve_nodes
    >>> t = vc.datasets.load("brazil", year=2021)
    >>> t.nodes[resolve_nodes(t, "Electricity & gas", "f", "fixed")].tolist()
    [('BRA', 'Electricity & gas')]
    """
    nodes = table.nodes
    if isinstance(key, tuple):
        if len(key) == 2 and key in nodes:
            return np.array([nodes.get_loc(key)])
        raise LabelError(f"{func}: {what} names an unknown node {key!r}.")
    if not isinstance(key, str):
        raise LabelError(f"{func}: {what} keys must be (region, sector) pairs or labels; got {key!r}.")
    regions = nodes.get_level_values("region")
    sectors = nodes.get_level_values("sector")
    if "/" in key:
        r, s = key.split("/", 1)
        if (r, s) in nodes:
            return np.array([nodes.get_loc((r, s))])
    in_s, in_r = np.flatnonzero(sectors == key), np.flatnonzero(regions == key)
    if len(in_s) and len(in_r):
        raise LabelError(f"{func}: {what} label {key!r} is both a region and a sector; write REGION/SECTOR.")
    if len(in_s) or len(in_r):
        return in_s if len(in_s) else in_r
    raise LabelError(f"{func}: {what} names an unknown node, sector or region {key!r}; sectors: "
                     f"{fmt_labels(table.sectors, 6)}; regions: {fmt_labels(table.regions, 6)}.")


def _node_vector(table: IOTable, value: Any, func: str, what: str, *, low: float | None = -1.0,
                 high: float | None = None, closed_low: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Values by node (and a mask of the nodes given) from a scalar, a dict or a Series."""
    n = table.n
    if _is_number(value):
        vals, given = np.full(n, float(value)), np.ones(n, dtype=bool)
    elif isinstance(value, pd.Series) and value.index.equals(table.nodes):  # already by node: no label lookups
        vals = pd.to_numeric(value, errors="coerce").to_numpy(dtype=float).copy()
        given = np.ones(n, dtype=bool)
    elif isinstance(value, (Mapping, pd.Series)):
        items = list(value.items())
        vals, given = np.zeros(n), np.zeros(n, dtype=bool)
        for k, v in items:
            pos = resolve_nodes(table, k, func, what)
            if given[pos].any():
                dup = table.nodes[pos[given[pos]]]
                raise LabelError(f"{func}: {what} gives node(s) {fmt_labels(dup)} twice.")
            if not _is_number(v):
                raise ParameterError(f"The '{what}' parameter of {func} must hold numbers. Got {v!r} for {k!r} instead.")
            vals[pos], given[pos] = float(v), True
    else:
        raise ParameterError(f"The '{what}' parameter of {func} must be a number, a dict or a Series by node. "
                             f"Got {type(value).__name__} instead.")
    bad = ~np.isfinite(vals)
    if low is not None:
        bad |= (vals < low) if closed_low else (vals <= low)
    if high is not None:
        bad |= vals > high
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        lb = "[" if closed_low else "("
        rng = f"{lb}{'-inf' if low is None else f'{low:g}'}, {'inf' if high is None else f'{high:g}'}]"
        raise ParameterError(f"The '{what}' parameter of {func} must be a float in {rng}. Got {vals[k]!r} for node "
                             f"{table.nodes[k]!r} instead.")
    return vals, given


def _cost_coefficients(table: IOTable) -> tuple[np.ndarray, float]:
    """Primary-input coefficients ``V / x`` (rows x nodes), rescaled to close each column exactly."""
    V = table.V.to_numpy()
    C = V * table._xinv[None, :]
    target = 1.0 - table.A.to_numpy().sum(axis=0)
    have = C.sum(axis=0)
    ok = (table._xinv > 0) & (np.abs(have) > 1e-12)
    factor = np.ones(table.n)
    factor[ok] = target[ok] / have[ok]
    return C * factor[None, :], float(np.max(np.abs(factor - 1.0), initial=0.0))


def _rows(table: IOTable, key: str, func: str) -> np.ndarray:
    idx = table.V.index
    if key in KINDS:
        return np.asarray(idx.get_level_values("kind") == key)
    comps = idx.get_level_values("component")
    if key in set(comps):
        return np.asarray(comps == key)
    raise ParameterError(f"The 'cost' parameter of {func} must map a primary-input kind ({', '.join(map(repr, KINDS))}) "
                         f"or a component of V ({fmt_labels(comps, 8)}) to a relative change. Got {key!r} instead.")


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    out = np.zeros(np.broadcast(a, b).shape)
    np.divide(a, b, out=out, where=b != 0)
    return out


# ----------------------------------------------------------------------------- price model
@dataclass(frozen=True, repr=False)
class PriceResult:
    """Result of :func:`price_shock`.

    Attributes
    ----------
    prices : Series
        Price index by (region, sector) node, 1 = unchanged.
    nodes : DataFrame
        By node: ``price``, ``price_change`` (Δp), ``cost_shock`` (primary-input cost
        change per unit of output passed on to prices), ``absorbed`` (the part not
        passed on, per unit of output), ``fixed`` (bool), ``implied_value_added_change``
        (fixed nodes: δ·x in the table's unit; 0 elsewhere), ``output`` (x).
    contributions : DataFrame
        Nodes x cost sources (one column per ``cost`` key, plus ``"fixed prices"`` when
        prices are fixed): each source's part of Δp; the columns add up to Δp.
    final_demand : DataFrame
        By final-demand column (region, category): ``value`` (purchases ``Y`` plus the
        primary inputs bought directly, ``VY``), ``goods`` (ΣY), ``direct`` (ΣVY),
        ``cost_change`` (money), ``cost_increase`` (relative: the consumer-price impact
        of a consumption category), ``from_prices`` and ``from_direct`` (relative parts).
    final_demand_contributions : DataFrame
        Final-demand columns x cost sources: each source's part of ``cost_increase``.
    metadata : dict
        What was applied (cost, fixed, passthrough), unit, name, year, source, the
        duality check and notes.
    """

    prices: pd.Series
    nodes: pd.DataFrame
    contributions: pd.DataFrame
    final_demand: pd.DataFrame
    final_demand_contributions: pd.DataFrame
    metadata: dict = field(default_factory=dict)

    @property
    def attrs(self) -> dict:
        return self.metadata

    def __repr__(self) -> str:
        fd = self.final_demand
        hh = [c for c in fd.index if "household" in str(c[1]).lower()]
        extra = f", household_cost_increase={fd.loc[hh[0], 'cost_increase']:.4g}" if hh else ""
        dp = self.nodes["price_change"]
        return (f"PriceResult(nodes={len(self.nodes)}, sources={list(self.contributions.columns)}, "
                f"fixed={int(self.nodes['fixed'].sum())}, mean_price_change={dp.mean():.4g}, "
                f"max_price_change={dp.max():.4g}{extra})")


def price_shock(table: IOTable, *, cost: Mapping[str, Any] | None = None, fixed: Any = None,
                passthrough: Any = 1.0) -> PriceResult:
    """Leontief cost-push price model: the price of every node after a cost shock.

    ``p' = p' A + v_c'``, so ``Δp = (I − A)'⁻¹ Δv_c`` (one transposed LU solve of the
    table's ``I − A``, never an inverse), with ``Δv_c,j = s_j Σ_k c_kj ρ_kj``: ``c_kj``
    the cost of primary input k per unit of j's output, ``ρ_kj`` its relative change
    and ``s_j`` the pass-through.  With fixed (exogenous) prices ``Δp_F = π`` on a set
    F of nodes, the mixed model lets the fixed nodes' value added absorb the gap:
    ``Δp = L'(Δv_c + E_F δ)`` with ``δ = (L'_FF)⁻¹ (π − (L'Δv_c)_F)`` (a |F| x |F|
    solve on columns of L obtained from the same LU).

    Parameters
    ----------
    table : IOTable
    cost : dict, optional
        Cost source -> relative change of its cost per unit of output (0.10 = +10 %).
        A source is a primary-input kind (``"value_added"``, ``"imports"``, ``"taxes"``,
        ``"other"``) or a component of ``V`` (e.g. ``"wages"``); sources must not
        overlap.  The change is a number (every node, and then also the same rows of
        ``VY``, the primary inputs final users buy directly), or a dict / Series by
        node (``(region, sector)``, ``"REGION/SECTOR"``, a sector name for all its
        nodes or a region name for all of its nodes; missing = 0; ``VY`` unchanged).
        Changes must be above -1.
    fixed : dict or Series, optional
        Node -> exogenous relative price change (0.6 = +60 %), labels as for *cost*.
    passthrough : float or dict/Series by node, default 1.0
        Share in [0, 1] of each node's primary-input cost change passed on to its
        price where the change occurs; the rest (``absorbed``) is taken by its margins.
        Price changes of intermediate inputs are passed on in full (the price model's
        fixed-coefficient assumption); ``VY`` changes reach final users in full.

    Returns
    -------
    PriceResult
        ``.prices``, ``.nodes``, ``.contributions``, ``.final_demand`` (consumer-price
        impact by category), ``.final_demand_contributions``, ``.metadata``.

    Raises
    ------
    ParameterError
        Unknown cost source, overlapping sources, a change at or below -1, a
        pass-through outside [0, 1], no shock given.
    LabelError
        A node label that is not in the table.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> r = vc.resilience.price_shock(t, cost={"value_added": 0.10})
    >>> r.prices.round(12).tolist()
    [1.1, 1.1]
    >>> b = vc.datasets.load("brazil", year=2021)
    >>> r = vc.resilience.price_shock(b, fixed={"Electricity & gas": 0.6})
    >>> round(float(r.final_demand.loc[("BRA", "households"), "cost_increase"]), 4)
    0.0243
    """
    func = "price_shock"
    check_table(table, func)
    if cost is None and fixed is None:
        raise ParameterError(f"The 'cost' and 'fixed' parameters of {func} are both None; give a cost shock, "
                             "fixed prices or both.")
    if cost is not None and not isinstance(cost, Mapping):
        raise ParameterError(f"The 'cost' parameter of {func} must be a dict mapping a cost source to a relative "
                             f"change. Got {type(cost).__name__} instead.")
    cost = dict(cost or {})
    s, _ = _node_vector(table, passthrough, func, "passthrough", low=0.0, high=1.0, closed_low=True)
    C, adjust = _cost_coefficients(table)
    n, xv = table.n, table.x.to_numpy()
    fd_cols = table.Y.columns
    VY = None if table.VY is None else table.VY.to_numpy()
    sources = [str(k) for k in cost]
    B = np.zeros((n, len(sources)))
    dVY = np.zeros((len(sources), len(fd_cols)))
    absorbed = np.zeros(n)
    taken = np.zeros(len(table.V.index), dtype=bool)
    applied: dict[str, Any] = {}
    notes = []
    for k, (key, val) in enumerate(cost.items()):
        rows = _rows(table, str(key), func)
        if (rows & taken).any():
            raise ParameterError(f"The 'cost' parameter of {func} has overlapping sources: {key!r} covers rows "
                                 f"{fmt_labels(table.V.index[rows & taken])} that another source already covers.")
        taken |= rows
        rho, _ = _node_vector(table, val, func, "cost")
        c = C[rows].sum(axis=0)
        B[:, k] = c * rho * s
        absorbed += c * rho * (1.0 - s)
        if _is_number(val) and VY is not None:
            dVY[k] = VY[rows].sum(axis=0) * float(val)
        applied[str(key)] = float(val) if _is_number(val) else f"by node ({int(np.count_nonzero(rho))} nodes)"
        if not _is_number(val) and VY is not None and VY[rows].any():
            notes.append(f"cost {key!r} is given by node: the {key!r} rows of VY (bought directly by final users) "
                         "are unchanged")

    if fixed is not None:
        target, is_fixed = _node_vector(table, fixed, func, "fixed")
        if not is_fixed.any():
            raise ParameterError(f"The 'fixed' parameter of {func} names no node.")
    else:
        target, is_fixed = np.zeros(n), np.zeros(n, dtype=bool)
    F = np.flatnonzero(is_fixed)
    E = np.zeros((n, len(F)))
    E[F, np.arange(len(F))] = 1.0
    X = table.solve(np.hstack([B, E]), transpose=True) if B.shape[1] + len(F) else np.zeros((n, 0))
    X = X.reshape(n, B.shape[1] + len(F))
    Xc, XF = X[:, :len(sources)], X[:, len(sources):]
    delta = np.zeros(n)
    if len(F):
        H = XF[F]  # (L')_FF = (L_FF)'
        K = np.linalg.solve(H, Xc[F]) if len(sources) else np.zeros((len(F), 0))
        contrib = Xc - XF @ K
        dfix = np.linalg.solve(H, target[F])
        cfix = XF @ dfix
        contrib[F] = 0.0
        cfix[F] = target[F]
        delta[F] = dfix - K.sum(axis=1)
        contrib = np.column_stack([contrib, cfix])
        cols = sources + ["fixed prices"]
    else:
        contrib, cols = Xc, sources
    dp = contrib.sum(axis=1)
    if len(F):
        dp[F] = target[F]
    price = 1.0 + dp

    nodes = table.nodes
    prices = table.series(price, "price", unit="index (1 = unchanged)", model="leontief_price")
    ndf = pd.DataFrame({"price": price, "price_change": dp, "cost_shock": B.sum(axis=1), "absorbed": absorbed,
                        "fixed": is_fixed, "implied_value_added_change": delta * xv, "output": xv}, index=nodes)
    cdf = pd.DataFrame(contrib, index=nodes, columns=pd.Index(cols, name="source"))

    Yv = table.Y.to_numpy()
    goods = Yv.sum(axis=0)
    direct = np.zeros(len(fd_cols)) if VY is None else VY.sum(axis=0)
    value = goods + direct
    from_p = Yv.T @ contrib  # m x S(+1)
    from_d = np.vstack([dVY, np.zeros((len(cols) - len(sources), len(fd_cols)))]).T
    change = (from_p + from_d).sum(axis=1)
    fdf = pd.DataFrame({"value": value, "goods": goods, "direct": direct, "cost_change": change,
                        "cost_increase": _safe_div(change, value),
                        "from_prices": _safe_div(from_p.sum(axis=1), value),
                        "from_direct": _safe_div(from_d.sum(axis=1), value)}, index=fd_cols)
    fcdf = pd.DataFrame(_safe_div(from_p + from_d, value[:, None]), index=fd_cols,
                        columns=pd.Index(cols, name="source"))

    lhs = float(dp @ table.f.to_numpy())
    rhs = float((B.sum(axis=1) + delta) @ xv)
    if len(table.zero_output):
        notes.append(f"{len(table.zero_output)} zero-output node(s) have no cost structure; their price is "
                     "unchanged unless fixed")
    meta = table.attrs("price_shock", model="leontief_price", unit_prices="index (1 = unchanged)",
                       cost=applied, fixed={str(table.nodes[i]): float(target[i]) for i in F},
                       passthrough=float(passthrough) if _is_number(passthrough) else "by node",
                       duality_value_of_price_change=lhs, duality_value_of_cost_change=rhs,
                       duality_gap=abs(lhs - rhs) / max(abs(rhs), abs(lhs), 1e-300) if (lhs or rhs) else 0.0,
                       implied_value_added_change=float((delta * xv).sum()),
                       coefficient_rescaling=adjust, notes=notes)
    for df in (ndf, cdf, fdf, fcdf):
        df.attrs = dict(meta)
    return PriceResult(prices, ndf, cdf, fdf, fcdf, meta)


# ----------------------------------------------------------------------------- tariffs
@dataclass(frozen=True, repr=False)
class TariffResult:
    """Result of :func:`tariff_shock`.

    Attributes
    ----------
    prices : Series
        Price index by node with the tariffs (1 = without them).
    nodes : DataFrame
        By node: ``price``, ``cumulative_tariff`` (p − 1: all tariffs paid along the
        chain, per unit of the node's output value), ``direct`` (tariffs the node pays
        on its own imported inputs, τ), ``indirect`` (tariffs embodied in its inputs'
        prices), ``domestic`` and ``foreign`` (levied by the node's own country or by
        others), ``foreign_share``, ``linear`` (the first-order model ``L'(A∘T)'1``),
        ``compounding`` (cumulative − linear), ``output``.
    by_levying : DataFrame
        Nodes x levying country: each country's tariffs in ``cumulative_tariff``.
    regions : DataFrame
        By country: ``exports`` (value at baseline prices), ``exports_tariff_content``
        (upstream cumulative tariff per unit of exports), ``exports_tariff_total``
        (also counting the destination's tariff on the export itself),
        ``exports_foreign_share`` (share of the total levied by other countries),
        ``final_demand`` (the country's final purchases), ``final_demand_cost_increase``
        (tariff burden on its final goods, imported final goods' tariffs included),
        ``final_demand_foreign_share``.
    metadata : dict
    """

    prices: pd.Series
    nodes: pd.DataFrame
    by_levying: pd.DataFrame
    regions: pd.DataFrame
    metadata: dict = field(default_factory=dict)

    @property
    def attrs(self) -> dict:
        return self.metadata

    def __repr__(self) -> str:
        c = self.nodes["cumulative_tariff"]
        return (f"TariffResult(nodes={len(self.nodes)}, regions={len(self.regions)}, "
                f"mean_cumulative_tariff={c.mean():.4g}, max_cumulative_tariff={c.max():.4g}, "
                f"max_compounding={self.nodes['compounding'].max():.3g})")


def _countries(table: IOTable) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Country code per node and per final-demand column (meta.names['country'] maps parts of a country)."""
    cmap = dict(table.meta.names.get("country", {}))
    node_c = np.array([cmap.get(r, r) for r in table.nodes.get_level_values("region")], dtype=object)
    fd_c = np.array([cmap.get(r, r) for r in table.Y.columns.get_level_values("region")], dtype=object)
    return node_c, fd_c, pd.Index(pd.unique(np.concatenate([node_c, fd_c])), name="region")


def _tariff_rates(table: IOTable, tariffs: Any, countries: pd.Index, node_c: np.ndarray,
                  func: str) -> np.ndarray:
    """Rates R (countries x supplier nodes): the ad-valorem tariff importer c levies on node i's output."""
    G, n = len(countries), table.n
    cpos = {c: k for k, c in enumerate(countries)}
    R = np.zeros((G, n))
    sectors = table.nodes.get_level_values("sector")
    exp_pos = np.array([cpos[c] for c in node_c])

    def set_rate(importer: Any, exporter: Any, sector: Any, rate: Any) -> None:
        if not _is_number(rate) or not np.isfinite(rate) or rate <= -1:
            raise ParameterError(f"The 'tariffs' parameter of {func} must hold ad-valorem rates above -1. "
                                 f"Got {rate!r} for ({importer!r}, {exporter!r}, {sector!r}) instead.")
        imp = list(range(G)) if importer in ("*", None) else [cpos.get(importer, -1)]
        if imp == [-1]:
            raise LabelError(f"{func}: tariffs name an unknown importer {importer!r}; regions: {fmt_labels(countries, 8)}.")
        cols = np.ones(n, dtype=bool)
        if exporter not in ("*", None):
            if exporter not in cpos:
                raise LabelError(f"{func}: tariffs name an unknown exporter {exporter!r}; regions: "
                                 f"{fmt_labels(countries, 8)}.")
            cols &= exp_pos == cpos[exporter]
        if sector not in ("*", None):
            if sector not in set(sectors):
                raise LabelError(f"{func}: tariffs name an unknown sector {sector!r}; sectors: "
                                 f"{fmt_labels(table.sectors, 8)}.")
            cols &= np.asarray(sectors == sector)
        for c in imp:
            if importer not in ("*", None) and exporter not in ("*", None) and c == cpos[exporter] and rate != 0:
                raise ParameterError(f"The 'tariffs' parameter of {func} gives a tariff {rate!r} on domestic flows "
                                     f"(importer = exporter = {importer!r}); tariffs apply to cross-border flows.")
            m = cols & (exp_pos != c)
            R[c, m] = float(rate)

    if _is_number(tariffs):
        set_rate("*", "*", "*", tariffs)
    elif isinstance(tariffs, pd.DataFrame):
        cols = {str(c).lower(): c for c in tariffs.columns}
        rate_col = cols.get("rate", cols.get("tariff"))
        if "importer" not in cols or "exporter" not in cols or rate_col is None:
            raise ParameterError(f"The 'tariffs' parameter of {func} must be a DataFrame with columns importer, "
                                 f"exporter, rate (or tariff) and optionally sector. Got columns "
                                 f"{list(map(str, tariffs.columns))} instead.")
        sec = cols.get("sector")
        for row in tariffs.itertuples(index=False):
            d = dict(zip(tariffs.columns, row))
            set_rate(d[cols["importer"]], d[cols["exporter"]], d[sec] if sec is not None else "*",
                     d[rate_col])
    elif isinstance(tariffs, pd.Series) and isinstance(tariffs.index, pd.MultiIndex):
        if tariffs.index.nlevels not in (2, 3):
            raise ParameterError(f"The 'tariffs' parameter of {func} must be indexed by (importer, exporter) or "
                                 f"(importer, exporter, sector). Got {tariffs.index.nlevels} levels instead.")
        for key, rate in tariffs.items():
            set_rate(key[0], key[1], key[2] if len(key) == 3 else "*", rate)
    elif isinstance(tariffs, (Mapping, pd.Series)):
        for exporter, rate in tariffs.items():
            if isinstance(exporter, tuple):
                set_rate(*(list(exporter) + ["*"] * (3 - len(exporter)))[:3], rate)
            else:
                set_rate("*", exporter, "*", rate)
    else:
        raise ParameterError(f"The 'tariffs' parameter of {func} must be a number, a dict or Series by exporter "
                             "region, a Series by (importer, exporter[, sector]) or a long DataFrame. "
                             f"Got {type(tariffs).__name__} instead.")
    return R


def tariff_shock(table: IOTable, tariffs: Any) -> TariffResult:
    """Cumulative tariffs along value chains: prices when ad-valorem tariffs compound.

    A buyer in country r pays ``(1 + T_rsi)`` times the price of an input from sector i
    of country s ≠ r, so ``p' = p' (A ∘ (1 + T)) + v_c'`` with ``v_c = 1 − A'1`` (the
    baseline price is 1).  The system is solved exactly (one LU of ``I − A ∘ (1 + T)``),
    so tariffs compound: ``p − 1 = L' τ`` with ``τ_j = Σ_i a_ij T_ij p_i`` the tariff
    paid per unit of j's output on inputs valued at tariff-inclusive prices.  The
    decomposition by levying country, the direct/indirect split and the first-order
    (linear) model ``L'(A∘T)'1`` use the table's own LU.

    Parameters
    ----------
    table : IOTable
        A multi-regional table (regions that are parts of one country, mapped in
        ``meta.names["country"]``, trade with each other free of tariffs).
    tariffs : float, dict, Series or DataFrame
        A number (every cross-border flow); a dict or Series by exporter region (every
        importer levies that rate on the exporter's output); a Series indexed by
        ``(importer, exporter)`` or ``(importer, exporter, sector)``; or a long
        DataFrame with columns ``importer``, ``exporter``, ``rate`` (or ``tariff``) and
        optionally ``sector`` (``"*"`` means all).  Rates are shares above -1.
        Combinations not given are 0; later rows override earlier ones.

    Returns
    -------
    TariffResult
        ``.prices``, ``.nodes`` (cumulative, direct, indirect, domestic/foreign,
        linear, compounding), ``.by_levying``, ``.regions`` (burden on exports and final
        goods, foreign share), ``.metadata``.

    Raises
    ------
    LabelError
        Unknown importer, exporter or sector; a table with one region.
    ParameterError
        A rate at or below -1, a tariff on domestic flows, an unreadable layout.
    ConvergenceError
        Tariffs so high that input costs reach a node's price (spectral radius of
        ``A ∘ (1 + T)`` at or above 1).

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> r = vc.resilience.tariff_shock(t, {"reg2": 0.10})
    >>> bool((r.nodes["compounding"] >= -1e-12).all())
    True
    >>> round(float(r.regions.loc["reg2", "exports_tariff_total"]), 4)  # the 10 % and a little upstream content
    0.1
    """
    func = "tariff_shock"
    check_table(table, func)
    node_c, fd_c, countries = _countries(table)
    if len(pd.unique(node_c)) < 2:
        raise LabelError(f"{func}: tariffs need a multi-regional table; table {table.meta.name!r} has one "
                         f"country ({node_c[0]!r}).")
    R = _tariff_rates(table, tariffs, countries, node_c, func)
    table._lu  # a singular baseline I - A is the table's ConvergenceError, before the tariffs are blamed
    n = table.n
    cpos = {c: k for k, c in enumerate(countries)}
    buyer_pos = np.array([cpos[c] for c in node_c])
    A = table.A.to_numpy()
    T = R.T[:, buyer_pos]  # T[i, j]: rate the buyer j's country levies on supplier i
    AT = A * T
    vc_ = 1.0 - A.sum(axis=0)
    M = np.eye(n) - (A + AT)
    colsum = np.abs(A + AT).sum(axis=0)
    if colsum.max(initial=0.0) >= 1.0 - 1e-12:
        rho = float(np.abs(np.linalg.eigvals(A + AT)).max()) if n <= 3000 else float(colsum.max())
        if rho >= 1.0 - 1e-12:
            worst = table.nodes[int(np.argmax(colsum))]
            raise ConvergenceError(f"{func}: with these tariffs the spectral radius of A ∘ (1 + T) is {rho:.6g} >= 1, so "
                                   f"I − A ∘ (1 + T) is singular or its series diverges: input costs reach or exceed the price (e.g. {worst!r}, inputs/output "
                                   f"{colsum.max():.4g}); lower the tariffs.")
    import scipy.linalg as sla

    if table._use_sparse:
        import scipy.sparse as sp
        import scipy.sparse.linalg as spla

        p = spla.splu(sp.csc_matrix(M.T)).solve(vc_)
    else:
        p = sla.lu_solve(sla.lu_factor(M, check_finite=False), vc_, trans=1, check_finite=False)
    if not np.isfinite(p).all() or (p <= 0).any():
        raise ConvergenceError(f"{func}: the tariff-inclusive price system has no positive solution; lower the tariffs.")
    dp = p - 1.0
    tau = AT.T @ p
    G = len(countries)
    levy = np.zeros((n, G))
    levy[np.arange(n), buyer_pos] = tau
    Xr = table.solve(np.column_stack([levy, AT.T @ np.ones(n)]), transpose=True).reshape(n, G + 1)
    by_levy, linear = Xr[:, :G], Xr[:, G]
    own = by_levy[np.arange(n), buyer_pos]
    foreign = dp - own
    gap = float(np.max(np.abs(by_levy.sum(axis=1) - dp), initial=0.0))
    nodes = table.nodes
    xv = table.x.to_numpy()
    ndf = pd.DataFrame({"price": p, "cumulative_tariff": dp, "direct": tau, "indirect": dp - tau,
                        "domestic": own, "foreign": foreign, "foreign_share": _safe_div(foreign, dp),
                        "linear": linear, "compounding": dp - linear, "output": xv}, index=nodes)
    ldf = pd.DataFrame(by_levy, index=nodes, columns=pd.Index(countries, name="levying"))

    # flows by destination country: intermediate (Z) and final (Y)
    Zv, Yv = table.Z.to_numpy(), table.Y.to_numpy()
    D = np.zeros((n, G))  # all sales of node i to country d
    np.add.at(D.T, buyer_pos, Zv.T)
    fd_pos = np.array([cpos[c] for c in fd_c])
    DY = np.zeros((n, G))
    np.add.at(DY.T, fd_pos, Yv.T)
    D += DY
    foreign_dest = buyer_pos[:, None] != np.arange(G)[None, :]
    E = D * foreign_dest  # exports by destination
    dest_tariff = R.T  # (n x G): rate destination d levies on node i
    rows = []
    for c in countries:
        k = cpos[c]
        mine = buyer_pos == k
        e = E[mine]
        ex = float(e.sum())
        content = float((e.sum(axis=1) * dp[mine]).sum())
        total = float((e * (p[mine, None] * (1.0 + dest_tariff[mine]) - 1.0)).sum())
        dom = float((e.sum(axis=1) * own[mine]).sum())
        yk = DY[:, k]
        fdv = float(yk.sum())
        fd_total = float((yk * (p * (1.0 + dest_tariff[:, k]) - 1.0)).sum())
        fd_dom = float((yk * (by_levy[:, k] + p * dest_tariff[:, k])).sum())
        rows.append({"exports": ex, "exports_tariff_content": content / ex if ex else 0.0,
                     "exports_tariff_total": total / ex if ex else 0.0,
                     "exports_foreign_share": (total - dom) / total if total else 0.0,
                     "final_demand": fdv, "final_demand_cost_increase": fd_total / fdv if fdv else 0.0,
                     "final_demand_foreign_share": (fd_total - fd_dom) / fd_total if fd_total else 0.0})
    rdf = pd.DataFrame(rows, index=countries)
    inter = (Zv * (T > 0)).sum()
    meta = table.attrs("tariff_shock", model="cumulative_tariffs", unit_prices="index (1 = without tariffs)",
                       tariffed_flows=int(np.count_nonzero(T * (Zv > 0))),
                       mean_tariff_on_tariffed_inputs=float((Zv * T).sum() / inter) if inter else 0.0,
                       max_compounding=float(ndf["compounding"].max()),
                       decomposition_gap=gap)
    prices = table.series(p, "price", unit="index (1 = without tariffs)", model="cumulative_tariffs")
    for df in (ndf, ldf, rdf):
        df.attrs = dict(meta)
    return TariffResult(prices, ndf, ldf, rdf, meta)
