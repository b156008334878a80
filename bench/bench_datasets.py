"""Datasets: load an OECD-ICIO-sized CSV with ``vc.datasets.read(format="icio")`` vs ``pandas.read_csv``.

The file is synthetic but written in the published 2023-edition layout: corner
cell ``V1``, 76 economies x 45 industries (3,420 country-industry columns with
codes such as ``R00_A01_02``), six final-demand columns per economy
(``_HFCE, _NPISH, _GGFC, _GFCF, _INVNT, _DPABR``), an ``OUT`` column and the
``TLS``, ``VA``, ``OUT`` rows; 70 % of the intermediate cells are non-zero,
values with up to five decimals.  Targets (issue 3): no slower than 1.5 x
``pandas.read_csv`` of the same file; peak memory under 3 dense 3,420 x 3,420
matrices (268 MB).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from bench._util import measure, row

SECTORS_2023 = ["A01_02", "A03", "B05_06", "B07_08", "B09", "C10T12", "C13T15", "C16", "C17_18", "C19", "C20",
                "C21", "C22", "C23", "C24", "C25", "C26", "C27", "C28", "C29", "C30", "C31T33", "D", "E", "F", "G",
                "H49", "H50", "H51", "H52", "H53", "I", "J58T60", "J61", "J62_63", "K", "L", "M", "N", "O", "P",
                "Q", "R", "S", "T"]
FD = ["HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR"]


def write_icio_csv(path: Path, n_regions: int = 76, seed: int = 0) -> Path:
    """Write a balanced synthetic ICIO table in the 2023 CSV layout (fast, via pyarrow)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    regions = [f"R{i:02d}" for i in range(n_regions)]
    nodes = [f"{r}_{s}" for r in regions for s in SECTORS_2023]
    fd = [f"{r}_{c}" for r in regions for c in FD]
    n = len(nodes)
    Z = np.round(rng.lognormal(0.0, 1.5, (n, n)) * (rng.random((n, n)) < 0.7), 5)
    Y = np.round(rng.lognormal(2.0, 1.5, (n, len(fd))), 5)
    x = Z.sum(axis=1) + Y.sum(axis=1)
    va = x - Z.sum(axis=0)
    tls = np.round(0.05 * va, 5)
    cols = {"V1": nodes + ["TLS", "VA", "OUT"]}
    for j, c in enumerate(nodes):
        cols[c] = np.concatenate([Z[:, j], [tls[j], va[j] - tls[j], x[j]]])
    for j, c in enumerate(fd):
        cols[c] = np.concatenate([Y[:, j], [0.0, 0.0, 0.0]])
    cols["OUT"] = np.concatenate([x, [0.0, 0.0, 0.0]])
    pacsv.write_csv(pa.table(cols), path)
    return path


def run(quick: bool = False) -> list[dict]:
    import pandas as pd

    import valuechain as vc
    import valuechain.datasets.icio  # noqa: F401  (imported before timing, like pandas for the baseline)

    n_regions = 20 if quick else 76
    n = n_regions * len(SECTORS_2023)
    tmp = Path(tempfile.mkdtemp(prefix="vc_bench_icio_"))
    path = write_icio_csv(tmp / "2018_SML.csv", n_regions)
    size_mb = path.stat().st_size / 2**20

    def ours():
        t = vc.datasets.read(path, format="icio")
        return t.n

    def baseline():
        return pd.read_csv(path).shape

    r_ours = measure(ours)
    r_base = measure(baseline)
    dense3 = 3 * n * n * 8 / 2**20
    ratio = r_ours[0] / r_base[0] if r_base[0] == r_base[0] and r_base[0] else float("nan")
    note = (f"file {size_mb:.0f} MB; time ours/pandas = {ratio:.2f} (target <= 1.5); "
            f"peak MB target < 3 dense = {dense3:.0f}")
    try:
        path.unlink()
        tmp.rmdir()
    except OSError:
        pass
    return [row("read ICIO CSV (2023 layout) -> IOTable", f"{n}x{n}+FD", r_ours, "pandas.read_csv", r_base,
                note=note)]
