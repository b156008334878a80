"""Supplier concentration, import dependencies and single points of failure.

* :func:`concentration` — Herfindahl-Hirschman index ``HHI = Σ_r s_r²`` (shares
  in [0, 1], so HHI in [1/k, 1]) and the top supplier's share:
  of each buyer node's inputs by supplier region (from an IOTable, per input
  sector or over all inputs), or of each importer's imports of each product by
  partner (from trade data).
* :func:`dependencies` — the EU strategic-dependency screen (European Commission
  2021, SWD(2021) 352) for any bloc of countries, per product and year:
  1. ``hhi`` of the bloc's extra-bloc imports by exporter > 0.4;
  2. ``extra_share`` = extra-bloc imports / total bloc imports > 0.5;
  3. ``import_export_ratio`` = extra-bloc imports / total bloc exports > 1;
  a product is ``dependent`` when all three hold (thresholds are parameters;
  METHODS.md 5.7 marks them as widely reported, to be confirmed).
* :func:`single_points_of_failure` — suppliers (regions or exporters) whose
  removal cuts a buyer off from every supplier of an input.

Trade data are a :class:`~valuechain.TradeTable` or a long DataFrame with the
canonical columns ``year, exporter, importer, product, value``; a DataFrame with
UN Comtrade column names (``ref_year, reporter_iso, partner_iso, cmd_code,
primary_value``, import flows) is renamed to those.  Shares with a zero total
are 0 (and the HHI of an empty group is 0), never NaN.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd

from .._validation import check_choice, check_number
from ..errors import ParameterError, TableError
from ..table import IOTable

__all__ = ["concentration", "dependencies", "single_points_of_failure", "EU27"]

#: The 27 EU member states (since 2020), ISO 3166 alpha-3.
EU27 = ("AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GRC", "HRV", "HUN",
        "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "SWE")

_BLOCS = {"EU27": EU27, "EU": EU27}
_CANON = ["year", "exporter", "importer", "product", "value"]
_COMTRADE = {"ref_year": "year", "partner_iso": "exporter", "reporter_iso": "importer", "cmd_code": "product",
             "primary_value": "value"}


def _trade_frame(trade: Any, func: str) -> pd.DataFrame:
    """Long trade flows with columns year, exporter, importer, product, value (summed duplicates)."""
    if hasattr(trade, "aggregate") and hasattr(trade, "years") and not isinstance(trade, pd.DataFrame):
        df = trade.aggregate(["year", "exporter", "importer", "product"])
        df = df[_CANON]
    elif isinstance(trade, pd.DataFrame):
        df = trade
        if not set(_CANON) <= set(df.columns) and set(_COMTRADE) <= set(df.columns):
            if "flow_desc" in df.columns:
                flows = set(df["flow_desc"].astype(str).str.strip().unique())
                if flows - {"Import"}:
                    df = df[df["flow_desc"].astype(str).str.strip() == "Import"]
            df = df.rename(columns=_COMTRADE)
        missing = [c for c in _CANON if c not in df.columns]
        if missing:
            raise TableError(f"{func}: trade data lacks column(s) {missing}; expected {_CANON} "
                             f"(or UN Comtrade names {sorted(_COMTRADE)}); found {list(df.columns)[:12]}.")
        df = df[_CANON].copy()
    else:
        raise ParameterError(f"The 'trade' parameter of {func} must be a TradeTable or a pandas DataFrame. "
                             f"Got {type(trade).__name__} instead.")
    for c in ("exporter", "importer", "product"):
        df[c] = df[c].astype(str).str.strip()
    df["year"] = df["year"].astype(int)
    df["value"] = df["value"].astype(float)
    bad = ~np.isfinite(df["value"].to_numpy())
    if bad.any():
        r = df[bad].iloc[0]
        raise TableError(f"{func}: {int(bad.sum())} trade value(s) are NaN/inf; first: {dict(r)}.")
    if (df["value"] < 0).any():
        r = df[df["value"] < 0].iloc[0]
        raise TableError(f"{func}: negative trade value {r['value']:g} for {r['exporter']} -> {r['importer']}, "
                         f"product {r['product']}, year {r['year']}.")
    return df.groupby(["year", "exporter", "importer", "product"], as_index=False, sort=True)["value"].sum()


def _long_flows(Z: pd.DataFrame, supplier: str) -> pd.DataFrame:
    """Nonzero intermediate flows as rows (supplier region, input sector, buyer region, buyer sector, value)."""
    zv = Z.to_numpy()
    r, c = np.nonzero(zv)
    rows, cols = Z.index, Z.columns
    return pd.DataFrame({supplier: rows.get_level_values(0).to_numpy()[r],
                         "input_sector": rows.get_level_values(1).to_numpy()[r],
                         "region": cols.get_level_values(0).to_numpy()[c],
                         "sector": cols.get_level_values(1).to_numpy()[c], "value": zv[r, c]})


def _hhi_table(df: pd.DataFrame, groups: list[str], supplier: str) -> pd.DataFrame:
    """HHI, top supplier and its share, supplier count and total of *value* within *groups*."""
    g = df.groupby(groups + [supplier], sort=False, as_index=False)["value"].sum()
    g = g[g["value"] > 0]
    tot = g.groupby(groups, sort=False)["value"].transform("sum")
    g["share"] = g["value"] / tot
    g["share2"] = g["share"] ** 2
    grp = g.groupby(groups, sort=True)
    res = pd.DataFrame({"total": grp["value"].sum(), "hhi": grp["share2"].sum(), "n_suppliers": grp["value"].size()})
    top = g.sort_values("value", ascending=False, kind="stable").drop_duplicates(groups)
    top = top.set_index(groups)[[supplier, "share"]].rename(columns={supplier: "top_supplier", "share": "top_share"})
    res = res.join(top)
    return res[["total", "n_suppliers", "hhi", "top_supplier", "top_share"]]


def concentration(data: Any, *, level: str = "input", exclude_domestic: bool = False,
                  importers: Iterable[str] | None = None) -> pd.DataFrame:
    """Supplier concentration (HHI and top-supplier share).

    Parameters
    ----------
    data : IOTable, TradeTable or DataFrame
        An IOTable: for every buyer node, its intermediate inputs by supplier
        region.  Trade data: every importer's imports of every product by exporter.
    level : {"input", "buyer"}, default "input"
        IOTable only: per buyer node and input sector (shares of the input's
        supplier regions), or per buyer node over all its inputs.
    exclude_domestic : bool, default False
        IOTable: ignore inputs from the buyer's own region; trade: ignore flows
        with exporter == importer.
    importers : list of str, optional
        Trade only: keep these importers.

    Returns
    -------
    DataFrame
        IOTable: indexed by (region, sector[, input_sector]) of the buyer; trade:
        by (year, importer, product).  Columns ``total``, ``n_suppliers``, ``hhi``,
        ``top_supplier``, ``top_share``.  Buyers without inputs are absent.

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> c = vc.resilience.concentration(t)
    >>> bool(((c["hhi"] > 0) & (c["hhi"] <= 1)).all())
    True
    >>> tr = pd.DataFrame({"year": 2020, "exporter": ["A", "B", "A"], "importer": ["X", "X", "Y"],
    ...                    "product": "p", "value": [3.0, 1.0, 2.0]})
    >>> vc.resilience.concentration(tr)["hhi"].tolist()
    [0.625, 1.0]
    """
    check_choice(level, "level", "concentration", ("input", "buyer"))
    if isinstance(data, IOTable):
        Z = data.Z
        long = _long_flows(Z, "supplier_region")
        if exclude_domestic:
            long = long[long["supplier_region"] != long["region"]]
        groups = ["region", "sector"] + (["input_sector"] if level == "input" else [])
        res = _hhi_table(long, groups, "supplier_region")
        res.attrs = data.attrs("supplier_concentration", level=level, exclude_domestic=exclude_domestic)
        return res
    df = _trade_frame(data, "concentration")
    if exclude_domestic:
        df = df[df["exporter"] != df["importer"]]
    if importers is not None:
        df = df[df["importer"].isin(list(importers))]
    res = _hhi_table(df, ["year", "importer", "product"], "exporter")
    res.attrs = {"metric": "import_concentration", "unit": getattr(getattr(data, "meta", None), "unit", ""),
                 "source": getattr(getattr(data, "meta", None), "source", "")}
    return res


def dependencies(trade: Any, bloc: Iterable[str] | str = "EU27", *, hhi: float = 0.4, share: float = 0.5,
                 ratio: float = 1.0, exports: pd.Series | None = None, years: Iterable[int] | None = None) -> pd.DataFrame:
    """The EU strategic-dependency screen for a bloc of countries, per product and year.

    Parameters
    ----------
    trade : TradeTable or DataFrame
        Bilateral flows (year, exporter, importer, product, value).
    bloc : list of str or "EU27", default "EU27"
        The bloc's countries, as labelled in the data.
    hhi, share, ratio : float, defaults 0.4, 0.5, 1.0
        Thresholds of the three criteria (strictly greater than).
    exports : Series, optional
        Total bloc exports indexed by (year, product).  Default: the sum of the
        flows in *trade* whose exporter is in the bloc (intra- and extra-bloc).
        With importer-reported data for the bloc only (as the Comtrade sample),
        that sum misses extra-bloc exports and overstates the ratio: pass
        *exports* to correct it.
    years : list of int, optional

    Returns
    -------
    DataFrame
        Indexed by (year, product): ``extra_imports``, ``total_imports``,
        ``bloc_exports``, ``hhi`` (of extra-bloc imports by exporter),
        ``top_supplier``, ``top_share``, ``extra_share``,
        ``import_export_ratio`` (inf when bloc exports are 0 and imports > 0),
        flags ``hhi_flag``, ``share_flag``, ``ratio_flag`` and ``dependent``.

    Examples
    --------
    >>> tr = pd.DataFrame({"year": 2020, "exporter": ["CHN", "USA", "DEU", "FRA"],
    ...                    "importer": ["FRA", "FRA", "FRA", "DEU"], "product": "p",
    ...                    "value": [8.0, 2.0, 1.0, 1.0]})
    >>> d = vc.resilience.dependencies(tr, bloc=["DEU", "FRA"])
    >>> d[["hhi", "extra_share", "import_export_ratio", "dependent"]].round(3).values.tolist()
    [[0.68, 0.833, 5.0, True]]
    """
    for name, val in (("hhi", hhi), ("share", share), ("ratio", ratio)):
        check_number(val, name, "dependencies", low=0.0)
    members = set(_BLOCS[bloc]) if isinstance(bloc, str) and bloc in _BLOCS else (
        {bloc} if isinstance(bloc, str) else set(bloc))
    if not members:
        raise ParameterError("The 'bloc' parameter of dependencies must name at least one country. Got [] instead.")
    df = _trade_frame(trade, "dependencies")
    if years is not None:
        df = df[df["year"].isin(list(years))]
    imp_in = df["importer"].isin(members)
    exp_in = df["exporter"].isin(members)
    key = ["year", "product"]
    if not imp_in.any():
        raise TableError(f"dependencies: no flow has an importer in the bloc {sorted(members)[:5]}...; "
                         f"importers found: {sorted(df['importer'].unique())[:8]}.")
    total_imp = df[imp_in].groupby(key)["value"].sum()
    extra = df[imp_in & ~exp_in]
    extra_imp = extra.groupby(key)["value"].sum().reindex(total_imp.index, fill_value=0.0)
    if exports is None:
        bloc_exp = df[exp_in].groupby(key)["value"].sum().reindex(total_imp.index, fill_value=0.0)
        exp_note = "sum of bloc members' exports found in the data"
    else:
        bloc_exp = pd.Series(exports, dtype=float)
        bloc_exp.index = bloc_exp.index.set_names(key)
        bloc_exp = bloc_exp.reindex(total_imp.index, fill_value=0.0)
        exp_note = "given"
    conc = _hhi_table(extra, key, "exporter").reindex(total_imp.index)
    res = pd.DataFrame({"extra_imports": extra_imp, "total_imports": total_imp, "bloc_exports": bloc_exp})
    res["hhi"] = conc["hhi"].fillna(0.0)
    res["top_supplier"] = conc["top_supplier"]
    res["top_share"] = conc["top_share"].fillna(0.0)
    ti = res["total_imports"].to_numpy()
    ei = res["extra_imports"].to_numpy()
    be = res["bloc_exports"].to_numpy()
    sh = np.zeros(len(res))
    np.divide(ei, ti, out=sh, where=ti > 0)
    rt = np.where(ei > 0, np.inf, 0.0)
    np.divide(ei, be, out=rt, where=be > 0)
    res["extra_share"] = sh
    res["import_export_ratio"] = rt
    res["hhi_flag"] = res["hhi"] > hhi
    res["share_flag"] = res["extra_share"] > share
    res["ratio_flag"] = res["import_export_ratio"] > ratio
    res["dependent"] = res["hhi_flag"] & res["share_flag"] & res["ratio_flag"]
    src = getattr(getattr(trade, "meta", None), "source", "")
    res.attrs = {"metric": "strategic_dependencies", "bloc": sorted(members), "thresholds":
                 {"hhi": hhi, "share": share, "ratio": ratio}, "exports": exp_note, "source": src,
                 "method": "EC SWD(2021) 352 three-criteria screen"}
    return res


def single_points_of_failure(data: Any, *, min_share: float = 0.0, exclude_domestic: bool = False) -> pd.DataFrame:
    """Suppliers whose removal cuts a buyer off from every supplier of an input.

    A buyer (an IO node and one of its input sectors, or an importer and a
    product in a year) depends on a single point of failure when exactly one
    supplier region (exporter) provides the input; suppliers with less than
    *min_share* of the input are not counted as alternatives.

    Parameters
    ----------
    data : IOTable, TradeTable or DataFrame
    min_share : float, default 0
        Alternative suppliers below this share of the input are ignored.
    exclude_domestic : bool, default False
        Ignore the buyer's own region (IO) / re-imports (trade).

    Returns
    -------
    DataFrame
        One row per (buyer, input) with a single effective supplier: the group
        columns, ``supplier``, ``share`` (its share of the input, >= 1 − the
        ignored alternatives) and ``value`` (the buyer's total use of the input).

    Examples
    --------
    >>> tr = pd.DataFrame({"year": 2020, "exporter": ["A", "B", "A"], "importer": ["X", "X", "Y"],
    ...                    "product": "p", "value": [3.0, 1.0, 2.0]})
    >>> vc.resilience.single_points_of_failure(tr)[["importer", "supplier"]].values.tolist()
    [['Y', 'A']]
    """
    check_number(min_share, "min_share", "single_points_of_failure", low=0.0, high=1.0, closed="left")
    if isinstance(data, IOTable):
        long = _long_flows(data.Z, "supplier")
        if exclude_domestic:
            long = long[long["supplier"] != long["region"]]
        groups = ["region", "sector", "input_sector"]
        attrs = data.attrs("single_points_of_failure", min_share=min_share)
    else:
        long = _trade_frame(data, "single_points_of_failure").rename(columns={"exporter": "supplier"})
        if exclude_domestic:
            long = long[long["supplier"] != long["importer"]]
        groups = ["year", "importer", "product"]
        attrs = {"metric": "single_points_of_failure", "min_share": min_share}
    long = long[long["value"] > 0]
    long = long.groupby(groups + ["supplier"], as_index=False, sort=True)["value"].sum()
    tot = long.groupby(groups)["value"].transform("sum")
    long["share"] = long["value"] / tot
    long["total"] = tot
    eff = long[long["share"] >= min_share] if min_share > 0 else long
    n_eff = eff.groupby(groups)["supplier"].transform("size")
    single = eff[n_eff == 1]
    out = single[groups + ["supplier", "share", "total"]].rename(columns={"total": "value"}).reset_index(drop=True)
    out.attrs = attrs
    return out
