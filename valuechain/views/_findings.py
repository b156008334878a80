"""The report's "Key findings": plain-language sentences whose numbers cite report tables.

A finding is a list of parts: plain strings and *citations* made by :func:`cite`.
A citation carries the anchor of the table it comes from, the row key and the
column, and shows the table's own (already rounded) value, so every number in the
findings is the number a reader finds in the cited table (tests/test_report.py
checks this on the rendered page).

:func:`key_findings` reads what the section adapters left in the report context
(``ctx["cited"]``: anchor -> the DataFrame shown) and writes 5-8 sentences: what
grew or shrank (in volume when the data allow it, else loudly in current prices),
which industries moved in the network, where import dependence rose, what the
removal runs say, and the caveats.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from . import _render
from ._section import Section

__all__ = ["cite", "render_items", "key_findings", "Cited"]


class Cited(dict):
    """A table registered for citation: ``frame`` (as shown), ``title``, ``anchor``."""


def register(ctx: dict, anchor: str, frame: pd.DataFrame, title: str) -> pd.DataFrame:
    """Remember a table shown in the report so that findings can cite it."""
    ctx.setdefault("cited", {})[anchor] = Cited(frame=frame, title=title, anchor=anchor)
    return frame


def cite(ctx: dict, anchor: str, row: Any, col: str, *, unit: str = "", signed: bool = False,
         text: str | None = None) -> dict:
    """A citation of one cell of a registered table; the text shows the cell's value."""
    frame = ctx["cited"][anchor]["frame"]
    value = frame.loc[row, col]
    shown = _render.fmt_number(value)
    if signed and isinstance(value, (int, float)) and math.isfinite(float(value)) and float(value) > 0:
        shown = "+" + shown
    return {"text": text if text is not None else shown + (f" {unit}" if unit else ""), "ref": anchor,
            "row": _render.label_of(row), "col": str(col), "value": value}


def render_items(items: list) -> list[dict]:
    """Template context of a findings section."""
    out = []
    for item in items:
        parts, see, see_title = (item.get("parts", []), item.get("see", ""), item.get("see_title", "")) \
            if isinstance(item, dict) else (item, "", "")
        ctx_parts = []
        for p in parts:
            if isinstance(p, dict):
                ctx_parts.append({"text": p["text"], "ref": p["ref"], "row": p["row"], "col": p["col"]})
            else:
                ctx_parts.append({"text": str(p), "ref": "", "row": "", "col": ""})
        out.append({"parts": ctx_parts, "see": see, "see_title": see_title})
    return out


def _name(key: Any, one_region: bool) -> str:
    if isinstance(key, tuple) and one_region:
        return str(key[-1])
    return _render.label_of(key)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _listed(ctx: dict, anchor: str, rows: list, col: str, one_region: bool, *, unit: str = "",
            signed: bool = False) -> list:
    parts: list = []
    for k, r in enumerate(rows):
        if k:
            parts.append(" and " if k == len(rows) - 1 else ", ")
        parts += [f"{_name(r, one_region)} (", cite(ctx, anchor, r, col, unit=unit, signed=signed), ")"]
    return parts


def _category(key: Any) -> str:
    return str(key[-1] if isinstance(key, tuple) else key)


def _scenario_findings(ctx: dict, one_region: bool) -> list[dict]:
    """One sentence per scenario run (at most two): the consumer-price or output impact, with citations."""
    from ..resilience import PriceResult, ShockResult, TariffResult

    cited = ctx.get("cited", {})
    items: list[dict] = []
    for name, anchor, r in ctx.get("scenario_anchors", [])[:2]:
        if anchor not in cited:
            continue
        frame = cited[anchor]["frame"]
        see = {"see": anchor, "see_title": cited[anchor]["title"]}
        if isinstance(r, PriceResult):
            col = "cost increase %"
            hh = [i for i in frame.index if "household" in _category(i).lower()]
            row = max(hh, key=lambda i: frame.loc[i, col]) if hh else frame[col].idxmax()
            what = "household consumption" if hh else f"“{_category(row)}” final demand"
            if not one_region and isinstance(row, tuple):
                what += f" in {row[0]}"
            yr = r.metadata.get("year")
            parts = [f"Scenario “{name}” ({f'{yr}, ' if yr else ''}Leontief price model, quantities unchanged): "
                     f"the cost of {what} would "
                     "rise by ", cite(ctx, anchor, row, col, unit="%", signed=True)]
            nodes = cited.get(anchor + "-nodes", {}).get("frame")
            if nodes is not None:
                endo = nodes[~nodes["fixed price"].astype(bool)]
                top = [i for i in endo.index[:2] if endo.loc[i, "price change %"] > 0]
                if top:
                    parts += ["; the largest price increases among the other industries are in "]
                    parts += _listed(ctx, anchor + "-nodes", top, "price change %", one_region, unit="%",
                                     signed=True)
            items.append({"parts": parts + ["."], **see})
        elif isinstance(r, TariffResult):
            col = "exports_tariff_total"
            row = frame[col].idxmax()
            items.append({"parts": [f"Scenario “{name}” (cumulative tariffs): the tariff cost embodied in exports, "
                                    f"per unit of export value, is highest for {_render.label_of(row)} (",
                                    cite(ctx, anchor, row, col), ")."], **see})
        elif isinstance(r, ShockResult):
            col = "output change %"
            row = frame[col].idxmin()
            items.append({"parts": [f"Scenario “{name}” ({r.model}): output falls most in {_name(row, True)} (",
                                    cite(ctx, anchor, row, col, unit="%", signed=True), ")."], **see})
    return items


def key_findings(ctx: dict) -> Section:
    """The "Key findings" section built from the cited tables of the report context."""
    cited = ctx.get("cited", {})
    t, t2 = ctx["table"], ctx["table2"]
    one_region = t.regions.size == 1
    unit = t.meta.unit or "table units"
    items: list[dict] = []
    growth = cited.get("t-growth")
    y0 = t.meta.year
    y1 = t2.meta.year if t2 is not None else None
    total = ctx.get("total_key")
    if growth is not None and total is not None:
        g = growth["frame"]
        vol = "volume change %" in g.columns
        if vol:
            parts = [f"In real terms (volumes), gross output changed by ",
                     cite(ctx, "t-growth", total, "volume change %", unit="%", signed=True),
                     f" between {y0} and {y1}, while its value at current prices changed by ",
                     cite(ctx, "t-growth", total, "current-price change %", unit="%", signed=True),
                     "; the difference is price change ("]
            parts += [cite(ctx, "t-growth", total, "price change %", unit="%", signed=True), ")."]
            if "value added volume change %" in g.columns and pd.notna(g.loc[total, "value added volume change %"]):
                parts[-1] = "); "
                parts += ["value added in volume changed by ",
                          cite(ctx, "t-growth", total, "value added volume change %", unit="%", signed=True), "."]
        else:
            parts = [f"At current prices (not adjusted for inflation: price and volume changes are mixed), "
                     f"gross output changed by ", cite(ctx, "t-growth", total, "current-price change %",
                                                       unit="%", signed=True), f" between {y0} and {y1}."]
        items.append({"parts": parts, "see": "t-growth", "see_title": growth["title"]})
        col = "volume change %" if vol else "current-price change %"
        body = g.drop(index=total)
        body = body[pd.to_numeric(body[col], errors="coerce").notna()]
        ups = [r for r in body.sort_values(col, ascending=False).index[:3] if body.loc[r, col] > 0]
        downs = [r for r in body.sort_values(col).index[:3] if body.loc[r, col] < 0]
        what = "in volume" if vol else "at current prices"
        parts = []
        if ups:
            parts += [f"Among industries with at least {ctx['min_share_pct']:g} % of output, the largest gains "
                      f"{what} were in "] + _listed(ctx, "t-growth", ups, col, one_region, unit="%", signed=True)
        if downs:
            parts += ["; the largest falls in " if ups else
                      f"Among industries with at least {ctx['min_share_pct']:g} % of output, the largest falls "
                      f"{what} were in "] + _listed(ctx, "t-growth", downs, col, one_region, unit="%", signed=True)
        if parts:
            items.append({"parts": parts + ["."], "see": "t-growth", "see_title": growth["title"]})
    elif "t-structure" in cited:
        s = cited["t-structure"]["frame"]
        big = s.drop(index=total) if total is not None and total in s.index else s
        top = list(big.sort_values("share of output %", ascending=False).index[:3])
        items.append({"parts": [f"The largest industries by gross output ({unit}, {y0}) are "]
                      + _listed(ctx, "t-structure", top, "share of output %", one_region, unit="% of output")
                      + ["."], "see": "t-structure", "see_title": cited["t-structure"]["title"]})
        if "output_multiplier" in s.columns:
            r = big["output_multiplier"].idxmax()
            items.append({"parts": ["Final demand for ", _name(r, one_region), " pulls the most production "
                                    "through the economy: ", cite(ctx, "t-structure", r, "output_multiplier"),
                                    " of output per unit of final demand (output multiplier)."],
                          "see": "t-structure", "see_title": cited["t-structure"]["title"]})
    if "t-movers" in cited:
        m = cited["t-movers"]["frame"]
        rows = list(m.index[:3])
        if rows:
            parts = ["The industries whose place in the supply network changed most (reconfiguration score, 0 = "
                     f"unchanged, 1 = completely; industries with at least {ctx['min_share_pct']:g} % of output) "
                     "were "] + _listed(ctx, "t-movers", rows, "score", one_region) + ["."]
            items.append({"parts": parts, "see": "t-movers", "see_title": cited["t-movers"]["title"]})
    if "t-imports" in cited:
        imp = cited["t-imports"]["frame"]
        key = ctx.get("imports_total_key")
        what = "imported" if one_region else "bought from other regions"
        if "change pp" in imp.columns and key is not None:
            cols = [c for c in imp.columns if c.startswith("import share of inputs %")]
            parts = [f"The share of intermediate inputs {what} went from ",
                     cite(ctx, "t-imports", key, cols[0], unit="%"), " to ", cite(ctx, "t-imports", key, cols[1],
                                                                                  unit="%"),
                     " ("] + [cite(ctx, "t-imports", key, "change pp", unit="percentage points", signed=True), ")"]
            body = imp.drop(index=key)
            rose = [r for r in body.sort_values("change pp", ascending=False).index[:3] if body.loc[r, "change pp"] > 0]
            if rose:
                parts += ["; import dependence rose most in "] + _listed(ctx, "t-imports", rose, "change pp",
                                                                          one_region, unit="pp", signed=True)
            items.append({"parts": parts + ["."], "see": "t-imports", "see_title": cited["t-imports"]["title"]})
        elif key is not None:
            col = [c for c in imp.columns if c.startswith("import share of inputs %")][0]
            body = imp.drop(index=key)
            top = list(body.sort_values(col, ascending=False).index[:3])
            parts = [f"Overall, ", cite(ctx, "t-imports", key, col, unit="%"),
                     f" of intermediate inputs are {what}; the most import-dependent industries are "]
            parts += _listed(ctx, "t-imports", top, col, one_region, unit="%")
            items.append({"parts": parts + ["."], "see": "t-imports", "see_title": cited["t-imports"]["title"]})
    if "t-communities" in cited:
        c = cited["t-communities"]["frame"]
        if len(c):
            first = c.index[0]
            parts = [f"The supply network splits into {len(c)} communities of closely trading industries; the "
                     f"largest, “{first}”, holds ", cite(ctx, "t-communities", first, "share of output %", unit="%"),
                     " of output."]
            items.append({"parts": parts, "see": "t-communities", "see_title": cited["t-communities"]["title"]})
    if "t-robustness" in cited:
        r = cited["t-robustness"]["frame"]
        col = [c for c in r.columns if c.startswith("output left")]
        if col and {"pagerank", "random"} <= set(r.index):
            parts = ["Removing the most central industries first (PageRank) leaves ",
                     cite(ctx, "t-robustness", "pagerank", col[0], unit="%"), " of output after "
                     f"{ctx.get('removed_pct', 10):g} % of industries are removed, against ",
                     cite(ctx, "t-robustness", "random", col[0], unit="%"), " for random removal."]
            items.append({"parts": parts, "see": "t-robustness", "see_title": cited["t-robustness"]["title"]})
    items += _scenario_findings(ctx, one_region)
    # caveats
    cav = [f"Caveats: values in {unit}"]
    if ctx.get("volumes") is not None:
        cav.append(f"; volumes are chain-linked from the previous-year-price tables ({ctx['volume_rule']})")
    elif t2 is not None:
        cav.append("; CURRENT PRICES: changes between the years include inflation (give deflators or "
                   "previous-year-price tables for volumes)")
    if one_region and (t.V.index.get_level_values("kind") == "imports").any():
        cav.append("; a national table with domestic flows (imports are a primary input, so import dependence "
                   "counts imported inputs, not the countries they come from)")
    elif not one_region:
        cav.append(f"; a multi-regional table of {t.regions.size} regions")
    cav.append(f"; source: {t.meta.source or 'not stated'}.")
    items = items[:7] + [{"parts": ["".join(cav)], "see": "data", "see_title": "Data"}]  # the caveats always stay
    return Section("Key findings", "findings", items, anchor="findings",
                   caption="Generated from the tables of this report; every number links to the table it comes "
                           "from. Rankings consider only industries above the stated size threshold.")
