"""The dataset registry: embedded tables and the published sources valuechain knows how to read.

Three kinds of entry:

* ``"embedded"``: ships with valuechain (or with a dependency), loads offline.
* ``"download"``: a versioned URL and a SHA-256; :func:`~valuechain.datasets.cache.fetch`
  downloads it once into the cache.
* ``"manual"``: the publisher's landing page and the reader format; the user downloads
  the file (licence click-through, changing URLs) and registers it with
  ``valuechain datasets add NAME PATH`` (or puts it in the cache folder).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from .._validation import fmt_labels
from ..errors import DatasetError
from .cache import cache_dir

__all__ = ["Dataset", "REGISTRY", "register", "list_datasets", "load", "info", "cache_dir"]


@dataclass(frozen=True)
class Dataset:
    """A registered dataset: how to load it and where it comes from.

    Attributes
    ----------
    name, description : str
    loader : callable or None
        ``loader(**options)`` for embedded datasets (``year`` is passed when given).
    kind : {"embedded", "download", "manual"}
    years : tuple of int
        Years available (empty: a single table).
    default_year : int or None
        The year loaded when none is given.
    format : str
        Reader format of the source file (``vc.datasets.read(path, format=...)``) or a
        trade format (``"baci"``, ``"comtrade"``: read with ``vc.trade.read``).
    url : str
        Versioned download URL (``{year}`` is filled in); for manual entries, a hint.
    landing : str
        The publisher's page where the file can be obtained.
    sha256 : str or dict
        Expected SHA-256 (one, or by year as ``{"2011": "..."}``); empty when unknown.
    filename : str
        File name in the cache folder (``{year}`` is filled in).
    """

    name: str
    loader: Callable[..., Any] | None
    description: str
    kind: str = "embedded"
    years: tuple[int, ...] = ()
    source: str = ""
    license: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    default_year: int | None = None
    format: str = ""
    url: str = ""
    landing: str = ""
    sha256: str | dict[str, str] = ""
    filename: str = ""
    version: str = ""


REGISTRY: dict[str, Dataset] = {}


def register(ds: Dataset) -> Dataset:
    """Add (or replace) a registry entry and return it."""
    if ds.kind not in ("embedded", "download", "manual"):
        raise DatasetError(f"Dataset {ds.name!r}: kind must be 'embedded', 'download' or 'manual'; got {ds.kind!r}.")
    if ds.kind == "embedded" and ds.loader is None:
        raise DatasetError(f"Dataset {ds.name!r}: an embedded dataset needs a loader.")
    if ds.kind != "embedded" and not ds.format:
        raise DatasetError(f"Dataset {ds.name!r}: a {ds.kind} dataset needs the reader format of its file.")
    REGISTRY[ds.name] = ds
    return ds


def _years(d: Dataset) -> str:
    ys = list(d.years)
    if not ys:
        return ""
    if len(ys) > 3 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(map(str, ys))


def list_datasets() -> pd.DataFrame:
    """All registered datasets as a table (name, kind, years, format, description, source).

    Examples
    --------
    >>> df = vc.datasets.list()
    >>> "miller_blair" in df.index, df.loc["brazil", "kind"]
    (True, 'embedded')
    """
    rows = [
        {"name": d.name, "kind": d.kind, "years": _years(d), "format": d.format,
         "description": d.description, "source": d.source}
        for d in REGISTRY.values()
    ]
    return pd.DataFrame(rows).set_index("name")


def info(name: str) -> Dataset:
    """The registry entry of *name*.

    Examples
    --------
    >>> vc.datasets.info("brazil").default_year
    2021
    """
    try:
        return REGISTRY[name]
    except KeyError:
        raise DatasetError(
            f"Unknown dataset {name!r}; registered datasets: {fmt_labels(sorted(REGISTRY), limit=50)}."
        ) from None


def load(name: str, year: int | None = None, **options: Any):
    """Load a registered dataset.

    Embedded datasets load offline; ``"download"`` and ``"manual"`` ones are read
    from the local file given by :func:`~valuechain.datasets.cache.fetch` with
    the reader of their format.

    Parameters
    ----------
    name : str
        A name from :func:`list` (e.g. ``"miller_blair"``, ``"testmrio"``, ``"brazil"``).
    year : int, optional
        The year, for datasets with several (default: the dataset's ``default_year``).
    **options
        Passed to the dataset's loader or reader.

    Raises
    ------
    DatasetError
        Unknown dataset or year, or the source file is not available.

    Examples
    --------
    >>> vc.datasets.load("miller_blair").x.tolist()
    [1000.0, 2000.0]
    >>> vc.datasets.load("brazil", year=2020).meta.year
    2020
    """
    ds = info(name)
    if year is None:
        year = ds.default_year
    if ds.years and year is not None and year not in ds.years:
        raise DatasetError(f"Dataset {name!r} has no year {year!r}; available years: {_years(ds)}.")
    if ds.kind == "embedded":
        kw = dict(ds.options)
        kw.update(options)
        if year is not None and ds.years:
            kw["year"] = year
        return ds.loader(**kw)  # type: ignore[misc]
    from .cache import fetch

    path = fetch(name, year)
    kw = dict(ds.options)
    kw.update(options)
    if ds.format in ("baci", "comtrade"):
        from .. import trade

        return trade.read(path, format=ds.format, **kw)
    from ._read import read

    if year is not None and _reader_takes_year(ds.format):
        kw.setdefault("year", year)
    return read(path, format=ds.format, **kw)


def _reader_takes_year(fmt: str) -> bool:
    """Whether the reader of *fmt* has a ``year`` parameter (multi-year files)."""
    import importlib
    import inspect

    from ._read import FORMATS

    if fmt not in FORMATS:
        return False
    mod, func = FORMATS[fmt].split(":")
    try:
        fn = getattr(importlib.import_module(f"valuechain.datasets.{mod}"), func)
    except (ImportError, AttributeError):
        return False
    return "year" in inspect.signature(fn).parameters
