"""``vc.datasets.load``: a registered dataset as a table, from its loader or its local file.

Kept apart from :mod:`._registry` (the entries) and :mod:`.cache` (where the files live)
so that the imports run one way: ``_registry`` <- ``cache`` <- ``_load``.
"""

from __future__ import annotations

from typing import Any

from ..errors import DatasetError
from ._registry import _years, info
from .cache import fetch

__all__ = ["load"]


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
