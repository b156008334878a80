"""Download cache integrity (issue 11): checksums verified, corrupt and partial files
never kept, an interrupted fetch leaves no cache entry.

No test touches the network: a test dataset is registered with an unreachable
URL and pooch's downloader is replaced by local fakes that write good bytes,
wrong bytes, or half the bytes and then fail.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pooch.core
import pytest

import valuechain as vc
from valuechain.datasets import _registry, cache
from valuechain.errors import DatasetError

NAME = "_integrity_test"


@pytest.fixture
def payload(tmp_path_factory) -> bytes:
    """The bytes of a real valuechain parquet table (miller_blair)."""
    p = vc.datasets.load("miller_blair").to_parquet(tmp_path_factory.mktemp("src") / "mb.parquet")
    return p.read_bytes()


@pytest.fixture
def env(tmp_path, monkeypatch, payload):
    """An empty cache ($VALUECHAIN_DATA) and a registered 'download' dataset with a pinned SHA-256."""
    root = tmp_path / "cache"
    monkeypatch.setenv("VALUECHAIN_DATA", str(root))
    ds = _registry.Dataset(name=NAME, loader=None, description="integrity test", kind="download",
                           format="parquet", url="https://example.invalid/mb.parquet",
                           sha256=hashlib.sha256(payload).hexdigest(), filename="mb.parquet")
    monkeypatch.setitem(_registry.REGISTRY, NAME, ds)
    calls = []

    def use(downloader):
        def choose(url, progressbar=False):
            calls.append(url)
            return downloader
        monkeypatch.setattr(pooch.core, "choose_downloader", choose)

    return {"root": root, "folder": root / NAME, "target": root / NAME / "mb.parquet", "ds": ds, "use": use,
            "calls": calls}


def good(payload):
    def download(url, output_file, pooch_obj):
        Path(output_file).write_bytes(payload)
    return download


def corrupt(payload):
    def download(url, output_file, pooch_obj):
        Path(output_file).write_bytes(payload[:-10] + b"0123456789")
    return download


def interrupted(payload, exc):
    def download(url, output_file, pooch_obj):
        with open(output_file, "wb") as fh:
            fh.write(payload[: len(payload) // 2])
            fh.flush()
            raise exc
    return download


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_good_download_is_cached_once(env, payload):
    env["use"](good(payload))
    p = cache.fetch(NAME)
    assert p == env["target"] and p.read_bytes() == payload
    assert listing(env["folder"]) == ["mb.parquet"]  # no temporary file left beside it
    assert cache.fetch(NAME) == p and len(env["calls"]) == 1  # the second fetch uses the cache
    t = vc.datasets.load(NAME)
    assert t.x.tolist() == [1000.0, 2000.0]


def test_corrupt_download_is_discarded(env, payload):
    env["use"](corrupt(payload))
    with pytest.raises(DatasetError, match="checksum") as exc:
        cache.fetch(NAME)
    assert NAME in str(exc.value) and "https://example.invalid/mb.parquet" in str(exc.value)
    assert listing(env["folder"]) == []  # neither the file nor a temporary copy is kept
    env["use"](good(payload))  # a later good download works
    assert cache.fetch(NAME).read_bytes() == payload


@pytest.mark.parametrize("exc", [ConnectionError("connection reset"), OSError("disk full"),
                                 TimeoutError("read timed out")], ids=["connection", "oserror", "timeout"])
def test_interrupted_download_leaves_no_cache_entry(env, payload, exc):
    env["use"](interrupted(payload, exc))
    with pytest.raises(DatasetError, match="Could not download") as err:
        cache.fetch(NAME)
    assert type(exc).__name__ in str(err.value)
    assert listing(env["folder"]) == []
    env["use"](good(payload))
    assert cache.fetch(NAME).read_bytes() == payload


def test_keyboard_interrupt_during_download_leaves_no_cache_entry(env, payload):
    env["use"](interrupted(payload, KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):  # not swallowed into a DatasetError
        cache.fetch(NAME)
    assert listing(env["folder"]) == []
    env["use"](good(payload))
    assert cache.fetch(NAME).read_bytes() == payload


def test_corrupt_cache_entry_is_never_used(env, payload):
    """A cached file whose SHA-256 no longer matches (disk damage, a manual copy) is refused."""
    env["folder"].mkdir(parents=True)
    env["target"].write_bytes(payload[: len(payload) // 2])
    env["use"](good(payload))
    try:
        p = cache.fetch(NAME)
    except DatasetError as exc:
        assert str(env["target"]) in str(exc) and "SHA-256" in str(exc)
        return
    assert p.read_bytes() == payload  # or it was fetched again


def test_corrupt_cache_entry_is_discarded_and_fetched_again(env, payload):
    env["folder"].mkdir(parents=True)
    env["target"].write_bytes(payload[: len(payload) // 2])
    env["use"](good(payload))
    assert cache.fetch(NAME).read_bytes() == payload


def test_manual_dataset_file_is_checked_when_a_checksum_is_known(env, payload, monkeypatch):
    ds = _registry.Dataset(name=NAME, loader=None, description="manual", kind="manual", format="parquet",
                           sha256=hashlib.sha256(payload).hexdigest(), filename="mb.parquet")
    monkeypatch.setitem(_registry.REGISTRY, NAME, ds)
    env["folder"].mkdir(parents=True)
    env["target"].write_bytes(payload[:100])
    with pytest.raises(DatasetError, match="SHA-256"):
        cache.fetch(NAME)


def test_download_is_never_attempted_for_manual_datasets(env, payload, monkeypatch):
    ds = _registry.Dataset(name=NAME, loader=None, description="manual", kind="manual", format="parquet",
                           landing="https://example.invalid/page", filename="mb.parquet")
    monkeypatch.setitem(_registry.REGISTRY, NAME, ds)
    env["use"](good(payload))
    with pytest.raises(DatasetError, match="cannot be downloaded automatically") as exc:
        cache.fetch(NAME)
    assert str(env["target"]) in str(exc.value)  # says where to put the file
    assert env["calls"] == []


def test_interrupted_registry_write_keeps_the_old_registry(env, payload, tmp_path, monkeypatch):
    f1, f2 = tmp_path / "a.parquet", tmp_path / "b.parquet"
    f1.write_bytes(payload)
    f2.write_bytes(payload)
    cache.add(NAME, f1)
    reg = env["root"] / cache.REGISTRY_FILE
    before = reg.read_bytes()

    def boom(src, dst):
        raise KeyboardInterrupt

    with monkeypatch.context() as m, pytest.raises(KeyboardInterrupt):
        m.setattr(os, "replace", boom)
        cache.add(NAME, f2)
    assert reg.read_bytes() == before
    assert listing(env["root"]) == sorted([cache.LOCK_FILE, cache.REGISTRY_FILE])  # no temporary file left
    assert json.loads(before)[NAME]["*"] == str(f1.resolve())


def test_damaged_registry_is_a_clear_error(env):
    env["root"].mkdir(parents=True)
    reg = env["root"] / cache.REGISTRY_FILE
    reg.write_text('{"x": {"*": "/data/a.csv"', encoding="utf-8")  # truncated JSON
    with pytest.raises(DatasetError, match="registry.json") as exc:
        cache.registered_files()
    assert str(reg) in str(exc.value)


SLOW_FETCH = r"""
import hashlib, sys, time
from pathlib import Path
import pooch.core
from valuechain.datasets import _registry, cache

payload = Path(sys.argv[1]).read_bytes()
_registry.REGISTRY["{name}"] = _registry.Dataset(
    name="{name}", loader=None, description="", kind="download", format="parquet",
    url="https://example.invalid/mb.parquet", sha256=hashlib.sha256(payload).hexdigest(), filename="mb.parquet")

def slow(url, output_file, pooch_obj):
    with open(output_file, "wb") as fh:
        for k in range(0, len(payload), 64):
            fh.write(payload[k:k + 64]); fh.flush()
            if k == 0:
                print("started", flush=True)
            time.sleep(0.05)

pooch.core.choose_downloader = lambda url, progressbar=False: slow
if sys.argv[2] == "cli":  # the real command line: `valuechain datasets fetch NAME`
    from valuechain.cli import app
    sys.argv = ["valuechain", "datasets", "fetch", "{name}"]
    app()
else:
    cache.fetch("{name}")
print("finished", flush=True)
"""


@pytest.mark.parametrize("mode,sig", [("library", "SIGINT"), ("cli", "SIGINT"), ("cli", "SIGTERM")])
def test_killed_fetch_leaves_no_cache_entry(tmp_path, payload, mode, sig):
    """A process killed in the middle of a download leaves nothing in the cache folder.

    (A bare library process killed by SIGTERM has no handler, so Python cannot clean up;
    the CLI turns SIGTERM into KeyboardInterrupt, so both signals unwind there.)
    """
    import signal
    import subprocess
    import sys

    src = tmp_path / "payload.parquet"
    src.write_bytes(payload)
    script = tmp_path / "slow_fetch.py"
    script.write_text(SLOW_FETCH.replace("{name}", NAME), encoding="utf-8")
    root = tmp_path / "cache"
    env = dict(os.environ, VALUECHAIN_DATA=str(root), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, str(script), str(src), mode], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        assert proc.stdout.readline().strip() == "started"  # the download is under way
        folder = root / NAME
        assert any(folder.iterdir())  # a temporary file exists right now
        proc.send_signal(getattr(signal, sig))
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert listing(root / NAME) == []  # the temporary file was removed, no entry was created
