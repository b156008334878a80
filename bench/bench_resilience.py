"""Resilience: systemic-risk ranking of every node, a scenario sweep and a 365-day dynamic simulation.

Sizes: WIOD 2016 (44 x 56 = 2,464 nodes) for the systemic-risk ranking of all nodes
(serial; the first implementation took about 220 s here under load) and for a sweep
of 1,000 demand-shock scenarios, and OECD ICIO (76 x 45 = 3,420 nodes) for
``simulate`` (Leontief production, a 50 % labour shock to one region for 60 days).
Targets (issue 6): under 120 s and under 60 s.  ``--quick`` runs 600 and 1,000 nodes.
"""

from __future__ import annotations

from bench._util import measure, row
from bench.bench_foundation import synthetic_table


def run(quick: bool = False) -> list[dict]:
    import valuechain as vc

    sr_size = (20, 30) if quick else (44, 56)
    sim_size = (20, 50) if quick else (76, 45)
    days = 365
    rows = []

    def systemic(t):
        s = vc.resilience.systemic_risk(t)
        return f"top={s.idxmax()} {s.max():.4f} iters={s.attrs['iterations']}"

    r = measure(systemic, lambda: synthetic_table(*sr_size))
    n = sr_size[0] * sr_size[1]
    rows.append(row("systemic_risk, all nodes", f"{n}", r, note=f"target < 120 s; {r[2]}"))

    def simulate(t):
        sc = vc.resilience.Scenario(labour={"R00": 0.5}, by="region", start=0, end=60)
        out = vc.resilience.simulate(t, sc, days=days, production="leontief")
        return f"min output share {out.total['output_share'].min():.4f}"

    def sweep(t):
        import numpy as np
        import pandas as pd

        rng = np.random.default_rng(0)
        U = np.zeros((t.n, n_scen))
        for k in range(n_scen):
            hit = rng.choice(t.n, 5, replace=False)
            U[hit, k] = -0.1 * t.f.to_numpy()[hit]
        df = vc.resilience.sweep(t, pd.DataFrame(U, index=t.nodes, columns=[f"s{k}" for k in range(n_scen)]))
        return f"max loss share {df['output_loss_share'].max():.4f}"

    n_scen = 100 if quick else 1000
    r = measure(sweep, lambda: synthetic_table(*sr_size))
    rows.append(row(f"sweep, {n_scen} demand-shock scenarios", f"{n}", r, note=r[2]))

    r = measure(simulate, lambda: synthetic_table(*sim_size))
    n = sim_size[0] * sim_size[1]
    rows.append(row(f"simulate {days} days (leontief)", f"{n}", r, note=f"target < 60 s; {r[2]}"))
    return rows
