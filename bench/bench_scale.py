"""Scale (issue 10): EXIOBASE-sized table against pymrio ``calc_all``.

Output multipliers + upstreamness + a demand shock through one LU factorisation
versus pymrio's explicit-inverse ``calc_all`` on the same 9,800-node table
(target: at least 3x faster, lower peak memory).  Quick mode uses 2,464 nodes.
"""

from __future__ import annotations

import numpy as np

from bench._util import measure, row
from bench.bench_foundation import synthetic_table


def run(quick: bool = False) -> list[dict]:
    import valuechain as vc

    nr, ns = (44, 56) if quick else (49, 200)
    n = nr * ns
    setup = lambda: synthetic_table(nr, ns, seed=1)  # noqa: E731

    def ours(t):
        vc.position.output_multipliers(t)
        vc.position.upstreamness(t)
        df = np.zeros(t.n)
        df[:ns] = -0.1 * t.f.to_numpy()[:ns]
        return float(t.solve(df).sum())

    def pymrio_setup():
        t = synthetic_table(nr, ns, seed=1)
        io = t.to_pymrio()
        io.factor_inputs = None  # not part of the comparison
        return io

    def pymrio_calc(io):
        io.x = None
        io.calc_all()
        return float(io.L.to_numpy().sum())

    r_ours = measure(ours, setup, timeout=1800)
    r_pm = measure(pymrio_calc, pymrio_setup, timeout=1800)
    return [row("multipliers + upstreamness + demand shock", f"{n} nodes", r_ours, "pymrio calc_all", r_pm,
                note="target: ratio >= 3 and lower peak memory")]
