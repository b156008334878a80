"""EXIOBASE 3 through our own text parser: cell for cell what pymrio parses, and no pickle ever loaded."""

from __future__ import annotations

import json
import pickle
import zipfile

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from _exio_fixture import write_exiobase3
from valuechain.datasets.exiobase import read_exiobase3_satellites

pymrio = pytest.importorskip("pymrio")


def _pymrio_table(path):
    """The reference: pymrio's parser, then the same conversion as before our parser existed."""
    io = pymrio.parse_exiobase3(path)
    return io, vc.IOTable.from_pymrio(io, allow_negative=True)


@pytest.mark.parametrize("store,with_x,as_zip", [("A", True, True), ("Z", True, True), ("A", False, True),
                                                 ("A", True, False)])
def test_same_table_as_pymrio(tmp_path, store, with_x, as_zip):
    fx = write_exiobase3(tmp_path, store=store, with_x=with_x, as_zip=as_zip)
    t = vc.datasets.read(fx["path"], format="exiobase3")
    io, ref = _pymrio_table(fx["path"])
    assert t.Z.index.equals(ref.Z.index) and t.Z.columns.equals(ref.Z.columns)
    assert t.Y.columns.equals(ref.Y.columns)
    if with_x:  # same parser of the same text, same product A * x: identical bits
        np.testing.assert_array_equal(t.Z.to_numpy(), ref.Z.to_numpy())
        np.testing.assert_array_equal(t.x.to_numpy(), ref.x.to_numpy())
    else:  # x solved here, inverted by pymrio
        np.testing.assert_allclose(t.Z.to_numpy(), ref.Z.to_numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(t.Y.to_numpy(), ref.Y.to_numpy())
    np.testing.assert_allclose(t.V.to_numpy(), ref.V.to_numpy(), rtol=1e-12)
    comps = list(t.V.index.get_level_values("component"))
    assert comps == list(ref.V.index.get_level_values("component")) == fx["components"]  # names as published
    assert set(t.V.index.get_level_values("kind")) == {"value_added"}
    # and the oracle of the fixture itself
    np.testing.assert_allclose(t.Z.to_numpy(), fx["Z"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(t.x.to_numpy(), fx["x"], rtol=1e-12)
    assert t.meta.unit == "EUR million" and t.meta.currency == "EUR"
    assert t.meta.year == 2011 and t.meta.system == "industry-by-industry"


def test_satellites_match_pymrio(tmp_path):
    fx = write_exiobase3(tmp_path)
    sats = read_exiobase3_satellites(fx["path"])
    io = pymrio.parse_exiobase3(fx["path"])
    assert set(sats) == {"satellite", "impacts", "factor_inputs"}
    for name in ("satellite", "impacts"):
        F, FY, unit = sats[name]
        ext = getattr(io, name)
        np.testing.assert_array_equal(F.to_numpy(), ext.F.to_numpy())
        np.testing.assert_array_equal(FY.to_numpy(), ext.F_Y.to_numpy())
        assert list(F.index) == list(ext.F.index) and F.index.name == "stressor"
        assert F.columns.equals(pd.MultiIndex.from_tuples(list(ext.F.columns), names=["region", "sector"]))
        assert list(unit) == list(ext.unit.iloc[:, 0])
    F, FY, unit = sats["factor_inputs"]
    assert FY is None and list(F.index) == fx["components"]


def test_region_codes_of_release_34_are_corrected_like_pymrio(tmp_path):
    fx = write_exiobase3(tmp_path, regions=("AUT", "DEU", "WWA"))
    t = vc.datasets.read(fx["path"], format="exiobase3")
    _, ref = _pymrio_table(fx["path"])
    assert list(t.regions) == ["AT", "DE", "WA"] == list(ref.regions)
    F = read_exiobase3_satellites(fx["path"])["satellite"][0]
    assert list(F.columns.get_level_values("region").unique()) == ["AT", "DE", "WA"]


def test_unit_is_read_from_unit_txt(tmp_path):
    fx = write_exiobase3(tmp_path, unit="M.USD", store="Z")
    assert vc.datasets.read(fx["path"], format="exiobase3").meta.unit == "USD million"
    fx2 = write_exiobase3(tmp_path / "b", unit="thousand tonnes", store="Z")
    assert vc.datasets.read(fx2["path"], format="exiobase3").meta.unit == "thousand tonnes"


def _rezip(fx, tmp_path, edit):
    """Rewrite the fixture folder after *edit(root)* into a new zip."""
    root = fx["root"]
    edit(root)
    z = tmp_path / "IOT_2011_ixi_edited.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in sorted(root.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(root.parent).as_posix())
    return z


@pytest.mark.parametrize("entry,match", [
    ({"name": "A.pkl", "nr_index_col": "2", "nr_header": "2"}, "never unpickles"),
    ({"name": "A.parquet", "nr_index_col": "2", "nr_header": "2"}, "only text tables"),
    ({"name": "../../etc/passwd.txt", "nr_index_col": "2", "nr_header": "2"}, "plain file name"),
    ({"name": "A.txt", "nr_index_col": "2.5", "nr_header": "2"}, "nr_index_col"),
    ({"name": "A.txt", "nr_index_col": "2", "nr_header": "99"}, "nr_header"),
])
def test_parameter_entries_are_validated(tmp_path, entry, match):
    fx = write_exiobase3(tmp_path, as_zip=False)

    def edit(root):
        para = json.loads((root / "file_parameters.json").read_text())
        para["files"]["A"] = entry
        (root / "file_parameters.json").write_text(json.dumps(para))

    z = _rezip(fx, tmp_path, edit)
    with pytest.raises(vc.ReadError, match=match):
        vc.datasets.read(z, format="exiobase3")


class _Marker:
    """Unpickling this writes a marker file (what an attacker's pickle would do)."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (exec, (f"open({self.path!r}, 'w').write('code ran')",))


def test_crafted_pickle_is_never_loaded(tmp_path):
    marker = tmp_path / "marker"
    fx = write_exiobase3(tmp_path / "a", as_zip=False)

    def edit(root):
        (root / "A.pkl").write_bytes(pickle.dumps(_Marker(marker)))
        para = json.loads((root / "file_parameters.json").read_text())
        para["files"]["A"]["name"] = "A.pkl"
        (root / "file_parameters.json").write_text(json.dumps(para))

    z = _rezip(fx, tmp_path, edit)
    for target in (z, fx["root"]):
        with pytest.raises(vc.ReadError, match="never unpickles"):
            vc.datasets.read(target, format="exiobase3")
        with pytest.raises(vc.ReadError, match="never unpickles"):
            read_exiobase3_satellites(target)
    assert not marker.exists()
    # the case is real: pymrio's parser runs the pickle (in this temp folder only)
    try:
        pymrio.parse_exiobase3(z)
    except Exception:  # noqa: BLE001 - pymrio fails after unpickling
        pass
    assert marker.exists()


def test_malformed_tables_name_file_line_and_column(tmp_path):
    fx = write_exiobase3(tmp_path, as_zip=False, store="Z")
    text = (fx["root"] / "Z.txt").read_text().splitlines()
    cells = text[4].split("\t")
    cells[5] = "nan"
    text[4] = "\t".join(cells)
    (fx["root"] / "Z.txt").write_text("\n".join(text) + "\n")
    with pytest.raises(vc.ReadError, match=r"Z.txt: line 5 \(row 'AT \| Mining.*column 6.*non-finite"):
        vc.datasets.read(fx["root"], format="exiobase3")
    (fx["root"] / "Y.txt").unlink()
    with pytest.raises(vc.ReadError, match="Y.txt: listed in file_parameters.json but absent"):
        vc.datasets.read(fx["root"], format="exiobase3")


def test_product_taxes_are_not_value_added_and_stressors_attach(tmp_path):
    """Taxes less subsidies on products is a primary input of kind taxes; satellite/impacts become extensions."""
    fx = write_exiobase3(tmp_path, as_zip=False)
    fi = fx["root"] / "factor_inputs" / "F.txt"
    df = pd.read_csv(fi, sep="\t", header=[0, 1], index_col=0)
    df.index = ["Taxes less subsidies on products purchased: Total", df.index[1]]
    df.index.name = "inputtype"
    df.to_csv(fi, sep="\t")
    (fx["root"] / "factor_inputs" / "unit.txt").write_text(
        "inputtype\tunit\nTaxes less subsidies on products purchased: Total\tM.EUR\n"
        f"{df.index[1]}\tM.EUR\n")
    t = vc.datasets.read(fx["path"], format="exiobase3")
    assert t.V.loc["taxes"].shape[0] == 1
    np.testing.assert_allclose(t.v.to_numpy(), fx["V"][1], rtol=1e-10)  # GVA excludes the product taxes
    np.testing.assert_allclose(t.primary_inputs("taxes").to_numpy(), fx["V"][0], rtol=1e-10)
    assert set(t.extensions) == {"satellite", "impacts"}
    sat = t.extensions["satellite"]
    assert list(sat.F.index) == fx["stressors"] and sat.unit["Employment: Low-skilled male"] == "1000 p"
    np.testing.assert_allclose(sat.F.to_numpy(), fx["F"])
    m = vc.position.extension_multipliers(t, "satellite")
    assert np.isfinite(m.to_numpy(dtype=float)).all()
    assert not vc.datasets.read(fx["path"], format="exiobase3", extensions=False).extensions
