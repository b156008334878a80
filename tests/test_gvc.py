"""GVC family against independent dense oracles (explicit inverses, literal formulas), errors, contract, CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import valuechain as vc
from conftest import random_table
from valuechain.cli import app


# ----------------------------------------------------------------- dense oracle
class Dense:
    """Everything as explicit dense matrices (region-major random tables)."""

    def __init__(self, t: vc.IOTable):
        self.G, self.N = len(t.regions), len(t.sectors)
        G, N = self.G, self.N
        self.n = n = G * N
        Z = t.Z.to_numpy()
        self.x = x = t.x.to_numpy()
        self.A = A = Z / x[None, :]
        self.B = np.linalg.inv(np.eye(n) - A)
        self.v = 1 - A.sum(0)
        self.Y = t.Y.T.groupby(level="region", sort=False).sum().T.reindex(columns=t.regions).to_numpy()
        self.reg = np.repeat(np.arange(G), N)
        self.own = self.reg[:, None] == np.arange(G)[None, :]
        self.Ad = A * (self.reg[:, None] == self.reg[None, :])
        self.Af = A - self.Ad
        self.L = np.linalg.inv(np.eye(n) - self.Ad)
        Zc = Z.reshape(n, G, N).sum(2)
        self.E = Zc + self.Y
        self.E[self.own] = 0

    def blk(self, s):
        return slice(s * self.N, (s + 1) * self.N)


def kww_literal(d: Dense) -> np.ndarray:
    """KWW (2014) country terms, transcribing decompr's kww() formulas with explicit matrices."""
    G, N, n, B, A, Vc, Y = d.G, d.N, d.n, d.B, d.A, d.v, d.Y
    Bd = B * (d.reg[:, None] == d.reg[None, :])
    Bm = B - Bd
    Ym = np.where(d.own, 0, Y)
    Yd = np.where(d.own, Y, 0)
    ydiag = Y[d.own]
    E = d.E.sum(1)
    VBY = Vc[:, None] * (B @ Y)
    VBY[d.own] = 0
    vae = VBY.sum(1)
    T1 = Vc * (Bd @ Ym).sum(1)
    T2 = Vc * (Bm @ ydiag)
    T3 = vae - T1 - T2
    T4 = Vc * (Bm @ Ym)[d.own]
    tmp = Bm @ d.Af @ d.L
    T5 = Vc * (tmp @ Yd)[d.own]
    Ediag = np.where(d.own, E[:, None], 0)
    T6 = Vc * (tmp @ Ediag)[d.own]
    T7 = np.zeros(n)
    T8 = np.zeros(n)
    AmLYd = (d.Af @ d.L @ Yd).sum(1)
    for s in range(G):
        i = d.blk(s)
        f = sum(Vc[d.blk(t)] @ B[d.blk(t), i] for t in range(G) if t != s)
        T7[i] = f * Ym.sum(1)[i]
        T8[i] = f * AmLYd[i]
    T9 = E - (vae + T4 + T5 + T6 + T7 + T8)
    out = np.stack([T1, T2, T3, T4, T5, T6, T7, T8, T9], 1)
    return np.add.reduceat(out, np.arange(0, n, N), axis=0)


def bm_literal(d: Dense, approach: str) -> np.ndarray:
    """(G, G, 4) DVA, DDC, FVA, FDC per exporter s and importer r with B^{/s} inverted explicitly."""
    G, N, n, A, B, v = d.G, d.N, d.n, d.A, d.B, d.v
    out = np.zeros((G, G, 4))
    y = d.Y.sum(1)
    for s in range(G):
        s_ = d.blk(s)
        As = A.copy()
        cols = d.reg != s
        As[s_, cols] = 0.0                      # A^{/s}: no intermediate exports from s
        Bs = np.linalg.inv(np.eye(n) - As)
        e_star = d.E[s_].sum(1)
        foreign = d.reg != s
        vf = np.where(foreign, v, 0)
        ABe = A[s_][:, foreign] @ B[foreign][:, s_]
        for r in range(G):
            if r == s:
                continue
            e = d.E[s_, r]
            if approach == "source":
                out[s, r] = [v[s_] @ Bs[s_, s_] @ e, v[s_] @ Bs[s_, s_] @ ABe @ e,
                             vf @ Bs[:, s_] @ e, vf @ Bs[:, s_] @ ABe @ e]
            else:
                yp = y.copy()
                yp[s_] = d.Y[s_, s]                  # s's final exports removed
                Xs = Bs @ yp                          # output never re-exported by s
                nsr = d.Y[s_, r] + A[s_, d.blk(r)] @ Xs[d.blk(r)]
                dsr = e - nsr
                vb, fb = v[s_] @ B[s_, s_], vf @ B[:, s_]
                out[s, r] = [vb @ nsr, vb @ dsr, fb @ nsr, fb @ dsr]
    return out


@pytest.fixture(scope="module")
def t():
    return random_table(4, 3, seed=7, n_fd=2)


@pytest.fixture(scope="module")
def dense(t):
    return Dense(t)


def test_kww_matches_literal_decompr_formulas(t, dense):
    k = vc.gvc.kww(t)
    np.testing.assert_allclose(k[vc.gvc.KWW_TERMS].to_numpy(), kww_literal(dense), rtol=1e-9, atol=1e-8)


@pytest.mark.parametrize("approach", ["source", "sink"])
def test_borin_mancini_matches_explicit_extraction_inverse(t, dense, approach):
    bm = vc.gvc.borin_mancini(t, approach, level="bilateral")
    ref = bm_literal(dense, approach)
    for (s, r), row in bm.iterrows():
        i, j = list(t.regions).index(s), list(t.regions).index(r)
        np.testing.assert_allclose(row[["DVA", "DDC", "FVA", "FDC"]].to_numpy(float), ref[i, j],
                                   rtol=1e-9, atol=1e-8)


def test_participation_matches_dense(t, dense):
    d = dense
    V = np.diag(d.v)
    yD = d.Y[d.own]
    yF = d.Y.sum(1) - yD
    YD, YF, Yall = np.diag(yD), np.diag(yF), np.diag(d.Y.sum(1))
    mats = [V @ d.L @ YD, V @ d.L @ YF, V @ d.L @ d.Af @ d.L @ YD, V @ d.L @ d.Af @ (d.B @ Yall - d.L @ YD)]
    p = vc.gvc.participation(t)
    for k, name in enumerate(["D", "RT", "GVC_S", "GVC_C"]):
        np.testing.assert_allclose(p[f"va_{name}"], mats[k].sum(1), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(p[f"y_{name}"], mats[k].sum(0), rtol=1e-9, atol=1e-9)
    assert "Wang, Wei, Yu & Zhu" in p.attrs["method"]


def test_tiva_matches_dense(t, dense):
    d = dense
    tv = vc.gvc.tiva(t)
    VB = np.stack([np.where(d.reg == g, d.v, 0) @ d.B for g in range(d.G)])   # (G, n)
    e = d.E.sum(1)
    for s in range(d.G):
        s_ = d.blk(s)
        fva = sum(VB[g, s_] @ e[s_] for g in range(d.G) if g != s)
        dexf = sum(VB[s, d.blk(g)] @ e[d.blk(g)] for g in range(d.G) if g != s)
        ffd = sum(VB[s] @ d.Y[:, r] for r in range(d.G) if r != s)
        row = tv.iloc[s]
        assert row["EXGR_FVA"] == pytest.approx(fva, rel=1e-10)
        assert row["DEXFVAP"] == pytest.approx(dexf, rel=1e-10)
        assert row["FFD_DVA"] == pytest.approx(ffd, rel=1e-10)
    assert tv.attrs["method"]


def test_value_added_origin_matches_dense(t, dense):
    d = dense
    ref = np.diag(d.v) @ d.B @ np.diag(d.E.sum(1))
    got = vc.gvc.value_added_origin(t)
    np.testing.assert_allclose(got["value"].to_numpy(), ref.ravel(), rtol=1e-9, atol=1e-9)
    assert tuple(got.iloc[1, :4]) == (t.nodes[0][0], t.nodes[0][1], t.nodes[1][0], t.nodes[1][1])


def test_production_length(t, dense):
    d = dense
    pl = vc.gvc.production_length(t)
    np.testing.assert_allclose(pl["upstreamness"], vc.position.upstreamness(t), rtol=1e-10)
    np.testing.assert_allclose(pl["downstreamness"], vc.position.downstreamness(t), rtol=1e-10)
    x = d.B @ d.Y.sum(1)
    num = d.L @ d.L @ d.Af @ x + d.L @ d.Af @ d.B @ x
    np.testing.assert_allclose(pl["PLv_GVC"], num / (d.L @ d.Af @ x), rtol=1e-10)
    VL = d.v @ d.L
    numy = VL @ d.L @ d.Af @ d.B + VL @ d.Af @ d.B @ d.B
    np.testing.assert_allclose(pl["PLy_GVC"], numy / (VL @ d.Af @ d.B), rtol=1e-10)
    # GVC chains cross at least one border, so at least two production stages
    assert (pl["PLv_GVC"] >= 2 - 1e-12).all() and (pl["PLy_GVC"] >= 2 - 1e-12).all()
    assert pl.index.names == ["region", "sector"]


def test_two_country_one_sector_by_hand():
    # Two countries with one sector each, final demand only at home; exports are intermediate only.
    nodes = pd.MultiIndex.from_tuples([("H", "s"), ("F", "s")], names=["region", "sector"])
    fd = pd.MultiIndex.from_tuples([("H", "fd"), ("F", "fd")], names=["region", "category"])
    Z = pd.DataFrame([[0.0, 20.0], [10.0, 0.0]], nodes, nodes)
    Y = pd.DataFrame([[80.0, 0.0], [0.0, 90.0]], nodes, fd)
    tt = vc.IOTable(Z, Y)
    # x = (100, 100); A = [[0, .2], [.1, 0]]; v = (0.9, 0.8); B = 1/0.98 [[1, .2], [.1, 1]]
    bm = vc.gvc.borin_mancini(tt)
    # H's exports (20) carry H's own VA directly: DVA = v_H L_HH e = 0.9 * 20 = 18
    assert bm.loc["H", "DVA"] == pytest.approx(18.0)
    # DAVAX = v_H (A_HF L_FF Y_FF) = 0.9 * 0.2 * 90 = 16.2 ; F's final goods are absorbed in F
    assert bm.loc["H", "DAVAX"] == pytest.approx(16.2)
    # FVA (source) = v_F B^{/H}_FH e: F inputs to H used for H's exports = 0.8 * 0.1 * 20 = 1.6
    assert bm.loc["H", "FVA"] == pytest.approx(1.6)
    k = vc.gvc.kww(tt)
    # KWW DVA_INT = V_H B_HF Y_FF = 0.9 * (0.2 / 0.98) * 90
    assert k.loc["H", "DVA_INT"] == pytest.approx(0.9 * 0.2 / 0.98 * 90)
    assert k.loc["H", "DVA_FIN"] == 0.0


def test_node_order_does_not_matter(t):
    rng = np.random.default_rng(3)
    order = t.nodes[rng.permutation(t.n)]
    shuffled = vc.IOTable(t.Z.loc[order, order], t.Y.loc[order], t.V.loc[:, order], meta=t.meta)
    k = vc.gvc.kww(t)
    pd.testing.assert_frame_equal(vc.gvc.kww(shuffled).loc[k.index], k, check_exact=False, rtol=1e-9)
    b = vc.gvc.borin_mancini(t, "sink", level="sector")
    pd.testing.assert_frame_equal(vc.gvc.borin_mancini(shuffled, "sink", level="sector").loc[b.index], b,
                                  check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(vc.gvc.participation(shuffled).loc[t.nodes], vc.gvc.participation(t),
                                  check_exact=False, rtol=1e-9)


# ------------------------------------------------------------- errors, contract
PUBLIC = [
    lambda t: vc.gvc.value_added_origin(t),
    lambda t: vc.gvc.vax(t),
    lambda t: vc.gvc.kww(t),
    lambda t: vc.gvc.wwz(t),
    lambda t: vc.gvc.borin_mancini(t),
    lambda t: vc.gvc.participation(t),
    lambda t: vc.gvc.tiva(t),
    lambda t: vc.gvc.production_length(t),
]


@pytest.mark.parametrize("fn", PUBLIC)
def test_contract_labelled_method_input_untouched(fn):
    t = random_table(3, 2, seed=11)
    before = [t.Z.copy(), t.Y.copy(), t.V.copy()]
    out = fn(t)
    assert isinstance(out, pd.DataFrame)
    assert out.attrs.get("method") and out.attrs.get("metric")
    assert not out.isna().to_numpy().any()
    for a, b in zip(before, [t.Z, t.Y, t.V]):
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("fn", PUBLIC)
def test_single_region_table_refused(fn, mb):
    with pytest.raises(vc.LabelError, match="at least 2 regions"):
        fn(mb)


def test_bad_parameters(t):
    with pytest.raises(vc.ParameterError, match="The 'approach' parameter of borin_mancini must be one of"):
        vc.gvc.borin_mancini(t, "middle")
    with pytest.raises(vc.ParameterError, match="Got 'bogus' instead"):
        vc.gvc.kww(t, level="bogus")
    with pytest.raises(vc.ParameterError, match="'post' parameter of value_added_origin"):
        vc.gvc.value_added_origin(t, post="imports")
    with pytest.raises(vc.ParameterError, match="'level' parameter of participation"):
        vc.gvc.participation(t, level="bilateral")


def test_ragged_sectors_and_foreign_fd_region_refused(t):
    keep = t.nodes[1:]
    sub = vc.IOTable(t.Z.loc[keep, keep], t.Y.loc[keep], meta=t.meta)
    with pytest.raises(vc.LabelError, match="same sectors in every region"):
        vc.gvc.kww(sub)
    Y = t.Y.copy()
    Y[("Mars", "fd0")] = 0.0
    with pytest.raises(vc.LabelError, match="'Mars'"):
        vc.gvc.tiva(vc.IOTable(t.Z, Y, meta=t.meta))


# ----------------------------------------------------------------------- CLI
runner = CliRunner()


@pytest.mark.parametrize("measure", ["kww", "bm", "participation", "tiva", "vax", "length"])
def test_cli_measures(measure):
    res = runner.invoke(app, ["gvc", measure, "-d", "testmrio", "-n", "3"])
    assert res.exit_code == 0, res.output
    assert "testmrio" in res.output and "more rows" in res.output


def test_cli_bm_bilateral_sink_writes_csv(tmp_path):
    out = tmp_path / "bm.csv"
    res = runner.invoke(app, ["gvc", "bm", "-d", "testmrio", "--level", "bilateral", "--approach", "sink",
                              "-o", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    assert len(df) == 30 and {"exporter", "importer", "GVC_share"} <= set(df.columns)


@pytest.mark.parametrize("args", [["gvc", "kww", "-d", "testmrio", "--level", "bogus"],
                                  ["gvc", "bm", "-d", "miller_blair"],
                                  ["gvc", "bm", "-d", "testmrio", "--approach", "middle"]])
def test_cli_bad_input_exit_2(args):
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    lines = [ln for ln in res.output.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:")
