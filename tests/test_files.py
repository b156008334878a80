"""Atomic writes leave nothing behind on failure."""

import pytest

from valuechain._files import atomic_path, write_text_atomic


def test_atomic_write(tmp_path):
    p = write_text_atomic(tmp_path / "a.txt", "hello")
    assert p.read_text() == "hello"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["a.txt"]


def test_failed_write_leaves_old_file(tmp_path):
    target = tmp_path / "b.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["b.txt"]


def test_keyboard_interrupt_cleans_up(tmp_path):
    target = tmp_path / "c.txt"
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
