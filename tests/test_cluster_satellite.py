"""Cluster statistics read off an IO table's satellite account (issue: satellite accounts, clusters)."""

import numpy as np
import pandas as pd
import pytest

import valuechain as vc


def _with_jobs(t, seed, year, skills=False):
    rng = np.random.default_rng(seed)
    n = len(t.nodes)
    if skills:
        F = pd.DataFrame(rng.uniform(1, 10, size=(3, n)), index=["high_skill_hours", "medium_skill_hours",
                                                                   "low_skill_hours"], columns=t.nodes)
        ext = vc.Extension("skills", F, unit="hours")
    else:
        ext = vc.Extension("employment", pd.DataFrame([rng.uniform(1, 100, n)], index=["persons"], columns=t.nodes),
                           unit="persons")
    t = t.with_extension(ext)
    return t


def _by_hand(t, name, rows, year):
    F = t.extensions[name].F.loc[rows].sum(axis=0)
    return pd.DataFrame({"region": [str(r) for r, _ in t.nodes], "industry": [str(s) for _, s in t.nodes],
                         "year": year, "employment": F.to_numpy()})


def test_cluster_kpis_from_an_extension_equal_those_of_the_same_long_table():
    base = vc.datasets.load("testmrio")
    t0, t1 = _with_jobs(base, 1, 2010), _with_jobs(base, 2, 2020)
    got = vc.clusters.cluster_kpis({2010: t0, 2020: t1}, extension="employment", traded_only=False)
    long = pd.concat([_by_hand(t0, "employment", ["persons"], 2010), _by_hand(t1, "employment", ["persons"], 2020)])
    want = vc.clusters.cluster_kpis(long, traded_only=False)
    pd.testing.assert_frame_equal(got, want, check_like=True)
    # growth of one cell by hand
    r, s = base.nodes[3]
    e0 = t0.extensions["employment"].F.loc["persons", (r, s)]
    e1 = t1.extensions["employment"].F.loc["persons", (r, s)]
    assert got.loc[(str(r), str(s)), "growth"] == pytest.approx(e1 / e0 - 1, rel=1e-12)
    rk = vc.clusters.regional_kpis({2010: t0, 2020: t1}, extension="employment", traded_only=False)
    tot = t1.extensions["employment"].F.loc["persons"].groupby(level=0).sum()
    assert rk.loc[2020, "total"].sort_index().to_numpy() == pytest.approx(tot.sort_index().to_numpy(), rel=1e-12)


def test_extension_activity_errors_name_what_is_missing():
    t = _with_jobs(vc.datasets.load("testmrio"), 1, 2010, skills=True)
    with pytest.raises(vc.ParameterError, match="stressor.*high_skill_hours"):
        vc.clusters.extension_activity(t, "skills")
    with pytest.raises(vc.LabelError, match="no extension 'jobs'"):
        vc.clusters.extension_activity(t, "jobs")
    with pytest.raises(vc.LabelError, match="no stressor"):
        vc.clusters.extension_activity(t, "skills", stressor="graduates")
    with pytest.raises(vc.ParameterError, match="extension"):
        vc.clusters.cluster_kpis(t)


def test_skills_concentration_of_a_table_by_hand():
    t = _with_jobs(vc.datasets.load("testmrio"), 5, 2015, skills=True)
    F = t.extensions["skills"].F
    got = vc.clusters.skills_concentration(t, extension="skills", high="high_skill_hours")
    H = F.loc["high_skill_hours"].groupby(level=0).sum()
    W = F.sum(axis=0).groupby(level=0).sum()
    share = H / W
    lq = share / (H.sum() / W.sum())
    got = got.droplevel("year") if "year" in got.index.names else got
    assert got["share"].to_numpy() == pytest.approx(share.reindex(got.index).to_numpy(), rel=1e-12)
    assert got["lq"].to_numpy() == pytest.approx(lq.reindex(got.index).to_numpy(), rel=1e-12)
    # the employment-weighted mean LQ is 1 (an identity)
    assert float((got["lq"] * got["total"]).sum() / got["total"].sum()) == pytest.approx(1.0, rel=1e-12)


def test_skills_concentration_of_an_occupation_table_per_year():
    a = pd.DataFrame({"region": ["n", "n", "s", "s"] * 2, "industry": ["x", "y"] * 4,
                      "year": [2016] * 4 + [2021] * 4,
                      "employment": [10.0, 10.0, 30.0, 50.0, 10.0, 10.0, 40.0, 40.0],
                      "graduates": [8.0, 2.0, 6.0, 4.0, 5.0, 5.0, 10.0, 10.0]})
    r = vc.clusters.skills_concentration(a, high="graduates")
    assert r.loc[(2016, "n"), "lq"] == pytest.approx((10 / 20) / (20 / 100))
    assert r.loc[(2021, "s"), "share"] == pytest.approx(20 / 80)
    with pytest.raises(vc.LabelError, match="phd"):
        vc.clusters.skills_concentration(a, high="phd")


def test_related_share_by_hand():
    # north is starred in cars (LQ 2); parts shares the cluster "auto", food is in no shared cluster
    E = pd.DataFrame({"cars": [40.0, 0.0, 10.0], "parts": [10.0, 20.0, 30.0], "food": [10.0, 40.0, 20.0]},
                     index=["north", "south", "east"])
    rel = pd.Series({"cars": "auto", "parts": "auto", "food": "agrifood"})
    k = vc.clusters.regional_kpis(E, traded_only=False, lq_threshold=1.5, min_stars=3, related=rel)
    lq = (E / E.sum(axis=1).to_numpy()[:, None]) / (E.sum() / E.to_numpy().sum())
    assert lq.loc["north", "cars"] >= 1.5 and lq.loc["north", "parts"] < 1.5
    assert k.loc["north", "related_share"] == pytest.approx(10 / 60)
    starred_s = lq.loc["south"] >= 1.5
    assert starred_s["food"] and not starred_s["cars"]
    assert k.loc["south", "related_share"] == pytest.approx(0.0)
    assert "related_share" not in vc.clusters.regional_kpis(E, traded_only=False).columns


def test_brazil_cluster_kpis_off_the_io_side():
    """IBGE's job counts (2019, 2021) through the employment extension: totals are IBGE's, Covid losses show."""
    t19, t21 = vc.datasets.load("brazil", year=2019), vc.datasets.load("brazil", year=2021)
    k = vc.clusters.cluster_kpis({2019: t19, 2021: t21}, extension="employment", traded_only=False)
    assert k["employment_end"].sum() == pytest.approx(105_065_178, abs=0.5)  # IBGE 2021, "Fator trabalho"
    assert k["employment_start"].sum() == pytest.approx(t19.extensions["employment"].F.to_numpy().sum(), rel=1e-12)
    worst = k["change"].idxmin()  # the largest loss of jobs
    assert worst == ("BRA", "Domestic services") and k.loc[worst, "growth"] < -0.15
