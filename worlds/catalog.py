"""Find worlds by name or path, and load them (with overrides) into a validated WorldSpec.

A world file may be an overlay on another world: ``[world] extends = "iren"`` (a bundled
name, or a path relative to the overlay) lays the file's tables over that world's, as a
scenario does, after removing what ``[world] remove`` lists: dotted keys of tables to
drop (``contracts.iren_microsoft``), and items of arrays of tables chosen by one of their
fields (``neoclouds.iren.convertibles.name=conv_2031``). A hindcast starts a world earlier
this way, taking out what was not known then.
"""

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
from abm.ranges import default_table
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


MAX_EXTENDS = 8
"""How deep a chain of world overlays may go (a loop is an error, not a hang)."""


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


def read_world(world: str) -> tuple[dict[str, Any], list[Path], dict[str, str]]:
    """A world's tables with the worlds it extends laid under it.

    Returns the tables, the files (itself first) and, for each key an overlay set, the
    file that set it (the bottom file's keys are not listed).
    """
    path = world_path(world)
    chain = [path]
    data = read_toml(path)
    layers = [data]
    while isinstance(data.get("world"), dict) and "extends" in data["world"]:
        base = data["world"]["extends"]
        if not isinstance(base, str) or not base:
            raise ConfigError(str(chain[-1]), "world.extends", "expected the name of a bundled "
                              "world or a path to a .toml file")
        relative = chain[-1].parent / base
        found = relative if base not in world_names() and relative.exists() else world_path(base)
        if found.resolve() in (p.resolve() for p in chain) or len(chain) > MAX_EXTENDS:
            raise ConfigError(str(chain[-1]), "world.extends", f"expected a chain of at most "
                              f"{MAX_EXTENDS} worlds without a loop, got {base!r} again")
        chain.append(found)
        data = read_toml(found)
        layers.append(data)
    merged = layers[-1]
    origin: dict[str, str] = {}
    for overlay, file in zip(reversed(layers[:-1]), reversed(chain[:-1]), strict=True):
        head = dict(overlay.get("world", {}))
        removals = head.pop("remove", [])
        head.pop("extends", None)
        merged = remove_keys(merged, removals, str(file))
        merged = deep_merge(merged, {**overlay, "world": head})
        origin.update(dict.fromkeys(leaf_keys({**overlay, "world": head}), str(file)))
    return merged, chain, origin


def remove_keys(data: dict[str, Any], keys: Any, source: str) -> dict[str, Any]:
    """A copy of ``data`` without the tables (and array items) ``keys`` name.

    A key is dotted; its last part may be ``FIELD=VALUE`` to drop the items of an array of
    tables whose ``FIELD`` is ``VALUE``. Every key must remove something.
    """
    if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
        raise ConfigError(source, "world.remove", "expected a list of dotted keys")
    out = deep_merge(data, {})
    for key in keys:
        *parents, last = key.split(".")
        node: Any = out
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        field, sep, wanted = last.partition("=")
        if sep and isinstance(node, list):
            kept = [item for item in node if not (isinstance(item, dict)
                                                   and str(item.get(field)) == wanted)]
            if len(kept) < len(node):
                node[:] = kept
                continue
        elif not sep and isinstance(node, dict) and last in node:
            del node[last]
            continue
        raise ConfigError(source, "world.remove", f"{key!r} names nothing in the world it "
                          "extends")
    return out


def load_world(
    world: str,
    overrides: Sequence[tuple[str, Any]] = (),
    scenarios: Sequence[str] = (),
) -> tuple[WorldSpec, Path]:
    """Read a world, lay scenario overlays then ``--set`` overrides on it, and validate.

    Every mistake is a ConfigError naming the file that brought the bad key: the world,
    a scenario, or ``--set``.
    """
    data, files, origin = read_world(world)
    path, bottom = files[0], str(files[-1])  # keys no overlay set come from the bottom file
    for scenario in scenarios:
        _description, overlay, scenario_file = read_scenario(scenario)
        data = deep_merge(data, overlay)
        origin.update(dict.fromkeys(leaf_keys(overlay), str(scenario_file)))
    for key, value in overrides:
        full = resolve_key(data, key)
        set_dotted(data, full, value, "--set", lambda parts: default_table(WorldSpec, parts))
        origin[full] = "--set"
    spec = validate(WorldSpec, data, bottom, origin)
    problem = spec.reference_problem()
    if problem:
        key, expected = problem
        raise ConfigError(source_of(key, origin, bottom), key, expected)
    return spec, path


def world_files(world: str) -> list[Path]:
    """A world's file and the files of the worlds it extends, itself first."""
    return read_world(world)[1]
