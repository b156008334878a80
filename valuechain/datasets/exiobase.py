"""EXIOBASE 3: the ixi / pxp zip archives, parsed by pymrio.

The public EXIOBASE 3 archives (``IOT_2011_ixi.zip``, ``IOT_2011_pxp.zip`` on
Zenodo) are written in pymrio's own text layout: ``file_parameters.json`` plus
tab-separated ``A.txt``/``Z.txt``, ``Y.txt``, ``x.txt``, ``unit.txt`` and one
folder per extension (``factor_inputs`` holds the value-added rows).  Reading
is delegated to :func:`pymrio.parse_exiobase3` and converted with
:meth:`IOTable.from_pymrio` (``Z`` from ``A`` and ``x`` when only those are
stored; value added from ``factor_inputs`` when it balances the columns, else
derived).  Values are millions of euro at current basic prices.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from ..table import IOTable
from ._parse import sniff_year

__all__ = ["read_exiobase3"]


def read_exiobase3(path: str | Path, *, year: int | None = None, allow_negative: bool = True,
                   rtol: float = 1e-3) -> IOTable:
    """Read an EXIOBASE 3 ixi or pxp archive (or its unpacked folder).

    Parameters
    ----------
    path : str or Path
        ``IOT_YYYY_ixi.zip`` / ``IOT_YYYY_pxp.zip`` or the extracted folder.
    year : int, optional
        Table year; read from the name or pymrio's metadata when omitted.
    allow_negative : bool, default True
        EXIOBASE publishes a few small negative flows.
    rtol : float, default 1e-3
        Balance tolerance passed to :class:`~valuechain.IOTable`.

    Returns
    -------
    IOTable
        49 regions x 163 industries (ixi) or 200 products (pxp) for the full system.

    Raises
    ------
    ReadError
        pymrio cannot parse the archive (missing ``file_parameters.json``, files
        or columns); the message names the file and pymrio's reason.

    Examples
    --------
    >>> from valuechain.datasets.exiobase import read_exiobase3
    >>> read_exiobase3("/nonexistent/IOT_2011_ixi.zip")
    Traceback (most recent call last):
    ...
    valuechain.errors.ReadError: /nonexistent/IOT_2011_ixi.zip: no such file or folder.
    """
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file or folder.")
    import pymrio

    try:
        io = pymrio.parse_exiobase3(path)
    except Exception as exc:  # noqa: BLE001 - pymrio raises many types (KeyError, FileNotFoundError...)
        raise ReadError(f"{path.name}: pymrio could not parse it as an EXIOBASE 3 archive "
                        f"({type(exc).__name__}: {exc}).") from None
    y = year
    if y is None:
        y = sniff_year(path.name)
    if y is None:
        y = sniff_year(str(getattr(getattr(io, "meta", None), "description", "") or ""))
    system = "product-by-product" if "pxp" in path.name.lower() else "industry-by-industry"
    meta = {"name": f"exiobase3{'' if y is None else y}", "year": y, "unit": "EUR million", "currency": "EUR",
            "prices": "current", "system": system, "source": f"EXIOBASE 3 (via pymrio): {path.name}"}
    try:
        return IOTable.from_pymrio(io, meta=meta, allow_negative=allow_negative, rtol=rtol)
    except (ValueError, KeyError) as exc:
        if isinstance(exc, ReadError):
            raise
        from ..errors import TableError

        if isinstance(exc, TableError):
            raise type(exc)(f"{path.name}: {exc}") from None
        raise ReadError(f"{path.name}: the parsed system is not a valid table ({type(exc).__name__}: {exc}).") from None
