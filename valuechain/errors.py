"""The valuechain error hierarchy.

Every error the library raises on purpose is a :class:`ValueChainError`.  Each
subclass also derives from the builtin exception it stands for, so callers can
catch either::

    ValueChainError (Exception)
    ├── TableError (ValueError)          a table is inconsistent
    │   ├── LabelError (KeyError-like)   missing, duplicated or mismatched labels
    │   └── BalanceError                 accounts do not add up
    ├── ReadError (ValueError)           a file cannot be parsed (names file and place)
    ├── ParameterError (ValueError)      a bad argument (scikit-learn style message)
    ├── ConvergenceError (RuntimeError)  an iteration did not converge / matrix singular
    ├── ResourceError (RuntimeError)     not enough memory for a dense step, parallel workers lost
    └── DatasetError (LookupError)       unknown dataset, missing or corrupt download

Messages name the culprit: the file, the row/column or label, what was found and
what was expected.
"""

from __future__ import annotations

from typing import Any, Iterable

__all__ = [
    "ValueChainError",
    "TableError",
    "LabelError",
    "BalanceError",
    "ReadError",
    "ParameterError",
    "ConvergenceError",
    "ResourceError",
    "DatasetError",
    "fmt_labels",
]


class ValueChainError(Exception):
    """Base class of every error raised on purpose by valuechain."""


class TableError(ValueChainError, ValueError):
    """An input-output table is inconsistent (labels, values or accounts)."""


class LabelError(TableError):
    """Labels are missing, duplicated, or do not match between blocks."""


class BalanceError(TableError):
    """Accounting identities (row or column totals) do not hold within tolerance."""


class ReadError(ValueChainError, ValueError):
    """A file could not be read; the message names the file and the place."""


class ParameterError(ValueChainError, ValueError):
    """A function received an invalid parameter value."""


class ConvergenceError(ValueChainError, RuntimeError):
    """An iterative method did not converge, or a system is singular."""


class ResourceError(ValueChainError, RuntimeError):
    """The machine cannot do the computation as asked: a dense step would need more memory
    than is available (the message names the size), or the workers of a parallel run died."""


class DatasetError(ValueChainError, LookupError):
    """A dataset is unknown, unavailable offline, or failed its checksum."""


def fmt_labels(labels: Iterable[Any], limit: int = 5) -> str:
    """Format up to *limit* labels for an error message, with a count of the rest."""
    labels = list(labels)
    shown = ", ".join(repr(tuple(lab)) if isinstance(lab, list) else repr(lab) for lab in labels[:limit])
    if len(labels) > limit:
        shown += f" and {len(labels) - limit} more"
    return shown
