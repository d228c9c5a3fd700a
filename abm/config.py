"""Configuration as data: read TOML, apply dotted overrides, validate into typed objects.

Every mistake becomes a :class:`ConfigError` naming the file (or ``--set``), the dotted key
and what was expected, so the command line can print one line and exit with status 2.
A world file is parsed, never executed.
"""

from __future__ import annotations

import copy
import functools
import math
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pydantic

from abm.ranges import Range, range_at

MAX_FILE_BYTES = 10 * 1024 * 1024
M = TypeVar("M", bound=pydantic.BaseModel)


class ConfigError(Exception):
    """A user mistake in a configuration: where, which key, and what was expected."""

    def __init__(self, source: str, key: str, expected: str) -> None:
        super().__init__(source, key, expected)
        self.source = source
        self.key = key
        self.expected = expected

    def __str__(self) -> str:
        where = f"{self.source}: {self.key}" if self.key else self.source
        return f"{where}: {self.expected}"


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file into a dict, turning every way it can fail into a ConfigError."""
    name = str(path)
    if not path.exists():
        raise ConfigError(name, "", "file not found")
    if path.is_dir():
        raise ConfigError(name, "", "is a directory, expected a TOML file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ConfigError(name, "", f"file is {size / 1e6:.1f} MB, expected at most "
                              f"{MAX_FILE_BYTES / 1e6:.0f} MB for a world or scenario")
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(name, "", f"cannot be read ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(name, "", f"expected UTF-8 text, found byte 0x{raw[exc.start]:02x} "
                          f"at offset {exc.start}") from exc
    if not text.strip():
        raise ConfigError(name, "", "file is empty, expected TOML tables")
    try:
        return _copy_tables(_parse_toml(text))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(name, "", f"invalid TOML: {exc}") from exc


@functools.lru_cache(maxsize=16)
def _parse_toml(text: str) -> dict[str, Any]:
    """Parse TOML text, remembering the last few texts parsed.

    A Monte Carlo worker reads the same world file for every run; parsing it costs ~10x
    more than copying the parsed tables. Callers get a deep copy (they may change it), and
    the key is the text itself, so an edited file is parsed again.
    """
    return tomllib.loads(text)


def _copy_tables(tables: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of parsed TOML: its tables and arrays are new, its values immutable.

    Cheaper than ``copy.deepcopy``, which keeps a memo of shared objects: parsed TOML has none.
    """
    return {key: _copy_value(value) for key, value in tables.items()}


def _copy_value(value: Any) -> Any:
    if type(value) is dict:
        return _copy_tables(value)
    if type(value) is list:
        return [_copy_value(item) for item in value]
    return value  # str, int, float, bool, dates and times


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``key=value``; the value is read as a TOML value, or else kept as a string."""
    key, sep, value_text = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ConfigError("--set", text, "expected KEY=VALUE with a dotted key, e.g. "
                          "iren.cash_usd=2.5e9")
    value_text = value_text.strip()
    try:
        value = tomllib.loads(f"v = {value_text}")["v"]
    except tomllib.TOMLDecodeError:
        value = value_text
    return key, value


def deep_merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``base`` with ``overlay`` merged in (tables merge, other values replace)."""
    out = copy.deepcopy(dict(base))
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def set_dotted(data: dict[str, Any], key: str, value: Any, source: str,
               missing: Callable[[list[str]], dict[str, Any] | None] | None = None) -> None:
    """Set ``a.b.c`` (or ``a.list.0.c``) in nested tables.

    Every step must already exist, or be a table ``missing(parts)`` makes (a section the
    file left to its defaults).
    """
    parts = key.split(".")
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        child = _step(node, part)
        made = missing(parts[: depth + 1]) if child is None and missing is not None else None
        if made is not None and isinstance(node, dict):
            child = node[part] = made
        if not isinstance(child, dict | list):
            where = ".".join(parts[: depth + 1])
            raise ConfigError(source, key, f"no table {where!r}{_options(node)}")
        node = child
    last = parts[-1]
    if isinstance(node, list):
        if not last.isdigit() or int(last) >= len(node):
            raise ConfigError(source, key, f"expected an index below {len(node)}")
        node[int(last)] = value
    else:
        node[last] = value


def _step(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


def leaf_keys(table: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Dotted keys of the leaves of nested tables (an array counts as one leaf)."""
    keys: list[str] = []
    for name, value in table.items():
        full = f"{prefix}{name}"
        if isinstance(value, Mapping):
            keys.extend(leaf_keys(value, full + "."))
        else:
            keys.append(full)
    return keys


def source_of(key: str, origin: Mapping[str, str], default: str) -> str:
    """Which file (or ``--set``) brought ``key``: the latest layer that set it or below it."""
    found = default
    for set_key, source in origin.items():
        if key == set_key or key.startswith(set_key + ".") or set_key.startswith(key + "."):
            found = source
    return found


def validate(model: type[M], data: Mapping[str, Any], source: str,
             origin: Mapping[str, str] | None = None) -> M:
    """Validate ``data`` into ``model``; the first problem becomes a ConfigError.

    ``origin`` maps keys laid over the base file (by a scenario or ``--set``) to where
    they came from, so the error names that source rather than the base file.
    """
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        where = source_of(key, origin or {}, source)
        declared = range_at(model, err["loc"]) if err["type"] in _BOUNDS else None
        if declared is not None:
            raise ConfigError(where, key, f"expected a {_kind(declared)} in {declared} "
                              f"(its declared range), got {err.get('input')!r}") from None
        raise ConfigError(where, key, _expected(err)) from None


def _kind(declared: Range) -> str:
    return "whole number" if declared.whole else "number"


_PLAIN = {
    "float_type": "expected a number", "float_parsing": "expected a number",
    "int_type": "expected a whole number", "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number", "bool_type": "expected true or false",
    "bool_parsing": "expected true or false", "string_type": "expected text in quotes",
    "date_type": "expected a date YYYY-MM-DD", "date_parsing": "expected a date YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date YYYY-MM-DD",
    "finite_number": "expected a finite number", "dict_type": "expected a table",
    "model_type": "expected a table", "list_type": "expected a list",
    "too_short": "expected a longer list",
}
_BOUNDS = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
           "less_than": "<"}


def _expected(err: Any) -> str:
    kind, ctx, given = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()), "?")
        text = f"expected a number {_BOUNDS[kind]} {bound}"
    elif kind == "literal_error":
        text = f"expected one of {ctx.get('expected', '?')}"
    elif kind in _PLAIN:
        text = _PLAIN[kind]
    else:
        message = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        text = message[0].lower() + message[1:]
    if isinstance(given, float) and not math.isfinite(given):
        return f"expected a finite number, got {given}"
    if isinstance(given, dict | list) or kind in ("value_error", "assertion_error"):
        return text
    return f"{text}, got {given!r}"


def _options(node: Any) -> str:
    if isinstance(node, list):
        return f" (a list of {len(node)}: use an index 0-{len(node) - 1})"
    if isinstance(node, dict) and node:
        names = ", ".join(sorted(str(k) for k in node)[:12])
        return f" (found: {names})"
    return ""
