"""Clusters: regional statistics, related-industry clusters, complexity and the adjacent possible.

* :mod:`~valuechain.clusters.activity` — regional activity tables (long/wide) and readers
  for the ABS EIAT and BEA regional layouts;
* :mod:`~valuechain.clusters.specialisation` — location quotients, cluster stars, KPIs,
  Herfindahl and Krugman indices;
* :mod:`~valuechain.clusters.related` — Delgado-Porter-Stern style clusters of related
  industries from input-output links, co-location and occupations;
* :mod:`~valuechain.clusters.complexity` — RCA, ECI/PCI, fitness, proximity, density,
  COI, COG, product space;
* :mod:`~valuechain.clusters.adjacent` — the adjacent possible of a location;
* :mod:`~valuechain.clusters.regions` — region concordances and ABS LGA name matching;
* :mod:`~valuechain.clusters.traded` — traded vs local industries (U.S. Cluster Mapping);
* :mod:`~valuechain.clusters.satellite` — an IO table's employment/skills account as an
  activity table, and skills concentration.
"""

from .activity import activity_matrix, read_abs_eiat, read_activity, read_bea_employment, tidy_activity
from .adjacent import adjacent_possible
from .complexity import Complexity, complexity, product_space, rca
from .related import RelatedIndustries, adjusted_rand_index, io_relatedness, related_industries
from .monitor import monitor, monitor_data
from .regions import harmonise_regions
from .satellite import extension_activity, skills_concentration
from .specialisation import (
    cluster_kpis,
    entry_list,
    exit_list,
    herfindahl,
    krugman,
    location_quotients,
    lq_change,
    regional_kpis,
    shift_share,
    specialisation_stars,
    stars,
)
from .traded import traded_industries

__all__ = [
    "tidy_activity",
    "activity_matrix",
    "read_activity",
    "read_abs_eiat",
    "read_bea_employment",
    "extension_activity",
    "skills_concentration",
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
    "harmonise_regions",
    "lq_change",
    "entry_list",
    "exit_list",
    "shift_share",
    "specialisation_stars",
    "traded_industries",
    "monitor",
    "monitor_data",
]
