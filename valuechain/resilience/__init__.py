"""Resilience: shock propagation, robustness, systemic risk, concentration and dependencies.

Static shocks (:func:`demand_shock`, :func:`supply_shock`, :func:`inoperability`,
:func:`extraction`, :func:`decoupling`) return a :class:`ShockResult`; the
dynamic models (:func:`dynamic_inoperability`, :func:`simulate`) return paths by
day; :func:`removal_curve` and :func:`systemic_risk` rank and stress the
network; :func:`concentration`, :func:`dependencies` and
:func:`single_points_of_failure` screen supplier concentration.  Shocks beyond a
plain node vector are described by a :class:`Scenario`.  :func:`sweep` runs
many scenarios (serially or on Dask, see ``vc.config``); :func:`demand_shock`
also takes a sparse flow :class:`~valuechain.SupplyGraph` (firm-level networks,
module :mod:`~valuechain.resilience.sparse`).
"""

from ._result import ShockResult
from .concentration import EU27, concentration, dependencies, single_points_of_failure
from .dynamic import SimulationResult, dynamic_inoperability, simulate
from .robustness import removal_curve
from .scenario import Scenario
from .static import decoupling, demand_shock, extraction, inoperability, supply_shock
from .systemic import systemic_risk
from .sweep import sweep
from . import sparse
from .prices import PriceResult, TariffResult, price_shock, tariff_shock

__all__ = [
    "Scenario",
    "ShockResult",
    "SimulationResult",
    "demand_shock",
    "supply_shock",
    "inoperability",
    "extraction",
    "decoupling",
    "dynamic_inoperability",
    "simulate",
    "removal_curve",
    "systemic_risk",
    "sweep",
    "concentration",
    "dependencies",
    "single_points_of_failure",
    "EU27",
]
__all__ += ["price_shock", "tariff_shock", "PriceResult", "TariffResult"]
