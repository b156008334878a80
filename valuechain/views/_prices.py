"""Report sections for a price scenario (:func:`~valuechain.resilience.price_shock`) or a tariff run.

:func:`price_sections` turns a :class:`~valuechain.resilience.PriceResult` or
:class:`~valuechain.resilience.TariffResult` into :class:`~valuechain.views.Section`
objects for :func:`~valuechain.views.report`; :func:`price_section` renders them as
one HTML fragment (escaped, no external resources) to place inside a report page.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import ParameterError
from ._section import Section

__all__ = ["price_sections", "price_section", "price_tables"]


def _applied(meta: dict) -> str:
    parts = [f"{k} {v:+.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in (meta.get("cost") or {}).items()]
    parts += [f"price of {k} {v:+.4g}" for k, v in (meta.get("fixed") or {}).items()]
    return ", ".join(parts) or "none"


def _pct(s: pd.Series, digits: int = 2) -> pd.Series:
    return (100 * s.astype(float)).round(digits)


def price_tables(result: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables a reader of a price run looks at, in percent: by final-demand category and by node."""
    fd = result.final_demand
    unit = result.metadata.get("unit") or ""
    fdt = pd.DataFrame({f"purchases ({unit})".replace(" ()", ""): fd["value"].round(1),
                        "cost increase %": _pct(fd["cost_increase"]),
                        "through goods' prices %": _pct(fd["from_prices"]),
                        "through direct purchases %": _pct(fd["from_direct"])}, index=fd.index)
    n = result.nodes
    nodes = pd.DataFrame({"price change %": _pct(n["price_change"]), "cost shock %": _pct(n["cost_shock"]),
                          "fixed price": n["fixed"].astype(bool)}, index=n.index)
    return fdt, nodes


def price_sections(result: Any, *, top: int = 15, anchor: str = "") -> list[Section]:
    """Sections describing a price or tariff run: final-demand impact, the most affected nodes, the method.

    With *anchor*, the final-demand (price run) or region (tariff run) table gets
    that HTML id, so that the report's key findings can link to it.

    Examples
    --------
    >>> from valuechain.views._prices import price_sections
    >>> r = vc.resilience.price_shock(vc.datasets.load("miller_blair"), cost={"value_added": 0.1})
    >>> [s.title for s in price_sections(r)]
    ['Price scenario', 'Cost increase by final-demand category', 'Largest price increases']
    """
    from ..resilience.prices import PriceResult, TariffResult

    if isinstance(result, PriceResult):
        m = result.metadata
        text = (f"Leontief cost-push price model (p' = p'A + v'; prices 1 = unchanged) on {m.get('name') or 'the table'}"
                f"{' ' + str(m['year']) if m.get('year') else ''}. Shock: {_applied(m)}; pass-through "
                f"{m.get('passthrough')}. Quantities are held fixed. Fixed-price nodes' value added absorbs the gap "
                f"(implied change {m.get('implied_value_added_change', 0):,.6g} {m.get('unit') or ''}).")
        fd, nodes = price_tables(result)
        return [
            Section("Price scenario", "text", text),
            Section("Cost increase by final-demand category", "table", fd, level=3, anchor=anchor,
                    caption="Cost increase: the relative rise in the cost of each category's purchases at purchasers' "
                            "prices (goods Y plus the primary inputs bought directly, VY), i.e. the consumer-price "
                            "impact of a consumption category; split into the part through the prices of the goods "
                            "and the part through direct purchases of imports and product taxes."),
            Section("Largest price increases", "table", nodes.sort_values("price change %", ascending=False).head(top),
                    level=3, caption=f"The {top} nodes with the largest price change (cost shock: the primary-input "
                                     "cost change per unit of output passed on to prices)."),
        ]
    if isinstance(result, TariffResult):
        m = result.metadata
        text = (f"Cumulative tariffs (p' = p'(A∘(1+T)) + v'): tariffs compound along the chain. "
                f"{m.get('tariffed_flows', 0)} tariffed intermediate flows, mean rate "
                f"{m.get('mean_tariff_on_tariffed_inputs', 0):.4g}; largest compounding effect "
                f"{m.get('max_compounding', 0):.3g}.")
        nodes = result.nodes[["cumulative_tariff", "direct", "indirect", "foreign_share", "compounding"]]
        return [
            Section("Tariff scenario", "text", text),
            Section("Tariff burden by region", "table", result.regions.sort_values("exports_tariff_total",
                                                                                   ascending=False), level=3,
                    anchor=anchor,
                    caption="Exports: upstream tariff content and total with the destination's tariff, per unit "
                            "of export value; final demand: the cost increase of each region's final purchases; "
                            "foreign share: the part levied by other countries (Rouzet & Miroudot 2013)."),
            Section("Largest cumulative tariffs", "table",
                    nodes.sort_values("cumulative_tariff", ascending=False).head(top), level=3),
        ]
    raise ParameterError(f"The 'result' parameter of price_sections must be a PriceResult or a TariffResult. "
                         f"Got {type(result).__name__} instead.")


_FRAGMENT = """\
{% for s in sections %}
<section class="vc-section vc-kind-{{ s.kind }}">
{% if s.level == 2 %}<h2>{{ s.title }}</h2>{% else %}<h3>{{ s.title }}</h3>{% endif %}
{% if s.kind == "table" %}
<table class="vc-table">
<thead><tr>{% for h in s.table.header %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in s.table.rows %}<tr>{% for c in row %}<td{% if c.num %} class="num"{% endif %}>{{ c.text }}</td>{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
{% if s.table.omitted %}<p class="vc-note">{{ s.table.omitted }} more rows not shown.</p>{% endif %}
{% else %}
<p>{{ s.text }}</p>
{% endif %}
{% if s.caption %}<p class="vc-note">{{ s.caption }}</p>{% endif %}
</section>
{% endfor %}
"""


def price_section(result: Any, *, top: int = 15) -> str:
    """The sections of :func:`price_sections` as one escaped HTML fragment (no external resources).

    Examples
    --------
    >>> from valuechain.views._prices import price_section
    >>> r = vc.resilience.price_shock(vc.datasets.load("miller_blair"), cost={"value_added": 0.1})
    >>> html = price_section(r)
    >>> html.count("<section") == 3 and "cost increase %" in html
    True
    """
    from . import _render
    from .report import _table_ctx

    ctxs = []
    for s in price_sections(result, top=top):
        c: dict[str, Any] = {"title": s.title, "kind": s.kind, "caption": s.caption, "level": s.level}
        if s.kind == "table":
            c["table"] = _table_ctx(s.content if isinstance(s.content, pd.DataFrame) else pd.DataFrame(s.content),
                                    s.max_rows)
        else:
            c["text"] = str(s.content)
        ctxs.append(c)
    return _render.env().from_string(_FRAGMENT).render(sections=ctxs)
