"""Small tables that ship with valuechain (no network needed)."""

from __future__ import annotations

import pandas as pd

from ..table import IOTable

__all__ = ["miller_blair", "testmrio"]


def miller_blair() -> IOTable:
    """The two-sector example of Miller & Blair (2009), ch. 2.

    ``Z = [[150, 500], [200, 100]]``, ``x = (1000, 2000)``, final demand
    ``f = (350, 1700)``, value added ``(650, 1400)``; one region ``MB``,
    sectors ``s1`` and ``s2``; hypothetical currency units.
    """
    nodes = pd.MultiIndex.from_tuples([("MB", "s1"), ("MB", "s2")], names=["region", "sector"])
    Z = pd.DataFrame([[150.0, 500.0], [200.0, 100.0]], index=nodes, columns=nodes)
    Y = pd.DataFrame({("MB", "final_demand"): [350.0, 1700.0]}, index=nodes)
    Y.columns = pd.MultiIndex.from_tuples(Y.columns, names=["region", "category"])
    V = pd.DataFrame([[650.0, 1400.0]], index=pd.Index(["value_added"], name="component"), columns=nodes)
    return IOTable(Z, Y, V, meta={"name": "miller_blair", "unit": "currency units", "source":
                                  "Miller & Blair (2009), Input-Output Analysis, 2nd ed., section 2.3",
                                  "system": "industry-by-industry"})


def testmrio() -> IOTable:
    """pymrio's bundled test MRIO (6 regions x 8 sectors, 7 final-demand categories).

    The flows are pymrio's illustrative numbers (not real data); value added is
    its ``factor_inputs`` extension.  Unit: pymrio's test unit ("M.EUR").
    """
    import pymrio

    io = pymrio.load_test()
    io.calc_system()
    return IOTable.from_pymrio(io, meta={"name": "testmrio", "unit": "M.EUR", "year": 2010,
                                         "source": "pymrio.load_test() (illustrative MRIO)"})
