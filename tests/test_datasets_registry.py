"""Dataset registry, download cache (offline: pre-seeded files, unreachable URLs) and `valuechain datasets`."""

from __future__ import annotations

import hashlib
import json

import pytest
from typer.testing import CliRunner

import valuechain as vc
from valuechain.cli import app
from valuechain.datasets import REGISTRY, Dataset
from valuechain.errors import DatasetError

OECD_CSV = (
    '"","D01","D02","HFCE","NPISH","GGFC","GFCF","INVNT","DPABR","CONS_NONRES","EXPO","IMPO"\n'
    '"TTL_01",10,20,50,0,0,0,0,0,0,30,-10\n"TTL_02",5,10,70,0,0,15,0,0,0,0,0\n'
    '"TXS_IMP_FNL",0,0,0,0,0,0,0,0,0,0,0\n"TXS_INT_FNL",1,2,0,0,0,0,0,0,0,0,0\n'
    '"TTL_INT_FNL",16,32,0,0,0,0,0,0,0,0,0\n"VALU",84,68,0,0,0,0,0,0,0,0,0\n'
    '"OUTPUT",100,100,0,0,0,0,0,0,0,0,0\n'
)
SHA = hashlib.sha256(OECD_CSV.encode()).hexdigest()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("VALUECHAIN_DATA", str(tmp_path / "cache"))
    added = []

    def reg(**kw):
        ds = vc.datasets.register(Dataset(**kw))
        added.append(ds.name)
        return ds

    yield tmp_path / "cache", reg
    for name in added:
        REGISTRY.pop(name, None)


def test_list_and_info():
    df = vc.datasets.list()
    for name in ("miller_blair", "testmrio", "brazil", "oecd_icio", "wiod2013", "wiod2016", "figaro",
                 "exiobase3", "eora26", "baci"):
        assert name in df.index
    assert df.loc["wiod2013", "format"] == "wiod2013" and df.loc["wiod2013", "kind"] == "manual"
    assert df.loc["baci", "format"] == "baci"
    ds = vc.datasets.info("exiobase3")
    assert ds.landing.startswith("https://") and ds.sha256 == ""  # no invented checksums
    with pytest.raises(DatasetError, match="Unknown dataset 'nope'; registered datasets: "):
        vc.datasets.info("nope")


def test_cache_dir_env(cache):
    root, _ = cache
    assert vc.datasets.cache_dir() == root


def test_manual_dataset_missing_says_where_to_get_and_put(cache):
    root, _ = cache
    with pytest.raises(DatasetError) as err:
        vc.datasets.fetch("wiod2013", 2011)
    msg = str(err.value)
    assert "https://www.rug.nl/ggdc/valuechain/wiod/wiod-2013-release" in msg
    assert str(root / "wiod2013" / "wiot2011.xlsx") in msg
    assert "valuechain datasets add wiod2013 PATH --year 2011" in msg
    with pytest.raises(DatasetError, match="no year 1990"):
        vc.datasets.fetch("wiod2013", 1990)


def test_add_registers_file_atomically_and_load_reads_it(cache, tmp_path):
    root, reg = cache
    reg(name="tiny_oecd", loader=None, description="test", kind="manual", format="oecd_national",
        landing="https://example.org", filename="XYZ2020ttl.csv", years=(2020,))
    f = tmp_path / "XYZ2020ttl.csv"
    f.write_text(OECD_CSV)
    vc.datasets.add("tiny_oecd", f, year=2020)
    data = json.loads((root / "registry.json").read_text())
    assert data == {"tiny_oecd": {"2020": str(f.resolve())}}
    assert not list(root.glob(".registry.json*"))  # no temporary left behind
    assert vc.datasets.fetch("tiny_oecd", 2020) == f.resolve()
    t = vc.datasets.load("tiny_oecd", year=2020)
    assert t.n == 2 and t.x.sum() == pytest.approx(200)
    with pytest.raises(DatasetError, match="no such file"):
        vc.datasets.add("tiny_oecd", tmp_path / "missing.csv")


def test_download_dataset_uses_preseeded_cache_without_network(cache):
    root, reg = cache
    reg(name="tiny_dl", loader=None, description="test", kind="download", format="oecd_national",
        url="http://127.0.0.1:9/v1/XYZ{year}ttl.csv", sha256={"2020": SHA}, filename="XYZ{year}ttl.csv",
        years=(2020,), landing="https://example.org/tiny")
    target = root / "tiny_dl" / "XYZ2020ttl.csv"
    target.parent.mkdir(parents=True)
    target.write_text(OECD_CSV)
    assert vc.datasets.fetch("tiny_dl", 2020) == target
    assert vc.datasets.load("tiny_dl", year=2020).meta.year == 2020
    target.write_text(OECD_CSV + "\n")  # corrupted / changed file: discarded, then the download is tried
    with pytest.raises(DatasetError, match="failed its SHA-256 check .*was discarded"):
        vc.datasets.fetch("tiny_dl", 2020)
    assert not target.exists()


def test_download_unreachable_url_gives_clear_error(cache):
    root, reg = cache
    reg(name="tiny_off", loader=None, description="test", kind="download", format="oecd_national",
        url="http://127.0.0.1:9/v1/XYZ{year}ttl.csv", sha256={"2020": SHA}, filename="XYZ{year}ttl.csv",
        years=(2020,), landing="https://example.org/tiny")
    with pytest.raises(DatasetError) as err:
        vc.datasets.fetch("tiny_off", 2020)
    msg = str(err.value)
    assert "Could not download dataset 'tiny_off' (year 2020) from http://127.0.0.1:9/v1/XYZ2020ttl.csv" in msg
    assert "https://example.org/tiny" in msg and str(root / "tiny_off" / "XYZ2020ttl.csv") in msg


def test_embedded_cannot_be_fetched_and_bad_kind(cache):
    _, reg = cache
    with pytest.raises(DatasetError, match="embedded"):
        vc.datasets.fetch("brazil", 2019)
    with pytest.raises(DatasetError, match="kind must be"):
        reg(name="bad", loader=None, description="x", kind="ftp", format="icio")


# ----------------------------------------------------------------------------- CLI
runner = CliRunner()


def test_cli_list_info_formats():
    r = runner.invoke(app, ["datasets", "list"])
    assert r.exit_code == 0 and "brazil" in r.output and "wiod2016" in r.output
    r = runner.invoke(app, ["datasets", "info", "brazil"])
    assert r.exit_code == 0 and "2010-2021" in r.output and "IBGE via iotbr" in r.output
    r = runner.invoke(app, ["datasets", "formats"])
    assert r.exit_code == 0 and "oecd_national" in r.output.split()


def test_cli_path_add_fetch(cache, tmp_path):
    root, _ = cache
    r = runner.invoke(app, ["datasets", "path"])
    assert r.exit_code == 0 and r.output.strip() == str(root)
    r = runner.invoke(app, ["datasets", "path", "wiod2013", "--year", "2011"])
    assert r.output.strip() == str(root / "wiod2013" / "wiot2011.xlsx")
    f = tmp_path / "wiot2011.xlsx"
    f.write_bytes(b"x")
    r = runner.invoke(app, ["datasets", "add", "wiod2013", str(f), "--year", "2011"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["datasets", "fetch", "wiod2013", "--year", "2011"])
    assert r.exit_code == 0 and r.output.strip() == str(f.resolve())


def test_cli_errors_exit_2_one_line(cache):
    r = runner.invoke(app, ["datasets", "fetch", "figaro", "--year", "2015"])
    assert r.exit_code == 2
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: Dataset 'figaro' (year 2015) is not on this machine")
    r = runner.invoke(app, ["datasets", "info", "nope"])
    assert r.exit_code == 2 and "Unknown dataset 'nope'" in r.output
