"""Atomic result files: in place whole or not at all, readable like any new file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from abm.files import FILE_MODE, atomic_write_bytes


def test_a_result_file_has_the_mode_open_would_give(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    atomic_write_bytes(target, b"{}")
    plain = tmp_path / "plain.json"
    plain.write_bytes(b"{}")
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    assert stat.S_IMODE(target.stat().st_mode) == FILE_MODE


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "bands.parquet"
    atomic_write_bytes(target, b"old")

    def boom(fh: object) -> None:
        raise RuntimeError("half way")

    from abm.files import atomic_write

    with pytest.raises(RuntimeError, match="half way"):
        atomic_write(target, boom)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["bands.parquet"]
