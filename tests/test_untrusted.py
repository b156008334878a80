"""Untrusted inputs (issue 11): no code execution from data, HTML that shows hostile
labels as text, and labels that never become file paths.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import valuechain as vc
from conftest import random_table

PKG = Path(vc.__file__).resolve().parent

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PATHS = ("../../escape", "a/b", "..", "/etc/passwd")


# -------------------------------------------------------------- source scan
FORBIDDEN = {
    "eval(": re.compile(r"(?<![\w.])eval\s*\("),
    "exec(": re.compile(r"(?<![\w.])exec\s*\("),
    "pickle.load": re.compile(r"\bpickle\s*\.\s*loads?\b|\bcPickle\b|\bdill\b|\bjoblib\s*\.\s*load\b"),
    "read_pickle": re.compile(r"\bread_pickle\s*\("),
    "allow_pickle=True": re.compile(r"allow_pickle\s*=\s*True"),
    "yaml.load(": re.compile(r"\byaml\s*\.\s*(unsafe_)?load\s*\("),
    "DataFrame.eval/query": re.compile(r"\.(eval|query)\s*\(\s*[^)]"),
    "shell=True": re.compile(r"shell\s*=\s*True"),
    "os.system": re.compile(r"\bos\s*\.\s*(system|popen)\s*\("),
}


def _sources():
    files = sorted(PKG.rglob("*.py"))
    assert len(files) > 40  # the whole package, not an empty glob
    return files


def test_no_code_execution_from_data_in_the_package():
    hits = []
    for f in _sources():
        for k, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for what, rx in FORBIDDEN.items():
                if rx.search(code):
                    hits.append(f"{f.relative_to(PKG.parent)}:{k}: {what}: {line.strip()}")
    assert not hits, "\n".join(hits)


def test_the_scan_would_find_them():
    bad = ["x = eval(s)", "exec(code)", "pickle.load(fh)", "np.load(p, allow_pickle=True)", "yaml.load(t)",
           "df.query(expr)", "pd.read_pickle(p)", "subprocess.run(c, shell=True)", "os.system(c)"]
    for line in bad:
        assert any(rx.search(line) for rx in FORBIDDEN.values()), line
    for ok in ["ast.literal_eval(s)", "model.evaluate(x)", "yaml.safe_load(t)", "self.executor(x)"]:
        assert not any(rx.search(ok) for rx in FORBIDDEN.values()), ok


# -------------------------------------------------------------- hostile tables
def hostile_table() -> vc.IOTable:
    """A random MRIO table whose sector and region labels are hostile strings."""
    t = random_table(2, 4, seed=11)
    sectors = dict(zip(t.sectors, [SCRIPT, IMG, "../../escape", "a/b"]))
    regions = dict(zip(t.regions, ["R/0", ".."]))
    out = t.aggregate(sectors=sectors, regions=regions)
    assert set(out.sectors) == {SCRIPT, IMG, "../../escape", "a/b"}
    return out


@pytest.fixture(scope="module")
def hostile():
    return hostile_table()


def assert_shown_as_text(page: str, what: str) -> None:
    """No hostile string appears raw; each appears escaped (as HTML text or as JSON in a script)."""
    assert "<script>alert" not in page, f"{what}: raw <script> label"
    assert "<img src=x" not in page, f"{what}: raw <img> label"
    assert '"><img' not in page
    as_text = html.escape(SCRIPT, quote=False)
    as_json = SCRIPT.replace("<", "\\u003c").replace(">", "\\u003e")
    assert as_text in page or as_json in page, f"{what}: the <script> label is not shown at all"
    img_text = (html.escape(IMG, quote=False), html.escape(IMG, quote=True),
                html.escape(IMG, quote=False).replace('"', "&#34;"),
                IMG.replace("<", "\\u003c").replace(">", "\\u003e").replace('"', '\\"'))
    assert any(s in page for s in img_text), f"{what}: the <img> label is not shown at all"


def test_network_view_shows_hostile_labels_as_text(hostile):
    page = vc.views.network_view(vc.supply_graph(hostile), backbone=None)
    assert_shown_as_text(page, "network_view")
    js = (PKG / "views" / "templates" / "network.js").read_text(encoding="utf-8")
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)  # comments may mention innerHTML
    js = re.sub(r"(?m)^\s*//.*$", "", js)
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js


def test_comparison_view_shows_hostile_labels_as_text(hostile):
    t2 = vc.IOTable(hostile.Z * 1.2, hostile.Y * 1.2, hostile.V * 1.2, meta=hostile.meta)
    page = vc.views.comparison_view(vc.supply_graph(hostile), vc.supply_graph(t2))
    assert_shown_as_text(page, "comparison_view")


def test_report_tables_show_hostile_labels_as_text(hostile):
    sec = vc.views.Section(SCRIPT, "table", vc.position.multipliers(hostile), caption=IMG)
    page = vc.views.report(sec, vc.views.Section("note " + IMG, "text", SCRIPT), title=SCRIPT, subtitle=IMG)
    assert_shown_as_text(page, "report")


def test_dataset_report_shows_hostile_labels_as_text(hostile):
    """The full standard report (position, network, GVC, resilience sections) of a hostile table."""
    page = vc.views.dataset_report(hostile, strict=True)
    assert_shown_as_text(page, "dataset_report")


def test_cli_html_output_shows_hostile_labels_as_text(hostile, tmp_path):
    from valuechain.cli import app

    src = hostile.to_parquet(tmp_path / "hostile.parquet")
    out = tmp_path / "mult.html"
    r = CliRunner().invoke(app, ["position", "multipliers", "--table", str(src), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert_shown_as_text(out.read_text(encoding="utf-8"), "CLI --out .html")


# -------------------------------------------------------------- labels never become paths
def _listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A working directory inside an outer folder; the test checks the whole outer folder."""
    outer = tmp_path / "outer"
    work = outer / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return outer, work


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".parquet"])
def test_graph_write_creates_exactly_the_requested_file(hostile, sandbox, suffix):
    outer, work = sandbox
    g = vc.supply_graph(hostile)
    before = _listing(outer)
    target = work / "out" / f"graph{suffix}"
    written = g.write(target)
    assert Path(written).resolve() == target.resolve()
    assert _listing(outer) - before == {"work/out", f"work/out/graph{suffix}"}


def test_table_parquet_creates_exactly_the_requested_file_and_keeps_labels(hostile, sandbox):
    outer, work = sandbox
    before = _listing(outer)
    target = work / "t.parquet"
    hostile.to_parquet(target)
    assert _listing(outer) - before == {"work/t.parquet"}
    back = vc.IOTable.read_parquet(target)
    assert list(back.nodes) == list(hostile.nodes)
    np.testing.assert_allclose(back.Z.to_numpy(), hostile.Z.to_numpy())


def test_figure_and_views_write_nothing(hostile, sandbox):
    outer, work = sandbox
    before = _listing(outer)
    vc.views.network_view(vc.supply_graph(hostile), backbone=None)
    vc.views.report(vc.views.Section("m", "table", vc.position.multipliers(hostile)))
    assert _listing(outer) == before  # views return strings; pyvis must not write lib/ folders


@pytest.mark.parametrize("cmd,name", [
    (["position", "multipliers"], "m.csv"),
    (["graph"], "g.graphml"),
    (["view"], "v.html"),
])
def test_cli_out_writes_only_the_requested_file(hostile, sandbox, tmp_path, cmd, name):
    from valuechain.cli import app

    outer, work = sandbox
    src = hostile.to_parquet(tmp_path / "src.parquet")
    before = _listing(outer)
    target = work / "res" / name
    r = CliRunner().invoke(app, [*cmd, "--table", str(src), "--out", str(target)])
    assert r.exit_code == 0, r.output
    assert _listing(outer) - before == {"work/res", f"work/res/{name}"}
    if name.endswith(".html"):
        assert_shown_as_text(target.read_text(encoding="utf-8"), f"CLI {cmd}")


def test_trade_filters_quote_hostile_labels(tmp_path):
    """Country/product labels reach DuckDB as literals, never as SQL text."""
    evil = "X'); DROP TABLE t; --"
    df = pd.DataFrame({"year": 2020, "exporter": [evil, "USA", "O'Neil"], "importer": ["FRA", "FRA", evil],
                       "product": ["p", "q", "p"], "value": [1.0, 2.0, 4.0], "quantity": np.nan})
    tt = vc.TradeTable.from_frame(df, meta={"name": "O'Brien \"}'; --"})
    sub = tt.filter(exporters=[evil, "O'Neil"])
    assert sorted(sub.to_pandas()["value"].tolist()) == [1.0, 4.0]
    assert tt.filter(importers=[evil]).to_pandas()["exporter"].tolist() == ["O'Neil"]
    before = set(os.listdir(tmp_path))
    p = tt.to_parquet(tmp_path / "t.parquet")
    assert set(os.listdir(tmp_path)) - before == {"t.parquet"}
    back = vc.trade.read(p)
    assert back.meta.name == "O'Brien \"}'; --"
    assert sorted(back.to_pandas()["exporter"].tolist()) == sorted(df["exporter"].tolist())
