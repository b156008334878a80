"""The hostile-input corpus of issue 18: one small file (or folder) per reading defect.

``python tests/hostile/make_corpus.py OUTDIR`` writes every case into OUTDIR;
``tests/hostile/test_hostile_corpus.py`` regenerates them into a temporary folder
and checks each reader's answer (a clear ReadError naming the place, or the
correct result), that nothing outside the temporary folder changed, and (in a
subprocess) that the decompression bombs stay under 500 MB of peak memory.

Each case is ``CASES[name] = Case(write, read, expect, check, bomb)``:
``write(folder) -> path`` makes the input, ``read(path)`` runs the reader,
``expect`` is a regex the error message must match (None: the read must succeed
and ``check(result)`` hold), and ``bomb`` marks the cases measured for memory.
The bombs are 1 GiB when decompressed but about 1 MB on disk: their deflate
stream repeats one fully flushed block, so writing them costs milliseconds.
"""

from __future__ import annotations

import gzip
import json
import os
import pickle
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: the EXIOBASE fixture writer

GiB = 2**30
BACI_HEAD = "t,i,j,k,v,q\n"
CT_HEAD = "refYear,reporterISO,flowCode,partnerISO,cmdCode,primaryValue,netWgt\n"
LONG_HEAD = "block,row_region,row_sector,col_region,col_sector,value\n"
PASSWD = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"


@dataclass(frozen=True)
class Case:
    write: Callable[[Path], Path]
    read: Callable[[Path], Any]
    expect: str | None = None
    check: Callable[[Any], bool] | None = None
    bomb: bool = False


# --------------------------------------------------------------------------- bomb builders
def _deflate_repeat(block: bytes, times: int) -> tuple[bytes, int, int]:
    """Raw deflate of *block* repeated *times* (one fully flushed block, repeated), with CRC-32 and size."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)  # byte aligned, dictionary reset: repeatable
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # an empty final block
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return one * times + end, crc & 0xFFFFFFFF, len(block) * times


def write_gzip_bomb(path: Path, head: bytes, fill: bytes = b"\0", size: int = GiB) -> Path:
    """A gzip file: *head*, then *fill* repeated up to *size* bytes (written as two gzip members)."""
    block = fill * (1 << 20)
    data, crc, n = _deflate_repeat(block, size // len(block))
    with open(path, "wb") as fh:
        fh.write(gzip.compress(head))
        fh.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + data + struct.pack("<II", crc, n & 0xFFFFFFFF))
    return path


def write_zip_bomb(path: Path, members: dict[str, bytes | tuple[bytes, bytes, int]]) -> Path:
    """A zip whose members are small texts or (head, fill, size) streams of *size* bytes."""
    out = bytearray()
    central = bytearray()
    for name, spec in members.items():
        if isinstance(spec, bytes):
            data, crc, n = zlib.compress(spec, 9)[2:-4], zlib.crc32(spec) & 0xFFFFFFFF, len(spec)
        else:
            head, fill, size = spec
            block = fill * (1 << 20)
            rep, _, nrep = _deflate_repeat(block, size // len(block))
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH) + rep
            crc = zlib.crc32(head)
            for _ in range(nrep // len(block)):
                crc = zlib.crc32(block, crc)
            crc &= 0xFFFFFFFF
            n = len(head) + nrep
        fname = name.encode()
        zip64 = n >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, n, len(data)) if zip64 else b""
        usize, csize = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (n, len(data))
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0, crc, csize, usize, len(fname), len(extra))
        out += fname + extra + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0, crc, csize, usize,
                               len(fname), len(extra), 0, 0, 0, 0, offset) + fname + extra
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), cd_offset, 0)
    path.write_bytes(bytes(out))
    return path


# --------------------------------------------------------------------------- readers
def vc():
    import valuechain

    return valuechain


def baci(path: Path, **kw: Any):
    return vc().trade.read(path, format="baci", country_codes=False, **kw)


def comtrade(path: Path):
    return vc().trade.read(path, format="comtrade")


def generic(path: Path):
    return vc().datasets.read(path, format="generic")


def icio(path: Path):
    return vc().datasets.read(path, format="icio")


def exiobase(path: Path):
    return vc().datasets.read(path, format="exiobase3")


def trade_parquet(path: Path):
    return vc().trade.read(path, format="parquet")


def _text(name: str, body: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        p = folder / name
        p.write_text(body, encoding="utf-8")
        return p
    return write


def _bytes(name: str, body: bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        p = folder / name
        p.write_bytes(body)
        return p
    return write


def _baci(body: str, name: str = "BACI_HS92_Y2021_V202301.csv") -> Callable[[Path], Path]:
    return _text(name, BACI_HEAD + body)


def _ct(body: str, head: str = CT_HEAD, name: str = "comtrade.csv") -> Callable[[Path], Path]:
    return _text(name, head + body)


def _long(value: str, region: str = "A") -> Callable[[Path], Path]:
    return _text("long.csv", LONG_HEAD + f"Z,{region},s1,{region},s1,{value}\nZ,{region},s1,{region},s2,5\n"
                 f"Z,{region},s2,{region},s1,5\nZ,{region},s2,{region},s2,5\nY,{region},s1,{region},hh,50\n"
                 f"Y,{region},s2,{region},hh,50\n")


def _icio(cell: str, r: str = "AUS") -> Callable[[Path], Path]:
    return _text("ICIO_2020.csv", f"V1,{r}_A01,{r}_C10,{r}_HFCE,OUT\n{r}_A01,1,{cell},10,20\n{r}_C10,2,3,20,25\n"
                 "TLS,0,0,0,0\nVA,17,13,0,0\nOUT,20,25,0,0\n")


class _Marker:
    """Unpickling this writes a marker file: what an attacker's pickle would do."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (exec, (f"open({self.path!r}, 'w').write('code ran')",))


def write_exiobase_pickle(folder: Path) -> Path:
    from _exio_fixture import write_exiobase3

    fx = write_exiobase3(folder / "src", as_zip=False)
    root = fx["root"]
    (root / "A.pkl").write_bytes(pickle.dumps(_Marker(str(folder / "MARKER"))))
    para = json.loads((root / "file_parameters.json").read_text())
    para["files"]["A"]["name"] = "A.pkl"
    (root / "file_parameters.json").write_text(json.dumps(para))
    z = folder / "IOT_2011_ixi.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in sorted(root.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(root.parent).as_posix())
    return z


def write_exiobase_devzero(folder: Path) -> Path:
    from _exio_fixture import write_exiobase3

    fx = write_exiobase3(folder / "src", as_zip=False, store="Z")
    (fx["root"] / "Z.txt").unlink()
    os.symlink("/dev/zero", fx["root"] / "Z.txt")
    return fx["root"]


def write_exiobase_zip_bomb(folder: Path) -> Path:
    from _exio_fixture import write_exiobase3

    fx = write_exiobase3(folder / "src", as_zip=False, store="Z")
    root = fx["root"]
    members: dict[str, Any] = {}
    for f in sorted(root.rglob("*")):
        if f.is_file():
            members[f.relative_to(root.parent).as_posix()] = f.read_bytes()
    members[f"{root.name}/Z.txt"] = (b"region\t", b"\0", GiB)  # a /dev/zero-like member
    return write_zip_bomb(folder / "IOT_2011_ixi.zip", members)


def write_dense_bomb(folder: Path) -> Path:
    """1.7 MB of long-layout lines naming 30,001 nodes: a 6.7 GiB dense Z if allocated."""
    lines = [f"Z,R,s{i},R,s{i + 1},1" for i in range(30_000)] + ["Y,R,s0,R,hh,1"]
    p = folder / "long_dense.csv"
    p.write_text(LONG_HEAD + "\n".join(lines) + "\n")
    return p


def write_trade_parquet(folder: Path, **cols: Any) -> Path:
    """A trade parquet file; NaN written as NaN (pyarrow keeps it apart from null when not from pandas)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data: dict[str, Any] = {"year": [2020, 2020], "exporter": ["A", "B"], "importer": ["B", "A"],
                            "product": ["x", "x"], "value": [1.0, 2.0], "quantity": [1.0, None]}
    data.update(cols)
    p = folder / "trade.parquet"
    pq.write_table(pa.table({k: pa.array(v, from_pandas=False) for k, v in data.items()}), p)
    return p


def write_devzero_link(name: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        p = folder / name
        os.symlink("/dev/zero", p)
        return p
    return write


def write_xlsx_formula(folder: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [["block", "row_region", "row_sector", "col_region", "col_sector", "value"],
              ["Z", "A", "s1", "A", "s1", 150], ["Z", "A", "s1", "A", "s2", "=B9*2"], ["Z", "A", "s2", "A", "s1", 200],
              ["Z", "A", "s2", "A", "s2", 100], ["Y", "A", "s1", "A", "hh", 350], ["Y", "A", "s2", "A", "hh", 1700]]:
        ws.append(r)
    p = folder / "formula.xlsx"
    wb.save(p)  # openpyxl stores formulas without computed values
    return p


def _refuses_sql(tt) -> bool:
    import valuechain as v

    for q in ("SELECT * FROM read_text('/proc/self/environ')", "SELECT * FROM read_csv('/etc/passwd')"):
        try:
            tt.sql(q)
            return False
        except v.ParameterError:
            pass
    return True


CASES: dict[str, Case] = {
    # 1: code execution from an EXIOBASE parameter file
    "exiobase_pickle": Case(write_exiobase_pickle, exiobase, r"never unpickles"),
    # 4: non-finite and absurd numbers
    "baci_nan_value": Case(_baci("2021,4,710,10121,nan,1\n"), baci, r"line 2, column 'v': found 'nan'"),
    "baci_inf_value": Case(_baci("2021,4,710,10121,inf,1\n"), baci, r"line 2, column 'v': found 'inf'"),
    "baci_1e308_value": Case(_baci("2021,4,710,10121,1e308,1\n"), baci, r"line 2, column 'v': found '1e308'"),
    "baci_nan_quantity": Case(_baci("2021,4,710,10121,1,NaN\n"), baci, r"line 2, column 'q': found 'NaN'"),
    "comtrade_nan_value": Case(_ct("2020,FRA,M,DEU,4401,nan,1\n"), comtrade, r"line 2, column 'primaryValue'"),
    "comtrade_1e308_value": Case(_ct("2020,FRA,M,DEU,4401,1e308,1\n"), comtrade, r"found '1e308'"),
    "comtrade_json_nan": Case(_text("ct.json", '{"data": [{"refYear": 2020, "reporterISO": "FRA", "flowCode": "M", '
                                             '"partnerISO": "DEU", "cmdCode": "4401", "primaryValue": NaN}]}'),
                              comtrade, r"record 0, field 'primaryValue': found 'nan'"),
    "generic_nan": Case(_long("nan"), generic, r"line 2, column 6 \('value'\): non-finite value 'nan'"),
    "generic_1e308": Case(_long("1e308"), generic, r"out-of-range value '1e308'"),
    "matrix_1e308": Case(_icio("1e308"), icio, r"line 2 \(row 'AUS_A01'\), column 3 \('AUS_C10'\): value 1e\+308"),
    "matrix_1_000": Case(_icio("1_000"), icio, r"column 3 \('AUS_C10'\): text value '1_000'"),
    "parquet_nan_value": Case(lambda d: write_trade_parquet(d, value=[1.0, float("nan")]), trade_parquet,
                              r"row 2: a value or quantity is not finite"),
    "parquet_fractional_year": Case(lambda d: write_trade_parquet(d, year=[2020.0, 2020.6]), trade_parquet,
                                    r"row 2: the year is missing or not an integer"),
    # 5: fractional codes rounded into other entities
    "baci_fractional_exporter": Case(_baci("2021,4.5,710,10121,1,1\n"), baci, r"column 'i': found '4.5'"),
    "baci_fractional_product": Case(_baci("2021,4,710,3004.5,1,1\n"), baci, r"column 'k': found '3004.5'"),
    "baci_fractional_year": Case(_baci("2020.6,4,710,3004,1,1\n"), baci, r"column 't': found '2020.6'"),
    "baci_bad_value_without_validation": Case(
        _baci("2021,4,710,3004,1_000,1\n2021,4,711,3004,5,1\n"),
        lambda p: baci(p, validate=False, materialize=False).aggregate([]), r"a value breaks its column rule"),
    "comtrade_bad_value_without_validation": Case(
        _ct("2020,FRA,M,DEU,4401,1_000,1\n2020,FRA,M,BEL,4401,5,1\n"),
        lambda p: vc().trade.read(p, format="comtrade", validate=False).aggregate([]),
        r"breaks its column rule"),
    "baci_hex_code": Case(_baci("2021,0x10,710,3004,1,1\n"), baci, r"column 'i': found '0x10'"),
    "comtrade_fractional_year": Case(_ct("2020.6,FRA,M,DEU,4401,5,1\n"), comtrade, r"column 'refYear': found '2020.6'"),
    # NA-like strings stay labels
    "generic_namibia": Case(_long("5", region="NA"), generic, None, lambda t: list(t.regions) == ["NA"]),
    "matrix_namibia": Case(_icio("9", r="NA"), icio, None, lambda t: list(t.regions) == ["NA"]),
    "comtrade_namibia": Case(_ct("2020,NA,M,DEU,4401,5,1\n"), comtrade, None,
                             lambda tt: tt.labels("importer") == ["NA"]),
    # 8: xlsx formulas without a cached value
    "xlsx_formula_no_cache": Case(write_xlsx_formula, generic, r"cell F3 .*formula '=B9\*2' has no computed value"),
    # 9: Comtrade column ambiguity and underscores
    "comtrade_twin_columns": Case(_ct("2020,FRA,M,DEU,4401,5,6\n",
                                      head="refYear,reporterISO,flowCode,partnerISO,cmdCode,primaryValue,primary_value\n"),
                                  comtrade, r"columns 'primaryValue' and 'primary_value' both mean"),
    "comtrade_underscore_number": Case(_ct("2020,FRA,M,DEU,4401,1_000,1\n"), comtrade, r"found '1_000'"),
    # 10: resources
    "dense_long_layout": Case(write_dense_bomb, generic, r"needs 6.7 GiB as dense float64 matrices", bomb=True),
    "zip_header_line_1gib": Case(lambda d: write_zip_bomb(d / "ICIO_2020.zip", {"ICIO_2020.csv": (b"V1", b"a", GiB)}),
                                 icio, r"ICIO_2020.zip!ICIO_2020.csv: declares 1.0 GiB uncompressed", bomb=True),
    "zip_devzero_member": Case(write_exiobase_zip_bomb, exiobase, r"Z.txt: declares 1.0 GiB uncompressed", bomb=True),
    "gzip_bomb_baci": Case(lambda d: write_gzip_bomb(d / "BACI_HS92_Y2021_V202301.csv.gz", BACI_HEAD.encode()),
                           baci, r"expands to more than .* \(a zip bomb\?\)", bomb=True),
    "gzip_bomb_comtrade_json": Case(lambda d: write_gzip_bomb(d / "ct.json.gz", b'{"data": [', b" "),
                                    comtrade, r"ct.json.gz: .*(a zip bomb\?)", bomb=True),
    "devzero_baci": Case(write_devzero_link("BACI_HS92_Y2021_V202301.csv"), baci, r"not a regular file", bomb=True),
    "devzero_generic": Case(write_devzero_link("zero.csv"), generic, r"not a regular file", bomb=True),
    "devzero_matrix": Case(write_devzero_link("ICIO_2020.csv"), icio, r"not a regular file", bomb=True),
    "devzero_exiobase_folder": Case(write_exiobase_devzero, exiobase, r"Z.txt: not a regular file", bomb=True),
    # Smaller: malformed inputs that gave tracebacks, paths, echoes, SQL
    "baci_cr_only": Case(_bytes("BACI_HS92_Y2021_V202301.csv", b"t,i,j,k,v,q\r2021,4,710,3004,1,1\r"), baci,
                         r"bare carriage return"),
    "baci_binary": Case(_bytes("BACI_HS92_Y2021_V202301.csv", bytes(range(256)) * 8), baci,
                        r"line 1 \(header\): expected the BACI columns"),
    "baci_zero_rows": Case(_baci(""), baci, r"no data rows after the header line"),
    "comtrade_zero_rows": Case(_ct(""), comtrade, r"no data rows"),
    "comtrade_deep_json": Case(_text("deep.json", '{"data": ' + "[" * 50_000 + "]" * 50_000 + "}"), comtrade,
                               r"nested too deeply"),
    "brackets_in_path": Case(_baci("2021,4,710,3004,1.5,1\n", name="BACI_HS92_Y2021_V202301[1].csv"), baci, None,
                             lambda tt: tt.aggregate([])["value"].tolist() == [1.5]),
    "passwd_not_echoed": Case(_text("passwd", PASSWD), lambda p: vc().trade.read(p), r"line 1 \(header\)"),
    "sql_cannot_read_files": Case(_baci("2021,4,710,3004,1.5,1\n"), lambda p: baci(p, materialize=False), None,
                                  _refuses_sql),
    "where_is_not_sql": Case(_baci("2021,4,710,3004,1.5,1\n"),
                             lambda p: baci(p).aggregate([], where="value > 0; SELECT * FROM read_text('/etc/passwd')"),
                             r"unexpected character ';'"),
}


def write_all(out: Path) -> dict[str, Path]:
    """Write every case into its own subfolder of *out*; returns name -> input path."""
    paths = {}
    for name, case in CASES.items():
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        paths[name] = case.write(folder)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile_corpus")
    for name, path in write_all(target).items():
        print(f"{name}: {path}")
