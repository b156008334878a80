"""IO position metrics: multipliers, linkages, extraction, upstreamness, APL, influence.

Every function takes an :class:`~valuechain.IOTable` and returns a labelled
pandas object indexed by (region, sector) carrying the table's metadata in ``.attrs``.
"""

from .extensions import extension_multipliers, household_coefficients, skill_intensity, stressor_coefficients
from .extraction import extraction
from .influence import influence_vector
from .linkages import key_sectors, linkages
from .multipliers import multipliers, output_multipliers, value_added_multipliers
from .profile import profile
from .propagation import propagation_lengths
from .upstreamness import downstreamness, upstreamness

__all__ = [
    "multipliers",
    "output_multipliers",
    "value_added_multipliers",
    "linkages",
    "key_sectors",
    "extraction",
    "upstreamness",
    "downstreamness",
    "propagation_lengths",
    "influence_vector",
    "profile",
    "extension_multipliers",
    "household_coefficients",
    "stressor_coefficients",
    "skill_intensity",
]
