"""Datasets: readers for published IO and trade layouts, a registry and a download cache.

``vc.datasets.read(path, format=...)`` reads a file the user has;
``vc.datasets.load(name, year=...)`` loads a registered (embedded or cached) dataset;
``vc.datasets.list()`` lists them.
"""

from __future__ import annotations

from . import embedded
from ._read import FORMATS, read
from ._registry import REGISTRY, Dataset, cache_dir, info, list_datasets, load, register

list = list_datasets  # noqa: A001  (public name: vc.datasets.list())

register(Dataset("miller_blair", lambda: embedded.miller_blair(),
                 "Miller & Blair two-sector textbook example (2 nodes)", source="Miller & Blair (2009)"))
register(Dataset("testmrio", lambda: embedded.testmrio(),
                 "pymrio's illustrative test MRIO (6 regions x 8 sectors)", years=(2010,),
                 source="pymrio.load_test()"))

__all__ = ["read", "load", "list", "info", "register", "Dataset", "REGISTRY", "FORMATS", "cache_dir"]
