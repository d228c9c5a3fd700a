"""Find worlds by name or path, and load them (with overrides) into a validated WorldSpec."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from abm.config import ConfigError, read_toml, set_dotted, validate
from agents.specs import WorldSpec

WORLDS_DIR = Path(__file__).resolve().parent
AGENT_SECTIONS = ("neoclouds", "utilities", "customers", "contracts")


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


def load_world(world: str, overrides: Sequence[tuple[str, Any]] = ()) -> tuple[WorldSpec, Path]:
    """Read, override and validate a world; every mistake is a ConfigError."""
    path = world_path(world)
    data = read_toml(path)
    keys: list[str] = []
    for key, value in overrides:
        full = resolve_key(data, key)
        set_dotted(data, full, value, "--set")
        keys.append(full)
    spec = validate(WorldSpec, data, str(path), keys)
    problem = spec.reference_problem()
    if problem:
        key, expected = problem
        overridden = any(key == k or key.startswith(k + ".") or k.startswith(key + ".")
                         for k in keys)
        raise ConfigError("--set" if overridden else str(path), key, expected)
    return spec, path
