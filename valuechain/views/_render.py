"""Rendering helpers shared by the views: Jinja environment, safe JSON, colours.

Safety rules (every view follows them)
--------------------------------------
* Templates are rendered with autoescaping on: any label placed in HTML text or
  attributes is escaped (``<`` becomes ``&lt;``).
* Data for JavaScript travels as JSON inside ``<script type="application/json">``
  with ``<``, ``>``, ``&`` and the JS line separators written as ``\\uXXXX``
  escapes, so no label can close the script block; the page's JavaScript builds
  tooltips, legends and menus with ``textContent`` (never ``innerHTML``).
"""

from __future__ import annotations

import functools
import json
import math
from typing import Any

__all__ = ["env", "json_script", "PALETTE", "fmt_number", "label_of"]

#: A categorical palette (colour-blind aware, after Okabe-Ito and Tableau 20).
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
    "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5",
)
OTHER_COLOR = "#c8c8c8"

_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_script(obj: Any) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    Examples
    --------
    >>> from valuechain.views._render import json_script
    >>> json_script({"label": "</script><b>"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, default=_default)
    return "".join(_JS_ESCAPES.get(ch, ch) for ch in text)


def _default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return _finite(float(o))
    if isinstance(o, np.bool_):
        return bool(o)
    return str(o)


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


@functools.lru_cache(maxsize=1)
def env():
    """The Jinja environment for ``valuechain/views/templates`` (autoescape on)."""
    import jinja2

    e = jinja2.Environment(
        loader=jinja2.PackageLoader("valuechain.views", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    e.filters["json_script"] = lambda obj: __import__("markupsafe").Markup(json_script(obj))
    e.filters["num"] = fmt_number
    return e


def fmt_number(v: Any, digits: int = 4) -> str:
    """A short human form of a number: ``1,234,568`` / ``2019`` / ``0.1235`` / ``-``."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not math.isfinite(f):
        return "-"
    if f == int(f) and abs(f) < 1e15:
        return f"{int(f):,}" if abs(f) >= 10000 else str(int(f))
    if abs(f) >= 10 ** digits:
        return f"{f:,.0f}"
    return f"{f:.{digits}g}"


def label_of(key: Any) -> str:
    """A node label as text: ``('DEU', 'C20')`` -> ``"DEU · C20"``."""
    if isinstance(key, tuple):
        return " · ".join(str(k) for k in key)
    return str(key)


def color_map(values: list) -> dict:
    """Colour per distinct value, by first appearance; beyond the palette, grey."""
    out: dict = {}
    for v in values:
        if v not in out:
            out[v] = PALETTE[len(out)] if len(out) < len(PALETTE) else OTHER_COLOR
    return out


@functools.lru_cache(maxsize=None)
def _static(name: str) -> str:
    from importlib import resources

    return resources.files("valuechain.views").joinpath("templates", name).read_text(encoding="utf-8")


def assets() -> dict[str, Any]:
    """Inline CSS/JS for pages that show networks: vis-network plus our own code."""
    from markupsafe import Markup

    from . import _assets

    return {
        "vis_css": Markup(_assets.vis_css()),
        "vis_js": Markup(_assets.vis_js()),
        "vis_version": _assets.vis_version(),
        "vc_css": Markup(_static("views.css")),
        "vc_js": Markup(_static("network.js")),
    }


def render(template: str, **context: Any) -> str:
    """Render one of the templates with the inline assets available."""
    return env().get_template(template).render(**assets(), **context)
