"""WIOD 2016 release Socio-Economic Accounts (SEA): employment, hours and compensation by industry.

Two layouts are read:

* the **published** layout (``WIOD_SEA_Nov16.xlsx``, sheet ``DATA``, or its CSV export):
  columns ``country, variable, description, code`` then one column per year ``2000 ... 2014``;
* a **long** layout (one row per country, industry and year, one column per variable:
  ``country, description, code, year, EMP, EMPE, H_EMPE, COMP, LAB, ...``), as R packages
  redistribute it.

Variables used, with WIOD's units: ``EMP`` persons engaged (thousands), ``EMPE`` employees
(thousands), ``H_EMPE`` hours worked by employees (millions), ``COMP`` compensation of
employees and ``LAB`` labour compensation (millions of national currency), ``NOMEXCH``
(national currency per US dollar).  :func:`sea_extension` turns one country and year into
an :class:`~valuechain.Extension` named ``employment`` with stressors ``persons_engaged``
and ``employees`` (persons), ``hours_employees`` (hours), ``compensation`` and
``labour_compensation`` (USD million, converted with ``NOMEXCH`` to the NIOT's unit).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import LabelError, ReadError

__all__ = ["read_wiod_sea", "sea_extension", "SEA_STRESSORS"]

#: SEA variable -> (stressor, unit, factor to that unit, money in national currency?)
SEA_STRESSORS = {
    "EMP": ("persons_engaged", "persons", 1_000.0, False),
    "EMPE": ("employees", "persons", 1_000.0, False),
    "H_EMPE": ("hours_employees", "hours", 1_000_000.0, False),
    "COMP": ("compensation", "USD million", 1.0, True),
    "LAB": ("labour_compensation", "USD million", 1.0, True),
}


def read_wiod_sea(path: str | Path) -> pd.DataFrame:
    """Read the SEA into one long frame: ``country, code, description, year, variable, value``.

    Raises
    ------
    ReadError
        Neither layout, text in a number cell, duplicated (country, code, year, variable).
    """
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file.")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raw = pd.read_excel(path, sheet_name="DATA" if "DATA" in pd.ExcelFile(path).sheet_names else 0,
                                dtype=object)
        else:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise ReadError(f"{path.name}: not a readable SEA file ({type(exc).__name__}).") from None
    cols = {str(c).strip(): c for c in raw.columns}
    lower = {k.lower(): v for k, v in cols.items()}
    if {"country", "variable", "code"} <= set(lower):  # published: years as columns
        years = [c for c in cols if re.fullmatch(r"(19|20)\d\d", c)]
        if not years:
            raise ReadError(f"{path.name}: no year columns (2000 ... 2014) next to country, variable, code.")
        long = raw.melt(id_vars=[lower["country"], lower["variable"], lower["code"]] +
                        ([lower["description"]] if "description" in lower else []),
                        value_vars=[cols[y] for y in years], var_name="year", value_name="value")
        long.columns = ["country", "variable", "code"] + (["description"] if "description" in lower else []) + \
            ["year", "value"]
    elif {"country", "code", "year"} <= set(lower):
        vars_ = [c for c in cols if c.upper() == c and c.lower() not in ("country", "code", "year")]
        long = raw.melt(id_vars=[lower["country"], lower["code"], lower["year"]] +
                        ([lower["description"]] if "description" in lower else []),
                        value_vars=[cols[v] for v in vars_], var_name="variable", value_name="value")
        long.columns = ["country", "code", "year"] + (["description"] if "description" in lower else []) + \
            ["variable", "value"]
    else:
        raise ReadError(f"{path.name}: not the WIOD SEA layout: expected columns country, variable, code and "
                        "years, or country, code, year and the variables (EMP, EMPE, H_EMPE, COMP ...).")
    vals = pd.to_numeric(long["value"].astype(str).str.strip().replace({"": "nan", "NA": "nan"}), errors="coerce")
    bad = vals.isna() & ~long["value"].astype(str).str.strip().isin(["", "NA", "nan", "None"])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        r = long.iloc[i]
        raise ReadError(f"{path.name}: {r['country']} {r['code']} {r['variable']} {r['year']}: expected a number, "
                        f"found {str(r['value'])[:30]!r}.")
    if np.isinf(vals).any():
        raise ReadError(f"{path.name}: infinite value in the SEA.")
    long["value"] = vals
    yrs = pd.to_numeric(long["year"], errors="coerce")
    if yrs.isna().any() or (yrs != yrs.round()).any():
        raise ReadError(f"{path.name}: a year is not an integer.")
    long["year"] = yrs.astype(int)
    for c in ("country", "code", "variable"):
        long[c] = long[c].astype(str).str.strip()
    dup = long.duplicated(["country", "code", "year", "variable"])
    if dup.any():
        r = long[dup].iloc[0]
        raise ReadError(f"{path.name}: duplicated entry {r['country']} {r['code']} {r['variable']} {r['year']}.")
    return long.reset_index(drop=True)


def sea_extension(sea: pd.DataFrame | str | Path, table, *, country: str | None = None, year: int | None = None):
    """The SEA of one country and year as an ``employment`` :class:`~valuechain.Extension` of *table*.

    Parameters
    ----------
    sea : DataFrame (from :func:`read_wiod_sea`) or path
    table : IOTable
        A single-country WIOD 2016 table (e.g. a NIOT): its sectors are the SEA codes.
    country, year : optional
        Default: the table's region and year.

    Raises
    ------
    LabelError
        The country/year is not in the SEA, or a table sector has no SEA row.
    """
    from ..extension import Extension

    df = read_wiod_sea(sea) if not isinstance(sea, pd.DataFrame) else sea
    country = country or str(table.regions[0])
    year = int(year if year is not None else table.meta.year)
    sel = df[(df["country"] == country) & (df["year"] == year)]
    if sel.empty:
        raise LabelError(f"sea_extension: no SEA rows for {country} {year}; countries "
                         f"{sorted(df['country'].unique())[:8]}, years {sorted(df['year'].unique())[:3]}...")
    wide = sel.pivot_table(index="code", columns="variable", values="value", aggfunc="first")
    sectors = list(table.nodes.get_level_values("sector"))
    missing = [s for s in sectors if s not in wide.index]
    if missing:
        raise LabelError(f"sea_extension: table sector(s) {missing[:5]} have no SEA row for {country} {year}.")
    exch = wide["NOMEXCH"].reindex(sectors).to_numpy() if "NOMEXCH" in wide else np.ones(len(sectors))
    rows, units = {}, {}
    for var, (name, unit, factor, money) in SEA_STRESSORS.items():
        if var not in wide:
            continue
        v = wide[var].reindex(sectors).to_numpy(dtype=float) * factor
        if money:
            v = v / exch
        if np.isnan(v).any():
            gaps = [sectors[i] for i in np.flatnonzero(np.isnan(v))[:5]]
            raise LabelError(f"sea_extension: the SEA has no {var} for {country} {year} in sector(s) {gaps}; "
                             "missing values are not read as 0.")
        rows[name] = v
        units[name] = unit
    if not rows:
        raise LabelError(f"sea_extension: none of {sorted(SEA_STRESSORS)} is in the SEA.")
    F = pd.DataFrame(rows, index=table.nodes).T
    return Extension("employment", F, unit=units)
