"""``read(path, format=...)``: dispatch to the reader of each published layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from .._validation import check_choice
from ..errors import ReadError
from ..table import IOTable

__all__ = ["read", "FORMATS"]


def _read_parquet(path: Path, **kw: Any) -> IOTable:
    return IOTable.read_parquet(path)


#: format name -> reader(path, **options) -> IOTable
FORMATS: dict[str, Callable[..., IOTable]] = {"parquet": _read_parquet}


def read(path, format: str = "parquet", **options: Any) -> IOTable:  # noqa: A002
    """Read an IO table file in a published layout into an :class:`IOTable`.

    Parameters
    ----------
    path : str or Path
        The file (or folder, for multi-file layouts).
    format : str
        One of :data:`FORMATS` (``"parquet"`` is valuechain's own format).

    Raises
    ------
    ReadError
        The file is missing or malformed; the message names the file and place.
    """
    check_choice(format, "format", "datasets.read", tuple(FORMATS))
    p = Path(path)
    if not p.exists():
        raise ReadError(f"{p}: no such file or directory.")
    return FORMATS[format](p, **options)
