"""The cluster monitor: tables, the offline page, the CLI, and a headless-Chromium render (ABS 2016 -> 2021)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from conftest import shared_data

ROOT = Path(__file__).resolve().parents[1]


def _panel():
    rng = np.random.default_rng(3)
    rows = []
    for y in (2016, 2021):
        for r in [f"r{i}" for i in range(12)] + (["born"] if y == 2021 else ["gone"]):
            for ind in ("Mining", "Manufacturing", "Retail Trade", "Financial and Insurance Services",
                        "Agriculture, Forestry and Fishing", "Health Care and Social Assistance"):
                rows.append((r, ind, y, float(rng.integers(5, 500))))
    return pd.DataFrame(rows, columns=["region", "industry", "year", "employment"])


def test_monitor_data_tables_and_page():
    p = _panel()
    d = vc.clusters.monitor_data(p, ["r0", "r1", "born", "gone"])
    assert set(d["clusters"].index.get_level_values("region")) == {"r0", "r1", "born", "gone"}
    assert "Retail Trade" not in set(d["clusters"].index.get_level_values("industry"))  # traded only
    assert d["meta"]["births"] == "born" and d["meta"]["deaths"] == "gone"
    k = vc.clusters.cluster_kpis(p)
    pd.testing.assert_frame_equal(d["clusters"], k.loc[d["clusters"].index], check_like=True)
    assert d["adjacent"] is None or d["adjacent"]["why"].str.contains("density").all()
    html = vc.clusters.monitor(p, ["r0", "<b>x</b>"], title="<script>alert(1)</script>")
    assert html.startswith("<!DOCTYPE html>") and "http://" not in html and "https://" not in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    for part in ("Specialisations and stars", "Regional KPIs over the years", "shift-share", "Adjacent possible",
                 "LQ change"):
        assert part in html
    with pytest.raises(vc.LabelError, match="none of the focus regions"):
        vc.clusters.monitor_data(p, ["atlantis"])


def _abs_tasmania():
    d = shared_data("australia_abs_eiat")
    regions = pd.read_csv(d / "csv" / "regions.csv")
    tas = regions.loc[regions["state"] == "Tasmania", "lga"].tolist()
    return d, tas


def test_cli_monitor_abs_tasmania(tmp_path):
    from typer.testing import CliRunner

    from valuechain.cli import app

    d, tas = _abs_tasmania()
    out = tmp_path / "tas.html"
    r = CliRunner().invoke(app, ["clusters", "monitor", "--activity", str(d), "--years", "2016", "2021",
                                 "--state", "Tasmania", "--io", str(d / "csv" / "national_19.csv"), "--out", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "Hobart" in html and "IO link to" in html and "Related-industry clusters" in html
    assert "Migratory" not in html.split("<main>")[1]  # pseudo-regions absent from the KPI tables
    r = CliRunner().invoke(app, ["clusters", "monitor", "--activity", str(d), "--state", "Atlantis",
                                 "--out", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "Atlantis" in r.output


def _browser():
    spec = importlib.util.spec_from_file_location("browser_check", ROOT / "tools" / "browser_check.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.browser
def test_monitor_renders_offline_in_chromium(tmp_path):
    bc = _browser()
    if bc.find_chromium() is None:
        pytest.skip("chromium is not installed (run `make browser` / tools/ensure-chromium.sh)")
    d, tas = _abs_tasmania()
    a = vc.clusters.read_abs_eiat(d)
    flows = pd.read_csv(d / "csv" / "national_19.csv", index_col=0)
    page = tmp_path / "monitor.html"
    page.write_text(vc.clusters.monitor(a, tas, start=2016, end=2021, io=flows), encoding="utf-8")
    shot = tmp_path / "monitor.png"
    res = bc.check(page, screenshot=shot, width=1300, height=1600)
    assert res["external_requests"] == [], res["external_requests"]
    assert res["exceptions"] == [], res["exceptions"]
    assert res["ready"] is True and res["pwned"] is False
    assert res["images"] and all(ok for _, ok in res["images"])  # the LQ-change chart decoded
    drawn, total = bc.png_ink(shot.read_bytes(), background=(255, 255, 255))
    assert drawn > 0.02 * total
