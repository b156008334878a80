"""The HTML report: one self-contained file bundling tables, network views and figures.

:func:`report` assembles :class:`Section` objects into one HTML document: tables
are escaped HTML, figures are embedded as base64 ``data:`` URIs, network views are
inline blocks sharing one inlined copy of vis-network, and the page states the data
source, year(s), unit and method parameters.  Nothing is loaded from the network.

:func:`dataset_report` builds the sections from whatever analyses are installed
(IO position always; network, GVC, resilience and comparison when their modules
are importable), so the report grows with the library.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any, Callable, Mapping

import pandas as pd

from .._validation import check_int
from ..errors import ParameterError
from . import _render
from ._section import SECTION_KINDS, Section

__all__ = ["Section", "report", "dataset_report", "SECTION_KINDS"]


def _table_view(obj: Any, max_rows: int) -> dict[str, Any]:
    """Table context with glossary labels, tooltips and the row/column keys the findings cite."""
    if isinstance(obj, pd.Series):
        obj = obj.to_frame(obj.name if obj.name is not None else "value")
    if not isinstance(obj, pd.DataFrame):
        raise ParameterError(f"A 'table' section needs a DataFrame or Series; got {type(obj).__name__}.")
    shown = obj.head(max_rows)
    names = list(shown.index.names) if shown.index.nlevels > 1 else [shown.index.name]
    has_index = not (shown.index.nlevels == 1 and isinstance(shown.index, pd.RangeIndex))
    from ._glossary import describe, label

    cols = [_render.label_of(c) for c in shown.columns]
    header = ([{"text": str(n) if n is not None else "", "title": "", "col": ""} for n in names] if has_index
              else []) + [{"text": label(c), "title": describe(c), "col": c} for c in cols]
    rows = []
    for key, row in zip(shown.index, shown.itertuples(index=False, name=None)):
        keys = (key if isinstance(key, tuple) else (key,)) if has_index else ()
        cells = [{"text": str(k), "num": False, "col": ""} for k in keys]
        for c, v in zip(cols, row):
            is_num = isinstance(v, (int, float)) and not isinstance(v, bool) or hasattr(v, "dtype")
            cells.append({"text": _render.fmt_number(v) if is_num else str(v), "num": is_num, "col": c})
        rows.append({"key": _render.label_of(key) if has_index else "", "cells": cells})
    return {"header": header, "rows": rows, "n_index": len(names) if has_index else 0,
            "omitted": max(0, len(obj) - len(shown))}


def _table_ctx(obj: Any, max_rows: int) -> dict[str, Any]:
    """Plain table context (header texts, rows of cells), as used by fragments outside the report."""
    v = _table_view(obj, max_rows)
    return {"header": [h["text"] for h in v["header"]], "rows": [r["cells"] for r in v["rows"]],
            "n_index": v["n_index"], "omitted": v["omitted"]}


def _section_ctx(s: Section, k: int) -> dict[str, Any]:
    from .figures import data_uri

    ctx: dict[str, Any] = {"title": s.title, "kind": s.kind, "caption": s.caption, "level": s.level,
                           "anchor": s.anchor or f"s{k}"}
    if s.kind == "table":
        ctx["table"] = _table_view(s.content, s.max_rows)
    elif s.kind == "figure":
        content = s.content
        if hasattr(content, "savefig"):  # a matplotlib Figure
            from .figures import to_png, to_svg

            content = to_svg(content) if s.fmt == "svg" else to_png(content)
        if not isinstance(content, (bytes, bytearray)):
            raise ParameterError(f"A 'figure' section needs a matplotlib Figure or image bytes; "
                                 f"got {type(s.content).__name__}.")
        ctx["src"] = data_uri(bytes(content), s.fmt)
    elif s.kind == "findings":
        from ._findings import render_items

        ctx["findings"] = render_items(s.content)
    elif s.kind == "network":
        from .network import _block

        ctx["block"] = _block(s.content, "640px")
    elif s.kind == "comparison":
        ctx["comparison"] = s.content
    else:
        ctx["text"] = str(s.content if s.content is not None else "")
    return ctx


def report(*sections: Section, title: str = "valuechain report", meta: Any = None,
           params: Mapping[str, Any] | None = None, subtitle: str = "") -> str:
    """Assemble sections into one self-contained HTML report.

    Parameters
    ----------
    *sections : Section
    title : str, default "valuechain report"
    meta : TableMeta or mapping, optional
        Data source, year, unit, prices... shown at the top (a ``TableMeta`` or a
        plain mapping; empty values are skipped).
    params : mapping, optional
        Method parameters shown in a table (e.g. backbone alpha, seed, caps).
    subtitle : str, default ""

    Returns
    -------
    str
        An HTML document; figures are ``data:`` URIs and vis-network is inlined
        (only when a network section is present), so it renders offline.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> html = vc.views.report(vc.views.Section("Multipliers", "table", vc.position.multipliers(t)),
    ...                        meta=t.meta, params={"method": "Leontief"})
    >>> "Miller" in html and "1.518" in html
    True
    """
    for s in sections:
        if not isinstance(s, Section):
            raise ParameterError(f"report takes Section objects; got {type(s).__name__}.")
    if meta is None:
        meta_d: dict[str, Any] = {}
    elif dataclasses.is_dataclass(meta):
        meta_d = dataclasses.asdict(meta)
    else:
        meta_d = dict(meta)
    meta_d.pop("history", None)
    meta_shown = {k: (", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v))
                  for k, v in meta_d.items() if not (v is None or (isinstance(v, (str, list, tuple, dict)) and not v))}
    ctxs = [_section_ctx(s, k) for k, s in enumerate(sections)]
    needs_vis = any(s.kind in ("network", "comparison") for s in sections)
    from .. import __version__

    return _render.render(
        "report.html", title=title, subtitle=subtitle, meta=meta_shown,
        params={str(k): str(v) for k, v in (params or {}).items()}, sections=ctxs, needs_vis=needs_vis,
        version=__version__, generated=_dt.date.today().isoformat(),
    )


def dataset_report(table: Any, table2: Any = None, *, top: int = 15, max_nodes: int = 120, max_edges: int = 300,
                   alpha: float = 0.05, seed: int = 0, strict: bool = False,
                   progress: Callable[[str, int, int], None] | None = None, volumes: Any = "auto",
                   min_share: float = 0.005, activity: Any = None, scenarios: Any = None) -> str:
    """The standard report of one table (or of two years of it).

    The report opens with **Key findings**: 5-8 generated sentences whose numbers
    link to the table they come from.  Then, each section included when its
    analysis module is installed (or a note saying why not and what to load):
    data summary (table type, price basis); IO position; what grew and shrank (in
    volume when the data allow it); dependencies (import dependence, supplier
    concentration for MRIOs); employment; supply network (interactive view, central
    industries, named communities); clusters; GVC for multi-region tables;
    resilience (removal curves); and, with ``table2``, the reconfiguration between
    the years (summary, size-aware movers, side-by-side networks with the same node
    positions, rank changes, community flows).

    Parameters
    ----------
    table : IOTable
    table2 : IOTable, optional
        A later year of the same table (same nodes).
    top : int, default 15
        Rows of the ranking tables.
    max_nodes, max_edges : int, default 120, 300
        Caps of the network views (see :func:`network_view`).
    alpha : float, default 0.05
        Backbone significance level of the network views and comparison.
    seed : int, default 0
        Seed of community detection and layouts.
    strict : bool, default False
        Re-raise an error of any analysis; otherwise the failed section says what
        went wrong (and the rest of the report is still written).
    progress : callable(step, done, total), optional
        Called before each section is computed.
    volumes : "auto", DataFrame or None, default "auto"
        Chain-linked volume indices by node (``valuechain.compare.chain_linked_volumes``)
        for the change between the two years.  ``"auto"`` computes them when the
        data allow it (IBGE's previous-year-price tables for the embedded
        ``brazil`` data); ``None`` (or when unavailable) compares at current prices
        and says so loudly.
    min_share : float, default 0.005
        Size threshold of rankings and findings: industries with less than this
        share of gross output are not ranked.
    activity : DataFrame, optional
        Regional activity (region x industry) for the clusters section.
    scenarios : result, list or dict of results, optional
        Scenario runs to report: price runs (:func:`~valuechain.resilience.price_shock`),
        tariff runs (:func:`~valuechain.resilience.tariff_shock`) and quantity runs
        (:func:`~valuechain.resilience.demand_shock` and the other static shocks).  A
        dict names them; otherwise they are named after the shock ("price of
        Electricity & gas +60 %").  Each gets its tables and a key finding (the
        consumer-price impact of a price run); two or more are also shown side by side
        (:func:`valuechain.compare.scenarios`).

    Returns
    -------
    str
        The HTML report.

    Examples
    --------
    >>> html = vc.views.dataset_report(vc.datasets.load("testmrio"), strict=True)
    >>> "M.EUR" in html and "2010" in html
    True
    """
    from . import _sections

    from .._validation import check_number

    top = check_int(top, "top", "dataset_report", low=1)
    min_share = check_number(min_share, "min_share", "dataset_report", low=0, high=1)
    if isinstance(volumes, str):
        if volumes != "auto":
            raise ParameterError(f"The 'volumes' parameter of dataset_report must be 'auto', a DataFrame or None. "
                                 f"Got {volumes!r} instead.")
        volumes = _sections.auto_volumes(table, table2)
    opts = {"top": top, "max_nodes": max_nodes, "max_edges": max_edges, "alpha": alpha, "seed": seed,
            "volumes": volumes, "min_share": min_share, "activity": activity,
            "scenarios": _sections.scenario_dict(scenarios)}
    sections, params = _sections.build(table, table2, opts, strict=strict, progress=progress)
    meta = dataclasses.asdict(table.meta)
    if table2 is not None:
        meta["year"] = f"{table.meta.year} and {table2.meta.year}"
    s = table.summary()
    plural = "region" if s["regions"] == 1 else "regions"
    meta["nodes"] = f"{s['nodes']} ({s['regions']} {plural} x {s['sectors']} sectors)"
    name = table.meta.name or "table"
    years = f"{table.meta.year}" + (f" vs {table2.meta.year}" if table2 is not None else "")
    return report(*sections, title=f"{name} {years}".strip(), meta=meta, params=params,
                  subtitle="Value-chain analysis report")
