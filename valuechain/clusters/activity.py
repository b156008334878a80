"""Regional activity tables: region x industry employment (and wages, output...) in long or wide form.

The canonical *long* form is a DataFrame with columns ``region``, ``industry``,
optionally ``year``, and one or more numeric value columns (``employment``,
``wages``, ``establishments``, ``output``...).  The *wide* form is a region x
industry matrix of one value.  :func:`tidy_activity` turns either into the long
form, :func:`activity_matrix` into the wide form of one value and year.

Two readers show how published layouts map onto it:

* :func:`read_abs_eiat` — ABS Census employment by place of work (LGA or state x
  ANZSIC division, 2011/2016/2021) as distributed with the ``eiat`` R package;
* :func:`read_bea_employment` — BEA SAEMP25N total employment by state x NAICS line
  (2009-2018), labelled with the BEA line-code crosswalk.

Missing (suppressed) values stay NaN in the long form; the statistics read them as 0.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from .._safeio import describe_fields, open_binary
from .._validation import fmt_labels
from ..errors import LabelError, ParameterError, ReadError, TableError, ValueChainError

__all__ = ["tidy_activity", "activity_matrix", "read_activity", "read_abs_eiat", "read_bea_employment"]

KEYS = ("region", "industry", "year")


def tidy_activity(
    activity: pd.DataFrame,
    *,
    value: str = "employment",
    region: str = "region",
    industry: str = "industry",
    year: str = "year",
) -> pd.DataFrame:
    """The canonical long activity table (columns region, industry, [year], values...).

    Parameters
    ----------
    activity : DataFrame
        Long (has *region* and *industry* columns) or wide (regions as index,
        industries as numeric columns; the values are named *value*).
    value : str, default "employment"
        Name of the value of a wide input (and the value checked in a long one).
    region, industry, year : str
        Column names of a long input (renamed to the canonical names).

    Returns
    -------
    DataFrame with columns ``region``, ``industry``, ``year`` (if present) and the value columns.

    Raises
    ------
    LabelError
        Missing columns or duplicated (region, industry, year) rows.
    TableError
        Negative or non-numeric values.

    Examples
    --------
    >>> wide = pd.DataFrame({"cars": [10, 0], "food": [5, 5]}, index=["north", "south"])
    >>> vc.clusters.tidy_activity(wide).values.tolist()
    [['north', 'cars', 10.0], ['north', 'food', 5.0], ['south', 'cars', 0.0], ['south', 'food', 5.0]]
    """
    if not isinstance(activity, pd.DataFrame):
        if isinstance(activity, pd.Series) and isinstance(activity.index, pd.MultiIndex):
            activity = activity.rename(activity.name or value).reset_index()
        else:
            raise ParameterError(
                f"The 'activity' parameter must be a DataFrame (long or wide). Got {type(activity).__name__} instead."
            )
    if region in activity.columns and industry in activity.columns:
        df = activity.rename(columns={region: "region", industry: "industry", year: "year"})
        if "year" not in df.columns and year != "year" and year in activity.columns:
            df = df.rename(columns={year: "year"})
    else:
        num = activity.select_dtypes(include="number")
        if num.shape[1] != activity.shape[1] or num.shape[1] == 0:
            raise LabelError(
                f"An activity table needs columns {region!r} and {industry!r} (long form) or regions as index and "
                f"numeric industry columns (wide form); got columns {fmt_labels(activity.columns)}."
            )
        df = activity.astype(float).rename_axis(index="region", columns="industry").stack().rename(value).reset_index()
    keys = [k for k in KEYS if k in df.columns]
    values = [c for c in df.columns if c not in keys]
    if not values:
        raise LabelError(f"The activity table has no value column (only {keys}).")
    df = df[keys + values].copy()
    df["region"] = df["region"].astype(str)
    df["industry"] = df["industry"].astype(str)
    if "year" in df.columns:
        if df["year"].isna().any():
            raise TableError("The activity table has rows without a year.")
        yv = pd.to_numeric(df["year"], errors="coerce")
        bad = yv.isna() | ~np.isfinite(yv) | (yv != np.round(yv)) | (yv.abs() > 9999)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise TableError(f"The activity table's year in row {i} is not a whole year: {df['year'].iloc[i]!r}.")
        df["year"] = yv.astype(np.int64)
    for c in values:
        if not pd.api.types.is_numeric_dtype(df[c]):
            conv = pd.to_numeric(df[c], errors="coerce")
            bad = df[c].notna() & conv.isna()
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise TableError(
                    f"The activity column {c!r} is not numeric: row {i} ({df.iloc[i]['region']!r}, "
                    f"{df.iloc[i]['industry']!r}) holds {df[c].iloc[i]!r}."
                )
            df[c] = conv
        df[c] = df[c].astype(float)
        inf = np.isinf(df[c].to_numpy())
        if inf.any():
            i = int(np.flatnonzero(inf)[0])
            raise TableError(
                f"The activity column {c!r} has an infinite value at ({df.iloc[i]['region']!r}, "
                f"{df.iloc[i]['industry']!r}); every value must be finite (NaN marks a suppressed cell)."
            )
        neg = df[c] < 0
        if neg.any():
            i = int(np.flatnonzero(neg.to_numpy())[0])
            raise TableError(
                f"The activity column {c!r} has negative values; first at ({df.iloc[i]['region']!r}, "
                f"{df.iloc[i]['industry']!r}) = {df[c].iloc[i]:g}."
            )
    dup = df.duplicated(keys)
    if dup.any():
        first = tuple(df.loc[dup, keys].iloc[0])
        raise LabelError(f"The activity table has {int(dup.sum())} duplicated {tuple(keys)} row(s); first {first!r}.")
    return df.reset_index(drop=True)


def _select_year(df: pd.DataFrame, year: int | None, func: str) -> tuple[pd.DataFrame, int | None]:
    if "year" not in df.columns:
        if year is not None:
            raise ParameterError(f"The 'year' parameter of {func} was given ({year}) but the table has no year column.")
        return df, None
    years = sorted(df["year"].unique().tolist())
    if year is None:
        year = years[-1]
    elif year not in years:
        raise ParameterError(f"The 'year' parameter of {func} must be one of {years}. Got {year!r} instead.")
    return df[df["year"] == year], int(year)


def activity_matrix(activity: pd.DataFrame, *, value: str = "employment", year: int | None = None) -> pd.DataFrame:
    """Wide region x industry matrix of one value and year (NaN read as 0).

    Parameters
    ----------
    value : str, default "employment"
        Value column of a long table.
    year : int, optional
        Year to take; default the latest.

    Examples
    --------
    >>> long = pd.DataFrame({"region": ["a", "a", "b"], "industry": ["x", "y", "x"], "employment": [1, 2, 3]})
    >>> vc.clusters.activity_matrix(long).values.tolist()
    [[1.0, 2.0], [3.0, 0.0]]
    """
    df = tidy_activity(activity, value=value)
    if value not in df.columns:
        vals = [c for c in df.columns if c not in KEYS]
        raise LabelError(f"The activity table has no {value!r} column; value columns are {vals}.")
    df, year = _select_year(df, year, "activity_matrix")
    mat = df.pivot_table(index="region", columns="industry", values=value, aggfunc="sum", fill_value=0.0,
                         sort=False, dropna=False)
    mat = mat.fillna(0.0).astype(float)
    mat.attrs = {"metric": value, "year": year}
    return mat


# ------------------------------------------------------------------- readers
ABS_UNALLOCATED = ("Inadequately described", "Not stated", "Not applicable")


@contextmanager
def _about(name: str) -> Iterator[None]:
    """Errors raised while reading *name* name it: ours keep their class, pandas' become a ReadError."""
    try:
        yield
    except ValueChainError as exc:
        if name in str(exc):
            raise
        raise type(exc)(f"{name}: {exc}") from None
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise ReadError(f"{name}: {type(exc).__name__}: {exc}") from None


def _read_csv(src: Any, name: str, **kw: Any) -> pd.DataFrame:
    """``pd.read_csv`` of a path (opened within the size caps, gzip counted) or a buffer; errors name *name*."""
    try:
        if isinstance(src, Path):
            with open_binary(src, name, line_cap=False) as fh:
                return pd.read_csv(fh, **kw)
        return pd.read_csv(src, **kw)
    except ValueChainError:
        raise
    except Exception as exc:  # pandas raises many kinds
        raise ReadError(f"{name}: cannot be read as CSV ({type(exc).__name__}: {exc}).") from None


def _published_file(p: Path, pattern: str, *, subdirs: tuple[str, ...] = (".",), exclude: str | None = None) -> Path:
    """*p* itself, or, for a folder, the first file matching *pattern* in *subdirs* of it."""
    if p.is_dir():
        cands = [c for d in subdirs for c in sorted((p / d).glob(pattern))
                 if exclude is None or not c.name.startswith(exclude)]
        if not cands:
            where = " or ".join("this folder" if d == "." else f"its {d}/" for d in subdirs)
            raise ReadError(f"{p}: no {pattern.rstrip('*')}(.gz) file found in {where}.")
        return cands[0]
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file.")
    return p


def read_abs_eiat(path: str | Path, *, level: str = "lga", drop_unallocated: bool = True, drop_pseudo: bool = True,
                  harmonise: bool = True, regions: Any = None) -> pd.DataFrame:
    """Read ABS Census employment by place of work x industry (``eiat`` package CSV layout).

    Parameters
    ----------
    path : path
        A ``work_{lga,state}_employment_by_industry_*.csv(.gz)`` file (columns
        ``lga_pow`` or ``state_pow``, ``industry``, ``year``, ``employment``), or the
        ``australia_abs_eiat`` folder (its ``csv/`` file for *level* is used).
    level : {"lga", "state"}, default "lga"
        Which file to take when *path* is a folder.
    drop_unallocated : bool, default True
        Drop the ABS pseudo-industries "Inadequately described", "Not stated", "Not applicable".
    drop_pseudo : bool, default True
        Drop the pseudo-regions (no area of work: "Migratory - Offshore - Shipping (NSW)",
        "No usual address", "POW not stated", "POW Capital city undefined", "POW State/Territory
        undefined"); they are listed in ``attrs["pseudo_regions"]``.  "Unincorporated ACT" (Canberra)
        and the other unincorporated areas are real places and kept.
    harmonise : bool, default True
        Rename the LGAs of earlier censuses to their name in the latest census of the file,
        matched by the documented name normalisation of
        :func:`valuechain.clusters.regions.abs_lga_key` (status suffixes such as "(C)",
        "(DC)", "(S)" stripped; the file carries no LGA codes).  ``attrs["matching"]`` gives,
        per earlier census, the number matched and the names still unmatched (mergers and
        renames: pass the ABS correspondence as *regions*).
    regions : DataFrame or dict, optional
        A user concordance (old -> new [, share]) applied after the matching, see
        :func:`valuechain.clusters.harmonise_regions`.

    Returns
    -------
    Long activity table: region, industry, year, employment.

    Examples
    --------
    >>> import io
    >>> text = "lga_pow,industry,year,employment\\nA,Mining,2021.0,5.0\\nA,Not stated,2021.0,1.0\\n"
    >>> vc.clusters.read_abs_eiat(io.StringIO(text)).values.tolist()
    [['A', 'Mining', 2021, 5.0]]
    """
    from .._validation import check_choice

    check_choice(level, "level", "read_abs_eiat", ("lga", "state"))
    src: Any = path
    if isinstance(path, (str, Path)):
        p = _published_file(Path(path), f"work_{level}_employment_by_industry*.csv*", subdirs=("csv", "."))
        src, name = p, p.name
    else:
        name = getattr(path, "name", "<buffer>")
    df = _read_csv(src, name)
    with _about(name):
        return _abs_eiat_frame(df, name, drop_unallocated=drop_unallocated, drop_pseudo=drop_pseudo,
                               harmonise=harmonise, regions=regions)


def _abs_eiat_frame(df: pd.DataFrame, name: str, *, drop_unallocated: bool, drop_pseudo: bool, harmonise: bool,
                    regions: Any) -> pd.DataFrame:
    reg = next((c for c in ("lga_pow", "state_pow", "lga_ur", "state_ur", "region") if c in df.columns), None)
    need = {"industry", "year", "employment"}
    if reg is None or not need <= set(df.columns):
        raise ReadError(
            f"{name}: expected columns lga_pow or state_pow, industry, year, employment (ABS EIAT layout); "
            f"found {describe_fields(df.columns)}."
        )
    df = df.rename(columns={reg: "region"})[["region", "industry", "year", "employment"]]
    from .regions import harmonise_regions, is_pseudo_region, match_names

    if drop_unallocated:
        df = df[~df["industry"].isin(ABS_UNALLOCATED)]
    df = df.assign(region=df["region"].astype(str))
    pseudo: list[str] = []
    if drop_pseudo:
        names = pd.Series(pd.unique(df["region"]))
        flag = names.map(is_pseudo_region).to_numpy(dtype=bool)
        pseudo = sorted(names[flag].tolist())
        df = df[~df["region"].isin(pseudo)]
    out = tidy_activity(df)
    matching: dict[int, dict[str, Any]] = {}
    if harmonise and "year" in out.columns and out["year"].nunique() > 1:
        years = sorted(out["year"].unique().tolist())
        latest = pd.unique(out.loc[out["year"] == years[-1], "region"])
        rename: dict[tuple[int, str], str] = {}
        for y in years[:-1]:
            names_y = pd.unique(out.loc[out["year"] == y, "region"])
            mapping, un = match_names(names_y, latest)
            rename.update({(y, o): n for o, n in mapping.items()})
            matching[int(y)] = {"to": int(years[-1]), "matched": len(mapping), "of_latest": int(len(latest)),
                                "match_rate": len(mapping) / max(len(latest), 1),
                                "unmatched_old": un["old"], "unmatched_new": un["new"], "ambiguous": un["ambiguous"]}
        keys = list(zip(out["year"].tolist(), out["region"].tolist()))
        out["region"] = [rename.get(k, k[1]) for k in keys]
    if regions is not None:
        out = harmonise_regions(out, regions)
    out.attrs = {"source": f"ABS Census (TableBuilder) via eiat: {name}", "unit": "persons employed (place of work)",
                 "spatial_scale": "LGA" if reg.startswith("lga") else "state", "pseudo_regions": pseudo,
                 "matching": matching,
                 "matching_rule": "LGA names matched to the latest census by valuechain.clusters.regions.abs_lga_key"}
    return out


def _bea_published_totals(df: pd.DataFrame, ycols: list[str], states_only: bool) -> dict[str, Any]:
    """Published totals of a SAEMP25N file: line 10 (total employment) by state and the US rows by line.

    ``{"region_totals": {year: {region: jobs}}, "industry_totals": {year: {line_code: jobs}},
    "grand_total": {year: jobs}}``; years as strings; only what the file has.
    """
    out: dict[str, Any] = {}
    fips = pd.to_numeric(df["GeoFips"], errors="coerce")
    line = pd.to_numeric(df["LineCode"], errors="coerce")
    states = (fips > 0) & (fips < 90000) if states_only else fips.notna()
    tot = df[states & (line == 10)]
    us = df[fips == 0]
    if len(tot):
        out["region_totals"] = {y: {str(r): float(v) for r, v in zip(tot["GeoName"], pd.to_numeric(tot[y], errors="coerce"))
                                    if np.isfinite(v)} for y in ycols}
    if len(us):
        out["industry_totals"] = {y: {int(c): float(v) for c, v in zip(line[us.index], pd.to_numeric(us[y], errors="coerce"))
                                      if np.isfinite(v) and c != 10} for y in ycols}
        g = us[line[us.index] == 10]
        if len(g):
            out["grand_total"] = {y: float(pd.to_numeric(g[y], errors="coerce").iloc[0]) for y in ycols}
    return out


def _bea_crosswalk(path: Path) -> pd.DataFrame | None:
    cands = sorted(path.parent.glob("Crosswalk_SAEMP25N_LineCode*.csv"))
    if not cands:
        return None
    return _read_csv(cands[0], cands[0].name)


def read_bea_employment(
    path: str | Path,
    *,
    crosswalk: str | Path | pd.DataFrame | None = None,
    states_only: bool = True,
    detailed: bool = True,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Read BEA SAEMP25N employment by state x NAICS line code (years as columns).

    Parameters
    ----------
    path : path
        ``State_Employment_2009_2018_SAEMP25N.csv(.gz)`` (columns GeoFips, GeoName,
        LineCode, then one column per year), or the folder holding it.
    crosswalk : path or DataFrame, optional
        LineCode -> Description table (default: ``Crosswalk_SAEMP25N_LineCode*.csv`` beside the file).
    states_only : bool, default True
        Drop the US total (GeoFips 00000) and the BEA regions (GeoFips >= 90000).
    detailed : bool, default True
        Keep only the detailed (leaf) lines listed in the crosswalk, so industries do
        not double count; needs a crosswalk.
    years : sequence of int, optional
        Years to keep (default all).

    Returns
    -------
    Long activity table: region, industry, year, employment (NaN = suppressed), line_code.

    Examples
    --------
    >>> import io
    >>> text = "GeoFips,GeoName,LineCode,2017,2018\\n00000,United States,101,9,9\\n01000,Alabama,101,1.0,2.0\\n"
    >>> cw = pd.DataFrame({"LineCode": [101], "Description": ["Forestry and logging "]})
    >>> vc.clusters.read_bea_employment(io.StringIO(text), crosswalk=cw)[["region", "year", "employment"]].values.tolist()
    [['Alabama', 2017, 1.0], ['Alabama', 2018, 2.0]]
    """
    name = "<buffer>"
    src: Any = path
    if isinstance(path, (str, Path)):
        p = _published_file(Path(path), "*SAEMP25N*.csv*", exclude="Crosswalk")
        src, name = p, p.name
        if crosswalk is None:
            crosswalk = _bea_crosswalk(p)
    df = _read_csv(src, name, dtype={"GeoFips": str})
    with _about(name):
        return _bea_frame(df, name, crosswalk=crosswalk, states_only=states_only, detailed=detailed, years=years)


def _bea_frame(df: pd.DataFrame, name: str, *, crosswalk: Any, states_only: bool, detailed: bool,
               years: Sequence[int] | None) -> pd.DataFrame:
    need = {"GeoFips", "GeoName", "LineCode"}
    ycols = [c for c in df.columns if str(c).isdigit() and len(str(c)) == 4]
    if not need <= set(df.columns) or not ycols:
        raise ReadError(
            f"{name}: expected columns GeoFips, GeoName, LineCode and year columns (BEA SAEMP25N layout); "
            f"found {describe_fields(df.columns, limit=8)}."
        )
    published = _bea_published_totals(df, ycols, states_only)
    if states_only:
        fips = pd.to_numeric(df["GeoFips"], errors="coerce")
        df = df[(fips > 0) & (fips < 90000)]
    labels: dict[int, str] = {}
    if crosswalk is not None:
        cw = crosswalk if isinstance(crosswalk, pd.DataFrame) else _read_csv(Path(crosswalk), Path(crosswalk).name)
        if not {"LineCode", "Description"} <= set(cw.columns):
            raise ReadError(f"crosswalk: expected columns LineCode and Description; found {describe_fields(cw.columns)}.")
        cw = cw.drop_duplicates("LineCode")
        labels = {int(k): str(v).strip() for k, v in zip(cw["LineCode"], cw["Description"])}
    elif detailed:
        raise ReadError(
            f"{name}: detailed=True needs the LineCode crosswalk (Crosswalk_SAEMP25N_LineCode*.csv beside the file "
            "or the 'crosswalk' parameter); pass detailed=False to keep every line."
        )
    if detailed:
        df = df[df["LineCode"].astype(int).isin(labels)]
    if years is not None:
        missing = [y for y in years if str(y) not in ycols]
        if missing:
            raise ParameterError(f"The 'years' parameter of read_bea_employment must be among {ycols}. Got {missing}.")
        ycols = [str(y) for y in years]
    long = df.melt(id_vars=["GeoName", "LineCode"], value_vars=ycols, var_name="year", value_name="employment")
    long["industry"] = [labels.get(int(c), str(c)) for c in long["LineCode"]]
    long = long.rename(columns={"GeoName": "region", "LineCode": "line_code"})
    long["employment"] = pd.to_numeric(long["employment"], errors="coerce")
    out = tidy_activity(long[["region", "industry", "year", "employment", "line_code"]])
    out = out[["region", "industry", "year", "employment", "line_code"]]
    out["line_code"] = out["line_code"].astype(np.int64)
    if years is not None:
        published = {k: {y: v for y, v in d.items() if y in ycols} for k, d in published.items()}
    if detailed and published.get("industry_totals"):
        published["industry_totals"] = {y: {labels[int(c)]: v for c, v in d.items() if int(c) in labels}
                                        for y, d in published["industry_totals"].items()}
    else:
        published.pop("industry_totals", None)
    out.attrs = {"source": f"BEA Regional Accounts SAEMP25N: {name}", "unit": "jobs (full- and part-time)",
                 "spatial_scale": "state", "published_totals": published,
                 "suppressed_rule": "(D), (L), (NA) and other non-numeric flags are NaN (suppressed)"}
    return out


LAYOUTS = ("auto", "long", "wide", "abs_eiat", "bea")


def read_activity(path: str | Path, *, layout: str = "auto") -> pd.DataFrame:
    """Read a regional activity (or trade) table file into the canonical long form.

    Parameters
    ----------
    path : path
        CSV (optionally gzipped) or parquet file; for ``abs_eiat`` / ``bea`` also the folder.
    layout : {"auto", "long", "wide", "abs_eiat", "bea"}, default "auto"
        ``long``: the first two text columns are region (location) and industry
        (activity), an optional ``year`` column, the other columns are values (a
        three-column trade file ``country, product, value`` is long);
        ``wide``: the first column holds regions and every other column an industry
        (values named ``value``); ``abs_eiat`` / ``bea``: :func:`read_abs_eiat` /
        :func:`read_bea_employment`.  ``auto`` recognises the ABS and BEA layouts by
        their columns, then takes files with at most 4 columns as long, others as wide.

    Returns
    -------
    Long activity table (region, industry, [year], values...).

    Examples
    --------
    >>> import io
    >>> vc.clusters.read_activity(io.StringIO("country,product,value\\nabc,0011,5\\n")).values.tolist()
    [['abc', '0011', 5.0]]
    """
    from .._validation import check_choice

    check_choice(layout, "layout", "read_activity", LAYOUTS)
    if layout == "abs_eiat":
        return read_abs_eiat(path)
    if layout == "bea":
        return read_bea_employment(path)
    name = Path(path).name if isinstance(path, (str, Path)) else getattr(path, "name", "<buffer>")
    if isinstance(path, (str, Path)):
        p = Path(path)
        if p.is_dir():
            raise ReadError(f"{p}: is a folder; give a file, or layout='abs_eiat' / 'bea' for those folders.")
        if not p.exists():
            raise FileNotFoundError(f"{p}: no such file.")
    if str(name).endswith(".parquet"):
        try:
            df = pd.read_parquet(path)
        except Exception as exc:
            raise ReadError(f"{name}: cannot be read as parquet ({type(exc).__name__}: {exc}).") from None
    else:
        df = _read_csv(Path(path) if isinstance(path, (str, Path)) else path, name, dtype=str, keep_default_na=True)
    with _about(name):
        return _activity_frame(df, path, name, layout)


def _activity_frame(df: pd.DataFrame, path: Any, name: str, layout: str) -> pd.DataFrame:
    cols = [str(c) for c in df.columns]
    if layout == "auto":
        if {"industry", "year", "employment"} <= set(cols) and ({"lga_pow", "state_pow"} & set(cols)):
            return read_abs_eiat(path) if isinstance(path, (str, Path)) else read_abs_eiat(
                _buffer(df), level="lga")
        if {"GeoFips", "GeoName", "LineCode"} <= set(cols):
            if not isinstance(path, (str, Path)):
                raise ReadError(f"{name}: BEA layouts must be read from a file path (the crosswalk sits beside it).")
            return read_bea_employment(path)
        layout = "long" if len(cols) <= 4 else "wide"
    if len(cols) < 2:
        raise ReadError(f"{name}: need at least 2 columns; found {describe_fields(cols)}.")

    def numeric(c: str) -> pd.Series:
        s = pd.to_numeric(df[c], errors="coerce")
        bad = df[c].notna() & s.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ReadError(f"{name}: row {i + 2}, column {c!r}: {df[c].iloc[i]!r} is not a number.")
        return s

    if layout == "wide":
        idx = df[cols[0]].astype(str)
        body = pd.DataFrame({c: numeric(c) for c in cols[1:]})
        body.index = pd.Index(idx, name="region")
        return tidy_activity(body, value="value")
    keys = [c for c in cols if c.lower() != "year"][:2]
    rest = [c for c in cols if c not in keys]
    if not rest:
        raise ReadError(f"{name}: a long table needs region, industry and value columns; found {describe_fields(cols)}.")
    out = pd.DataFrame({"region": df[keys[0]].astype(str), "industry": df[keys[1]].astype(str)})
    for c in rest:
        out["year" if c.lower() == "year" else c] = numeric(c)
    return tidy_activity(out)


def _buffer(df: pd.DataFrame) -> Any:
    import io

    return io.StringIO(df.to_csv(index=False))
