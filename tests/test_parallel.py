"""The distributed engine: a Dask LocalCluster gives the same results as the serial run."""

from __future__ import annotations

import numpy as np
import pytest

import valuechain as vc
from valuechain._parallel import pmap

# Dask workers import this module to unpickle _shock: keep its module-level imports
# importable from any working directory (no `conftest` import here).


def random_table(*args, **kwargs):
    from conftest import random_table as make

    return make(*args, **kwargs)


def _shock(table, k):
    df = np.zeros(table.n)
    df[k % table.n] = -10.0 * (k + 1)
    return table.solve(df)


def test_config_validation():
    with pytest.raises(vc.ParameterError, match="'scheduler' parameter of config"):
        vc.config(scheduler="somewhere")
    with pytest.raises(vc.ParameterError, match="'n_workers'"):
        vc.config(n_workers=0)
    assert vc.config(scheduler=None).scheduler is None


def test_serial_progress():
    t = random_table(2, 3)
    seen = []
    out = pmap(_shock, range(5), shared=(t,), progress=lambda d, n: seen.append((d, n)))
    assert len(out) == 5 and seen[-1] == (5, 5)


@pytest.mark.slow
def test_localcluster_sweep_equals_serial():
    pytest.importorskip("dask.distributed")
    t = random_table(3, 4, seed=1)
    serial = pmap(_shock, range(20), shared=(t,))
    try:
        vc.config(scheduler="local", n_workers=2)
        dist = pmap(_shock, range(20), shared=(t,))
    finally:
        vc.config(scheduler=None)
    assert len(dist) == 20
    for a, b in zip(serial, dist):
        np.testing.assert_array_equal(a, b)
