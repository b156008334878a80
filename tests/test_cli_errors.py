"""The CLI error contract (issue 18): every failure from bad input or environment is one line
``Error: ...`` and exit code 2; Ctrl-C is ``Interrupted.`` and 130; ``--debug`` keeps the traceback.

One case per class of the issue: parquet files with malformed metadata, a Dask run whose
workers died, a read-only cache, ``VALUECHAIN_DATA`` pointing at a file, overflow in A
with ``allow_negative``, Ctrl-C during a DuckDB read, ``--top -5``, option errors; plus the
library checks behind them (inoperability's c*, the centrality size rule, dense size
estimates).  (``--out`` onto read-only files, folders and wrong suffixes: test_hostile_writes.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer.main
from typer.testing import CliRunner

import valuechain as vc
from conftest import random_table
from valuechain import _memory, _parallel
from valuechain.cli import app
from valuechain.errors import ParameterError, ResourceError, TableError

runner = CliRunner()
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VALUECHAIN_DATA", str(tmp_path / "cache"))


def run(*args: str):
    r = runner.invoke(app, list(map(str, args)))
    return r.exit_code, r.output


def one_error_line(output: str) -> str:
    """The output holds exactly one ``Error:`` line and no traceback; return it."""
    assert "Traceback" not in output, output
    lines = [ln for ln in output.splitlines() if ln.startswith("Error:")]
    assert len(lines) == 1, output
    return lines[0]


# ------------------------------------------------------------------ malformed parquet metadata
def _malformed_parquet_cases(src: Path):
    base = pq.read_table(src)
    layout = json.loads(base.schema.metadata[b"valuechain"])

    def md(value, table=base):
        raw = value if isinstance(value, bytes) else json.dumps(value).encode()
        return table.replace_schema_metadata({b"valuechain": raw})

    def with_(**kw):
        return md({**layout, **kw})

    def without(key):
        return md({k: v for k, v in layout.items() if k != key})

    return {
        "not_json": md(b"{not json"),
        "not_utf8": md(b"\xff\xfe{"),
        "json_list": md([1, 2]),
        "json_string": md("nodes"),
        "deep_nesting": md(b"[" * 100_000 + b"]" * 100_000),
        "no_nodes": without("nodes"),
        "nodes_ints": with_(nodes=[1, 2]),
        "nodes_none": with_(nodes=None),
        "nodes_triples": with_(nodes=[["a", "b", "c"]] * len(layout["nodes"])),
        "nodes_too_many": with_(nodes=layout["nodes"] + [["X", "x"]]),
        "no_fd": without("fd"),
        "fd_too_many": with_(fd=layout["fd"] + [["X", "y"]]),
        "va_int": with_(va=5),
        "va_too_many": with_(va=layout["va"] + ["extra"]),
        "meta_int": with_(meta=5),
        "no_allow_negative": without("allow_negative"),
        "rtol_string": with_(rtol="tight"),
        "no_x_column": md(layout, base.drop(["_x"])),
        "no_z0_column": md(layout, base.drop(["z0"])),
        "z0_strings": md(layout, base.set_column(base.schema.get_field_index("z0"), "z0",
                                                  pa.array(["a"] * base.num_rows))),
    }


@pytest.fixture(scope="module")
def malformed(tmp_path_factory):
    d = tmp_path_factory.mktemp("malformed")
    src = vc.datasets.load("testmrio").to_parquet(d / "good.parquet")
    out = {}
    for name, table in _malformed_parquet_cases(src).items():
        pq.write_table(table, d / f"{name}.parquet")
        out[name] = d / f"{name}.parquet"
    return out


CASES = ["not_json", "not_utf8", "json_list", "json_string", "deep_nesting", "no_nodes", "nodes_ints", "nodes_none",
         "nodes_triples", "nodes_too_many", "no_fd", "fd_too_many", "va_int", "va_too_many", "meta_int",
         "rtol_string", "no_x_column", "no_z0_column", "z0_strings"]


@pytest.mark.parametrize("case", CASES)
def test_parquet_with_malformed_metadata_is_one_line_naming_the_file(malformed, case):
    p = malformed[case]
    before = p.read_bytes()
    for args in (["info", p], ["position", "multipliers", "--table", p]):
        code, out = run(*args)
        assert code == 2, out
        assert p.name in one_error_line(out)
    assert p.read_bytes() == before


def test_optional_layout_keys_take_their_defaults(malformed):
    """allow_negative, rtol and atol are optional in the layout (defaults of IOTable apply)."""
    code, out = run("info", malformed["no_allow_negative"])
    assert code == 0, out


def test_debug_keeps_the_traceback(malformed):
    r = runner.invoke(app, ["--debug", "info", str(malformed["no_nodes"])])
    assert r.exit_code != 0 and r.exc_info is not None and r.exc_info[0] is not SystemExit
    assert isinstance(r.exception, vc.ReadError) and "nodes" in str(r.exception)


# ------------------------------------------------------------------ Dask workers died
class _Future:
    def __init__(self, key, exc):
        self.key, self.exc = key, exc

    def result(self):
        raise self.exc


class _Client:
    def __init__(self, exc):
        self.exc = exc
        self.n = 0

    def scatter(self, obj, **kw):
        return obj

    def submit(self, func, *args, **kw):
        self.n += 1
        return _Future(f"k{self.n}", self.exc)


@pytest.fixture
def dead_cluster(monkeypatch):
    """A configured Dask scheduler whose every future comes back cancelled (all workers died)."""
    distributed = pytest.importorskip("dask.distributed")
    from distributed.client import FutureCancelledError

    exc = FutureCancelledError("k1", reason="scheduler-connection-lost")
    monkeypatch.setattr(_parallel, "current", lambda: vc._config.Config(scheduler="local"))
    monkeypatch.setattr(_parallel, "_client", lambda: _Client(exc))
    monkeypatch.setattr(distributed, "as_completed", lambda futures: iter(futures))
    return exc


def test_pmap_turns_dead_workers_into_a_resource_error(dead_cluster):
    with pytest.raises(ResourceError, match="workers died or were lost") as err:
        _parallel.pmap(abs, [1, 2, 3])
    assert "FutureCancelledError" in str(err.value) and err.value.__cause__ is dead_cluster


def test_task_errors_pass_unchanged(monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    monkeypatch.setattr(_parallel, "current", lambda: vc._config.Config(scheduler="local"))
    monkeypatch.setattr(_parallel, "_client", lambda: _Client(ParameterError("bad task")))
    monkeypatch.setattr(distributed, "as_completed", lambda futures: iter(futures))
    with pytest.raises(ParameterError, match="bad task"):
        _parallel.pmap(abs, [1])


def test_cli_run_with_dead_workers_is_one_line(dead_cluster):
    code, out = run("resilience", "systemic", "-d", "testmrio")
    assert code == 2 and "workers died" in one_error_line(out)


@pytest.mark.slow
def test_real_cluster_whose_workers_die():
    """Every task ends its worker process (os._exit: a builtin, so workers need not import this module)."""
    pytest.importorskip("dask.distributed")
    try:
        vc.config(scheduler="local", n_workers=1)
        with pytest.raises(ResourceError, match="workers died"):
            _parallel.pmap(os._exit, [3, 3])
    finally:
        vc.config(scheduler=None)


def test_config_change_closes_the_client_without_an_import_cycle(monkeypatch):
    closed = []
    monkeypatch.setattr(vc._config, "_ON_CHANGE", [lambda: closed.append(1)])
    vc.config(n_workers=3)
    vc.config(n_workers=3)  # no change: no call
    vc.config(n_workers=2)
    assert closed == [1, 1]
    import ast

    src = Path(vc._config.__file__).read_text(encoding="utf-8")
    imported = {n.module for n in ast.walk(ast.parse(src)) if isinstance(n, ast.ImportFrom)}
    assert "_parallel" not in imported and not any("_parallel" in str(m) for m in imported)


# ------------------------------------------------------------------ the dataset cache
def test_valuechain_data_pointing_at_a_file(tmp_path, monkeypatch):
    f = tmp_path / "afile"
    f.write_text("not a folder")
    (tmp_path / "w.csv").write_text("x")
    monkeypatch.setenv("VALUECHAIN_DATA", str(f))
    for args in (["datasets", "add", "oecd_icio", tmp_path / "w.csv", "--year", "2020"],
                 ["datasets", "path"], ["datasets", "fetch", "oecd_icio", "--year", "2020"],
                 ["info", "-d", "oecd_icio", "--year", "2020"]):
        code, out = run(*args)
        assert code == 2 and "VALUECHAIN_DATA" in one_error_line(out) and "is a file" in out, args
    assert f.read_text() == "not a folder"


def test_read_only_cache_simulated(tmp_path, monkeypatch):
    import filelock

    def denied(self, *a, **k):
        raise PermissionError(13, "Permission denied", self.lock_file)

    monkeypatch.setattr(filelock.FileLock, "acquire", denied)
    (tmp_path / "w.csv").write_text("x")
    code, out = run("datasets", "add", "oecd_icio", tmp_path / "w.csv", "--year", "2020")
    assert code == 2 and "not writable" in one_error_line(out) and "VALUECHAIN_DATA" in out


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders; the simulated case covers it")
def test_read_only_cache(tmp_path, monkeypatch):
    ro = tmp_path / "cache"
    ro.mkdir()
    os.chmod(ro, 0o555)
    (tmp_path / "w.csv").write_text("x")
    try:
        code, out = run("datasets", "add", "oecd_icio", tmp_path / "w.csv", "--year", "2020")
        assert code == 2 and "not writable" in one_error_line(out)
    finally:
        os.chmod(ro, 0o755)


# ------------------------------------------------------------------ overflow in A
def overflow_blocks():
    """Balanced (with allow_negative) but one output is 1e-300 next to a flow of 1e10: A would overflow."""
    idx = pd.MultiIndex.from_tuples([("R", "a"), ("R", "b")], names=["region", "sector"])
    Z = pd.DataFrame([[0.0, 0.0], [1e10, 1.0]], index=idx, columns=idx)
    Y = pd.DataFrame([[1e-300], [10.0]], index=idx,
                     columns=pd.MultiIndex.from_tuples([("R", "fd")], names=["region", "category"]))
    x = Z.sum(axis=1) + Y.sum(axis=1)
    V = pd.DataFrame([(x - Z.sum(axis=0)).to_numpy()],
                     index=pd.MultiIndex.from_tuples([("value_added", "va")], names=["kind", "component"]), columns=idx)
    return Z, Y, V, x


def test_overflowing_coefficients_are_a_clear_error(tmp_path):
    from valuechain._tableio import write_parquet

    Z, Y, V, x = overflow_blocks()
    with pytest.raises(TableError, match=r"\('R', 'a'\), so small that its input coefficients overflow"):
        vc.IOTable(Z, Y, V, allow_negative=True)
    src = write_parquet(tmp_path / "ovf.parquet", Z=Z, Y=Y, V=V, VY=None, x=x, meta={"name": "ovf"},
                        options={"allow_negative": True})
    for args in (["graph", "--weight", "input_share"], ["position", "multipliers"], ["shock", "demand"]):
        code, out = run(*args, "--table", src)
        assert code == 2, (args, out)
        assert "overflow" in one_error_line(out)


# ------------------------------------------------------------------ Ctrl-C
@pytest.mark.parametrize("exc", [KeyboardInterrupt(), RuntimeError("Query interrupted")])
def test_ctrl_c_during_a_duckdb_read_is_130_and_one_line(monkeypatch, exc):
    import valuechain.trade

    def interrupted(*a, **k):
        raise exc

    monkeypatch.setattr(valuechain.trade, "read", interrupted)
    r = runner.invoke(app, ["trade", "info", "x.csv"])
    assert r.exit_code == 130 and r.output.strip().splitlines() == ["Interrupted."]


def test_interrupt_translated_by_a_reader_is_still_130(monkeypatch):
    import valuechain.trade

    class InterruptException(Exception):  # duckdb's name
        pass

    def translated(*a, **k):
        try:
            raise InterruptException("INTERRUPT Error: Interrupted!")
        except InterruptException:
            raise vc.ParameterError("Invalid query: INTERRUPT Error: Interrupted!") from None

    monkeypatch.setattr(valuechain.trade, "read", translated)
    r = runner.invoke(app, ["trade", "top", "x.csv"])
    assert r.exit_code == 130 and r.output.strip() == "Interrupted."


SIGINT_DRIVER = """
import sys
from valuechain.cli import app
print("ready", flush=True)
sys.argv = ["valuechain", *sys.argv[1:]]
app()
"""


@pytest.mark.slow
def test_real_sigint_during_a_duckdb_read(tmp_path):
    import duckdb

    src = tmp_path / "BACI_HS92_Y2021_V202301.csv"  # 3 million rows, about 1.5 s to read
    duckdb.sql(f"COPY (SELECT 2021 AS t, 1 + r % 240 AS i, 1 + (r // 240) % 240 AS j, 100000 + r // 57600 AS k, "
               f"round(random() * 100, 3) AS v, round(random(), 3) AS q FROM range(3000000) t(r)) "
               f"TO '{src}' (HEADER)")
    outcomes = []
    for delay in (0.1, 0.3, 0.5):
        p = subprocess.Popen([sys.executable, "-c", SIGINT_DRIVER, "trade", "info", str(src)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        assert p.stdout.readline().strip() == "ready"  # past the imports: the signal lands in the read
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
        assert "Traceback" not in err, err
        if p.returncode == 130:
            assert err.strip().splitlines() == ["Interrupted."], err
        else:  # finished before the signal, or the signal hit the interpreter's shutdown after the output
            assert p.returncode in (0, -signal.SIGINT) and "total value" in out, (p.returncode, err)
        outcomes.append(p.returncode)
    assert 130 in outcomes
    assert sorted(q.name for q in tmp_path.iterdir()) == [src.name]


# ------------------------------------------------------------------ --top and option errors
def _commands_with(option: str):
    def walk(cmd, path=()):
        for name, sub in getattr(cmd, "commands", {}).items():
            if hasattr(sub, "commands"):
                yield from walk(sub, path + (name,))
            elif any(option in getattr(p, "opts", ()) for p in sub.params):
                yield path + (name,)
    return sorted(walk(typer.main.get_command(app)))


TOP_COMMANDS = _commands_with("--top")


def test_every_command_with_top_is_found():
    assert len(TOP_COMMANDS) >= 15 and ("position",) in TOP_COMMANDS and ("trade", "top") in TOP_COMMANDS


@pytest.mark.parametrize("path", TOP_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("top", ["-5", "0"])
def test_top_must_be_at_least_one(path, top):
    code, out = run(*path, "--top", top)
    assert code == 2 and "'--top'" in one_error_line(out)


@pytest.mark.parametrize("args, expected", [
    (["nosuchcommand"], "No such command"),
    (["graph", "--weight", "foo"], "'--weight'"),
    (["position", "--nosuchoption"], "No such option"),
    (["trade", "info"], "Missing argument"),
])
def test_option_errors_are_one_line(args, expected):
    code, out = run(*args)
    assert code == 2 and expected in one_error_line(out) and "--help" in out


def test_a_bare_group_still_shows_its_help():
    code, out = run("trade")
    assert "Usage" in out and "convert" in out


# ------------------------------------------------------------------ inoperability c*
@pytest.mark.parametrize("value", [5.0, -1.0, np.nan, np.inf, 1.000001])
def test_inoperability_refuses_cstar_outside_0_1(mb, value):
    with pytest.raises(ParameterError, match=r"c\* in \[0, 1\].*\('MB', 's1'\)"):
        vc.resilience.inoperability(mb, pd.Series([value, 0.0], index=mb.nodes))
    if np.isfinite(value):
        with pytest.raises(ParameterError, match=r"\('MB', 's1'\)"):
            vc.resilience.dynamic_inoperability(mb, pd.Series([value, 0.0], index=mb.nodes), days=3)


def test_inoperability_accepts_the_bounds_and_checks_scenarios(mb):
    q = vc.resilience.inoperability(mb, pd.Series([1.0, 0.0], index=mb.nodes)).nodes["inoperability"]
    assert np.isfinite(q).all()
    too_much = vc.resilience.Scenario(demand={("MB", "s1"): 10.0}, by="node", kind="share")
    with pytest.raises(ParameterError, match=r"\('MB', 's1'\)"):
        vc.resilience.inoperability(mb, too_much)


def test_cli_inoperability_gain_is_one_line():
    code, out = run("shock", "inoperability", "-d", "miller_blair", "--share", "-0.5")
    assert code == 2 and "c* in [0, 1]" in one_error_line(out)


# ------------------------------------------------------------------ centrality size rule, progress
def test_centrality_uses_the_backbone_for_paths_above_the_documented_size(monkeypatch):
    cmod = sys.modules["valuechain.network.centrality"]
    g = vc.supply_graph(vc.datasets.load("testmrio"))
    small = vc.network.centrality(g)
    assert small.attrs["paths"] == "graph" and "<=" in small.attrs["paths_rule"]
    # a dense graph of 2,500 nodes (31.7 s on the full graph) is above the rule; 300 nodes are below
    assert cmod._paths_choice(types.SimpleNamespace(n=2500, m=2500 * 2499), "auto", 0.05)[0] == "backbone"
    assert cmod._paths_choice(types.SimpleNamespace(n=300, m=300 * 299), "auto", 0.05)[0] == "graph"
    monkeypatch.setattr(cmod, "PATHS_AUTO_WORK", g.n * g.m - 1)
    seen = []
    big = vc.network.centrality(g, progress=lambda step, done, total: seen.append((step, done, total)))
    assert big.attrs["paths"] == "backbone" and "exceeds" in big.attrs["paths_rule"]
    b = vc.network.backbone(g, alpha=0.05)
    np.testing.assert_allclose(big["betweenness"], vc.network.betweenness(b))
    np.testing.assert_allclose(big["closeness"], vc.network.closeness(b))
    np.testing.assert_allclose(big["pagerank"], small["pagerank"])  # only the path measures change
    assert vc.network.centrality(g, paths="graph").attrs["paths"] == "graph"
    steps = [s for s, _, _ in seen]
    assert steps[0] == "strength" and steps[-1] == "done" and "betweenness" in steps and "closeness" in steps
    assert all(0 <= d <= t for _, d, t in seen)


def test_betweenness_in_batches_equals_one_pass():
    g = vc.supply_graph(random_table(4, 30, seed=1), "input_share")  # 120 nodes: two batches
    calls = []
    a = vc.network.betweenness(g)
    b = vc.network.betweenness(g, progress=lambda *c: calls.append(c))
    np.testing.assert_allclose(a, b, rtol=1e-12)
    assert calls[-1] == ("betweenness", g.n, g.n) and len(calls) >= 2


def test_cli_centrality_says_when_it_uses_the_backbone(monkeypatch):
    monkeypatch.setattr(sys.modules["valuechain.network.centrality"], "PATHS_AUTO_WORK", 10)
    code, out = run("centrality", "-d", "testmrio", "--top", "3")
    assert code == 0 and "Note: paths='auto'" in out and "backbone" in out


# ------------------------------------------------------------------ dense size estimates
def test_dense_steps_check_their_size_first(monkeypatch):
    t = random_table(5, 20, seed=2)  # 100 nodes
    g = vc.supply_graph(t)
    monkeypatch.setattr(_memory, "available_bytes", lambda: 50_000)
    with pytest.raises(ResourceError, match=r"100 x 100.*more than the 48.8 KiB available"):
        vc.supply_graph(t)
    with pytest.raises(ResourceError, match=r"random_walk.*100 x 100"):
        vc.network.random_walk(g)
    with pytest.raises(ResourceError, match=r"coassignment.*100 x 100"):
        vc.network.coassignment(g, runs=2)
    src = t.to_parquet(Path("t.parquet"))
    code, out = run("centrality", "--table", src)
    assert code == 2 and "of memory" in one_error_line(out)


def test_available_memory_is_read_here():
    avail = _memory.available_bytes()
    assert avail is None or avail > 0
    assert _memory.fmt_bytes(6.7 * 2**30) == "6.7 GiB"
