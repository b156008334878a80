"""GVC decompositions at OECD-ICIO size (76 countries x 45 sectors = 3,420 nodes).

Target (issue 5): KWW and Borin-Mancini for all exporters in under 60 s and 6 GB peak.
Baseline: one explicit global inverse (numpy.linalg.inv), the unit of work the R
packages (decompr, exvatools) start from; BM in exvatools additionally inverts one
"extraction" matrix per exporter (76 more inversions), which we avoid.
"""

from __future__ import annotations

import numpy as np

from bench._util import measure, row
from bench.bench_foundation import synthetic_table


def run(quick: bool = False) -> list[dict]:
    import valuechain as vc

    nr, ns = (30, 20) if quick else (76, 45)
    n = nr * ns
    setup = lambda: synthetic_table(nr, ns)  # noqa: E731

    def kww(t):
        return float(vc.gvc.kww(t)["exports"].sum())

    def bm(t):
        return float(vc.gvc.borin_mancini(t)["GVC"].sum())

    def bm_sink(t):
        return float(vc.gvc.borin_mancini(t, "sink", level="bilateral_sector")["GVC"].sum())

    def both(t):
        vc.gvc.kww(t)
        vc.gvc.borin_mancini(t)
        return float(vc.gvc.borin_mancini(t, "sink")["GVC"].sum())

    def other(t):
        vc.gvc.participation(t)
        vc.gvc.tiva(t)
        vc.gvc.production_length(t)

    def inv(t):
        return float(np.linalg.inv(np.eye(t.n) - t.A.to_numpy()).sum())

    size = f"{nr}x{ns}={n}"
    r_inv = measure(inv, setup)
    rows = [row("explicit inverse (baseline unit)", size, r_inv)]
    for name, fn in (("KWW (all exporters)", kww), ("Borin-Mancini source (all exporters)", bm),
                     ("Borin-Mancini sink, bilateral x sector", bm_sink),
                     ("KWW + BM source + BM sink, one table", both),
                     ("participation + tiva + production_length", other)):
        r = measure(fn, setup)
        rows.append(row(name, size, r, "numpy inv alone", r_inv,
                        note="target < 60 s, < 6144 MB" if "KWW" in name or "Borin" in name else ""))
    return rows
