"""Economic complexity and relatedness on a location x activity matrix.

From export values (a :class:`~valuechain.TradeTable` or any location x activity
value matrix such as regional employment) this module computes, in one pass of
dense matrix products:

* Balassa's revealed comparative advantage ``RCA_cp = (X_cp / X_c) / (X_p / X)``
  (or per-capita ``RpcA``), and the presence matrix ``M_cp = 1[RCA_cp >= threshold]``;
* diversity ``k_c = Σ_p M_cp`` and ubiquity ``k_p = Σ_c M_cp``;
* the Economic and Product Complexity Indices (Hidalgo & Hausmann 2009) by the
  eigenvector of the second-largest eigenvalue of
  ``M̃_pp' = Σ_c M_cp M_cp' / (k_c k_p)`` or by the method of reflections;
* fitness and product complexity (Tacchella et al. 2012);
* proximity ``φ_pp' = Σ_c M_cp M_cp' / max(k_p, k_p')`` (Hidalgo et al. 2007);
* density ``ω_cp = Σ_p' M_cp' φ_pp' / Σ_p' φ_pp'`` and distance ``1 - ω_cp``;
* complexity outlook index COI and complexity outlook gain COG;
* the product space graph (maximum spanning tree plus the strongest links).

Conventions follow the Atlas of Economic Complexity as implemented in the
``ecomplexity`` package (py-ecomplexity, itself checked against the Stata
command), which our tests use as the oracle:

* the raw PCI vector is the unit-norm eigenvector; the raw ECI is
  ``k_c = Σ_p M_cp PCI_p / k_c``; both are signed so that ECI correlates
  positively with diversity;
* ``ECI = (k_c - mean(k_c)) / sd(k_c)`` and PCI is put on the same scale,
  ``PCI = (PCI_raw - mean(k_c)) / sd(k_c)`` (population standard deviations);
* COI is computed from the raw PCI and then z-scored; COG is computed from the
  raw PCI and divided by ``sd(k_c)``.

Zero rows and columns: locations with zero total value and activities nobody
produces carry no information (their RCA is 0/0); they are dropped before the
computation and listed in :attr:`Complexity.dropped`, as are locations with zero
diversity and activities with zero ubiquity at the chosen threshold (RCA is then
computed with them, everything else without them; py-ecomplexity returns NaN for
every ECI in that case).  Missing values (NaN: suppressed cells such as BEA's "(D)")
stay missing: they are left out of the totals, count as not present in ``M`` (a
suppressed cell reveals no advantage) and their RCA is NaN in :attr:`Complexity.rca`;
``attrs["suppressed_cells"]`` counts them.  Negative or infinite values are refused.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .._validation import check_choice, check_int, check_number, fmt_labels
from ..errors import ConvergenceError, LabelError, ParameterError, TableError

__all__ = [
    "Complexity",
    "complexity",
    "rca",
    "product_space",
    "value_matrix",
]

LOC = "location"
ACT = "activity"


# ----------------------------------------------------------------- input handling
def value_matrix(exports: Any, *, year: int | None = None, func: str = "complexity") -> pd.DataFrame:
    """A location x activity value matrix (float, NaN read as 0) from the accepted inputs.

    Accepted: a wide DataFrame (locations as rows, activities as columns); a Series
    with a two-level (location, activity) MultiIndex; a long DataFrame with exactly
    three columns (location, activity, value); or a TradeTable (anything with a
    ``matrix`` method), read with ``matrix("exporter", "product", year=year)``.

    Examples
    --------
    >>> s = pd.Series([1.0, 2.0, 3.0], index=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y"), ("b", "x")]))
    >>> from valuechain.clusters.complexity import value_matrix
    >>> value_matrix(s).values.tolist()
    [[1.0, 2.0], [3.0, 0.0]]
    """
    if hasattr(exports, "matrix") and not isinstance(exports, (pd.DataFrame, pd.Series)):
        years = list(getattr(exports, "years", []) or [])
        if year is None and len(years) > 1:
            raise ParameterError(
                f"The 'year' parameter of {func} is required: the trade table holds {len(years)} years "
                f"({fmt_labels(years)})."
            )
        if year is None and len(years) == 1:
            year = years[0]
        mat = exports.matrix("exporter", "product", year=year)
    elif isinstance(exports, pd.Series):
        if not isinstance(exports.index, pd.MultiIndex) or exports.index.nlevels != 2:
            raise LabelError(
                f"{func}: a Series input needs a two-level (location, activity) MultiIndex; "
                f"got {exports.index.nlevels} level(s)."
            )
        s = pd.to_numeric(exports, errors="coerce")
        mat = s.groupby(level=[0, 1], sort=False).sum().unstack(fill_value=0.0)
    elif isinstance(exports, pd.DataFrame):
        mat = exports
        num = mat.select_dtypes(include="number").shape[1]
        if mat.shape[1] == 3 and num == 1 and pd.api.types.is_numeric_dtype(mat.iloc[:, 2]):
            loc, act, val = mat.columns
            mat = mat.pivot_table(index=loc, columns=act, values=val, aggfunc="sum", fill_value=0.0)
        elif num != mat.shape[1]:
            bad = [c for c in mat.columns if not pd.api.types.is_numeric_dtype(mat[c])]
            raise TableError(
                f"{func}: the location x activity matrix must be numeric; non-numeric column(s) "
                f"{fmt_labels(bad)}. Give locations as the index (or a long frame with 3 columns)."
            )
    else:
        raise ParameterError(
            f"The 'exports' parameter of {func} must be a DataFrame, a (location, activity) Series or a "
            f"TradeTable. Got {type(exports).__name__} instead."
        )
    mat = mat.astype(float)
    for what, idx in (("locations", mat.index), ("activities", mat.columns)):
        dup = idx[idx.duplicated()]
        if len(dup):
            raise LabelError(f"{func}: duplicated {what}: {fmt_labels(dup.unique())}.")
    arr = mat.to_numpy()
    if np.isinf(arr).any() or (arr < 0).any():
        bad = np.argwhere(np.isinf(arr) | (arr < 0))[0]
        raise TableError(
            f"{func}: values must be finite and non-negative; found {arr[bad[0], bad[1]]!r} for location "
            f"{mat.index[bad[0]]!r}, activity {mat.columns[bad[1]]!r}."
        )
    n_nan = int(np.isnan(arr).sum())
    if n_nan:
        nan_mask = np.isnan(arr)
        mat = mat.fillna(0.0)
        mat.attrs["suppressed_mask"] = nan_mask
    mat.index = mat.index.rename(LOC)
    mat.columns = mat.columns.rename(ACT)
    return mat


def _rca(X: np.ndarray) -> np.ndarray:
    """Balassa RCA of a matrix without zero rows or columns."""
    row = X.sum(axis=1)
    col = X.sum(axis=0)
    return (X / row[:, None]) * (col.sum() / col)[None, :]


def rca(exports: Any, *, year: int | None = None) -> pd.DataFrame:
    """Balassa's revealed comparative advantage ``RCA_cp = (X_cp/X_c) / (X_p/X)``.

    Rows (locations) or columns (activities) with zero total get RCA 0.

    Returns
    -------
    DataFrame location x activity.

    Examples
    --------
    >>> X = pd.DataFrame([[10.0, 0.0], [5.0, 5.0]], index=["a", "b"], columns=["x", "y"])
    >>> vc.clusters.rca(X).round(3).values.tolist()
    [[1.333, 0.0], [0.667, 2.0]]
    """
    mat = value_matrix(exports, year=year, func="rca")
    mat.attrs.pop("suppressed_mask", None)
    X = mat.to_numpy()
    row = X.sum(axis=1)
    col = X.sum(axis=0)
    tot = X.sum()
    num = np.zeros_like(X)
    np.divide(X, row[:, None], out=num, where=row[:, None] > 0)
    share = np.zeros_like(col)
    np.divide(col, tot if tot > 0 else 1.0, out=share)
    out = np.zeros_like(X)
    np.divide(num, share[None, :], out=out, where=share[None, :] > 0)
    df = pd.DataFrame(out, index=mat.index, columns=mat.columns)
    df.attrs = {"metric": "rca", "unit": "ratio", "year": year, "method": "balassa"}
    return df


# ----------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class Complexity:
    """Result of :func:`complexity`.

    Attributes
    ----------
    locations : DataFrame
        Index ``location``; columns ``value`` (total), ``diversity``, ``eci``, ``coi``, ``fitness``.
    activities : DataFrame
        Index ``activity``; columns ``value`` (total), ``ubiquity``, ``pci``, ``fc_complexity``.
    rca, mcp, density, cog : DataFrame
        Location x activity matrices (``rca`` holds RpcA when ``presence="rpop"``).
    proximity : DataFrame
        Activity x activity proximity ``φ``.
    dropped : dict
        ``{"locations": Index, "activities": Index}`` left out for zero totals.
    attrs : dict
        Metadata (metric, method, presence, threshold, proximity, year, source).
    """

    locations: pd.DataFrame
    activities: pd.DataFrame
    rca: pd.DataFrame
    mcp: pd.DataFrame
    density: pd.DataFrame
    cog: pd.DataFrame
    proximity: pd.DataFrame
    dropped: Mapping[str, pd.Index] = field(default_factory=dict)
    attrs: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def pairs(self) -> pd.DataFrame:
        """Long table indexed by (location, activity): rca, mcp, density, distance, cog."""
        idx = pd.MultiIndex.from_product([self.rca.index, self.rca.columns], names=[LOC, ACT])
        dens = self.density.to_numpy().ravel()
        df = pd.DataFrame(
            {
                "rca": self.rca.to_numpy().ravel(),
                "mcp": self.mcp.to_numpy().ravel(),
                "density": dens,
                "distance": 1.0 - dens,
                "cog": self.cog.to_numpy().ravel(),
            },
            index=idx,
            copy=False,
        )
        df.attrs = dict(self.attrs, metric="complexity_pairs")
        return df

    @property
    def distance(self) -> pd.DataFrame:
        """Distance ``1 - density`` (location x activity)."""
        return 1.0 - self.density

    def product_space(self, *, min_proximity: float = 0.55) -> pd.DataFrame:
        """The product-space edge list; see :func:`product_space`."""
        return product_space(self.proximity, min_proximity=min_proximity)

    def adjacent_possible(self, location: Any, *, top: int | None = 20,
                          weights: tuple[float, float, float] = (0.5, 0.25, 0.25), split: str = "mean") -> pd.DataFrame:
        """Ranked candidate activities of *location*; see :func:`valuechain.clusters.adjacent_possible`."""
        from ._adjacent import check_options, rank

        top, w = check_options(top, weights, split, "adjacent_possible")
        return rank(self, location, top, w, split, "adjacent_possible")

    def __repr__(self) -> str:
        return (
            f"Complexity({len(self.locations)} locations x {len(self.activities)} activities, "
            f"method={self.attrs.get('method')!r}, presence={self.attrs.get('presence')!r})"
        )


# -------------------------------------------------------------------- algebra
def _second_eigenvector(M: np.ndarray, kc: np.ndarray, kp: np.ndarray) -> np.ndarray:
    """Unit-norm eigenvector of ``diag(1/kp) M' diag(1/kc) M`` for its second-largest eigenvalue.

    The matrix is similar to the symmetric PSD ``S = A'A`` with
    ``A = diag(kc^-1/2) M diag(kp^-1/2)``; the non-zero spectrum of ``A'A`` is that of
    ``AA'``, so the smaller of the two Gram matrices is decomposed with ``eigh``.
    """
    A = M * (1.0 / np.sqrt(kc))[:, None] * (1.0 / np.sqrt(kp))[None, :]
    n_c, n_p = A.shape
    _check_spectrum(_spectrum(M, kc, kp))
    _check_like_reflections(M, kc, kp)
    if n_c < n_p:
        w, U = np.linalg.eigh(A @ A.T)
        lam, u = w[-2], U[:, -2]
        if lam <= 0:
            raise ConvergenceError("ECI is undefined: the presence matrix has rank 1 (all locations alike).")
        v = (A.T @ u) / np.sqrt(lam)
    else:
        w, V = np.linalg.eigh(A.T @ A)
        v = V[:, -2]
        if w[-2] <= 0:
            raise ConvergenceError("ECI is undefined: the presence matrix has rank 1 (all locations alike).")
    vec = v / np.sqrt(kp)
    return vec / np.linalg.norm(vec)


def _spectrum(M: np.ndarray, kc: np.ndarray, kp: np.ndarray) -> np.ndarray:
    """Eigenvalues of ``M̃`` in decreasing order (from the smaller Gram matrix)."""
    A = M * (1.0 / np.sqrt(kc))[:, None] * (1.0 / np.sqrt(kp))[None, :]
    G = A @ A.T if A.shape[0] <= A.shape[1] else A.T @ A
    return np.linalg.eigvalsh(G)[::-1]


def _check_spectrum(w: np.ndarray) -> None:
    tol = 1e-9 * max(float(w[0]), 1e-300)
    if len(w) < 2 or w[1] <= tol:
        raise ConvergenceError("ECI is undefined: the presence matrix has rank 1 (all locations alike).")



def _check_like_reflections(M: np.ndarray, kc: np.ndarray, kp: np.ndarray) -> None:
    """Raise where the method of reflections raises: its first step is constant (all locations alike)."""
    c = (M / kc[:, None]) @ kp
    p = (M / kp[None, :]).T @ kc
    for v in (c, p):
        if np.ptp(v) <= 1e-12 * max(float(np.abs(v).max()), 1e-300):
            raise ConvergenceError("ECI is undefined: the complexity vector is constant (all locations alike).")


def _diagnostics(eci: np.ndarray, kc: np.ndarray, inc: np.ndarray | None, w: np.ndarray,
                 anchor: str) -> dict[str, Any]:
    import warnings

    d: dict[str, Any] = {"corr_eci_diversity": _corr(eci, kc.astype(float))}
    if inc is not None:
        ok = np.isfinite(inc)
        d["corr_eci_log_income"] = _corr(eci[ok], inc[ok]) if ok.sum() > 2 else float("nan")
    lam2 = float(w[1]) if len(w) > 1 else 0.0
    lam3 = float(w[2]) if len(w) > 2 else 0.0
    d["eigenvalues"] = [float(v) for v in w[:4]]
    d["eigen_gap"] = (lam2 - lam3) / lam2 if lam2 > 0 else 0.0
    warn = []
    if abs(d["corr_eci_diversity"]) < 0.1:
        warn.append(f"|corr(ECI, diversity)| = {abs(d['corr_eci_diversity']):.3f} < 0.1: the ranking carries "
                    "little of the diversity signal")
    if "corr_eci_log_income" in d and abs(d["corr_eci_log_income"]) < 0.1:
        warn.append(f"|corr(ECI, log income)| = {abs(d['corr_eci_log_income']):.3f} < 0.1")
    if d["eigen_gap"] < 0.01:
        warn.append(f"eigen-gap (λ2 - λ3) / λ2 = {d['eigen_gap']:.2e} is near zero: the ECI ordering is fragile")
    if len(w) > 1 and float(w[0]) - lam2 <= 1e-9 * float(w[0]):
        warn.append("the first eigenvalue is repeated: the presence matrix falls into disconnected blocks and the "
                    "ECI ordering across blocks is arbitrary")
    d["warnings"] = warn
    d["sign_anchor"] = anchor
    for m in warn:
        warnings.warn(f"complexity: {m}", UserWarning, stacklevel=3)
    return d


_UNITS = {"usd": 1.0, "us$": 1.0, "dollars": 1.0, "usd thousand": 1e3, "kusd": 1e3, "thousand usd": 1e3,
          "usd thousands": 1e3, "1000 usd": 1e3, "usd million": 1e6, "musd": 1e6, "million usd": 1e6,
          "usd millions": 1e6, "usd billion": 1e9, "busd": 1e9, "billion usd": 1e9}


@functools.lru_cache(maxsize=1)
def country_population() -> pd.Series:
    """The shipped country population table (persons by upper-case ISO3 code; NaN = unknown).

    Source: the countryinfo package 1.0.1 (MIT), c. 2013-2015 estimates; old codes (ROM,
    ZAR, TMP, SCG, YUG) as aliases.  See ``valuechain/datasets/data/country_population.csv``.

    Examples
    --------
    >>> from valuechain.clusters.complexity import country_population
    >>> bool(country_population()["JPN"] > 1e8), bool(country_population()["SGS"] < 1e3)
    (True, True)
    """
    from importlib import resources

    with resources.files("valuechain.datasets").joinpath("data", "country_population.csv").open(
            "r", encoding="utf-8") as f:
        df = pd.read_csv(f, comment="#", keep_default_na=False, na_values=[""])
    return pd.Series(df["population"].astype(float).to_numpy(), index=df["iso3"].str.upper(), name="population")


def _unit_factor(unit: Any) -> float | None:
    if unit is None:
        return None
    return _UNITS.get(" ".join(str(unit).replace("_", " ").split()).lower())


def _apply_filters(mat: pd.DataFrame, exports: Any, func: str, *, filters: Any, unit: str | None,
                   population: Any, min_population: float, min_exports: float, exclude: Any,
                   min_product_share: float, traded_only: Any, manual: bool) -> tuple[pd.DataFrame, list[dict]]:
    from .traded import traded_mask

    applied: list[dict[str, Any]] = []
    if not manual and traded_only is not False:
        mask, note = traded_mask(mat.columns, traded_only, func)
        if not mask.all():
            applied.append({"rule": note, "dropped_activities": [str(c) for c in mat.columns[~mask]]})
            mat = mat.loc[:, mask]
    if filters is True:
        filters = "atlas"
    elif filters is False or filters is None:
        filters = "none"
    check_choice(filters, "filters", func, ("auto", "atlas", "none"))
    if filters == "none" or manual:
        return mat, applied
    table = country_population()
    codes = pd.Index([str(c).upper() for c in mat.index])
    is_country = codes.isin(table.index).mean() >= 0.8
    if filters == "auto" and not is_country:
        applied.append({"rule": "Atlas country filters not applied (locations are not ISO3 country codes)"})
        return mat, applied
    min_population = check_number(min_population, "min_population", func, low=0)
    min_exports = check_number(min_exports, "min_exports", func, low=0)
    min_product_share = check_number(min_product_share, "min_product_share", func, low=0, high=1)
    # population
    if population is not None:
        pop = pd.Series(population).astype(float)
        pop.index = pd.Index([str(c).upper() for c in pop.index])
        src = "population given by the caller"
    else:
        pop, src = table, "shipped country_population.csv (countryinfo 1.0.1)"
    pv = pop.reindex(codes).to_numpy()
    unknown = np.isnan(pv)
    small = ~unknown & (pv <= min_population)
    applied.append({"rule": f"population > {min_population:,.0f} ({src}); unknown population dropped",
                    "dropped_locations": [str(c) for c in mat.index[small | unknown]]})
    keep = ~(small | unknown)
    # exports
    u = unit or getattr(getattr(exports, "meta", None), "unit", None) or (getattr(exports, "attrs", {}) or {}).get("unit")
    fac = _unit_factor(u)
    if fac is None:
        applied.append({"rule": f"exports >= USD {min_exports:,.0f}: skipped (unit {u!r} unknown; pass unit='USD', "
                                "'USD thousand'...)", "dropped_locations": []})
    else:
        tot = mat.to_numpy().sum(axis=1) * fac
        low = keep & (tot < min_exports)
        applied.append({"rule": f"exports >= USD {min_exports:,.0f} (unit {u!r})",
                        "dropped_locations": [str(c) for c in mat.index[low]]})
        keep &= ~low
    ex = {str(e).upper() for e in (exclude or ())}
    bad = keep & codes.isin(ex)
    applied.append({"rule": f"Atlas data-quality exclusions {sorted(ex)}", "dropped_locations": [str(c) for c in mat.index[bad]]})
    keep &= ~bad
    mat = mat.loc[keep]
    col = mat.to_numpy().sum(axis=0)
    tiny = col < min_product_share * col.sum()
    applied.append({"rule": f"products with world trade >= {min_product_share:g} of the total",
                    "dropped_activities": [str(c) for c in mat.columns[tiny]]})
    return mat.loc[:, ~tiny], applied


def _reflections(M: np.ndarray, kc: np.ndarray, kp: np.ndarray, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """Method of reflections; every step is z-scored (an exact affine rescaling, kept for stability).

    Returns ``k_c,N`` for the last even N < iterations and ``k_p,N+1``.
    """
    Mc = M / kc[:, None]
    Mp = (M / kp[None, :]).T
    c, p = kc.astype(float), kp.astype(float)
    last_c, last_p = c, p
    for n in range(1, iterations):
        c, p = Mc @ p, Mp @ c
        c = _z(c)
        p = _z(p)
        if n % 2 == 0:
            last_c = c
        else:
            last_p = p
    return last_c, last_p


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation; 0 when either vector is constant (then the sign is left as found)."""
    a = a - a.mean()
    b = b - b.mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else 0.0


def _z(v: np.ndarray) -> np.ndarray:
    sd = v.std()
    if sd == 0:
        raise ConvergenceError("ECI is undefined: the complexity vector is constant (all locations alike).")
    return (v - v.mean()) / sd


def _fitness(M: np.ndarray, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """Fitness-complexity map (Tacchella et al. 2012), both vectors normalised to mean 1 each step."""
    F = np.ones(M.shape[0])
    Q = np.ones(M.shape[1])
    for _ in range(1, iterations):
        F_new = M @ Q
        F_new /= F_new.mean()
        Q_new = 1.0 / (M.T @ (1.0 / F))
        Q_new /= Q_new.mean()
        F, Q = F_new, Q_new
    return F, Q


def _proximity(M: np.ndarray, kp: np.ndarray, kind: str, R: np.ndarray) -> np.ndarray:
    if kind == "continuous":
        return (1.0 + np.corrcoef(R.T)) / 2.0
    # co-occurrence counts are small integers: exact in float32, twice as fast (syrk)
    M32 = M.astype(np.float32)
    C = M32.T @ M32
    del M32
    n = C.shape[0]
    phi = np.empty((n, n))
    step = max(1, 2_000_000 // max(n, 1))
    for i in range(0, n, step):
        b = slice(i, i + step)
        if kind == "discrete":
            np.divide(C[b], np.maximum(kp[b, None], kp[None, :]), out=phi[b])
        else:  # asymmetric: φ_pq = P(M_q = 1 | M_p = 1) = C_pq / k_p
            np.divide(C[b], kp[b, None], out=phi[b])
    return phi


# ------------------------------------------------------------------ main entry
def _to_sectors(mat: pd.DataFrame, sup: pd.DataFrame | None, level: str,
                func: str) -> tuple[pd.DataFrame, pd.DataFrame | None, dict[str, Any] | None]:
    """Sum BEA SAEMP25N lines into NAICS sectors (see ``level`` of :func:`complexity`)."""
    from .traded import bea_sectors

    sec = bea_sectors(mat.columns)
    known = sec.notna().to_numpy()
    if level == "auto" and known.mean() < 0.5:
        return mat, sup, None
    if not known.any():
        raise ParameterError(f"The 'level' parameter of {func} is 'sector' but no activity is a BEA SAEMP25N line.")
    groups = sec.where(sec.notna(), pd.Series(mat.columns.astype(str), index=sec.index)).to_numpy()
    if sup is not None:
        sup = sup.reindex(index=mat.index, columns=mat.columns, fill_value=False)
    agg = mat.T.groupby(groups, sort=False).sum().T
    agg.attrs = mat.attrs
    agg_sup = None if sup is None else sup.T.groupby(groups, sort=False).any().T.reindex(columns=agg.columns)
    members = {str(g): [str(c) for c in mat.columns[groups == g]] for g in agg.columns}
    note = {"rule": (f"BEA SAEMP25N lines summed into {agg.shape[1]} NAICS sectors (level={level!r}: the lines split "
                     "manufacturing far finer than services, so line-level diversity would count manufacturing "
                     "lines; suppressed lines count as 0, a lower bound)"),
            "sectors": members}
    return agg, agg_sup, note


def complexity(
    exports: Any,
    *,
    year: int | None = None,
    presence: str = "rca",
    threshold: float = 1.0,
    population: pd.Series | None = None,
    method: str = "eigenvector",
    proximity: str | pd.DataFrame = "discrete",
    iterations: int = 20,
    fitness_iterations: int = 20,
    filters: Any = "auto",
    unit: str | None = None,
    min_population: float = 1.2e6,
    min_exports: float = 1e9,
    exclude: Any = ("IRQ", "MAC", "TCD"),
    min_product_share: float = 1e-6,
    income: pd.Series | None = None,
    sign: str = "auto",
    traded_only: Any = True,
    level: str = "auto",
) -> Complexity:
    """Economic complexity, relatedness and outlook of every location and activity.

    ``M_cp = 1[RCA_cp >= threshold]``; ECI/PCI from the second eigenvector of
    ``M̃ = diag(1/k_p) M' diag(1/k_c) M`` (or reflections); proximity
    ``φ = M'M / max(k_p, k_p')``; density ``ω = M φ' / (φ 1)``;
    ``COI_c = Σ_p ω_cp (1 - M_cp) PCI_p`` (z-scored);
    ``COG_cp = (1 - M_cp) Σ_p' (1 - M_cp') φ_p'p PCI_p' / Σ_p'' φ_p'p''`` (÷ sd of raw ECI).

    Parameters
    ----------
    exports : DataFrame, Series or TradeTable
        Location x activity values (exports, employment...), see :func:`value_matrix`.
    year : int, optional
        Year to take from a multi-year TradeTable.
    presence : {"rca", "rpop", "manual"}, default "rca"
        ``rca``: Balassa RCA; ``rpop``: per-capita RpcA ``(X_cp / pop_c) / (X_p / Σ pop)``
        (needs *population*); ``manual``: *exports* already is the 0/1 presence matrix.
    threshold : float, default 1.0
        RCA (or RpcA) at or above which an activity is present.
    population : Series, optional
        Population by location, for ``presence="rpop"``.
    method : {"eigenvector", "reflections"}, default "eigenvector"
        How ECI/PCI are computed.  Reflections report ``k_c,N`` (last even N) and
        ``k_p,N+1``, z-scored, with ``N < iterations``.
    proximity : {"discrete", "asymmetric", "continuous"} or DataFrame, default "discrete"
        Co-occurrence proximity (symmetric minimum of conditional probabilities), its
        asymmetric form ``P(M_q | M_p)``, the RCA correlation ``(1 + corr) / 2`` (density
        then weights RCA instead of M), or a user-supplied activity x activity
        relatedness (e.g. IO or skill relatedness; NaN read as 0, diagonal as 1).
    iterations : int, default 20
        Number of reflections.
    fitness_iterations : int, default 20
        Iterations of the fitness-complexity map.
    filters : {"auto", "atlas", "none"} or bool, default "auto"
        The Atlas of Economic Complexity sample rules (METHODS.md §16): keep countries with
        population above *min_population* (the shipped table
        ``valuechain/datasets/data/country_population.csv`` unless *population* is given;
        countries of unknown population are dropped), exports at least *min_exports* USD
        (the value averaged over the years of the input; applied only when the unit is
        known: *unit* or the trade table's ``meta.unit``/``attrs["unit"]``; otherwise the
        result says it was skipped), not in *exclude*; and products whose world trade is
        at least *min_product_share* of the total.  ``"auto"`` applies them when most
        locations are ISO 3166 alpha-3 country codes (country data), never to regions.
        What was applied and dropped is in ``attrs["filters"]``.
    unit : str, optional
        Unit of the values: ``"USD"``, ``"USD thousand"`` / ``"kUSD"``, ``"USD million"`` / ``"MUSD"``,
        ``"USD billion"``.
    min_population, min_exports : float, default 1.2e6 and 1e9
        Atlas thresholds (persons, USD per year).
    exclude : collection, default ("IRQ", "MAC", "TCD")
        The Atlas data-quality exclusions (Iraq, Macao, Chad).
    min_product_share : float, default 1e-6
        Products below this share of world trade are dropped (one part in a million).
    income : Series, optional
        Income (GDP per capita, per job) by location: ``attrs["diagnostics"]`` then holds
        corr(ECI, log income), and with ``sign="auto"`` the ECI sign is set so that this
        correlation is positive (for regional employment, where diversity can mislead).
    sign : {"auto", "diversity", "income"}, default "auto"
        What the ECI sign is anchored on: ``auto`` = income when given, else diversity.
    traded_only : bool or collection, default True
        For regional employment: keep only traded industries (see
        :mod:`valuechain.clusters.traded`); not applied when no activity is classified
        (trade products).
    level : {"auto", "as_given", "sector"}, default "auto"
        Granularity of the activities.  ``sector`` sums BEA SAEMP25N detailed lines into
        their NAICS sectors (:func:`valuechain.clusters.traded.bea_sectors`) before the
        presence matrix is built; ``auto`` does so when most activities are SAEMP25N lines,
        ``as_given`` never.  Why: SAEMP25N splits manufacturing into 19 lines but most traded
        services into one to five, so at line level a state's diversity counts its
        manufacturing lines and the ECI becomes a manufacturing-versus-services axis
        (2018: corr(ECI, log GDP per job) -0.57 with the diversity sign); at sector level
        the activities have comparable breadth (+0.64).  A suppressed line counts as 0 in
        its sector's sum (a lower bound) and the sector cell is flagged suppressed.  What
        was applied is in ``attrs["filters"]``.

    Returns
    -------
    Complexity
        With ``.locations`` (diversity, eci, coi, fitness), ``.activities`` (ubiquity,
        pci, fc_complexity), ``.pairs`` (rca, mcp, density, distance, cog), ``.proximity``.

    Raises
    ------
    ParameterError
        Bad option.  ``TableError``/``LabelError``: bad values or labels.
    ConvergenceError
        ECI undefined (all locations alike, or a degenerate spectrum: the second eigenvalue
        is zero, repeated, or equal to the first, i.e. disconnected blocks) — for both methods.

    Examples
    --------
    >>> M = pd.DataFrame([[1, 1, 1, 1, 0], [1, 1, 1, 0, 0], [1, 1, 0, 0, 1], [1, 0, 0, 0, 1]],
    ...                  index=list("ABCD"), columns=list("vwxyz"))
    >>> r = vc.clusters.complexity(M, presence="manual")
    >>> r.locations[["diversity", "eci"]].round(3).values.tolist()
    [[4.0, 1.15], [3.0, 0.775], [3.0, -0.63], [2.0, -1.296]]
    >>> r.activities["pci"].round(3).tolist()
    [-0.242, 0.703, 1.865, 2.275, -2.35]

    References
    ----------
    Hidalgo & Hausmann (2009) PNAS 106(26):10570; Hidalgo, Klinger, Barabási & Hausmann
    (2007) Science 317:482; Hausmann, Hidalgo et al. (2014) *The Atlas of Economic
    Complexity*; Tacchella et al. (2012) Sci. Rep. 2:723.
    """
    func = "complexity"
    check_choice(presence, "presence", func, ("rca", "rpop", "manual"))
    check_choice(method, "method", func, ("eigenvector", "reflections"))
    threshold = check_number(threshold, "threshold", func, low=0, closed="neither")
    iterations = check_int(iterations, "iterations", func, low=2)
    fitness_iterations = check_int(fitness_iterations, "fitness_iterations", func, low=2)
    custom_prox: pd.DataFrame | None = None
    if isinstance(proximity, pd.DataFrame):
        custom_prox, prox_kind = proximity, "custom"
    else:
        prox_kind = check_choice(proximity, "proximity", func, ("discrete", "asymmetric", "continuous"))

    check_choice(sign, "sign", func, ("auto", "diversity", "income"))
    mat = value_matrix(exports, year=year, func=func)
    sup_mask = mat.attrs.pop("suppressed_mask", None)
    if sup_mask is not None:
        sup_df = pd.DataFrame(sup_mask, index=mat.index, columns=mat.columns)
    mat, filt = _apply_filters(mat, exports, func, filters=filters, unit=unit, population=population,
                               min_population=min_population, min_exports=min_exports, exclude=exclude,
                               min_product_share=min_product_share, traded_only=traded_only,
                               manual=presence == "manual")
    check_choice(level, "level", func, ("auto", "as_given", "sector"))
    if level != "as_given" and presence != "manual":
        mat, sup_df, note = _to_sectors(mat, sup_df if sup_mask is not None else None, level, func)
        if note:
            filt.append(note)
            sup_mask = None if sup_df is None else sup_df.to_numpy()
    X = mat.to_numpy()
    keep_r = X.sum(axis=1) > 0
    keep_c = X.sum(axis=0) > 0
    dropped = {"locations": mat.index[~keep_r], "activities": mat.columns[~keep_c]}
    if not keep_r.all() or not keep_c.all():
        X = X[keep_r][:, keep_c]
    locs, acts = mat.index[keep_r], mat.columns[keep_c]
    if X.shape[0] < 2 or X.shape[1] < 2:
        raise TableError(
            f"{func}: need at least 2 locations and 2 activities with positive totals; got {X.shape[0]} x {X.shape[1]}."
        )

    # presence ------------------------------------------------------------
    if presence == "manual":
        R = X
        M = X
        if not np.isin(M, (0.0, 1.0)).all():
            raise TableError(f"{func}: presence='manual' needs a 0/1 matrix; found other values.")
    elif presence == "rca":
        R = _rca(X)
        M = (R >= threshold).astype(float)
    else:
        if population is None:
            raise ParameterError(f"The 'population' parameter of {func} is required when presence='rpop'.")
        pop = pd.Series(population).astype(float)
        missing = locs.difference(pop.index)
        if len(missing):
            raise LabelError(f"{func}: population is missing for location(s) {fmt_labels(missing)}.")
        pv = pop.reindex(locs).to_numpy()
        if (pv <= 0).any() or not np.isfinite(pv).all():
            raise TableError(f"{func}: population must be positive; check {fmt_labels(locs[~(pv > 0)])}.")
        R = (X / pv[:, None]) / (X.sum(axis=0) / pv.sum())[None, :]
        M = (R >= threshold).astype(float)
    kc = M.sum(axis=1)
    kp = M.sum(axis=0)
    if (kc == 0).any() or (kp == 0).any():
        # no presence anywhere at this threshold: no complexity information either
        kr, kk = kc > 0, kp > 0
        dropped = {"locations": dropped["locations"].append(locs[~kr]),
                   "activities": dropped["activities"].append(acts[~kk])}
        X, R, M = X[kr][:, kk], R[kr][:, kk], M[kr][:, kk]
        locs, acts = locs[kr], acts[kk]
        kc = M.sum(axis=1)
        kp = M.sum(axis=0)
        if (kc == 0).any() or (kp == 0).any() or len(kc) < 2 or len(kp) < 2:
            raise TableError(
                f"{func}: too few locations/activities are present at threshold {threshold:g} "
                f"({int((kc > 0).sum())} x {int((kp > 0).sum())}); lower the threshold."
            )

    # ECI / PCI ------------------------------------------------------------
    Mc = M / kc[:, None]
    inc = None
    if income is not None:
        inc_s = pd.Series(income).astype(float).reindex(locs)
        inc = np.log(inc_s.where(inc_s > 0).to_numpy())
    anchor = "income" if (sign == "income" or (sign == "auto" and inc is not None)) else "diversity"
    if anchor == "income" and inc is None:
        raise ParameterError(f"The 'income' parameter of {func} is required when sign='income'.")

    def flip(v: np.ndarray) -> bool:
        if anchor == "income":
            ok = np.isfinite(inc)
            return _corr(inc[ok], v[ok]) < 0
        return _corr(kc, v) < 0

    spectrum = _spectrum(M, kc, kp)
    if method == "eigenvector":
        kp_raw = _second_eigenvector(M, kc, kp)
        kc_raw = Mc @ kp_raw
        if flip(kc_raw):
            kp_raw, kc_raw = -kp_raw, -kc_raw
    else:
        kc_raw, kp_raw = _reflections(M, kc, kp, iterations)
        f = flip(kc_raw)
        if f:
            kc_raw = -kc_raw
        if _corr((M / kp[None, :]).T @ kc_raw, kp_raw) < 0:
            kp_raw = -kp_raw
    mu, sd = kc_raw.mean(), kc_raw.std()
    if sd == 0:
        raise ConvergenceError(f"{func}: ECI is undefined (all locations have the same complexity).")
    eci = (kc_raw - mu) / sd
    pci = (kp_raw - mu) / sd if method == "eigenvector" else kp_raw

    fit, qual = _fitness(M, fitness_iterations)

    # proximity, density, COI, COG ----------------------------------------
    if custom_prox is not None:
        missing = acts.difference(custom_prox.index).union(acts.difference(custom_prox.columns))
        if len(missing):
            raise LabelError(f"{func}: the proximity matrix has no row/column for {fmt_labels(missing)}.")
        phi = custom_prox.reindex(index=acts, columns=acts).to_numpy(dtype=float, copy=True)
        diag = np.diag(phi).copy()
        diag[np.isnan(diag)] = 1.0
        np.fill_diagonal(phi, diag)
        phi[np.isnan(phi)] = 0.0
        if (phi < 0).any():
            raise TableError(f"{func}: the proximity matrix has negative entries.")
    else:
        phi = _proximity(M, kp, prox_kind, R)
    rowsum = phi.sum(axis=1)
    rs = np.where(rowsum > 0, rowsum, 1.0)
    W = R if prox_kind == "continuous" else M
    w = kp_raw / rs
    n_loc = W.shape[0]
    if prox_kind in ("discrete", "continuous"):  # φ symmetric: one product for density and COG
        both = np.vstack([W, M * w[None, :]]) @ phi
        dens_num, mw_phi = both[:n_loc], both[n_loc:]
        del both
    else:
        dens_num, mw_phi = W @ phi.T, (M * w[None, :]) @ phi
    density = dens_num / rs[None, :]
    notM = 1.0 - M
    coi_raw = (density * notM) @ kp_raw
    cog_raw = notM * ((w @ phi)[None, :] - mw_phi)
    cog = cog_raw / sd + 0.0  # + 0.0 turns the -0.0 of present cells into 0.0
    coi_sd = coi_raw.std()
    coi = (coi_raw - coi_raw.mean()) / coi_sd if coi_sd > 0 else np.zeros_like(coi_raw)

    attrs = {
        "metric": "complexity",
        "method": method,
        "presence": presence,
        "threshold": threshold,
        "proximity": prox_kind,
        "year": year,
        "source": getattr(getattr(exports, "meta", None), "source", ""),
        "filters": filt,
        "suppressed_cells": 0 if sup_mask is None else int(sup_df.reindex(index=locs, columns=acts).to_numpy().sum()),
        "sign": anchor,
        "diagnostics": _diagnostics(eci, kc, inc, spectrum, anchor),
    }
    locations = pd.DataFrame(
        {"value": X.sum(axis=1), "diversity": kc.astype(np.int64), "eci": eci, "coi": coi, "fitness": fit},
        index=locs,
    )
    activities = pd.DataFrame(
        {"value": X.sum(axis=0), "ubiquity": kp.astype(np.int64), "pci": pci, "fc_complexity": qual},
        index=acts,
    )
    locations.attrs = dict(attrs, metric="complexity_locations")
    activities.attrs = dict(attrs, metric="complexity_activities")

    def frame(a: np.ndarray, metric: str) -> pd.DataFrame:
        df = pd.DataFrame(a, index=locs, columns=acts, copy=False)
        df.attrs = dict(attrs, metric=metric)
        return df

    prox_df = pd.DataFrame(phi, index=acts, columns=acts, copy=False)
    prox_df.attrs = dict(attrs, metric="proximity")
    return Complexity(
        locations=locations,
        activities=activities,
        rca=frame(R if sup_mask is None else np.where(sup_df.reindex(index=locs, columns=acts).to_numpy(), np.nan, R),
                  "rpca" if presence == "rpop" else "rca"),
        mcp=frame(M, "mcp"),
        density=frame(density, "density"),
        cog=frame(cog, "cog"),
        proximity=prox_df,
        dropped=dropped,
        attrs=attrs,
    )


# ---------------------------------------------------------------- product space
def product_space(proximity: pd.DataFrame | Complexity, *, min_proximity: float = 0.55) -> pd.DataFrame:
    """The product space: maximum spanning tree of the proximity network plus strong links.

    Hidalgo et al. (2007) draw the maximum spanning tree (so the network is connected)
    and add every link with ``φ >= 0.55``.

    Parameters
    ----------
    proximity : DataFrame or Complexity
        Symmetric activity x activity proximity.
    min_proximity : float, default 0.55
        Extra links at or above this proximity are kept.

    Returns
    -------
    DataFrame with columns ``source``, ``target``, ``proximity``, ``in_tree`` (one row per
    undirected link, sorted by decreasing proximity).

    Examples
    --------
    >>> P = pd.DataFrame([[1, .9, .2], [.9, 1, .6], [.2, .6, 1]], index=list("abc"), columns=list("abc"))
    >>> vc.clusters.product_space(P).values.tolist()
    [['a', 'b', 0.9, True], ['b', 'c', 0.6, True]]
    """
    from scipy.sparse.csgraph import minimum_spanning_tree

    if isinstance(proximity, Complexity):
        proximity = proximity.proximity
    if not isinstance(proximity, pd.DataFrame):
        raise ParameterError("The 'proximity' parameter of product_space must be a proximity DataFrame or a "
                             f"Complexity result. Got {type(proximity).__name__} instead.")
    min_proximity = check_number(min_proximity, "min_proximity", "product_space", low=0)
    P = proximity.to_numpy(dtype=float)
    if P.shape[0] != P.shape[1]:
        raise TableError(f"product_space: the proximity matrix must be square; got {P.shape}.")
    S = np.maximum(P, P.T)
    np.fill_diagonal(S, 0.0)
    # maximum spanning tree = minimum spanning tree of (2 - φ) on the existing links
    D = np.where(S > 0, 2.0 - S, 0.0)
    T = minimum_spanning_tree(D).tocoo()
    tree = set(zip(np.minimum(T.row, T.col).tolist(), np.maximum(T.row, T.col).tolist()))
    iu, ju = np.nonzero(np.triu(S >= min_proximity, k=1) & (np.triu(S, k=1) > 0))
    pairs = tree | set(zip(iu.tolist(), ju.tolist()))
    if not pairs:
        return pd.DataFrame(columns=["source", "target", "proximity", "in_tree"])
    i = np.array([p[0] for p in pairs])
    j = np.array([p[1] for p in pairs])
    labels = proximity.index
    df = pd.DataFrame(
        {
            "source": labels[i],
            "target": labels[j],
            "proximity": S[i, j],
            "in_tree": [(a, b) in tree for a, b in zip(i.tolist(), j.tolist())],
        }
    )
    df = df.sort_values(["proximity", "source", "target"], ascending=[False, True, True], ignore_index=True)
    df.attrs = {"metric": "product_space", "min_proximity": min_proximity}
    return df
