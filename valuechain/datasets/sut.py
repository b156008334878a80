"""Supply-use tables -> symmetric input-output tables (Eurostat Manual models B and D).

A national statistics office publishes a *supply* table (products x industries,
production at basic prices, plus imports, trade and transport margins and net taxes
on products by product) and a *use* table (products x industries intermediate use
and products x categories final use, usually at purchasers' prices, plus value
added by industry).  :func:`to_iot` turns them into an :class:`~valuechain.IOTable`
in four steps (METHODS.md section 13):

1. **Purchasers' -> basic prices** (when ``margins`` or ``taxes`` are given).  For each
   product row, its net taxes and the margins charged on it are removed from every use
   in proportion to that use's value (so a row is scaled uniformly and never changes
   sign).  The margins each use paid are then added to the rows of the margin
   products (trade, transport) in proportion to those products' negative entries in
   the margin column (Guilhoto & Sesso Filho, 2005).  Net taxes become a primary-input
   row ``("taxes", "taxes less subsidies on products")``; those paid by final users a
   row of ``VY``.
2. **Domestic vs imported.**  Each product row of the use and final-use tables is split
   by the import share ``s_p = m_p / (q_p + m_p - e_p)`` (exports ``e_p`` are not
   imported and are excluded from the base); exports stay wholly domestic.  Imported
   inputs become a primary-input row ``("imports", "imports")`` (imported final goods a
   row of ``VY``); the symmetric table's flows are domestic.  An explicit import use table replaces the share assumption.
3. **Model D** (industry x industry, fixed product sales structures): market shares
   ``D = V q̂⁻¹`` (``V`` the make matrix, industries x products), ``Z = D U``,
   ``Y = D F``, value added unchanged, output ``g``.
   **Model B** (product x product, industry technology): product mix
   ``C = ĝ⁻¹ V``, ``Z = U C``, ``Y = F``, value added ``W C``, output ``q``.
4. The result is validated by :class:`~valuechain.IOTable` (row and column balances).

Zero-output rule: a product with zero output has a zero column in ``D`` (its uses,
necessarily zero, are dropped); an industry with zero output has a zero row in ``C``.

References
----------
Eurostat (2008), *Eurostat Manual of Supply, Use and Input-Output Tables*, ch. 11
(Beutel).  Guilhoto, J. J. M. and U. A. Sesso Filho (2005), "Estimação da matriz
insumo-produto a partir de dados preliminares das contas nacionais", *Economia
Aplicada* 9(2).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from .._validation import check_choice, fmt_labels
from ..errors import LabelError, TableError
from ..table import IOTable

__all__ = ["to_iot", "to_basic_prices", "split_imports", "market_shares", "product_mix"]

IMPORTS_ROW = "imports"
TAXES_ROW = "taxes less subsidies on products"


def _frame(obj: Any, what: str) -> pd.DataFrame:
    if isinstance(obj, pd.Series):
        obj = obj.to_frame()
    if not isinstance(obj, pd.DataFrame):
        raise TableError(f"{what} must be a pandas DataFrame; got {type(obj).__name__}.")
    dup = obj.index[obj.index.duplicated()]
    if len(dup):
        raise LabelError(f"{what} has duplicated row labels: {fmt_labels(dup.unique())}.")
    dup = obj.columns[obj.columns.duplicated()]
    if len(dup):
        raise LabelError(f"{what} has duplicated column labels: {fmt_labels(dup.unique())}.")
    arr = obj.to_numpy(dtype=float)
    if not np.isfinite(arr).all():
        r, c = np.argwhere(~np.isfinite(arr))[0]
        raise TableError(f"{what} has a NaN/inf value at row {obj.index[r]!r}, column {obj.columns[c]!r}.")
    return obj.astype(float)


def _aligned(obj: Any, index: pd.Index, what: str) -> pd.DataFrame:
    df = _frame(obj, what)
    miss = index.difference(df.index)
    extra = df.index.difference(index)
    if len(miss) or len(extra):
        raise LabelError(f"{what} rows must be the products of the supply table; missing: {fmt_labels(miss)}; "
                         f"unknown: {fmt_labels(extra)}.")
    return df.loc[index]


def market_shares(supply: pd.DataFrame) -> pd.DataFrame:
    """Market shares ``D = V q̂⁻¹`` (industries x products) from a products x industries supply table.

    ``D.loc[j, p]`` is the share of product *p*'s domestic output made by industry *j*;
    columns of zero-output products are 0.

    Examples
    --------
    >>> S = pd.DataFrame([[90., 10.], [0., 50.]], index=["p1", "p2"], columns=["i1", "i2"])
    >>> vc.datasets.sut.market_shares(S).round(2).values.tolist()
    [[0.9, 0.0], [0.1, 1.0]]
    """
    S = _frame(supply, "supply")
    q = S.to_numpy().sum(axis=1)
    inv = np.divide(1.0, q, out=np.zeros_like(q), where=q != 0)
    return pd.DataFrame(S.to_numpy().T * inv[None, :], index=S.columns, columns=S.index)


def product_mix(supply: pd.DataFrame) -> pd.DataFrame:
    """Product-mix shares ``C = ĝ⁻¹ V`` (industries x products); rows of zero-output industries are 0.

    Examples
    --------
    >>> S = pd.DataFrame([[90., 10.], [0., 50.]], index=["p1", "p2"], columns=["i1", "i2"])
    >>> vc.datasets.sut.product_mix(S).round(3).values.tolist()
    [[1.0, 0.0], [0.167, 0.833]]
    """
    S = _frame(supply, "supply")
    g = S.to_numpy().sum(axis=0)
    inv = np.divide(1.0, g, out=np.zeros_like(g), where=g != 0)
    return pd.DataFrame(S.to_numpy().T * inv[:, None], index=S.columns, columns=S.index)


def to_basic_prices(uses: pd.DataFrame, *, margins: pd.DataFrame | pd.Series | None = None,
                    taxes: pd.DataFrame | pd.Series | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Revalue a products x uses table from purchasers' to basic prices.

    Parameters
    ----------
    uses : DataFrame
        Products x uses (industries then final-use categories) at purchasers' prices.
    margins : DataFrame or Series, optional
        Products x margin kinds (e.g. trade, transport), as in the supply table:
        positive on the products that carry the margin, negative on the margin
        products themselves; each column sums to (about) zero.
    taxes : DataFrame or Series, optional
        Net taxes on products (taxes less subsidies, import duties...) by product;
        several columns are summed.

    Returns
    -------
    (DataFrame, Series)
        The uses at basic prices (same labels) and the net taxes on products paid
        by each use (a Series indexed by the uses).

    Examples
    --------
    Product ``g`` (a good) carries a margin of 10 and a tax of 5; ``t`` is the trade service.

    >>> U = pd.DataFrame({"ind": [40., 10.], "hh": [60., 0.]}, index=["g", "t"])
    >>> b, tax = vc.datasets.sut.to_basic_prices(U, margins=pd.Series([10., -10.], index=["g", "t"]),
    ...                                          taxes=pd.Series([5., 0.], index=["g", "t"]))
    >>> b.values.tolist(), tax.tolist()
    ([[34.0, 51.0], [14.0, 6.0]], [2.0, 3.0])
    """
    U = _frame(uses, "uses")
    u = U.to_numpy()
    total = u.sum(axis=1)
    w = np.divide(u, total[:, None], out=np.zeros_like(u), where=total[:, None] != 0)
    out = u.copy()
    tax_paid = np.zeros(u.shape[1])
    if taxes is not None:
        t = _aligned(taxes, U.index, "taxes").to_numpy().sum(axis=1)
        tm = w * t[:, None]
        out -= tm
        tax_paid = tm.sum(axis=0)
    if margins is not None:
        M = _aligned(margins, U.index, "margins")
        for kind in M.columns:
            m = M[kind].to_numpy()
            charged = np.where(m > 0, m, 0.0)
            received = np.where(m < 0, -m, 0.0)
            paid = w * charged[:, None]           # margin paid by each use on each product
            out -= paid
            if received.sum() > 0:
                out += np.outer(received / received.sum(), paid.sum(axis=0))
    return (pd.DataFrame(out, index=U.index, columns=U.columns),
            pd.Series(tax_paid, index=U.columns, name=TAXES_ROW))


def split_imports(uses: pd.DataFrame, imports: pd.Series, output: pd.Series, *,
                  exports: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a total (domestic + imported) products x uses table by the import share of each product.

    ``s_p = m_p / (q_p + m_p - e_p)``, clipped to [0, 1] (0 where the base is not
    positive); every use of *p* except exports is split in the same proportion.
    Exports are domestic, except when they exceed domestic output ``q_p``: the excess
    ``r_p = e_p - q_p`` is a re-export of imports, and the other uses share
    ``m_p - r_p``.  Negative imports (published by BEA for some services) are booked
    on the export column (without one, the share is negative).  In every case the
    domestic uses of *p* add up to ``q_p``.

    Returns
    -------
    (DataFrame, DataFrame)
        Domestic uses and imported uses, labelled like *uses*.

    Examples
    --------
    >>> U = pd.DataFrame({"ind": [50., 20.], "exp": [20., 0.]}, index=["a", "b"])
    >>> dom, imp = vc.datasets.sut.split_imports(U, pd.Series([10., 0.], index=["a", "b"]),
    ...                                          pd.Series([60., 20.], index=["a", "b"]), exports="exp")
    >>> dom.values.tolist(), imp.values.tolist()
    ([[40.0, 20.0], [20.0, 0.0]], [[10.0, 0.0], [0.0, 0.0]])
    """
    U = _frame(uses, "uses")
    m = _aligned(imports, U.index, "imports").to_numpy().sum(axis=1)
    q = _aligned(output, U.index, "output").to_numpy().sum(axis=1)
    u = U.to_numpy()
    is_exp = np.zeros(U.shape[1], dtype=bool)
    if exports is not None:
        if exports not in U.columns:
            raise LabelError(f"exports column {exports!r} is not a column of the uses; columns: "
                             f"{fmt_labels(U.columns, limit=20)}.")
        is_exp = np.asarray(U.columns == exports)
    e = u[:, is_exp].sum(axis=1)
    base = q + m - e
    if is_exp.any():
        # exports beyond domestic output are re-exports of imports; negative imports
        # (BEA books some for transport and trade services) go with the exports too
        reexp = np.where(m >= 0, np.clip(e - np.maximum(q, 0.0), 0.0, np.maximum(m, 0.0)), m)
        s = np.clip(np.divide(m - reexp, base, out=np.zeros_like(m), where=base > 0), 0.0, 1.0)
    else:
        reexp = np.zeros_like(m)
        s = np.minimum(np.divide(m, base, out=np.zeros_like(m), where=base > 0), 1.0)
    imp = u * s[:, None]
    if is_exp.any():
        ue = u[:, is_exp]
        w = np.divide(ue, e[:, None], out=np.zeros_like(ue), where=e[:, None] != 0)
        w[e == 0, 0] = 1.0  # no exports recorded: book it on the first export column
        imp[:, is_exp] = w * reexp[:, None]
    return (pd.DataFrame(u - imp, index=U.index, columns=U.columns),
            pd.DataFrame(imp, index=U.index, columns=U.columns))


def to_iot(supply: pd.DataFrame, use: pd.DataFrame, final_use: pd.DataFrame,
           value_added: pd.DataFrame | pd.Series | None = None, *,
           imports: pd.Series | pd.DataFrame | None = None, exports: str | None = None,
           margins: pd.DataFrame | pd.Series | None = None, taxes: pd.DataFrame | pd.Series | None = None,
           model: str = "D", negative_supply: str = "move", region: str = "economy",
           meta: Mapping[str, Any] | None = None, allow_negative: bool = False, rtol: float = 1e-3) -> IOTable:
    """Build a symmetric input-output table from supply and use tables.

    Parameters
    ----------
    supply : DataFrame
        Domestic production at basic prices, products (rows) x industries (columns):
        the transpose of the make matrix ``V``, as IBGE and Eurostat publish it.
    use : DataFrame
        Intermediate use, products x industries (same labels as *supply*), at
        purchasers' prices when *margins*/*taxes* are given, else at basic prices;
        total (domestic + imported) when *imports* is given, else domestic.
    final_use : DataFrame
        Final use, products x categories (households, government, GFCF, inventories,
        exports...), valued like *use*.
    value_added : DataFrame or Series, optional
        Value-added components x industries (at basic prices); rows of kind
        ``value_added`` unless indexed ``(kind, component)``.  When omitted a single
        row ``("value_added", "value_added")`` closes each industry's column.
    imports : Series or DataFrame, optional
        Imports by product (a Series: split by import shares, see :func:`split_imports`)
        or an explicit import use table, products x (industries + categories) with the
        columns of *use* and *final_use* (published import matrices).
    exports : str, optional
        The export column of *final_use* (kept wholly domestic, excluded from the
        import-share base).  Default: a column named ``"exports"`` if there is one.
    margins, taxes : DataFrame or Series, optional
        Trade/transport margins and net taxes on products by product (see
        :func:`to_basic_prices`); given when *use* is at purchasers' prices.
    model : {"D", "B"}, default "D"
        ``"D"``: industry x industry, fixed product sales structures;
        ``"B"``: product x product, industry-technology assumption.
    negative_supply : {"move", "keep"}, default "move"
        Some offices publish small negative production entries (IBGE: negative trade
        output of a few activities).  ``"move"`` books a negative entry ``-a`` of industry
        *j* in product *p* as a domestic intermediate use ``+a`` of *p* by *j* (and raises
        the output of *j* and of *p* by ``a``), which keeps every flow non-negative and the
        table balanced; ``"keep"`` uses the entries as published (negative market shares).
    region : str, default "economy"
        The region label of every node and final-demand column.
    meta : mapping, optional
        Table metadata (name, year, unit, source...); ``system`` and ``history`` are filled in.
    allow_negative, rtol
        Passed to :class:`~valuechain.IOTable`.

    Returns
    -------
    IOTable
        Nodes ``(region, industry)`` (model D) or ``(region, product)`` (model B);
        ``V`` rows ``("imports", "imports")`` (when imports are separated),
        ``("taxes", "taxes less subsidies on products")`` (when taxes are given) and
        the value-added components (kind ``value_added``); ``VY`` the imports and
        product taxes of final uses.

    Raises
    ------
    LabelError
        Labels of the blocks do not match.
    BalanceError
        The result does not balance (e.g. the published supply and use disagree).

    Examples
    --------
    Two industries, two products; industry ``i2`` also makes some of product ``p1``.

    >>> S = pd.DataFrame([[90., 10.], [0., 50.]], index=["p1", "p2"], columns=["i1", "i2"])
    >>> U = pd.DataFrame([[20., 10.], [15., 5.]], index=["p1", "p2"], columns=["i1", "i2"])
    >>> F = pd.DataFrame({"households": [70., 30.]}, index=["p1", "p2"])
    >>> t = vc.datasets.sut.to_iot(S, U, F, model="D")
    >>> t.Z.round(1).values.tolist()
    [[18.0, 9.0], [17.0, 6.0]]
    >>> t.x.tolist()
    [90.0, 60.0]
    """
    check_choice(model, "model", "datasets.sut.to_iot", ("D", "B"))
    check_choice(negative_supply, "negative_supply", "datasets.sut.to_iot", ("move", "keep"))
    S = _frame(supply, "supply")
    products, industries = S.index, S.columns
    U = _frame(use, "use")
    if not U.columns.equals(industries):
        miss = industries.difference(U.columns)
        extra = U.columns.difference(industries)
        if len(miss) or len(extra):
            raise LabelError(f"use columns must be the industries of the supply table; missing: {fmt_labels(miss)}; "
                             f"unknown: {fmt_labels(extra)}.")
        U = U.loc[:, industries]
    U = _aligned(U, products, "use")
    F = _aligned(final_use, products, "final_use")
    both = U.columns.intersection(F.columns)
    if len(both):
        raise LabelError(f"final_use categories clash with industry labels: {fmt_labels(both)}.")
    if exports is None and "exports" in F.columns:
        exports = "exports"
    if exports is not None and exports not in F.columns:
        raise LabelError(f"exports column {exports!r} is not a final_use category; categories: "
                         f"{fmt_labels(F.columns, limit=20)}.")
    uses = pd.concat([U, F], axis=1)
    nI = U.shape[1]
    history = []

    tax_paid = None
    if margins is not None or taxes is not None:
        uses, tax_paid = to_basic_prices(uses, margins=margins, taxes=taxes)
        history.append("purchasers'->basic prices")

    imp_uses = None
    q = pd.Series(S.to_numpy().sum(axis=1), index=products)
    if isinstance(imports, pd.DataFrame) and imports.shape[1] > 1:
        M = _aligned(imports, products, "imports")
        extra = M.columns.difference(uses.columns)
        if len(extra):
            raise LabelError(f"imports columns must be industries or final-use categories; unknown: "
                             f"{fmt_labels(extra)}.")
        # import matrices often omit the final-use columns that have no imports
        imp_uses = M.reindex(columns=uses.columns, fill_value=0.0)
        M = imp_uses
        uses = uses - M
        history.append("imports from the import use table")
    elif imports is not None:
        uses, imp_uses = split_imports(uses, imports if isinstance(imports, pd.Series) else imports.iloc[:, 0],
                                       q, exports=exports)
        history.append("imports split by product import shares")

    Ud = uses.iloc[:, :nI].to_numpy()
    Fd = uses.iloc[:, nI:].to_numpy()
    neg = np.minimum(S.to_numpy(), 0.0)
    if negative_supply == "move" and neg.any():
        S = S.clip(lower=0.0)
        Ud = Ud - neg
        history.append(f"{int((neg < 0).sum())} negative supply entries moved to use")
    g = S.to_numpy().sum(axis=0)
    rows: list[tuple[tuple[str, str], np.ndarray]] = []  # primary-input rows by industry: ((kind, component), values)
    if imp_uses is not None:
        rows.append((("imports", IMPORTS_ROW), imp_uses.iloc[:, :nI].to_numpy().sum(axis=0)))
    if tax_paid is not None and taxes is not None:
        rows.append((("taxes", TAXES_ROW), tax_paid.iloc[:nI].to_numpy()))
    if value_added is None:
        inputs = Ud.sum(axis=0)
        for _, r in rows:
            inputs = inputs + r
        rows.append((("value_added", "value_added"), g - inputs))
    else:
        W = _frame(value_added if isinstance(value_added, pd.DataFrame) else value_added.to_frame().T,
                   "value_added")
        miss = industries.difference(W.columns)
        extra = W.columns.difference(industries)
        if len(miss) or len(extra):
            raise LabelError(f"value_added columns must be the industries of the supply table; missing: "
                             f"{fmt_labels(miss)}; unknown: {fmt_labels(extra)}.")
        W = W.loc[:, industries]
        # rows are value added unless given as (kind, component) pairs
        keys = [tuple(r) if isinstance(W.index, pd.MultiIndex) else ("value_added", str(r)) for r in W.index]
        clash = [k for k in keys if k[1] in (IMPORTS_ROW, TAXES_ROW) and k in [n for n, _ in rows]]
        if clash:
            raise LabelError(f"value_added rows {clash} clash with the rows valuechain adds; rename them.")
        rows.extend((k, W.to_numpy()[i]) for i, k in enumerate(keys))
    Vrows = np.vstack([r for _, r in rows])
    vnames = pd.MultiIndex.from_tuples([n for n, _ in rows], names=["kind", "component"])
    # primary inputs of final uses: imported final goods and product taxes paid by final users
    vy_rows, vy_names = [], []
    if imp_uses is not None:
        vy_rows.append(imp_uses.iloc[:, nI:].to_numpy().sum(axis=0))
        vy_names.append(("imports", IMPORTS_ROW))
    if tax_paid is not None and taxes is not None:
        vy_rows.append(tax_paid.iloc[nI:].to_numpy())
        vy_names.append(("taxes", TAXES_ROW))

    if model == "D":
        D = market_shares(S).to_numpy()
        labels, Zv, Yv, Vv, x = industries, D @ Ud, D @ Fd, Vrows, g
        system = "industry-by-industry (model D, fixed product sales structures)"
    else:
        C = product_mix(S).to_numpy()
        labels, Zv, Yv, Vv, x = products, Ud @ C, Fd, Vrows @ C, S.to_numpy().sum(axis=1)
        system = "product-by-product (model B, industry technology)"
    nodes = pd.MultiIndex.from_arrays([[region] * len(labels), [str(s) for s in labels]],
                                      names=["region", "sector"])
    fd = pd.MultiIndex.from_arrays([[region] * F.shape[1], [str(c) for c in F.columns]],
                                   names=["region", "category"])
    m = dict(meta or {})
    m.setdefault("system", system)
    m["history"] = tuple(m.get("history", ())) + tuple(history) + (f"supply-use -> IOT, model {model}",)
    VY = None
    if vy_rows:
        VY = pd.DataFrame(np.vstack(vy_rows), pd.MultiIndex.from_tuples(vy_names, names=["kind", "component"]), fd)
    return IOTable(pd.DataFrame(Zv, nodes, nodes), pd.DataFrame(Yv, nodes, fd),
                   pd.DataFrame(Vv, vnames, nodes), pd.Series(x, nodes), meta=m,
                   allow_negative=allow_negative, rtol=rtol, VY=VY)
