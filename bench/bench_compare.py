"""Reconfiguration (issue 8): the 17-year WIOD 2013 panel (1995-2011, 1,435 nodes a year).

Reads every year from ``../shared/data/wiod2013`` (skipped when absent) and times
``vc.compare`` over the whole panel: per year PageRank, Leiden communities,
backbone, upstreamness and sourcing; then every consecutive pair and the
first-vs-last comparison.  Target: under 5 minutes on this machine.
Quick mode uses 3 years.
"""

from __future__ import annotations

from pathlib import Path

from bench._util import measure, row

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wiod2013"


def run(quick: bool = False) -> list[dict]:
    if not SHARED.exists():
        return [row("compare WIOD 2013 panel", "-", (float("nan"), float("nan"), ""),
                    note=f"skipped: {SHARED} not found")]
    years = [1995, 2003, 2011] if quick else list(range(1995, 2012))

    def load():
        from valuechain.datasets.wiod import wiod2013_rdata

        return [wiod2013_rdata(y, SHARED) for y in years]

    def panel(tables):
        import valuechain as vc

        c = vc.compare(tables)
        s = c.summary()
        chn = c.regions.loc["CHN"]
        return (f"score={s['reconfiguration_score']:.3f}; CHN pagerank rank {chn['pagerank_rank_t0']:.0f}->"
                f"{chn['pagerank_rank_t1']:.0f}; {len(c.timeline)} pairs")

    r = measure(panel, load, timeout=1800)
    return [row("compare: WIOD 2013 panel (indicators + all pairs)", f"{len(years)} years x 1,435 nodes", r,
                note=f"target < 300 s; {r[2]}")]
