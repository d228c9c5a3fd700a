"""The valid range of every numeric parameter of a world, and checks against it.

A parameter's *declared* range is its spec's ``Field(ge=..., le=...)`` (see
:mod:`abm.ranges`). Some parameters are also bounded by others of the same world: a
site's energized MW by its secured MW (less the interconnects still to come), a
convertible's cap price from below by its conversion price, a tender's least MW by its
most. A parameter's *valid* range in a world is its declared range narrowed by those
relations, holding the world's other values where they are: any value in it loads and
runs. ``abm describe`` shows it; ``--vary`` ranges are checked against it before any run.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from abm.config import ConfigError
from abm.ranges import Range, range_at
from worlds.catalog import load_world, resolve_key
from worlds.spec import WorldSpec

ORDERED: tuple[tuple[str, str, str], ...] = (
    ("utilities.*.background", "request_mw_min", "request_mw_median"),
    ("utilities.*.background", "request_mw_median", "request_mw_max"),
    ("customers.*", "tender_mw_min", "tender_mw_max"),
    ("markets.converts", "premium_boom", "premium_max"),
    ("markets.converts", "premium_digestion", "premium_max"),
    ("markets.converts", "premium_bust", "premium_max"),
    ("neoclouds.*.convertibles.*", "conversion_price_usd", "cap_price_usd"),
    ("pipeline.candidates.*", "powered_mw", "prospective_mw"),
    ("markets.converts", "premium_max", "cap_premium"),
)
"""(table, lower, upper): within each table matching the pattern, lower <= upper."""


def declared_range(key: str) -> Range | None:
    """The range a world's spec declares for the full dotted ``key`` (None: not a number)."""
    return range_at(WorldSpec, key.split("."))


def lookup(data: Any, key: str) -> Any:
    """The value at a dotted key of dumped spec data (list items by index), or None."""
    node = data
    for part in key.split("."):
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def valid_range(spec: WorldSpec, key: str, data: Mapping[str, Any] | None = None) -> Range | None:
    """The range ``key`` may take in ``spec`` with every other parameter held.

    None if ``key`` is not a number. ``data``: ``spec.model_dump()``, if the caller has it.
    """
    declared = declared_range(key)
    if declared is None:
        return None
    data = spec.model_dump() if data is None else data
    table, _, name = key.rpartition(".")
    lo, hi = -math.inf, math.inf
    for pattern, lower, upper in ORDERED:
        if not fnmatch.fnmatchcase(table, pattern):
            continue
        if name == lower and (bound := _number(lookup(data, f"{table}.{upper}"))) is not None:
            hi = min(hi, bound)
        if name == upper and (bound := _number(lookup(data, f"{table}.{lower}"))) is not None:
            lo = max(lo, bound)
    lo, hi = _power_bounds(spec, key, lo, hi)
    if fnmatch.fnmatchcase(key, "pipeline.candidates.*.powered_mw") \
            and lookup(data, f"{table}.asking_usd_per_mw") is None:
        hi = min(hi, 0.0)  # a powered candidate needs an asking price
    return declared.narrowed(lo, hi)


def _power_bounds(spec: WorldSpec, key: str, lo: float, hi: float) -> tuple[float, float]:
    """Bounds among a site's secured and energized MW, interconnects and connection.

    The same relations :meth:`WorldSpec.reference_problem` checks.
    """
    parts = key.split(".")
    if len(parts) == 5 and parts[0] == "neoclouds" and parts[2] == "sites":
        company, site_name, name = parts[1], parts[3], parts[4]
        site = spec.neoclouds[company].sites[site_name]
        incoming = spec.incoming_mw(company, site_name)
        if name == "energized_mw":
            hi = min(hi, site.secured_mw - incoming)
        if name == "secured_mw":
            lo = max(lo, site.energized_mw + incoming)
            grid = spec.utilities[site.utility].grid
            attach = grid.sites.get(site_name) if grid is not None else None
            if attach is not None:
                hi = min(hi, attach.attach_capacity_mw)
    if len(parts) == 5 and parts[0] == "utilities" and parts[2] == "interconnects" \
            and parts[4] == "mw":
        ic = spec.utilities[parts[1]].interconnects[int(parts[3])]
        site = spec.neoclouds[ic.company].sites[ic.site]
        others = spec.incoming_mw(ic.company, ic.site) - ic.mw
        hi = min(hi, site.secured_mw - site.energized_mw - others)
    if len(parts) == 6 and parts[0] == "utilities" and parts[2:4] == ["grid", "sites"] \
            and parts[5] == "attach_capacity_mw":
        held = [s.secured_mw for c in spec.neoclouds.values() for n, s in c.sites.items()
                if n == parts[4] and s.utility == parts[1]]
        lo = max(lo, *held) if held else lo
    return lo, hi


def numeric_leaves(spec: WorldSpec) -> Iterator[tuple[str, float]]:
    """(full dotted key, value) of every numeric parameter a world sets (not None)."""
    yield from _walk(spec.model_dump(), "")


def _walk(node: Any, prefix: str) -> Iterator[tuple[str, float]]:
    items: Sequence[tuple[str, Any]]
    if isinstance(node, Mapping):
        items = [(str(k), v) for k, v in node.items() if k != "sources"]
    elif isinstance(node, list):
        items = [(str(i), v) for i, v in enumerate(node)]
    else:
        return
    for name, value in items:
        key = f"{prefix}{name}"
        if isinstance(value, Mapping | list):
            yield from _walk(value, key + ".")
        elif (number := _number(value)) is not None and declared_range(key) is not None:
            yield key, number


def check_vary_ranges(world: str, scenarios: Sequence[str],
                      overrides: Sequence[tuple[str, Any]],
                      varies: Sequence[tuple[str, float, float]]) -> None:
    """Refuse, in one line, a ``--vary KEY=LO:HI`` that leaves the key's valid range.

    The valid range is the world's with the experiment's scenarios and ``--set`` on it.
    """
    if not varies:
        return
    spec, _path = load_world(world, overrides, scenarios)
    data = spec.model_dump()
    for key, lo, hi in varies:
        full = resolve_key(data, key)
        valid = valid_range(spec, full, data)
        if valid is None:
            continue  # not a number: the load of each point says what was expected
        if not (valid.contains(lo) and valid.contains(hi)):
            raise ConfigError("--vary", key, f"expected a range within {valid} (the valid "
                              f"range of {full}), got {lo:g}:{hi:g}")
