"""Static figures (matplotlib, Agg): robustness curves, rank changes, position scatter,
community flows between years, product-space map.

Every function takes plain pandas objects (so it does not depend on the module that
computed them), draws on a fresh :class:`matplotlib.figure.Figure` (no pyplot, no
global state) and returns that figure (it displays inline in Jupyter).  :func:`to_png`
and :func:`to_svg` turn a figure into image bytes (``fmt``/``dpi`` of the figure
function set the defaults of :func:`to_bytes`); :func:`save_figure` writes a figure
or bytes atomically; :func:`data_uri` embeds them in HTML.  For older callers the
returned figure still behaves like its image bytes under ``bytes(fig)`` and slicing
(``fig[:4]``).
SVG output is reproducible (no date, fixed element ids).  Labels are drawn as plain text
(``text.parse_math`` off): a ``$...$`` in a region or sector name is shown as written,
never parsed as mathtext (which drops the figure on a parse error).
"""

from __future__ import annotations

import base64
import functools
import os
from pathlib import Path
from typing import Any, Callable, TypeVar

import numpy as np
import pandas as pd

from .._validation import check_choice, check_int
from ..errors import ParameterError
from . import _render

__all__ = [
    "to_png",
    "to_svg",
    "to_bytes",
    "robustness_figure",
    "bump_chart",
    "position_scatter",
    "community_flows",
    "product_space_map",
    "save_figure",
    "data_uri",
]

_F = TypeVar("_F", bound=Callable[..., Any])
_FORMATS = ("png", "svg")
_MIME = {"png": "image/png", "svg": "image/svg+xml"}


# --------------------------------------------------------------------------- plumbing
def _plain_text(func: _F) -> _F:
    """Run a figure function with mathtext off, so labels from data are drawn as text."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        with matplotlib.rc_context({"text.parse_math": False}):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@functools.lru_cache(maxsize=1)
def _figure_class() -> type:
    from matplotlib.figure import Figure

    class VCFigure(Figure):
        """A matplotlib Figure that remembers its export format (``fmt``, ``dpi``).

        ``bytes(fig)`` and ``fig[:n]`` give the image bytes in that format, so code
        written for the figure functions' former bytes return keeps working.
        """

        vc_fmt = "png"
        vc_dpi = 120

        def to_png(self, dpi: int | None = None) -> bytes:
            return _export(self, "png", dpi or self.vc_dpi)

        def to_svg(self) -> bytes:
            return _export(self, "svg", self.vc_dpi)

        def __bytes__(self) -> bytes:
            return _export(self, self.vc_fmt, self.vc_dpi)

        def __getitem__(self, key: Any) -> Any:
            return bytes(self)[key]

    VCFigure.__module__ = __name__
    return VCFigure


def _figure(width: float, height: float, *, left: float = 0.7, right: float = 0.25, top: float = 0.45,
            bottom: float = 0.6):
    """A figure with fixed margins in inches (cheaper than constrained layout)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = _figure_class()(figsize=(width, height))
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height)
    FigureCanvasAgg(fig)
    return fig


def _export(fig: Any, fmt: str, dpi: int) -> bytes:
    import io

    import matplotlib

    buf = io.BytesIO()
    if fmt == "svg":
        with matplotlib.rc_context({"svg.hashsalt": "valuechain", "svg.fonttype": "path"}):
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "valuechain"})
    else:
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": "valuechain"})
    return buf.getvalue()


def _finish(fig: Any, fmt: str, dpi: int) -> Any:
    fig.vc_fmt, fig.vc_dpi = fmt, int(dpi)
    return fig


def to_png(fig: Any, dpi: int | None = None) -> Any:
    """PNG bytes of a figure (``dpi`` default: the one given to the figure function, else 120).

    Examples
    --------
    >>> curves = pd.DataFrame({"random": [1.0, 0.5, 0.0]}, index=[0.0, 0.5, 1.0])
    >>> vc.views.to_png(vc.views.robustness_figure(curves))[:4] == b"\\x89PNG"
    True
    """
    _check_figure(fig, "to_png")
    return _export(fig, "png", dpi or getattr(fig, "vc_dpi", 120))


def to_svg(fig: Any) -> Any:
    """SVG bytes of a figure (reproducible: no date, fixed element ids).

    Examples
    --------
    >>> curves = pd.DataFrame({"random": [1.0, 0.5, 0.0]}, index=[0.0, 0.5, 1.0])
    >>> vc.views.to_svg(vc.views.robustness_figure(curves)).startswith(b"<?xml")
    True
    """
    _check_figure(fig, "to_svg")
    return _export(fig, "svg", getattr(fig, "vc_dpi", 120))


def to_bytes(fig: Any, fmt: str | None = None) -> bytes:
    """Image bytes of a figure in *fmt* (default: the ``fmt`` given to the figure function).

    Bytes pass through unchanged, so callers can take either.
    """
    if isinstance(fig, (bytes, bytearray)):
        return bytes(fig)
    _check_figure(fig, "to_bytes")
    fmt = _check_fmt(fmt or getattr(fig, "vc_fmt", "png"), "to_bytes")
    return to_svg(fig) if fmt == "svg" else to_png(fig)


def _check_figure(fig: Any, func: str) -> None:
    if not hasattr(fig, "savefig"):
        raise ParameterError(f"The 'fig' parameter of {func} must be a matplotlib Figure. "
                             f"Got {type(fig).__name__} instead.")


def _check_fmt(fmt: str, func: str) -> str:
    return check_choice(fmt, "fmt", func, _FORMATS)


def _style(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, color="#e6e9ed", linewidth=0.7)
    ax.set_axisbelow(True)


def _label(key: Any) -> str:
    return _render.label_of(key)


def save_figure(data: Any, path: str | os.PathLike, *, force: bool = False) -> Path:
    """Write a figure (or image bytes) to *path* atomically (temporary file, then rename;
    ``force=True`` replaces a read-only file, see :mod:`valuechain._files`).  A figure is
    written as SVG when *path* ends in ``.svg``, else as PNG.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> curves = pd.DataFrame({"random": [1.0, 0.5, 0.0]}, index=[0.0, 0.5, 1.0])
    >>> png = vc.views.robustness_figure(curves)
    >>> p = vc.views.save_figure(png, pathlib.Path(tempfile.mkdtemp()) / "r.png")
    >>> p.read_bytes()[:4] == b"\\x89PNG"
    True
    """
    from .._files import write_bytes_atomic

    if not isinstance(data, (bytes, bytearray)):
        data = to_bytes(data, "svg" if str(path).lower().endswith(".svg") else "png")
    return write_bytes_atomic(path, data, force=force)


def data_uri(data: Any, fmt: str = "png") -> str:
    """A ``data:`` URI embedding figure bytes in HTML (``<img src=...>``).

    Examples
    --------
    >>> vc.views.data_uri(b"<svg/>", "svg")
    'data:image/svg+xml;base64,PHN2Zy8+'
    """
    _check_fmt(fmt, "data_uri")
    data = to_bytes(data, fmt)
    return f"data:{_MIME[fmt]};base64,{base64.b64encode(data).decode('ascii')}"


# --------------------------------------------------------------------------- robustness
@_plain_text
def robustness_figure(
    curves: pd.DataFrame,
    *,
    fmt: str = "png",
    title: str = "Robustness to node removal",
    xlabel: str = "share of nodes removed",
    ylabel: str = "share of the network remaining",
    dpi: int = 120,
) -> Any:
    """Removal robustness curves, one line per removal strategy.

    The legend gives each curve's robustness index R = area under the curve
    (trapezoid rule over the index, divided by its span): 1 means nothing is lost
    until the end, values near 0 a fragile network.

    Parameters
    ----------
    curves : DataFrame
        Index: share (or number) of nodes removed, increasing; one column per
        strategy (e.g. ``random``, ``pagerank``); values: what remains (e.g. the
        share of output in the largest connected component).
    fmt : {"png", "svg"}, default "png"
    title, xlabel, ylabel : str
    dpi : int, default 120
        Resolution of PNG output.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (``vc.views.to_png(fig)`` / ``to_svg`` for image bytes).

    Examples
    --------
    >>> curves = pd.DataFrame({"random": [1.0, 0.8, 0.5, 0.0], "targeted": [1.0, 0.4, 0.1, 0.0]},
    ...                       index=[0.0, 0.25, 0.5, 1.0])
    >>> vc.views.to_png(vc.views.robustness_figure(curves))[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    func = "robustness_figure"
    _check_fmt(fmt, func)
    if not isinstance(curves, pd.DataFrame) or curves.empty:
        raise ParameterError(f"The 'curves' parameter of {func} must be a non-empty DataFrame "
                             f"(index: removed share, one column per strategy). Got {type(curves).__name__} instead.")
    x = pd.to_numeric(pd.Series(curves.index), errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(x)) or np.any(np.diff(x) < 0):
        raise ParameterError(f"The index of 'curves' in {func} must hold increasing numbers (share removed).")
    fig = _figure(7.2, 4.4)
    ax = fig.add_subplot()
    span = x[-1] - x[0] if len(x) > 1 and x[-1] > x[0] else 1.0
    for k, col in enumerate(curves.columns):
        y = pd.to_numeric(curves[col], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(y)
        r = float(np.trapezoid(y[ok], x[ok]) / span) if ok.sum() > 1 else float("nan")
        ax.plot(x[ok], y[ok], color=_render.PALETTE[k % len(_render.PALETTE)], linewidth=2,
                label=f"{col} (R = {r:.3f})")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylim(bottom=0)
    _style(ax)
    ax.legend(frameon=False, fontsize=9)
    return _finish(fig, fmt, dpi)


# --------------------------------------------------------------------------- bump chart
@_plain_text
def bump_chart(
    data: pd.DataFrame,
    *,
    values: str = "value",
    top: int = 12,
    highlight: int = 5,
    fmt: str = "png",
    title: str = "Rank changes",
    dpi: int = 120,
) -> Any:
    """Rank-change (bump) chart: each node's rank across periods.

    Parameters
    ----------
    data : DataFrame
        One row per node, one column per period in order (e.g. years).
    values : {"value", "rank"}, default "value"
        ``"value"``: cells are metric values, ranked within each column (1 = largest);
        ``"rank"``: cells are already ranks (1 = top).
    top : int, default 12
        Nodes drawn: those within the ``top`` ranks in any period.
    highlight : int, default 5
        The ``highlight`` nodes with the largest rank change (first to last
        period) are coloured; the others are grey.
    fmt : {"png", "svg"}, default "png"
    title : str
    dpi : int, default 120

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"2019": [3.0, 2.0, 1.0], "2021": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
    >>> vc.views.bump_chart(df, fmt="svg")[:5]
    b'<?xml'
    """
    func = "bump_chart"
    _check_fmt(fmt, func)
    check_choice(values, "values", func, ("value", "rank"))
    top = check_int(top, "top", func, low=1)
    highlight = check_int(highlight, "highlight", func, low=0)
    if not isinstance(data, pd.DataFrame) or data.shape[1] < 2 or data.empty:
        raise ParameterError(f"The 'data' parameter of {func} must be a DataFrame with one column per period "
                             f"(at least 2). Got shape {getattr(data, 'shape', None)} instead.")
    num = data.apply(pd.to_numeric, errors="coerce")
    ranks = num.rank(ascending=False, method="first") if values == "value" else num
    shown = ranks[(ranks <= top).any(axis=1)]
    first, last = shown.columns[0], shown.columns[-1]
    change = (shown[first] - shown[last])  # positive = climbed
    movers = change.abs().sort_values(ascending=False, kind="stable").head(highlight).index
    fig = _figure(8.0, max(3.6, 0.34 * len(shown) + 1.4), left=0.6, right=0.2)
    ax = fig.add_subplot()
    xs = np.arange(shown.shape[1])
    k = 0
    for node, row in shown.iterrows():
        y = row.to_numpy(dtype=float)
        if node in movers:
            color, lw, z = _render.PALETTE[k % len(_render.PALETTE)], 2.6, 3
            k += 1
        else:
            color, lw, z = "#b8c0c8", 1.4, 2
        ax.plot(xs, y, color=color, linewidth=lw, marker="o", markersize=5, zorder=z)
        if np.isfinite(y[0]):
            ax.annotate(_label(node), (xs[0], y[0]), xytext=(-8, 0), textcoords="offset points",
                        ha="right", va="center", fontsize=8, color=color if z == 3 else "#52606d")
        if np.isfinite(y[-1]):
            d = change[node]
            tag = f"  ({'+' if d > 0 else ''}{d:.0f})" if np.isfinite(d) and d != 0 else ""
            ax.annotate(_label(node) + tag, (xs[-1], y[-1]), xytext=(8, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=8, color=color if z == 3 else "#52606d")
    ax.set_xticks(xs, [str(c) for c in shown.columns])
    ax.invert_yaxis()
    ax.set_ylabel("rank")
    ax.set_xlim(-0.9, len(xs) - 0.1)
    ax.margins(x=0.35)
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return _finish(fig, fmt, dpi)


# --------------------------------------------------------------------------- scatter
@_plain_text
def position_scatter(
    data: pd.DataFrame,
    *,
    x: str = "upstreamness",
    y: str = "participation",
    size: str | None = None,
    color: str | None = None,
    label_top: int = 8,
    fmt: str = "png",
    title: str | None = None,
    dpi: int = 120,
) -> Any:
    """Scatter of two node metrics, e.g. upstreamness vs GVC participation.

    Parameters
    ----------
    data : DataFrame
        One row per node (or region); must hold columns ``x`` and ``y``.
    x, y : str
        Column names.
    size : str, optional
        Numeric column for point area (e.g. ``"output"``).
    color : str, optional
        Categorical column (or index level, e.g. ``"region"``) for colour.
    label_top : int, default 8
        Points labelled: the ``label_top`` largest by ``size`` (or by ``y``).
    fmt : {"png", "svg"}, default "png"
    title : str, optional
    dpi : int, default 120

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> df = pd.DataFrame({"upstreamness": vc.position.upstreamness(t),
    ...                    "downstreamness": vc.position.downstreamness(t)})
    >>> png = vc.views.position_scatter(df, y="downstreamness", color="region")
    >>> png[:4] == b"\\x89PNG"
    True
    """
    func = "position_scatter"
    _check_fmt(fmt, func)
    label_top = check_int(label_top, "label_top", func, low=0)
    for name, col in (("x", x), ("y", y), ("size", size)):
        if col is not None and col not in data.columns:
            raise ParameterError(f"The '{name}' parameter of {func} must be a column of data "
                                 f"({', '.join(map(repr, data.columns))}). Got {col!r} instead.")
    xv = pd.to_numeric(data[x], errors="coerce").to_numpy(dtype=float)
    yv = pd.to_numeric(data[y], errors="coerce").to_numpy(dtype=float)
    if size is not None:
        sv = pd.to_numeric(data[size], errors="coerce").fillna(0).clip(lower=0).to_numpy(dtype=float)
        area = 12 + 400 * sv / (sv.max() if sv.max() > 0 else 1)
        rank_key = sv
    else:
        area = np.full(len(data), 28.0)
        rank_key = np.where(np.isfinite(yv), yv, -np.inf)
    fig = _figure(7.4, 5.2)
    ax = fig.add_subplot()
    if color is not None:
        if isinstance(data.index, pd.MultiIndex) and color in data.index.names:
            groups = data.index.get_level_values(color)
        elif color in data.columns:
            groups = pd.Index(data[color])
        else:
            raise ParameterError(f"The 'color' parameter of {func} must be a column or index level of data. "
                                 f"Got {color!r} instead.")
        cmap = _render.color_map([str(g) for g in groups])
        cols = [cmap[str(g)] for g in groups]
        for g, c in cmap.items():
            ax.scatter([], [], color=c, label=g, s=30)
        ax.legend(frameon=False, fontsize=8, title=color, title_fontsize=8,
                  ncols=1 if len(cmap) <= 12 else 2, loc="best")
    else:
        cols = [_render.PALETTE[0]] * len(data)
    ax.scatter(xv, yv, s=area, c=cols, alpha=0.75, edgecolors="white", linewidths=0.6)
    for i in np.argsort(-rank_key, kind="stable")[:label_top]:
        if np.isfinite(xv[i]) and np.isfinite(yv[i]):
            ax.annotate(_label(data.index[i]), (xv[i], yv[i]), xytext=(4, 4), textcoords="offset points", fontsize=7.5,
                        color="#323f4b")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(title or f"{y} vs {x}", loc="left", fontsize=11)
    _style(ax)
    return _finish(fig, fmt, dpi)


# --------------------------------------------------------------------------- alluvial
def match_labels(before: pd.Series, after: pd.Series, weights: pd.Series | None = None) -> pd.Series:
    """Relabel *after* so that each of its groups takes the label of the *before* group
    it overlaps most (greedy, heaviest overlap first, each label used once).

    Community ids are arbitrary in each period; matching makes "kept its label"
    meaningful.  Groups of *after* left unmatched get their own label with a ``*``.

    Examples
    --------
    >>> from valuechain.views.figures import match_labels
    >>> a = pd.Series([0, 0, 1, 1], index=list("wxyz"))
    >>> b = pd.Series([5, 5, 7, 7], index=list("wxyz"))
    >>> match_labels(a, b).tolist()
    ['0', '0', '1', '1']
    """
    common = pd.Index(before.index).intersection(pd.Index(after.index))
    w = (pd.Series(1.0, index=common) if weights is None
         else pd.to_numeric(weights.reindex(common), errors="coerce").fillna(0).clip(lower=0))
    df = pd.DataFrame({"a": before.reindex(common).astype(str).to_numpy(),
                       "b": after.reindex(common).astype(str).to_numpy(), "w": w.to_numpy(dtype=float)})
    overlap = df.groupby(["a", "b"], sort=True)["w"].sum().sort_values(ascending=False, kind="stable")
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for (a, b), v in overlap.items():
        if b not in mapping and a not in used and v > 0:
            mapping[b] = a
            used.add(a)
    out = after.astype(str).map(lambda b: mapping.get(b, f"{b}*"))
    return out.rename(after.name)


@_plain_text
def community_flows(
    before: pd.Series,
    after: pd.Series,
    *,
    weights: pd.Series | None = None,
    match: bool = True,
    labels: tuple[str, str] = ("before", "after"),
    fmt: str = "png",
    title: str = "Community flows",
    dpi: int = 120,
) -> Any:
    """Alluvial diagram of nodes moving between communities from one period to the next.

    Two columns of stacked blocks (communities, height = total weight of their
    nodes) joined by ribbons whose width is the weight of the nodes that moved
    from the left block to the right one.  Drawn with matplotlib patches.

    Parameters
    ----------
    before, after : Series
        Community (any label) per node, indexed by node.  Nodes present in only
        one are ignored.
    weights : Series, optional
        Weight per node (e.g. output); default 1 per node (counts).
    match : bool, default True
        Relabel ``after`` with :func:`match_labels` first (community ids are
        arbitrary in each period).
    labels : (str, str), default ("before", "after")
    fmt : {"png", "svg"}, default "png"
    title : str
    dpi : int, default 120

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> a = pd.Series([0, 0, 1, 1], index=list("wxyz"))
    >>> b = pd.Series([0, 1, 1, 1], index=list("wxyz"))
    >>> vc.views.to_png(vc.views.community_flows(a, b, labels=("2019", "2021")))[:4] == b"\\x89PNG"
    True
    """
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MPath

    func = "community_flows"
    _check_fmt(fmt, func)
    common = pd.Index(before.index).intersection(pd.Index(after.index))
    if len(common) == 0:
        raise ParameterError(f"The 'before' and 'after' parameters of {func} share no node label.")
    if match:
        after = match_labels(before, after, weights)
    w = (pd.Series(1.0, index=common) if weights is None
         else pd.to_numeric(weights.reindex(common), errors="coerce").fillna(0).clip(lower=0))
    df = pd.DataFrame({"a": before.reindex(common).astype(str).to_numpy(),
                       "b": after.reindex(common).astype(str).to_numpy(), "w": w.to_numpy(dtype=float)})
    flows = df.groupby(["a", "b"], sort=False)["w"].sum()
    flows = flows[flows > 0]
    total = float(flows.sum())
    if total <= 0:
        raise ParameterError(f"The 'weights' parameter of {func} must have a positive total over the common nodes.")
    left = flows.groupby(level=0).sum().sort_values(ascending=False, kind="stable")
    right = flows.groupby(level=1).sum().sort_values(ascending=False, kind="stable")
    gap = 0.02 * total
    bar = 0.06

    def stack(sizes: pd.Series) -> dict[str, float]:
        y, out = 0.0, {}
        for k, v in sizes.items():
            out[k] = y
            y += v + gap
        return out

    ly, ry = stack(left), stack(right)
    lcolor = {k: _render.PALETTE[i % len(_render.PALETTE)] for i, k in enumerate(left.index)}
    rcolor = {}
    for k in right.index:  # a right block takes the colour of its main source
        src = flows.xs(k, level=1).idxmax()
        rcolor[k] = lcolor[src]
    fig = _figure(7.6, 5.4, left=0.1, right=0.1, top=0.4, bottom=0.1)
    ax = fig.add_subplot()
    lo = dict(ly)
    ro = dict(ry)
    x0, x1 = bar, 1 - bar
    for a in left.index:
        for b in right.index:
            v = flows.get((a, b), 0.0)
            if v <= 0:
                continue
            y0a, y0b = lo[a], ro[b]
            y1a, y1b = y0a + v, y0b + v
            xm = (x0 + x1) / 2
            verts = [(x0, y0a), (xm, y0a), (xm, y0b), (x1, y0b), (x1, y1b), (xm, y1b), (xm, y1a), (x0, y1a), (x0, y0a)]
            codes = [MPath.MOVETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.LINETO,
                     MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.CLOSEPOLY]
            ax.add_patch(PathPatch(MPath(verts, codes), facecolor=lcolor[a], alpha=0.35 if a != b else 0.5,
                                   edgecolor="none"))
            lo[a] += v
            ro[b] += v
    for side, sizes, starts, colors, xpos, ha in (("L", left, ly, lcolor, 0.0, "right"),
                                                 ("R", right, ry, rcolor, 1 - bar, "left")):
        for k, v in sizes.items():
            ax.add_patch(Rectangle((xpos, starts[k]), bar, v, facecolor=colors[k], edgecolor="white"))
            tx = xpos - 0.01 if side == "L" else xpos + bar + 0.01
            ax.text(tx, starts[k] + v / 2, f"{k}  ({100 * v / total:.0f}%)" if side == "R" else f"({100 * v / total:.0f}%)  {k}",
                    ha=ha, va="center", fontsize=8.5)
    height = max(sum(left) + gap * (len(left) - 1), sum(right) + gap * (len(right) - 1))
    ax.set_xlim(-0.22, 1.22)
    ax.set_ylim(height * 1.02, -0.06 * height)
    ax.text(bar / 2, -0.03 * height, labels[0], ha="center", va="bottom", fontsize=10, fontweight="bold")
    ax.text(1 - bar / 2, -0.03 * height, labels[1], ha="center", va="bottom", fontsize=10, fontweight="bold")
    stayed = float(sum(v for (a, b), v in flows.items() if a == b))
    how = "matched labels" if match else "labels as given"
    ax.set_title(f"{title} ({how}; {100 * stayed / total:.0f}% kept its label)", loc="left",
                 fontsize=11)
    ax.axis("off")
    return _finish(fig, fmt, dpi)


# --------------------------------------------------------------------------- product space
@_plain_text
def product_space_map(
    proximity: pd.DataFrame,
    *,
    rca: pd.Series | None = None,
    size: pd.Series | None = None,
    positions: pd.DataFrame | None = None,
    extra_threshold: float = 0.55,
    region: str | None = None,
    max_labels: int = 12,
    seed: int = 0,
    fmt: str = "png",
    title: str | None = None,
    dpi: int = 120,
) -> Any:
    """Product-space map with a region's specialisations highlighted.

    Layout after Hidalgo, Klinger, Barabási & Hausmann (2007): the maximum spanning
    tree of the proximity matrix plus every link with proximity at least
    ``extra_threshold`` (the strongest ``2 n`` of them at most), placed with a seeded force layout (or given ``positions``).
    Products where the region has RCA >= 1 are coloured, the others grey.

    Parameters
    ----------
    proximity : DataFrame
        Square, symmetric product x product proximity (0..1), same labels on both axes.
    rca : Series, optional
        Revealed comparative advantage of the region by product; RCA >= 1 marks a
        specialisation.
    size : Series, optional
        Node size by product (e.g. world trade); default equal.
    positions : DataFrame, optional
        Columns ``x``, ``y`` by product; default computed.
    extra_threshold : float, default 0.55
        Proximity above which links are added to the spanning tree.
    region : str, optional
        Name shown in the title and legend.
    max_labels : int, default 12
        Specialised products labelled (largest RCA first).
    seed : int, default 0
    fmt : {"png", "svg"}, default "png"
    title : str, optional
    dpi : int, default 120

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.random((12, 12)); p = (p + p.T) / 2; np.fill_diagonal(p, 1)
    >>> names = [f"p{i}" for i in range(12)]
    >>> prox = pd.DataFrame(p, index=names, columns=names)
    >>> rca = pd.Series(rng.random(12) * 2, index=names)
    >>> vc.views.to_png(vc.views.product_space_map(prox, rca=rca, region="A"))[:4] == b"\\x89PNG"
    True
    """
    import networkx as nx

    func = "product_space_map"
    _check_fmt(fmt, func)
    if not isinstance(proximity, pd.DataFrame) or proximity.shape[0] != proximity.shape[1] \
            or not proximity.index.equals(proximity.columns):
        raise ParameterError(f"The 'proximity' parameter of {func} must be a square DataFrame with the same "
                             f"product labels on both axes. Got shape {getattr(proximity, 'shape', None)} instead.")
    products = proximity.index
    P = proximity.to_numpy(dtype=float)
    P = np.where(np.isfinite(P), P, 0.0)
    P = np.maximum(P, P.T)
    n = len(products)
    G = nx.Graph()
    G.add_nodes_from(range(n))
    iu, ju = np.triu_indices(n, k=1)
    wts = P[iu, ju]
    G.add_weighted_edges_from((int(i), int(j), float(w)) for i, j, w in zip(iu, ju, wts) if w > 0)
    tree = nx.maximum_spanning_tree(G, weight="weight")
    B = nx.Graph(tree)
    B.add_nodes_from(range(n))
    strong = np.flatnonzero(wts >= extra_threshold)
    strong = strong[np.argsort(-wts[strong], kind="stable")][: 2 * n]  # at most 2n extra links
    for k in strong:
        B.add_edge(int(iu[k]), int(ju[k]), weight=float(wts[k]))
    if positions is not None:
        pos_df = positions.reindex(products)
        pos = {k: (float(pos_df["x"].iloc[k]), float(pos_df["y"].iloc[k])) for k in range(n)}
    else:
        pos = nx.spring_layout(B, weight="weight", seed=seed, iterations=200)
    spec = np.zeros(n, bool)
    rv = np.full(n, np.nan)
    if rca is not None:
        rv = pd.to_numeric(rca.reindex(products), errors="coerce").to_numpy(dtype=float)
        spec = np.nan_to_num(rv, nan=0.0) >= 1
    if size is not None:
        sv = pd.to_numeric(size.reindex(products), errors="coerce").fillna(0).clip(lower=0).to_numpy(dtype=float)
        area = 10 + 260 * np.sqrt(sv / (sv.max() if sv.max() > 0 else 1))
    else:
        area = np.full(n, 40.0)
    fig = _figure(8.0, 6.4, left=0.1, right=0.1, top=0.4, bottom=0.1)
    ax = fig.add_subplot()
    from matplotlib.collections import LineCollection

    segs = [(pos[i], pos[j]) for i, j in B.edges()]
    lw = [0.4 + 2.0 * B[i][j]["weight"] for i, j in B.edges()]
    ax.add_collection(LineCollection(segs, colors="#c9d1d9", linewidths=lw, zorder=1))
    xy = np.array([pos[k] for k in range(n)]) if n else np.zeros((0, 2))
    ax.scatter(xy[~spec, 0], xy[~spec, 1], s=area[~spec], color="#d5dae0", edgecolors="#9aa5b1", linewidths=0.4,
               zorder=2, label="no advantage (RCA < 1)")
    ax.scatter(xy[spec, 0], xy[spec, 1], s=area[spec], color="#e15759", edgecolors="#7a1f21", linewidths=0.6,
               zorder=3, label=f"{region or 'region'} specialised (RCA >= 1)")
    order = [k for k in np.argsort(-np.nan_to_num(rv, nan=-1), kind="stable") if spec[k]][:max_labels]
    for k in order:
        ax.annotate(_label(products[k]), xy[k], xytext=(4, 3), textcoords="offset points", fontsize=7.5,
                    color="#3e1010", zorder=4)
    ax.set_title(title or f"Product space{' — ' + region if region else ''}: {int(spec.sum())} of {n} "
                 "products with RCA >= 1", loc="left", fontsize=11)
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    ax.set_aspect("equal", adjustable="datalim")
    ax.axis("off")
    return _finish(fig, fmt, dpi)
