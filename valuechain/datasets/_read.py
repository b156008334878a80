"""``read(path, format=...)``: dispatch to the reader module of each published layout.

Each format maps to ``"module:function"`` inside :mod:`valuechain.datasets`; the
module is imported only when that format is read.  A reader takes
``(path, **options)`` and returns an :class:`~valuechain.IOTable`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from .._validation import check_choice
from ..errors import ReadError
from ..table import IOTable

__all__ = ["read", "FORMATS"]

#: format name -> "module:function" (module relative to valuechain.datasets)
FORMATS: dict[str, str] = {
    "parquet": "_read:read_parquet",
    "icio": "icio:read_icio",
    "wiod2013": "wiod:read_wiod2013",
    "wiod2016": "wiod:read_wiod2016",
    "wiod2016_niot": "niot:read_wiod2016_niot",
    "figaro": "figaro:read_figaro",
    "exiobase3": "exiobase:read_exiobase3",
    "eora26": "eora:read_eora26",
    "oecd_national": "national:read_oecd_national",
    "bea": "bea:read_bea",
    "abs": "abs:read_abs",
    "generic": "generic:read_generic",
}


def read_parquet(path: Path, **options: Any) -> IOTable:
    """valuechain's own parquet layout (written by :meth:`IOTable.to_parquet`)."""
    return IOTable.read_parquet(path)


def read(path, format: str = "parquet", **options: Any) -> IOTable:  # noqa: A002
    """Read an IO table file in a published layout into an :class:`IOTable`.

    Parameters
    ----------
    path : str or Path
        The file (or folder, for multi-file layouts).
    format : str
        One of :data:`FORMATS`: ``icio``, ``wiod2013``, ``wiod2016`` (world table), ``wiod2016_niot`` (national table), ``figaro``,
        ``exiobase3``, ``eora26``, ``oecd_national``, ``bea``, ``abs``, ``generic``, or
        ``parquet`` (valuechain's own format).
    **options
        Passed to the reader (see each reader's documentation).

    Raises
    ------
    ReadError
        The file is missing or malformed; the message names the file and place.
    """
    check_choice(format, "format", "datasets.read", tuple(FORMATS))
    p = Path(path)
    if not p.exists():
        raise ReadError(f"{p}: no such file or directory.")
    modname, func = FORMATS[format].split(":")
    reader = getattr(importlib.import_module(f"valuechain.datasets.{modname}"), func)
    return reader(p, **options)
