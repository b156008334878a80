"""SupplyGraph: a labelled, directed, weighted supplier -> customer graph.

A :class:`SupplyGraph` is a sparse matrix ``W`` (scipy CSR) plus node labels:
``W[i, j] > 0`` means node *i* supplies node *j* (edges point downstream, from
supplier to customer).  igraph and networkx objects are views built on demand,
never the source of truth.

Graphs are built from an :class:`~valuechain.IOTable` with :func:`supply_graph`
(country-sector nodes), aggregated to country or sector graphs with
:meth:`SupplyGraph.aggregate`, or built from bilateral trade with
:func:`trade_graph` (country -> country) and :func:`bipartite_graph`
(country -> product).

Edge weights (``weight=``) and what ``W[i, j]`` holds
-----------------------------------------------------
``flow``
    ``z_ij``: intermediate sales of *i* to *j* (table units).
``input_share``
    ``a_ij = z_ij / x_j``: share of *i*'s product in *j*'s output (buyer-normalised, A).
``output_share``
    ``b_ij = z_ij / x_i``: share of *i*'s output sold to *j* (seller-normalised, B).
``total_requirement``
    ``l_ij``: output of *i* needed, directly and indirectly, per unit of final
    demand for *j*'s product (Leontief inverse L, dense: see below).
``value_added``
    ``(v̂ x̂⁻¹ L f̂)_ij = (v_i / x_i) l_ij f_j``: value added generated in *i* that is
    embodied in the final demand for *j*'s product (the value-added trade
    matrix).  Row sums are the value added ``v_i`` of *i*, column sums the final
    demand ``f_j`` of *j* (before thresholds and with self-loops kept).
``trade``
    bilateral trade value exporter -> importer (trade graphs).

``total_requirement`` and ``value_added`` come from L, which is dense: unless
a ``threshold``, ``quantile`` or ``top_k`` is given they are thresholded by
default at ``DENSE_DEFAULT_QUANTILE`` (entries below the 90th percentile of the
positive off-diagonal values are dropped, so one edge in ten is kept).  Pass
``threshold=0`` to keep every positive entry.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._memory import check_dense, dense_bytes
from ._validation import check_choice, check_int, check_number, fmt_labels
from .errors import LabelError, ParameterError, TableError
from .table import IOTable, TableMeta

__all__ = [
    "SupplyGraph",
    "supply_graph",
    "trade_graph",
    "bipartite_graph",
    "WEIGHTS",
    "DENSE_DEFAULT_QUANTILE",
]

#: Meaning of each weight kind (stored with the graph and written to exports).
WEIGHTS: dict[str, str] = {
    "flow": "intermediate flow z_ij from supplier i to buyer j (table units)",
    "input_share": "input coefficient a_ij = z_ij / x_j (share of i in j's output)",
    "output_share": "output coefficient b_ij = z_ij / x_i (share of i's output sold to j)",
    "total_requirement": "Leontief inverse l_ij (output of i per unit of final demand for j)",
    "value_added": "value added of i embodied in final demand for j: (v_i/x_i) l_ij f_j (table units)",
    "trade": "bilateral trade value exporter -> importer",
}

#: Quantile threshold applied by default to the dense weights (L-based).
DENSE_DEFAULT_QUANTILE = 0.9

_ADDITIVE = {"flow", "value_added", "trade"}
_EDGE_KINDS = ("all", "domestic", "cross_border")


def _csr_from_dense(W: np.ndarray) -> sp.csr_matrix:
    """CSR of the positive entries of a dense square array, built directly (no Python loop)."""
    n = W.shape[0]
    mask = W > 0
    counts = np.count_nonzero(mask, axis=1)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    idx_dtype = np.int32 if n < 2**31 - 1 else np.int64
    cols = np.broadcast_to(np.arange(n, dtype=idx_dtype), (n, n))[mask]
    data = W[mask].astype(float, copy=False)
    if indptr[-1] < 2**31 - 1:
        indptr = indptr.astype(np.int32)
    return sp.csr_matrix((data, cols, indptr), shape=(n, n))


def _edge_rows(W: sp.csr_matrix) -> np.ndarray:
    """Row (source) index of every stored entry of a CSR matrix."""
    return np.repeat(np.arange(W.shape[0], dtype=W.indices.dtype), np.diff(W.indptr))


def _filter_csr(W: sp.csr_matrix, keep: np.ndarray) -> sp.csr_matrix:
    """Keep the stored entries where *keep* is True (vectorised)."""
    rows = _edge_rows(W)
    counts = np.bincount(rows[keep], minlength=W.shape[0])
    indptr = np.zeros(W.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    out = sp.csr_matrix((W.data[keep], W.indices[keep], indptr), shape=W.shape)
    out.has_sorted_indices = W.has_sorted_indices
    return out


#: Characters XML 1.0 cannot hold (networkx writes them verbatim and the file is not well-formed).
_XML_BAD = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: Any) -> Any:
    """*value* without the characters XML 1.0 forbids (control characters, lone surrogates)."""
    return _XML_BAD.sub("", value) if isinstance(value, str) else value


def _xml_safe(G: Any) -> Any:
    """A copy of networkx graph *G* whose ids and text attributes are legal XML 1.0 text.

    Raises ParameterError when stripping makes two node ids equal.
    """
    mapping = {v: _xml_text(v) for v in G.nodes}
    seen: dict[Any, Any] = {}
    for v, c in mapping.items():
        if c in seen:
            raise ParameterError(f"Cannot write the graph as XML: node labels {seen[c]!r} and {v!r} differ only by "
                                 "control characters, which XML cannot hold; rename one, or write .parquet.")
        seen[c] = v
    H = G.__class__()
    H.graph.update({_xml_text(k): _xml_text(v) for k, v in G.graph.items()})
    H.add_nodes_from((mapping[v], {_xml_text(k): _xml_text(a) for k, a in d.items()}) for v, d in G.nodes(data=True))
    H.add_edges_from((mapping[u], mapping[v], {_xml_text(k): _xml_text(a) for k, a in d.items()})
                     for u, v, d in G.edges(data=True))
    return H


def _label_str(label: Any) -> str:
    if isinstance(label, tuple):
        return "|".join(str(x) for x in label)
    return str(label)


@dataclass(frozen=True, eq=False)
class SupplyGraph:
    """A directed weighted supplier -> customer graph with labelled nodes.

    Parameters
    ----------
    adjacency : scipy.sparse.csr_matrix
        ``W[i, j] > 0`` means node *i* supplies node *j*.  Stored as float CSR
        with sorted indices, explicit zeros removed.
    nodes : pandas.Index
        ``(region, sector)`` MultiIndex for IO graphs; an Index named
        ``"region"`` (country graphs), ``"sector"`` or ``"node"`` otherwise.
    weight : str
        What ``W`` holds: one of :data:`WEIGHTS`.
    node_attrs : DataFrame
        Indexed by ``nodes``; columns among output, value_added, final_demand,
        region, sector (and ``kind`` for bipartite graphs).
    meta : TableMeta
        Metadata of the source table (history records how the graph was built).

    Examples
    --------
    >>> g = vc.supply_graph(vc.datasets.load("miller_blair"), self_loops=True)
    >>> g.n, g.m
    (2, 4)
    >>> g.edges[["source_sector", "target_sector", "weight"]].values.tolist()
    [['s1', 's1', 150.0], ['s1', 's2', 500.0], ['s2', 's1', 200.0], ['s2', 's2', 100.0]]
    """

    adjacency: sp.csr_matrix
    nodes: pd.Index
    weight: str
    node_attrs: pd.DataFrame
    meta: TableMeta

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        W = self.adjacency
        if not sp.issparse(W):
            W = sp.csr_matrix(np.asarray(W, dtype=float))
        else:
            changed = W.format != "csr" or W.dtype != np.float64
            W = W.tocsr().astype(float, copy=False) if changed else W
            if not W.has_canonical_format or (W.data == 0).any():
                W = W.copy() if not changed else W
                W.sum_duplicates()
                W.eliminate_zeros()
        if W.shape[0] != W.shape[1]:
            raise ParameterError(f"SupplyGraph adjacency must be square; got shape {W.shape}.")
        nodes = self.nodes if isinstance(self.nodes, pd.Index) else pd.Index(self.nodes)
        if len(nodes) != W.shape[0]:
            raise LabelError(f"SupplyGraph has {W.shape[0]} adjacency rows but {len(nodes)} node labels.")
        if nodes.has_duplicates:
            raise LabelError(f"SupplyGraph node labels are duplicated: {fmt_labels(nodes[nodes.duplicated()].unique())}.")
        if W.nnz and (W.data < 0).any():
            raise ParameterError("SupplyGraph weights must be non-negative; found negative entries.")
        check_choice(self.weight, "weight", "SupplyGraph", tuple(WEIGHTS))
        attrs = self.node_attrs
        if attrs is None:
            attrs = pd.DataFrame(index=nodes)
        elif not attrs.index.equals(nodes):
            raise LabelError("SupplyGraph node_attrs must be indexed exactly like nodes.")
        set_(self, "adjacency", W)
        set_(self, "nodes", nodes)
        set_(self, "node_attrs", attrs)
        set_(self, "meta", TableMeta.coerce(self.meta))

    # ------------------------------------------------------------ basics
    @property
    def n(self) -> int:
        """Number of nodes."""
        return self.adjacency.shape[0]

    @property
    def m(self) -> int:
        """Number of edges (stored positive entries, self-loops included)."""
        return int(self.adjacency.nnz)

    @property
    def weight_description(self) -> str:
        """What an edge weight means (from :data:`WEIGHTS`)."""
        return WEIGHTS[self.weight]

    @property
    def out_strength(self) -> np.ndarray:
        """Row sums of W (what each node supplies)."""
        return np.asarray(self.adjacency.sum(axis=1)).ravel()

    @property
    def in_strength(self) -> np.ndarray:
        """Column sums of W (what each node buys)."""
        return np.bincount(self.adjacency.indices, weights=self.adjacency.data, minlength=self.n)

    def labels(self) -> list[str]:
        """Node labels as strings (``"region|sector"`` for MultiIndex nodes)."""
        return [_label_str(x) for x in self.nodes]

    def __repr__(self) -> str:
        name = self.meta.name or "graph"
        return f"SupplyGraph({name!r}, weight={self.weight!r}, n={self.n}, m={self.m})"

    @property
    def edges(self) -> pd.DataFrame:
        """Edge list: source, target (node labels), weight; plus source/target region and sector for IO graphs."""
        W = self.adjacency
        rows = _edge_rows(W)
        cols = W.indices
        src = self.nodes[rows]
        tgt = self.nodes[cols]
        df = pd.DataFrame({"source": src.to_flat_index() if isinstance(src, pd.MultiIndex) else src,
                           "target": tgt.to_flat_index() if isinstance(tgt, pd.MultiIndex) else tgt,
                           "weight": W.data})
        if isinstance(self.nodes, pd.MultiIndex):
            for end, idx in (("source", src), ("target", tgt)):
                for lev in self.nodes.names:
                    df[f"{end}_{lev}"] = idx.get_level_values(lev)
        df.attrs = {"metric": "edges", "weight": self.weight, "name": self.meta.name, "year": self.meta.year,
                    "unit": self.meta.unit, "source": self.meta.source}
        return df

    # ------------------------------------------------------------ derived graphs
    def with_adjacency(self, adjacency: sp.spmatrix, *, step: str | None = None,
                       weight: str | None = None) -> "SupplyGraph":
        """Same nodes and attributes, new weights (``step`` is appended to the history)."""
        meta = self.meta.with_history(step) if step else self.meta
        return SupplyGraph(adjacency, self.nodes, weight or self.weight, self.node_attrs, meta)

    def subgraph(self, nodes: Any) -> "SupplyGraph":
        """Induced subgraph on a boolean mask (length n) or a list of node labels.

        Examples
        --------
        >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
        >>> g.subgraph(g.node_attrs["region"] == "reg1").n
        8
        """
        if isinstance(nodes, (pd.Series, np.ndarray)) and np.asarray(nodes).dtype == bool:
            mask = np.asarray(nodes, dtype=bool)
            if mask.shape != (self.n,):
                raise ParameterError(f"The 'nodes' mask of subgraph must have length {self.n}. Got {mask.shape} instead.")
            pos = np.flatnonzero(mask)
        else:
            labels = list(nodes)
            pos = self.nodes.get_indexer(labels)
            if (pos < 0).any():
                missing = [lab for lab, p in zip(labels, pos) if p < 0]
                raise LabelError(f"subgraph: unknown node(s) {fmt_labels(missing)}.")
        W = self.adjacency[pos][:, pos]
        return SupplyGraph(W.tocsr(), self.nodes[pos], self.weight, self.node_attrs.iloc[pos],
                           self.meta.with_history("subgraph"))

    def reversed(self) -> "SupplyGraph":
        """The graph with every edge reversed (customer -> supplier, the demand direction)."""
        return self.with_adjacency(self.adjacency.T.tocsr(), step="reversed")

    def aggregate(self, by: str = "region", *, self_loops: bool = False) -> "SupplyGraph":
        """Aggregate nodes to a country graph (``by="region"``) or a sector graph (``by="sector"``).

        Additive weights (flow, value_added, trade) are summed: ``W_cd = Σ_{i∈c, j∈d} w_ij``.
        Share weights are aggregated consistently: flows are recovered with the
        nodes' output (``z_ij = a_ij x_j`` or ``b_ij x_i``), summed, and divided
        by the group output again.  ``total_requirement`` is not additive:
        aggregate the table (:meth:`IOTable.aggregate`) and build its graph instead.
        Within-group flows become self-loops, dropped unless ``self_loops=True``.

        Examples
        --------
        >>> g = vc.supply_graph(vc.datasets.load("testmrio"))
        >>> cg = g.aggregate("region")
        >>> cg.nodes.name, cg.n, cg.m
        ('region', 6, 30)
        """
        if not isinstance(self.nodes, pd.MultiIndex) or by not in self.nodes.names:
            levels = list(self.nodes.names) if isinstance(self.nodes, pd.MultiIndex) else []
            raise ParameterError(
                f"The 'by' parameter of aggregate must be one of the node levels {levels}. Got {by!r} instead."
            )
        if self.weight == "total_requirement":
            raise ParameterError(
                "aggregate: 'total_requirement' weights (Leontief inverse) are not additive; aggregate the table "
                "with IOTable.aggregate(...) and build its graph instead."
            )
        keys = self.nodes.get_level_values(by)
        groups = pd.Index(pd.unique(keys), name=by)
        code = groups.get_indexer(keys)
        M = sp.csr_matrix((np.ones(self.n), (np.arange(self.n), code)), shape=(self.n, len(groups)))
        W = self.adjacency
        attrs = self.node_attrs
        x = attrs["output"].to_numpy(dtype=float) if "output" in attrs else None
        if self.weight in ("input_share", "output_share"):
            if x is None:
                raise ParameterError(f"aggregate: share weights need the nodes' output in node_attrs; none here.")
            flows = W @ sp.diags(x) if self.weight == "input_share" else sp.diags(x) @ W
            Wg = (M.T @ flows @ M).tocsr()
            xg = M.T @ x
            inv = np.zeros_like(xg)
            np.divide(1.0, xg, out=inv, where=xg != 0)
            Wg = (Wg @ sp.diags(inv)) if self.weight == "input_share" else (sp.diags(inv) @ Wg)
        else:
            Wg = M.T @ W @ M
        Wg = sp.csr_matrix(Wg)
        if not self_loops:
            Wg.setdiag(0)
        Wg.eliminate_zeros()
        num = attrs.select_dtypes("number")
        gattrs = num.groupby(code).sum() if num.shape[1] else pd.DataFrame(index=range(len(groups)))
        gattrs.index = groups
        gattrs[by] = groups.astype(str)
        return SupplyGraph(Wg.tocsr(), groups, self.weight, gattrs, self.meta.with_history(f"aggregate({by})"))

    # ------------------------------------------------------------ views
    def to_igraph(self):
        """A directed ``igraph.Graph`` (vertex attribute ``name`` = string label, edge attribute ``weight``).

        Numeric and string node attributes become vertex attributes.  Building an
        igraph graph costs about 1 s per million edges; for graphs with millions of
        edges use a backbone (:func:`valuechain.network.backbone`).
        """
        import igraph as ig

        W = self.adjacency
        el = np.column_stack([_edge_rows(W), W.indices]).tolist()
        g = ig.Graph(n=self.n, edges=el, directed=True)
        g.vs["name"] = self.labels()
        for col in self.node_attrs.columns:
            vals = self.node_attrs[col]
            g.vs[str(col)] = vals.astype(str).tolist() if not pd.api.types.is_numeric_dtype(vals) else vals.astype(float).tolist()
        g.es["weight"] = W.data.tolist()
        return g

    def to_networkx(self, *, string_labels: bool = False):
        """A ``networkx.DiGraph``; node keys are the labels (tuples for MultiIndex nodes), edge attribute ``weight``."""
        import networkx as nx

        keys = self.labels() if string_labels else list(self.nodes)
        G = nx.DiGraph(weight=self.weight, name=self.meta.name or "")
        cols = list(self.node_attrs.columns)
        recs = self.node_attrs.to_dict("records")
        for k, rec in zip(keys, recs):
            G.add_node(k, **{str(c): (float(v) if isinstance(v, (int, float, np.number)) else str(v))
                             for c, v in rec.items() if c in cols})
        W = self.adjacency
        rows = _edge_rows(W)
        G.add_weighted_edges_from(zip((keys[i] for i in rows), (keys[j] for j in W.indices), W.data.tolist()))
        return G

    def write(self, path: str | Path, *, force: bool = False) -> Path:
        """Write the graph to ``.graphml``, ``.gexf`` (Gephi) or ``.parquet`` (edge list), atomically.

        GraphML and GEXF use string node ids (``"region|sector"``) with region,
        sector and the numeric node attributes; characters XML 1.0 cannot hold
        (control characters) are removed from labels and text attributes, so the
        file is always well-formed (two labels that differ only by them are refused).
        The parquet edge list stores the meta, the weight meaning and the node
        attributes in its schema metadata.  ``force=True`` replaces a read-only file
        (see :mod:`valuechain._files`).
        """
        from ._files import write_with

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".graphml", ".gexf"):
            import networkx as nx

            G = self.to_networkx(string_labels=True)
            G.graph.update({"weight": self.weight, "weight_meaning": self.weight_description,
                            "meta": json.dumps(self.meta.to_dict())})
            G = _xml_safe(G)
            writer = nx.write_graphml if suffix == ".graphml" else nx.write_gexf
            return write_with(path, lambda tmp: writer(G, tmp), force=force)
        if suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            df = self.edges
            flat = df.drop(columns=["source", "target"]) if isinstance(self.nodes, pd.MultiIndex) else df
            if not isinstance(self.nodes, pd.MultiIndex):
                flat = flat.assign(source=flat["source"].astype(str), target=flat["target"].astype(str))
            flat = flat[[c for c in flat.columns if c != "weight"] + ["weight"]]
            table = pa.Table.from_pandas(flat, preserve_index=False)
            na = self.node_attrs.reset_index(drop=True)
            labels = [list(map(str, lab)) if isinstance(lab, tuple) else str(lab) for lab in self.nodes]
            md = {"weight": self.weight, "weight_meaning": self.weight_description, "meta": self.meta.to_dict(),
                  "node_levels": [str(x) for x in self.nodes.names], "nodes": labels,
                  "node_attrs": json.loads(na.to_json(orient="split", index=False)),
                  "format": "valuechain-supplygraph-1"}
            table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                                   b"valuechain": json.dumps(md).encode()})
            return write_with(path, lambda tmp: pq.write_table(table, tmp), force=force)
        raise ParameterError(
            f"The 'path' parameter of SupplyGraph.write must end in .graphml, .gexf or .parquet. Got {path.name!r} instead."
        )


# ---------------------------------------------------------------------- construction
def _sparsify(W: sp.csr_matrix, threshold: float | None, quantile: float | None, top_k: int | None) -> sp.csr_matrix:
    """Apply the absolute threshold, quantile and top-k rules (an edge must pass each rule given)."""
    if W.nnz == 0:
        return W
    keep = np.ones(W.nnz, dtype=bool)
    data = W.data
    if threshold is not None:
        keep &= data >= threshold
    if quantile is not None:
        keep &= data >= np.quantile(data, quantile)
    if top_k is not None:
        keep &= _top_k_mask(W, top_k)
    return W if keep.all() else _filter_csr(W, keep)


def _rank_within(groups: np.ndarray, data: np.ndarray, n: int) -> np.ndarray:
    """Rank (0 = largest) of each entry's weight among the entries of its group."""
    order = np.lexsort((-data, groups))
    counts = np.bincount(groups, minlength=n)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    rank = np.empty(len(data), dtype=np.int64)
    rank[order] = np.arange(len(data)) - starts[groups[order]]
    return rank


def _top_k_mask(W: sp.csr_matrix, k: int) -> np.ndarray:
    """Edges among the k heaviest out-edges of their supplier or the k heaviest in-edges of their buyer."""
    rows = _edge_rows(W)
    n = W.shape[0]
    return (_rank_within(rows, W.data, n) < k) | (_rank_within(W.indices, W.data, n) < k)


def _node_attrs(table: IOTable) -> pd.DataFrame:
    df = pd.DataFrame({
        "output": table.x.to_numpy(),
        "value_added": table.v.to_numpy(),
        "final_demand": table.f.to_numpy(),
        "region": table.nodes.get_level_values("region").astype(str),
        "sector": table.nodes.get_level_values("sector").astype(str),
    }, index=table.nodes)
    return df


def supply_graph(
    table: IOTable,
    weight: str = "flow",
    *,
    self_loops: bool = False,
    threshold: float | None = None,
    quantile: float | None = None,
    top_k: int | None = None,
    edges: str = "all",
) -> SupplyGraph:
    """Build the supplier -> customer graph of an IO table.

    Parameters
    ----------
    table : IOTable
    weight : {"flow", "input_share", "output_share", "total_requirement", "value_added"}, default "flow"
        What an edge carries (see the module docstring and :data:`WEIGHTS`):
        Z, A (buyer-normalised), B (seller-normalised), L, or the value-added
        flows ``v̂ x̂⁻¹ L f̂``.
    self_loops : bool, default False
        Keep intra-node flows (the diagonal).  Keep them for Leontief algebra
        (e.g. the influence vector); they dominate path and community measures.
    threshold : float, optional
        Keep edges with weight >= threshold.
    quantile : float in [0, 1), optional
        Keep edges with weight >= this quantile of the (remaining) positive weights.
    top_k : int, optional
        Keep an edge if it is among the ``top_k`` heaviest out-edges of its
        supplier or the ``top_k`` heaviest in-edges of its buyer.
    edges : {"all", "domestic", "cross_border"}, default "all"
        Keep every edge, only edges within a region, or only edges between regions.

    The edge filters apply in the order: self-loops, domestic/cross-border,
    then threshold, quantile, top-k (an edge must pass each rule given).  For
    the dense L-based weights with no rule given, ``quantile=0.9`` applies.

    Returns
    -------
    SupplyGraph
        Nodes = the table's (region, sector) nodes; node attributes output,
        value_added, final_demand, region, sector.

    Raises
    ------
    ParameterError
        Unknown weight or edge filter, or a rule parameter out of range.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> g = vc.supply_graph(t, "input_share")
    >>> g.edges["weight"].round(3).tolist()
    [0.25, 0.2]
    >>> vc.supply_graph(t, "value_added", self_loops=True, threshold=0).in_strength.round(6).tolist()
    [350.0, 1700.0]
    """
    func = "supply_graph"
    check_choice(weight, "weight", func, ("flow", "input_share", "output_share", "total_requirement", "value_added"))
    check_choice(edges, "edges", func, _EDGE_KINDS)
    if threshold is not None:
        threshold = check_number(threshold, "threshold", func, low=0)
    if quantile is not None:
        quantile = check_number(quantile, "quantile", func, low=0, high=1, closed="left")
    if top_k is not None:
        top_k = check_int(top_k, "top_k", func, low=1)
    if not isinstance(table, IOTable):
        raise ParameterError(f"The 'table' parameter of {func} must be an IOTable. Got {type(table).__name__} instead.")

    n = table.n
    check_dense(dense_bytes(n, arrays=3), f"supply_graph(weight={weight!r}): three dense {n:,} x {n:,} arrays",
                hint="Select fewer regions or sectors (IOTable.select) or aggregate the table first.")
    xinv = table._xinv
    if weight == "flow":
        W = table.Z.to_numpy()
    elif weight in ("total_requirement", "value_added"):
        L = table.L.to_numpy()
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below, naming the edge
            W = L if weight == "total_requirement" else L * (table.v.to_numpy() * xinv)[:, None] * table.f.to_numpy()[None, :]
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            W = table.Z.to_numpy() * (xinv[None, :] if weight == "input_share" else xinv[:, None])
    dense_default = weight in ("total_requirement", "value_added") and threshold is None and quantile is None and top_k is None
    if weight != "flow":
        _check_finite_weights(W, table, weight)

    masked = not self_loops or edges != "all"
    if masked:
        W = W.copy()
        if not self_loops:
            np.fill_diagonal(W, 0.0)
        if edges != "all":
            reg = table.nodes.get_level_values("region")
            code = pd.Index(reg.unique()).get_indexer(reg)
            same = code[:, None] == code[None, :]
            W[~same if edges == "domestic" else same] = 0.0
    Wc = _csr_from_dense(W)
    if dense_default:
        quantile = DENSE_DEFAULT_QUANTILE
    Wc = _sparsify(Wc, threshold, quantile, top_k)

    step = f"supply_graph(weight={weight}, self_loops={self_loops}, edges={edges}"
    for k, v in (("threshold", threshold), ("quantile", quantile), ("top_k", top_k)):
        if v is not None:
            step += f", {k}={v:g}"
    step += ")"
    return SupplyGraph(Wc, table.nodes, weight, _node_attrs(table), table.meta.with_history(step))


def _check_finite_weights(W: np.ndarray, table: IOTable, weight: str) -> None:
    """Derived weights overflow when an output is tiny next to its flows: name the first such edge."""
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(W)
    if not bad.any():
        return
    i, j = (int(k) for k in np.argwhere(bad)[0])
    nodes = table.nodes
    x = table.x.to_numpy()
    raise TableError(f"supply_graph(weight={weight!r}): the weight of {nodes[i]!r} -> {nodes[j]!r} is {W[i, j]} "
                     f"(flow {table.Z.to_numpy()[i, j]:.6g}, outputs {x[i]:.6g} and {x[j]:.6g}); {int(bad.sum()):,} "
                     "weight(s) overflow because an output is tiny next to its flows. Check those outputs, or use "
                     "weight='flow'.")


# ---------------------------------------------------------------------- trade graphs
def _sql_list(values: Iterable[Any]) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _trade_long(trade: Any, by: list[str], product: str | Sequence[str] | None, year: int | None,
                func: str) -> tuple[pd.DataFrame, TableMeta]:
    """Sum of trade value grouped by *by*, for one year and a product selection.

    Accepts a TradeTable (uses ``aggregate``) or a pandas long DataFrame with
    columns exporter, importer, product, value (and optionally year).
    """
    products = None if product is None else ([product] if isinstance(product, str) else list(product))
    if isinstance(trade, pd.DataFrame):
        need = {"exporter", "importer", "value"} | ({"product"} if products is not None or "product" in by else set())
        missing = need - set(trade.columns)
        if missing:
            raise LabelError(f"{func}: the trade frame has no column(s) {sorted(missing)}; "
                             "expected long data with exporter, importer, product, value (and year).")
        df = trade
        if "year" in df.columns:
            years = sorted(pd.unique(df["year"]))
            if year is None and len(years) > 1:
                raise ParameterError(f"The 'year' parameter of {func} is needed: the trade data has years {years}.")
            if year is not None:
                if year not in set(years):
                    raise LabelError(f"{func}: year {year} is not in the trade data (years {years}).")
                df = df[df["year"] == year]
        if products is not None:
            df = df[df["product"].astype(str).isin([str(p) for p in products])]
        out = df.groupby(by, sort=True, observed=True)["value"].sum().reset_index()
        meta = TableMeta(name="trade", year=year, source="pandas frame")
        return out, meta
    if not hasattr(trade, "aggregate"):
        raise ParameterError(f"The 'trade' parameter of {func} must be a TradeTable or a pandas DataFrame. "
                             f"Got {type(trade).__name__} instead.")
    years = list(getattr(trade, "years", []) or [])
    if year is None and len(years) > 1:
        raise ParameterError(f"The 'year' parameter of {func} is needed: the trade table has years {years}.")
    if year is not None and years and year not in years:
        raise LabelError(f"{func}: year {year} is not in the trade table (years {years}).")
    where = None if products is None else f"product IN ({_sql_list(products)})"
    out = trade.aggregate(by, where=where, years=None if year is None else [year])
    out = pd.DataFrame(out)[by + ["value"]]
    meta = TableMeta.coerce(getattr(trade, "meta", None))
    if year is not None:
        meta = dataclasses.replace(meta, year=int(year))
    elif len(years) == 1:
        meta = dataclasses.replace(meta, year=int(years[0]))
    return out, meta


def trade_graph(trade: Any, product: str | Sequence[str] | None = None, year: int | None = None, *,
                self_loops: bool = False) -> SupplyGraph:
    """Country -> country trade graph (exporter supplies importer) for one product, a group or all.

    Parameters
    ----------
    trade : TradeTable or DataFrame
        Long bilateral trade: exporter, importer, product, value (and year).
    product : str or list of str, optional
        One product code, a list (a product group; values are summed), or None for all trade.
    year : int, optional
        Required when the data has several years.
    self_loops : bool, default False
        Keep exporter == importer records (re-imports).

    Returns
    -------
    SupplyGraph
        Nodes: Index named ``"region"`` (every exporter and importer); weight
        ``"trade"``; node attributes ``exports``, ``imports`` and ``region``.

    Examples
    --------
    >>> df = pd.DataFrame({"exporter": ["DEU", "DEU", "FRA", "CHN"], "importer": ["FRA", "CHN", "DEU", "DEU"],
    ...                    "product": ["8703", "8703", "8703", "8517"], "value": [10.0, 5.0, 7.0, 3.0]})
    >>> from valuechain.graph import trade_graph
    >>> g = trade_graph(df, product="8703")
    >>> g.edges[["source", "target", "weight"]].values.tolist()
    [['DEU', 'CHN', 5.0], ['DEU', 'FRA', 10.0], ['FRA', 'DEU', 7.0]]
    """
    func = "trade_graph"
    df, meta = _trade_long(trade, ["exporter", "importer"], product, year, func)
    exp = df["exporter"].astype(str).to_numpy()
    imp = df["importer"].astype(str).to_numpy()
    nodes = pd.Index(sorted(set(exp) | set(imp)), name="region", dtype=object)
    i = nodes.get_indexer(exp)
    j = nodes.get_indexer(imp)
    val = df["value"].to_numpy(dtype=float)
    keep = val > 0
    if not self_loops:
        keep &= i != j
    W = sp.csr_matrix((val[keep], (i[keep], j[keep])), shape=(len(nodes), len(nodes)))
    W.sum_duplicates()
    attrs = pd.DataFrame({"exports": np.asarray(W.sum(axis=1)).ravel(), "imports": np.asarray(W.sum(axis=0)).ravel(),
                          "region": nodes.astype(str)}, index=nodes)
    sel = "all" if product is None else (product if isinstance(product, str) else f"{len(list(product))} products")
    return SupplyGraph(W, nodes, "trade", attrs, meta.with_history(f"trade_graph(product={sel}, year={year})"))


def bipartite_graph(trade: Any, year: int | None = None, *, product: str | Sequence[str] | None = None) -> SupplyGraph:
    """Country -> product bipartite graph of exports (weight = export value).

    Nodes are the exporting countries followed by the products, in one Index
    named ``"node"``; node attribute ``kind`` is ``"country"`` or ``"product"``,
    ``exports`` is the node's total.  Edges point from a country to each product
    it exports.  (Use :mod:`valuechain.clusters` for RCA-based country-product
    matrices and product-space projections.)

    Examples
    --------
    >>> df = pd.DataFrame({"exporter": ["DEU", "DEU", "FRA"], "importer": ["FRA", "CHN", "DEU"],
    ...                    "product": ["8703", "8517", "8703"], "value": [10.0, 5.0, 7.0]})
    >>> from valuechain.graph import bipartite_graph
    >>> g = bipartite_graph(df)
    >>> g.node_attrs["kind"].tolist(), g.m
    (['country', 'country', 'product', 'product'], 3)
    """
    func = "bipartite_graph"
    df, meta = _trade_long(trade, ["exporter", "product"], product, year, func)
    exp = df["exporter"].astype(str).to_numpy()
    prod = df["product"].astype(str).to_numpy()
    countries = sorted(set(exp))
    products = sorted(set(prod))
    clash = set(countries) & set(products)
    if clash:
        raise LabelError(f"{func}: labels used both as country and product: {fmt_labels(sorted(clash))}.")
    nodes = pd.Index(countries + products, name="node", dtype=object)
    i = nodes.get_indexer(exp)
    j = nodes.get_indexer(prod)
    val = df["value"].to_numpy(dtype=float)
    keep = val > 0
    W = sp.csr_matrix((val[keep], (i[keep], j[keep])), shape=(len(nodes), len(nodes)))
    W.sum_duplicates()
    tot = np.asarray(W.sum(axis=1)).ravel() + np.asarray(W.sum(axis=0)).ravel()
    attrs = pd.DataFrame({"kind": ["country"] * len(countries) + ["product"] * len(products), "exports": tot},
                         index=nodes)
    return SupplyGraph(W, nodes, "trade", attrs, meta.with_history(f"bipartite_graph(year={year})"))
