"""The dataset registry: embedded tables and downloadable published sources."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .._validation import fmt_labels
from ..errors import DatasetError

__all__ = ["Dataset", "REGISTRY", "register", "list_datasets", "load", "info", "cache_dir"]


@dataclass(frozen=True)
class Dataset:
    """A registered dataset: how to load it and where it comes from."""

    name: str
    loader: Callable[..., Any]
    description: str
    kind: str = "embedded"  # "embedded" or "download"
    years: tuple[int, ...] = ()
    source: str = ""
    license: str = ""
    options: dict[str, Any] = field(default_factory=dict)


REGISTRY: dict[str, Dataset] = {}


def register(ds: Dataset) -> Dataset:
    REGISTRY[ds.name] = ds
    return ds


def cache_dir() -> Path:
    """The download cache: ``$VALUECHAIN_DATA`` or the user cache directory."""
    env = os.environ.get("VALUECHAIN_DATA")
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("valuechain"))


def list_datasets() -> pd.DataFrame:
    """All registered datasets as a table (name, kind, years, description, source).

    Examples
    --------
    >>> "miller_blair" in vc.datasets.list().index
    True
    """
    rows = [
        {"name": d.name, "kind": d.kind, "years": ", ".join(map(str, d.years)) if d.years else "",
         "description": d.description, "source": d.source}
        for d in REGISTRY.values()
    ]
    return pd.DataFrame(rows).set_index("name")


def info(name: str) -> Dataset:
    """The registry entry of *name*."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise DatasetError(
            f"Unknown dataset {name!r}; registered datasets: {fmt_labels(sorted(REGISTRY), limit=50)}."
        ) from None


def load(name: str, year: int | None = None, **options: Any):
    """Load a registered dataset.

    Parameters
    ----------
    name : str
        A name from :func:`list` (e.g. ``"miller_blair"``, ``"testmrio"``).
    year : int, optional
        The year, for datasets with several.
    **options
        Passed to the dataset's loader.

    Examples
    --------
    >>> vc.datasets.load("miller_blair").x.tolist()
    [1000.0, 2000.0]
    """
    ds = info(name)
    if ds.years and year is not None and year not in ds.years:
        raise DatasetError(f"Dataset {name!r} has no year {year}; available years: {list(ds.years)}.")
    kw = dict(options)
    if year is not None:
        kw["year"] = year
    return ds.loader(**kw)
