"""Firm-level network (issue 10): 250,000 firms and 1,000,000 supplier -> customer links.

A synthetic firm network with heavy-tailed (Pareto) out-degrees and milder
in-degree heterogeneity, lognormal flows, no self-loops or duplicate links, and
consistent outputs: ``output = max(inputs / 0.6, sales / 0.9) + ε`` (inputs are
at most 60 % of output, final demand at least 10 % of it).  Fixed seed.

Timed separately, each in a fresh process with its own peak memory: graph build
(CSR from edge arrays + SupplyGraph), PageRank (``vc.network.pagerank``),
communities (``vc.network.communities`` Leiden = leidenalg, and Louvain = igraph
multilevel; igraph's own ``community_leiden`` as a reference), and a sparse
demand-shock propagation (``vc.resilience.demand_shock`` on the graph: 1,000
firms lose 10 % of their final demand).  Target: build + PageRank + Leiden +
shock under 60 s and 4 GB peak.  ``--quick`` runs 25,000 firms / 100,000 links.
"""

from __future__ import annotations

import numpy as np

from bench._util import measure, row


def firm_edges(n: int = 250_000, m: int = 1_000_000, seed: int = 0):
    """(source, target, flow) arrays of *m* distinct links between *n* firms."""
    rng = np.random.default_rng(seed)
    w_out = rng.pareto(1.2, n) + 1.0  # a few very large suppliers
    w_in = rng.pareto(2.5, n) + 1.0
    draw = int(m * 1.15)
    src = rng.choice(n, draw, p=w_out / w_out.sum())
    dst = rng.choice(n, draw, p=w_in / w_in.sum())
    key = src.astype(np.int64) * n + dst
    key = key[src != dst]
    key = np.unique(key)
    key = rng.permutation(key)[:m]
    src, dst = np.divmod(key, n)
    return src.astype(np.int32), dst.astype(np.int32), rng.lognormal(0.0, 1.5, len(key))


def build_graph(src, dst, flow, n: int):
    """CSR adjacency + SupplyGraph with consistent outputs."""
    import pandas as pd
    import scipy.sparse as sp

    import valuechain as vc

    W = sp.csr_matrix((flow, (src, dst)), shape=(n, n))
    inputs = np.asarray(W.sum(axis=0)).ravel()
    sales = np.asarray(W.sum(axis=1)).ravel()
    x = np.maximum(inputs / 0.6, sales / 0.9) + 1.0
    nodes = pd.RangeIndex(n, name="node")
    return vc.SupplyGraph(adjacency=W, nodes=nodes, weight="flow",
                          node_attrs=pd.DataFrame({"output": x}, index=nodes),
                          meta=vc.TableMeta(name=f"firms{n}", unit="EUR k"))


def run(quick: bool = False) -> list[dict]:
    import pandas as pd

    import valuechain as vc

    n, m = (25_000, 100_000) if quick else (250_000, 1_000_000)
    size = f"{n:,} nodes / {m:,} edges"

    def edges():
        return firm_edges(n, m)

    def graph():
        return build_graph(*firm_edges(n, m), n)

    def build(e):
        g = build_graph(*e, n)
        return f"m={g.m}"

    def pagerank(g):
        p = vc.network.pagerank(g)
        return f"max={p.max():.2e}"

    def igraph_setup():
        g = graph()
        return g.to_igraph()

    def igraph_pagerank(G):
        return f"max={max(G.pagerank(weights='weight')):.2e}"

    def leiden(g):
        c = vc.network.communities(g, method="leiden", seed=0, directed=False)
        return f"{c.nunique()} communities"

    def leiden_directed(g):
        c = vc.network.communities(g, method="leiden", seed=0)
        return f"{c.nunique()} communities"

    def louvain(g):
        c = vc.network.communities(g, method="louvain", seed=0)
        return f"{c.nunique()} communities"

    def igraph_leiden(G):
        import random

        random.seed(0)
        U = G.as_undirected(combine_edges="sum")
        cl = U.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
        return f"{len(set(cl.membership))} communities"

    def shock(g):
        hit = np.arange(0, n, n // 1000)
        f = (g.node_attrs["output"].to_numpy() - np.asarray(g.adjacency.sum(axis=1)).ravel())[hit]
        r = vc.resilience.demand_shock(g, pd.Series(-0.1 * f, index=g.nodes[hit]))
        a = r.nodes.attrs
        return f"loss={r.total['output_loss']:.4g} ({a['solver']}, {a['iterations']} it)"

    rows = []
    r_build = measure(build, edges)
    rows.append(row("firm graph build (CSR + SupplyGraph)", size, r_build, note=r_build[2]))
    r_pr = measure(pagerank, graph)
    r_pr_ig = measure(igraph_pagerank, igraph_setup)
    rows.append(row("pagerank (vc.network, scipy power it.)", size, r_pr, "igraph pagerank", r_pr_ig))
    r_ld = measure(leiden, graph, timeout=600)
    r_ld_ig = measure(igraph_leiden, igraph_setup, timeout=600)
    rows.append(row("communities leiden (undirected, igraph C, 2 passes)", size, r_ld, "igraph leiden to convergence",
                    r_ld_ig, note=r_ld[2]))
    if not quick:
        r_ldd = measure(leiden_directed, graph, timeout=600)
        rows.append(row("communities leiden (directed modularity, leidenalg)", size, r_ldd, note=r_ldd[2]))
    r_lv = measure(louvain, graph, timeout=600)
    rows.append(row("communities louvain (igraph multilevel)", size, r_lv, note=r_lv[2]))
    r_sh = measure(shock, graph)
    rows.append(row("demand shock, sparse (I - A)^-1 df", size, r_sh, note=r_sh[2]))
    parts = [r_build, r_pr, r_ld, r_sh]
    total = (sum(p[0] for p in parts), max(p[1] for p in parts), "")
    ok = total[0] < 60 and total[1] < 4096
    rows.append(row("firm total: build + pagerank + leiden + shock", size, total,
                    note=f"target < 60 s and < 4 GB peak: {'met' if ok else 'NOT met'}"))
    total_lv = (sum(p[0] for p in [r_build, r_pr, r_lv, r_sh]), max(p[1] for p in [r_build, r_pr, r_lv, r_sh]), "")
    rows.append(row("firm total with louvain instead of leiden", size, total_lv))
    return rows
