"""Fuzzing every reader: bad bytes give our error type naming the file, never a raw traceback or a hang."""

from __future__ import annotations

import importlib
import os
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuechain as vc
from _props import counted
from valuechain.datasets import FORMATS

SECONDS_PER_CASE = 10
#: random inputs per reader; `make fuzz` raises it for a deeper search
FUZZ_CASES = int(os.environ.get("VC_FUZZ_CASES", "25"))


def available_formats():
    out = []
    for fmt, target in FORMATS.items():
        mod = target.split(":")[0]
        try:
            importlib.import_module(f"valuechain.datasets.{mod}")
        except ModuleNotFoundError:
            continue
        out.append(fmt)
    return out


@contextmanager
def time_limit(seconds):
    def handler(signum, frame):
        raise TimeoutError(f"reader took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, handler)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def check_reader(fmt, path):
    with time_limit(SECONDS_PER_CASE):
        try:
            vc.datasets.read(path, format=fmt)
        except vc.ValueChainError as exc:
            assert path.name in str(exc), f"{fmt}: message does not name the file: {exc}"
            return
    # a reader may accept some inputs (e.g. a generic layout that happens to parse); then it must be an IOTable


texts = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300),
    st.lists(st.lists(st.one_of(st.text(max_size=8), st.floats(allow_nan=True), st.integers()), max_size=6),
             max_size=8).map(lambda rows: "\n".join(",".join(map(str, r)) for r in rows)),
)
SPECIAL = [b"", b"\x00" * 64, b"\xff\xfe" + "région,secteur\n".encode("utf-16-le"), b"a,b,c\n1,2", b"PK\x03\x04garbage",
           ("x," * 50 + "\n" + "1e309," * 50).encode(), b"\n\n\n", "ÄÖÜ;ß\n1;2".encode("latin-1"),
           b",\n,", b"a,b\nx,\ny,"]  # the last two once gave a read-only array from pandas


@pytest.mark.parametrize("fmt", available_formats())
@pytest.mark.parametrize("k", range(len(SPECIAL)))
def test_special_inputs(fmt, k, tmp_path):
    p = tmp_path / f"bad_{k}.csv"
    p.write_bytes(SPECIAL[k])
    check_reader(fmt, p)


@pytest.mark.parametrize("fmt", available_formats())
def test_random_inputs(fmt, tmp_path_factory):
    base = tmp_path_factory.mktemp(f"fuzz_{fmt}")

    @settings(max_examples=FUZZ_CASES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(texts)
    @counted
    def fuzz(data):
        p = base / "fuzzed.csv"
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
        check_reader(fmt, p)

    fuzz.__name__ = f"fuzz_{fmt}"
    fuzz()


def test_missing_file_named(tmp_path):
    for fmt in available_formats():
        with pytest.raises(vc.ReadError, match="nope.csv"):
            vc.datasets.read(tmp_path / "nope.csv", format=fmt)


# --------------------------------------------------------------------------- trade and parquet readers
TRADE_NAMES = {"baci": "BACI_HS92_Y2021_V202301.csv", "comtrade": "comtrade.csv", "comtrade_json": "comtrade.json",
               "parquet": "trade.parquet"}
CELLS = st.sampled_from(["2021", "4", "710", "10121", "4.5", "3004.5", "2020.6", "nan", "inf", "-inf", "1e308",
                         "1_000", "0x10", "NA", "", " 7 ", "-3", "True", "1,5", '"x"', "\x00", "é"])
BACI_TEXTS = st.lists(st.lists(CELLS, min_size=0, max_size=8), max_size=6).map(
    lambda rows: "t,i,j,k,v,q\n" + "\n".join(",".join(r) for r in rows))
COMTRADE_TEXTS = st.lists(st.lists(CELLS, min_size=0, max_size=8), max_size=6).map(
    lambda rows: "refYear,reporterISO,flowCode,partnerISO,cmdCode,primaryValue,netWgt\n"
                 + "\n".join(",".join(r) for r in rows))
JSON_TEXTS = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=6),
                          lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids,
                                                                                      max_size=6),
                          max_leaves=20).map(lambda o: __import__("json").dumps({"data": [o] if isinstance(o, dict)
                                                                                  else o}))


def _valid_trade_parquet(tmp_path) -> bytes:
    import pandas as pd

    p = tmp_path / "valid.parquet"
    vc.TradeTable.from_frame(pd.DataFrame({"year": [2020, 2021], "exporter": ["A", "B"], "importer": ["B", "A"],
                                           "product": ["x", "y"], "value": [1.0, 2.0]})).to_parquet(p)
    return p.read_bytes()


def check_trade_reader(fmt, path):
    with time_limit(SECONDS_PER_CASE):
        try:
            tt = vc.trade.read(path, format="parquet" if fmt == "parquet" else fmt.split("_")[0],
                               **({"country_codes": False} if fmt == "baci" else {}))
            total = tt.aggregate([])["value"].tolist()
        except vc.ValueChainError as exc:
            assert path.name in str(exc), f"{fmt}: message does not name the file: {exc}"
            return
    import math

    assert all(math.isfinite(v) for v in total), f"{fmt}: accepted a non-finite total {total}"


@pytest.mark.parametrize("fmt", list(TRADE_NAMES))
def test_random_trade_inputs(fmt, tmp_path_factory):
    base = tmp_path_factory.mktemp(f"fuzz_trade_{fmt}")
    valid = _valid_trade_parquet(base) if fmt == "parquet" else b""
    structured = {"baci": BACI_TEXTS, "comtrade": COMTRADE_TEXTS, "comtrade_json": JSON_TEXTS,
                  "parquet": st.tuples(st.integers(0, max(len(valid) - 1, 0)), st.binary(min_size=1, max_size=8),
                                       st.booleans()).map(
                      lambda t: (valid[:t[0]] if t[2] else valid[:t[0]] + t[1] + valid[t[0] + len(t[1]):]))}[fmt]

    @settings(max_examples=FUZZ_CASES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(texts, structured))
    @counted
    def fuzz(data):
        p = base / TRADE_NAMES[fmt]
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
        check_trade_reader(fmt, p)

    fuzz.__name__ = f"fuzz_trade_{fmt}"
    fuzz()


@pytest.mark.parametrize("reader", ["generic", "iotable"])
def test_mutated_parquet_for_io_readers(reader, tmp_path_factory):
    """Byte flips and truncations of a valid parquet file: a ReadError naming the file, or a valid table."""
    import pandas as pd

    base = tmp_path_factory.mktemp(f"fuzz_pq_{reader}")
    src = base / "valid.parquet"
    if reader == "generic":
        pd.DataFrame({"block": ["Z", "Y"], "row_region": ["A", "A"], "row_sector": ["s", "s"],
                      "col_region": ["A", "A"], "col_sector": ["s", "hh"], "value": [1.0, 2.0]}).to_parquet(src)
    else:
        vc.datasets.load("miller_blair").to_parquet(src)
    valid = src.read_bytes()

    @settings(max_examples=FUZZ_CASES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.integers(0, len(valid) - 1), st.binary(min_size=1, max_size=8), st.booleans())
    @counted
    def fuzz(at, junk, truncate):
        p = base / "fuzzed.parquet"
        p.write_bytes(valid[:at] if truncate else valid[:at] + junk + valid[at + len(junk):])
        fmt = "generic" if reader == "generic" else "parquet"
        with time_limit(SECONDS_PER_CASE):
            try:
                vc.datasets.read(p, format=fmt)
            except vc.ValueChainError as exc:
                assert p.name in str(exc), f"{fmt}: message does not name the file: {exc}"

    fuzz.__name__ = f"fuzz_parquet_{reader}"
    fuzz()


# --------------------------------------------------------------------------- activity (regional employment) readers
def check_activity_reader(reader, path):
    from valuechain.clusters import activity

    with time_limit(SECONDS_PER_CASE):
        try:
            getattr(activity, reader)(path)
        except vc.ValueChainError as exc:
            assert path.name in str(exc), f"{reader}: message does not name the file: {exc}"


ACTIVITY_READERS = ["read_activity", "read_abs_eiat", "read_bea_employment"]


@pytest.mark.parametrize("reader", ACTIVITY_READERS)
@pytest.mark.parametrize("k", range(len(SPECIAL)))
def test_special_activity_inputs(reader, k, tmp_path):
    p = tmp_path / f"bad_{k}.csv"
    p.write_bytes(SPECIAL[k])
    check_activity_reader(reader, p)


@pytest.mark.parametrize("reader", ACTIVITY_READERS)
def test_random_activity_inputs(reader, tmp_path_factory):
    base = tmp_path_factory.mktemp(f"fuzz_{reader}")

    @settings(max_examples=FUZZ_CASES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(texts)
    @counted
    def fuzz(data):
        p = base / "fuzzed.csv"
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
        check_activity_reader(reader, p)

    fuzz.__name__ = f"fuzz_{reader}"
    fuzz()


@pytest.mark.parametrize("reader,parts", [
    ("read_bea_employment", ("us_regional_bea", "State_Employment_2009_2018_SAEMP25N.csv.gz")),
    ("read_abs_eiat", ("australia_abs_eiat", "csv", "work_state_employment_by_industry_2011_2016_2021.csv.gz")),
])
def test_mutated_real_activity_files(reader, parts, tmp_path_factory):
    """Byte flips, cut lines and swapped cells in the head of a real published file: our error naming it, or a table."""
    import gzip

    from conftest import shared_data

    head = gzip.decompress(shared_data(*parts).read_bytes()).splitlines(keepends=True)[:60]
    base = tmp_path_factory.mktemp(f"mut_{reader}")

    @settings(max_examples=FUZZ_CASES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.tuples(st.integers(0, 59), st.integers(0, 200), st.binary(min_size=1, max_size=3)),
                    min_size=1, max_size=4), st.integers(2, 60))
    @counted
    def fuzz(edits, keep):
        lines = list(head[:keep])
        for i, j, b in edits:
            if i < len(lines):
                ln = lines[i]
                lines[i] = ln[:j] + b + ln[j + len(b):]
        name = "State_Employment_SAEMP25N.csv" if reader == "read_bea_employment" else \
            "work_state_employment_by_industry_2021.csv"
        p = base / name
        p.write_bytes(b"".join(lines))
        check_activity_reader(reader, p)

    fuzz.__name__ = f"mutate_{reader}"
    fuzz()
