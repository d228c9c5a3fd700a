"""World overlays: ``[world] extends`` lays a file over another world, ``remove`` takes out
tables and array items first; mistakes name the file that made them; a run remembers the
loaded world only while none of its files changed."""

import os
from pathlib import Path

import pytest

from abm.config import ConfigError
from worlds.catalog import WORLDS_DIR, load_world, read_world, remove_keys, world_files
from worlds.run import load_world_once

OVERLAY = """
[world]
extends = "{base}"
name = "later"
description = "an overlay"
start_date = 2025-12-01
remove = ["contracts.iren_microsoft", "neoclouds.iren.convertibles.name=conv_2031"]

[neoclouds.iren]
cash_usd = 2.5e9
"""


def write(folder: Path, text: str, name: str = "later.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_an_overlay_extends_a_bundled_world_and_removes_what_it_names(tmp_path: Path) -> None:
    path = write(tmp_path, OVERLAY.format(base="iren"))
    spec, found = load_world(str(path))
    assert found == path and spec.world.name == "later"
    assert spec.world.start_date.isoformat() == "2025-12-01"
    assert spec.world.until.isoformat() == "2030-12-31"  # inherited
    assert spec.neoclouds["iren"].cash_usd == 2.5e9
    assert spec.neoclouds["iren"].shares_outstanding == 272e6  # inherited
    assert "iren_microsoft" not in spec.contracts and "nebius_microsoft" in spec.contracts
    assert [n.name for n in spec.neoclouds["iren"].convertibles] == ["conv_2029", "conv_2030"]
    assert world_files(str(path)) == [path, WORLDS_DIR / "iren.toml"]
    origin = read_world(str(path))[2]
    assert origin["neoclouds.iren.cash_usd"] == str(path)


def test_an_overlay_may_extend_a_path_next_to_it_and_chains(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text((WORLDS_DIR / "iren.toml").read_text())
    middle = write(tmp_path, OVERLAY.format(base="base.toml"), "middle.toml")
    top = write(tmp_path, '[world]\nextends = "middle.toml"\nname = "top"\n'
                '[neoclouds.iren]\npue = 1.3\n', "top.toml")
    spec, _path = load_world(str(top))
    assert spec.world.name == "top" and spec.neoclouds["iren"].pue == 1.3
    assert spec.neoclouds["iren"].cash_usd == 2.5e9
    assert world_files(str(top)) == [top, middle, tmp_path / "base.toml"]


@pytest.mark.parametrize(("text", "key", "expected"), [
    ('[world]\nextends = "later.toml"\n', "world.extends", "without a loop"),
    ('[world]\nextends = 3\n', "world.extends", "expected the name of a bundled world"),
    ('[world]\nextends = "iren"\nremove = ["contracts.nowhere"]\n', "world.remove",
     "'contracts.nowhere' names nothing"),
    ('[world]\nextends = "iren"\nremove = ["neoclouds.iren.convertibles.name=conv_1999"]\n',
     "world.remove", "names nothing"),
    ('[world]\nextends = "iren"\nremove = "contracts"\n', "world.remove", "a list of dotted"),
])
def test_a_broken_overlay_names_itself_and_the_key(text: str, key: str, expected: str,
                                                   tmp_path: Path) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_world(str(path))
    assert info.value.source == str(path) and info.value.key == key
    assert expected in info.value.expected


def test_a_mistake_is_blamed_on_the_file_that_made_it(tmp_path: Path) -> None:
    bad_overlay = write(tmp_path, OVERLAY.format(base="iren") + "pue = 0.5\n")
    with pytest.raises(ConfigError) as info:
        load_world(str(bad_overlay))
    assert info.value.source == str(bad_overlay) and info.value.key == "neoclouds.iren.pue"
    (tmp_path / "base.toml").write_text((WORLDS_DIR / "iren.toml").read_text().replace(
        "pue = 1.2\n", "pue = 0.5\n", 1))
    inherits = write(tmp_path, OVERLAY.format(base="base.toml"), "child.toml")
    with pytest.raises(ConfigError) as info:
        load_world(str(inherits))
    assert info.value.source == str(tmp_path / "base.toml")
    assert info.value.key == "neoclouds.iren.pue"


def test_remove_keys_drops_tables_and_matching_items_only() -> None:
    data = {"a": {"b": 1, "c": 2}, "items": [{"name": "x"}, {"name": "y"}, {"name": "x"}]}
    out = remove_keys(data, ["a.b", "items.name=x"], "f")
    assert out == {"a": {"c": 2}, "items": [{"name": "y"}]}
    assert data["items"][0] == {"name": "x"} and "b" in data["a"]  # the input is untouched


def test_a_run_reloads_an_overlay_when_the_world_under_it_changes(tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    base.write_text((WORLDS_DIR / "iren.toml").read_text())
    path = write(tmp_path, OVERLAY.format(base="base.toml"))
    first, _ = load_world_once(str(path), [], [])
    assert load_world_once(str(path), [], [])[0] is first  # remembered
    base.write_text(base.read_text().replace("pue = 1.2\n", "pue = 1.25\n", 1))
    stat = base.stat()
    os.utime(base, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    again, _ = load_world_once(str(path), [], [])
    assert again is not first and again.neoclouds["iren"].pue == 1.25
