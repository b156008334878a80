"""Clusters: regional statistics, related-industry clusters, complexity and the adjacent possible.

* :mod:`~valuechain.clusters.activity` — regional activity tables (long/wide) and readers
  for the ABS EIAT and BEA regional layouts;
* :mod:`~valuechain.clusters.specialisation` — location quotients, cluster stars, KPIs,
  Herfindahl and Krugman indices;
* :mod:`~valuechain.clusters.related` — Delgado-Porter-Stern style clusters of related
  industries from input-output links, co-location and occupations;
* :mod:`~valuechain.clusters.complexity` — RCA, ECI/PCI, fitness, proximity, density,
  COI, COG, product space;
* :mod:`~valuechain.clusters.adjacent` — the adjacent possible of a location.
"""

from .activity import activity_matrix, read_abs_eiat, read_activity, read_bea_employment, tidy_activity
from .adjacent import adjacent_possible
from .complexity import Complexity, complexity, product_space, rca
from .related import RelatedIndustries, adjusted_rand_index, io_relatedness, related_industries
from .specialisation import (
    cluster_kpis,
    herfindahl,
    krugman,
    location_quotients,
    regional_kpis,
    stars,
)

__all__ = [
    "tidy_activity",
    "activity_matrix",
    "read_activity",
    "read_abs_eiat",
    "read_bea_employment",
    "location_quotients",
    "stars",
    "cluster_kpis",
    "regional_kpis",
    "herfindahl",
    "krugman",
    "related_industries",
    "RelatedIndustries",
    "io_relatedness",
    "adjusted_rand_index",
    "complexity",
    "Complexity",
    "rca",
    "product_space",
    "adjacent_possible",
]
