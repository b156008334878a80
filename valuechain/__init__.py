"""valuechain: value-chain network analysis from input-output and trade tables.

A published table goes in, labelled pandas objects come out::

    >>> import valuechain as vc
    >>> t = vc.datasets.load("miller_blair")
    >>> vc.position.output_multipliers(t).round(3).tolist()
    [1.518, 1.452]

Families are namespaces (``vc.position``, ``vc.gvc``, ``vc.network``,
``vc.resilience``, ``vc.clusters``, ``vc.datasets``, ``vc.trade``, ``vc.views``);
they are imported on first access so ``import valuechain`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import (
    BalanceError,
    ConvergenceError,
    DatasetError,
    LabelError,
    ParameterError,
    ReadError,
    ResourceError,
    TableError,
    ValueChainError,
)
from .table import IOTable, TableMeta
from .extension import Extension
from .compare import compare  # noqa: E402  (binds vc.compare to the function, not the module)

__version__ = "0.1.0"

_FAMILIES = {"position", "gvc", "network", "resilience", "clusters", "datasets", "trade", "views"}
_LAZY = {
    "supply_graph": ("valuechain.graph", "supply_graph"),
    "SupplyGraph": ("valuechain.graph", "SupplyGraph"),
    "trade_graph": ("valuechain.graph", "trade_graph"),
    "bipartite_graph": ("valuechain.graph", "bipartite_graph"),
    "TradeTable": ("valuechain.trade", "TradeTable"),
    "Comparison": ("valuechain.compare", "Comparison"),
    "config": ("valuechain._config", "config"),
    "limits": ("valuechain._limits", "limits"),
}

__all__ = [
    "IOTable",
    "TableMeta",
    "Extension",
    "SupplyGraph",
    "supply_graph",
    "trade_graph",
    "bipartite_graph",
    "TradeTable",
    "compare",
    "Comparison",
    "config",
    "limits",
    "ValueChainError",
    "TableError",
    "LabelError",
    "BalanceError",
    "ReadError",
    "ParameterError",
    "ConvergenceError",
    "ResourceError",
    "DatasetError",
    "position",
    "gvc",
    "network",
    "resilience",
    "clusters",
    "datasets",
    "trade",
    "views",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        mod, attr = _LAZY[name]
        value = getattr(importlib.import_module(mod), attr)
        globals()[name] = value
        return value
    if name in _FAMILIES:
        module = importlib.import_module(f"valuechain.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'valuechain' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
