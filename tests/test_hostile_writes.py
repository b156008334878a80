"""Hostile and careless writes (issue 18): no write destroys what valuechain did not create.

One case per defect: ``trade convert --by-year`` into a folder of someone's parquet
files, ``--out`` onto a read-only file or through a symlink, concurrent ``datasets add``,
temporaries of killed writes, spreadsheet formulas in CSV cells, control characters in
GraphML/GEXF, ``$...$`` labels in figures.  Every test works inside ``tmp_path`` and
the module checks that nothing outside it changed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import valuechain as vc
from conftest import random_table
from valuechain import _files
from valuechain.cli import app
from valuechain.datasets import cache
from valuechain.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _tree(root: Path) -> dict[str, float]:
    skip = {".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "valuechain-demo"}
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip and not d.endswith(".egg-info")]
        for f in filenames:
            p = Path(dirpath) / f
            out[str(p.relative_to(root))] = p.stat().st_mtime_ns
    return out


@pytest.fixture(scope="module", autouse=True)
def nothing_outside_tmp_changes():
    """No file of the working tree (outside pytest's temporary folders) is created or touched."""
    before = _tree(ROOT)
    yield
    after = _tree(ROOT)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert not changed, f"files outside the temporary folder changed: {changed[:10]}"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VALUECHAIN_DATA", str(tmp_path / "cache"))


def _run(*args: str):
    r = runner.invoke(app, list(args))
    return r.exit_code, r.output


def _error_line(output: str) -> str:
    lines = [ln for ln in output.splitlines() if ln.startswith("Error:")]
    assert len(lines) == 1 and "Traceback" not in output, output
    return lines[0]


# ------------------------------------------------------------------ trade convert --by-year
def _trade_source(tmp_path: Path) -> Path:
    df = pd.DataFrame({"year": [2020, 2020, 2021], "exporter": ["A", "B", "A"], "importer": ["B", "A", "B"],
                       "product": ["x", "y", "x"], "value": [1.0, 2.0, 3.0]})
    return vc.TradeTable.from_frame(df, meta={"unit": "USD"}).to_parquet(tmp_path / "src.parquet")


def test_convert_by_year_never_deletes_someone_elses_parquet_files(tmp_path):
    src = _trade_source(tmp_path)
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ("a.parquet", "year_1999.parquet"):  # the user's files, one even named like ours
        pd.DataFrame({"v": [1]}).to_parquet(folder / name)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code, out = _run("trade", "convert", str(src), str(folder), "--by-year")
    assert code == 2 and "not empty" in _error_line(out)
    code, out = _run("trade", "convert", str(src), str(folder), "--by-year", "--force")
    assert code == 2 and "did not write" in _error_line(out) and "'a.parquet'" in out
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "src.parquet"]  # no temporary left


def test_convert_by_year_folder_modes_and_replacing_its_own_output(tmp_path):
    src = _trade_source(tmp_path)
    new = tmp_path / "new"
    code, out = _run("trade", "convert", str(src), str(new), "--by-year")
    assert code == 0, out
    assert sorted(p.name for p in new.iterdir()) == ["_meta.json", "year_2020.parquet", "year_2021.parquet"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o777 & ~umask  # not mkdtemp's 0700
    assert vc.trade.read(new, format="parquet").to_pandas()["value"].sum() == 6.0
    code, out = _run("trade", "convert", str(src), str(new), "--by-year")  # our own output: needs --force
    assert code == 2 and "--force" in _error_line(out)
    os.chmod(new, 0o750)
    code, out = _run("trade", "convert", str(src), str(new), "--by-year", "--force")
    assert code == 0, out
    assert stat.S_IMODE(new.stat().st_mode) == 0o750  # the replaced folder keeps its mode
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o755)
    os.chmod(empty, 0o705)
    assert _run("trade", "convert", str(src), str(empty), "--by-year")[0] == 0  # an empty folder is fine
    assert stat.S_IMODE(empty.stat().st_mode) == 0o705
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "new", "src.parquet"]


def test_convert_by_year_onto_a_file_is_refused(tmp_path):
    src = _trade_source(tmp_path)
    (tmp_path / "f").write_text("keep")
    code, out = _run("trade", "convert", str(src), str(tmp_path / "f"), "--by-year")
    assert code == 2 and "a file of that name exists" in _error_line(out)
    assert (tmp_path / "f").read_text() == "keep"


def test_interrupted_folder_write_leaves_the_old_folder(tmp_path):
    own = tmp_path / "own"
    own.mkdir()
    (own / "year_2020.parquet").write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        with _files.atomic_dir(own, force=True, owned=lambda n: n.startswith("year_")) as tmp:
            (tmp / "year_2020.parquet").write_bytes(b"new")
            raise KeyboardInterrupt
    assert (own / "year_2020.parquet").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["own"]


# ------------------------------------------------------------------ --out onto existing things
def test_out_refuses_a_read_only_file_unless_forced(tmp_path):
    out = tmp_path / "m.csv"
    out.write_text("precious")
    os.chmod(out, 0o444)
    code, text = _run("position", "multipliers", "-d", "miller_blair", "--out", str(out))
    assert code == 2 and "read-only" in _error_line(text) and "--force" in text
    assert out.read_text() == "precious"
    code, text = _run("position", "multipliers", "-d", "miller_blair", "--out", str(out), "--force")
    assert code == 0, text
    assert "output" in out.read_text() and stat.S_IMODE(out.stat().st_mode) == 0o444  # mode kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv"]


def test_out_writes_through_a_symlink_and_keeps_permissions(tmp_path):
    real = tmp_path / "data" / "m.csv"
    real.parent.mkdir()
    real.write_text("old")
    os.chmod(real, 0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    code, text = _run("position", "multipliers", "-d", "miller_blair", "--out", str(link))
    assert code == 0, text
    assert link.is_symlink() and os.readlink(link) == str(real)  # the link stays a link
    assert "output" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["m.csv"]


def test_out_through_a_dangling_symlink_is_refused(tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "nowhere" / "m.csv")
    code, text = _run("position", "multipliers", "-d", "miller_blair", "--out", str(link))
    assert code == 2 and "dangling" in _error_line(text)
    assert not (tmp_path / "nowhere").exists()


def test_out_onto_a_directory_is_refused_before_computing(tmp_path, monkeypatch):
    import valuechain.cli.position as cli_position

    calls = []
    monkeypatch.setattr(cli_position, "load_table", lambda *a, **k: calls.append(a))
    (tmp_path / "d.csv").mkdir()
    code, text = _run("position", "multipliers", "-d", "miller_blair", "--out", str(tmp_path / "d.csv"))
    assert code == 2 and "is a directory" in _error_line(text)
    code, text = _run("position", "multipliers", "-d", "miller_blair", "--out", str(tmp_path / "x.xlsx"))
    assert code == 2 and ".csv, .parquet, .json or .html" in _error_line(text)
    assert calls == []  # refused before the table was even loaded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]


def test_out_under_a_file_is_one_line(tmp_path):
    (tmp_path / "file").write_text("x")
    code, text = _run("position", "multipliers", "-d", "miller_blair", "--out", str(tmp_path / "file" / "m.csv"))
    assert code == 2 and "is not a folder" in _error_line(text)


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders; the simulated case below covers it")
def test_out_into_a_read_only_folder_is_one_line(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o555)
    try:
        code, text = _run("position", "multipliers", "-d", "miller_blair", "--out", str(ro / "m.csv"))
        assert code == 2 and "not writable" in _error_line(text)
        assert list(ro.iterdir()) == []
    finally:
        os.chmod(ro, 0o755)


def test_out_into_an_unwritable_folder_simulated(tmp_path, monkeypatch):
    """What an unwritable folder does to the temporary file (as root chmod cannot show it)."""
    def denied(*a, **k):
        raise PermissionError(13, "Permission denied", str(tmp_path / "ro" / ".m.csv.part"))

    (tmp_path / "ro").mkdir()
    monkeypatch.setattr(_files.tempfile, "mkstemp", denied)
    code, text = _run("position", "multipliers", "-d", "miller_blair", "--out", str(tmp_path / "ro" / "m.csv"))
    assert code == 2 and _error_line(text).endswith(": Permission denied")
    assert list((tmp_path / "ro").iterdir()) == []


def test_table_and_graph_writers_keep_symlinks_and_refuse_read_only(tmp_path):
    t = vc.datasets.load("testmrio")
    real = tmp_path / "real.parquet"
    t.to_parquet(real)
    link = tmp_path / "link.parquet"
    link.symlink_to(real)
    t.to_parquet(link)
    assert link.is_symlink() and vc.IOTable.read_parquet(link).n == t.n
    g = vc.supply_graph(t)
    gp = tmp_path / "g.graphml"
    g.write(gp)
    os.chmod(gp, 0o444)
    with pytest.raises(ParameterError, match="read-only"):
        g.write(gp)
    g.write(gp, force=True)
    assert stat.S_IMODE(gp.stat().st_mode) == 0o444


# ------------------------------------------------------------------ temporaries of killed writes
def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_stale_part_files_of_killed_writes_are_swept_at_the_next_write(tmp_path):
    host = _files._host_tag()
    dead, alive = _dead_pid(), os.getpid()
    stale = tmp_path / f".m.csv.{host}-{dead}.abc123.csv.part"
    stale_dir = tmp_path / f".m.csv.{host}-{dead}.def456.part"
    running = tmp_path / f".m.csv.{host}-{alive}.zzz999.csv.part"  # a write still in progress
    other_host = tmp_path / f".m.csv.0000beef-{dead}.qqq111.csv.part"  # maybe alive on another machine
    other_target = tmp_path / f".n.csv.{host}-{dead}.rrr222.csv.part"
    user_file = tmp_path / ".m.csv.notes.part"  # not one of ours
    for p in (stale, running, other_host, other_target, user_file):
        p.write_text("x")
    stale_dir.mkdir()
    (stale_dir / "year_2020.parquet").write_text("x")
    code, text = _run("position", "multipliers", "-d", "miller_blair", "--out", str(tmp_path / "m.csv"))
    assert code == 0, text
    left = sorted(p.name for p in tmp_path.iterdir())
    assert stale.name not in left and stale_dir.name not in left
    assert {running.name, other_host.name, other_target.name, user_file.name, "m.csv"} <= set(left)


def test_temporaries_are_named_for_the_sweep(tmp_path):
    seen = []
    with _files.atomic_path(tmp_path / "a.csv") as tmp:
        seen.append(tmp.name)
    m = _files._PART_RE.match(seen[0])
    assert m and m["name"] == "a.csv" and int(m["pid"]) == os.getpid() and m["host"] == _files._host_tag()
    assert socket.gethostname()  # the tag is derived from it


@pytest.mark.slow
def test_sigkilled_cli_write_is_swept_by_the_next_run(tmp_path):
    """A real SIGKILL between creating the temporary and renaming it; the next run cleans up."""
    script = ("import os, signal, sys\n"
              "from valuechain import _files\n"
              "with _files.atomic_path(sys.argv[1]) as tmp:\n"
              "    tmp.write_text('half')\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n")
    target = tmp_path / "m.csv"
    subprocess.run([sys.executable, "-c", script, str(target)], check=False)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]  # SIGKILL left one behind
    code, text = _run("position", "multipliers", "-d", "miller_blair", "--out", str(target))
    assert code == 0, text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv"]


# ------------------------------------------------------------------ the registry lock
def _add_one(args):
    root, year, barrier = args
    os.environ["VALUECHAIN_DATA"] = root
    f = Path(root).parent / f"baci_{year}.csv"
    barrier.wait()
    cache.add("baci", f, year=year)


def test_concurrent_datasets_add_keep_every_registration(tmp_path):
    root = tmp_path / "cache"
    years = list(range(2000, 2022))  # 22 concurrent registrations
    for y in years:
        (tmp_path / f"baci_{y}.csv").write_text("t,i,j,k,v,q\n")
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Manager().Barrier(len(years))
    procs = [ctx.Process(target=_add_one, args=((str(root), y, barrier),)) for y in years]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    data = json.loads((root / cache.REGISTRY_FILE).read_text())
    assert sorted(data["baci"]) == [str(y) for y in years]
    assert sorted(p.name for p in root.iterdir()) == sorted([cache.LOCK_FILE, cache.REGISTRY_FILE])


# ------------------------------------------------------------------ spreadsheet-safe CSV
FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(A1)", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _formula_table() -> vc.IOTable:
    t = random_table(2, 3, seed=5)
    return t.aggregate(sectors=dict(zip(t.sectors, [FORMULAS[0], FORMULAS[3], "-5"])),
                       regions=dict(zip(t.regions, [FORMULAS[1], "\tR"])))


def test_csv_cells_cannot_run_as_formulas(tmp_path):
    src = _formula_table().to_parquet(tmp_path / "t.parquet")
    code, text = _run("position", "multipliers", "--table", str(src), "--out", str(tmp_path / "m.csv"))
    assert code == 0, text
    back = pd.read_csv(tmp_path / "m.csv", keep_default_na=False)
    labels = set(back["region"]) | set(back["sector"])
    assert labels == {"'" + FORMULAS[0], "'" + FORMULAS[3], "-5", "'" + FORMULAS[1], "'\tR"}
    assert all(not str(v).startswith(tuple("=+@\t\r")) for v in labels)
    assert (back["output"] > 1).all()  # numbers are numbers
    code, text = _run("position", "multipliers", "--table", str(src), "--out", str(tmp_path / "raw.csv"), "--raw")
    raw = pd.read_csv(tmp_path / "raw.csv", keep_default_na=False)
    assert FORMULAS[0] in set(raw["sector"]) and "\tR" in set(raw["region"])


def test_spreadsheet_safe_touches_text_only():
    df = pd.DataFrame({"label": FORMULAS + ["ok", "-5", "1e5", None], "num": np.arange(-5.0, 5.0)},
                      index=pd.Index(["=i"] + [f"i{k}" for k in range(9)], name="@idx"))
    df.columns = ["label", "=num"]
    out = _files.spreadsheet_safe(df)
    assert out["label"].tolist()[:6] == ["'" + f for f in FORMULAS]
    assert out["label"].tolist()[6:9] == ["ok", "-5", "1e5"] and pd.isna(out["label"].iloc[9])
    assert out["'=num"].tolist() == df["=num"].tolist()  # numbers never change
    assert out.index[0] == "'=i" and out.index.name == "'@idx"
    assert df["label"].iloc[0] == FORMULAS[0]  # the input is not mutated


# ------------------------------------------------------------------ XML exports
CONTROL = ["a\x01b", "c\x1bd", "e\x0bf", "g\x00h"]


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_graph_xml_is_well_formed_with_control_characters(tmp_path, suffix):
    t = random_table(1, 4, seed=2)
    t = t.aggregate(sectors=dict(zip(t.sectors, CONTROL)))
    g = vc.supply_graph(t)
    p = g.write(tmp_path / f"g{suffix}")
    root = ET.parse(p).getroot()  # raises on a control character
    text = ET.tostring(root, encoding="unicode")
    for label in CONTROL:
        assert label.replace(label[1], "") in text
    if suffix == ".graphml":
        import networkx as nx

        back = nx.read_graphml(p)
        assert back.number_of_nodes() == g.n and back.number_of_edges() == g.m


def test_graph_xml_refuses_labels_that_differ_only_by_control_characters(tmp_path):
    t = random_table(1, 2, seed=2)
    t = t.aggregate(sectors=dict(zip(t.sectors, ["ab", "a\x01b"])))
    with pytest.raises(ParameterError, match="differ only by control characters"):
        vc.supply_graph(t).write(tmp_path / "g.graphml")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ figures
DOLLARS = ["$\\frac{1}$", "$x^$", "a $b$ c", "$$"]


def test_dollar_labels_are_drawn_as_text_and_keep_every_section(tmp_path):
    t = random_table(2, 4, seed=3)
    t = t.aggregate(sectors=dict(zip(t.sectors, DOLLARS)))
    page = vc.views.dataset_report(t, strict=True)  # strict: a failing section raises
    assert page.count("<img") >= 2
    data = pd.DataFrame({"upstreamness": vc.position.upstreamness(t),
                         "participation": vc.position.multipliers(t)["output"]})
    png = vc.views.position_scatter(data, label_top=len(data))  # every node labelled
    assert png[:4] == b"\x89PNG"
