"""Headless-Chromium checks of a network view and of the report (marker ``browser``).

Each page is opened by tools/browser_check.py through the DevTools protocol with
the network cut (DNS mapped to nothing, page emulated offline, background services
off).  Every request the page makes is recorded from ``Network.requestWillBeSent``
events, so "no network request" means: every requested URL is file:, data:, about:
or blob:.  "Nodes were drawn" is checked twice: the pixels of each vis-network
canvas (read back in the page) and the PNG screenshot decoded in Python.
Skips with a reason when Chromium is not installed (``make test`` installs it via
tools/ensure-chromium.sh).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import valuechain as vc
from conftest import random_table
from test_views import HOSTILE_SECTORS, hostile_table

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("browser_check", ROOT / "tools" / "browser_check.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


bc = _tool()
CHROMIUM = bc.find_chromium()
if CHROMIUM is None:
    pytest.skip("chromium is not installed (run `make browser` / tools/ensure-chromium.sh)", allow_module_level=True)


def _assert_offline_and_clean(res: dict) -> None:
    assert res["external_requests"] == [], res["external_requests"]
    assert res["requests"] and res["requests"][0].startswith("file:")  # the recorder did see the page itself
    assert res["exceptions"] == [], res["exceptions"]
    assert res["pwned"] is False


def test_view_renders_offline(tmp_path):
    g = vc.supply_graph(vc.datasets.load("testmrio"))
    page = tmp_path / "view.html"
    page.write_text(vc.views.network_view(g, max_nodes=40), encoding="utf-8")
    shot = tmp_path / "view.png"
    res = bc.check(page, screenshot=shot, width=1200, height=900)
    _assert_offline_and_clean(res)
    assert res["ready"] is True
    assert res["blocks"] == 1
    (ink,) = res["canvas_pixels"]
    assert ink > 5000, res["canvas_pixels"]  # nodes and edges drawn on the canvas
    drawn, total = bc.png_ink(shot.read_bytes(), background=(251, 252, 253))
    assert drawn > 0.05 * total  # the screenshot is far from blank


def test_hostile_labels_render_as_text(tmp_path):
    g = vc.supply_graph(hostile_table())
    page = tmp_path / "hostile.html"
    page.write_text(vc.views.network_view(g, color_by="sector", size_by="output", backbone=None,
                                          title="<script>window.__vc_pwned=true</script>"), encoding="utf-8")
    res = bc.check(page, width=1000, height=800)
    _assert_offline_and_clean(res)  # no injected script ran: window.__vc_pwned is unset
    assert res["title"] == "<script>window.__vc_pwned=true</script>"  # the title shows as text
    for label in HOSTILE_SECTORS:  # legend and filter menu show the labels verbatim, as text
        assert label in res["text"], label
    assert min(res["canvas_pixels"]) > 1000


def test_report_renders_offline(tmp_path):
    a = random_table(3, 4, seed=0)
    b = random_table(3, 4, seed=1).replace(meta={**a.meta.to_dict(), "year": 2021})
    page = tmp_path / "report.html"
    page.write_text(vc.views.dataset_report(a, b, strict=True), encoding="utf-8")
    res = bc.check(page, screenshot=tmp_path / "report.png", width=1300, height=1000, full_page=True)
    _assert_offline_and_clean(res)
    assert res["ready"] is True and res["blocks"] == 3
    assert len(res["canvas_pixels"]) == 3 and min(res["canvas_pixels"]) > 2000, res["canvas_pixels"]
    assert res["images"] and all(w > 0 and ok for w, ok in res["images"])  # data-URI figures decoded
    for needle in ("USD", "2020", "2021", "random0"):
        assert needle in res["text"]
    drawn, total = bc.png_ink((tmp_path / "report.png").read_bytes())
    assert drawn > 0.02 * total


def test_checker_detects_external_requests(tmp_path):
    # the no-request check must be able to fail: a page that loads a remote script
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://example.invalid/a.png">'
                    '<script src="https://cdn.example.invalid/x.js"></script></body></html>', encoding="utf-8")
    res = bc.check(page, width=400, height=300, settle=0.2)
    assert any(u.startswith("http://example.invalid") for u in res["external_requests"])
    assert any(u.startswith("https://cdn.example.invalid") for u in res["external_requests"])


_AT_ONE_SECOND = """<script>
window.addEventListener("load", function () {
  setTimeout(function () {
    var ink = Array.from(document.querySelectorAll(".vc-canvas canvas")).map(function (c) {
      var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data, n = 0;
      for (var i = 0; i < d.length; i += 4) { if (d[i + 3] > 0 && !(d[i] > 245 && d[i + 1] > 245 && d[i + 2] > 245)) n++; }
      return n;
    });
    var ready = document.querySelectorAll(".vc-network[data-ready='1']").length;
    var p = document.createElement("pre");
    p.textContent = "AT1S " + JSON.stringify({ink: ink, ready: ready});
    document.body.appendChild(p);
  }, 1000);
});
</script>"""


def test_comparison_complete_one_second_after_load(tmp_path):
    import json
    import re

    a, b = vc.datasets.load("brazil", year=2019), vc.datasets.load("brazil", year=2021)
    html = vc.views.comparison_view(vc.supply_graph(a), vc.supply_graph(b), size_by="output", color_by="sector")
    page = tmp_path / "cmp.html"
    page.write_text(html.replace("</body>", _AT_ONE_SECOND + "</body>"), encoding="utf-8")
    shot = tmp_path / "cmp.png"
    res = bc.check(page, screenshot=shot, width=1400, height=1000, settle=1.5)
    _assert_offline_and_clean(res)
    m = re.search(r"AT1S (\{.*\})", res["text"])
    assert m, "the 1-second probe did not run"
    at1 = json.loads(m.group(1))
    assert at1["ready"] == 2  # both panels drawn within 1 s (no physics to settle)
    assert len(at1["ink"]) == 2 and min(at1["ink"]) > 5000, at1  # nodes and edges on both canvases at 1 s
    drawn, total = bc.png_ink(shot.read_bytes(), background=(251, 252, 253))
    assert drawn > 0.05 * total
