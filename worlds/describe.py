"""Describe a world: every parameter with its value, unit and source, one row per leaf.

The validated WorldSpec is walked (sections, tables of sections, arrays of tables, tables
of numbers); each leaf gets the unit its name carries (``_mw`` -> MW, ...) and the source
closest to it: its own table's ``sources`` entry, else the entry an enclosing table gives
for the sub-table it sits in (``grid.sources.supplies`` covers every supply). A key
absent from the world file took its code default, said as ``default (NF): <description>``;
a key a scenario or ``--set`` changed says so, with the base value. A figure (a number or
a date) in the file with no source at all shows ``(no source)``; names and switches, ``-``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel

from abm.config import leaf_keys, source_of
from worlds.catalog import load_world, read_scenario, read_world, resolve_key
from worlds.ranges import valid_range
from worlds.spec import WorldSpec

FORMATS = ("table", "csv", "json")
NO_SOURCE = "(no source)"
VALUE_WIDTH_MAX = 16  # longer values (names, descriptions) overflow the aligned column
MISSING = object()

# Unit by the end of a parameter's name, first match wins (so longer suffixes come first).
# Statistical qualifiers (_min, _max, _median, _mean) are stripped before the lookup.
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_sigma", "log-sd"),
    ("_usd_per_gpu_hour", "USD/GPU-h"),
    ("_usd_per_kw_month", "USD/kW-month"),
    ("_usd_per_mwh", "USD/MWh"),
    ("_per_mwh", "USD/MWh"),
    ("_usd_per_mw", "USD/MW"),
    ("_usd_per_month", "USD/month"),
    ("_usd_per_gpu", "USD/GPU"),
    ("_mw_per_year", "MW/yr"),
    ("_gpus_per_quarter", "GPUs/quarter"),
    ("kw_it_per_gpu", "kW IT/GPU"),
    ("_j_per_th", "J/TH"),
    ("blocks_per_day", "blocks/day"),
    ("_share_per_month", "fraction/month"),
    ("_per_year", "1/yr"),
    ("_monthly", "probability/month"),
    ("_annual", "1/yr"),
    ("_usd", "USD"),
    ("_mw", "MW"),
    ("_ehs", "EH/s"),
    ("shares_outstanding", "shares"),
    ("node_shares", "weight"),
    ("_share", "fraction"),
    ("_probability", "probability"),
    ("_discount", "fraction"),
    ("_markup", "fraction"),
    ("_weight", "fraction"),
    ("utilization", "fraction"),
    ("_rate", "fraction/yr"),
    ("_scale", "x"),
    ("_date", "date"),
    ("_days", "days"),
    ("_years", "years"),
    ("_months", "months"),
    ("_hours", "hours"),
    ("_btc", "BTC"),
    ("_blocks", "blocks"),
    ("block_height", "blocks"),
    ("_df", "dof"),
    ("_slots", "studies"),
    ("_count", "count"),
    ("gpus", "GPUs"),
    ("tranches", "count"),
    ("pue", "ratio"),
)
_QUALIFIERS = ("_min", "_max", "_median", "_mean")


@dataclass(frozen=True)
class Row:
    """One parameter: dotted key, value, unit, source and valid range.

    The range is the one a number may take in this world (``[lo, hi]``, see
    :mod:`worlds.ranges`); ``-`` for anything else.
    """

    key: str
    value: Any
    unit: str
    source: str
    range: str = "-"


def unit_of(name: str, value: Any = None) -> str:
    """The unit a parameter's name (or, for dates and switches, its value) carries."""
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, bool):
        return "on/off"
    stem = next((name.removesuffix(q) for q in _QUALIFIERS if name.endswith(q)), name)
    for suffix, unit in UNIT_SUFFIXES:
        if name.endswith(suffix) or stem.endswith(suffix):
            return unit
    return "-"


def describe_world(world: str, scenarios: Sequence[str] = (),
                   overrides: Sequence[tuple[str, Any]] = ()) -> list[Row]:
    """Every leaf parameter of ``world`` (with overlays) as rows, in the spec's order."""
    spec, _path = load_world(world, overrides, scenarios)
    base = read_world(world)[0]
    before = (load_world(world)[0] if scenarios or overrides else spec).model_dump()
    origin: dict[str, str] = {}
    for scenario in scenarios:
        _description, overlay, scenario_file = read_scenario(scenario)
        origin.update(dict.fromkeys(leaf_keys(overlay), f"scenario {scenario_file.stem}"))
    for key, _value in overrides:
        origin[resolve_key(base, key)] = "--set"
    described: dict[str, str] = {}
    _collect_descriptions(type(spec), "", described)
    data = spec.model_dump()
    return [Row(key, value, unit_of(name, value),
                _source(key, note, base, origin, described, before),
                _range(spec, key, value, data))
            for key, name, value, note in _leaves(spec, "", ())]


def _range(spec: WorldSpec, key: str, value: Any, data: Mapping[str, Any]) -> str:
    """The valid range of a numeric parameter as text ('-' for anything else)."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        valid = valid_range(spec, key, data)
        return "-" if valid is None else str(valid)
    return "-"


Notes = tuple[str | None, ...]  # candidate sources, nearest first: own table, then enclosing


def _leaves(model: BaseModel, prefix: str,
            inherited: Notes) -> Iterator[tuple[str, str, Any, Notes]]:
    """(key, field name, value, candidate sources) for each leaf below ``model``."""
    own: dict[str, str] = getattr(model, "sources", {})
    for name in type(model).model_fields:
        if name == "sources":
            continue
        value = getattr(model, name)
        key = f"{prefix}{name}"
        notes: Notes = (own.get(name), *inherited)
        if isinstance(value, BaseModel):
            yield from _leaves(value, key + ".", notes)
        elif isinstance(value, dict) and any(isinstance(v, BaseModel) for v in value.values()):
            for child, item in value.items():
                yield from _leaves(item, f"{key}.{child}.", notes)
        elif isinstance(value, list) and any(isinstance(v, BaseModel) for v in value):
            for i, item in enumerate(value):
                yield from _leaves(item, f"{key}.{i}.", notes)
        elif isinstance(value, dict) and value:
            for child, item in value.items():
                yield f"{key}.{child}", name, item, notes
        else:
            yield key, name, value, notes


def _source(key: str, notes: Notes, base: Mapping[str, Any], origin: Mapping[str, str],
            described: Mapping[str, str], before: Mapping[str, Any]) -> str:
    changed = source_of(key, origin, "")
    if changed:
        was = _lookup(before, key)
        return f"{changed} (base: {'absent' if was is MISSING else format_value(was)})"
    own = notes[0]
    if own is not None:
        return own
    if _lookup(base, key) is MISSING:
        return f"default (NF): {_description(key, described) or 'the code default'}"
    found = next((n for n in notes if n is not None), None)
    if found is not None:
        return found
    return NO_SOURCE if is_figure(_lookup(base, key)) else "-"


def is_figure(value: Any) -> bool:
    """Whether a value is a figure that needs a source: a number or a date, not a switch."""
    return isinstance(value, int | float | dt.date) and not isinstance(value, bool)


def _lookup(data: Any, key: str) -> Any:
    """The raw value at a dotted key of parsed TOML (list items by index), or MISSING."""
    node = data
    for part in key.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def _description(key: str, described: Mapping[str, str]) -> str:
    """The pydantic Field description of the leaf at ``key`` (found on the spec types)."""
    parts = key.split(".")
    for pattern, text in described.items():  # table keys and list indices are wildcards
        pat = pattern.split(".")
        if len(pat) == len(parts) and all(p in ("*", q) for p, q in zip(pat, parts, strict=True)):
            return text
    return ""


def _collect_descriptions(model: type[BaseModel], prefix: str, out: dict[str, str]) -> None:
    for name, field in model.model_fields.items():
        if name == "sources":
            continue
        key = f"{prefix}{name}"
        out[key] = field.description or ""
        for sub, wildcard in _nested_models(field.annotation):
            _collect_descriptions(sub, f"{key}.*." if wildcard else f"{key}.", out)


def _nested_models(annotation: Any) -> Iterator[tuple[type[BaseModel], bool]]:
    """Models inside a field's type: (model, whether keyed by a table key or list index)."""
    origin = getattr(annotation, "__origin__", None)
    args: tuple[Any, ...] = getattr(annotation, "__args__", ())
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, False
    elif origin in (dict, list):
        for arg in args:
            for sub, _ in _nested_models(arg):
                yield sub, True
    else:
        for arg in args:  # unions such as FleetSpec | None
            yield from _nested_models(arg)


# --- formatting -------------------------------------------------------------------------
def format_value(value: Any) -> str:
    """A value as a person reads it: thousands separated, dates ISO, lists joined."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:.6g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(format_value(v) for v in value)
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def grep_rows(rows: Sequence[Row], text: str) -> list[Row]:
    """Rows whose key or value contains ``text`` (case-insensitive)."""
    needle = text.lower()
    return [r for r in rows
            if needle in r.key.lower() or needle in format_value(r.value).lower()]


def render(rows: Sequence[Row], fmt: str) -> str:
    """Rows as an aligned table, CSV or JSON."""
    if fmt == "json":
        return json.dumps([{**asdict(r), "value": _plain(r.value)} for r in rows], indent=1)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(("key", "value", "unit", "range", "source"))
        for r in rows:
            writer.writerow((r.key, format_value(r.value), r.unit, r.range, r.source))
        return buffer.getvalue().rstrip("\n")
    cells = [("key", "value", "unit", "range", "source")] + [
        (r.key, format_value(r.value), r.unit, r.range, r.source) for r in rows]
    widths = [max(len(c[0]) for c in cells),
              max((len(c[1]) for c in cells if len(c[1]) <= VALUE_WIDTH_MAX), default=5),
              max(len(c[2]) for c in cells), max(len(c[3]) for c in cells)]
    return "\n".join(f"{k:<{widths[0]}}  {v:>{widths[1]}}  {u:<{widths[2]}}  "
                     f"{r:<{widths[3]}}  {s}" for k, v, u, r, s in cells)
