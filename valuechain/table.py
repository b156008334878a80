"""IOTable: a labelled input-output table with the standard IO algebra.

Only the published blocks are stored: intermediate flows ``Z`` (supplier rows,
buyer columns), final demand ``Y`` and value-added rows ``V``.  Gross output ``x``
and the coefficient matrices ``A``, ``B``, ``L``, ``G`` are derived on first use
and cached.  Every product with the Leontief inverse goes through one LU
factorisation of ``I - A`` (dense ``scipy.linalg.lu_factor`` or sparse ``splu``)
reused by all solves; ``L`` itself is only formed when asked for.

Rules
-----
* Index levels are ``("region", "sector")`` for nodes and ``("region", "category")``
  for final-demand columns; ``V`` has one row per value-added component.
* Zero-output nodes: their column of ``A`` and row of ``B`` are 0 by definition
  (no division is attempted); they are listed in :meth:`IOTable.summary`.  An
  output so small that its reciprocal overflows (below about 5.6e-309) counts as zero.
* The Leontief inverse exists as the series ``I + A + A² + ...`` only when the
  spectral radius of A is below 1; a table where it is not (some node's inputs
  reach its output) is refused with :class:`ConvergenceError` at the first solve.
* Primary inputs have a kind.  ``V`` rows are indexed ``("kind", "component")`` with
  kind one of :data:`KINDS`: ``value_added`` (compensation, operating surplus, mixed
  income, other net taxes on production: gross value added), ``imports`` (imported
  inputs, in national tables whose ``Z`` is domestic), ``taxes`` (taxes less subsidies
  on products) and ``other`` (primary inputs that are neither GVA nor part of GDP:
  purchases abroad by residents, cif/fob adjustments, international transport margins,
  statistical discrepancies).  A flat ``V`` is accepted with ``kinds=`` naming the rows
  that are not value added (the others are value added).  ``VY`` holds the same rows for
  the final-demand columns (product taxes and imports absorbed by final uses), so that
  GDP can be recovered: ``GDP = GVA + net product taxes (in V and VY)``.
* When ``V`` is not given, value added is derived as ``x - Z.sum(axis=0)`` (one row
  ``("value_added", "value_added")``).
* The balance checks accept a residual ``|r_i| <= atol + rtol·|x_i|`` per node (the
  envelope of published rounding: ``atol`` in the table's unit).
* Negative intermediate flows are refused unless ``allow_negative=True``;
  negative final demand (inventory draw-downs) is allowed.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import warnings
from dataclasses import InitVar, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .errors import BalanceError, ConvergenceError, LabelError, ReadError, TableError, fmt_labels

__all__ = ["IOTable", "TableMeta", "NODE_LEVELS", "FD_LEVELS", "V_LEVELS", "KINDS"]

log = logging.getLogger(__name__)

NODE_LEVELS = ("region", "sector")
FD_LEVELS = ("region", "category")
#: Row levels of the primary-input blocks ``V`` and ``VY``.
V_LEVELS = ("kind", "component")
#: Kinds of primary input (see the module docstring).
KINDS = ("value_added", "imports", "taxes", "other")

#: Density below which (and size above which) Z is factorised as a sparse matrix.
SPARSE_DENSITY = 0.05
#: Outputs at or below this count as zero (their reciprocal would overflow).
_TINY = 1.0 / np.finfo(float).max
SPARSE_MIN_NODES = 2000


@dataclass(frozen=True)
class TableMeta:
    """Metadata carried by a table and by every result derived from it."""

    name: str = ""
    year: int | None = None
    unit: str = ""
    currency: str = ""
    prices: str = ""
    source: str = ""
    system: str = ""
    history: tuple[str, ...] = ()
    #: accounts the source does not publish, e.g. ``("taxes",)`` when product taxes are not
    #: separated from value added (GDP is then NaN, with this as the reason)
    missing: tuple[str, ...] = ()
    #: names of the codes, by level: ``{"sector": {"c1": "Agriculture, ..."}, "region": {...}}``
    #: (further levels such as ``"nace"`` map a code to the source's other classification;
    #: ``"country"`` maps the regions that are parts of one country, e.g. ICIO's ``CN1``/``CN2``,
    #: to that country's code, ``{"CN1": "CHN", "CN2": "CHN"}``: GVC decompositions treat them as one)
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def coerce(cls, meta: "TableMeta | Mapping[str, Any] | None") -> "TableMeta":
        if meta is None:
            return cls()
        if isinstance(meta, TableMeta):
            return meta
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(meta) - known
        if unknown:
            raise TableError(
                f"Unknown metadata field(s) {sorted(unknown)}; expected some of {sorted(known)}."
            )
        kw = dict(meta)
        for key in ("history", "missing"):
            if key in kw:
                kw[key] = tuple(kw[key])
        if "names" in kw:
            names = kw["names"] or {}
            if not isinstance(names, Mapping) or not all(isinstance(m, Mapping) for m in names.values()):
                raise TableError("meta['names'] must map a level ('sector', 'region', ...) to a {code: name} mapping.")
            kw["names"] = {str(k): {str(c): str(n) for c, n in m.items()} for k, m in names.items()}
        if kw.get("year") is not None:
            kw["year"] = int(kw["year"])
        return cls(**kw)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["history"] = list(self.history)
        d["missing"] = list(self.missing)
        d["names"] = {k: dict(m) for k, m in self.names.items()}
        return d

    def with_history(self, step: str) -> "TableMeta":
        return dataclasses.replace(self, history=self.history + (step,))


def _as_node_index(idx: pd.Index, what: str, default_region: str) -> pd.MultiIndex:
    """Return *idx* as a (region, sector) MultiIndex; a flat index gets one region."""
    if isinstance(idx, pd.MultiIndex):
        if idx.nlevels != 2:
            raise LabelError(
                f"{what} must be indexed by 2 levels (region, sector); got {idx.nlevels} levels {list(idx.names)}."
            )
        return idx.set_names(list(NODE_LEVELS))
    return pd.MultiIndex.from_arrays(
        [[default_region] * len(idx), list(idx)], names=list(NODE_LEVELS)
    )


def _check_unique(idx: pd.Index, what: str) -> None:
    dup = idx[idx.duplicated()]
    if len(dup):
        raise LabelError(f"{what} has duplicated labels: {fmt_labels(dup.unique())}.")


def _check_finite(df: pd.DataFrame, what: str) -> None:
    arr = df.to_numpy(dtype=float)
    bad = ~np.isfinite(arr)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise TableError(
            f"{what} has {int(bad.sum())} NaN/inf value(s); first at row {df.index[r]!r}, "
            f"column {df.columns[c]!r} ({arr[r, c]})."
        )


def _order_like(idx: pd.Index, ref: pd.Index, what: str) -> pd.Index:
    """*ref*-ordered labels of *idx*, or a LabelError listing what is missing on each side."""
    if idx.equals(ref):
        return ref
    miss = ref.difference(idx)
    extra = idx.difference(ref)
    if len(miss) or len(extra):
        raise LabelError(
            f"{what} must carry the Z labels; missing: {fmt_labels(miss)}; not in Z: {fmt_labels(extra)}."
        )
    return ref


def _kind_index(idx: pd.Index, kinds: Mapping[str, str] | None, what: str) -> pd.MultiIndex:
    """Rows of V / VY as a ``(kind, component)`` MultiIndex (flat rows take *kinds*, default value_added)."""
    if isinstance(idx, pd.MultiIndex):
        if idx.nlevels != 2:
            raise LabelError(f"{what} must be indexed by (kind, component); got {idx.nlevels} levels.")
        if kinds:
            raise TableError(f"{what} already carry kinds (a (kind, component) index); do not pass kinds= too.")
        out = idx.set_names(list(V_LEVELS))
    else:
        comps = [str(c) for c in idx]
        mapping = {} if kinds is None else dict(kinds.items()) if isinstance(kinds, (Mapping, pd.Series)) else None
        if mapping is None:
            raise TableError(f"kinds= must map component names to kinds; got {type(kinds).__name__}.")
        unknown = [k for k in mapping if str(k) not in comps]
        if unknown and what == "V rows":
            raise LabelError(f"kinds= names {fmt_labels(unknown)}, which are not rows of V; rows: {fmt_labels(comps, 8)}.")
        mapping = {str(k): v for k, v in mapping.items()}
        out = pd.MultiIndex.from_arrays([[mapping.get(c, "value_added") for c in comps], comps],
                                        names=list(V_LEVELS))
    bad = [k for k in out.get_level_values(0).unique() if k not in KINDS]
    if bad:
        raise TableError(f"{what} have unknown kind(s) {fmt_labels(bad)}; expected one of {', '.join(KINDS)}.")
    return out


def _extensions(exts: Any, nodes: pd.MultiIndex, fd: pd.MultiIndex) -> Mapping[str, Any]:
    """Validated extensions keyed by name, aligned to the table's labels, in a read-only mapping."""
    from types import MappingProxyType

    from .extension import Extension

    items = list(exts.values()) if isinstance(exts, Mapping) else list(exts or ())
    out: dict[str, Extension] = {}
    for e in items:
        if not isinstance(e, Extension):
            raise TableError(f"extensions must be Extension objects; got {type(e).__name__}.")
        if e.name in out:
            raise LabelError(f"Two extensions are named {e.name!r}.")
        out[e.name] = e.aligned(nodes, fd)
    return MappingProxyType(out)


@dataclass(frozen=True, eq=False)
class IOTable:
    """A labelled (multi-regional) input-output table.

    Parameters
    ----------
    Z : DataFrame
        Intermediate flows, index and columns ``(region, sector)``; ``Z.loc[i, j]``
        is what supplier *i* sells to buyer *j*.  A flat index is accepted for a
        single-region table (the region is ``meta['name']`` or ``"economy"``).
    Y : DataFrame or Series
        Final demand, index ``(region, sector)``, columns ``(region, category)``.
        Flat columns are read as categories of the table's only region.
    V : DataFrame, optional
        Primary inputs by ``(region, sector)`` column, one row per component, rows
        indexed ``("kind", "component")`` (kinds: ``value_added``, ``imports``,
        ``taxes``, ``other``) or flat with *kinds*.  Derived as ``x - Z.sum(axis=0)``
        (one value-added row) when omitted.
    x : Series, optional
        Gross output.  Derived as ``Z.sum(axis=1) + Y.sum(axis=1)`` when omitted.
    meta : TableMeta or mapping, optional
        name, year, unit, currency, prices, source, system, history, missing.
    allow_negative : bool, default False
        Accept negative intermediate flows.
    rtol : float, default 1e-3
        Relative tolerance of the row and column balance checks.
    atol : float, default 0
        Absolute tolerance of the balance checks, in the table's unit: a node passes
        when ``|total - x| <= atol + rtol·|x|``.  Readers set it from the source's
        published rounding (OECD ICIO: 0.1 USD million).
    VY : DataFrame, optional
        Primary inputs absorbed directly by final uses (product taxes and imports in
        final demand), same rows as ``V`` (or flat with *kinds*) and ``Y``'s columns.
    kinds : mapping, optional
        For a flat ``V`` (and ``VY``): component -> kind for the rows that are not
        value added, e.g. ``{"imports": "imports", "taxes on products": "taxes"}``.
    extensions : mapping or list of Extension, optional
        Satellite accounts (:class:`~valuechain.Extension`: employment, hours,
        emissions...), read back as ``t.extensions[name]``.

    Raises
    ------
    LabelError
        Labels mismatch between Z, Y, V and x, or are duplicated.
    TableError
        NaN/inf values, negative flows or output.
    BalanceError
        Row totals or column totals differ from ``x`` beyond ``rtol``.

    Examples
    --------
    >>> import pandas as pd, valuechain as vc
    >>> Z = pd.DataFrame([[150., 500.], [200., 100.]], index=["s1", "s2"], columns=["s1", "s2"])
    >>> Y = pd.DataFrame({"households": [350., 1700.]}, index=["s1", "s2"])
    >>> t = vc.IOTable(Z, Y)
    >>> t.x.tolist()
    [1000.0, 2000.0]
    """

    Z: pd.DataFrame
    Y: pd.DataFrame
    V: pd.DataFrame | None = None
    x: pd.Series | None = None
    meta: TableMeta | Mapping[str, Any] | None = None
    allow_negative: bool = False
    rtol: float = 1e-3
    atol: float = 0.0
    VY: pd.DataFrame | None = None
    kinds: InitVar[Mapping[str, str] | None] = None
    extensions: Mapping[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ setup
    def __post_init__(self, kinds: Mapping[str, str] | None = None) -> None:
        set_ = object.__setattr__
        meta = TableMeta.coerce(self.meta)
        set_(self, "meta", meta)
        region = meta.name or "economy"
        if not isinstance(self.Z, pd.DataFrame):
            raise TableError(f"Z must be a pandas DataFrame; got {type(self.Z).__name__}.")
        Z = self.Z.copy()
        Z.index = _as_node_index(Z.index, "Z rows", region)
        Z.columns = _as_node_index(Z.columns, "Z columns", region)
        _check_unique(Z.index, "Z rows")
        _check_unique(Z.columns, "Z columns")
        Z = Z.loc[:, _order_like(Z.columns, Z.index, "Z columns")]
        Z = Z.astype(float)
        _check_finite(Z, "Z")

        Y = self.Y
        if isinstance(Y, pd.Series):
            Y = Y.to_frame(Y.name if Y.name is not None else "final_demand")
        if not isinstance(Y, pd.DataFrame):
            raise TableError(f"Y must be a pandas DataFrame or Series; got {type(Y).__name__}.")
        Y = Y.copy()
        Y.index = _as_node_index(Y.index, "Y rows", region)
        if isinstance(Y.columns, pd.MultiIndex):
            if Y.columns.nlevels != 2:
                raise LabelError(
                    f"Y columns must have 2 levels (region, category); got {Y.columns.nlevels}."
                )
            Y.columns = Y.columns.set_names(list(FD_LEVELS))
        else:
            regions = Z.index.get_level_values(0).unique()
            if len(regions) != 1:
                raise LabelError(
                    "Y has flat columns but the table has several regions; give Y columns as a "
                    "(region, category) MultiIndex."
                )
            Y.columns = pd.MultiIndex.from_arrays(
                [[regions[0]] * Y.shape[1], [str(c) for c in Y.columns]], names=list(FD_LEVELS)
            )
        _check_unique(Y.index, "Y rows")
        _check_unique(Y.columns, "Y columns")
        Y = Y.loc[_order_like(Y.index, Z.index, "Y rows")]
        Y = Y.astype(float)
        _check_finite(Y, "Y")

        zv = Z.to_numpy()
        if not self.allow_negative and (zv < 0).any():
            r, c = np.argwhere(zv < 0)[0]
            n = int((zv < 0).sum())
            raise TableError(
                f"Z has {n} negative intermediate flow(s); first: row {Z.index[r]!r} to {Z.columns[c]!r} "
                f"({zv[r, c]:g}). Pass allow_negative=True if the source publishes negative flows."
            )
        row_total = zv.sum(axis=1) + Y.to_numpy().sum(axis=1)
        if self.x is None:
            x = pd.Series(row_total, index=Z.index, name="x")
        else:
            x = pd.Series(self.x, copy=True)
            x.index = _as_node_index(x.index, "x", region)
            _check_unique(x.index, "x")
            x = x.loc[_order_like(x.index, Z.index, "x")]
            x = x.astype(float).rename("x")
        xv = x.to_numpy()
        if not np.isfinite(xv).all():
            bad = x.index[~np.isfinite(xv)]
            raise TableError(f"x has NaN/inf output for {fmt_labels(bad)}.")
        if (xv < 0).any():
            bad = x.index[xv < 0]
            raise TableError(f"x has negative gross output for {fmt_labels(bad)}.")
        tiny = (xv > 0) & (xv <= _TINY * 1e300)  # outputs so small that a coefficient z / x could overflow
        if tiny.any():
            with np.errstate(over="ignore", divide="ignore"):
                big = np.abs(zv[:, tiny]).max(axis=0, initial=0.0) / xv[tiny]
            bad = ~np.isfinite(big) | (big > 1e300)
            if bad.any():
                node = x.index[np.flatnonzero(tiny)[np.argmax(bad)]]
                raise TableError(f"x has an output of {xv[x.index.get_loc(node)]:.3g} for {node!r}, so small that its "
                                 "input coefficients overflow (inputs / output > 1e300); set it to 0 or check the "
                                 "output vector.")

        for name in ("rtol", "atol"):
            tol = getattr(self, name)
            if not isinstance(tol, (int, float, np.floating)) or isinstance(tol, bool) or not tol >= 0 \
                    or not np.isfinite(tol):
                raise TableError(f"The '{name}' parameter of IOTable must be a finite float >= 0. Got {tol!r} instead.")
        V = self.V
        if V is None:
            V = pd.DataFrame(
                [xv - zv.sum(axis=0)],
                index=pd.MultiIndex.from_tuples([("value_added", "value_added")], names=list(V_LEVELS)),
                columns=Z.columns,
            )
            if kinds:
                raise TableError("kinds= names rows of V, but V was not given.")
        else:
            if isinstance(V, pd.Series):
                V = V.to_frame().T if V.index.equals(Z.columns) else V.to_frame()
            if not isinstance(V, pd.DataFrame):
                raise TableError(f"V must be a pandas DataFrame; got {type(V).__name__}.")
            V = V.copy()
            V.columns = _as_node_index(V.columns, "V columns", region)
            _check_unique(V.columns, "V columns")
            V.index = _kind_index(V.index, kinds, "V rows")
            _check_unique(V.index, "V rows")
            V = V.loc[:, _order_like(V.columns, Z.columns, "V columns")]
            V = V.astype(float)
            _check_finite(V, "V")

        VY = self.VY
        if VY is not None:
            if not isinstance(VY, pd.DataFrame):
                raise TableError(f"VY must be a pandas DataFrame; got {type(VY).__name__}.")
            VY = VY.copy()
            if isinstance(VY.columns, pd.MultiIndex):
                VY.columns = VY.columns.set_names(list(FD_LEVELS))
            elif Y.shape[1] and len(Y.columns.get_level_values(0).unique()) == 1:
                VY.columns = pd.MultiIndex.from_arrays(
                    [[Y.columns[0][0]] * VY.shape[1], [str(c) for c in VY.columns]], names=list(FD_LEVELS))
            _check_unique(VY.columns, "VY columns")
            VY.index = _kind_index(VY.index, kinds, "VY rows")
            _check_unique(VY.index, "VY rows")
            VY = VY.loc[:, _order_like(VY.columns, Y.columns, "VY columns")].astype(float)
            _check_finite(VY, "VY")
            rows = V.index.append(VY.index.difference(V.index, sort=False))
            V = V.reindex(rows, fill_value=0.0)
            VY = VY.reindex(rows, fill_value=0.0)

        set_(self, "Z", Z)
        set_(self, "Y", Y)
        set_(self, "V", V)
        set_(self, "VY", VY)
        set_(self, "x", x)
        set_(self, "extensions", _extensions(self.extensions, Z.index, Y.columns))
        self._check_balance(row_total, zv.sum(axis=0) + V.to_numpy().sum(axis=0))

    def _check_balance(self, row_total: np.ndarray, col_total: np.ndarray) -> None:
        xv = self.x.to_numpy()
        scale = np.maximum(np.abs(xv), 1e-9 * max(np.abs(xv).sum(), 1.0))
        for what, tot in (("row totals (Z.sum(axis=1) + Y.sum(axis=1))", row_total), ("column totals (Z.sum(axis=0) + V.sum(axis=0))", col_total)):
            gap = np.abs(tot - xv)
            excess = gap - (self.atol + self.rtol * scale)
            bad = np.flatnonzero(excess > 0)
            if len(bad):
                worst = bad[np.argsort(-(gap[bad] / scale[bad]))][:5]
                lines = "; ".join(
                    f"{self.x.index[i]!r}: total {tot[i]:.6g} vs x {xv[i]:.6g}" for i in worst
                )
                raise BalanceError(
                    f"{len(bad)} node(s) have {what} differing from gross output x by more than "
                    f"atol + rtol·|x| (atol={self.atol:g}, rtol={self.rtol:g}); worst: {lines}."
                )

    # ------------------------------------------------------------ basic info
    @property
    def nodes(self) -> pd.MultiIndex:
        """The (region, sector) node labels, in table order."""
        return self.Z.index  # type: ignore[return-value]

    @property
    def regions(self) -> pd.Index:
        return self.nodes.get_level_values("region").unique()

    @property
    def sectors(self) -> pd.Index:
        return self.nodes.get_level_values("sector").unique()

    @property
    def n(self) -> int:
        return len(self.nodes)

    @cached_property
    def v(self) -> pd.Series:
        """Gross value added per node: column sums of the ``value_added`` rows of V.

        Imports, taxes less subsidies on products and other primary inputs are not
        value added (see :attr:`w` for all primary inputs).
        """
        return self.primary_inputs("value_added").rename("v")

    @cached_property
    def w(self) -> pd.Series:
        """All primary inputs per node (column sums of V): ``x - Z'1``.

        What the Ghosh (supply-side) model and the column balance use.
        """
        return self.V.sum(axis=0).rename("w")

    def primary_inputs(self, kind: str, *, final_demand: bool = False) -> pd.Series:
        """Column sums of the V rows of one *kind* (or the one row of a component), by node.

        Parameters
        ----------
        kind : str
            ``'value_added'``, ``'imports'``, ``'taxes'``, ``'other'``, or the name of one
            component (a row of ``V``, e.g. ``'wages'``).
        final_demand : bool, default False
            Sum ``VY`` (by final-demand column) instead of ``V`` (by node).

        Examples
        --------
        >>> t = vc.datasets.load("brazil", year=2021)
        >>> round(float(t.primary_inputs("imports").sum()))  # imported intermediate inputs, BRL million
        1124277
        """
        block = self.VY if final_demand else self.V
        cols = self.Y.columns if final_demand else self.nodes
        if kind in KINDS:
            level = "kind"
        elif kind in set(self.V.index.get_level_values("component")):
            level = "component"
        else:
            from .errors import ParameterError

            raise ParameterError(f"The 'kind' parameter of primary_inputs must be one of "
                                 f"{', '.join(map(repr, KINDS))} or a component of V "
                                 f"({fmt_labels(self.V.index.get_level_values('component'), 6)}). Got {kind!r} instead.")
        if block is None:
            return pd.Series(0.0, index=cols, name=kind)
        mask = block.index.get_level_values(level) == kind
        return pd.Series(block.to_numpy()[mask].sum(axis=0), index=cols, name=kind)

    @cached_property
    def gdp(self) -> pd.Series:
        """GDP by region: gross value added plus all net product taxes (on intermediate and final uses).

        ``GDP_r = Σ_{j in r} (v_j + t_j) + Σ_{c in r} t^Y_c`` with ``t`` the ``taxes`` rows
        of V and ``t^Y`` those of VY.  On the expenditure side it equals final uses
        (``Y`` plus ``VY``) minus imports and other primary inputs.  NaN when the source does
        not separate product taxes from value added (``"taxes" in meta.missing``); the reason
        is in ``.attrs["note"]``.

        Examples
        --------
        >>> t = vc.datasets.load("miller_blair")
        >>> t.gdp.tolist()
        [2050.0]
        """
        regions = pd.Index(self.regions, name="region")
        note = ""
        if "taxes" in self.meta.missing:
            vals = np.full(len(regions), np.nan)
            note = (f"GDP is not available: the source ({self.meta.source or self.meta.name or 'this table'}) "
                    "does not separate taxes less subsidies on products from value added.")
        else:
            node_r = self.nodes.get_level_values("region")
            inc = (self.v + self.primary_inputs("taxes")).groupby(node_r, sort=False).sum()
            fd = self.primary_inputs("taxes", final_demand=True)
            fd = fd.groupby(self.Y.columns.get_level_values("region"), sort=False).sum()
            vals = inc.reindex(regions, fill_value=0.0).to_numpy() + fd.reindex(regions, fill_value=0.0).to_numpy()
        out = pd.Series(vals, index=regions, name="gdp")
        out.attrs = self.attrs("gdp", note=note) if note else self.attrs("gdp")
        return out

    @cached_property
    def f(self) -> pd.Series:
        """Total final demand per node (row sums of Y)."""
        return self.Y.sum(axis=1).rename("f")

    @cached_property
    def zero_output(self) -> pd.MultiIndex:
        """Nodes with zero gross output (their A columns and B rows are 0)."""
        return self.nodes[self._xinv == 0]

    @property
    def zero_output_with_flows(self) -> pd.MultiIndex:
        """Zero-output nodes that still carry flows (offsetting sales, e.g. exports +2 and inventories -2).

        Published tables have them (WIOD 2008: LUX c5, c8 and LVA c8).  Their A columns are 0 like any
        zero-output node's; the GVC decompositions count their sales as domestic value added.
        """
        zero = self._xinv == 0
        if not zero.any():
            return self.nodes[zero]
        zv, yv = self.Z.to_numpy(), self.Y.to_numpy()
        busy = (zv[zero] != 0).any(axis=1) | (zv[:, zero] != 0).any(axis=0) | (yv[zero] != 0).any(axis=1)
        return self.nodes[zero][busy]

    @cached_property
    def _xinv(self) -> np.ndarray:
        """1/x, with 0 for zero output (and for outputs whose reciprocal would overflow)."""
        xv = self.x.to_numpy()
        out = np.zeros_like(xv)
        np.divide(1.0, xv, out=out, where=np.abs(xv) > _TINY)
        return out

    def _spectral_radius(self) -> float:
        """Spectral radius of A, computed only when a column sum of |A| reaches 1 (else it is below 1)."""
        zv = self.Z.to_numpy()
        # column sums of |A| bound the spectral radius; without negative flows no |Z| copy is needed
        colsum = (zv.sum(axis=0) if self.n == 0 or zv.min() >= 0 else np.abs(zv).sum(axis=0)) * self._xinv
        if self.n == 0 or colsum.max(initial=0.0) < 1.0 - 1e-12:
            return float(colsum.max(initial=0.0))
        if self.n <= 500:
            return float(np.abs(np.linalg.eigvals(zv * self._xinv[None, :])).max())
        op = spla.LinearOperator((self.n, self.n), matvec=lambda v: zv @ (self._xinv * v), dtype=float)
        try:
            vals = spla.eigs(op, k=1, which="LM", return_eigenvectors=False, maxiter=20 * self.n, tol=1e-10)
        except spla.ArpackNoConvergence:  # fall back to a safe bound
            return float(colsum.max())
        return float(np.abs(vals).max())

    def _check_spectral_radius(self) -> None:
        rho = self._spectral_radius()
        if rho >= 1.0 - 1e-12:
            colsum = self.Z.to_numpy().sum(axis=0) * self._xinv
            worst = np.argsort(-colsum)[:5]
            lines = "; ".join(f"{self.nodes[i]!r}: inputs/output = {colsum[i]:.4g}" for i in worst if colsum[i] >= 1 - 1e-12)
            raise ConvergenceError(
                f"The spectral radius of A is {rho:.6g} >= 1 for table {self.meta.name!r}: I - A is singular or the Leontief "
                f"series diverges. Nodes whose intermediate inputs reach their output: {lines or 'none individually'}. "
                "Check the value-added rows and the output vector."
            )

    def _frame(self, arr: np.ndarray, name: str) -> pd.DataFrame:
        df = pd.DataFrame(arr, index=self.nodes, columns=self.nodes, copy=False)
        df.attrs = self.attrs(name)
        return df

    def attrs(self, metric: str, **extra: Any) -> dict[str, Any]:
        """The metadata dictionary attached (``.attrs``) to results derived from this table."""
        d = {"metric": metric, "name": self.meta.name, "year": self.meta.year, "unit": self.meta.unit,
             "source": self.meta.source}
        d.update(extra)
        return d

    # ----------------------------------------------------------- coefficients
    @cached_property
    def A(self) -> pd.DataFrame:
        """Input (technical) coefficients ``A = Z x̂⁻¹``; columns of zero-output nodes are 0."""
        return self._frame(self.Z.to_numpy() * self._xinv[None, :], "A")

    @cached_property
    def B(self) -> pd.DataFrame:
        """Output (allocation) coefficients ``B = x̂⁻¹ Z``; rows of zero-output nodes are 0."""
        return self._frame(self.Z.to_numpy() * self._xinv[:, None], "B")

    @cached_property
    def _use_sparse(self) -> bool:
        n = self.n
        if n < SPARSE_MIN_NODES:
            return False
        return np.count_nonzero(self.Z.to_numpy()) / (n * n) < SPARSE_DENSITY

    @cached_property
    def _lu(self) -> Any:
        """One factorisation of ``I - A``, reused by every Leontief solve."""
        self._check_spectral_radius()
        zv = self.Z.to_numpy()
        if self._use_sparse:
            M = sp.identity(self.n, format="csc") - sp.csc_matrix(zv) @ sp.diags(self._xinv)
            try:
                return spla.splu(sp.csc_matrix(M))
            except RuntimeError as exc:  # exactly singular
                raise ConvergenceError(
                    f"I - A is singular for table {self.meta.name!r}: {exc}. Check for a closed loop "
                    "of nodes that buy only from each other with no final demand or value added."
                ) from exc
        M = zv * (-self._xinv)[None, :]
        M[np.diag_indices_from(M)] += 1.0
        # M is C-ordered: its transpose is the Fortran-ordered array LAPACK factors in place (no
        # copy of n² doubles); solve() swaps the transpose flag to match.
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", sla.LinAlgWarning)
            lu, piv = sla.lu_factor(M.T, overwrite_a=True, check_finite=False)
        d = np.abs(np.diag(lu))
        # inputs are finite: a non-finite factor shows on the diagonal; solve() checks every result
        if not np.isfinite(d).all() or d.min() <= 1e-13 * max(d.max(), 1.0):
            raise ConvergenceError(
                f"I - A is singular or nearly singular for table {self.meta.name!r} (spectral radius of A "
                "is at or above 1): some nodes' intermediate inputs reach or exceed their output. "
                "Check the value-added rows and the output vector."
            )
        return (lu, piv)

    def solve(self, b: np.ndarray, *, transpose: bool = False) -> np.ndarray:
        """Solve ``(I - A) y = b`` (or ``(I - A)' y = b``): ``y = L b`` (or ``L' b``) without forming L.

        *b* may be a vector or a matrix of right-hand sides (as columns).
        """
        b = np.asarray(b, dtype=float)
        lu = self._lu
        if isinstance(lu, tuple):  # the factors of (I - A)': the flag is swapped
            out = sla.lu_solve(lu, b, trans=0 if transpose else 1, check_finite=False)
        else:
            out = lu.solve(b, trans="T" if transpose else "N")
        if not np.isfinite(out).all():
            raise ConvergenceError(
                f"The Leontief solve for table {self.meta.name!r} produced NaN/inf; I - A is singular."
            )
        return out

    @cached_property
    def L(self) -> pd.DataFrame:
        """Leontief inverse ``L = (I - A)⁻¹`` (formed on request from the LU factors)."""
        return self._frame(self.solve(np.eye(self.n)), "L")

    @cached_property
    def G(self) -> pd.DataFrame:
        """Ghosh inverse ``G = (I - B)⁻¹ = x̂⁻¹ L x̂`` (zero-output rows: identity)."""
        Lv = self.L.to_numpy()
        xv = self.x.to_numpy()
        Gv = self._xinv[:, None] * Lv * xv[None, :]
        zero = self._xinv == 0
        if zero.any():  # (I - B) has an identity row there: G row = e_i
            Gv[zero, :] = 0.0
            Gv[zero, zero] = 1.0
        return self._frame(Gv, "G")

    def series(self, values: np.ndarray, name: str, **attrs: Any) -> pd.Series:
        """Wrap a node vector as a labelled Series carrying the table's metadata."""
        s = pd.Series(np.asarray(values, dtype=float), index=self.nodes, name=name)
        s.attrs = self.attrs(name, **attrs)
        return s

    # -------------------------------------------------------------- reshaping
    def replace(self, **changes: Any) -> "IOTable":
        """A new (re-validated) table with some blocks replaced."""
        kw = {"Z": self.Z, "Y": self.Y, "V": self.V, "x": None, "meta": self.meta,
              "allow_negative": self.allow_negative, "rtol": self.rtol, "atol": self.atol, "VY": self.VY,
              "extensions": self.extensions}
        kw.update(changes)
        return IOTable(**kw)

    def _options(self) -> dict[str, Any]:
        return {"allow_negative": self.allow_negative, "rtol": self.rtol, "atol": self.atol}

    def with_extension(self, extension: Any) -> "IOTable":
        """A new table carrying *extension* too (replacing one of the same name).

        The table's blocks and its Leontief factorisation are shared, not recomputed.
        """
        from .extension import Extension

        if not isinstance(extension, Extension):
            from .errors import ParameterError

            raise ParameterError(f"The 'extension' parameter of with_extension must be an Extension. "
                                 f"Got {type(extension).__name__} instead.")
        ext = extension.aligned(self.nodes, self.Y.columns)
        new = object.__new__(IOTable)
        new.__dict__.update(self.__dict__)  # blocks and cached derivations (x, A, L, LU) are unchanged
        from types import MappingProxyType

        object.__setattr__(new, "extensions", MappingProxyType({**self.extensions, ext.name: ext}))
        object.__setattr__(new, "meta", self.meta.with_history(f"with_extension({ext.name!r})"))
        return new

    def aggregate(self, sectors: Mapping | pd.Series | None = None,
                  regions: Mapping | pd.Series | None = None) -> "IOTable":
        """Aggregate sectors and/or regions with label mappings; flows are conserved exactly.

        Parameters
        ----------
        sectors, regions : dict or Series, optional
            Old label -> new label.  Every label of the table must be mapped
            (a missing one raises :class:`LabelError`, nothing is dropped silently).

        Examples
        --------
        >>> t = vc.datasets.load("miller_blair")
        >>> float(t.aggregate(sectors={"s1": "all", "s2": "all"}).Z.iloc[0, 0])
        950.0
        """
        def mapper(mapping, labels, what):
            if mapping is None:
                return None
            m = dict(mapping.items()) if isinstance(mapping, (pd.Series, Mapping)) else None
            if m is None:
                raise TableError(f"The {what} mapping must be a dict or a Series; got {type(mapping).__name__}.")
            missing = [lab for lab in labels if lab not in m]
            if missing:
                raise LabelError(f"The {what} mapping has no entry for {fmt_labels(missing)}.")
            return m

        smap = mapper(sectors, self.sectors, "sectors")
        rmap = mapper(regions, self.regions, "regions")

        def new_nodes(idx: pd.MultiIndex) -> pd.MultiIndex:
            r = idx.get_level_values(0)
            s = idx.get_level_values(1)
            r2 = r.map(rmap) if rmap else r
            s2 = s.map(smap) if smap else s
            return pd.MultiIndex.from_arrays([r2, s2], names=list(NODE_LEVELS))

        def new_fd(idx: pd.MultiIndex) -> pd.MultiIndex:
            r = idx.get_level_values(0)
            r2 = r.map(rmap) if rmap else r
            return pd.MultiIndex.from_arrays([r2, idx.get_level_values(1)], names=list(FD_LEVELS))

        rows = new_nodes(self.nodes)
        order = pd.unique(rows.to_flat_index())
        order = pd.MultiIndex.from_tuples(list(order), names=list(NODE_LEVELS))
        Z = self.Z.groupby(rows.to_flat_index(), sort=False).sum()
        Z = Z.T.groupby(rows.to_flat_index(), sort=False).sum().T
        Z.index = pd.MultiIndex.from_tuples(Z.index, names=list(NODE_LEVELS))
        Z.columns = pd.MultiIndex.from_tuples(Z.columns, names=list(NODE_LEVELS))
        Z = Z.loc[order, order]
        Y = self.Y.groupby(rows.to_flat_index(), sort=False).sum()
        Y.index = pd.MultiIndex.from_tuples(Y.index, names=list(NODE_LEVELS))
        fd = new_fd(self.Y.columns)
        fd_order = pd.MultiIndex.from_tuples(list(pd.unique(fd.to_flat_index())), names=list(FD_LEVELS))
        Y = Y.T.groupby(fd.to_flat_index(), sort=False).sum().T
        Y.columns = pd.MultiIndex.from_tuples(Y.columns, names=list(FD_LEVELS))
        Y = Y.loc[order, fd_order]
        V = self.V.T.groupby(rows.to_flat_index(), sort=False).sum().T
        V.columns = pd.MultiIndex.from_tuples(V.columns, names=list(NODE_LEVELS))
        V = V.loc[:, order]
        x = self.x.groupby(rows.to_flat_index(), sort=False).sum()
        x.index = pd.MultiIndex.from_tuples(x.index, names=list(NODE_LEVELS))
        VY = None
        if self.VY is not None:
            VY = self.VY.T.groupby(fd.to_flat_index(), sort=False).sum().T
            VY.columns = pd.MultiIndex.from_tuples(VY.columns, names=list(FD_LEVELS))
            VY = VY.loc[:, fd_order]
        exts = []
        for e in self.extensions.values():
            F = e.F.T.groupby(rows.to_flat_index(), sort=False).sum().T
            F.columns = pd.MultiIndex.from_tuples(F.columns, names=list(NODE_LEVELS))
            FY = None
            if e.F_Y is not None:
                FY = e.F_Y.T.groupby(fd.to_flat_index(), sort=False).sum().T
                FY.columns = pd.MultiIndex.from_tuples(FY.columns, names=list(FD_LEVELS))
            exts.append(type(e)(e.name, F.loc[:, order], e.unit, FY))
        step = "aggregate(" + ", ".join(k for k, m in (("sectors", smap), ("regions", rmap)) if m) + ")"
        return IOTable(Z, Y, V, x.loc[order], meta=self.meta.with_history(step), VY=VY, extensions=exts,
                       **self._options())

    def node_mask(self, regions=None, sectors=None, nodes=None, *, func: str = "select") -> np.ndarray:
        """Boolean mask of the nodes in the given regions AND sectors (and/or listed nodes).

        Each of *regions*, *sectors* is a label or a list of labels; *nodes* a list of
        (region, sector) pairs.  ``None`` means no restriction.  Unknown labels and an
        empty selection raise :class:`LabelError`; other types a :class:`ParameterError`.
        """
        from .errors import ParameterError

        mask = np.ones(self.n, dtype=bool)
        if nodes is not None:
            try:
                wanted = pd.MultiIndex.from_tuples([tuple(nd) for nd in nodes])
            except TypeError:
                raise ParameterError(f"The 'nodes' parameter of {func} must be a list of (region, sector) pairs. "
                                     f"Got {nodes!r} instead.") from None
            missing = wanted.difference(self.nodes)
            if len(missing):
                raise LabelError(f"{func}: unknown node(s) {fmt_labels(missing)}.")
            mask &= self.nodes.isin(wanted)
        for level, wanted in (("region", regions), ("sector", sectors)):
            if wanted is None:
                continue
            if isinstance(wanted, str):
                wanted = [wanted]
            elif isinstance(wanted, (list, tuple, set, pd.Index, np.ndarray, pd.Series)):
                wanted = list(wanted)
            else:
                raise ParameterError(f"The '{level}s' parameter of {func} must be a label or a list of labels. "
                                     f"Got {wanted!r} instead.")
            labels = self.nodes.get_level_values(level)
            present = set(labels)
            unknown = [w for w in wanted if w not in present]
            if unknown:
                raise LabelError(f"{func}: unknown {level}(s) {fmt_labels(unknown)}.")
            mask &= np.asarray(labels.isin(wanted))
        if not mask.any():
            raise LabelError(f"{func}: the selection keeps no node.")
        return mask

    def select(self, regions: list | None = None, sectors: list | None = None) -> "IOTable":
        """A sub-table of the chosen regions and/or sectors, still balanced.

        Purchases from excluded nodes become a value-added row
        ``"inputs from excluded nodes"``; sales to excluded nodes become a
        final-demand column ``(buyer region, "intermediate use by excluded nodes")``.
        """
        keep = self.node_mask(regions, sectors, func="select")
        kept = self.nodes[keep]
        Z = self.Z.loc[kept, kept]
        out = self.Z.loc[kept, ~keep]
        out_by_region = out.T.groupby(level="region").sum().T
        extra = pd.DataFrame(
            out_by_region.to_numpy(), index=kept,
            columns=pd.MultiIndex.from_arrays(
                [out_by_region.columns, ["intermediate use by excluded nodes"] * out_by_region.shape[1]],
                names=list(FD_LEVELS)),
        )
        Y = pd.concat([self.Y.loc[kept], extra], axis=1) if extra.shape[1] else self.Y.loc[kept]
        V = self.V.loc[:, kept].copy()
        if (~keep).any():
            V.loc[("imports", "inputs from excluded nodes"), :] = self.Z.loc[~keep, kept].sum(axis=0).to_numpy()
        VY = None
        if self.VY is not None:  # new columns (sales to excluded nodes) absorb no primary input directly
            VY = self.VY.reindex(columns=Y.columns, fill_value=0.0)
        exts = [type(e)(e.name, e.F.loc[:, kept], e.unit,
                        None if e.F_Y is None else e.F_Y.reindex(columns=Y.columns, fill_value=0.0))
                for e in self.extensions.values()]
        return IOTable(Z, Y, V, self.x.loc[kept], meta=self.meta.with_history("select"), VY=VY, extensions=exts,
                       **self._options())

    def summary(self) -> dict[str, Any]:
        """Dimensions, totals and balance diagnostics (used by ``valuechain info``)."""
        xv = self.x.to_numpy()
        row_gap = self.Z.to_numpy().sum(axis=1) + self.Y.to_numpy().sum(axis=1) - xv
        col_gap = self.Z.to_numpy().sum(axis=0) + self.V.to_numpy().sum(axis=0) - xv
        scale = np.maximum(np.abs(xv), 1e-300)
        return {
            "name": self.meta.name, "year": self.meta.year, "unit": self.meta.unit,
            "source": self.meta.source, "prices": self.meta.prices,
            "regions": len(self.regions), "sectors": len(self.sectors), "nodes": self.n,
            "final_demand_columns": self.Y.shape[1], "primary_input_rows": self.V.shape[0],
            "total_output": float(xv.sum()), "total_final_demand": float(self.f.sum()),
            "total_value_added": float(self.v.sum()),
            **{f"total_{k}": float(self.primary_inputs(k).sum() + self.primary_inputs(k, final_demand=True).sum())
               for k in KINDS[1:]},
            "gdp": float(self.gdp.sum()) if not self.gdp.isna().any() else float("nan"),
            "zero_output_nodes": len(self.zero_output),
            "zero_output_with_flows": len(self.zero_output_with_flows),
            "max_row_imbalance_rel": float(np.max(np.abs(row_gap) / scale, initial=0.0)),
            "max_col_imbalance_rel": float(np.max(np.abs(col_gap) / scale, initial=0.0)),
            "density_Z": float(np.count_nonzero(self.Z.to_numpy()) / max(self.n * self.n, 1)),
        }

    # ------------------------------------------------------------------ I/O
    def to_parquet(self, path: str | Path, *, force: bool = False) -> Path:
        """Write the table (Z, Y, V with kinds, VY, x, meta, extensions) to one parquet file, atomically.

        A read-only existing file is replaced only with ``force=True``.
        """
        from ._tableio import write_parquet

        return write_parquet(path, Z=self.Z, Y=self.Y, V=self.V, VY=self.VY, x=self.x,
                             meta=self.meta.to_dict(), options=self._options(),
                             extensions=[e.to_dict() for e in self.extensions.values()], force=force)

    @classmethod
    def read_parquet(cls, path: str | Path) -> "IOTable":
        """Read a table written by :meth:`to_parquet` (malformed files raise :class:`ReadError`)."""
        from ._tableio import read_parquet

        from .extension import Extension

        kw = read_parquet(path)
        try:
            kw["extensions"] = [Extension(e["name"], e["F"], e["unit"], e["F_Y"]) for e in kw["extensions"]]
            return cls(**kw)
        except TableError as exc:
            raise ReadError(f"{path}: {exc}") from None

    def to_pymrio(self):
        """Convert to a ``pymrio.IOSystem``: Z, Y, x, a ``factor_inputs`` extension with V (and VY as its F_Y),
        and one pymrio extension per :class:`~valuechain.Extension` (F, F_Y, unit)."""
        import pymrio

        io = pymrio.IOSystem(Z=self.Z.copy(), Y=self.Y.copy(), x=self.x.to_frame("indout"),
                             name=self.meta.name or "valuechain", unit=None)
        F = self.V.copy()
        F.index = F.index.set_names(["kind", "inputtype"])
        FY = None if self.VY is None else self.VY.copy().set_axis(F.index, axis=0)
        io.factor_inputs = pymrio.Extension(name="Factor Inputs", F=F, F_Y=FY)
        for e in self.extensions.values():
            unit = e.units().to_frame("unit")
            setattr(io, e.name, pymrio.Extension(name=e.name, F=e.F.copy(), F_Y=None if e.F_Y is None else e.F_Y.copy(),
                                                 unit=unit))
        return io

    @classmethod
    def from_pymrio(cls, io: Any, *, meta: Mapping[str, Any] | None = None, **kwargs: Any) -> "IOTable":
        """Build a table from a ``pymrio.IOSystem``.

        Uses its Z and Y; primary inputs from ``factor_inputs.F`` when its columns balance
        (kinds from a ``("kind", ...)`` index level, else value added), else derived.  Every
        other pymrio extension with an ``F`` becomes an :class:`~valuechain.Extension`
        (``F_Y`` and units kept).
        """
        from .extension import Extension

        if getattr(io, "Z", None) is None or getattr(io, "Y", None) is None:
            io = io.copy()
            io.calc_system()
        Z = io.Z.copy()
        Y = io.Y.copy()
        V = VY = None
        fi = getattr(io, "factor_inputs", None)
        if fi is not None and getattr(fi, "F", None) is not None:
            x = Z.sum(axis=1) + Y.sum(axis=1)
            F = fi.F
            if np.allclose(Z.sum(axis=0).to_numpy() + F.sum(axis=0).to_numpy(), x.to_numpy(), rtol=1e-6):
                V = F.copy()
                fy = getattr(fi, "F_Y", None)
                if isinstance(V.index, pd.MultiIndex) and V.index.nlevels == 2 and V.index.names[0] == "kind":
                    VY = None if fy is None else fy.copy()
                else:
                    V.index = pd.Index([str(c) for c in V.index], name="component")
        exts = []
        for ext in io.get_extensions(data=True):
            if ext is fi or getattr(ext, "F", None) is None:
                continue
            unit = getattr(ext, "unit", None)
            if isinstance(unit, pd.DataFrame) and unit.shape[1]:
                units = {str(k): str(v) for k, v in zip(ext.F.index, unit.iloc[:, 0].reindex(ext.F.index))}
            else:
                units = "" if unit is None else str(unit)
            F_ext = ext.F.copy()
            if isinstance(F_ext.index, pd.MultiIndex):  # pymrio (stressor, compartment): one label each
                F_ext.index = [" | ".join(map(str, t)) for t in F_ext.index]
                if isinstance(units, dict):
                    units = dict(zip(F_ext.index, units.values()))
            FY_ext = getattr(ext, "F_Y", None)
            if FY_ext is not None:
                FY_ext = FY_ext.copy()
                FY_ext.index = F_ext.index
            name = str(getattr(ext, "name", "") or "extension")
            exts.append(Extension(name, F_ext, units, FY_ext))
        m = {"name": str(getattr(io, "name", "") or ""), "source": "pymrio"}
        m.update(meta or {})
        return cls(Z, Y, V, meta=m, VY=VY, extensions=exts, **kwargs)
