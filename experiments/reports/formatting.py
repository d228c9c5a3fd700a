"""Readable numbers for tables and plots: units from metric names, scales from magnitudes.

Metric names carry their unit (``_usd``, ``_mw``, ``_ehs``); counts such as ``gpus`` or
``shares_outstanding`` are shown in thousands or millions. Outcomes read as years
(milestones, ``@date``) are shown as years.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from experiments.many.summary import MILESTONES

_SUFFIX_UNITS = (("_usd", "$"), ("_mw", "MW"), ("_ehs", "EH/s"), ("_btc", "BTC"),
                 ("_usd_per_ph_day", "$/PH/day"))
_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def base_unit(metric: str) -> str:
    """The unit a metric or outcome name declares ('' for counts)."""
    name = metric.split("@")[0]
    if metric.endswith("@date"):
        return "years"
    for suffix, unit in sorted(_SUFFIX_UNITS, key=lambda su: -len(su[0])):
        if name.endswith(suffix):
            return unit
    return ""


def scale_for(metric: str, values: Iterable[float]) -> tuple[float, str]:
    """A divisor and a unit label suited to the largest magnitude among ``values``."""
    unit = base_unit(metric)
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    peak = max(finite, default=0.0)
    if unit in ("years", "MW", "EH/s", "$/PH/day", "BTC"):
        return 1.0, unit
    for factor, prefix in _SCALES:
        if peak >= factor and not (unit == "$" and prefix == "k"):
            if unit == "$":
                return factor, f"${prefix}"
            return factor, f"{prefix} {unit}".strip()
    return 1.0, unit


def fmt(value: float, factor: float = 1.0) -> str:
    """A number divided by ``factor`` with sensible precision ('-' when missing)."""
    if value is None or not math.isfinite(value):
        return "-"
    x = value / factor
    if x != 0 and abs(x) < 0.1:
        return f"{x:.3g}"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:,.1f}"
    return f"{x:,.2f}"


_WORDS = {"ai": "AI", "arr": "ARR", "gpus": "GPUs", "gpu": "GPU", "btc": "BTC",
          "ebitda": "EBITDA", "capex": "capex", "opex": "opex"}


def label(metric: str) -> str:
    """A short readable label for a metric or outcome name."""
    name, _, when = metric.partition("@")
    if name.startswith("events."):
        return f"{name.removeprefix('events.')} events"
    if when == "date":
        company, _, milestone = name.partition(".")
        named = {m.name: m.label for m in MILESTONES}
        return f"{company.upper()} years to {named.get(milestone, milestone)}"
    parts = name.split(".")
    company = parts[0].upper() if len(parts) > 1 else ""
    rest = ".".join(parts[1:]) if len(parts) > 1 else name
    for suffix, _unit in _SUFFIX_UNITS:
        rest = rest.removesuffix(suffix)
    words = " ".join(_WORDS.get(w, w) for w in rest.replace(".", " ").split("_"))
    text = f"{company} {words}".strip()
    return f"{text} ({when})" if when else text


def quantile_text(values: np.ndarray, metric: str) -> tuple[str, str, str, str]:
    """p5, p50, p95 and the unit of ``values`` as strings."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return "-", "-", "-", base_unit(metric)
    p5, p50, p95 = np.quantile(finite, (0.05, 0.5, 0.95))
    factor, unit = scale_for(metric, (p5, p50, p95))
    return fmt(p5, factor), fmt(p50, factor), fmt(p95, factor), unit
