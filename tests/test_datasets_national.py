"""National readers: OECD national IOT CSV, BEA Use/Make/Import, WIOD 2016 NIOT; malformed files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain.datasets import bea
from valuechain.errors import ReadError

from conftest import shared_data

# ---------------------------------------------------------------- OECD national IOT
FD = ["HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR", "CONS_NONRES", "EXPO", "IMPO"]


def oecd_lines():
    """A two-industry table in the published OECD layout (quoted codes, empty first header cell)."""
    head = '"",' + ",".join(f'"{c}"' for c in ["D01", "D02"] + FD)
    rows = [
        ("TTL_01", [10, 20, 50, 0, 0, 0, 0, 0, 0, 30, -10]),
        ("TTL_02", [5, 10, 70, 0, 0, 15, 0, 0, 0, 0, 0]),
        ("TXS_IMP_FNL", [0] * 11),
        ("TXS_INT_FNL", [1, 2] + [0] * 9),
        ("TTL_INT_FNL", [16, 32] + [0] * 9),
        ("VALU", [84, 68] + [0] * 9),
        ("OUTPUT", [100, 100] + [0] * 9),
    ]
    return [head] + [f'"{r}",' + ",".join(map(str, v)) for r, v in rows]


def write(tmp_path, lines, name="XYZ2020ttl.csv"):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n")
    return p


def test_oecd_fixture_hand_computed(tmp_path):
    t = vc.datasets.read(write(tmp_path, oecd_lines()), format="oecd_national")
    # product 01: q = 100, m = 10, e = 30 -> import share 10 / 80
    np.testing.assert_allclose(t.primary_inputs("imports").to_numpy(), [10 / 8, 20 / 8])
    np.testing.assert_allclose(t.Z.to_numpy(), [[10 * 7 / 8, 20 * 7 / 8], [5, 10]])
    assert t.sectors.tolist() == ["D01", "D02"] and t.meta.year == 2020
    assert "discrepancy" not in t.V.index


def test_oecd_belgium_2020_real():
    path = shared_data("iotables_eu_national", "original", "BEL2020ttl.csv")
    t = vc.datasets.read(path, format="oecd_national")
    raw = pd.read_csv(path, index_col=0)
    assert t.n == 50 and t.regions.tolist() == ["BEL"] and t.meta.year == 2020
    assert t.sectors[0] == "D01" and t.sectors[-1] == "D97T98"
    assert t.x.sum() == pytest.approx(1_054_181.5)  # sum of the published OUTPUT row
    # domestic + imported intermediate flows = the published total ('ttl') flows
    ttl = raw.loc[[r for r in raw.index if r.startswith("TTL_") and r != "TTL_INT_FNL"], t.sectors].sum()
    np.testing.assert_allclose((t.Z.sum(axis=0) + t.primary_inputs("imports")).to_numpy(), ttl.to_numpy(), atol=1e-6)
    # imports of intermediate and final products add up to the published IMPO total minus imported exports (0)
    s = t.summary()
    assert s["max_col_imbalance_rel"] < 1e-9 and s["max_row_imbalance_rel"] < 1e-3
    assert (t.Z.to_numpy() >= 0).all()


@pytest.mark.parametrize("case, pattern", [
    ("truncated", r"XYZ2020ttl\.csv, line 4: .*truncated"),
    ("truncated_row", r"XYZ2020ttl\.csv, line 4 \(row 'TXS_IMP_FNL'\), column \d+ .*empty cell \(truncated"),
    ("header", r"XYZ2020ttl\.csv, line 1, column 1: expected ''"),
    ("text", r"XYZ2020ttl\.csv, line 3 \(row 'TTL_02'\), column 3 \('D02'\): expected a number, found text 'n/a'"),
    ("duplicate_row", r"XYZ2020ttl\.csv, line 3: duplicated row code 'TTL_01'"),
    ("duplicate_col", r"XYZ2020ttl\.csv, line 1: duplicated column code 'D02'"),
    ("no_fd", r"XYZ2020ttl\.csv, line 1: the final-demand block"),
    ("long_row", r"XYZ2020ttl\.csv, line 3: a row has more fields than the header \(12\)"),
    ("long_first_row", r"XYZ2020ttl\.csv, line 2 \(row 'TTL_01'\): 13 fields where the header has 12; the extra"),
])
def test_oecd_malformed(tmp_path, case, pattern):
    lines = oecd_lines()
    if case == "truncated":
        lines = lines[:3] + [lines[3][:12]]  # file cut in the middle of a line (inside a quoted code)
    elif case == "truncated_row":
        lines = lines[:3] + [lines[3][:20]]  # cut after a few numbers
    elif case == "header":
        lines[0] = lines[0].replace('""', '"code"', 1)
    elif case == "text":
        lines[2] = lines[2].replace(",10,", ",n/a,", 1)
    elif case == "duplicate_row":
        lines[2] = lines[2].replace("TTL_02", "TTL_01")
    elif case == "duplicate_col":
        lines[0] = lines[0].replace('"D01"', '"D02"')
    elif case == "long_row":
        lines[2] = lines[2] + ",7"  # one value too many
    elif case == "long_first_row":
        lines[1] = lines[1] + ",7"  # on the first data row pandas drops the extra value with only a warning
    elif case == "no_fd":
        lines = [",".join(line.split(",")[:3]) for line in lines]
    with pytest.raises(ReadError, match=pattern):
        vc.datasets.read(write(tmp_path, lines), format="oecd_national")


# ----------------------------------------------------------------------------- BEA
def bea_csv(name):
    return shared_data("bea_us_io", "csv", name)


@pytest.mark.parametrize("with_import_matrix", [False, True])
def test_bea_summary_2019_real(with_import_matrix):
    use = bea_csv("Summary_Use_2019_PRO_BeforeRedef_17sch.csv.gz")
    make = bea_csv("Summary_Make_2019_BeforeRedef_17sch.csv.gz")
    imp = bea_csv("Summary_Import_2019_BeforeRedef_17sch.csv.gz") if with_import_matrix else None
    t = vc.datasets.read(use, format="bea", make=make, imports=imp)
    raw = pd.read_csv(use, index_col=0)
    assert t.n == 71 and t.regions.tolist() == ["USA"] and t.meta.year == 2019
    assert t.sectors[0] == "111CA" and "GSLE" in t.sectors
    published_output = raw.loc["Total Industry Output", t.sectors].to_numpy()
    np.testing.assert_allclose(t.x.to_numpy(), published_output, rtol=1e-3)
    assert t.x.sum() == pytest.approx(published_output.sum(), rel=1e-6)
    # domestic + imported intermediate inputs = the Use table's total intermediate inputs
    inputs = t.Z.sum(axis=0) + t.primary_inputs("imports")
    commodities = raw.index[: raw.index.get_loc("Total Intermediate")]
    np.testing.assert_allclose(inputs.to_numpy(), raw.loc[commodities, t.sectors].sum().to_numpy(),
                               rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(inputs.to_numpy(), raw.loc["Total Intermediate", t.sectors].to_numpy(),
                               rtol=1e-3)  # BEA's published totals are rounded separately
    assert t.primary_inputs("imports").sum() > 0
    s = t.summary()
    assert s["max_row_imbalance_rel"] < 1e-3 and s["max_col_imbalance_rel"] < 1e-3


def test_bea_published_xlsx_use_table():
    path = shared_data("bea_us_io", "xlsx_original_inmap", "IOUse_Before_Redefinitions_PRO_1997-2015_Summary.xlsx")
    u = bea.read_bea_table(path, year=2012)
    coms, inds, final, va = bea._split(u)
    assert len(coms) == 73 and len(inds) == 71 and va == ["V001", "V002", "V003"]
    assert "F010" in final and "F050" in final and "111CA" in coms  # \xa0 padding stripped
    # published identity: total intermediate + total value added = total industry output
    np.testing.assert_allclose(u.loc["Total Intermediate", inds] + u.loc["Total Value Added", inds],
                               u.loc["Total Industry Output", inds], atol=1.5)
    assert u.loc["Total Industry Output", "111CA"] == 400924  # Farms, 2012 (USD million)


def write_bea_xlsx(path, codes_cols, rows, year="2012"):
    """A workbook in the BEA layout: title rows, code row, name row, data rows from row 8."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = year
    ws.append(["The Use of Commodities by Industries"])
    ws.append(["(Millions of dollars)"])
    ws.append(["Bureau of Economic Analysis"])
    ws.append([year])
    ws.append([])
    ws.append(["", "Commodities/Industries"] + codes_cols)
    ws.append(["IOCode", "Name"] + [f"name of {c}" for c in codes_cols])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def bea_fixture(tmp_path, bad_cell=None):
    use_rows = [
        ["\xa0A", "Goods", 10, 20, 20, 20, -10, 60],
        ["\xa0B", "Services", 5, "...", 35, 0, 0, 40],
        ["", "Total Intermediate", 15, 20, "...", "...", "...", "..."],
        ["\xa0V001", "Compensation", 50, 15, "...", "...", "...", "..."],
        ["", "Total Industry Output", 65, 35, "...", "...", "...", "..."],
    ]
    if bad_cell:
        use_rows[1][3] = bad_cell
    use = write_bea_xlsx(tmp_path / "use.xlsx", ["A", "B", "F010", "F040", "F050", "T007"], use_rows)
    make = write_bea_xlsx(tmp_path / "make.xlsx", ["A", "B", "T008"],
                          [["A", "Industry A", 60, 5, 65], ["B", "Industry B", 0, 35, 35]])
    return use, make


def test_bea_xlsx_fixture_hand_computed(tmp_path):
    use, make = bea_fixture(tmp_path)
    t = vc.datasets.read(use, format="bea", make=make, year=2012)
    # imports of A: 10 of (q 60 + m 10 - e 20) = 1/5 share; B made 5/45 by industry A
    np.testing.assert_allclose(t.primary_inputs("imports").to_numpy(), [2.0, 4.0])
    np.testing.assert_allclose(t.x.to_numpy(), [65, 35])
    assert t.Z.loc[("USA", "A"), ("USA", "A")] == pytest.approx(8 + 5 * 5 / 40)


def test_bea_malformed(tmp_path):
    use, make = bea_fixture(tmp_path, bad_cell="n.a.")
    with pytest.raises(ReadError, match=r"use\.xlsx \(sheet '2012', row 9, column 'B'\): expected a number, found 'n\.a\.'"):
        vc.datasets.read(use, format="bea", make=make, year=2012)
    use, make = bea_fixture(tmp_path)
    with pytest.raises(ReadError, match="needs the Make table"):
        vc.datasets.read(use, format="bea", year=2012)
    with pytest.raises(ReadError, match="no sheet '1999'"):
        vc.datasets.read(use, format="bea", make=make, year=1999)
    nofd = write_bea_xlsx(tmp_path / "nofd.xlsx", ["A", "B"], [["A", "Goods", 1, 2], ["B", "S", 3, 4]])
    with pytest.raises(ReadError, match=r"nofd\.xlsx: no final-use columns .*final-demand block is missing"):
        vc.datasets.read(nofd, format="bea", make=make, year=2012)


# ------------------------------------------------------------------- WIOD 2016 NIOT
def test_wiod2016_niot_usa_2014_real():
    from valuechain.datasets.niot import read_wiod2016_niot

    path = shared_data("wiod2016_niot", "original", "USA_NIOT_nov16.xlsx")
    t = read_wiod2016_niot(path, year=2014)
    assert t.n == 56 and t.regions.tolist() == ["USA"] and t.meta.year == 2014
    assert t.sectors[0] == "A01" and t.sectors[-1] == "U"
    assert t.x.sum() == pytest.approx(30_971_023.0)  # published GO, USD million
    # cross-check against the clptheory data frame of the domestic block
    dom = pd.read_csv(shared_data("wiod2016_niot", "csv", "usaiot.csv.gz"))
    dom = dom[dom["Year"] == 2014]
    np.testing.assert_allclose(t.Z.to_numpy().sum(), dom[list(t.sectors)].to_numpy(dtype=float).sum(), rtol=1e-9)
    s = t.summary()
    assert s["max_row_imbalance_rel"] < 1e-9 and s["max_col_imbalance_rel"] < 1e-9
    assert abs(t.primary_inputs("discrepancy")).max() < 1.0  # published rounding only


def test_wiod2016_niot_malformed(tmp_path):
    from valuechain.datasets.niot import read_wiod2016_niot

    head = ["Year", "Code", "Description", "Origin", "A01", "A02", "CONS_h", "GO"]
    df = pd.DataFrame([head, ["", "", "", "", "", "", "", ""], [2014, "A01", "x", "Domestic", 1, 2, 3, 6]])
    p = tmp_path / "XYZ_NIOT_nov16.xlsx"
    df.to_excel(p, sheet_name="National IO-tables", header=False, index=False)
    with pytest.raises(ReadError, match=r"XYZ_NIOT_nov16\.xlsx .*row 1: final-demand column\(s\) \['CONS_np'"):
        read_wiod2016_niot(p)
    with pytest.raises(ReadError, match="no sheet 'National IO-tables'"):
        df.to_excel(tmp_path / "other.xlsx", sheet_name="Sheet1", header=False, index=False)
        read_wiod2016_niot(tmp_path / "other.xlsx")
