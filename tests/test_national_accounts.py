"""National accounts on real tables: primary inputs by kind, GDP, GVA multipliers and leakages.

Oracles are figures published by the statistical offices, read from the files in ../shared/data
(ONS UK 2010 multipliers and effects, ABS Table 5, BEA use/import tables) or typed from their
publications where the issue cites them (IBGE, in tests/test_brazil.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import valuechain as vc
from conftest import random_table, shared_data


# ------------------------------------------------------------------ ONS UK 2010
def _uk_2010():
    d = shared_data("iotables_eu_national", "csv")
    uk = pd.read_csv(d / "uk_2010_data.csv.gz")
    iot = uk[uk.indicator == "Input-Output table (domestic use, basic prices, product by product)"]
    rows, cols = list(dict.fromkeys(iot.uk_row)), list(dict.fromkeys(iot.uk_col))
    w = iot.pivot_table(index="uk_row", columns="uk_col", values="values", aggfunc="sum").reindex(
        index=rows, columns=cols).fillna(0.0)
    products = rows[:rows.index("Total consumption")]
    fd = cols[cols.index("Total intermediate demand") + 1: cols.index("Total demand")]
    primary = ["Imported goods and services", "Taxes less subsidies on products",
               "Taxes less subsidies on production", "Compensation of employees", "Gross Operating Surplus"]
    labels = iot[["uk_row", "uk_row_lab"]].drop_duplicates().set_index("uk_row")["uk_row_lab"]
    t = vc.IOTable(w.loc[products, products], w.loc[products, fd], w.loc[primary, products],
                   w.loc["Total output", products], meta={"name": "UK", "year": 2010, "unit": "GBP million"},
                   kinds={"Imported goods and services": "imports", "Taxes less subsidies on products": "taxes"})
    published = pd.read_csv(d / "uk_test_results.csv.gz").set_index("uk_row_label")
    return t, labels, published


def test_ons_uk_2010_gva_effects_and_multipliers_to_1e9():
    """ONS UK IOAT 2010: 'GVA effects' = column sums of v̂_GVA x̂⁻¹ L; 'GVA multiplier' = effect / direct
    coefficient; published for 127 products (uk_test_results)."""
    t, labels, pub = _uk_2010()
    m = vc.position.multipliers(t)
    m.index = [labels[s] for s in m.index.get_level_values("sector")]
    j = pub.join(m, how="inner")
    assert len(j) == 127
    np.testing.assert_allclose(j["value_added"], j["GVA effects"], atol=1e-9)
    np.testing.assert_allclose(j["value_added_type1"], j["GVA multiplier"], atol=1e-9)
    np.testing.assert_allclose(j["output"], j["Output multiplier"], atol=1e-9)
    # published range 0.27 .. 1.00, never 1 everywhere; the kinds add up to one unit of final demand
    assert 0.25 < j["value_added"].min() < 0.3 and j["value_added"].max() <= 1 + 1e-12
    np.testing.assert_allclose(j[["value_added", "imports", "taxes", "other"]].sum(axis=1), 1.0, atol=1e-12)


# ------------------------------------------------------------------ ABS Table 5
@pytest.mark.parametrize("year,gva,gdp", [(2022, 2_180_676, 2_333_221), (2019, 1_826_425, 1_952_680.01)])
def test_abs_table5_reader_gva_and_gdp(year, gva, gdp):
    """ABS 5209.0.55.001 Table 5: GVA = compensation + GOS & mixed income + other net taxes on production;
    GDP = GVA + all taxes less subsidies on products (intermediate and final uses)."""
    p = shared_data("australia_abs_io_2019_2022", f"abs-io-{year}-detailed.csv")
    t = vc.datasets.read(p, format="abs")
    assert t.n == (115 if year == 2022 else 114) and t.meta.unit == "AUD million" and t.meta.year == year
    assert t.v.sum() == pytest.approx(gva, abs=0.5)
    assert t.gdp.loc["AUS"] == pytest.approx(gdp, abs=0.5)
    kinds = dict(zip(t.V.index.get_level_values("component"), t.V.index.get_level_values("kind")))
    assert kinds["complementary imports"] == kinds["competing imports"] == "imports"
    assert kinds["taxes less subsidies on products"] == "taxes"
    assert kinds["other taxes less subsidies on production"] == "value_added"
    # the Employees row is kept as the employment extension
    emp = t.extensions["employment"]
    assert emp.unit_of("employees") == "persons" and emp.F.sum(axis=1).iloc[0] > 1e7
    # GVA multipliers below 1: the rest of each unit of final demand leaks to imports and product taxes
    m = vc.position.multipliers(t)
    assert (m["value_added"] < 1).mean() > 0.95
    # the kinds add up to one unit of final demand, less what the published rounding leaves unbalanced:
    # with r = x - (Z'1 + V'1), exactly 1 - L'(r / x)
    r = (t.x - t.Z.sum(axis=0) - t.V.sum(axis=0)).to_numpy()
    expected = 1 - t.solve(r / t.x.to_numpy(), transpose=True)
    np.testing.assert_allclose(m[["value_added", "imports", "taxes", "other"]].sum(axis=1), expected, atol=1e-9)
    assert np.abs(expected - 1).max() < 2e-3


def test_abs_reader_refuses_an_unknown_row(tmp_path):
    p = shared_data("australia_abs_io_2019_2022", "abs-io-2022-detailed.csv")
    text = p.read_text(encoding="utf-8-sig").replace("Competing imports", "Imported stuff")
    bad = tmp_path / "abs-io-2022-detailed.csv"
    bad.write_text(text)
    with pytest.raises(vc.ReadError, match="Imported stuff.*unknown row label"):
        vc.datasets.read(bad, format="abs")


# ------------------------------------------------------------------ BEA
def _bea(year=2019, **kw):
    d = shared_data("bea_us_io", "csv")
    return vc.datasets.read(d / f"Summary_Use_{year}_PRO_BeforeRedef_17sch.csv.gz", format="bea",
                            make=d / f"Summary_Make_{year}_BeforeRedef_17sch.csv.gz", **kw), d


def test_bea_import_share_uses_kinds_not_names():
    """'taxes on production and imports' is not an import: the import share of intermediate inputs is the
    import matrix's intermediate total over total intermediate use (both from BEA's files)."""
    from valuechain.compare import sourcing_shares

    t, d = _bea(imports=shared_data("bea_us_io", "csv", "Summary_Import_2019_BeforeRedef_17sch.csv.gz"))
    use = pd.read_csv(d / "Summary_Use_2019_PRO_BeforeRedef_17sch.csv.gz", index_col=0)
    imp = pd.read_csv(d / "Summary_Import_2019_BeforeRedef_17sch.csv.gz", index_col=0)
    ind = list(use.columns[:use.columns.get_loc("Total Intermediate")])
    com = list(use.index[:use.index.get_loc("Total Intermediate")])
    expected = imp.reindex(index=com, columns=ind).fillna(0).to_numpy().sum() / use.loc[com, ind].to_numpy().sum()
    s = sourcing_shares(t)
    share = (s["imports"] * s.attrs["inputs"]).sum() / s.attrs["inputs"].sum()
    assert share == pytest.approx(expected, rel=1e-9)
    assert 0.08 < share < 0.11
    kinds = t.V.index.get_level_values("kind")
    assert "taxes on production and imports" in " ".join(t.V.index.get_level_values("component"))
    assert (kinds == "imports").sum() == 1


def test_bea_gdp_and_the_v002_split():
    d = shared_data("bea_us_io", "csv")
    t, _ = _bea(sut_use=d / "Summary_Use_SUT_2019_17sch.csv.gz")
    plain, _ = _bea()
    use = pd.read_csv(d / "Summary_Use_2019_PRO_BeforeRedef_17sch.csv.gz", index_col=0)
    ind = list(use.columns[:use.columns.get_loc("Total Intermediate")])
    bea_gdp = use.loc[["V001", "V002", "V003"], ind].to_numpy().sum()  # BEA: value added = GDP
    assert t.gdp.loc["USA"] == pytest.approx(bea_gdp, rel=1e-12)
    assert plain.gdp.loc["USA"] == pytest.approx(bea_gdp, rel=1e-12)
    assert t.primary_inputs("taxes").sum() > 0 and t.v.sum() < plain.v.sum()
    assert any("V002 split" in h for h in t.meta.history)
    assert any("kept as value added" in h for h in plain.meta.history)


# ------------------------------------------------------------------ upstreamness defaults
def test_national_upstreamness_has_the_open_economy_correction_by_default():
    t = vc.datasets.load("brazil", year=2021)
    u = vc.position.upstreamness(t)
    assert u.loc[("BRA", "Iron ore mining")] == pytest.approx(4.4643, abs=1e-3)
    assert "domestic Z" in u.attrs["method"]
    closed = vc.position.upstreamness(t, correction="none")
    assert closed.loc[("BRA", "Iron ore mining")] == pytest.approx(1.5885, abs=1e-3)
    # the default is exactly the explicit AFCH formula
    explicit = vc.position.upstreamness(t, exports="exports", inventories="inventories")
    np.testing.assert_allclose(u, explicit, rtol=1e-12)


def test_total_use_national_table_takes_imports_in_the_denominator(tmp_path):
    """OECD 'ttl' file read with imports kept in Z: Δ = a_ij x_j / (x_i - X_i + M_i - N_i)."""
    p = shared_data("iotables_eu_national", "original", "BEL2020ttl.csv")
    t = vc.datasets.read(p, format="oecd_national", imports="keep")
    u = vc.position.upstreamness(t)
    assert "total-use Z" in u.attrs["method"]
    X = t.Y.xs("exports", axis=1, level="category").sum(axis=1).to_numpy()
    M = -t.Y.xs("imports", axis=1, level="category").sum(axis=1).to_numpy()
    N = t.Y.xs("inventories", axis=1, level="category").sum(axis=1).to_numpy()
    d = t.x.to_numpy() - X + M - N
    D = t.Z.to_numpy() / np.where(d > 0, d, np.inf)[:, None]
    np.testing.assert_allclose(u, np.linalg.solve(np.eye(t.n) - D, np.ones(t.n)), rtol=1e-10)


# ------------------------------------------------------------------ every reader's output through gvc
def _gvc_all(t: vc.IOTable) -> dict[str, pd.DataFrame]:
    g = vc.gvc
    return {"value_added_origin": g.value_added_origin(t), "vax": g.vax(t), "kww": g.kww(t, level="sector"),
            "wwz": g.wwz(t), "bm_source": g.borin_mancini(t, "source", level="sector"),
            "bm_sink": g.borin_mancini(t, "sink", level="sector"), "participation": g.participation(t),
            "tiva": g.tiva(t), "production_length": g.production_length(t)}


def _reader_outputs(tmp_path):
    from _mrio_fixtures import write_eora, write_figaro, write_icio, write_wiot

    out = {}
    p = tmp_path / "2022_SML.csv"
    write_icio(p, "2025")
    out["icio"] = (p, "icio")
    for rel in ("2013", "2016"):
        p = tmp_path / ("wiot11_row_sep12.xlsx" if rel == "2013" else "WIOT2014_Nov16_ROW.xlsx")
        write_wiot(p, rel, year=2011 if rel == "2013" else 2014, fd_codes_row=(rel == "2016"))
        out[f"wiod{rel}"] = (p, f"wiod{rel}")
    p = tmp_path / "matrix_eu-ic-io_ind-by-ind_24ed_2021.csv"
    write_figaro(p)
    out["figaro"] = (p, "figaro")
    target, _ = write_eora(tmp_path / "eora", 2015)
    out["eora26"] = (target, "eora26")
    return out


def test_every_gvc_function_and_the_report_run_on_every_readers_output(tmp_path):
    for name, (path, fmt) in _reader_outputs(tmp_path).items():
        t = vc.datasets.read(path, format=fmt)
        assert set(t.Y.columns.get_level_values("region")) <= set(t.regions), name  # no pseudo-region
        res = _gvc_all(t)
        for key in ("kww", "bm_source", "bm_sink"):
            terms = vc.gvc.KWW_TERMS if key == "kww" else ["DVA", "DDC", "FVA", "FDC"]
            np.testing.assert_allclose(res[key][terms].sum(axis=1), res[key]["exports"], rtol=1e-9, atol=1e-9,
                                       err_msg=f"{name} {key}")
        html = vc.views.dataset_report(t, strict=True)
        assert "could not be computed" not in html, name


def test_wiod2013_reader_output_runs_every_gvc_function_and_cli():
    folder = shared_data("wiod2013")
    t = vc.datasets.read(folder / "wiot_2008.RData", format="wiod2013")
    res = _gvc_all(t)
    assert res["kww"].attrs["zero_output_note"].startswith("2 zero-output node(s) with offsetting flows")
    from valuechain.cli import app

    runner = CliRunner()
    for measure in ("kww", "bm", "participation", "tiva", "vax", "length"):
        r = runner.invoke(app, ["gvc", measure, "--table", str(folder / "wiot_2008.RData"), "--format", "wiod2013",
                                "--top", "3"])
        assert r.exit_code == 0, (measure, r.output)


@pytest.mark.slow
def test_wiod2013_all_years_add_up_and_lengths_stay_in_range():
    """KWW and Borin-Mancini add up to gross exports to 1e-9 (relative) in 1995-2011, including the
    zero-output nodes with offsetting flows (LUX, LVA); production lengths within [1, 15]."""
    folder = shared_data("wiod2013")
    for year in range(1995, 2012):
        t = vc.datasets.read(folder / f"wiot_{year}.RData", format="wiod2013")
        scale = t.x.max()
        k = vc.gvc.kww(t, level="sector")
        assert np.abs(k[vc.gvc.KWW_TERMS].sum(axis=1) - k["exports"]).max() <= 1e-9 * scale, year
        for approach in ("source", "sink"):
            b = vc.gvc.borin_mancini(t, approach, level="sector")
            assert np.abs(b[["DVA", "DDC", "FVA", "FDC"]].sum(axis=1) - b["exports"]).max() <= 1e-9 * scale, year
        pl = vc.gvc.production_length(t).drop(columns="gvc_position")
        vals = pl.to_numpy()
        vals = vals[np.isfinite(vals) & (vals != 0)]  # 0 = the node takes no part in that chain (documented)
        assert vals.min() >= 1 - 1e-9 and vals.max() <= 15, year
    # without the inventories correction the published final demand gives impossible lengths (issue 14)
    raw = vc.gvc.production_length(t, inventories="keep").drop(columns="gvc_position").to_numpy()
    raw = raw[np.isfinite(raw) & (raw != 0)]
    assert raw.min() < 1 or raw.max() > 15


def test_production_length_zero_output_nodes_are_nan_with_a_reason():
    t = vc.datasets.read(shared_data("wiod2013", "wiot_2008.RData"), format="wiod2013")
    pl = vc.gvc.production_length(t)
    z = list(t.zero_output)
    assert pl.loc[z].isna().all().all() and "zero-output" in pl.attrs["note"]
    up = vc.position.upstreamness(t)
    live = ~pl.index.isin(z)
    np.testing.assert_allclose(pl.loc[live, "upstreamness"], up[live], rtol=1e-10)


# ------------------------------------------------------------------ identities on random tables
def test_summary_reports_kinds_gdp_and_zero_output_nodes_with_flows():
    t = vc.datasets.read(shared_data("wiod2013", "wiot_2008.RData"), format="wiod2013")
    s = t.summary()
    assert np.isnan(s["gdp"]) and s["zero_output_with_flows"] == 3


def test_flat_v_with_kinds_and_a_vy_block():
    t = random_table(2, 3, seed=4)
    w = t.w
    V = pd.DataFrame([w * 0.1, w * 0.05, w * 0.85], columns=t.nodes, index=["imported", "product taxes", "wages"])
    VY = pd.DataFrame(1.0, index=["imported", "product taxes"], columns=t.Y.columns)
    t2 = t.replace(V=V, VY=VY, kinds={"imported": "imports", "product taxes": "taxes"})
    assert t2.V.index.tolist() == [("imports", "imported"), ("taxes", "product taxes"), ("value_added", "wages")]
    assert t2.VY.index.equals(t2.V.index) and (t2.VY.loc[("value_added", "wages")] == 0).all()
    gdp = (w * 0.9).groupby(level="region").sum() + VY.loc["product taxes"].groupby(level="region").sum()
    np.testing.assert_allclose(t2.gdp.to_numpy(), gdp.reindex(t2.gdp.index).to_numpy())
    with pytest.raises(vc.LabelError, match="not rows of V"):
        t.replace(V=V, kinds={"nothing": "imports"})
    with pytest.raises(vc.TableError, match="unknown kind"):
        t.replace(V=V, kinds={"imported": "tariffs"})
    # the round trips keep kinds and VY
    rt = vc.IOTable.read_parquet(t2.to_parquet(__import__("tempfile").mkdtemp() + "/t.parquet"))
    pd.testing.assert_frame_equal(rt.V, t2.V)
    pd.testing.assert_frame_equal(rt.VY, t2.VY)
    agg = t2.aggregate(regions={r: "W" for r in t2.regions})
    assert agg.gdp.loc["W"] == pytest.approx(t2.gdp.sum())


def test_demo_report_position_table_shows_gva_multipliers_and_import_leakage():
    from valuechain.views import _sections

    ctx = {"table": vc.datasets.load("brazil", year=2021), "table2": None, "top": 10}
    sec = _sections.position(ctx)[0]
    df = sec.content
    assert {"gva_multiplier", "import_leakage", "tax_leakage"} <= set(df.columns)
    assert (df["gva_multiplier"] < 1).all() and (df["import_leakage"] > 0).all()
