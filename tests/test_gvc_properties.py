"""Adding-up properties of every GVC decomposition on random balanced multi-regional tables (hypothesis).

Each property is an accounting identity that follows from ``V B = 1'`` and the block structure, while the
code computes every term explicitly (no term is a residual except BM sink REX), so a wrong term breaks them.
Examples are bounded (``max_examples``) to keep the file well under 60 s; the number of cases run is printed
by the last test (run with ``-s`` to see it).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuechain as vc
from conftest import random_table

CASES: Counter = Counter()
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mrio_tables(draw):
    n_regions = draw(st.integers(2, 4))
    n_sectors = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 10_000))
    n_fd = draw(st.integers(1, 3))
    density = draw(st.sampled_from([1.0, 0.7, 0.4]))
    return random_table(n_regions, n_sectors, seed=seed, n_fd=n_fd, density=density)


def _close(a, b, scale):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-9, atol=1e-9 * scale)


@SETTINGS
@given(mrio_tables())
def test_kww_wwz_add_up(t):
    CASES["kww/wwz"] += 1
    scale = float(t.x.sum())
    for level in ("country", "bilateral_sector"):
        k = vc.gvc.kww(t, level=level)
        _close(k[vc.gvc.KWW_TERMS].sum(axis=1), k["exports"], scale)
        _close(k["VAX"], k[["DVA_FIN", "DVA_INT", "DVA_INTrex"]].sum(axis=1), scale)
    w = vc.gvc.wwz(t, level="sector")
    _close(w[vc.gvc.WWZ_TERMS].sum(axis=1), w["exports"], scale)
    # the aggregation levels agree
    ks = vc.gvc.kww(t, level="sector").groupby(level="exporter").sum()
    kc = vc.gvc.kww(t)
    _close(ks[vc.gvc.KWW_TERMS].loc[kc.index], kc[vc.gvc.KWW_TERMS], scale)
    # KWW value-added exports = Johnson-Noguera VAX
    _close(kc["VAX"], vc.gvc.vax(t)["VAX"], scale)


@SETTINGS
@given(mrio_tables(), st.sampled_from(["source", "sink"]), st.sampled_from(["country", "bilateral", "sector",
                                                                              "bilateral_sector"]))
def test_borin_mancini_adds_up(t, approach, level):
    CASES["borin_mancini"] += 1
    scale = float(t.x.sum())
    bm = vc.gvc.borin_mancini(t, approach, level=level)
    _close(bm[["DVA", "DDC", "FVA", "FDC"]].sum(axis=1), bm["exports"], scale)
    _close(bm[["DAVAX", "REX", "REF"]].sum(axis=1), bm["DVA"], scale)
    _close(bm["GVC_B"] + bm["GVC_F"], bm["GVC"], scale)
    has = bm["exports"] > 0
    _close(bm.loc[has, "GVC_B_share"] + bm.loc[has, "GVC_F_share"], bm.loc[has, "GVC_share"], 1)
    _close(bm.loc[has, "GVC_share"] + bm.loc[has, "DAVAX"] / bm.loc[has, "exports"], 1.0, 1)
    vals = bm[["DVA", "DAVAX", "REF", "DDC", "FVA", "FDC"]].to_numpy()
    assert (vals >= -1e-9 * scale).all()
    # foreign content is the same under every approach (= KWW FVA + FDC = TiVA EXGR_FVA at country level)
    if level == "country":
        tv = vc.gvc.tiva(t)
        _close(bm["FC"], tv["EXGR_FVA"].to_numpy(), scale)


@SETTINGS
@given(mrio_tables())
def test_participation_shares_sum_to_one(t):
    CASES["participation"] += 1
    scale = float(t.x.sum())
    for level in ("sector", "country"):
        p = vc.gvc.participation(t, level=level)
        for side in ("va", "y"):
            parts = [f"{side}_{k}" for k in ("D", "RT", "GVC_S", "GVC_C")]
            _close(p[parts].sum(axis=1), p[side], scale)
            has = p[side] != 0
            _close(p.loc[has, [f"{c}_share" for c in parts]].sum(axis=1), 1.0, 1)
        # world totals: value added = final output
        if level == "country":
            _close(p["va"].sum(), p["y"].sum(), scale)


@SETTINGS
@given(mrio_tables())
def test_tiva_and_value_added_origin_identities(t):
    CASES["tiva/vax/origin"] += 1
    scale = float(t.x.sum())
    tv = vc.gvc.tiva(t)
    has = tv["EXGR"] > 0
    _close(tv.loc[has, "EXGR_DVASH"] + tv.loc[has, "EXGR_FVASH"], 1.0, 1)
    _close(tv["BALVAFD"], tv["BALGR"], scale)
    _close(tv["BALVAFD"].sum(), 0.0, scale)
    _close(tv["EXGR"].sum(), tv["IMGR"].sum(), scale)
    for post, total in (("exports", tv["EXGR"].sum()), ("output", t.x.sum()), ("final_demand", t.f.sum())):
        d = vc.gvc.value_added_origin(t, post=post)
        _close(d["value"].sum(), total, scale)


def test_zz_report_case_count():
    print(f"\nhypothesis cases run: {dict(CASES)} (total {sum(CASES.values())})")
    assert sum(CASES.values()) >= 4
