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
from .report import Section

__all__ = ["price_sections", "price_section"]


def _applied(meta: dict) -> str:
    parts = [f"{k} {v:+.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in (meta.get("cost") or {}).items()]
    parts += [f"price of {k} {v:+.4g}" for k, v in (meta.get("fixed") or {}).items()]
    return ", ".join(parts) or "none"


def price_sections(result: Any, *, top: int = 15) -> list[Section]:
    """Sections describing a price or tariff run: final-demand impact, the most affected nodes, the method.

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
        fd = result.final_demand[["value", "cost_change", "cost_increase", "from_prices", "from_direct"]]
        nodes = result.nodes[["price", "price_change", "cost_shock", "implied_value_added_change"]]
        return [
            Section("Price scenario", "text", text),
            Section("Cost increase by final-demand category", "table", fd, level=3,
                    caption="cost_increase: relative rise in the cost of each category's purchases at purchasers' "
                            "prices (Y plus the primary inputs bought directly, VY): the consumer-price impact of a "
                            "consumption category. from_prices: through the prices of the goods; from_direct: "
                            "through direct purchases of imports and product taxes."),
            Section("Largest price increases", "table", nodes.sort_values("price_change", ascending=False).head(top),
                    level=3, caption=f"The {top} nodes with the largest price change."),
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
    >>> html.count("<section") == 3 and "1.1" in html
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
