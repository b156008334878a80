"""One validation rule per column type, shared by every reader (pandas and DuckDB alike).

==========  =====================================================================
type        accepted text
==========  =====================================================================
code        digits only (optionally ``.0``): ``10121``, ``004``, ``4.0``; never
            ``4.5``, ``3004.5``, ``1_000``, ``0x10``, ``1e3`` or ``nan``
            (rounding a code would silently make it another country or product)
year        a code in 0-9999
number      a finite decimal whose magnitude is at most ``max_abs_value``
            (:mod:`valuechain._limits`): ``12``, ``-3.5``, ``1.2e-05``; never
            ``nan``, ``inf``, ``1e308``, ``1_000``, ``0x10``, ``1,5`` or ``True``
label       any text, kept exactly: ``NA`` (Namibia), ``N/A`` and ``null`` stay
            labels; only an empty cell is missing
==========  =====================================================================

Python's ``float()``, pandas and DuckDB each accept some of the refused forms
(``float('1_000') == 1000.0``; DuckDB casts ``'4.5'`` to the integer 5 and
``'0x10'`` to 16), which is why readers check the text against these
patterns instead of relying on a parser's casts.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ._limits import current

__all__ = ["NUMBER", "CODE", "NON_FINITE", "is_number_text", "is_code_text", "number_or_none",
           "sql_code", "sql_number", "sql_number_ok", "SQL_CODE", "SQL_NUMBER"]

#: a decimal number as published tables write it
NUMBER = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*")
#: an integer code (an optional ``.0`` suffix, as spreadsheet exports write them)
CODE = re.compile(r"\s*\d+(?:\.0*)?\s*")
NON_FINITE = re.compile(r"\s*[+-]?(?:nan|inf|infinity)\s*", re.I)

# the same patterns for DuckDB (RE2 syntax; regexp_full_match anchors them)
SQL_NUMBER = r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*"
SQL_CODE = r"\s*[0-9]+(\.0*)?\s*"


def is_number_text(s: str) -> bool:
    return NUMBER.fullmatch(s) is not None


def is_code_text(s: str) -> bool:
    return CODE.fullmatch(s) is not None


def number_or_none(v: Any) -> float | None:
    """*v* (a Python number or text) as a float within the caps, or None if it is not one.

    ``bool`` is not a number; neither are ``nan``, ``inf`` or values above
    ``max_abs_value``.
    """
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)) or type(v).__module__ == "numpy":
        try:
            f = float(v)
        except (TypeError, ValueError):
            return None
    elif isinstance(v, str) and NUMBER.fullmatch(v):
        f = float(v)
    else:
        return None
    if not math.isfinite(f) or abs(f) > current().max_abs_value:
        return None
    return f


def _sql_str(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


def sql_code(x: str, typ: str = "INTEGER") -> str:
    """SQL: the VARCHAR expression *x* as an exact integer code of type *typ*, else NULL."""
    return f"(CASE WHEN regexp_full_match({x}, {_sql_str(SQL_CODE)}) THEN TRY_CAST(trim({x}) AS {typ}) END)"


def sql_number(x: str) -> str:
    """SQL: the VARCHAR expression *x* as a DOUBLE when it is written as a decimal number, else NULL."""
    return f"(CASE WHEN regexp_full_match({x}, {_sql_str(SQL_NUMBER)}) THEN TRY_CAST(trim({x}) AS DOUBLE) END)"


def sql_number_ok(d: str) -> str:
    """SQL: the DOUBLE expression *d* is finite and within ``max_abs_value`` (false for NULL)."""
    cap = current().max_abs_value
    return f"coalesce(isfinite({d}) AND abs({d}) <= {cap!r}, false)"
