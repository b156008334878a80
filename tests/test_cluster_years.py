"""Multi-year cluster KPIs joined by label: births, deaths, concordances, entry/exit lists, shift-share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc


def _panel():
    # year 1: a, b, old ; year 2: a, b, new  ("old" dies, "new" is born, with very different values)
    rows = []
    y1 = {"a": (10, 10), "b": (20, 5), "old": (1000, 1)}
    y2 = {"a": (20, 10), "b": (20, 5), "new": (3, 700)}
    for year, d in ((1, y1), (2, y2)):
        for r, (x, y) in d.items():
            rows += [(r, "x", year, float(x)), (r, "y", year, float(y))]
    return pd.DataFrame(rows, columns=["region", "industry", "year", "employment"])


def test_birth_and_death_never_take_each_others_values():
    k = vc.clusters.cluster_kpis(_panel(), traded_only=False)
    assert set(k.index.get_level_values("region")) == {"a", "b", "old", "new"}
    old = k.xs("old", level="region")
    new = k.xs("new", level="region")
    assert (old["status"] == "death").all() and (new["status"] == "birth").all()
    # the dying region keeps its own start values and has no end value
    assert old.loc["x", "employment_start"] == 1000 and np.isnan(old.loc["x", "employment_end"])
    assert new.loc["y", "employment_end"] == 700 and np.isnan(new.loc["y", "employment_start"])
    assert old[["growth", "lq_end", "lq_change", "stars_end"]].isna().all().all()
    assert new[["growth", "lq_start", "lq_change", "stars_start"]].isna().all().all()
    assert (old["reason"] == "death").all() and (new["reason"] == "birth").all()
    # a continuing region is compared with itself: a,x doubled
    assert k.loc[("a", "x"), "growth"] == pytest.approx(1.0)
    assert k.loc[("a", "x"), "status"] == "continuing" and k.loc[("a", "x"), "reason"] == ""
    # LQ at the end from year-2 totals (a 30, x total 43, grand 758)
    assert k.loc[("a", "x"), "lq_end"] == pytest.approx((20 / 30) / (43 / 758))
    assert k.attrs["births"] == ["new"] and k.attrs["deaths"] == ["old"]


def test_position_would_have_been_wrong():
    # same row order but different region sets: the join must be by label
    p = _panel()
    p2 = pd.concat([p[p["year"] == 2].iloc[::-1], p[p["year"] == 1]], ignore_index=True)
    a = vc.clusters.cluster_kpis(p, traded_only=False).sort_index()
    b = vc.clusters.cluster_kpis(p2, traded_only=False).sort_index()
    pd.testing.assert_frame_equal(a, b, check_like=True)


def test_regional_kpis_birth_death_rows():
    r = vc.clusters.regional_kpis(_panel(), traded_only=False)
    assert r.loc[(2, "new"), "status"] == "birth" and np.isnan(r.loc[(2, "new"), "growth"])
    assert r.loc[(2, "old"), "status"] == "death" and np.isnan(r.loc[(2, "old"), "total"])
    assert r.loc[(2, "a"), "growth"] == pytest.approx(10 / 20)
    assert (1, "new") not in r.index


def test_region_renamed_and_split_through_concordance():
    p = _panel()
    # "old" was renamed "new" (codes change, same area) -> with the concordance it continues
    k = vc.clusters.cluster_kpis(p, regions={"old": "new"}, traded_only=False)
    assert set(k.index.get_level_values("region")) == {"a", "b", "new"}
    assert (k.xs("new", level="region")["status"] == "continuing").all()
    assert k.loc[("new", "x"), "employment_start"] == 1000
    assert k.loc[("new", "x"), "growth"] == pytest.approx(3 / 1000 - 1)
    # split: "old" -> 40 % "a", 60 % "new" (a DataFrame concordance with shares)
    conc = pd.DataFrame({"old": ["old", "old"], "new": ["a", "new"], "share": [0.4, 0.6]})
    k2 = vc.clusters.cluster_kpis(p, regions=conc, traded_only=False)
    assert k2.loc[("a", "x"), "employment_start"] == pytest.approx(10 + 400)
    assert k2.loc[("new", "y"), "employment_start"] == pytest.approx(0.6)
    total = p[p["year"] == 1]["employment"].sum()
    assert k2["employment_start"].sum() == pytest.approx(total)  # shares preserve totals
    with pytest.raises(vc.TableError, match="sum to 1"):
        vc.clusters.cluster_kpis(p, regions=pd.DataFrame({"old": ["old"], "new": ["a"], "share": [0.5]}))


def test_entry_exit_lists_and_lq_change():
    long = pd.DataFrame({"region": ["a", "a", "b", "b"] * 2, "industry": ["x", "y"] * 4,
                         "year": [1] * 4 + [2] * 4, "employment": [1, 3, 3, 1, 3, 1, 1, 3]})
    ent = vc.clusters.entry_list(long, traded_only=False)
    ex = vc.clusters.exit_list(long, traded_only=False)
    assert set(ent.index) == {("a", "x"), ("b", "y")}
    assert set(ex.index) == {("a", "y"), ("b", "x")}
    # LQ(a, x) start = (1/4)/(4/8) = 0.5, end = (3/4)/(4/8) = 1.5
    assert ent.loc[("a", "x"), "lq_start"] == pytest.approx(0.5)
    assert ent.loc[("a", "x"), "lq_end"] == pytest.approx(1.5)
    ch = vc.clusters.lq_change(long, traded_only=False)
    assert ch.loc[("a", "x"), "lq_change"] == pytest.approx(1.0)


def test_shift_share_identity_and_hand_values():
    long = pd.DataFrame({"region": ["a", "a", "b", "b"] * 2, "industry": ["x", "y"] * 4,
                         "year": [1] * 4 + [2] * 4, "employment": [10, 10, 10, 10, 20, 10, 10, 12]})
    s = vc.clusters.shift_share(long, traded_only=False)
    # national growth g = 52/40 - 1 = 0.3; g_x = 0.5, g_y = 0.1
    assert s.attrs["national_growth"] == pytest.approx(0.3)
    assert s.loc["a", "national"] == pytest.approx(20 * 0.3)
    assert s.loc["a", "industry_mix"] == pytest.approx(10 * 0.2 + 10 * -0.2)
    assert s.loc["a", "competitive"] == pytest.approx(10 * (1.0 - 0.5) + 10 * (0.0 - 0.1))
    np.testing.assert_allclose(s[["national", "industry_mix", "competitive"]].sum(axis=1), s["change"])


def test_suppressed_cells_stay_missing():
    long = pd.DataFrame({"region": ["a", "a", "b", "b"], "industry": ["x", "y", "x", "y"],
                         "employment": [10.0, np.nan, 5.0, 5.0]})
    lq = vc.clusters.location_quotients(long)
    assert np.isnan(lq.loc[("a", "y"), "lq"]) and lq.loc[("a", "y"), "suppressed"]
    # totals over published cells: E_a = 10, E_x = 15, E = 20
    assert lq.loc[("a", "x"), "lq"] == pytest.approx((10 / 10) / (15 / 20))
    st = vc.clusters.stars(long, traded_only=False)
    assert np.isnan(st.loc[("a", "y"), "stars"])
    h = vc.clusters.herfindahl(long)
    assert np.isnan(h["a"]) and h["b"] == pytest.approx(0.5)
    r = vc.clusters.regional_kpis(long, traded_only=False)
    assert r.loc["a", "reason"] == "suppressed" and np.isnan(r.loc["a", "krugman"])
    # min_cell turns small counts into suppressed cells
    lq2 = vc.clusters.location_quotients(long.fillna(1.0), min_cell=3)
    assert np.isnan(lq2.loc[("a", "y"), "lq"])


def test_traded_only_uses_the_classification():
    long = pd.DataFrame({"region": ["a", "a", "b", "b"], "industry": ["Mining", "Retail Trade"] * 2,
                         "employment": [10.0, 5.0, 1.0, 9.0]})
    st = vc.clusters.stars(long)
    assert set(st.index.get_level_values("industry")) == {"Mining"}
    assert "traded industries only" in st.attrs["industries"]
    # unknown labels: the filter is not applied and the result says so
    st2 = vc.clusters.stars(long.replace({"Mining": "cars", "Retail Trade": "food"}))
    assert len(st2) == 4 and "so it was not applied" in st2.attrs["industries"]
    tr = vc.clusters.traded_industries(["Farm employment", "Gasoline stations", "Internet publishing and broadcasting"])
    assert tr.tolist() == [True, False, True]
