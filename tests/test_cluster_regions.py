"""ABS LGAs matched across censuses, pseudo-regions dropped; BEA suppressed cells stay NaN."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from conftest import shared_data
from valuechain.clusters.regions import abs_lga_key, is_pseudo_region, match_names


def test_lga_key_rules():
    assert abs_lga_key("Alpine (S)") == abs_lga_key("Alpine") == "alpine"
    assert abs_lga_key("Berri and Barmera (DC)") == abs_lga_key("Berri Barmera")
    assert abs_lga_key("Kalgoorlie/Boulder (C)") == abs_lga_key("Kalgoorlie-Boulder")
    assert abs_lga_key("The Hills Shire (A)") == abs_lga_key("The Hills")
    assert abs_lga_key("Port Pirie City and Dists (M)") == abs_lga_key("Port Pirie")
    assert abs_lga_key("Central Coast (C) (NSW)") == "central coast|nsw"
    assert is_pseudo_region("Migratory \u2013 Offshore \u2013 Shipping (NSW)")
    assert is_pseudo_region("No usual address (Qld)") and is_pseudo_region("POW not stated")
    assert not is_pseudo_region("Unincorporated ACT")


def test_shared_names_told_apart_by_status_or_left_unmatched():
    m, un = match_names(["Kingston (C)", "Kingston (DC)"], ["Kingston (Vic.)", "Kingston (SA)"])
    assert m == {"Kingston (DC)": "Kingston (SA)", "Kingston (C)": "Kingston (Vic.)"}  # (DC): South Australia
    m, un = match_names(["Bayside (C)"], ["Bayside (NSW)", "Bayside (Vic.)"])  # (C) exists in both states
    assert m == {} and un["old"] == ["Bayside (C)"] and "Bayside (NSW)" in un["ambiguous"]


def test_abs_2016_2021_matched_and_growth_finite():
    a = vc.clusters.read_abs_eiat(shared_data("australia_abs_eiat"))
    m = a.attrs["matching"][2016]
    assert m["match_rate"] >= 0.9, m
    assert "Adelaide Plains" in m["unmatched_new"]  # renamed from Mallala: needs the ABS correspondence
    pseudo = a.attrs["pseudo_regions"]
    assert any("Migratory" in p for p in pseudo) and not any(is_pseudo_region(r) for r in a["region"].unique())
    k = vc.clusters.cluster_kpis(a, start=2016, end=2021)
    regions = k.index.get_level_values("region")
    assert not any(is_pseudo_region(r) for r in set(regions))
    r = vc.clusters.regional_kpis(a).xs(2021, level="year")
    now = r[r["status"] != "death"]
    assert len(now) == m["of_latest"]
    assert np.isfinite(now["growth"]).mean() >= 0.9
    # births are exactly the unmatched 2021 names
    assert set(now.index[now["status"] == "birth"]) == set(m["unmatched_new"])
    # a merger through the concordance hook: Botany Bay + Rockdale -> Bayside (NSW)
    b = vc.clusters.read_abs_eiat(shared_data("australia_abs_eiat"),
                                  regions={"Botany Bay (C)": "Bayside (NSW)", "Rockdale (C)": "Bayside (NSW)"})
    kb = vc.clusters.cluster_kpis(b, start=2016, end=2021)
    assert (kb.xs("Bayside (NSW)", level="region")["status"] == "continuing").all()


def test_bea_suppressed_cells_nan_in_lq():
    d = shared_data("us_regional_bea")
    b = vc.clusters.read_bea_employment(d)
    lq = vc.clusters.location_quotients(b, year=2018)
    sup = lq[value_nan(lq)]
    assert len(sup) > 0 and sup["lq"].isna().all() and sup["suppressed"].all()
    web = [i for i in b["industry"].unique() if i.startswith("Internet publishing")]
    assert web and lq.xs(web[0], level="industry")["lq"].isna().all()  # fully suppressed: never LQ 0
    # published cells: LQ finite, totals over published cells
    assert np.isfinite(lq.loc[~value_nan(lq), "lq"]).all()
    st = vc.clusters.stars(b, year=2018)
    assert st.loc[value_nan(st), "stars"].isna().all()
    k = vc.clusters.cluster_kpis(b, start=2017, end=2018)
    assert (k.loc[k["reason"] == "suppressed", "growth"].isna()).all()


def test_bea_lq_denominators_from_published_totals():
    d = shared_data("us_regional_bea")
    b = vc.clusters.read_bea_employment(d)
    raw = pd.read_csv(d / "State_Employment_2009_2018_SAEMP25N.csv.gz", dtype={"GeoFips": str})
    lq = vc.clusters.location_quotients(b, year=2018)
    assert lq.attrs["denominators"] == "published totals"

    def pub(geo, line):
        return raw[(raw["GeoName"] == geo) & (raw["LineCode"] == line)]["2018"].iloc[0]

    e = b[(b["region"] == "Wyoming") & (b["year"] == 2018) & (b["line_code"] == 201)]["employment"].iloc[0]
    hand = (e / pub("Wyoming", 10)) / (pub("United States", 201) / pub("United States", 10))
    assert lq.loc[("Wyoming", "Oil and gas extraction"), "lq"] == pytest.approx(hand)
    sums = vc.clusters.location_quotients(b, year=2018, published_totals=False)
    assert sums.attrs["denominators"] == "sums of the cells"


def value_nan(df: pd.DataFrame) -> pd.Series:
    return df["employment"].isna()
