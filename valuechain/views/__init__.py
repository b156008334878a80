"""Views: interactive network pages, static figures and the HTML report.

Every view returns a string (HTML) and every figure a matplotlib ``Figure``
(:func:`to_png` / :func:`to_svg` give the image bytes); writing is left to the
caller (the CLI writes atomically).  HTML works offline: vis-network's JS/CSS are
inlined from the installed pyvis package and images are embedded as data URIs.

* :func:`network_view`, :func:`comparison_view`, :func:`network_data`, :func:`node_metrics`
* figures: :func:`robustness_figure`, :func:`bump_chart`, :func:`position_scatter`,
  :func:`community_flows`, :func:`product_space_map`
* report: :func:`report`, :class:`Section`, :func:`dataset_report`

pyvis, jinja2 and matplotlib are imported only when a view is built.
"""

from __future__ import annotations

import importlib
from typing import Any

# Eager (cheap: pandas only) so that the name ``report`` is the function, not the
# submodule valuechain.views.report.
from .report import Section, dataset_report, report

__all__ = [
    "network_view",
    "network_data",
    "comparison_view",
    "node_metrics",
    "robustness_figure",
    "bump_chart",
    "position_scatter",
    "community_flows",
    "product_space_map",
    "save_figure",
    "data_uri",
    "to_png",
    "to_svg",
    "report",
    "Section",
    "dataset_report",
]

_WHERE = {
    "network_view": "network",
    "network_data": "network",
    "comparison_view": "network",
    "node_metrics": "network",
    "robustness_figure": "figures",
    "bump_chart": "figures",
    "position_scatter": "figures",
    "community_flows": "figures",
    "product_space_map": "figures",
    "save_figure": "figures",
    "data_uri": "figures",
    "to_png": "figures",
    "to_svg": "figures",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'valuechain.views' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
