"""Malformed files: every multi-regional reader raises ReadError naming the file and the place.

Cases per reader: truncated file, wrong header, a text value in a number
column, duplicated codes, a missing final-demand block.  Never a raw pandas /
numpy / openpyxl traceback.
"""

from __future__ import annotations

import zipfile

import pytest

import valuechain as vc
from _mrio_fixtures import write_eora, write_figaro, write_icio, write_wiot, _csv


def _rw(p, fn):
    lines = p.read_text().splitlines()
    lines = fn(lines)
    p.write_text("\n".join(lines) + "\n")


def _set_cell(lines, i, j, value, sep=","):
    cells = lines[i].split(sep)
    cells[j] = value
    lines[i] = sep.join(cells)
    return lines


# ------------------------------------------------------------------ CSV matrix layouts (ICIO, FIGARO)

def _icio(tmp_path):
    p = tmp_path / "2018_SML.csv"
    write_icio(p, "2023")
    return p, "icio"


def _figaro(tmp_path):
    p = tmp_path / "matrix_eu-ic-io_ind-by-ind_24ed_2021.csv"
    write_figaro(p)
    return p, "figaro"


MATRIX = [_icio, _figaro]


@pytest.mark.parametrize("make", MATRIX)
def test_truncated_csv(tmp_path, make):
    p, fmt = make(tmp_path)
    text = p.read_text()
    cut = text.index("\n", len(text) // 2) + 7  # cut in the middle of a line
    p.write_text(text[:cut])
    with pytest.raises(vc.ReadError) as e:
        vc.datasets.read(p, format=fmt)
    msg = str(e.value)
    assert p.name in msg and "line" in msg and ("truncated" in msg or "no row" in msg)


@pytest.mark.parametrize("make", MATRIX)
def test_truncated_at_line_boundary(tmp_path, make):
    p, fmt = make(tmp_path)
    _rw(p, lambda ls: ls[:3])  # header + two data rows: node columns without rows
    with pytest.raises(vc.ReadError, match=rf"{p.name}.*(no row|truncated)"):
        vc.datasets.read(p, format=fmt)


@pytest.mark.parametrize("make", MATRIX)
def test_wrong_header(tmp_path, make):
    p, fmt = make(tmp_path)
    _rw(p, lambda ls: ["a;b;c;d"] + ls[1:])
    with pytest.raises(vc.ReadError, match=p.name):
        vc.datasets.read(p, format=fmt)


@pytest.mark.parametrize("make", MATRIX)
def test_text_in_number_column(tmp_path, make):
    p, fmt = make(tmp_path)
    header = p.read_text().splitlines()[0].split(",")
    _rw(p, lambda ls: _set_cell(ls, 2, 3, "n/a"))
    with pytest.raises(vc.ReadError) as e:
        vc.datasets.read(p, format=fmt)
    msg = str(e.value)
    row = p.read_text().splitlines()[2].split(",")[0]
    assert p.name in msg and "line 3" in msg and "column 4" in msg and "'n/a'" in msg
    assert repr(row) in msg and repr(header[3]) in msg


@pytest.mark.parametrize("make", MATRIX)
def test_non_finite_value(tmp_path, make):
    p, fmt = make(tmp_path)
    _rw(p, lambda ls: _set_cell(ls, 2, 2, "inf"))
    with pytest.raises(vc.ReadError, match=r"line 3 .*column 3 .*non-finite value 'inf'"):
        vc.datasets.read(p, format=fmt)


@pytest.mark.parametrize("make", MATRIX)
def test_duplicated_codes(tmp_path, make):
    p, fmt = make(tmp_path)

    def dup_row(ls):
        ls[3] = ",".join([ls[2].split(",")[0]] + ls[3].split(",")[1:])
        return ls

    _rw(p, dup_row)
    with pytest.raises(vc.ReadError, match=rf"{p.name}: duplicated row label .*lines 3 and 4"):
        vc.datasets.read(p, format=fmt)
    (tmp_path / "b").mkdir()
    p2, _ = make(tmp_path / "b")
    _rw(p2, lambda ls: [",".join(ls[0].split(",")[:2] + [ls[0].split(",")[1]] + ls[0].split(",")[3:])] + ls[1:])
    with pytest.raises(vc.ReadError, match=r"duplicated column label .*columns 1 and 2"):
        vc.datasets.read(p2, format=fmt)


@pytest.mark.parametrize("make", MATRIX)
def test_missing_final_demand(tmp_path, make):
    p, fmt = make(tmp_path)
    text = p.read_text().splitlines()
    head = text[0].split(",")
    keep = [j for j, lab in enumerate(head) if not any(k in lab for k in ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT",
                                                                         "DPABR", "P3_", "P51G", "P5M"))]
    p.write_text("\n".join(",".join(line.split(",")[j] for j in keep) for line in text) + "\n")
    with pytest.raises(vc.ReadError, match=rf"{p.name}: .*no final-demand block"):
        vc.datasets.read(p, format=fmt)


@pytest.mark.parametrize("make", MATRIX)
def test_unknown_row_label(tmp_path, make):
    p, fmt = make(tmp_path)
    _rw(p, lambda ls: ls[:-1] + ["TOTALLY_UNKNOWN" + ls[-1][ls[-1].index(","):]])
    with pytest.raises(vc.ReadError, match=r"line \d+ \(row 'TOTALLY_UNKNOWN'\): unknown row label"):
        vc.datasets.read(p, format=fmt)


@pytest.mark.parametrize("make", MATRIX)
def test_empty_and_missing_file(tmp_path, make):
    p, fmt = make(tmp_path)
    p.write_text("")
    with pytest.raises(vc.ReadError, match=rf"{p.name}: the file is empty"):
        vc.datasets.read(p, format=fmt)
    with pytest.raises(vc.ReadError, match="no such file"):
        vc.datasets.read(tmp_path / "nope.csv", format=fmt)


# ------------------------------------------------------------------ Eora26 (tab-separated, no labels)

def test_eora_malformed(tmp_path):
    target, _ = write_eora(tmp_path / "e1", 2015)
    t = target / "Eora26_2015_bp_T.txt"
    lines = t.read_text().splitlines()
    lines[1] = "\t".join(lines[1].split("\t")[:-2])  # truncated line
    t.write_text("\n".join(lines) + "\n")
    with pytest.raises(vc.ReadError, match=r"Eora26_2015_bp_T.txt: line 2: line is truncated"):
        vc.datasets.read(target, format="eora26")
    target, _ = write_eora(tmp_path / "e2", 2015)
    t = target / "Eora26_2015_bp_FD.txt"
    lines = t.read_text().splitlines()
    lines[2] = "\t".join(["x1"] + lines[2].split("\t")[1:])  # text value
    t.write_text("\n".join(lines) + "\n")
    with pytest.raises(vc.ReadError, match=r"Eora26_2015_bp_FD.txt: line 3, column 1: text value 'x1'"):
        vc.datasets.read(target, format="eora26")
    target, _ = write_eora(tmp_path / "e3", 2015)
    (target / "Eora26_2015_bp_FD.txt").unlink()  # missing final-demand block
    with pytest.raises(vc.ReadError, match=r"Eora26_2015_bp_FD.txt; found none"):
        vc.datasets.read(target, format="eora26")
    target, _ = write_eora(tmp_path / "e4", 2015)
    lab = target / "labels_T.txt"
    ls = lab.read_text().splitlines()
    lab.write_text("\n".join(ls[:-1]) + "\n")  # wrong header: labels do not match the matrix
    with pytest.raises(vc.ReadError, match=r"does not match the label files"):
        vc.datasets.read(target, format="eora26")
    target, _ = write_eora(tmp_path / "e5", 2015)
    ls = (target / "labels_T.txt").read_text().splitlines()
    ls[1] = ls[0]  # duplicated codes
    (target / "labels_T.txt").write_text("\n".join(ls) + "\n")
    with pytest.raises(vc.LabelError, match=r"Eora26_2015_bp_T.txt: .*duplicated"):
        vc.datasets.read(target, format="eora26")


# ------------------------------------------------------------------ WIOD WIOT workbooks

@pytest.mark.parametrize("release", ["2013", "2016"])
def test_wiot_malformed(tmp_path, release):
    import openpyxl

    fmt = f"wiod{release}"

    def make(name):
        p = tmp_path / name
        write_wiot(p, release)
        return p

    # text value in a number cell
    p = make("text.xlsx")
    wb = openpyxl.load_workbook(p)
    wb.active.cell(row=8, column=6, value="abc")
    wb.save(p)
    with pytest.raises(vc.ReadError, match=r"text.xlsx\[WIOT2011\]: line 8 .*column 6 .*text value 'abc'"):
        vc.datasets.read(p, format=fmt)
    # wrong header: c-code row missing
    p = make("header.xlsx")
    wb = openpyxl.load_workbook(p)
    wb.active.delete_rows(6)
    wb.save(p)
    with pytest.raises(vc.ReadError, match=r"header.xlsx.*not the WIOT layout"):
        vc.datasets.read(p, format=fmt)
    # duplicated codes
    p = make("dup.xlsx")
    wb = openpyxl.load_workbook(p)
    ws = wb.active
    for col in range(1, 5):
        ws.cell(row=8, column=col, value=ws.cell(row=7, column=col).value)
    wb.save(p)
    with pytest.raises(vc.ReadError, match=r"dup.xlsx.*duplicated row label .*lines 7 and 8"):
        vc.datasets.read(p, format=fmt)
    # missing final-demand block: delete the FD columns
    p = make("nofd.xlsx")
    wb = openpyxl.load_workbook(p)
    ws = wb.active
    n = 6
    ws.delete_cols(5 + n, 10)
    wb.save(p)
    with pytest.raises(vc.ReadError, match=r"nofd.xlsx.*no final-demand block"):
        vc.datasets.read(p, format=fmt)
    # truncated / not a workbook
    p = make("trunc.xlsx")
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(vc.ReadError, match=r"trunc.xlsx: not a readable .xlsx workbook"):
        vc.datasets.read(p, format=fmt)


# ------------------------------------------------------------------ generic

def _long(tmp_path, rows, name="g.csv"):
    p = tmp_path / name
    p.write_text(_csv(rows))
    return p


HEAD = ["block", "row_region", "row_sector", "col_region", "col_sector", "value"]
GOOD = [["Z", "A", "s1", "A", "s1", "1"], ["Z", "A", "s1", "A", "s2", "2"], ["Z", "A", "s2", "A", "s1", "3"],
        ["Z", "A", "s2", "A", "s2", "4"], ["Y", "A", "s1", "A", "hh", "5"], ["Y", "A", "s2", "A", "hh", "6"]]


def test_generic_malformed(tmp_path):
    p = _long(tmp_path, [HEAD] + GOOD[:3] + [["Z", "A", "s2", "A", "s2", "four"]] + GOOD[4:], "text.csv")
    with pytest.raises(vc.ReadError, match=r"text.csv: line 5, column 6 \('value'\): text value 'four'"):
        vc.datasets.read(p, format="generic")
    p = _long(tmp_path, [HEAD] + GOOD + [GOOD[1]], "dup.csv")
    with pytest.raises(vc.ReadError, match=r"dup.csv: line 8: duplicated entry .*line 3"):
        vc.datasets.read(p, format="generic")
    p = _long(tmp_path, [HEAD] + GOOD[:4], "nofd.csv")
    with pytest.raises(vc.ReadError, match=r"nofd.csv: no final-demand block"):
        vc.datasets.read(p, format="generic")
    p = _long(tmp_path, [["blk", "from", "to", "value"]] + [r[:4] for r in GOOD], "header.csv")
    with pytest.raises(vc.ReadError, match=r"header.csv: "):
        vc.datasets.read(p, format="generic")
    with pytest.raises(vc.ReadError, match=r"header.csv: line 1: long layout lacks column"):
        vc.datasets.read(p, format="generic", layout="long")
    p = tmp_path / "trunc.csv"
    p.write_text(_csv([HEAD] + GOOD)[:-9])
    with pytest.raises(vc.ReadError, match=r"trunc.csv"):
        vc.datasets.read(p, format="generic")


# ------------------------------------------------------------------ EXIOBASE 3 (our own text parser)

def test_exiobase_malformed(tmp_path):
    z = tmp_path / "IOT_2011_ixi.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("IOT_2011_ixi/Z.txt", "not\ta\ttable\n")
    with pytest.raises(vc.ReadError, match=r"IOT_2011_ixi.zip: no file_parameters.json"):
        vc.datasets.read(z, format="exiobase3")
    bad = tmp_path / "IOT_2012_ixi.zip"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(vc.ReadError, match=r"IOT_2012_ixi.zip"):
        vc.datasets.read(bad, format="exiobase3")
