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

#: 12 categorical hues chosen to stay distinguishable with the common colour-vision
#: deficiencies (Paul Tol's "muted" scheme plus three Okabe-Ito hues).  Beyond 12
#: categories, categories are grouped (by bloc for country codes, by section letter
#: for ISIC-like codes, else in order) and each group's members get shades of one hue.
PALETTE = (
    "#0072B2", "#E69F00", "#117733", "#CC6677", "#88CCEE", "#882255", "#44AA99", "#DDCC77",
    "#332288", "#D55E00", "#999933", "#AA4499",
)
OTHER_COLOR = "#c8c8c8"

#: Bloc of the country codes used by the MRIO databases (WIOD, ICIO, FIGARO, EXIOBASE).
BLOCS = {
    **dict.fromkeys("AUT BEL BGR CYP CZE DEU DNK ESP EST FIN FRA GRC HRV HUN IRL ITA LTU LUX LVA MLT NLD POL PRT "
                    "ROU SVK SVN SWE".split(), "EU"),
    **dict.fromkeys("GBR NOR CHE ISL TUR RUS UKR SRB BLR MKD ALB BIH MNE MDA".split(), "other Europe"),
    **dict.fromkeys("USA CAN MEX".split(), "North America"),
    **dict.fromkeys("BRA ARG CHL COL PER CRI ECU URY VEN BOL PRY".split(), "Latin America"),
    **dict.fromkeys("CHN JPN KOR TWN HKG IND IDN MYS PHL SGP THA VNM KHM LAO BRN MMR BGD PAK LKA NPL KAZ "
                    "MNG".split(), "Asia"),
    **dict.fromkeys("AUS NZL".split(), "Oceania"),
    **dict.fromkeys("SAU ARE ISR IRN EGY MAR TUN ZAF NGA KEN ETH CMR CIV AGO DZA JOR KWT QAT OMN BHR SEN "
                    "TZA".split(), "Africa & Middle East"),
}

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


def _group_of(v: Any) -> str | None:
    text = str(v)
    if text in BLOCS:
        return BLOCS[text]
    if text.upper() in ("ROW", "WLD", "REST OF THE WORLD"):
        return "rest of the world"
    if len(text) >= 2 and text[0].isalpha() and text[0].isupper() and text[1:2].isdigit():
        return f"section {text[0]}"  # ISIC/NACE-like codes: C20, A01 ...
    return None


def _shade(hex_color: str, t: float) -> str:
    """Lighten (t > 0) or darken (t < 0) a colour."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    if t >= 0:
        r, g, b = (round(c + (255 - c) * t) for c in (r, g, b))
    else:
        r, g, b = (round(c * (1 + t)) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def color_map(values: list, groups: dict | None = None) -> dict:
    """Colour per distinct value (by order of the values given: pass them sorted for
    colours that do not depend on which nodes are drawn).

    Up to 12 values: one palette hue each.  More: values are grouped (``groups``
    maps value -> group; default: bloc of a country code, section letter of an
    ISIC-like code, else blocks of consecutive values), each group gets a hue and
    its members shades of it, so no category falls back to grey.

    Examples
    --------
    >>> from valuechain.views._render import color_map
    >>> cm = color_map([f"r{i}" for i in range(30)])
    >>> len(set(cm.values())), "#c8c8c8" in cm.values()
    (30, False)
    """
    distinct = list(dict.fromkeys(values))
    if len(distinct) <= len(PALETTE):
        return {v: PALETTE[k] for k, v in enumerate(distinct)}
    if groups is None:
        found = {v: _group_of(v) for v in distinct}
        if sum(g is not None for g in found.values()) >= 0.8 * len(distinct):
            groups = {v: (g if g is not None else "other") for v, g in found.items()}
        else:
            per = -(-len(distinct) // len(PALETTE))
            groups = {v: k // per for k, v in enumerate(distinct)}
    members: dict = {}
    for v in distinct:
        members.setdefault(groups.get(v, "other"), []).append(v)
    out: dict = {}
    for gi, (g, vs) in enumerate(members.items()):
        base = PALETTE[gi % len(PALETTE)]
        round_ = gi // len(PALETTE)  # more groups than hues: the next round starts darker
        n = len(vs)
        for j, v in enumerate(vs):
            t = 0.0 if n == 1 else -0.35 + 0.8 * j / (n - 1)
            out[v] = _shade(base, max(-0.6, min(0.7, t - 0.25 * round_)))
    seen: dict = {}
    for v, c in out.items():  # resolve the rare collision (identical shade) with a small step
        while c in seen:
            c = _shade(c, 0.08)
        seen[c] = v
        out[v] = c
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
