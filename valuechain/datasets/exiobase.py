"""EXIOBASE 3: the ixi / pxp zip archives (or their folders), read by our own text parser.

The public EXIOBASE 3 archives (``IOT_2011_ixi.zip``, ``IOT_2011_pxp.zip`` on
Zenodo) hold, under one root folder, ``file_parameters.json`` and
``metadata.json``, tab-separated tables written by pandas with multi-row
headers, and one folder per extension::

    file_parameters.json   {"systemtype": "IOSystem", "files": {"A": {"name": "A.txt",
                            "nr_index_col": "2", "nr_header": "2"}, ...}}
    Z.txt / A.txt          2 header lines (region, sector), an index-names line, 2 label columns
    Y.txt                  2 header lines (region, category), 2 label columns
    x.txt                  1 header line (region, sector, indout)
    unit.txt               region, sector, unit (``M.EUR``)
    factor_inputs/         (EXIOBASE 3.9+) value-added rows: F.txt, unit.txt
    satellite/, impacts/   stressors: F.txt (1 label column), F_Y.txt, unit.txt

This module reads that layout itself; pymrio is not involved, so nothing in an
archive is ever executed: every file named in a ``file_parameters.json`` must be
a plain text table (``.txt``, ``.tsv``, ``.csv``) in the same folder; a
``.pkl``/``.pickle`` (which pymrio would unpickle) or ``.parquet`` entry, a path
that leaves the folder, or a non-text member is refused before anything is read.
The numbers go through the shared matrix parser (every value finite and in
range, line lengths and decompressed sizes capped).

The result equals what ``IOTable.from_pymrio(pymrio.parse_exiobase3(path))``
gives for a valid archive: ``Z`` as published, or ``A * x`` (column-scaled) when
only ``A`` is stored (``x`` from ``x.txt``, else solved from ``(I - A) x = y``);
value added from ``factor_inputs/F.txt`` when its columns balance, else derived;
pymrio's correction of the region codes of the 3.4 release (``AUS`` -> ``AU``, ...).
``meta.unit`` comes from ``unit.txt`` (``M.EUR`` -> ``"EUR million"``).  The
stressor blocks (emissions, employment, impacts...) are read by
:func:`read_exiobase3_satellites`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from .._safeio import check_regular, check_zip, open_binary, open_member, snippet
from ..errors import ReadError, TableError
from ..table import IOTable
from ._parse import Matrix, read_labelled_csv, sniff_year

__all__ = ["read_exiobase3", "read_exiobase3_satellites", "TEXT_SUFFIXES"]

#: the only file types a file_parameters.json may name (pymrio also unpickles .pkl/.pickle and reads parquet)
TEXT_SUFFIXES = (".txt", ".tsv", ".csv")
_PARA = "file_parameters.json"
_META = "metadata.json"
_SMALL = 4 * 2**20  # cap on a JSON parameter or metadata file
#: names of the stressor label columns (EXIOBASE 3 has one; some extensions add a compartment)
_STRESSOR_LEVELS = ["stressor", "compartment", "detail", "detail_2"]
#: factor-input rows booked as taxes less subsidies on products (not part of GVA)
_PRODUCT_TAXES = "taxes less subsidies on products"
_NAME_OK = re.compile(r"[\w][\w .()+,-]*")

#: pymrio's correction of the 3.4 ixi release, whose region codes were ISO3 instead of EXIOBASE's 2 letters
REGION_FIX = {
    "AUS": "AU", "AUT": "AT", "BEL": "BE", "BGR": "BG", "BRA": "BR", "CAN": "CA", "CHE": "CH", "CHN": "CN",
    "CYP": "CY", "CZE": "CZ", "DEU": "DE", "DNK": "DK", "ESP": "ES", "EST": "EE", "FIN": "FI", "FRA": "FR",
    "GBR": "GB", "GRC": "GR", "HRV": "HR", "HUN": "HU", "IDN": "ID", "IND": "IN", "IRL": "IE", "ITA": "IT",
    "JPN": "JP", "KOR": "KR", "LTU": "LT", "LUX": "LU", "LVA": "LV", "MEX": "MX", "MLT": "MT", "NLD": "NL",
    "NOR": "NO", "POL": "PL", "PRT": "PT", "ROM": "RO", "RUS": "RU", "SVK": "SK", "SVN": "SI", "SWE": "SE",
    "TUR": "TR", "TWN": "TW", "USA": "US", "ZAF": "ZA", "WWA": "WA", "WWE": "WE", "WWF": "WF", "WWL": "WL",
    "WWM": "WM",
}
_LEGACY_KEYS = {"FY": "F_Y", "F_hh": "F_Y"}


# --------------------------------------------------------------------------- the container
class _Archive:
    """A zip archive or a folder, seen as posix member names relative to its top."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.names = None
        else:
            check_regular(path)
            if not zipfile.is_zipfile(path):
                raise ReadError(f"{path.name}: neither a zip archive nor a folder; expected an EXIOBASE 3 "
                                "IOT_YYYY_ixi.zip / IOT_YYYY_pxp.zip or its extracted folder.")
            try:
                self.zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise ReadError(f"{path.name}: not a readable zip archive ({exc}).") from None
            check_zip(self.zip, path.name)
            self.names = [n for n in self.zip.namelist() if not n.endswith("/")]

    def display(self, member: str) -> str:
        return f"{self.name}!{member}" if self.zip is not None else f"{self.name}/{member}"

    def exists(self, member: str) -> bool:
        if self.zip is not None:
            return member in self.names  # type: ignore[operator]
        return (self.path / member).exists()  # a link to a device exists: opening it is refused

    def para_files(self) -> list[str]:
        """Every ``file_parameters.json`` at the top or one or two folders down."""
        if self.zip is not None:
            return [n for n in self.names if PurePosixPath(n).name == _PARA and n.count("/") <= 2]  # type: ignore[union-attr]
        out = []
        for p in [self.path / _PARA, *sorted(self.path.glob(f"*/{_PARA}")), *sorted(self.path.glob(f"*/*/{_PARA}"))]:
            if p.is_file():
                out.append(p.relative_to(self.path).as_posix())
        return out

    def read_small(self, member: str) -> bytes:
        disp = self.display(member)
        if self.zip is not None:
            stream = open_member(self.zip, member, self.name, line_cap=False)
        else:
            stream = open_binary(self.path / member, disp, gunzip=False, line_cap=False)
        with stream:
            data = stream.read(_SMALL + 1)
        if len(data) > _SMALL:
            raise ReadError(f"{disp}: larger than {_SMALL // 2**20} MiB; not a parameter file.")
        return data

    def read_json(self, member: str) -> Any:
        disp = self.display(member)
        try:
            return json.loads(self.read_small(member).decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ReadError(f"{disp}: not UTF-8 text; expected a JSON parameter file.") from None
        except json.JSONDecodeError as exc:
            raise ReadError(f"{disp}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg}).") from None
        except RecursionError:
            raise ReadError(f"{disp}: JSON nested too deeply; not a parameter file.") from None

    def matrix(self, member: str, label_cols: int, header_rows: int) -> Matrix:
        kw = dict(sep="\t", label_cols=label_cols, header_rows=header_rows, names_row=header_rows > 1,
                  suffixes=TEXT_SUFFIXES)
        if self.zip is not None:
            return read_labelled_csv(self.path, member=member, name=self.display(member), **kw)
        return read_labelled_csv(self.path / member, name=self.display(member), **kw)

    def rows(self, member: str) -> list[list[str]]:
        """A small tab-separated text table (unit files) as rows of cells."""
        disp = self.display(member)
        if self.zip is not None:
            stream = open_member(self.zip, member, self.name)
        else:
            stream = open_binary(self.path / member, disp, gunzip=False)
        with stream:
            text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
            try:
                return [r for r in csv.reader(text, delimiter="\t") if r]
            except UnicodeDecodeError:
                raise ReadError(f"{disp}: not UTF-8 text.") from None
            except csv.Error as exc:
                raise ReadError(f"{disp}: could not be parsed as a tab-separated table ({exc}).") from None


# --------------------------------------------------------------------------- parameter files
def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _files(arc: _Archive, para: str) -> tuple[str, dict[str, tuple[str, int, int]], dict]:
    """The system type and ``key -> (member, nr_index_col, nr_header)`` of one parameter file."""
    disp = arc.display(para)
    content = arc.read_json(para)
    if not isinstance(content, dict) or not isinstance(content.get("files"), dict):
        raise ReadError(f"{disp}: expected a JSON object with a 'files' object (pymrio's file parameters).")
    system = content.get("systemtype")
    if system not in ("IOSystem", "Extension"):
        raise ReadError(f"{disp}: 'systemtype' is {snippet(system)}; expected 'IOSystem' or 'Extension'.")
    folder = str(PurePosixPath(para).parent) if "/" in para else ""
    out: dict[str, tuple[str, int, int]] = {}
    for key, spec in content["files"].items():
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise ReadError(f"{disp}: entry {snippet(key)} must be an object with a 'name'.")
        fname = spec["name"]
        suffix = PurePosixPath(fname).suffix.lower()
        if suffix in (".pkl", ".pickle"):
            raise ReadError(f"{disp}: entry {snippet(key)} names the pickle file {snippet(fname)}; valuechain "
                            "never unpickles data files (a pickle can run code). Only text tables "
                            f"({', '.join(TEXT_SUFFIXES)}) are read.")
        if suffix not in TEXT_SUFFIXES:
            raise ReadError(f"{disp}: entry {snippet(key)} names {snippet(fname)}; only text tables "
                            f"({', '.join(TEXT_SUFFIXES)}) are read.")
        if not _NAME_OK.fullmatch(fname) or fname.startswith(".") or ".." in fname:
            raise ReadError(f"{disp}: entry {snippet(key)} names {snippet(fname)}; expected a plain file name "
                            "in the same folder.")
        dims = []
        for field in ("nr_index_col", "nr_header"):
            v = spec.get(field)
            try:
                n = int(str(v).strip())
            except ValueError:
                n = -1
            if not 1 <= n <= 4 or (isinstance(v, float) and not v.is_integer()):
                raise ReadError(f"{disp}: entry {snippet(key)}: {field} is {snippet(v)}; expected 1 to 4.")
            dims.append(n)
        out[_LEGACY_KEYS.get(str(key), str(key))] = (_join(folder, fname), dims[0], dims[1])
    return system, out, content


def _locate(arc: _Archive) -> tuple[str, dict, list[tuple[str, dict]]]:
    """The IO system's parameter file, its files, and the extensions (folder name, files)."""
    paras = arc.para_files()
    systems = []
    for p in paras:
        kind, files, _ = _files(arc, p)
        systems.append((p, kind, files))
    roots = [s for s in systems if s[1] == "IOSystem"]
    if not roots:
        raise ReadError(f"{arc.name}: no {_PARA} with systemtype 'IOSystem' found; is this an EXIOBASE 3 "
                        "archive (IOT_YYYY_ixi.zip / IOT_YYYY_pxp.zip) or its folder?")
    if len(roots) > 1:
        raise ReadError(f"{arc.name}: several IO systems ({', '.join(r[0] for r in roots)}); pass one folder.")
    root_para, _, files = roots[0]
    root = str(PurePosixPath(root_para).parent) if "/" in root_para else ""
    exts = []
    for p, kind, efiles in systems:
        parent = str(PurePosixPath(p).parent) if "/" in p else ""
        if kind == "Extension" and str(PurePosixPath(parent).parent) in ((root or "."), root):
            exts.append((PurePosixPath(parent).name, efiles))
    return root, files, exts


# --------------------------------------------------------------------------- tables
def _index(labels: list, names: list[str]):
    import pandas as pd

    if labels and isinstance(labels[0], tuple):
        return pd.MultiIndex.from_tuples(labels, names=names[:len(labels[0])])
    return pd.Index(labels, name=names[0] if names else None)


def _fix_regions(idx, level: int = 0):
    import pandas as pd

    if isinstance(idx, pd.MultiIndex):
        vals = idx.levels[level]
        if any(v in REGION_FIX for v in vals):
            return idx.set_levels([REGION_FIX.get(v, v) for v in vals], level=level)
    return idx


def _frame(arc: _Archive, spec: tuple[str, int, int], names: tuple[list[str], list[str]]):
    """A parsed table as a labelled DataFrame (no copy of the numbers)."""
    import pandas as pd

    member, nidx, nhead = spec
    if not arc.exists(member):
        raise ReadError(f"{arc.display(member)}: listed in {_PARA} but absent.")
    m = arc.matrix(member, nidx, nhead)
    rows = m.row_tuples if m.row_tuples is not None else m.row_labels
    index = _fix_regions(_index(rows, names[0]))
    columns = _fix_regions(_index(m.col_labels, names[1]))
    return pd.DataFrame(m.values, index=index, columns=columns, copy=False)


def _units(arc: _Archive, spec: tuple[str, int, int] | None) -> "Any":
    """unit.txt as a Series (row label -> unit), or None when absent."""
    import pandas as pd

    if spec is None or not arc.exists(spec[0]):
        return None
    member, nidx, _ = spec
    rows = arc.rows(member)
    if len(rows) < 2:
        return None
    body = rows[1:]
    bad = next((k for k, r in enumerate(body) if len(r) < 2), None)
    if bad is not None:
        raise ReadError(f"{arc.display(member)}: line {bad + 2}: expected label column(s) and a unit.")
    # the unit is the last cell (pymrio's own mock declares 2 label columns for a 1-label unit file)
    k = max(1, min(nidx, min(len(r) for r in body) - 1))
    labels = [tuple(c.strip() for c in r[:k]) if k > 1 else r[0].strip() for r in body]
    return pd.Series([r[k].strip() for r in body], index=_fix_regions(_index(labels, rows[0][:k])),
                     name="unit")


def _unit_meta(units) -> tuple[str, str]:
    """('EUR million', 'EUR') from the unit column (``M.EUR``); ('', '') when absent."""
    if units is None or not len(units):
        return "", ""
    found = sorted(set(units.tolist()))
    if len(found) != 1:
        raise ReadError(f"unit.txt lists several units ({', '.join(map(repr, found[:5]))}); expected one "
                        "monetary unit for the whole table.")
    u = found[0]
    m = re.fullmatch(r"(?:M|Mill?|Mio|million)\.?\s*([A-Z]{3})", u, re.I) or \
        re.fullmatch(r"([A-Z]{3})\s*(?:M|million|mn)\.?", u, re.I)
    if m:
        return f"{m.group(1).upper()} million", m.group(1).upper()
    return u, ""


# --------------------------------------------------------------------------- readers
def _open(path: Path) -> tuple[_Archive, tuple[str, dict, list[tuple[str, dict]]]]:
    if not path.exists():
        raise ReadError(f"{path}: no such file or folder.")
    arc = _Archive(path)
    return arc, _locate(arc)


def read_exiobase3(path: str | Path, *, year: int | None = None, allow_negative: bool = True,
                   rtol: float = 1e-3, extensions: bool = True) -> IOTable:
    """Read an EXIOBASE 3 ixi or pxp archive (or its unpacked folder).

    Parameters
    ----------
    path : str or Path
        ``IOT_YYYY_ixi.zip`` / ``IOT_YYYY_pxp.zip`` or the extracted folder.
    year : int, optional
        Table year; read from the name or ``metadata.json`` when omitted.
    allow_negative : bool, default True
        EXIOBASE publishes a few small negative flows.
    rtol : float, default 1e-3
        Balance tolerance passed to :class:`~valuechain.IOTable`.
    extensions : bool, default True
        Attach the stressor blocks (``satellite``, ``impacts``, ``air_emissions``...;
        every extension folder but ``factor_inputs``) as :class:`~valuechain.Extension`
        objects, one unit per stressor as published: ``t.extensions["satellite"]``
        holds employment (``Employment: ...``, 1000 persons), hours and emissions.

    Returns
    -------
    IOTable
        49 regions x 163 industries (ixi) or 200 products (pxp) for the full
        system; ``meta.unit`` from ``unit.txt``; primary inputs from
        ``factor_inputs`` (component names as published) when they balance, with
        ``Taxes less subsidies on products purchased`` of kind ``taxes`` and the
        rest (compensation, operating surplus, other net taxes on production)
        ``value_added``, so ``t.v`` is GVA at basic prices; imports from outside
        the system do not exist in a world table.

    Raises
    ------
    ReadError
        Missing or malformed ``file_parameters.json``, a parameter entry naming
        anything but a text table in its folder (a pickle is never loaded), a
        missing file, a malformed table (file, line and column named).

    Examples
    --------
    >>> from valuechain.datasets.exiobase import read_exiobase3
    >>> read_exiobase3("/nonexistent/IOT_2011_ixi.zip")
    Traceback (most recent call last):
    ...
    valuechain.errors.ReadError: /nonexistent/IOT_2011_ixi.zip: no such file or folder.
    """
    import pandas as pd

    path = Path(path)
    arc, (root, files, exts) = _open(path)
    node_names = (["region", "sector"], ["region", "sector"])
    if "Y" not in files:
        raise ReadError(f"{arc.display(_join(root, _PARA))}: lists no final demand 'Y'.")
    Y = _frame(arc, files["Y"], (["region", "sector"], ["region", "category"]))
    if "Z" in files:
        Z = _frame(arc, files["Z"], node_names)
    elif "A" in files:
        A = _frame(arc, files["A"], node_names)
        if "x" in files:
            xf = _frame(arc, files["x"], (["region", "sector"], ["indout"]))
            try:
                x = xf.iloc[:, 0].reindex(A.columns).to_numpy()
            except ValueError as exc:
                raise ReadError(f"{arc.display(files['x'][0])}: its labels do not match A's ({exc}).") from None
            if np.isnan(x).any():
                lab = A.columns[int(np.flatnonzero(np.isnan(x))[0])]
                raise ReadError(f"{arc.display(files['x'][0])}: no output for {lab!r}, a column of A.")
        else:  # x = (I - A)^-1 y, as pymrio's calc_system (solved, not inverted)
            y = Y.sum(axis=1).reindex(A.index).to_numpy()
            try:
                x = np.linalg.solve(np.eye(len(A)) - A.reindex(columns=A.index).to_numpy(), y)
            except np.linalg.LinAlgError:
                raise ReadError(f"{arc.display(files['A'][0])}: I - A is singular; cannot derive output.") from None
            x = pd.Series(x, index=A.index).reindex(A.columns).to_numpy()
        Z = pd.DataFrame(A.to_numpy() * x.reshape(1, -1), index=A.index, columns=A.columns, copy=False)
        del A
    else:
        raise ReadError(f"{arc.display(_join(root, _PARA))}: lists neither 'Z' nor 'A'.")

    V, kinds = None, None
    fi = dict(exts).get("factor_inputs")
    if fi is not None and "F" in fi:
        F = _frame(arc, fi["F"], (["component"], ["region", "sector"]))
        x_rows = Z.to_numpy().sum(axis=1) + Y.to_numpy().sum(axis=1)
        Fa = F.reindex(columns=Z.columns) if set(F.columns) == set(Z.columns) else None
        if Fa is not None and np.allclose(Z.to_numpy().sum(axis=0) + Fa.to_numpy().sum(axis=0),
                                          pd.Series(x_rows, index=Z.index).reindex(Z.columns).to_numpy(),
                                          rtol=1e-6):
            V = Fa
            V.index.name = "component"
            kinds = {c: "taxes" for c in V.index if str(c).lower().startswith(_PRODUCT_TAXES)}
    unit, currency = _unit_meta(_units(arc, files.get("unit")))

    y = year
    if y is None:
        y = sniff_year(path.name)
    if y is None and arc.exists(_join(root, _META)):
        info = arc.read_json(_join(root, _META))
        if isinstance(info, dict):
            y = sniff_year(str(info.get("description", "") or ""))
    system = "product-by-product" if "pxp" in path.name.lower() else "industry-by-industry"
    meta = {"name": f"exiobase3{'' if y is None else y}", "year": y, "unit": unit, "currency": currency,
            "prices": "current", "system": system, "source": f"EXIOBASE 3: {path.name}"}
    if not unit:
        meta["history"] = ["unit.txt absent: unit unknown"]
    ext_list = []
    if extensions:
        for name, (F, FY, units) in _extension_blocks(arc, exts).items():
            if name == "factor_inputs" or F is None:
                continue
            ext_list.append(_as_extension(arc, name, F, FY, units, Z.columns, Y.columns))
    try:
        return IOTable(Z, Y, V, meta=meta, allow_negative=allow_negative, rtol=rtol, kinds=kinds or None,
                       extensions=ext_list or None)
    except TableError as exc:
        raise type(exc)(f"{path.name}: {exc}") from None


def _as_extension(arc: _Archive, name: str, F: Any, FY: Any, units: Any, nodes: Any, fd: Any) -> Any:
    """An EXIOBASE stressor block as an Extension aligned to the table (units per stressor)."""
    from ..extension import Extension

    if set(F.columns) != set(nodes):
        raise ReadError(f"{arc.display(name)}/F: its columns are not the table's (region, sector) labels.")
    F = F.reindex(columns=nodes)
    if FY is not None:
        if set(FY.columns) != set(fd):
            raise ReadError(f"{arc.display(name)}/F_Y: its columns are not the final-demand labels of Y.")
        FY = FY.reindex(columns=fd)
    def flat(idx: Any) -> list[str]:  # ("CO2", "air") -> "CO2 - air", EXIOBASE's own way of naming stressors
        return [" - ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in idx]

    F = F.set_axis(flat(F.index), axis=0)
    if FY is not None:
        FY = FY.set_axis(flat(FY.index), axis=0)
    if units is not None:
        units = units.set_axis(flat(units.index), axis=0)
    if F.index.has_duplicates:
        dup = F.index[F.index.duplicated()][0]
        raise ReadError(f"{arc.display(name)}/F: stressor {dup!r} appears twice.")
    unit: Any = ""
    if units is not None:
        u = units.iloc[:, 0] if hasattr(units, "columns") else units
        unit = {s: str(u.get(s, "")) for s in F.index}
    return Extension(name, F, unit=unit, F_Y=FY)


def read_exiobase3_satellites(path: str | Path) -> dict[str, tuple[Any, Any, Any]]:
    """The extension blocks of an EXIOBASE 3 archive: ``{name: (F, F_Y, unit)}``.

    Parameters
    ----------
    path : str or Path
        ``IOT_YYYY_ixi.zip`` / ``IOT_YYYY_pxp.zip`` or the extracted folder.

    Returns
    -------
    dict
        One entry per extension folder (``"satellite"``, ``"impacts"``,
        ``"factor_inputs"``, ``"air_emissions"``...): ``F`` the stressors by
        (region, sector) (index ``stressor``), ``F_Y`` the stressors of final
        demand by (region, category) or None, ``unit`` a Series stressor ->
        unit or None.  Values as published (units differ by stressor).

    Raises
    ------
    ReadError
        As :func:`read_exiobase3`.

    Examples
    --------
    >>> from valuechain.datasets.exiobase import read_exiobase3_satellites
    >>> sorted(read_exiobase3_satellites("IOT_2011_ixi.zip"))  # doctest: +SKIP
    ['factor_inputs', 'impacts', 'satellite']
    """
    arc, (_, _, exts) = _open(Path(path))
    return _extension_blocks(arc, exts)


def _extension_blocks(arc: _Archive, exts: list[tuple[str, dict]]) -> dict[str, tuple[Any, Any, Any]]:
    out: dict[str, tuple[Any, Any, Any]] = {}
    for name, files in exts:
        F = _frame(arc, files["F"], (_STRESSOR_LEVELS, ["region", "sector"])) if "F" in files else None
        FY = _frame(arc, files["F_Y"], (_STRESSOR_LEVELS, ["region", "category"])) if "F_Y" in files else None
        out[name] = (F, FY, _units(arc, files.get("unit")))
    return out
