"""Brazil: IBGE national supply-use tables 2010-2021 (68 activities) as industry-by-industry IO tables.

The Instituto Brasileiro de Geografia e Estatística (IBGE) publishes the *Tabelas de
Recursos e Usos* (TRU) of the System of National Accounts each year.  The
``iotbr`` package on PyPI ships IBGE's original workbooks; this module reads them
(it does not use iotbr's code) and converts them with :func:`valuechain.datasets.sut.to_iot`:

* ``68_tab1_YYYY.xls`` (Tabela 1, *Recursos*): sheet ``oferta`` (supply at purchasers'
  prices, trade and transport margins, import duty, IPI, ICMS, other net taxes on
  products, supply at basic prices), ``producao`` (production, 128 products x 68
  activities, basic prices), ``importacao`` (imports by product).
* ``68_tab2_YYYY.xls`` (Tabela 2, *Usos*): sheet ``CI`` (intermediate consumption,
  purchasers' prices), ``demanda`` (exports, government, NPISH, households, GFCF,
  changes in inventories), ``VA`` (value-added components and output by activity).
* ``68_tab3``/``68_tab4``: the same at previous-year prices (2011-2021; no ``VA`` sheet,
  so value added is one derived row).

Conversion: purchasers' -> basic prices (margins to the trade and transport rows,
net taxes on products to a primary-input row of kind ``taxes``), imports separated by
product import shares (exports excluded from the base) into a primary-input row of kind
``imports``, then model D (fixed product sales structures) to 68 x 68 industries.  The
imports and product taxes of final uses are the ``VY`` block, so ``t.gdp`` is IBGE's GDP
(2021: 9,012,142 BRL million, GVA 7,713,999).  Unit: BRL million.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice
from ..errors import DatasetError, ReadError
from ..table import IOTable
from .sut import to_iot

__all__ = ["load_brazil", "read_ibge_sut", "ibge_to_iot", "YEARS", "PREVIOUS_YEAR_YEARS", "ACTIVITIES"]

YEARS = tuple(range(2010, 2022))
PREVIOUS_YEAR_YEARS = tuple(range(2011, 2022))
REGION = "BRA"

#: IBGE SCN activity code (68 level) -> short English label used as the sector name.
ACTIVITIES: dict[str, str] = {
    "0191": "Agriculture", "0192": "Livestock", "0280": "Forestry & fishing", "0580": "Coal & non-metal mining",
    "0680": "Oil & gas extraction", "0791": "Iron ore mining", "0792": "Non-ferrous ore mining",
    "1091": "Meat & dairy", "1092": "Sugar", "1093": "Other food", "1100": "Beverages", "1200": "Tobacco",
    "1300": "Textiles", "1400": "Apparel", "1500": "Footwear & leather", "1600": "Wood products",
    "1700": "Pulp & paper", "1800": "Printing", "1991": "Oil refining & coke", "1992": "Biofuels",
    "2091": "Basic chemicals", "2092": "Pesticides, paints, misc. chemicals", "2093": "Cleaning & cosmetics",
    "2100": "Pharmaceuticals", "2200": "Rubber & plastics", "2300": "Non-metallic minerals",
    "2491": "Iron & steel", "2492": "Non-ferrous metals", "2500": "Metal products", "2600": "Electronics",
    "2700": "Electrical equipment", "2800": "Machinery", "2991": "Motor vehicles", "2992": "Vehicle parts",
    "3000": "Other transport equipment", "3180": "Furniture & misc. manufacturing",
    "3300": "Machinery repair & installation", "3500": "Electricity & gas", "3680": "Water & waste",
    "4180": "Construction", "4500": "Motor vehicle trade", "4680": "Wholesale & retail trade",
    "4900": "Land transport", "5000": "Water transport", "5100": "Air transport",
    "5280": "Storage & postal", "5500": "Accommodation", "5600": "Food services", "5800": "Publishing",
    "5980": "Broadcasting & film", "6100": "Telecommunications", "6280": "IT services",
    "6480": "Finance & insurance", "6800": "Real estate", "6980": "Legal, accounting & HQ",
    "7180": "Architecture, engineering & R&D", "7380": "Other professional services",
    "7700": "Rental & IP leasing", "7880": "Administrative services", "8000": "Security services",
    "8400": "Public administration", "8591": "Public education", "8592": "Private education",
    "8691": "Public health", "8692": "Private health", "9080": "Arts & culture",
    "9480": "Associations & personal services", "9700": "Domestic services",
}

#: IBGE final-demand column headings (normalised) -> category label.
FINAL_DEMAND = {
    "exportação de bens e serviços": "exports", "consumo do governo": "government",
    "consumo das isflsf": "npish", "consumo das famílias": "households",
    "formação bruta de capital fixo": "gfcf", "variação de estoque": "inventories",
}
#: IBGE value-added rows (normalised) -> component label; non-overlapping components only.
VALUE_ADDED = {
    "salários": "wages", "contribuições sociais efetivas": "social contributions (effective)",
    "contribuições sociais imputadas": "social contributions (imputed)",
    "rendimento misto bruto": "mixed income", "excedente operacional bruto (eob)": "operating surplus",
    "outros impostos sobre a produção": "other taxes on production",
    "outros subsídios à produção": "other subsidies on production",
}
SUPPLY_COLUMNS = ["total_pp", "trade margin", "transport margin", "import duty", "IPI", "ICMS",
                  "other taxes less subsidies", "total taxes", "total_bp"]


def _norm(text: Any) -> str:
    s = re.sub(r"\(\d\)", "", str(text))
    return re.sub(r"\s+", " ", s).strip().lower()


def _data_dir() -> Path:
    try:
        import iotbr
    except ImportError as exc:  # pragma: no cover - iotbr is a dependency
        raise DatasetError("The 'brazil' dataset reads the IBGE workbooks shipped by the iotbr package; "
                           "install it with `pip install iotbr`.") from exc
    return Path(iotbr.__file__).parent / "IBGE" / "nivel_68_2010_2021_xls"


class _Sheet:
    """One worksheet of an IBGE workbook with row/column-precise error messages."""

    def __init__(self, path: Path, book: Any, name: str):
        self.path, self.name = path, name
        try:
            self.sh = book.sheet_by_name(name)
        except Exception:
            raise ReadError(f"{path.name}: no sheet {name!r}; sheets: {book.sheet_names()}.") from None

    def where(self, r: int, c: int | None = None) -> str:
        col = "" if c is None else f", column {_colname(c)}"
        return f"{self.path.name} (sheet {self.name!r}, row {r + 1}{col})"

    def product_rows(self) -> tuple[list[int], list[str], int]:
        """Rows holding a 5-digit product code, their codes, and the row of 'Total'."""
        rows, codes, total = [], [], -1
        for r in range(self.sh.nrows):
            v = self.sh.cell_value(r, 0)
            if isinstance(v, float):
                v = f"{int(v):05d}"
            v = str(v).strip()
            if re.fullmatch(r"\d{5}", v):
                if total >= 0:
                    raise ReadError(f"{self.where(r)}: product row {v!r} after the 'Total' row.")
                rows.append(r)
                codes.append(v)
            elif v.lower() == "total":
                total = r
                break
        if not rows:
            raise ReadError(f"{self.path.name} (sheet {self.name!r}): no product rows (5-digit codes in column A) "
                            "found; not an IBGE supply-use workbook?")
        if total < 0:
            raise ReadError(f"{self.path.name} (sheet {self.name!r}): no 'Total' row after the product rows; "
                            "the file looks truncated.")
        return rows, codes, total

    def numbers(self, rows: list[int], cols: list[int]) -> np.ndarray:
        out = np.empty((len(rows), len(cols)))
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                if c >= self.sh.ncols:
                    raise ReadError(f"{self.where(r, c)}: column missing (the sheet has {self.sh.ncols} columns).")
                v = self.sh.cell_value(r, c)
                if isinstance(v, (int, float)):
                    out[i, j] = float(v)
                elif str(v).strip() in ("", "-"):
                    out[i, j] = 0.0
                else:
                    raise ReadError(f"{self.where(r, c)}: expected a number, found {v!r}.")
        return out


def _colname(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def _open(path: Path) -> Any:
    import xlrd

    if not path.exists():
        raise DatasetError(f"{path}: IBGE workbook not found (expected in the iotbr package data).")
    try:
        return xlrd.open_workbook(str(path))
    except Exception as exc:
        raise ReadError(f"{path}: not a readable .xls workbook ({exc}).") from exc


def read_ibge_sut(supply_path: str | Path, use_path: str | Path) -> dict[str, Any]:
    """Parse an IBGE TRU pair (Tabela 1 *Recursos*, Tabela 2 *Usos*, 68 activities).

    Returns a dict of labelled frames (products by 5-digit IBGE code, activities by
    4-digit code): ``supply`` (products x activities), ``supply_columns`` (products x
    margins/taxes/totals), ``imports``, ``use`` (products x activities, purchasers'
    prices), ``final_use`` (products x categories), ``value_added`` (components x
    activities, or None when the workbook has no ``VA`` sheet), ``output``
    (published output by activity), ``ci_total`` (published intermediate consumption
    by activity), ``names`` (activity code -> IBGE name), ``unit``.

    Raises
    ------
    ReadError
        A sheet is missing, truncated, has a text value in a number cell, or its
        product rows differ between sheets (the message names file, sheet, row, column).
    """
    p1, p2 = Path(supply_path), Path(use_path)
    b1, b2 = _open(p1), _open(p2)
    prod = _Sheet(p1, b1, "producao")
    rows, codes, total = prod.product_rows()
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise ReadError(f"{p1.name} (sheet 'producao'): duplicated product code(s) {dup}.")
    header = 3
    acts, names, act_cols = [], {}, []
    for c in range(2, prod.sh.ncols):
        h = str(prod.sh.cell_value(header, c))
        m = re.match(r"\s*(\d{4})\s*\n?(.*)", h, re.S)
        if m:
            acts.append(m.group(1))
            names[m.group(1)] = re.sub(r"\s+", " ", m.group(2)).strip()
            act_cols.append(c)
    if len(acts) != 68:
        raise ReadError(f"{prod.where(header)}: expected 68 activity columns (4-digit code + name), found {len(acts)}.")
    if len(set(acts)) != len(acts):
        raise ReadError(f"{prod.where(header)}: duplicated activity codes.")
    pidx = pd.Index(codes, name="product")
    aidx = pd.Index(acts, name="activity")
    supply = pd.DataFrame(prod.numbers(rows, act_cols), pidx, aidx)
    output = pd.Series(prod.numbers([total], act_cols)[0], aidx, name="output")

    def same_rows(sh: _Sheet) -> tuple[list[int], int]:
        r2, c2, t2 = sh.product_rows()
        if c2 != codes:
            diff = [c for c in c2 if c not in codes] + [c for c in codes if c not in c2]
            raise ReadError(f"{sh.path.name} (sheet {sh.name!r}): product rows differ from sheet 'producao' "
                            f"(e.g. {diff[:3]}).")
        return r2, t2

    of = _Sheet(p1, b1, "oferta")
    r_of, _ = same_rows(of)
    supply_cols = pd.DataFrame(of.numbers(r_of, list(range(2, 11))), pidx, SUPPLY_COLUMNS)
    im = _Sheet(p1, b1, "importacao")
    r_im, _ = same_rows(im)
    imports = pd.Series(im.numbers(r_im, [2])[:, 0], pidx, name="imports")

    ci = _Sheet(p2, b2, "CI")
    r_ci, t_ci = same_rows(ci)
    for j, c in enumerate(act_cols):
        h = str(ci.sh.cell_value(header, c))
        if not h.strip().startswith(acts[j]):
            raise ReadError(f"{ci.where(header, c)}: expected activity {acts[j]!r}, found {h.splitlines()[0]!r}.")
    use = pd.DataFrame(ci.numbers(r_ci, act_cols), pidx, aidx)
    ci_total = pd.Series(ci.numbers([t_ci], act_cols)[0], aidx, name="intermediate consumption")

    dm = _Sheet(p2, b2, "demanda")
    r_dm, _ = same_rows(dm)
    fd_cols, fd_names = [], []
    for c in range(2, dm.sh.ncols):
        key = _norm(dm.sh.cell_value(header, c))
        if key in FINAL_DEMAND:
            fd_cols.append(c)
            fd_names.append(FINAL_DEMAND[key])
    missing = [v for v in FINAL_DEMAND.values() if v not in fd_names]
    if missing:
        raise ReadError(f"{dm.where(header)}: final-demand column(s) {missing} not found; expected headings "
                        f"{list(FINAL_DEMAND)}.")
    final_use = pd.DataFrame(dm.numbers(r_dm, fd_cols), pidx, pd.Index(fd_names, name="category"))

    value_added = None
    jobs = None
    if "VA" in b2.sheet_names():
        va = _Sheet(p2, b2, "VA")
        found: dict[str, int] = {}
        out_row = -1
        for r in range(va.sh.nrows):
            key = _norm(va.sh.cell_value(r, 0))
            if key in VALUE_ADDED:
                found[VALUE_ADDED[key]] = r
            elif key == "valor da produção":
                out_row = r
        missing = [v for v in VALUE_ADDED.values() if v not in found]
        if missing or out_row < 0:
            raise ReadError(f"{p2.name} (sheet 'VA'): value-added row(s) {missing or ['Valor da produção']} "
                            "not found.")
        va_cols = [c - 1 for c in act_cols]  # the VA sheet has no description column
        for j, c in enumerate(va_cols):
            h = str(va.sh.cell_value(header, c))
            if not h.strip().startswith(acts[j]):
                raise ReadError(f"{va.where(header, c)}: expected activity {acts[j]!r}, found {h.splitlines()[0]!r}.")
        value_added = pd.DataFrame(va.numbers(list(found.values()), va_cols), pd.Index(list(found), name="component"),
                                   aidx)
        jobs_row = next((r for r in range(va.sh.nrows) if _norm(va.sh.cell_value(r, 0)).startswith("fator trabalho")),
                        None)
        if jobs_row is not None:
            jobs = pd.Series(va.numbers([jobs_row], va_cols)[0], aidx, name="jobs")
        va_output = va.numbers([out_row], va_cols)[0]
        if not np.allclose(va_output, output.to_numpy(), rtol=1e-6, atol=1.0):
            j = int(np.argmax(np.abs(va_output - output.to_numpy())))
            raise ReadError(f"{va.where(out_row, va_cols[j])}: output of activity {acts[j]} ({va_output[j]:g}) "
                            f"differs from {p1.name} sheet 'producao' ({output.iloc[j]:g}).")
    unit_text = _norm(prod.sh.cell_value(2, 2))
    return {"supply": supply, "supply_columns": supply_cols, "imports": imports, "use": use,
            "final_use": final_use, "value_added": value_added, "jobs": jobs, "output": output, "ci_total": ci_total,
            "names": names, "unit": "BRL million" if "1 000 000 r$" in unit_text else unit_text}


@functools.lru_cache(maxsize=32)
def _parsed(year: int, prices: str) -> dict[str, Any]:
    d = _data_dir()
    t1, t2 = ("tab1", "tab2") if prices == "current" else ("tab3", "tab4")
    return read_ibge_sut(d / f"68_{t1}_{year}.xls", d / f"68_{t2}_{year}.xls")


def ibge_to_iot(parts: dict[str, Any], *, year: int | None = None, prices: str = "current",
                labels: str = "short", model: str = "D") -> IOTable:
    """Convert parsed IBGE TRU blocks (from :func:`read_ibge_sut`) to an :class:`IOTable`.

    Margins (trade, transport) and net taxes on products take the use table from
    purchasers' to basic prices; imports are split off by product import shares.
    ``labels="short"`` names sectors with short English labels, ``"code"`` with
    IBGE's 4-digit activity codes (model D) or 5-digit product codes (model B).
    """
    check_choice(labels, "labels", "datasets.load('brazil')", ("short", "code"))
    sc = parts["supply_columns"]
    margins = sc[["trade margin", "transport margin"]]
    taxes = sc[["import duty", "IPI", "ICMS", "other taxes less subsidies"]]
    supply = parts["supply"]
    if labels == "short" and model == "D":
        supply = supply.rename(columns=ACTIVITIES)
        use = parts["use"].rename(columns=ACTIVITIES)
        va = None if parts["value_added"] is None else parts["value_added"].rename(columns=ACTIVITIES)
    else:
        use, va = parts["use"], parts["value_added"]
    meta = {"name": "brazil", "year": year, "unit": parts["unit"], "currency": "BRL",
            "prices": "current" if prices == "current" else "previous-year",
            "source": "IBGE via iotbr (Tabelas de Recursos e Usos, 68 activities)"}
    t = to_iot(supply, use, parts["final_use"], va, imports=parts["imports"], exports="exports",
               margins=margins, taxes=taxes, model=model, region=REGION, meta=meta)
    jobs = parts.get("jobs")
    if jobs is not None:
        from ..extension import Extension
        from .sut import product_mix

        jobs = jobs.rename(ACTIVITIES) if labels == "short" and model == "D" else jobs
        if model == "B":  # industry jobs to products with the product mix, as value added
            jobs = pd.Series(jobs.to_numpy() @ product_mix(supply).to_numpy(), index=supply.index)
        F = pd.DataFrame([jobs.to_numpy()], index=pd.Index(["jobs"], name="stressor"), columns=t.nodes)
        t = t.with_extension(Extension("employment", F, unit="jobs (IBGE 'ocupações')"))
    return t


def load_brazil(year: int = 2021, *, prices: str = "current", labels: str = "short", model: str = "D") -> IOTable:
    """Brazil's national IO table (IBGE, 68 industries) for *year*, industry x industry.

    Parameters
    ----------
    year : int, default 2021
        2010-2021 (current prices) or 2011-2021 (previous-year prices).
    prices : {"current", "previous_year"}, default "current"
        Current prices (Tabelas 1-2) or prices of the previous year (Tabelas 3-4; no
        value-added breakdown, so ``V`` has ``imports``, net product taxes and one
        ``value_added`` row).
    labels : {"short", "code"}, default "short"
        Sector names: short English labels (:data:`ACTIVITIES`) or IBGE codes.
    model : {"D", "B"}, default "D"
        Industry x industry (68) or product x product (128), see :func:`~valuechain.datasets.sut.to_iot`.

    Returns
    -------
    IOTable
        Region ``"BRA"``; ``Z`` domestic flows at basic prices (BRL million); ``Y``
        categories exports, government, npish, households, gfcf, inventories; ``V``
        rows imports, taxes less subsidies on products and the value-added components.

    Examples
    --------
    >>> t = vc.datasets.load("brazil", year=2019)
    >>> t.n, t.meta.unit, t.regions.tolist()
    (68, 'BRL million', ['BRA'])
    >>> round(t.x.sum())  # IBGE: total output 2019, BRL million
    12741791
    """
    check_choice(prices, "prices", "datasets.load('brazil')", ("current", "previous_year"))
    check_choice(model, "model", "datasets.load('brazil')", ("D", "B"))
    years = YEARS if prices == "current" else PREVIOUS_YEAR_YEARS
    if year not in years:
        raise DatasetError(f"Dataset 'brazil' has no year {year!r} at {prices} prices; available years: "
                           f"{years[0]}-{years[-1]}.")
    parts = _parsed(int(year), prices)
    if parts.get("jobs") is None and prices != "current":  # jobs are counts: the same at any prices
        parts = {**parts, "jobs": _parsed(int(year), "current").get("jobs")}
    return ibge_to_iot(parts, year=int(year), prices=prices, labels=labels, model=model)
