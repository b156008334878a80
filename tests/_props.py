"""Counting property-test cases so the suite prints how many were tried (issue 11)."""

from __future__ import annotations

import functools
from collections import Counter

COUNTS: Counter = Counter()


def counted(fn):
    """Decorate the body of a hypothesis test (below @given) to count the cases it ran."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        COUNTS[fn.__module__.split(".")[-1] + "::" + fn.__name__] += 1
        return fn(*args, **kwargs)

    return wrapper
