"""Shared fixtures: textbook tables, random balanced tables and the ../shared/data helper."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

import valuechain as vc

# CI (.ci/run) uses a fixed seed so that a run is reproducible; `make test` and `make fuzz`
# explore new random cases on every run.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("VALUECHAIN_HYPOTHESIS", "explore"))

SHARED = Path(os.environ.get("VALUECHAIN_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


def shared_data(*parts: str) -> Path:
    """Path inside ../shared/data; skips the test with a reason when it is absent."""
    p = SHARED.joinpath("data", *parts)
    if not p.exists():
        pytest.skip(f"../shared/data not available here ({p} missing)")
    return p


@pytest.fixture
def mb() -> vc.IOTable:
    return vc.datasets.load("miller_blair")


@pytest.fixture(scope="session")
def testmrio() -> vc.IOTable:
    return vc.datasets.load("testmrio")


def random_table(n_regions: int = 3, n_sectors: int = 4, seed: int = 0, n_fd: int = 2,
                 density: float = 1.0) -> vc.IOTable:
    """A random balanced MRIO table (lognormal flows, value added 20-60 % of output)."""
    rng = np.random.default_rng(seed)
    regions = [f"R{i}" for i in range(n_regions)]
    sectors = [f"s{j}" for j in range(n_sectors)]
    nodes = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    n = len(nodes)
    Z = rng.lognormal(0, 1, (n, n)) * (rng.random((n, n)) < density)
    # scale columns so that inputs are 40-80 % of output
    x = rng.uniform(50, 150, n) * n
    col = Z.sum(axis=0)
    col[col == 0] = 1
    Z = Z / col * x * rng.uniform(0.4, 0.8, n)
    fd_cols = pd.MultiIndex.from_product([regions, [f"fd{k}" for k in range(n_fd)]], names=["region", "category"])
    # final demand closes the rows: f = x - Z1, must be positive
    f = x - Z.sum(axis=1)
    if (f <= 0).any():  # raise output of those rows' buyers to keep things valid
        x = x + np.maximum(0, -f) + 10
        f = x - Z.sum(axis=1)
    shares = rng.dirichlet(np.ones(len(fd_cols)), n)
    Y = shares * f[:, None]
    V = x - Z.sum(axis=0)
    Vdf = pd.DataFrame([V * 0.6, V * 0.4], index=pd.Index(["wages", "surplus"], name="component"), columns=nodes)
    return vc.IOTable(pd.DataFrame(Z, nodes, nodes), pd.DataFrame(Y, nodes, fd_cols), Vdf,
                      meta={"name": f"random{seed}", "unit": "USD", "year": 2020})


@pytest.fixture
def rand_table() -> vc.IOTable:
    return random_table()


def pytest_terminal_summary(terminalreporter):
    """Print how many property-based / fuzz cases each counted test tried."""
    from _props import COUNTS

    if COUNTS:
        terminalreporter.write_sep("-", f"property/fuzz cases tried: {sum(COUNTS.values())}")
        for name, k in sorted(COUNTS.items()):
            terminalreporter.write_line(f"{k:6d}  {name}")
