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
