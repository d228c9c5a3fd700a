"""Find worlds by name or path, and load them (with overrides) into a validated WorldSpec."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from abm.config import (
    ConfigError,
    deep_merge,
    leaf_keys,
    read_toml,
    set_dotted,
    source_of,
    validate,
)
from worlds.spec import WorldSpec

WORLDS_DIR = Path(__file__).resolve().parent
AGENT_SECTIONS = ("neoclouds", "utilities", "customers", "contracts")


SCENARIOS_DIR = WORLDS_DIR / "scenarios"


def _names(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.toml"))


def _bundled_or_path(name: str, folder: Path, what: str) -> Path:
    """A bundled file by name, or ``name`` itself as a path to a TOML file."""
    if name in _names(folder):
        return folder / f"{name}.toml"
    path = Path(name)
    if path.suffix != ".toml" and not path.exists():
        names = ", ".join(_names(folder)) or "none yet"
        raise ConfigError(name, "", f"expected a bundled {what} ({names}) "
                          "or a path to a .toml file")
    return path


def world_names() -> list[str]:
    """Names of the bundled worlds."""
    return _names(WORLDS_DIR)


def world_path(world: str) -> Path:
    """A bundled world's file by name, or ``world`` itself as a path."""
    return _bundled_or_path(world, WORLDS_DIR, "world")


def scenario_names() -> list[str]:
    """Names of the bundled scenario overlays."""
    return _names(SCENARIOS_DIR)


def scenario_path(scenario: str) -> Path:
    """A bundled scenario's file by name, or ``scenario`` itself as a path."""
    return _bundled_or_path(scenario, SCENARIOS_DIR, "scenario")


def read_scenario(scenario: str) -> tuple[str, dict[str, Any], Path]:
    """A scenario overlay: its one-line description and the tables it changes."""
    path = scenario_path(scenario)
    data = read_toml(path)
    head = data.pop("scenario", None)
    if not isinstance(head, dict) or not isinstance(head.get("description"), str):
        raise ConfigError(str(path), "scenario.description",
                          "expected a [scenario] table with a one-line description")
    extra = sorted(set(head) - {"description"})
    if extra:
        raise ConfigError(str(path), f"scenario.{extra[0]}", "unknown key")
    return head["description"], data, path


def resolve_key(data: Mapping[str, Any], key: str) -> str:
    """Expand a key that starts with an agent's name (``iren.cash_usd``) to its full path."""
    head = key.split(".", 1)[0]
    if head in data:
        return key
    for section in AGENT_SECTIONS:
        table = data.get(section)
        if isinstance(table, Mapping) and head in table:
            return f"{section}.{key}"
    return key


def load_world(
    world: str,
    overrides: Sequence[tuple[str, Any]] = (),
    scenarios: Sequence[str] = (),
) -> tuple[WorldSpec, Path]:
    """Read a world, lay scenario overlays then ``--set`` overrides on it, and validate.

    Every mistake is a ConfigError naming the file that brought the bad key: the world,
    a scenario, or ``--set``.
    """
    path = world_path(world)
    data = read_toml(path)
    origin: dict[str, str] = {}
    for scenario in scenarios:
        _description, overlay, scenario_file = read_scenario(scenario)
        data = deep_merge(data, overlay)
        origin.update(dict.fromkeys(leaf_keys(overlay), str(scenario_file)))
    for key, value in overrides:
        full = resolve_key(data, key)
        set_dotted(data, full, value, "--set")
        origin[full] = "--set"
    spec = validate(WorldSpec, data, str(path), origin)
    problem = spec.reference_problem()
    if problem:
        key, expected = problem
        raise ConfigError(source_of(key, origin, str(path)), key, expected)
    return spec, path
