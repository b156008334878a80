"""IOTable: construction, validation messages, derived matrices, reshaping, I/O."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from conftest import random_table

NODES = pd.MultiIndex.from_tuples([("A", "s1"), ("A", "s2"), ("B", "s1")], names=["region", "sector"])
FD = pd.MultiIndex.from_tuples([("A", "hh"), ("B", "hh")], names=["region", "category"])


def small(**kw):
    Z = pd.DataFrame([[10.0, 20, 5], [5, 10, 5], [5, 5, 10]], NODES, NODES)
    Y = pd.DataFrame([[40.0, 25], [30, 50], [20, 60]], NODES, FD)
    d = {"Z": Z, "Y": Y}
    d.update(kw)
    return d


def test_miller_blair_matrices(mb):
    np.testing.assert_allclose(mb.A.values, [[0.15, 0.25], [0.20, 0.05]], atol=1e-12)
    np.testing.assert_allclose(mb.L.values, [[1.254125, 0.330033], [0.264026, 1.122112]], atol=1e-6)
    # exact rationals: det(I - A) = 0.7575
    np.testing.assert_allclose(mb.L.values, np.array([[0.95, 0.25], [0.20, 0.85]]) / 0.7575, atol=1e-12)
    np.testing.assert_allclose(mb.B.values, [[0.15, 0.50], [0.10, 0.05]], atol=1e-12)
    np.testing.assert_allclose(mb.G.values, [[1.254125, 0.660066], [0.132013, 1.122112]], atol=1e-6)
    np.testing.assert_allclose(mb.x.values, [1000, 2000])
    np.testing.assert_allclose(mb.v.values, [650, 1400])
    np.testing.assert_allclose(mb.f.values, [350, 1700])


def test_identities_random():
    t = random_table(4, 5, seed=3)
    np.testing.assert_allclose(t.L.values @ t.f.values, t.x.values, rtol=1e-10)
    vcoef = t.v.values / t.x.values
    np.testing.assert_allclose(vcoef @ t.L.values, np.ones(t.n), rtol=1e-10)
    # G = x^-1 L x and (I - B) G = I
    np.testing.assert_allclose((np.eye(t.n) - t.B.values) @ t.G.values, np.eye(t.n), atol=1e-10)
    np.testing.assert_allclose(t.solve(t.f.values), t.x.values, rtol=1e-10)


def test_results_are_labelled(mb):
    assert mb.A.index.names == ["region", "sector"]
    assert mb.L.attrs["metric"] == "L"
    assert mb.meta.unit == "currency units"


def test_pymrio_oracle(testmrio):
    pymrio = pytest.importorskip("pymrio")
    io = pymrio.load_test()
    io.calc_all()
    A = io.A.loc[testmrio.nodes, testmrio.nodes]
    L = io.L.loc[testmrio.nodes, testmrio.nodes]
    np.testing.assert_allclose(testmrio.A.values, A.values, atol=1e-10, rtol=0)
    np.testing.assert_allclose(testmrio.L.values, L.values, atol=1e-10, rtol=1e-10)
    np.testing.assert_allclose(testmrio.x.values, io.x.loc[testmrio.nodes].iloc[:, 0].values, rtol=1e-10)


def test_pymrio_roundtrip(testmrio):
    back = vc.IOTable.from_pymrio(testmrio.to_pymrio())
    np.testing.assert_allclose(back.Z.values, testmrio.Z.values)
    np.testing.assert_allclose(back.Y.values, testmrio.Y.values)


def test_parquet_roundtrip(tmp_path, rand_table):
    p = rand_table.to_parquet(tmp_path / "t.parquet")
    back = vc.IOTable.read_parquet(p)
    pd.testing.assert_frame_equal(back.Z, rand_table.Z)
    pd.testing.assert_frame_equal(back.Y, rand_table.Y)
    pd.testing.assert_frame_equal(back.V, rand_table.V)
    assert back.meta == rand_table.meta
    assert [f.name for f in tmp_path.iterdir()] == ["t.parquet"]


def test_read_parquet_errors(tmp_path):
    with pytest.raises(vc.ReadError, match="no such file"):
        vc.IOTable.read_parquet(tmp_path / "missing.parquet")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(vc.ReadError, match="bad.parquet"):
        vc.IOTable.read_parquet(bad)


# ----------------------------------------------------------------- validation
def test_label_mismatch_between_Z_and_Y():
    d = small()
    d["Y"] = d["Y"].rename(index={"s2": "s9"})
    with pytest.raises(vc.LabelError, match=r"s9"):
        vc.IOTable(**d)


def test_label_mismatch_between_Z_rows_and_columns():
    d = small()
    d["Z"] = d["Z"].rename(columns={"s2": "sX"}, level=1)
    with pytest.raises(vc.LabelError, match="sX"):
        vc.IOTable(**d)


def test_label_mismatch_V():
    d = small()
    V = pd.DataFrame([[100.0, 100, 100]], index=["va"], columns=NODES.set_levels(["A", "C"], level=0))
    with pytest.raises(vc.LabelError, match="'C'"):
        vc.IOTable(V=V, **d)


def test_duplicated_labels():
    d = small()
    dup = pd.MultiIndex.from_tuples([("A", "s1"), ("A", "s1"), ("B", "s1")], names=["region", "sector"])
    d["Z"] = pd.DataFrame(d["Z"].values, dup, dup)
    with pytest.raises(vc.LabelError, match=r"duplicated.*\('A', 's1'\)"):
        vc.IOTable(**d)


def test_nan_and_inf():
    d = small()
    d["Z"].iloc[1, 2] = np.nan
    with pytest.raises(vc.TableError, match=r"NaN.*\('A', 's2'\).*\('B', 's1'\)"):
        vc.IOTable(**d)
    d = small()
    d["Y"].iloc[0, 0] = np.inf
    with pytest.raises(vc.TableError, match=r"Y has 1 NaN/inf"):
        vc.IOTable(**d)


def test_negative_flows_refused_unless_allowed():
    d = small()
    d["Z"].iloc[0, 1] = -3.0
    with pytest.raises(vc.TableError, match=r"negative intermediate flow.*\('A', 's1'\) to \('A', 's2'\).*allow_negative"):
        vc.IOTable(**d)
    t = vc.IOTable(allow_negative=True, **d)
    assert t.Z.iloc[0, 1] == -3.0


def test_row_imbalance_lists_worst_offenders():
    d = small()
    x = d["Z"].sum(axis=1) + d["Y"].sum(axis=1)
    x.iloc[2] *= 1.5
    x.iloc[0] *= 1.1
    with pytest.raises(vc.BalanceError, match=r"2 node\(s\) have row totals.*worst: \('B', 's1'\).*\('A', 's1'\)"):
        vc.IOTable(x=x, **d)


def test_column_imbalance():
    d = small()
    V = pd.DataFrame([[1.0, 1, 1]], index=["va"], columns=NODES)
    with pytest.raises(vc.BalanceError, match="column totals"):
        vc.IOTable(V=V, **d)


def test_zero_output_sector_rule():
    d = small()
    d["Z"].iloc[2, :] = 0
    d["Z"].iloc[:, 2] = 0
    d["Y"].iloc[2, :] = 0
    with np.errstate(all="raise"):
        t = vc.IOTable(**d)
        assert t.x.iloc[2] == 0
        assert (t.A.iloc[:, 2] == 0).all() and (t.B.iloc[2, :] == 0).all()
        assert np.isfinite(t.L.values).all() and np.isfinite(t.G.values).all()
        u = vc.position.upstreamness(t)
    assert u.iloc[2] == 1.0
    assert list(t.zero_output) == [("B", "s1")]
    assert t.summary()["zero_output_nodes"] == 1


def test_singular_table_raises_convergence_error():
    nodes = pd.Index(["a", "b"])
    Z = pd.DataFrame([[0.0, 10], [10, 0]], nodes, nodes)
    Y = pd.DataFrame({"fd": [0.0, 0.0]}, index=nodes)
    t = vc.IOTable(Z, Y)
    with pytest.raises(vc.ConvergenceError, match="singular"):
        vc.position.output_multipliers(t)


def test_unknown_meta_field():
    with pytest.raises(vc.TableError, match="colour"):
        vc.IOTable(meta={"colour": "red"}, **small())


def test_not_a_dataframe():
    with pytest.raises(vc.TableError, match="Z must be a pandas DataFrame"):
        vc.IOTable(np.eye(2), pd.DataFrame())


# ------------------------------------------------------------------ reshaping
def test_aggregate_conserves_flows():
    t = random_table(4, 5, seed=7)
    agg = t.aggregate(regions={"R0": "EU", "R1": "EU", "R2": "ROW", "R3": "ROW"},
                      sectors={f"s{i}": ("goods" if i < 3 else "services") for i in range(5)})
    assert agg.n == 4
    np.testing.assert_allclose(agg.Z.values.sum(), t.Z.values.sum())
    np.testing.assert_allclose(agg.Y.values.sum(), t.Y.values.sum())
    np.testing.assert_allclose(agg.V.values.sum(), t.V.values.sum())
    np.testing.assert_allclose(agg.x.sum(), t.x.sum())
    eu_goods = t.Z.loc[(["R0", "R1"], ["s0", "s1", "s2"]), (["R2", "R3"], ["s3", "s4"])].values.sum()
    np.testing.assert_allclose(agg.Z.loc[("EU", "goods"), ("ROW", "services")], eu_goods)
    assert agg.meta.history[-1].startswith("aggregate")


def test_aggregate_missing_label():
    t = random_table(2, 3)
    with pytest.raises(vc.LabelError, match="'s2'"):
        t.aggregate(sectors={"s0": "a", "s1": "a"})


def test_select_keeps_balance():
    t = random_table(3, 3, seed=2)
    sub = t.select(regions=["R0", "R1"])
    assert sub.n == 6
    np.testing.assert_allclose(sub.x.values, t.x.loc[["R0", "R1"]].values)
    with pytest.raises(vc.LabelError, match="R9"):
        t.select(regions=["R9"])
