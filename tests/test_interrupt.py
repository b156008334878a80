"""An interrupted CLI run leaves no half-written output (issue 11)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from bench.bench_foundation import synthetic_table


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_killed_cli_run_leaves_no_partial_output(tmp_path, sig):
    table = synthetic_table(30, 50, seed=2)  # 1,500 nodes
    src = table.to_parquet(tmp_path / "big.parquet")
    n = table.n
    outcomes = set()
    for k, delay in enumerate([0.5, 1.0, 1.5, 2.0, 2.5, 3.5, 5.0]):
        out_dir = tmp_path / f"run{k}"
        out_dir.mkdir()
        out = out_dir / "extraction.csv"
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        proc = subprocess.Popen([sys.executable, "-m", "valuechain", "position", "extraction", "--table", str(src),
                                 "--out", str(out), "--top", "3"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
        time.sleep(delay)
        proc.send_signal(sig)
        proc.wait(timeout=120)
        files = sorted(p.name for p in out_dir.iterdir())
        if files:
            assert files == ["extraction.csv"], files  # never a temp/partial file
            df = pd.read_csv(out, index_col=[0, 1])
            assert len(df) == n and df.notna().all().all()
            outcomes.add("complete")
        else:
            outcomes.add("absent")
    assert "absent" in outcomes  # at least one run was really interrupted
