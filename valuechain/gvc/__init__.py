"""GVC accounting on multi-regional tables: value added in trade, gross-export
decompositions (KWW, WWZ, Borin-Mancini), production-based participation (WWYZ),
TiVA-style indicators, production length, and what final demand and exports embody
(jobs, hours, emissions: :func:`embodied`, national tables too).

Every function takes a multi-regional :class:`~valuechain.IOTable` (the same
sectors in every region; final-demand columns labelled by absorbing region) and
returns a labelled DataFrame whose ``attrs["method"]`` names the method.
Gross exports of node (s, i) to r are its intermediate and final sales to r;
value-added coefficients are ``1 - 1'A`` so every decomposition adds up exactly.
"""

from .borin_mancini import BM_TERMS, borin_mancini
from .embodied import embodied
from .kww import KWW_TERMS, WWZ_TERMS, kww, wwz
from .length import production_length
from .participation import participation
from .tiva import tiva
from .vax import value_added_origin, vax

__all__ = [
    "value_added_origin",
    "vax",
    "kww",
    "wwz",
    "borin_mancini",
    "participation",
    "tiva",
    "production_length",
    "embodied",
    "KWW_TERMS",
    "WWZ_TERMS",
    "BM_TERMS",
]
