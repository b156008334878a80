"""Resource caps shared by every file reader: one place, documented defaults, overridable.

A reader never trusts a file to be small or well-formed.  Before it allocates
or decompresses, it checks the sizes against these caps and refuses with a
:class:`~valuechain.ReadError` that names the file, the size found and the cap
(and how to raise it):

======================  ==========  =====================================================
cap                     default     what it bounds
======================  ==========  =====================================================
max_line_bytes          8 MiB       one text line (header or data), in every text reader;
                                    the widest published line we read (EXIOBASE pxp's
                                    sector header, Eora's full rows) is under 1 MiB
max_compression_ratio   200         uncompressed / compressed size of a zip member or gzip
                                    file; published tables compress 3-30x, zip bombs
                                    1,000x and more
max_uncompressed_bytes  32 GiB      one decompressed zip member or gzip file
max_dense_bytes         4 GiB       a dense matrix a reader is about to allocate (a full
                                    Eora table, 15,909 nodes, needs 2.0 GB)
max_abs_value           1e20        magnitude of any number read (published flows are
                                    below 1e18 in every currency unit); ``nan``, ``inf``
                                    and ``1e308`` are refused, never summed
max_json_bytes          512 MiB     one JSON document (a Comtrade API response)
======================  ==========  =====================================================

Override them for a block of code (the caps apply to the calling thread or
task only; nothing global changes)::

    >>> import valuechain as vc
    >>> with vc.limits(max_dense_bytes=16 * 2**30) as lim:
    ...     lim.max_dense_bytes // 2**30
    16
    >>> vc.limits().max_dense_bytes // 2**30
    4
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
from dataclasses import dataclass
from typing import Any, Iterator

from .errors import ParameterError

__all__ = ["Limits", "limits", "current", "DEFAULTS", "fmt_bytes"]

KiB, MiB, GiB = 2**10, 2**20, 2**30


@dataclass(frozen=True)
class Limits:
    """The caps in force (see the module documentation for their meaning)."""

    max_line_bytes: int = 8 * MiB
    max_compression_ratio: float = 200.0
    max_uncompressed_bytes: int = 32 * GiB
    max_dense_bytes: int = 4 * GiB
    max_abs_value: float = 1e20
    max_json_bytes: int = 512 * MiB


DEFAULTS = Limits()
_CURRENT: contextvars.ContextVar[Limits] = contextvars.ContextVar("valuechain_limits", default=DEFAULTS)


def current() -> Limits:
    """The caps in force for the calling thread or task."""
    return _CURRENT.get()


class _Scope(contextlib.AbstractContextManager):
    """What :func:`limits` returns: the caps, usable as a context manager to apply them."""

    def __init__(self, value: Limits) -> None:
        self._value = value
        self._token: contextvars.Token | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._value, name)

    def __repr__(self) -> str:
        return repr(self._value)

    def __enter__(self) -> Limits:
        self._token = _CURRENT.set(self._value)
        return self._value

    def __exit__(self, *exc: Any) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
            self._token = None


def limits(**overrides: Any) -> _Scope:
    """The reader caps in force, or (as a context manager) new caps for a block of code.

    Parameters
    ----------
    **overrides
        Any field of :class:`Limits` (``max_line_bytes``, ``max_compression_ratio``,
        ``max_uncompressed_bytes``, ``max_dense_bytes``, ``max_abs_value``,
        ``max_json_bytes``); each a positive number.

    Returns
    -------
    The caps (attribute access); ``with vc.limits(...):`` applies them to the
    calling thread or task until the block ends.

    Raises
    ------
    ParameterError
        An unknown cap or a value that is not a positive number.

    Examples
    --------
    >>> vc.limits().max_line_bytes == 8 * 2**20
    True
    >>> with vc.limits(max_line_bytes=1024):
    ...     vc.limits().max_line_bytes
    1024
    """
    fields = {f.name: f for f in dataclasses.fields(Limits)}
    for key, value in overrides.items():
        if key not in fields:
            raise ParameterError(f"The '{key}' parameter of limits is not a cap; choose among "
                                 f"{', '.join(map(repr, fields))}. Got {value!r} instead.")
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and value > 0
        if not ok or value == float("inf") and key != "max_compression_ratio":
            raise ParameterError(f"The '{key}' parameter of limits must be a positive number. Got {value!r} instead.")
        if fields[key].type in ("int", int):
            overrides[key] = int(value)
    return _Scope(dataclasses.replace(current(), **overrides))


def fmt_bytes(n: float) -> str:
    """``1.5 GiB``-style size for messages."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} bytes"
