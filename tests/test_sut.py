"""Supply-use -> symmetric IO conversion (models B and D), imports, basic prices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from valuechain.datasets import sut
from valuechain.errors import LabelError, ParameterError

from conftest import shared_data

P = ["p1", "p2"]
I = ["i1", "i2"]


def small():
    # industry i2 makes some of product p1 (secondary production)
    S = pd.DataFrame([[90.0, 10.0], [0.0, 50.0]], index=P, columns=I)
    U = pd.DataFrame([[20.0, 10.0], [15.0, 5.0]], index=P, columns=I)
    F = pd.DataFrame({"households": [70.0, 30.0]}, index=P)
    return S, U, F


def test_model_d_hand_computed():
    S, U, F = small()
    t = sut.to_iot(S, U, F, model="D")
    # D = [[.9, 0], [.1, 1]]; Z = D U; Y = D F; x = g
    np.testing.assert_allclose(t.Z.to_numpy(), [[18, 9], [17, 6]])
    np.testing.assert_allclose(t.Y.to_numpy().ravel(), [63, 37])
    np.testing.assert_allclose(t.x.to_numpy(), [90, 60])
    np.testing.assert_allclose(t.primary_inputs("value_added").to_numpy(), [55, 45])


def test_model_b_hand_computed():
    S, U, F = small()
    t = sut.to_iot(S, U, F, model="B")
    # C = [[1, 0], [1/6, 5/6]]; Z = U C; value added W C with W = (55, 45)
    np.testing.assert_allclose(t.Z.to_numpy(), [[20 + 10 / 6, 50 / 6], [15 + 5 / 6, 25 / 6]])
    np.testing.assert_allclose(t.x.to_numpy(), [100, 50])
    np.testing.assert_allclose(t.primary_inputs("value_added").to_numpy(), [62.5, 37.5])
    assert t.sectors.tolist() == P


def test_models_agree_on_totals_and_leontief_identity():
    S, U, F = small()
    tb, td = sut.to_iot(S, U, F, model="B"), sut.to_iot(S, U, F, model="D")
    assert tb.v.sum() == pytest.approx(td.v.sum())
    assert tb.f.sum() == pytest.approx(td.f.sum())
    for t in (tb, td):
        np.testing.assert_allclose(t.solve(t.f.to_numpy()), t.x.to_numpy())


def test_import_split_hand_computed():
    S, U, F = small()
    F = F.assign(exports=[20.0, 0.0])
    # p1: q = 100, m = 20, e = 20 -> s = 20 / 100 = 0.2 on every non-export use
    U2 = U.copy()
    F2 = F.copy()
    F2.loc["p1", "households"] = 70.0  # uses of p1: 20 + 10 + 70 + 20 = 120 = q + m
    t = sut.to_iot(S, U2, F2, imports=pd.Series([20.0, 0.0], index=P), model="D")
    np.testing.assert_allclose(t.primary_inputs("imports").to_numpy(), [0.2 * 20, 0.2 * 10])
    # domestic p1 flows: 16 and 8, shared by D = [.9, .1]
    np.testing.assert_allclose(t.Z.to_numpy()[:, 0], [0.9 * 16, 0.1 * 16 + 15])
    # exports stay domestic
    assert t.Y.loc[:, ("economy", "exports")].sum() == pytest.approx(20.0)


def test_reexports_and_negative_imports_keep_domestic_use_equal_to_output():
    uses = pd.DataFrame({"ind": [30.0, 10.0, 20.0], "hh": [20.0, 5.0, 0.0], "exports": [80.0, 0.0, 30.0]},
                        index=["a", "b", "c"])
    q = pd.Series([60.0, 20.0, 55.0], index=uses.index)
    m = pd.Series([70.0, -5.0, -5.0], index=uses.index)  # a: re-exports; b, c: negative imports
    dom, imp = sut.split_imports(uses, m, q, exports="exports")
    np.testing.assert_allclose(dom.sum(axis=1).to_numpy(), q.to_numpy())
    np.testing.assert_allclose(imp.sum(axis=1).to_numpy(), m.to_numpy())
    assert imp.loc["a", "exports"] == pytest.approx(20.0)  # 80 exported, 60 made
    assert (dom.to_numpy() >= 0).all()


def test_purchasers_to_basic_prices_balances():
    # goods g1, g2 carry trade margins (service t) and taxes; a use table at purchasers' prices
    prods = ["g1", "g2", "t"]
    S = pd.DataFrame([[100.0, 0.0, 0.0], [0.0, 80.0, 0.0], [0.0, 0.0, 40.0]], index=prods, columns=["I1", "I2", "IT"])
    margins = pd.DataFrame({"trade": [12.0, 8.0, -20.0]}, index=prods)
    taxes = pd.Series([6.0, 4.0, 0.0], index=prods)
    supply_pp = S.sum(axis=1) + margins["trade"] + taxes  # 118, 92, 20
    U = pd.DataFrame([[20.0, 30.0, 9.0], [10.0, 12.0, 10.0], [5.0, 5.0, 0.0]], index=prods, columns=S.columns)
    F = pd.DataFrame({"households": supply_pp - U.sum(axis=1)})
    W = pd.DataFrame([S.sum(axis=0) - U.sum(axis=0)], index=["value added"])
    t = sut.to_iot(S, U, F, W, margins=margins, taxes=taxes, model="D")
    # every industry: domestic inputs + product taxes + value added = output (validated by IOTable too)
    col = t.Z.sum(axis=0) + t.V.sum(axis=0)
    np.testing.assert_allclose(col.to_numpy(), S.sum(axis=0).to_numpy())
    # basic-price uses of each product add up to its supply at basic prices
    b, tax = sut.to_basic_prices(pd.concat([U, F], axis=1), margins=margins, taxes=taxes)
    np.testing.assert_allclose(b.sum(axis=1).to_numpy(), S.sum(axis=1).to_numpy())
    assert tax.sum() == pytest.approx(10.0)
    # g1's use by I1 (20 of 118 at purchasers' prices) loses 20/118 of its margin and tax
    assert b.loc["g1", "I1"] == pytest.approx(20 - 20 / 118 * 18)


def test_negative_supply_entry_moved_to_use():
    S = pd.DataFrame([[90.0, -5.0], [0.0, 50.0]], index=P, columns=I)
    U = pd.DataFrame([[20.0, 10.0], [15.0, 5.0]], index=P, columns=I)
    F = pd.DataFrame({"households": [55.0, 30.0]}, index=P)
    t = sut.to_iot(S, U, F, model="D")
    assert (t.Z.to_numpy() >= 0).all()
    np.testing.assert_allclose(t.x.to_numpy(), [90.0, 50.0])  # i2: 45 published, gross of the moved 5
    assert t.Z.iloc[0, 1] == pytest.approx(15.0)  # i2 now buys 10 + 5 of p1, all made by i1


def test_beutel_table_15_4_reproduced_by_a_diagonal_supply_table():
    """Eurostat Manual Table 15.4 (Germany 1995, 6 products): a symmetric table is the SUT special case
    where each industry makes only its own product; both models must give it back unchanged."""
    df = pd.read_csv(shared_data("iotables_eu_national", "original", "Beutel_15_4.csv"), index_col=0)
    prods = df.index[:6].tolist()
    cols = df.columns[4:10].tolist()
    fdc = df.columns[10:15].tolist()
    Zp = df.loc[prods, cols].astype(float).set_axis(prods, axis=1)
    Fp = df.loc[prods, fdc].astype(float)
    out = df.loc[prods, "output_bp"].astype(float)  # published product output (row view)
    S = pd.DataFrame(np.diag(out.to_numpy()), index=prods, columns=prods)
    W = df.loc[["P7", "D21_M_D31", "D1", "D29_M_D39", "K1", "B2N_B3N"], cols].astype(float).set_axis(prods, axis=1)
    for model in ("B", "D"):
        t = sut.to_iot(S, Zp, Fp, W, model=model, region="DE")
        np.testing.assert_allclose(t.Z.to_numpy(), Zp.to_numpy())
        np.testing.assert_allclose(t.Y.to_numpy(), Fp.to_numpy())
        assert t.x.sum() == pytest.approx(3_110_384)  # Table 15.4 total domestic output
        assert t.primary_inputs("P7").sum() == pytest.approx(385_100 - 80_187 - 2_970 - 41_436 + 4_233 - 42_597)
        assert t.summary()["max_col_imbalance_rel"] < 1e-4  # published rounding (1,079,400 vs 1,079,446)


def test_bad_inputs():
    S, U, F = small()
    with pytest.raises(ParameterError, match="'model' parameter"):
        sut.to_iot(S, U, F, model="C")
    with pytest.raises(LabelError, match="use columns"):
        sut.to_iot(S, U.rename(columns={"i2": "x"}), F)
    with pytest.raises(LabelError, match="final_use rows"):
        sut.to_iot(S, U, F.rename(index={"p2": "zz"}))
    with pytest.raises(LabelError, match="exports column"):
        sut.to_iot(S, U, F, exports="EXP")


def test_inputs_not_mutated():
    S, U, F = small()
    F.loc["p1", "households"] = 75.0  # uses of p1 = q + m
    copies = [S.copy(), U.copy(), F.copy()]
    sut.to_iot(S, U, F, imports=pd.Series([5.0, 0.0], index=P), model="B")
    for a, b in zip((S, U, F), copies):
        pd.testing.assert_frame_equal(a, b)
