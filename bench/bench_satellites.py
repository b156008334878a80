"""Satellite accounts (issue 15): multipliers and embodied-in-exports against one LU factorisation.

Employment, hours and CO2 multipliers (direct, simple, Type I) plus the stressors embodied
in every exporter -> importer flow on an EXIOBASE-sized 9,800-node table, from a fresh
table (the LU of ``I - A`` is part of our time), against ``scipy.linalg.lu_factor`` of the
same ``I - A`` (target: at most 1.3x, i.e. ratio >= 0.77).  Quick mode uses 2,450 nodes.
"""

from __future__ import annotations

import numpy as np

from bench._util import measure, row
from bench.bench_foundation import synthetic_table


def _table(nr: int, ns: int):
    import pandas as pd

    import valuechain as vc

    t = synthetic_table(nr, ns, seed=2)
    rng = np.random.default_rng(2)
    F = pd.DataFrame(rng.random((3, t.n)) * t.x.to_numpy(), index=["persons", "hours", "CO2"], columns=t.nodes)
    t = t.with_extension(vc.Extension("satellite", F, unit={"persons": "1000 p", "hours": "M.hr", "CO2": "kt"}))
    t.A  # the coefficients are input preparation for both sides; the LU is not
    return t


def run(quick: bool = False) -> list[dict]:
    import scipy.linalg as sl

    import valuechain as vc

    nr, ns = (49, 50) if quick else (49, 200)
    setup = lambda: _table(nr, ns)  # noqa: E731

    def ours(t):
        m = vc.position.extension_multipliers(t, "satellite")
        e = vc.gvc.embodied(t, "satellite", demand="exports")
        return float(m.to_numpy(dtype=float).sum() + e.to_numpy().sum())

    def one_lu(t):
        lu, _ = sl.lu_factor(np.eye(t.n) - t.A.to_numpy(), check_finite=False)
        return float(lu[0, 0])

    r_ours = measure(ours, setup, timeout=1800)
    r_lu = measure(one_lu, setup, timeout=1800)
    return [row("extension multipliers + embodied in exports (3 stressors)", f"{nr * ns} nodes", r_ours,
                "one LU of I - A (scipy)", r_lu, note="target: ratio >= 0.77 (<= 1.3x one LU)")]
