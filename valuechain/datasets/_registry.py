"""The dataset registry: embedded tables and the published sources valuechain knows how to read.

Three kinds of entry:

* ``"embedded"``: ships with valuechain (or with a dependency), loads offline.
* ``"download"``: a versioned URL and a SHA-256; :func:`~valuechain.datasets.cache.fetch`
  downloads it once into the cache.
* ``"manual"``: the publisher's landing page and the reader format; the user downloads
  the file (licence click-through, changing URLs) and registers it with
  ``valuechain datasets add NAME PATH`` (or puts it in the cache folder).

This module is the bottom of the datasets package: it imports neither the cache
(:mod:`.cache` looks entries up here) nor the readers (:mod:`._load` does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from .._validation import fmt_labels
from ..errors import DatasetError

__all__ = ["Dataset", "REGISTRY", "register", "list_datasets", "info"]


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
