"""Views: offline HTML (no external URL), escaping of hostile labels, drawing caps,
figures as valid PNG/SVG, the report's metadata, and the `view`/`report` commands."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import valuechain as vc
from conftest import random_table
from valuechain.cli import app
from valuechain.errors import ParameterError

runner = CliRunner()

# any URL with a scheme or protocol-relative in src=/href= (quoted or not)
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""", re.IGNORECASE)
HTTP_ATTR = re.compile(r"""(?:src|href)\s*=\s*["']?\s*https?""", re.IGNORECASE)

HOSTILE_SECTORS = [
    "<script>window.__vc_pwned=true</script>",
    '<img src=x onerror="window.__vc_pwned=true">',
    "A & B \"quoted\" 'single' </div>",
]
HOSTILE_REGION = "</script><script>window.__vc_pwned=true</script>"


def hostile_table() -> vc.IOTable:
    """A balanced 1-region x 3-sector table whose labels are HTML/JS injection attempts."""
    nodes = pd.MultiIndex.from_product([[HOSTILE_REGION], HOSTILE_SECTORS], names=["region", "sector"])
    Z = pd.DataFrame([[10.0, 30.0, 5.0], [20.0, 5.0, 25.0], [15.0, 10.0, 10.0]], index=nodes, columns=nodes)
    Y = pd.DataFrame({"households": [60.0, 50.0, 70.0]}, index=nodes)
    return vc.IOTable(Z, Y, meta={"name": "<b>hostile</b>", "year": 2020, "unit": "EUR", "source": "<i>test</i>"})


def json_payloads(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, flags=re.S)
    return [json.loads(b) for b in blocks]


@pytest.fixture(scope="module")
def graph():
    return vc.supply_graph(vc.datasets.load("testmrio"))


@pytest.fixture(scope="module")
def view_html(graph):
    return vc.views.network_view(graph)


# ----------------------------------------------------------------------------- offline
def test_view_is_offline_and_self_contained(view_html):
    assert view_html.startswith("<!DOCTYPE html>")
    assert not HTTP_ATTR.search(view_html)
    assert not EXTERNAL.search(view_html)
    assert "<link" not in view_html.lower()
    assert not re.search(r"<script[^>]+src\s*=", view_html, re.I)
    # vis-network itself is inlined (read from the installed pyvis package)
    from importlib import resources

    from valuechain.views import _assets

    js = resources.files("pyvis").joinpath("lib", f"vis-{_assets.vis_version()}", "vis-network.min.js").read_text()
    assert js[:2000] in view_html
    assert "new vis.Network" in view_html


def test_view_does_not_write_files(graph, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    vc.views.network_view(graph, max_nodes=10)
    assert list(tmp_path.iterdir()) == []  # pyvis's write_html would create lib/ here


def test_http_detector_catches_external_urls():
    # the offline check itself must be able to fail
    for bad in ('<script src="https://cdn.x/vis.js">', "<link href='http://x/a.css'>", '<img src=//x/a.png>'):
        assert EXTERNAL.search(bad)
    assert not EXTERNAL.search('<img src="data:image/png;base64,AAAA">')


# ----------------------------------------------------------------------------- escaping
def test_hostile_labels_are_escaped_in_view():
    t = hostile_table()
    g = vc.supply_graph(t)
    html = vc.views.network_view(g, color_by="sector", size_by="output", backbone=None,
                                 title="<script>window.__vc_pwned=true</script>")
    for label in HOSTILE_SECTORS + [HOSTILE_REGION, "<b>hostile</b>", "<i>test</i>"]:
        assert label not in html, label
    assert "<img src=x" not in html
    assert "&lt;script&gt;window.__vc_pwned=true&lt;/script&gt;" in html  # the title, as text
    # the labels survive as data (JSON decodes back to the exact strings)
    (payload,) = json_payloads(html)
    labels = {n["label"] for n in payload["nodes"]}
    assert labels == set(HOSTILE_SECTORS)
    assert {i["label"] for i in payload["legend"]["items"]} == set(HOSTILE_SECTORS)
    # exactly the script blocks we wrote: vis-network, the data block and our code
    from valuechain.views import _assets

    assert len(re.findall(r"<script\b", html.replace(_assets.vis_js(), ""))) == 3
    assert not re.search(r"innerHTML\s*=", re.search(r"valuechain network views.*?\}\)\(\);", html, re.S).group(0))


def test_hostile_labels_are_escaped_in_report():
    t = hostile_table()
    pos = vc.position.upstreamness(t).to_frame()
    html = vc.views.report(vc.views.Section("<script>x</script>", "table", pos, caption="<b>c</b>"),
                           vc.views.Section("note", "text", HOSTILE_SECTORS[1]),
                           title="<script>t</script>", meta=t.meta, params={"<p class=evil>": "<q class=evil>"})
    for raw in HOSTILE_SECTORS + ["<script>x</script>", "<b>c</b>", "<script>t</script>", "<b>hostile</b>", "<p class=evil>",
                                  "<q class=evil>"]:
        assert raw not in html, raw
    assert "&lt;img src=x onerror=" in html
    assert "<script" not in html  # no network section: no script at all


def test_json_script_escapes_script_breakers():
    from valuechain.views._render import json_script

    s = json_script({"a": "</script><!-- \u2028 & >"})
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s) == {"a": "</script><!-- \u2028 & >"}


# ----------------------------------------------------------------------------- caps
def test_caps_follow_the_stated_rule():
    t = vc.datasets.load("testmrio")
    g = vc.supply_graph(t)
    size = pd.Series(t.x.to_numpy(), index=t.nodes, name="gross output")
    d = vc.views.network_data(g, size_by=size, color_by="region", backbone=None, max_nodes=10, max_edges=15,
                              drop_isolated=False)
    # oracle: top-10 nodes by output, computed directly from the table
    top10 = set(t.x.sort_values(ascending=False).index[:10])
    drawn = {t.nodes[n["id"]] for n in d["nodes"]}
    assert drawn == top10
    # oracle: the 15 largest off-diagonal flows among those nodes, from Z
    Z = t.Z.loc[list(top10), list(top10)].to_numpy().copy()
    np.fill_diagonal(Z, 0)
    expected = np.sort(Z[Z > 0])[::-1][:15]
    got = np.sort([e["value"] for e in d["edges"]])[::-1]
    np.testing.assert_allclose(got, expected)
    assert all(t.nodes[e["from"]] in top10 and t.nodes[e["to"]] in top10 for e in d["edges"])
    assert d["stats"]["nodes_drawn"] == 10 and d["stats"]["edges_drawn"] == 15
    assert "the 10 largest of 48 nodes by gross output" in d["caption"]
    assert "the 15 heaviest" in d["caption"]
    # sizes grow with output
    ids = [n["id"] for n in d["nodes"]]
    px = np.array([n["size"] for n in d["nodes"]])
    assert np.all(np.diff(px[np.argsort(t.x.to_numpy()[ids])]) >= 0)


def test_backbone_default_and_communities(graph):
    d = vc.views.network_data(graph, max_nodes=200, max_edges=10_000)
    bb = vc.network.backbone(graph, alpha=0.05)
    loops = int(np.count_nonzero(bb.adjacency.diagonal()))
    assert d["stats"]["edges_total"] == bb.m - loops
    comm = vc.network.communities(graph, seed=0)
    for n in d["nodes"]:
        assert n["attrs"]["community"] == str(comm.iloc[n["id"]])
    assert d["freeze"] is True  # > 40 nodes: physics stops after stabilisation
    assert {f["key"] for f in d["filters"]} == {"region", "sector", "community"}


def test_isolated_nodes_are_omitted_and_counted():
    t = vc.datasets.load("testmrio")
    g = vc.supply_graph(t)
    d = vc.views.network_data(g, size_by="output", backbone=None, max_nodes=20, max_edges=1)
    assert len(d["nodes"]) == 2 and len(d["edges"]) == 1
    assert "18 of these nodes have no drawn edge" in d["caption"]


def test_bad_parameters(graph):
    with pytest.raises(ParameterError, match="size_by.*'pagerank'"):
        vc.views.network_view(graph, size_by="no_such_metric")
    with pytest.raises(ParameterError, match="color_by"):
        vc.views.network_view(graph, color_by="no_such_column")
    with pytest.raises(ParameterError, match="max_nodes"):
        vc.views.network_view(graph, max_nodes=0)
    with pytest.raises(ParameterError, match="backbone"):
        vc.views.network_view(graph, backbone=1.5)


def test_comparison_view_highlights_movers():
    a = random_table(3, 4, seed=0)
    b = random_table(3, 4, seed=1).replace(meta={**a.meta.to_dict(), "year": 2021})
    ga, gb = vc.supply_graph(a), vc.supply_graph(b)
    change = (b.x - a.x).rename("d_output")
    html = vc.views.comparison_view(ga, gb, change, size_by="output", top_movers=3, labels=("2020", "2021"))
    assert not HTTP_ATTR.search(html)
    p0, p1 = json_payloads(html)
    movers = set(change.abs().sort_values(ascending=False).index[:3])
    outlined = {a.nodes[n["id"]] for n in p1["nodes"] if n.get("borderWidth") == 5}
    assert outlined == movers
    for n in p1["nodes"]:
        if a.nodes[n["id"]] in movers:
            up = change[a.nodes[n["id"]]] > 0
            assert n["color"]["border"] == ("#1a9641" if up else "#d7191c")
    assert {n["id"] for n in p0["nodes"]} <= {n["id"] for n in p1["nodes"]} | {n["id"] for n in p0["nodes"]}
    assert "Largest movers" in html and "2020" in html and "2021" in html


# ----------------------------------------------------------------------------- figures
def _png_ok(data: bytes) -> tuple[int, int]:
    import matplotlib.image as mpimg

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = mpimg.imread(io.BytesIO(data), format="png")
    h, w = img.shape[:2]
    assert h > 100 and w > 100
    # not blank: a good share of pixels differ from white
    ink = (np.abs(img[..., :3] - 1.0).max(axis=-1) > 0.05).mean()
    assert ink > 0.01
    return h, w


def _svg_ok(data: bytes) -> None:
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert b"http://" not in data.replace(b"http://www.w3.org", b"").replace(b"http://purl.org", b"").replace(
        b"http://creativecommons.org", b"")


@pytest.fixture(scope="module")
def figure_inputs():
    rng = np.random.default_rng(0)
    idx = [f"n{i}" for i in range(20)]
    curves = pd.DataFrame({"random": np.linspace(1, 0, 11) ** 0.5, "targeted": np.linspace(1, 0, 11) ** 3},
                          index=np.linspace(0, 1, 11))
    ranks = pd.DataFrame({"2019": rng.random(20), "2021": rng.random(20)}, index=idx)
    t = vc.datasets.load("testmrio")
    pos = pd.DataFrame({"upstreamness": vc.position.upstreamness(t), "participation": rng.random(t.n),
                        "output": t.x})
    a = pd.Series(rng.integers(0, 3, 20), index=idx)
    b = a.copy()
    b.iloc[:5] = 3
    p = rng.random((15, 15))
    p = (p + p.T) / 2
    names = [f"p{i}" for i in range(15)]
    prox = pd.DataFrame(p, index=names, columns=names)
    rca = pd.Series(rng.random(15) * 2, index=names)
    return {
        "robustness_figure": ((curves,), {}),
        "bump_chart": ((ranks,), {}),
        "position_scatter": ((pos,), {"size": "output", "color": "region"}),
        "community_flows": ((a, b), {"labels": ("2019", "2021")}),
        "product_space_map": ((prox,), {"rca": rca, "region": "X"}),
    }


@pytest.mark.parametrize("name", ["robustness_figure", "bump_chart", "position_scatter", "community_flows",
                                  "product_space_map"])
def test_figures_png(figure_inputs, name):
    func = getattr(vc.views, name)
    args, kw = figure_inputs[name]
    before = [a.copy() for a in args]
    from matplotlib.figure import Figure

    fig = func(*args, **kw)
    assert isinstance(fig, Figure)  # a figure to show inline or restyle, not image bytes
    _png_ok(vc.views.to_png(fig))
    for x, y in zip(args, before):  # inputs untouched
        assert x.equals(y)


def test_figures_svg_valid_and_reproducible(figure_inputs):
    for name in ("bump_chart", "community_flows"):
        args, kw = figure_inputs[name]
        svg = vc.views.to_svg(getattr(vc.views, name)(*args, **kw))
        _svg_ok(svg)
        assert bytes(getattr(vc.views, name)(*args, fmt="svg", **kw)) == svg  # fmt= sets the default export
        if name == "bump_chart":
            assert vc.views.to_svg(getattr(vc.views, name)(*args, **kw)) == svg
    with pytest.raises(ParameterError, match="'fmt'"):
        vc.views.bump_chart(*figure_inputs["bump_chart"][0], fmt="gif")


def test_figure_bad_inputs():
    with pytest.raises(ParameterError, match="increasing"):
        vc.views.robustness_figure(pd.DataFrame({"a": [1, 0.5]}, index=[0.5, 0.0]))
    with pytest.raises(ParameterError, match="at least 2"):
        vc.views.bump_chart(pd.DataFrame({"2019": [1.0, 2.0]}))
    with pytest.raises(ParameterError, match="share no node"):
        vc.views.community_flows(pd.Series([1], index=["a"]), pd.Series([1], index=["b"]))
    with pytest.raises(ParameterError, match="square"):
        vc.views.product_space_map(pd.DataFrame(np.ones((2, 3))))
    with pytest.raises(ParameterError, match="'y'"):
        vc.views.position_scatter(pd.DataFrame({"upstreamness": [1.0]}))


def test_community_flows_conserve_weight():
    # the alluvial's left and right blocks are the group sums: check via the title share (kept its label)
    a = pd.Series([0, 0, 1, 1], index=list("wxyz"))
    b = pd.Series([0, 1, 1, 1], index=list("wxyz"))
    w = pd.Series([1.0, 3.0, 2.0, 4.0], index=list("wxyz"))
    from unittest import mock

    import matplotlib.axes

    titles = []
    orig = matplotlib.axes.Axes.set_title

    def spy(self, label, *args, **kw):
        titles.append(label)
        return orig(self, label, *args, **kw)

    with mock.patch.object(matplotlib.axes.Axes, "set_title", spy):
        vc.views.community_flows(a, b, weights=w)
    # w (1) + y (2) + z (4) kept their label out of 10
    assert "70% kept its label" in titles[-1]


# ----------------------------------------------------------------------------- report
def test_report_states_meta_and_embeds_figures():
    t = vc.datasets.load("miller_blair")
    curves = pd.DataFrame({"random": [1.0, 0.5, 0.0]}, index=[0.0, 0.5, 1.0])
    html = vc.views.report(
        vc.views.Section("Multipliers", "table", vc.position.multipliers(t)),
        vc.views.Section("Robustness", "figure", vc.views.robustness_figure(curves), caption="cap"),
        vc.views.Section("Robustness (svg)", "figure", vc.views.robustness_figure(curves, fmt="svg"), fmt="svg"),
        title="MB", meta=t.meta, params={"backbone alpha": 0.05},
    )
    from html import escape

    for needle in (t.meta.source, t.meta.unit or "", "backbone alpha", "0.05", "1.518"):
        assert escape(needle, quote=False) in html, needle
    assert "data:image/png;base64," in html and "data:image/svg+xml;base64," in html
    assert not HTTP_ATTR.search(html) and not EXTERNAL.search(html)
    assert "vis.Network" not in html  # no network section: vis-network not inlined


def test_section_validation():
    with pytest.raises(ParameterError, match="'kind'"):
        vc.views.Section("x", "video", None)
    with pytest.raises(ParameterError, match="Section"):
        vc.views.report("not a section")


@pytest.fixture(scope="module")
def two_years():
    a = random_table(3, 4, seed=0)
    b = random_table(3, 4, seed=1).replace(meta={**a.meta.to_dict(), "year": 2021})
    return a, b


def test_dataset_report_full(two_years):
    a, b = two_years
    html = vc.views.dataset_report(a, b, strict=True, top=5)
    meta = a.meta
    for needle in (str(meta.year), "2021", meta.unit, meta.name, "Reconfiguration", "Supply network",
                   "Resilience", "IO position", "Community flows", "PageRank rank changes", "backbone_alpha"):
        assert needle in html, needle
    assert not HTTP_ATTR.search(html) and not EXTERNAL.search(html)
    assert "vc-error" not in html.replace('.vc .vc-error', '')
    assert len(json_payloads(html)) == 3  # one network view + two comparison panels


def test_dataset_report_reports_failures(monkeypatch):
    from valuechain.views import _sections

    def boom(ctx):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(_sections, "ADAPTERS", [("Data", _sections.data_summary), ("Broken", boom)])
    t = vc.datasets.load("miller_blair")
    html = vc.views.dataset_report(t)
    assert "RuntimeError: kaputt" in html and "Data" in html
    with pytest.raises(RuntimeError, match="kaputt"):
        vc.views.dataset_report(t, strict=True)


def test_unavailable_module_becomes_note(monkeypatch):
    from valuechain.views import _sections

    with pytest.raises(_sections.Unavailable):
        _sections.need("no_such_family", "x")
    with pytest.raises(_sections.Unavailable):
        _sections.need("position", "no_such_function")
    assert _sections.need("position", "upstreamness") is vc.position


# ----------------------------------------------------------------------------- CLI
def test_cli_view(tmp_path):
    out = tmp_path / "view.html"
    r = runner.invoke(app, ["view", "--dataset", "testmrio", "--out", str(out), "--max-nodes", "20"])
    assert r.exit_code == 0, r.output
    html = out.read_text()
    assert not HTTP_ATTR.search(html)
    (payload,) = json_payloads(html)
    assert len(payload["nodes"]) <= 20
    assert [p.name for p in tmp_path.iterdir()] == ["view.html"]


def test_cli_view_bad_input(tmp_path):
    r = runner.invoke(app, ["view", "-d", "testmrio", "--out", str(tmp_path / "v.png")])
    assert r.exit_code == 2 and "--out" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["view", "-d", "testmrio", "--size-by", "nope", "--out", str(tmp_path / "v.html")])
    assert r.exit_code == 2 and "size_by" in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert not (tmp_path / "v.html").exists()


def test_cli_report(tmp_path):
    out = tmp_path / "r.html"
    r = runner.invoke(app, ["report", "--dataset", "testmrio", "--out", str(out), "--strict", "--top", "5"])
    assert r.exit_code == 0, r.output
    html = out.read_text()
    t = vc.datasets.load("testmrio")
    from html import escape

    for needle in (t.meta.source, t.meta.unit, str(t.meta.year)):
        assert escape(needle, quote=False) in html, needle
    r = runner.invoke(app, ["report", "--dataset", "no_such_dataset", "--out", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "no_such_dataset" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["report", "-d", "testmrio", "--out", str(tmp_path / "x.csv")])
    assert r.exit_code == 2


def test_match_labels_undoes_a_permutation():
    from valuechain.views.figures import match_labels

    rng = np.random.default_rng(3)
    before = pd.Series(rng.integers(0, 5, 40), index=[f"n{i}" for i in range(40)])
    perm = {0: 3, 1: 4, 2: 0, 3: 1, 4: 2}
    after = before.map(perm)
    assert (match_labels(before, after) == before.astype(str)).all()
    # a genuinely new group is marked
    after2 = after.copy()
    after2.iloc[:3] = 99
    before2 = before.copy()
    assert "99*" in set(match_labels(before2, after2))


# ----------------------------------------------------------------------------- comparable views
def _blocks(html: str) -> list[dict]:
    import json
    import re

    out = []
    for m in re.finditer(r'<script type="application/json" id="(vcnet\d+)-data">(.*?)</script>', html, re.S):
        out.append(json.loads(m.group(2)))
    return out


def test_comparison_view_same_coordinates_in_both_years():
    a, b = vc.datasets.load("brazil", year=2019), vc.datasets.load("brazil", year=2021)
    ga, gb = vc.supply_graph(a), vc.supply_graph(b)
    html = vc.views.comparison_view(ga, gb, size_by="output", color_by="sector")
    pa, pb = _blocks(html)
    la = {n["label"]: (n["x"], n["y"]) for n in pa["nodes"]}
    lb = {n["label"]: (n["x"], n["y"]) for n in pb["nodes"]}
    both = set(la) & set(lb)
    assert len(both) >= 0.8 * min(len(la), len(lb)) > 20
    assert all(la[k] == lb[k] for k in both)  # a node can be followed between the years
    assert pa["options"]["physics"]["enabled"] is False  # nothing moves after load
    # the same colour for the same category in both panels
    ca = {n["label"]: n["color"] if isinstance(n["color"], str) else n["color"]["background"] for n in pa["nodes"]}
    cb = {n["label"]: n["color"] if isinstance(n["color"], str) else n["color"]["background"] for n in pb["nodes"]}
    assert all(ca[k] == cb[k] for k in both)


def test_layout_is_seeded_and_reproducible():
    g = vc.supply_graph(vc.datasets.load("testmrio"))
    d1 = vc.views.network_data(g, seed=3)
    d2 = vc.views.network_data(g, seed=3)
    assert [(n["x"], n["y"]) for n in d1["nodes"]] == [(n["x"], n["y"]) for n in d2["nodes"]]
    assert d1["min_label_px"] >= 12


def test_palette_groups_beyond_twelve_without_grey():
    from valuechain.views._render import OTHER_COLOR, PALETTE, color_map

    assert len(PALETTE) == 12
    wiod = "AUS AUT BEL BGR BRA CAN CHE CHN CYP CZE DEU DNK ESP EST FIN FRA GBR GRC HRV HUN IDN IND IRL ITA JPN " \
           "KOR LTU LUX LVA MEX MLT NLD NOR POL PRT ROU RUS SVK SVN SWE TUR TWN USA ROW".split()
    cm = color_map(wiod)
    assert OTHER_COLOR not in cm.values() and len(set(cm.values())) == len(wiod)
    assert cm["USA"] != cm["ROW"]
    # EU members share a hue family: closer to each other than to the USA
    def rgb(c):
        return np.array([int(c[i:i + 2], 16) for i in (1, 3, 5)], float)
    assert np.abs(rgb(cm["DEU"]) - rgb(cm["FRA"])).sum() < np.abs(rgb(cm["DEU"]) - rgb(cm["USA"])).sum()


def test_report_carries_one_copy_of_vis_network():
    a = random_table(3, 4, seed=0)
    b = random_table(3, 4, seed=1).replace(meta={**a.meta.to_dict(), "year": 2021})
    html = vc.views.dataset_report(a, b, strict=True)
    assert len(_blocks(html)) == 3  # the network and the two comparison panels
    assert html.count("@version 9.") == 1  # vis-network inlined once, shared by every view
    assert 'class="vc-search"' in html
