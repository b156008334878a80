"""Issue 18's hostile-input corpus: each case gives the clear error (or the correct result),
touches nothing outside its temporary folder, and no bomb takes more than 500 MB."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import valuechain as vc
from make_corpus import CASES, write_all

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PEAK_MB = 500


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return root, write_all(root)


def _snapshot(root: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for f in filenames:
            p = Path(dirpath, f)
            try:
                st = p.lstat()
            except OSError:
                continue
            out[str(p)] = (st.st_size, st.st_mtime_ns)
    return out


_REPO_SKIP = (".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis")


@pytest.mark.parametrize("name", list(CASES))
def test_case(name, corpus, tmp_path, monkeypatch):
    root, paths = corpus
    case = CASES[name]
    monkeypatch.chdir(tmp_path)  # an empty working folder: nothing may appear in it
    before = (_snapshot(root / name), _snapshot(REPO, _REPO_SKIP))
    if case.expect is None:
        result = case.read(paths[name])
        assert case.check is None or case.check(result), f"{name}: wrong result {result!r}"
    else:
        with pytest.raises(vc.ValueChainError) as err:
            case.read(paths[name])
        msg = str(err.value)
        assert re.search(case.expect, msg), f"{name}: {msg}"
        assert "\n" not in msg and "Traceback" not in msg
        assert "root:x:0:0" not in msg  # file content is never echoed beyond a short excerpt
    assert (_snapshot(root / name), _snapshot(REPO, _REPO_SKIP)) == before, f"{name} changed files"
    assert list(tmp_path.iterdir()) == []
    assert not (root / name / "MARKER").exists()  # the pickle case: no code ran


def test_the_pickle_case_is_real(corpus):
    """pymrio's own parser runs the corpus pickle (in the corpus folder only): the case tests something."""
    pymrio = pytest.importorskip("pymrio")
    root, paths = corpus
    marker = root / "exiobase_pickle" / "MARKER"
    try:
        pymrio.parse_exiobase3(paths["exiobase_pickle"])
    except Exception:  # noqa: BLE001 - pymrio fails after unpickling
        pass
    assert marker.exists()
    marker.unlink()


def test_line_cap_applies_to_every_text_reader(tmp_path):
    long = "x" * 5000
    files = {"baci": ("BACI_HS92_Y2021_V202301.csv", "t,i,j,k,v,q\n2021,4,710,1,1," + long + "\n"),
             "comtrade": ("c.csv", "refYear,reporterISO,flowCode,partnerISO,cmdCode,primaryValue\n2020,FRA,M,DEU,1,"
                          + long + "\n"),
             "generic": ("g.csv", "block,row_region,row_sector,col_region,col_sector,value\nZ,A,s,A,s," + long + "\n"),
             "icio": ("ICIO_2020.csv", "V1,A_B," + long + "\nA_B,1\n")}
    with vc.limits(max_line_bytes=1024):
        for fmt, (fname, text) in files.items():
            p = tmp_path / fname
            p.write_text(text)
            with pytest.raises(vc.ReadError, match=r"(line|longer than).*1[.,]0(24| KiB)|longer than 1.0 KiB|1,024 bytes"):
                if fmt in ("baci", "comtrade"):
                    vc.trade.read(p, format=fmt, **({"country_codes": False} if fmt == "baci" else {}))
                else:
                    vc.datasets.read(p, format=fmt)


def test_xlsx_is_parsed_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML, "defusedxml must be installed so that openpyxl parses xlsx XML safely"


_MEASURE = r"""
import json, re, resource, sys
sys.path[:0] = [{here!r}, {tests!r}]
from pathlib import Path
import valuechain as vc
from make_corpus import CASES
paths = json.loads({paths!r})
peaks = {{}}
for name, p in paths.items():
    try:
        CASES[name].read(Path(p))
        ok = False
    except vc.ValueChainError as exc:
        ok = bool(re.search(CASES[name].expect, str(exc)))
    peaks[name] = (ok, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
print(json.dumps(peaks))
"""


@pytest.mark.slow
def test_bombs_stay_under_500_mb(corpus):
    _, paths = corpus
    bombs = {k: str(p) for k, p in paths.items() if CASES[k].bomb}
    assert len(bombs) >= 8
    code = _MEASURE.format(here=str(HERE), tests=str(HERE.parent), paths=json.dumps(bombs))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    peaks = json.loads(r.stdout.strip().splitlines()[-1])
    import resource

    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    for name, (ok, mb) in peaks.items():
        assert ok, f"{name}: not refused with the expected message"
        assert mb < PEAK_MB, f"{name}: peak RSS {mb} MB"
    assert max(mb for _, mb in peaks.values()) < PEAK_MB
    assert child_peak > 0
