"""Small checks that produce the standard valuechain messages.

Parameter messages follow scikit-learn's format::

    The 'damping' parameter of pagerank must be a float in (0, 1). Got 1.5 instead.
"""

from __future__ import annotations

import numbers

import numpy as np
from typing import Any, Iterable, Sequence

from .errors import ParameterError, fmt_labels

__all__ = ["check_choice", "check_number", "check_int", "fmt_labels"]


def check_choice(value: Any, name: str, func: str, choices: Sequence[Any]) -> Any:
    """Return *value* if it is one of *choices*, else raise ParameterError."""
    if value not in choices:
        opts = ", ".join(repr(c) for c in choices)
        raise ParameterError(
            f"The '{name}' parameter of {func} must be one of {opts}. Got {value!r} instead."
        )
    return value


def check_number(
    value: Any,
    name: str,
    func: str,
    *,
    low: float | None = None,
    high: float | None = None,
    closed: str = "both",
) -> float:
    """Check a real number lies in an interval; *closed* is 'both', 'left', 'right' or 'neither'."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and value == value
    if ok:
        v = float(value)
        lo_ok = low is None or (v >= low if closed in ("both", "left") else v > low)
        hi_ok = high is None or (v <= high if closed in ("both", "right") else v < high)
        ok = lo_ok and hi_ok
    if not ok:
        lb = "[" if closed in ("both", "left") else "("
        rb = "]" if closed in ("both", "right") else ")"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ParameterError(
            f"The '{name}' parameter of {func} must be a float in {lb}{lo}, {hi}{rb}. Got {value!r} instead."
        )
    return float(value)


def check_int(value: Any, name: str, func: str, *, low: int | None = None) -> int:
    """Check an integer (not bool) at least *low*."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or (low is not None and value < low):
        bound = "" if low is None else f" >= {low}"
        raise ParameterError(
            f"The '{name}' parameter of {func} must be an int{bound}. Got {value!r} instead."
        )
    return int(value)




def check_bool(value: Any, name: str, func: str) -> bool:
    """Return *value* if it is a bool (numpy bools too), else raise ParameterError."""
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterError(f"The '{name}' parameter of {func} must be a bool. Got {value!r} instead.")
    return bool(value)


def check_table(table: Any, func: str, name: str = "table") -> Any:
    """Raise ParameterError unless *table* is an :class:`~valuechain.IOTable`."""
    from .table import IOTable

    if not isinstance(table, IOTable):
        raise ParameterError(
            f"The '{name}' parameter of {func} must be an IOTable. Got {type(table).__name__} instead."
        )
    return table


__all__ += ["check_table", "check_bool"]
