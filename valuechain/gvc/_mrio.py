"""Block helpers shared by the GVC decompositions (internal).

Notation follows the GVC literature (Koopman, Wang & Wei 2014; Borin & Mancini
2023), *not* the Ghosh ``B`` of :class:`~valuechain.IOTable`:

* ``G`` countries, ``N`` sectors each, ``n = G N`` nodes in region-major order;
* ``A`` input coefficients, ``A_sr`` the block of country s's sales to country r;
* ``Lg = (I - A)⁻¹`` the *global* Leontief inverse (``B`` in KWW/WWZ/BM papers;
  ``table.L`` here), ``Lloc[s] = (I - A_ss)⁻¹`` the *local* inverse of country s;
* ``vc`` value-added coefficients ``1 - 1'A`` (so that ``vc' Lg = 1'`` exactly and
  every decomposition adds up to gross exports); a zero-output node has a zero
  column of A, hence coefficient 1;
* ``Yc`` (n x G) final demand by absorbing country (regions of the ``Y`` columns),
  ``Zc`` (n x G) intermediate sales by buying country, ``E = Zc + Yc`` with the
  own-country column set to 0: gross exports by destination.

Every helper works on arrays in region-major order; :class:`MRIO` maps back to
the table's labels.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice, fmt_labels
from ..errors import LabelError
from ..table import IOTable

__all__ = ["MRIO", "LEVELS", "aggregate_terms", "safe_div"]

#: Aggregation levels of the exporter-perspective decompositions.
LEVELS = ("country", "sector", "bilateral", "bilateral_sector")


def safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with 0 where ``den == 0`` (the documented zero-division rule)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


class MRIO:
    """Region-major block view of a multi-regional :class:`IOTable`.

    Raises
    ------
    LabelError
        When the nodes are not a full region x sector grid, or a final-demand
        column belongs to a region that has no nodes.
    """

    def __init__(self, table: IOTable, func: str = "gvc") -> None:
        self.table = table
        self.func = func
        nodes = table.nodes
        regions = nodes.get_level_values("region").unique()
        sectors = nodes.get_level_values("sector").unique()
        grid = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
        pos = nodes.get_indexer(grid)
        if (pos < 0).any() or len(grid) != len(nodes):
            missing = grid[pos < 0]
            raise LabelError(
                f"{func}: the GVC decompositions need the same sectors in every region; "
                f"missing nodes: {fmt_labels(missing)}."
            )
        if len(regions) < 2:
            raise LabelError(
                f"{func}: a multi-regional table with at least 2 regions is needed; "
                f"table {table.meta.name!r} has only {list(regions)}."
            )
        self.regions = pd.Index(regions, name="region")
        self.sectors = pd.Index(sectors, name="sector")
        self.nodes = grid
        self.G = len(regions)
        self.N = len(sectors)
        self.n = self.G * self.N
        self.perm = pos  # our position k <-> table position perm[k]
        self.identity_order = bool((pos == np.arange(len(pos))).all())

        fd_regions = table.Y.columns.get_level_values("region")
        unknown = pd.Index(fd_regions).difference(regions)
        if len(unknown):
            raise LabelError(
                f"{func}: final-demand column region(s) {fmt_labels(unknown)} have no nodes in table "
                f"{table.meta.name!r}; every final-demand column must belong to a region of the table "
                "(its absorbing country)."
            )
        self._fd_region_code = regions.get_indexer(fd_regions)

    # ------------------------------------------------------------ reordering
    def _rows(self, arr: np.ndarray) -> np.ndarray:
        return arr if self.identity_order else arr[self.perm]

    @cached_property
    def x(self) -> np.ndarray:
        return self._rows(self.table.x.to_numpy(dtype=float))

    @cached_property
    def xinv(self) -> np.ndarray:
        return self._rows(self.table._xinv)

    @cached_property
    def Z(self) -> np.ndarray:
        z = self.table.Z.to_numpy(dtype=float)
        return z if self.identity_order else z[np.ix_(self.perm, self.perm)]

    @cached_property
    def A(self) -> np.ndarray:
        return self.Z * self.xinv[None, :]

    @cached_property
    def vc(self) -> np.ndarray:
        """Value-added coefficients ``1 - 1'A``.

        A zero-output node has a zero column of A, so its coefficient is 1: whatever it
        sells (real tables publish zero-output nodes with offsetting sales, e.g. WIOD 2008
        LUX c5: exports +2, inventories -2) is its own domestic value added, and
        ``vc' Lg = 1'`` holds exactly, so every decomposition adds up to gross exports.
        """
        return 1.0 - self.A.sum(axis=0)

    @cached_property
    def zero_output_traders(self) -> pd.MultiIndex:
        """Zero-output nodes with non-zero exports (their exports count as domestic value added)."""
        e = np.abs(self.E).sum(axis=1)
        return self.nodes[(self.x == 0) & (e > 0)]

    @cached_property
    def va(self) -> np.ndarray:
        """Value added ``vc * x`` (= x - Z'1)."""
        return self.vc * self.x

    def by_region(self, mat: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Sum the columns of *mat* by region code (0..G-1)."""
        out = np.zeros((mat.shape[0], self.G))
        for g in range(self.G):
            sel = codes == g
            if sel.any():
                out[:, g] = mat[:, sel].sum(axis=1)
        return out

    def by_node_region(self, mat: np.ndarray) -> np.ndarray:
        """Sum the n columns of *mat* by the region of each node (region-major layout)."""
        return mat.reshape(mat.shape[0], self.G, self.N).sum(axis=2)

    @cached_property
    def Yc(self) -> np.ndarray:
        """Final demand by absorbing country (n x G)."""
        y = self._rows(self.table.Y.to_numpy(dtype=float))
        return self.by_region(y, self._fd_region_code)

    @cached_property
    def Zc(self) -> np.ndarray:
        """Intermediate sales by buying country (n x G)."""
        return self.by_node_region(self.Z)

    @cached_property
    def own(self) -> np.ndarray:
        """Boolean (n x G): True where the column is the row's own country."""
        return np.repeat(np.arange(self.G), self.N)[:, None] == np.arange(self.G)[None, :]

    @cached_property
    def E(self) -> np.ndarray:
        """Gross exports by destination country (n x G); own country = 0."""
        e = self.Zc + self.Yc
        e[self.own] = 0.0
        return e

    @cached_property
    def Yd(self) -> np.ndarray:
        """Final demand absorbed at home ``Y_ss`` per node (n,)."""
        return self.Yc[self.own]

    @cached_property
    def y(self) -> np.ndarray:
        return self.Yc.sum(axis=1)

    # --------------------------------------------------------------- blocks
    def blk(self, v: np.ndarray) -> np.ndarray:
        """(n, ...) -> (G, N, ...)."""
        return v.reshape((self.G, self.N) + v.shape[1:])

    def flat(self, v: np.ndarray) -> np.ndarray:
        """(G, N, ...) -> (n, ...)."""
        return v.reshape((self.n,) + v.shape[2:])

    @cached_property
    def Ad(self) -> np.ndarray:
        """Domestic blocks ``A_ss`` stacked (G, N, N)."""
        G, N = self.G, self.N
        a = self.A.reshape(G, N, G, N)
        return np.stack([a[g, :, g, :] for g in range(G)])

    @cached_property
    def Lloc(self) -> np.ndarray:
        """Local inverses ``(I - A_ss)⁻¹`` stacked (G, N, N): G small dense solves."""
        eye = np.broadcast_to(np.eye(self.N), self.Ad.shape)
        try:
            out = np.linalg.solve(eye - self.Ad, eye)
        except np.linalg.LinAlgError as exc:
            from ..errors import ConvergenceError

            raise ConvergenceError(
                "A domestic block I - A_ss is singular (a closed loop of domestic nodes with no value added "
                f"or final demand): {exc}."
            ) from exc
        if not np.isfinite(out).all():
            from ..errors import ConvergenceError

            raise ConvergenceError("A domestic block I - A_ss is singular (NaN/inf in its inverse).")
        return out

    def local(self, v: np.ndarray) -> np.ndarray:
        """``L v`` with L the block-diagonal local inverse; v is (n,) or (n, k)."""
        b = self.blk(v)
        out = self.Lloc @ (b if b.ndim == 3 else b[..., None])
        return self.flat(out if b.ndim == 3 else out[..., 0])

    def local_T(self, r: np.ndarray) -> np.ndarray:
        """Row vector(s) ``r L`` with L block-diagonal; r is (n,)."""
        b = self.blk(r)
        return self.flat(np.einsum("gj,gji->gi", b, self.Lloc))

    def foreign(self, v: np.ndarray) -> np.ndarray:
        """``A^F v`` (off-diagonal blocks of A); v is (n,) or (n, k)."""
        b = self.blk(v)
        dom = self.Ad @ (b if b.ndim == 3 else b[..., None])
        dom = self.flat(dom if b.ndim == 3 else dom[..., 0])
        return self.A @ v - dom

    def foreign_T(self, r: np.ndarray) -> np.ndarray:
        """Row vector ``r A^F``; r is (n,)."""
        dom = self.flat(np.einsum("gj,gji->gi", self.blk(r), self.Ad))
        return r @ self.A - dom

    # ------------------------------------------------------- global solves
    def solve(self, b: np.ndarray, *, transpose: bool = False) -> np.ndarray:
        """``Lg b`` (or ``Lg' b``) through the table's single LU factorisation."""
        if self.identity_order:
            return self.table.solve(b, transpose=transpose)
        bt = np.empty_like(np.asarray(b, dtype=float))
        bt[self.perm] = b
        return self.table.solve(bt, transpose=transpose)[self.perm]

    @cached_property
    def Lg(self) -> np.ndarray:
        """The global Leontief inverse (formed once and cached on the table as ``table.L``)."""
        L = self.table.L.to_numpy()
        return L if self.identity_order else L[np.ix_(self.perm, self.perm)]

    @cached_property
    def VBc(self) -> np.ndarray:
        """(G, n): value added of country t per unit of output of node j, ``V_t Lg_{t,j}``.

        One transposed solve with G right-hand sides.
        """
        Vm = np.zeros((self.n, self.G))
        Vm[np.arange(self.n), np.repeat(np.arange(self.G), self.N)] = self.vc
        return self.solve(Vm, transpose=True).T

    @cached_property
    def VB_dom(self) -> np.ndarray:
        """(n,): domestic value-added content ``V_s Lg_ss`` of each node of s."""
        return self.VBc[np.repeat(np.arange(self.G), self.N), np.arange(self.n)]

    @cached_property
    def VB_for(self) -> np.ndarray:
        """(n,): foreign value-added content ``Σ_{t≠s} V_t Lg_ts`` (explicit sum)."""
        return self.VBc.sum(axis=0) - self.VB_dom

    @cached_property
    def VL(self) -> np.ndarray:
        """(n,): ``V_s L_ss`` (local inverse), the value added of the last domestic stretch."""
        return self.local_T(self.vc)

    @cached_property
    def VLAB(self) -> np.ndarray:
        """(n,): ``V_s L_ss Σ_{t≠s} A_st Lg_ts`` computed directly (one transposed solve, G rhs)."""
        G, N, n = self.G, self.N, self.n
        reg = np.repeat(np.arange(G), N)
        Q = np.zeros((n, G))  # column s = (V_s L_ss A_s,-s)'
        VLA = self.VL[:, None] * self.A  # row i scaled
        for s in range(G):
            rows = slice(s * N, (s + 1) * N)
            q = VLA[rows].sum(axis=0)
            q[reg == s] = 0.0
            Q[:, s] = q
        W = self.solve(Q, transpose=True).T  # (G, n)
        return W[reg, np.arange(n)]

    @cached_property
    def LY(self) -> np.ndarray:
        """(n, G, G) tensor ``T[:, t, u] = Lg[:, t-block] Y_tu``: output of each node for
        final goods made in t and absorbed in u."""
        G, N = self.G, self.N
        T = np.empty((self.n, G, G))
        Lg = self.Lg
        Yb = self.blk(self.Yc)  # (G, N, G)
        for t in range(G):
            T[:, t, :] = Lg[:, t * N:(t + 1) * N] @ Yb[t]
        return T

    # --------------------------------------------------------------- output
    def attrs(self, metric: str, method: str, **extra: Any) -> dict[str, Any]:
        z = self.zero_output_traders
        if len(z) and "zero_output_note" not in extra:
            extra["zero_output_note"] = (
                f"{len(z)} zero-output node(s) with offsetting flows ({', '.join(map(str, list(z)[:5]))}): "
                "their exports are booked as domestic value added (value-added coefficient 1 - 1'A = 1)")
        return self.table.attrs(metric, method=method, **extra)


def aggregate_terms(m: MRIO, terms: np.ndarray, names: list[str], level: str, func: str) -> pd.DataFrame:
    """Aggregate a (G, N, G, k) array of exporter (s, i) -> importer r terms to *level*.

    The own-country slice (s == r) must already be 0.
    """
    check_choice(level, "level", func, LEVELS)
    G, N = m.G, m.N
    if level == "country":
        arr = terms.sum(axis=(1, 2))
        idx: pd.Index = pd.Index(m.regions, name="exporter")
    elif level == "sector":
        arr = terms.sum(axis=2).reshape(G * N, -1)
        idx = pd.MultiIndex.from_product([m.regions, m.sectors], names=["exporter", "sector"])
    elif level == "bilateral":
        arr = terms.sum(axis=1).reshape(G * G, -1)
        idx = pd.MultiIndex.from_product([m.regions, m.regions], names=["exporter", "importer"])
        keep = ~np.eye(G, dtype=bool).ravel()
        arr, idx = arr[keep], idx[keep]
    else:
        arr = terms.reshape(G * N * G, -1)
        idx = pd.MultiIndex.from_product([m.regions, m.sectors, m.regions],
                                         names=["exporter", "sector", "importer"])
        keep = np.tile(~np.eye(G, dtype=bool)[:, None, :], (1, N, 1)).ravel()
        arr, idx = arr[keep], idx[keep]
    return pd.DataFrame(arr, index=idx, columns=names)
