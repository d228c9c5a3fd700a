"""Worlds loaded once per process: the same spec while the files stay, a fresh one after."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from abm.config import ConfigError
from worlds.catalog import world_path
from worlds.run import load_world_once


def test_the_same_files_and_overrides_give_the_same_spec_object() -> None:
    first, _ = load_world_once("iren", [("iren.pue", 1.3)], ["power_crunch"])
    again, _ = load_world_once("iren", [("iren.pue", 1.3)], ["power_crunch"])
    other, _ = load_world_once("iren", [("iren.pue", 1.25)], ["power_crunch"])
    assert again is first
    assert other is not first and other.neoclouds["iren"].pue == 1.25


def test_an_edited_world_file_is_read_again(tmp_path: Path) -> None:
    copy = tmp_path / "w.toml"
    shutil.copy(world_path("iren"), copy)
    before, _ = load_world_once(str(copy), [], [])
    text = copy.read_text()
    assert "pue = 1.2\n" in text
    copy.write_text(text.replace("pue = 1.2\n", "pue = 1.21\n", 1))
    os.utime(copy, ns=(0, copy.stat().st_mtime_ns + 1_000_000))  # a later stamp, surely
    after, _ = load_world_once(str(copy), [], [])
    assert after is not before
    assert [n.pue for n in after.neoclouds.values()] != [n.pue for n in before.neoclouds.values()]


def test_a_missing_world_file_is_still_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.toml"):
        load_world_once(str(tmp_path / "nowhere.toml"), [], [])
