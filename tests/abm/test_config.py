import tomllib
from pathlib import Path

from abm.config import read_toml

WORLD = Path(__file__).resolve().parents[2] / "worlds" / "iren.toml"


def test_read_toml_gives_a_fresh_parse_every_time_even_after_a_caller_changed_one() -> None:
    fresh = tomllib.loads(WORLD.read_text(encoding="utf-8"))
    first = read_toml(WORLD)
    assert first == fresh
    first["world"]["name"] = "changed"
    first["neoclouds"]["iren"]["fleet"] = None
    first["neoclouds"].pop("nebius")
    again = read_toml(WORLD)
    assert again == fresh
    assert again is not first and again["neoclouds"] is not first["neoclouds"]


def test_an_edited_file_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text("[a]\nx = 1\n", encoding="utf-8")
    assert read_toml(path) == {"a": {"x": 1}}
    path.write_text("[a]\nx = 2\n", encoding="utf-8")
    assert read_toml(path) == {"a": {"x": 2}}
