"""Fuzz the world loader: whatever the bytes or values, a ConfigError or a valid world."""

import math
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abm.config import ConfigError, validate
from worlds.catalog import WORLDS_DIR, load_world
from worlds.spec import WorldSpec

BASE_TEXT = (WORLDS_DIR / "iren.toml").read_text()
BASE = tomllib.loads(BASE_TEXT)


def leaves(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in leaves(v, (*prefix, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in leaves(v, (*prefix, i))]
    return [prefix]


LEAVES = [p for p in leaves(BASE) if "sources" not in p]

junk = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                         max_size=2),
    st.dates())


def replaced(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = tomllib.loads(BASE_TEXT)
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(LEAVES), junk)
def test_any_value_anywhere_is_a_config_error_or_a_valid_world(path: tuple[Any, ...],
                                                                value: Any) -> None:
    data = replaced(path, value)
    try:
        spec = validate(WorldSpec, data, "fuzz.toml")
        spec.reference_problem()
    except ConfigError as exc:
        text = str(exc)
        assert text.startswith("fuzz.toml") and "\n" not in text
        if isinstance(value, float) and not math.isfinite(value):
            assert "finite" in text or "number" in text or "expected" in text


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_escape_as_a_traceback(payload: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.toml"
        path.write_bytes(payload)
        try:
            load_world(str(path))
        except ConfigError as exc:
            assert str(exc).startswith(str(path))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(BASE_TEXT) - 1), st.integers(1, 200))
def test_truncated_and_spliced_files(cut: int, span: int) -> None:
    text = BASE_TEXT[:cut] + BASE_TEXT[cut + span:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.toml"
        path.write_text(text)
        try:
            load_world(str(path))
        except ConfigError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
