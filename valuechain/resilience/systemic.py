"""Systemic risk of every node: the share of total output lost when it fails.

In the manner of the Economic Systemic Risk Index (ESRI; Diem, Borsos, Reisch,
Kertész & Thurner 2022, Sci. Rep. 12:7719), applied to IO nodes.  Let ``h_j`` be
the remaining share of node j's production (1 = intact).  The failing node is
fixed at ``h = 0``; every other node updates

* downstream (supply shortage, generalised Leontief): with ``E_j`` the inputs
  that are essential for j and ``a_ij = z_ij / x_j`` the technical coefficients,
  ``h_j ≤ min_{i ∈ E_j} h_i`` (an essential input caps production) and
  ``h_j ≤ 1 − Σ_{i ∉ E_j} a_ij (1 − h_i)`` (a non-essential input is lost
  linearly, in proportion to its share of j's production cost — shares of
  intermediate inputs alone would let a node's own self-supply drive it to 0);
* upstream (demand loss, linear): with ``b_ij = z_ij / x_i`` the share of i's
  output sold to j, ``h_i ≤ 1 − Σ_j b_ij (1 − h_j)`` (final demand is kept);

``h ← min(h, downstream, upstream)`` is iterated to its fixed point (the
sequence only falls, so it converges).  Two exact shortcuts keep the iteration
short: nodes in one strongly connected component of the essential-input graph
share a single level (each caps the others), and the linear loops of a node (or
component) on itself are solved in closed form, ``D ≥ out / (1 − g)`` with ``g``
its linear weight on itself; both only apply steps the plain iteration would
take infinitely often, so the fixed point is the same.  The systemic risk of the failing node
k is ``ESRI_k = Σ_j x_j (1 − h_j) / Σ_j x_j`` (its own output included).

Several failing nodes are propagated at once as the columns of an n x m matrix,
so an iteration is one matrix product (dense, or sparse CSR when the linear
coefficients are sparse; single precision from 1,000 nodes) plus one sweep of the
essential-input graph.  Three devices cut the iterations without moving the
fixed point:

* the essential constraints are applied in topological order of the
  (condensed, acyclic) essential graph, so an essential failure crosses any
  number of essential links in one iteration (Gauss-Seidel on the ``min``);
* a column leaves the batch as soon as it has converged;
* once a column's damage converges geometrically (two consecutive ratios
  ``r`` of successive changes agree), its linear tail is extrapolated,
  ``D ← D + ΔD · r / (1 − r)`` (Aitken-type).  This is used only when every
  linear row weight is below 1, so that the cascade map is a contraction with a
  unique fixed point and an overshoot is corrected by the next iterations;
  otherwise the plain monotone iteration runs (a table with negative final
  demand can have several fixed points, of which the iteration from below
  finds the least).

Batches of failing nodes are independent tasks run through
:func:`valuechain._parallel.pmap`: serially by default, on Dask when
``vc.config(scheduler=...)`` is set (the same numbers either way).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .._parallel import pmap
from .._validation import check_int, check_number, fmt_labels, check_table
from ..errors import ConvergenceError, LabelError, ParameterError
from ..table import IOTable

__all__ = ["systemic_risk", "essential_inputs"]


def essential_inputs(table: IOTable, *, threshold: float = 0.05) -> pd.DataFrame:
    """Default essential-input rule: input i is essential for buyer j when its share of
    j's intermediate inputs exceeds *threshold* (boolean DataFrame, supplier x buyer).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.resilience.systemic.essential_inputs(t, threshold=0.5).to_numpy().tolist()
    [[False, True], [True, False]]
    """
    from ._inputs import input_share_mask

    return input_share_mask(table, threshold, "essential_inputs")


def _essential_matrix(table: IOTable, essential: Any) -> np.ndarray:
    n = table.n
    if essential is None:
        return essential_inputs(table).to_numpy()
    if isinstance(essential, (float, int)) and not isinstance(essential, bool):
        return essential_inputs(table, threshold=float(essential)).to_numpy()
    if isinstance(essential, pd.DataFrame):
        E = essential.reindex(index=table.nodes, columns=table.nodes)
        if E.isna().to_numpy().any():
            raise LabelError("systemic_risk: the 'essential' DataFrame must cover every node as rows and columns.")
        return E.to_numpy(dtype=bool)
    E = np.asarray(essential)
    if E.shape != (n, n):
        raise ParameterError(f"The 'essential' parameter of systemic_risk must be None, a float threshold or a "
                             f"boolean {n} x {n} matrix. Got shape {E.shape} instead.")
    return E.astype(bool)


# Aitken-type extrapolation: the ratio of successive changes must agree within _STABLE
# (relative) twice in a row; at most _MAX_JUMPS extrapolations per failing node, after which
# the plain (contracting) iteration finishes, so convergence never depends on them.
_STABLE = 0.01
_MAX_JUMPS = 8


@dataclass(frozen=True, eq=False)
class _Cascade:
    """The prepared cascade: everything a batch of failing nodes needs (picklable, shared by all batches)."""

    n: int
    lin: Any  # (blocks·n) x n linear rows scaled by 1/(1 - gain): ndarray or CSR, or None
    blocks: int
    closed_nodes: np.ndarray  # node of each closed row (gain >= 1: any inflow stops it)
    closed_rows: np.ndarray  # raw linear rows of the closed nodes (float64)
    levels: tuple  # per sweep level: (rows, essential pad or None, reduceat starts or None, back or None)
    partial: tuple | None  # graded inputs: (supplier pad n x K, weight n x K), D_j >= max_k w_jk D_pad[j, k]
    single: bool
    accelerate: bool
    xv: np.ndarray
    tol: float
    max_iter: int


def _levels(E_out: np.ndarray, comp: np.ndarray, ncomp: int) -> tuple:
    """Sweep plan: nodes by level of the condensed essential graph (suppliers first)."""
    n = len(comp)
    sup, buy = np.nonzero(E_out)
    size = np.bincount(comp, minlength=ncomp)
    lev = np.zeros(ncomp, dtype=np.int64)
    if len(sup):
        cs, cb = comp[sup], comp[buy]
        for _ in range(ncomp + 1):
            nxt = lev.copy()
            np.maximum.at(nxt, cb, lev[cs] + 1)
            if np.array_equal(nxt, lev):
                break
            lev = nxt
    has_ess = np.zeros(n, dtype=bool)
    has_ess[buy] = True
    work = has_ess | (size[comp] > 1)
    node_lev = lev[comp]
    plan = []
    for level in np.unique(node_lev[work]):
        rows = np.flatnonzero(work & (node_lev == level))
        rows = rows[np.argsort(comp[rows], kind="stable")]
        pad = None
        counts = E_out[:, rows].sum(axis=0)
        if counts.any():
            K = int(counts.max())
            pad = np.full((len(rows), K), n, dtype=np.int64)
            r_idx, s_idx = np.nonzero(E_out[:, rows].T)  # r_idx: position in rows, s_idx: supplier
            pos = np.arange(len(r_idx)) - np.repeat(np.cumsum(counts) - counts, counts)
            pad[r_idx, pos] = s_idx
        starts = back = None
        c = comp[rows]
        if (size[c] > 1).any():
            first = np.r_[True, c[1:] != c[:-1]]
            starts = np.flatnonzero(first)
            back = np.cumsum(first) - 1
        plan.append((rows, pad, starts, back))
    return tuple(plan)


def _prepare(table: IOTable, E: np.ndarray, upstream: bool, downstream: bool, tol: float,
             max_iter: int, W: np.ndarray | None = None) -> _Cascade:
    """*E*: critical (Leontief) inputs, supplier x buyer; *W*: weights in (0, 1) of partially
    binding ("important") inputs, 0 elsewhere."""
    n = table.n
    Z = table.Z.to_numpy()
    xinv = table._xinv
    if not downstream:
        E = np.zeros_like(E)
        W = None
    partial = None
    graded = np.zeros_like(E)
    if W is not None and (W > 0).any():
        graded = W > 0
        counts = graded.sum(axis=0)  # per buyer
        K = int(counts.max())
        pad = np.full((n, K), n, dtype=np.int64)
        wts = np.zeros((n, K))
        b_idx, s_idx = np.nonzero(graded.T)  # buyer, supplier
        pos = np.arange(len(b_idx)) - np.repeat(np.cumsum(counts) - counts, counts)
        pad[b_idx, pos] = s_idx
        wts[b_idx, pos] = W[s_idx, b_idx]
        partial = (pad, wts)
    # Nodes in one strongly connected component of the essential graph share one damage
    # level at the fixed point (each caps the others); loops inside a component (self-supply,
    # intra-cluster sales) are solved exactly: D_C >= out_i / (1 - g_i), g_i = the linear
    # weight of i on C.
    ncomp, comp = connected_components(sp.csr_matrix(E), directed=True, connection="strong")
    same = comp[:, None] == comp[None, :]
    raw = []
    if downstream:
        Wd = np.ascontiguousarray((Z * xinv[None, :] * ~(E | graded)).T)  # row j: linear input coefficients of j
        raw.append(Wd)
    if upstream:
        raw.append(Z * xinv[:, None])  # row i: sales shares of supplier i
    scaled, closed_nodes, closed_rows = [], [], []
    for M in raw:
        gain = np.where(same, M, 0.0).sum(axis=1)
        M[same] = 0.0
        closed = 1.0 - gain <= 1e-12
        inv_gap = np.zeros_like(gain)
        np.divide(1.0, 1.0 - gain, out=inv_gap, where=~closed)
        if closed.any():
            closed_nodes.append(np.flatnonzero(closed))
            closed_rows.append(M[closed].copy())
        M *= inv_gap[:, None]
        scaled.append(M)
    del same
    single = n >= 1000
    dtype = np.float32 if single else np.float64
    lin = None
    accelerate = True
    if scaled:
        L = np.vstack(scaled) if len(scaled) > 1 else scaled[0]
        accelerate = bool(L.sum(axis=1).max(initial=0.0) < 1.0 - 1e-9)
        if n >= 500 and np.count_nonzero(L) < 0.1 * L.size:
            lin = sp.csr_matrix(L.astype(dtype))
        else:
            lin = np.ascontiguousarray(L, dtype=dtype)
        del L
    E_out = E & (comp[:, None] != comp[None, :])
    return _Cascade(n=n, lin=lin, blocks=len(scaled),
                    closed_nodes=np.concatenate(closed_nodes) if closed_nodes else np.zeros(0, dtype=np.int64),
                    closed_rows=np.vstack(closed_rows) if closed_rows else np.zeros((0, n)),
                    levels=_levels(E_out, comp, ncomp), partial=partial, single=single,
                    accelerate=accelerate and partial is None,
                    xv=table.x.to_numpy(), tol=tol, max_iter=max_iter)


def _product(c: _Cascade, X: np.ndarray) -> np.ndarray:
    """``Lin @ X`` in float64 (from a single-precision product when ``c.single``)."""
    if c.single:
        return np.asarray(c.lin @ X.astype(np.float32), dtype=np.float64)
    return np.asarray(c.lin @ X)


def _step(c: _Cascade, P: np.ndarray | None, Da: np.ndarray, Fa: np.ndarray) -> np.ndarray:
    """One cascade step for the damage columns *Da* (failing nodes *Fa*; ``P = Lin @ Da``)."""
    n, ma = Da.shape
    cols = np.arange(ma)
    new = np.zeros((n + 1, ma))  # last row: a dummy supplier that never fails (essential padding)
    if P is not None:
        lin = new[:n]
        lin[:] = P[:n]
        for k in range(1, c.blocks):
            np.maximum(lin, P[k * n:(k + 1) * n], out=lin)
    if len(c.closed_nodes):
        hit = ((c.closed_rows @ Da) > 0).astype(float)
        np.maximum.at(new, c.closed_nodes, hit)
    if not c.accelerate:
        np.maximum(new[:n], Da, out=new[:n])
    if c.partial is not None:  # important inputs: a shortage cuts production by its weight
        pad, wts = c.partial
        Dpad = np.vstack([Da, np.zeros((1, ma))])
        chunk = max(1, int(2e7 // max(pad.shape[1] * ma, 1)))
        body = new[:n]
        for r0 in range(0, n, chunk):
            g = (Dpad[pad[r0:r0 + chunk]] * wts[r0:r0 + chunk, :, None]).max(axis=1)
            np.maximum(body[r0:r0 + chunk], g, out=body[r0:r0 + chunk])
    np.minimum(new, 1.0, out=new)
    new[Fa, cols] = 1.0
    for rows, pad, starts, back in c.levels:
        v = new[rows]
        if pad is not None:
            chunk = max(1, int(2e7 // max(pad.shape[1] * ma, 1)))
            for r0 in range(0, len(rows), chunk):
                ess = new[pad[r0:r0 + chunk]].max(axis=1)
                np.maximum(v[r0:r0 + chunk], ess, out=v[r0:r0 + chunk])
        if starts is not None:
            v = np.maximum.reduceat(v, starts, axis=0)[back]
        new[rows] = v
    return new[:n]


def _cascade_batch(c: _Cascade, F: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Damage of every failing node in *F*: (output share lost per node, iterations, unconverged)."""
    n, m = c.n, len(F)
    D = np.zeros((n, m))
    D[F, np.arange(m)] = 1.0
    out = np.zeros(m)
    total = c.xv.sum()
    active = np.arange(m)
    prev_dn = np.full(m, np.nan)
    prev_ratio = np.full(m, np.nan)
    since = np.zeros(m, dtype=np.int64)
    jumps = np.zeros(m, dtype=np.int64)
    # P = Lin @ D is kept up to date by adding the product of each change: in single precision
    # the rounding error then shrinks with the change, so the iteration settles exactly.
    P = None
    if c.lin is not None:  # D starts as the unit columns of the failing nodes
        cols = c.lin[:, F]
        P = np.array(cols.toarray() if sp.issparse(cols) else cols, dtype=np.float64)
    it = 0
    for it in range(1, c.max_iter + 1):
        Da = D[:, active]
        Fa = F[active]
        Pa = P[:, active] if P is not None else None
        new = _step(c, Pa, Da, Fa)
        delta = new - Da
        absd = np.abs(delta)
        change = absd.max(axis=0)
        done = change <= c.tol
        if c.accelerate:
            dn = absd.sum(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = dn / prev_dn[active]
                stable = np.abs(ratio - prev_ratio[active]) <= _STABLE * ratio
            ok = ~done & (since[active] >= 2) & (jumps[active] < _MAX_JUMPS) & (ratio > 0) & (ratio < 0.995) & stable
            if ok.any():
                sel = np.flatnonzero(ok)
                r = ratio[sel]
                jump = new[:, sel] + delta[:, sel] * (r / (1.0 - r))[None, :]
                np.clip(jump, 0.0, 1.0, out=jump)
                jump[Fa[sel], np.arange(len(sel))] = 1.0
                new[:, sel] = jump
                dn[sel] = np.nan
                since[active[sel]] = -1
                jumps[active[sel]] += 1
            since[active] += 1
            prev_dn[active] = dn
            prev_ratio[active] = ratio
        D[:, active] = new
        if P is not None and not done.all():
            keep = np.flatnonzero(~done)
            P[:, active[keep]] = Pa[:, keep] + _product(c, new[:, keep] - Da[:, keep])
        fin = active[done]
        if len(fin):
            out[fin] = (c.xv @ D[:, fin]) / total
        active = active[~done]
        if len(active) == 0:
            break
    return out, it, len(active)


#: weights of the graded essentiality ratings (Pichler et al. 2022, IHS Markit survey)
RATING_WEIGHTS = {"critical": 1.0, "important": 0.5, "non-critical": 0.0, "noncritical": 0.0, "not critical": 0.0}


def _rating_weights(table: IOTable, ratings: pd.DataFrame, concordance: Any) -> np.ndarray:
    """Node x node weights from sector ratings (supplier sector x buyer sector)."""
    if not isinstance(ratings, pd.DataFrame):
        raise ParameterError(f"The 'ratings' parameter of systemic_risk must be a DataFrame (supplier sector x buyer "
                             f"sector of 'critical' / 'important' / 'non-critical' or 1 / 0.5 / 0). "
                             f"Got {type(ratings).__name__} instead.")

    def weight(v: Any) -> float:
        if isinstance(v, str):
            key = v.strip().lower()
            if key in RATING_WEIGHTS:
                return RATING_WEIGHTS[key]
        elif isinstance(v, (int, float, np.number)) and np.isfinite(v) and 0 <= float(v) <= 1:
            return float(v)
        raise ParameterError(f"systemic_risk: rating {v!r} is not one of {sorted(RATING_WEIGHTS)} or a number "
                             "in [0, 1].")

    R = ratings.map(weight) if hasattr(ratings, "map") else ratings.applymap(weight)
    R.index, R.columns = R.index.map(str), R.columns.map(str)
    sectors = table.nodes.get_level_values("sector")
    if concordance is None:
        conc = {s: s for s in sectors.unique()}
    elif isinstance(concordance, (dict, pd.Series)):
        conc = {str(k): str(v) for k, v in dict(concordance).items()}
    else:
        raise ParameterError("The 'concordance' parameter of systemic_risk must be a dict or Series "
                             f"(table sector -> rating sector). Got {type(concordance).__name__} instead.")
    missing = sorted({s for s in sectors.unique() if conc.get(str(s)) not in R.index or
                      conc.get(str(s)) not in R.columns})
    if missing:
        raise LabelError(f"systemic_risk: no rating for table sector(s) {fmt_labels(missing)}; give a concordance "
                         "to the ratings' sectors (rows and columns of 'ratings').")
    code = [conc[str(s)] for s in sectors]
    return R.loc[code, code].to_numpy(dtype=float)


def systemic_risk(table: IOTable, *, model: str | None = None, essential: Any = None,
                  ratings: pd.DataFrame | None = None, concordance: Any = None, nodes: Iterable | None = None,
                  upstream: bool = True, downstream: bool = True, tol: float = 1e-6,
                  max_iter: int = 2000, batch: int = 256,
                  progress: Callable[[int, int], None] | None = None) -> pd.Series:
    """Share of total output lost when each node fails (ESRI-style cascade).

    Three production rules for how a supplier's failure reaches its buyers:

    * ``"linear"`` (the default): every input is lost in proportion to its share of the
      buyer's production cost, ``h_j <= 1 - Σ_i a_ij (1 - h_i)``.  A first-order, linear
      propagation in both directions; it ranks nodes by how much of the economy depends
      on them, without a threshold deciding the result.
    * ``"graded"``: graded essentiality as in Pichler et al. (2022): a ``ratings`` table
      (supplier sector x buyer sector: ``critical`` 1, ``important`` 0.5,
      ``non-critical`` 0, e.g. their IHS Markit ratings for the 55 WIOD 2016 industries,
      mapped to the table with ``concordance``).  A critical input caps the buyer's
      production (``h_j <= h_i``), an important one cuts it by half the shortage
      (``h_j <= 1 - 0.5 (1 - h_i)``), non-critical inputs are lost linearly.
    * ``"leontief"``: a hypothetical **complete-failure cascade**: every input above an
      input-share threshold (``essential``, default 0.05 of the buyer's intermediate
      inputs) caps the buyer's production.  On dense national tables it links almost
      every node into one essential component, so most failures remove nearly all
      output (Brazil 2021: 39 of 68 industries at 0.996): read it as an upper bound.

    ``model=None`` picks ``"graded"`` when ``ratings`` are given, ``"leontief"`` when
    ``essential`` is, else ``"linear"``; the rule is in ``.attrs["model"]``.

    Parameters
    ----------
    table : IOTable
    model : {"linear", "graded", "leontief"}, optional
    essential : None, float or boolean matrix (supplier x buyer), optional
        For ``"leontief"``: the input-share threshold (:func:`essential_inputs`), or the
        essential inputs themselves.
    ratings : DataFrame, optional
        For ``"graded"``: sector ratings (see above).
    concordance : dict or Series, optional
        Table sector -> ratings sector (default: the same codes).
    nodes : list of (region, sector), optional
        Failing nodes to evaluate (default: all).
    upstream, downstream : bool, default True
        Propagate demand losses to suppliers / supply shortages to buyers.
    tol : float, default 1e-6
        Stop a failing node's cascade when no remaining share changes by more
        than *tol* in an iteration.  Tables with 1,000 nodes or more run the
        matrix products in single precision (shares good to about 1e-6).
    max_iter : int, default 2000
    batch : int, default 256
        Failing nodes propagated together, one task per batch for
        :func:`valuechain._parallel.pmap` (memory ~ 4·n·batch floats plus the
        essential gather and the n x n (or sparse) coefficient matrices).
    progress : callable, optional
        ``progress(done, total)`` (failing nodes) after each batch.

    Returns
    -------
    Series
        ``systemic_risk`` indexed by the failing nodes, in [0, 1], sorted as
        the input (sort it to rank).  ``attrs``: metric, unit, year, source,
        model, method, essential rule, iterations.

    Raises
    ------
    ConvergenceError
        A failing node's cascade has not converged within *max_iter* iterations.

    References
    ----------
    Diem, Borsos, Reisch, Kertész & Thurner (2022), Sci. Rep. 12:7719 (ESRI).
    Pichler, Pangallo, del Rio-Chanona, Lafond & Farmer (2022), JEDC 144:104527.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.resilience.systemic_risk(t, essential=0.99).round(5).tolist()
    [0.50877, 0.86275]
    >>> vc.resilience.systemic_risk(t).attrs["model"]
    'linear'
    """
    from .._validation import check_choice

    check_table(table, "systemic_risk")
    if model is None:
        model = "graded" if ratings is not None else ("leontief" if essential is not None else "linear")
    check_choice(model, "model", "systemic_risk", ("linear", "graded", "leontief"))
    tol = check_number(tol, "tol", "systemic_risk", low=0.0, closed="neither")
    max_iter = check_int(max_iter, "max_iter", "systemic_risk", low=1)
    batch = check_int(batch, "batch", "systemic_risk", low=1)
    n = table.n
    W = None
    if model == "leontief":
        E = np.array(_essential_matrix(table, essential), dtype=bool)
        rule = "threshold 0.05" if essential is None else (
            f"threshold {essential}" if isinstance(essential, (int, float)) else "matrix")
    elif model == "graded":
        if ratings is None:
            raise ParameterError("systemic_risk(model='graded') needs ratings= (supplier sector x buyer sector).")
        Wr = _rating_weights(table, ratings, concordance)
        E = Wr >= 1.0
        W = np.where((Wr > 0) & (Wr < 1.0), Wr, 0.0) * (table.Z.to_numpy() > 0)
        rule = "ratings (critical 1, important 0.5, non-critical 0)"
    else:
        if essential is not None or ratings is not None:
            raise ParameterError("systemic_risk(model='linear') takes neither essential= nor ratings=; "
                                 "use model='leontief' or model='graded'.")
        E = np.zeros((n, n), dtype=bool)
        rule = "none (all inputs linear)"
    E &= table.Z.to_numpy() > 0
    if nodes is None:
        fail = np.arange(n)
        index = table.nodes
    else:
        wanted = pd.MultiIndex.from_tuples([tuple(k) for k in nodes], names=["region", "sector"])
        missing = wanted.difference(table.nodes)
        if len(missing):
            raise LabelError(f"systemic_risk: unknown node(s) {fmt_labels(missing)}.")
        fail = table.nodes.get_indexer(wanted)
        index = wanted
    cascade = _prepare(table, E, upstream, downstream, tol, max_iter, W)
    del E, W
    batches = [fail[b0:b0 + batch] for b0 in range(0, len(fail), batch)]
    report = None
    if progress is not None:
        total = len(fail)

        def report(done: int, _: int) -> None:
            progress(min(done * batch, total), total)

    parts = pmap(_cascade_batch, batches, shared=(cascade,), progress=report)
    stuck = sum(p[2] for p in parts)
    if stuck:
        raise ConvergenceError(f"systemic_risk did not converge in max_iter={max_iter} iterations "
                               f"for {stuck} failing node(s); raise max_iter or tol.")
    out = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0)
    iters_max = max((p[1] for p in parts), default=0)
    s = pd.Series(out, index=index, name="systemic_risk")
    method = {"linear": "ESRI-style linear cascade (first-order propagation)",
              "graded": "ESRI-style cascade with graded essentiality (Pichler et al. 2022)",
              "leontief": "hypothetical complete-failure cascade (generalised Leontief on essential inputs)"}[model]
    s.attrs = table.attrs("systemic_risk", model=model, method=method, essential=rule, upstream=upstream,
                          downstream=downstream, iterations=iters_max)
    return s
