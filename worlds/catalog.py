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
from agents.specs import WorldSpec

WORLDS_DIR = Path(__file__).resolve().parent
AGENT_SECTIONS = ("neoclouds", "utilities", "customers", "contracts")


SCENARIOS_DIR = WORLDS_DIR / "scenarios"


def world_names() -> list[str]:
    """Names of the bundled worlds."""
    return sorted(p.stem for p in WORLDS_DIR.glob("*.toml"))


def world_path(world: str) -> Path:
    """A bundled world's file by name, or ``world`` itself as a path."""
    if world in world_names():
        return WORLDS_DIR / f"{world}.toml"
    path = Path(world)
    if path.suffix != ".toml" and not path.exists():
        raise ConfigError(world, "", f"expected a bundled world ({', '.join(world_names())}) "
                          "or a path to a .toml file")
    return path


def scenario_names() -> list[str]:
    """Names of the bundled scenario overlays."""
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.toml"))


def scenario_path(scenario: str) -> Path:
    """A bundled scenario's file by name, or ``scenario`` itself as a path."""
    if scenario in scenario_names():
        return SCENARIOS_DIR / f"{scenario}.toml"
    path = Path(scenario)
    if path.suffix != ".toml" and not path.exists():
        names = ", ".join(scenario_names()) or "none yet"
        raise ConfigError(scenario, "", f"expected a bundled scenario ({names}) "
                          "or a path to a .toml file")
    return path


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
