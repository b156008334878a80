"""Network analysis of supplier -> customer graphs: centrality, communities, backbone.

Every function takes a :class:`~valuechain.SupplyGraph` (see
:func:`valuechain.supply_graph`) and returns labelled pandas objects indexed by
the graph's nodes, or a new SupplyGraph (:func:`backbone`).
"""

from .backbone import backbone, disparity_pvalues
from .centrality import (betweenness, centrality, closeness, counting_betweenness, eigenvector, hits, influence,
                         katz, pagerank, random_walk, strength)
from .communities import coassignment, communities, community_cores, community_summary, modularity

__all__ = [
    "backbone",
    "disparity_pvalues",
    "centrality",
    "strength",
    "pagerank",
    "hits",
    "eigenvector",
    "katz",
    "betweenness",
    "closeness",
    "random_walk",
    "counting_betweenness",
    "influence",
    "communities",
    "community_cores",
    "coassignment",
    "modularity",
    "community_summary",
]
