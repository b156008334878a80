"""Clusters of related industries (Delgado, Porter & Stern 2016 style).

Industry relatedness is built from up to three linkage types and clustered:

* **input-output links** — ``IO_ij = max(input_ij, input_ji, output_ij, output_ji)`` with
  ``input_ij`` the share of *i*'s inputs bought from *j* (``A_ji``) and ``output_ij`` the
  share of *i*'s output sold to *j* (``B_ij``), from an :class:`~valuechain.IOTable`
  (regions are summed by sector first) or a square flow matrix (then normalised by
  intermediate totals);
* **co-location** — the correlation across regions of the industries' regional
  employment (negative correlations count as 0);
* **occupations** — a user-supplied industry x industry similarity (e.g. the cosine of
  occupation vectors), negative values count as 0.

Each component is scaled by its largest off-diagonal value, and the combined
relatedness is their weighted mean.  Clustering is hierarchical (scipy, average
linkage on ``1 - R / max R``; the number of clusters, when not given, is the one with
the best validation scores, then the widest own-versus-other relatedness margin) or Leiden (leidenalg on the weighted relatedness graph).

Validation scores (DPS 2016): **VS-RI**, the share of industries whose mean relatedness
to the other members of their cluster exceeds their mean relatedness to every other
cluster; **VS-CI**, the share of clusters whose mean within-cluster relatedness exceeds
the mean relatedness between their members and outside industries.  Singleton
clusters count as failures in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .._validation import check_choice, check_int, check_number, fmt_labels
from ..errors import LabelError, ParameterError, TableError

__all__ = [
    "RelatedIndustries",
    "related_industries",
    "io_relatedness",
    "colocation_relatedness",
    "validation_scores",
    "adjusted_rand_index",
]


def io_relatedness(table: Any) -> pd.DataFrame:
    """Input-output relatedness ``max(A_ji, A_ij, B_ij, B_ji)`` between industries (diagonal 0).

    Parameters
    ----------
    table : IOTable or DataFrame
        An IOTable (flows summed over regions by sector; shares of gross output) or a
        square supplier x buyer flow matrix (shares of intermediate totals).

    Returns
    -------
    DataFrame industry x industry, symmetric, in [0, 1].

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.clusters.io_relatedness(t).round(3).values.tolist()
    [[0.0, 0.5], [0.5, 0.0]]
    """
    from ..table import IOTable

    if isinstance(table, IOTable):
        Z = table.Z.groupby(level="sector", sort=False).sum()
        Z = Z.T.groupby(level="sector", sort=False).sum().T
        x = table.x.groupby(level="sector", sort=False).sum().reindex(Z.index)
        out_tot = x.to_numpy()
        in_tot = out_tot
        labels = Z.index
    elif isinstance(table, pd.DataFrame):
        Z = table
        if Z.shape[0] != Z.shape[1] or not Z.index.equals(Z.columns):
            raise LabelError("io_relatedness: a flow matrix must be square with the same labels on rows and columns.")
        labels = Z.index
        Z = Z.astype(float)
        out_tot = Z.to_numpy().sum(axis=1)
        in_tot = Z.to_numpy().sum(axis=0)
    else:
        raise ParameterError(
            f"The 'table' parameter of io_relatedness must be an IOTable or a square DataFrame. "
            f"Got {type(table).__name__} instead."
        )
    z = Z.to_numpy(dtype=float)
    if (z < 0).any():
        raise TableError("io_relatedness: negative flows cannot be read as input or output shares.")
    A = np.zeros_like(z)
    np.divide(z, in_tot[None, :], out=A, where=in_tot[None, :] > 0)  # share of buyer j's inputs from i
    B = np.zeros_like(z)
    np.divide(z, out_tot[:, None], out=B, where=out_tot[:, None] > 0)  # share of supplier i's output sold to j
    R = np.maximum(np.maximum(A, A.T), np.maximum(B, B.T))
    np.fill_diagonal(R, 0.0)
    labels = pd.Index(labels, name="industry")
    df = pd.DataFrame(R, index=labels, columns=labels.rename("industry_2"))
    df.attrs = {"metric": "io_relatedness", "unit": "share"}
    return df


def colocation_relatedness(activity: pd.DataFrame, *, value: str = "employment", year: int | None = None) -> pd.DataFrame:
    """Correlation across regions of the industries' regional employment (diagonal 0).

    Examples
    --------
    >>> E = pd.DataFrame({"x": [1, 2, 3], "y": [2, 4, 6], "z": [3, 2, 1]}, index=["a", "b", "c"])
    >>> vc.clusters.related.colocation_relatedness(E).round(3).values.tolist()
    [[0.0, 1.0, -1.0], [1.0, 0.0, -1.0], [-1.0, -1.0, 0.0]]
    """
    from .activity import activity_matrix

    E = activity_matrix(activity, value=value, year=year)
    X = E.to_numpy()
    sd = X.std(axis=0)
    Xc = X - X.mean(axis=0)
    cov = Xc.T @ Xc / X.shape[0]
    denom = np.outer(sd, sd)
    R = np.zeros_like(cov)
    np.divide(cov, denom, out=R, where=denom > 0)
    np.fill_diagonal(R, 0.0)
    labels = pd.Index(E.columns, name="industry")
    df = pd.DataFrame(R, index=labels, columns=labels.rename("industry_2"))
    df.attrs = {"metric": "colocation_relatedness", "unit": "correlation", "year": E.attrs.get("year")}
    return df


def _scaled(R: np.ndarray) -> np.ndarray:
    R = np.clip(R, 0.0, None)
    np.fill_diagonal(R, 0.0)
    m = R.max()
    return R / m if m > 0 else R


def _member_matrix(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniq, inv = np.unique(labels, return_inverse=True)
    H = np.zeros((len(labels), len(uniq)))
    H[np.arange(len(labels)), inv] = 1.0
    return H, inv


def _industry_fit(R: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(own mean relatedness, best other-cluster mean, index of that cluster) per industry."""
    H, inv = _member_matrix(labels)
    S = R @ H  # sum of relatedness of i to each cluster (diagonal of R is 0)
    counts = H.sum(axis=0)
    n_to = counts[None, :] - H  # members of each cluster other than i
    avg = np.zeros_like(S)
    np.divide(S, n_to, out=avg, where=n_to > 0)
    rows = np.arange(len(labels))
    own = avg[rows, inv]
    other = avg.copy()
    other[rows, inv] = -np.inf
    best = other.argmax(axis=1) if other.shape[1] > 1 else np.zeros(len(labels), dtype=int)
    best_val = other[rows, best] if other.shape[1] > 1 else np.zeros(len(labels))
    own = np.where(n_to[rows, inv] > 0, own, -np.inf)  # singletons fail
    return own, best_val, best


def validation_scores(relatedness: pd.DataFrame | np.ndarray, clusters: pd.Series | np.ndarray) -> dict[str, float]:
    """VS-RI and VS-CI of a partition under a relatedness matrix (diagonal ignored).

    Examples
    --------
    >>> R = np.array([[0, .9, .1, .1], [.9, 0, .1, .1], [.1, .1, 0, .8], [.1, .1, .8, 0]])
    >>> vc.clusters.related.validation_scores(R, np.array([0, 0, 1, 1]))
    {'vs_ri': 1.0, 'vs_ci': 1.0}
    """
    R = np.array(relatedness, dtype=float)
    np.fill_diagonal(R, 0.0)
    labels = np.asarray(clusters)
    own, best, _ = _industry_fit(R, labels)
    vs_ri = float(np.mean(own > best)) if len(labels) else 0.0
    H, inv = _member_matrix(labels)
    within_sum = np.einsum("ik,ij,jk->k", H, R, H)
    size = H.sum(axis=0)
    pairs_in = size * (size - 1)
    row_tot = (R @ np.ones(len(labels))) @ H  # Σ_{i in g} Σ_j R_ij
    out_sum = row_tot - within_sum
    pairs_out = size * (len(labels) - size)
    within = np.zeros_like(size)
    np.divide(within_sum, pairs_in, out=within, where=pairs_in > 0)
    outside = np.zeros_like(size)
    np.divide(out_sum, pairs_out, out=outside, where=pairs_out > 0)
    ok = (pairs_in > 0) & (within > outside)
    return {"vs_ri": vs_ri, "vs_ci": float(ok.mean()) if len(size) else 0.0}


def adjusted_rand_index(a: Any, b: Any) -> float:
    """Adjusted Rand index of two partitions (Hubert & Arabie 1985); 1 = identical, ~0 = chance.

    Examples
    --------
    >>> vc.clusters.adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7])
    1.0
    >>> round(vc.clusters.adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]), 3)
    -0.5
    """
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape or a.ndim != 1:
        raise ParameterError(f"adjusted_rand_index needs two label vectors of equal length; got {a.shape} and {b.shape}.")
    n = len(a)
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    C = np.zeros((ia.max() + 1 if n else 0, ib.max() + 1 if n else 0))
    np.add.at(C, (ia, ib), 1.0)

    def comb2(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2.0).sum())

    index = comb2(C)
    sa, sb = comb2(C.sum(axis=1)), comb2(C.sum(axis=0))
    total = n * (n - 1) / 2.0
    expected = sa * sb / total if total > 0 else 0.0
    maximum = (sa + sb) / 2.0
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


@dataclass(frozen=True, eq=False)
class RelatedIndustries:
    """Result of :func:`related_industries`.

    Attributes
    ----------
    relatedness : DataFrame
        Combined industry x industry relatedness (diagonal 0, max 1).
    components : dict of DataFrame
        The scaled components (``io``, ``colocation``, ``occupation``).
    clusters : Series
        Cluster id (int, 0 = largest) by industry.
    industries : DataFrame
        Per industry: ``cluster``, ``own`` (mean relatedness to its cluster), ``best_other``,
        ``best_other_cluster``, ``fits`` (own > best_other).
    scores : DataFrame
        VS-RI and VS-CI (columns ``vs_ri``, ``vs_ci``) by component and combined.
    """

    relatedness: pd.DataFrame
    components: Mapping[str, pd.DataFrame]
    clusters: pd.Series
    industries: pd.DataFrame
    scores: pd.DataFrame
    attrs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_clusters(self) -> int:
        return int(self.clusters.nunique())

    def __repr__(self) -> str:
        s = self.scores.loc["combined"]
        return (f"RelatedIndustries({len(self.clusters)} industries in {self.n_clusters} clusters, "
                f"VS-RI={s['vs_ri']:.2f}, VS-CI={s['vs_ci']:.2f}, method={self.attrs.get('method')!r})")


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Cluster ids 0..k-1 by decreasing size (ties by first appearance)."""
    uniq, first, inv, counts = np.unique(labels, return_index=True, return_inverse=True, return_counts=True)
    order = sorted(range(len(uniq)), key=lambda k: (-counts[k], first[k]))
    new = np.empty(len(uniq), dtype=np.int64)
    new[order] = np.arange(len(uniq))
    return new[inv]


def _hierarchical(R: np.ndarray, n_clusters: int | None, linkage: str) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster
    from scipy.cluster.hierarchy import linkage as sc_linkage
    from scipy.spatial.distance import squareform

    D = 1.0 - R
    np.fill_diagonal(D, 0.0)
    Zl = sc_linkage(squareform(D, checks=False), method=linkage)
    n = R.shape[0]
    if n_clusters is not None:
        return fcluster(Zl, t=min(n_clusters, n), criterion="maxclust")
    best, best_key = None, None
    for k in range(2, max(3, n // 2 + 1)):
        lab = fcluster(Zl, t=k, criterion="maxclust")
        sc = validation_scores(R, lab)
        own, other, _ = _industry_fit(R, lab)
        margin = float(np.mean(np.where(np.isfinite(own), own, 0.0) - other))
        key = (round((sc["vs_ri"] + sc["vs_ci"]) / 2.0, 9), margin)
        if best_key is None or key > best_key:
            best, best_key = lab, key
    return best


def _leiden(R: np.ndarray, resolution: float, seed: int) -> np.ndarray:
    import igraph as ig
    import leidenalg

    iu, ju = np.nonzero(np.triu(R, k=1) > 0)
    g = ig.Graph(n=R.shape[0], edges=list(zip(iu.tolist(), ju.tolist())), directed=False)
    g.es["weight"] = R[iu, ju].tolist()
    part = leidenalg.find_partition(g, leidenalg.RBConfigurationVertexPartition, weights="weight",
                                    resolution_parameter=resolution, seed=seed)
    return np.asarray(part.membership)


def related_industries(
    table: Any = None,
    *,
    colocation: pd.DataFrame | None = None,
    occupation: pd.DataFrame | None = None,
    weights: Mapping[str, float] | None = None,
    method: str = "hierarchical",
    n_clusters: int | None = None,
    linkage: str = "average",
    resolution: float = 1.0,
    seed: int = 0,
    value: str = "employment",
    year: int | None = None,
) -> RelatedIndustries:
    """Clusters of related industries from IO links, co-location and occupational similarity.

    Parameters
    ----------
    table : IOTable or DataFrame, optional
        Source of the input-output links (see :func:`io_relatedness`).
    colocation : DataFrame, optional
        Regional activity table (long or wide); adds co-location relatedness.
    occupation : DataFrame, optional
        Industry x industry occupational similarity supplied by the user.
    weights : mapping, optional
        Weights of the components ``io``, ``colocation``, ``occupation`` (default equal).
    method : {"hierarchical", "leiden"}, default "hierarchical"
    n_clusters : int, optional
        Number of hierarchical clusters; by default the cut (2 to n/2 clusters) with the
        best mean of VS-RI and VS-CI, ties broken by the largest mean margin between an
        industry's relatedness to its own cluster and to the closest other cluster.
    linkage : {"average", "complete", "single", "weighted"}, default "average"
    resolution : float, default 1.0
        Leiden resolution (RB configuration model).
    seed : int, default 0
        Leiden seed.
    value, year
        Value column and year of *colocation*.

    Returns
    -------
    RelatedIndustries
        ``relatedness``, ``components``, ``clusters``, ``industries``, ``scores``.

    Raises
    ------
    ParameterError
        No component given, bad option.  ``LabelError``: components with different industries.

    Examples
    --------
    >>> Z = pd.DataFrame([[0, 9, 0, 0], [9, 0, 1, 0], [0, 1, 0, 8], [0, 0, 8, 0]],
    ...                  index=list("abcd"), columns=list("abcd"))
    >>> vc.clusters.related_industries(Z, n_clusters=2).clusters.tolist()
    [0, 0, 1, 1]
    """
    func = "related_industries"
    check_choice(method, "method", func, ("hierarchical", "leiden"))
    check_choice(linkage, "linkage", func, ("average", "complete", "single", "weighted"))
    resolution = check_number(resolution, "resolution", func, low=0, closed="neither")
    seed = check_int(seed, "seed", func)
    if n_clusters is not None:
        n_clusters = check_int(n_clusters, "n_clusters", func, low=1)
    raw: dict[str, pd.DataFrame] = {}
    if table is not None:
        raw["io"] = io_relatedness(table)
    if colocation is not None:
        raw["colocation"] = colocation_relatedness(colocation, value=value, year=year)
    if occupation is not None:
        occ = occupation.astype(float)
        if occ.shape[0] != occ.shape[1] or not pd.Index(occ.index).sort_values().equals(pd.Index(occ.columns).sort_values()):
            raise LabelError(f"{func}: the occupation similarity must be square with the same industries on both axes.")
        raw["occupation"] = occ.reindex(columns=occ.index)
    if not raw:
        raise ParameterError(f"{func} needs at least one of 'table', 'colocation' or 'occupation'.")
    first = next(iter(raw.values()))
    labels = pd.Index(first.index, name="industry")
    for k, df in raw.items():
        idx = pd.Index(df.index)
        if not idx.sort_values().equals(labels.sort_values()):
            miss = labels.difference(idx)
            extra = idx.difference(labels)
            raise LabelError(
                f"{func}: the {k!r} component covers different industries; missing {fmt_labels(miss)}, "
                f"extra {fmt_labels(extra)}."
            )
    w = {k: 1.0 for k in raw}
    if weights is not None:
        unknown = set(weights) - {"io", "colocation", "occupation"}
        if unknown:
            raise ParameterError(
                f"The 'weights' parameter of {func} must have keys among 'io', 'colocation', 'occupation'. "
                f"Got {sorted(unknown)} instead."
            )
        for k, v in weights.items():
            if k in w:
                w[k] = check_number(v, f"weights[{k!r}]", func, low=0)
    if sum(w.values()) <= 0:
        raise ParameterError(f"The 'weights' parameter of {func} must have a positive sum. Got {dict(w)} instead.")
    comps = {k: _scaled(df.reindex(index=labels, columns=labels).to_numpy(dtype=float, copy=True))
             for k, df in raw.items()}
    R = sum(w[k] * comps[k] for k in comps) / sum(w.values())
    R = np.maximum(R, R.T)
    np.fill_diagonal(R, 0.0)
    m = R.max()
    if m > 0:
        R = R / m
    n = len(labels)
    if n < 2:
        raise TableError(f"{func}: need at least 2 industries; got {n}.")
    lab = _hierarchical(R, n_clusters, linkage) if method == "hierarchical" else _leiden(R, resolution, seed)
    lab = _relabel(np.asarray(lab))
    own, best, best_k = _industry_fit(R, lab)
    industries = pd.DataFrame(
        {"cluster": lab, "own": np.where(np.isfinite(own), own, 0.0), "best_other": best,
         "best_other_cluster": best_k, "fits": own > best},
        index=labels,
    )
    rows = {"combined": validation_scores(R, lab)}
    for k, C in comps.items():
        rows[k] = validation_scores(C, lab)
    scores = pd.DataFrame.from_dict(rows, orient="index")
    attrs = {"metric": "related_industries", "method": method, "linkage": linkage, "weights": dict(w)}
    rel = pd.DataFrame(R, index=labels, columns=labels.rename("industry_2"))
    rel.attrs = dict(attrs, metric="relatedness")
    clusters = pd.Series(lab, index=labels, name="cluster")
    clusters.attrs = dict(attrs)
    return RelatedIndustries(
        relatedness=rel,
        components={k: pd.DataFrame(C, index=labels, columns=labels.rename("industry_2")) for k, C in comps.items()},
        clusters=clusters,
        industries=industries,
        scores=scores,
        attrs=attrs,
    )
