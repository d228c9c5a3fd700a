"""Declared ranges of numeric parameters, read from pydantic field bounds.

Every numeric field of a spec declares the closed range it may take with
``Field(ge=..., le=...)`` (the physical bound or the range the model is built for,
whichever is narrower); a table of numbers declares it on its values
(``dict[str, Annotated[float, Field(ge=0, le=1)]]``). This module finds the range of a
field or of the leaf at a dotted path of a model, and says it the way a person reads it.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo


@dataclass(frozen=True)
class Range:
    """A numeric range: ``lo`` to ``hi``; an open end excludes its bound."""

    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    hi_open: bool = False
    whole: bool = False

    @property
    def closed(self) -> bool:
        """Both ends finite and included: a value at either end is a valid one."""
        return (math.isfinite(self.lo) and math.isfinite(self.hi)
                and not self.lo_open and not self.hi_open)

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies within the range."""
        above = value > self.lo if self.lo_open else value >= self.lo
        below = value < self.hi if self.hi_open else value <= self.hi
        return above and below

    def narrowed(self, lo: float = -math.inf, hi: float = math.inf) -> Range:
        """The range, no lower than ``lo`` and no higher than ``hi`` (closed at those)."""
        new_lo, lo_open = (lo, False) if lo > self.lo else (self.lo, self.lo_open)
        new_hi, hi_open = (hi, False) if hi < self.hi else (self.hi, self.hi_open)
        return Range(new_lo, new_hi, lo_open, hi_open, self.whole)

    def __str__(self) -> str:
        left = "(" if self.lo_open or not math.isfinite(self.lo) else "["
        right = ")" if self.hi_open or not math.isfinite(self.hi) else "]"
        return f"{left}{_number(self.lo)}, {_number(self.hi)}{right}"


def _number(x: float) -> str:
    if not math.isfinite(x):
        return "-inf" if x < 0 else "inf"
    if x == int(x) and abs(x) < 1e6:
        return f"{int(x)}"
    return f"{x:g}"


def _bound(value: Any) -> float:
    return float(value)


def range_of(metadata: Sequence[Any], whole: bool = False) -> Range:
    """The range the bound constraints in a field's metadata declare."""
    r = Range(whole=whole)
    for item in metadata:
        if isinstance(item, Ge):
            r = Range(_bound(item.ge), r.hi, False, r.hi_open, whole)
        elif isinstance(item, Gt):
            r = Range(_bound(item.gt), r.hi, True, r.hi_open, whole)
        elif isinstance(item, Le):
            r = Range(r.lo, _bound(item.le), r.lo_open, False, whole)
        elif isinstance(item, Lt):
            r = Range(r.lo, _bound(item.lt), r.lo_open, True, whole)
    return r


def _strip_optional(annotation: Any) -> Any:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kept = [a for a in args if a is not type(None)]
        return kept[0] if len(kept) == 1 else annotation
    return annotation


def _numeric(annotation: Any) -> tuple[bool, bool, Sequence[Any]]:
    """(is it a number, is it whole, its Annotated metadata) of a bare annotation."""
    annotation = _strip_optional(annotation)
    metadata: Sequence[Any] = ()
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        annotation = base
        metadata = [m for e in extra
                    for m in (e.metadata if isinstance(e, FieldInfo) else [e])]
    is_number = annotation in (int, float)
    return is_number, annotation is int, metadata


def field_range(field: FieldInfo) -> Range | None:
    """The declared range of a numeric field (None: the field is not a number)."""
    is_number, whole, _ = _numeric(field.annotation)
    return range_of(field.metadata, whole) if is_number else None


def value_range(field: FieldInfo) -> Range | None:
    """The declared range of the values of a table of numbers (None: not such a table)."""
    annotation = _strip_optional(field.annotation)
    if typing.get_origin(annotation) is not dict:
        return None
    is_number, whole, metadata = _numeric(typing.get_args(annotation)[1])
    return range_of(metadata, whole) if is_number else None


def _children(annotation: Any) -> Iterator[type[BaseModel]]:
    annotation = _strip_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            yield arg


def range_at(model: type[BaseModel], path: Sequence[str | int]) -> Range | None:
    """The declared range of the leaf at ``path`` below ``model`` (None: not a number).

    Table keys and list indices are steps of ``path``.
    """
    node: type[BaseModel] = model
    steps = list(path)
    while steps:
        name = str(steps.pop(0))
        field = node.model_fields.get(name)
        if field is None:
            return None
        nested = list(_children(field.annotation))
        origin = typing.get_origin(_strip_optional(field.annotation))
        if nested:
            if origin in (dict, list) and steps:
                steps.pop(0)  # a table key or a list index
            if not steps:
                return None
            node = nested[0]
            continue
        if origin is dict:
            return value_range(field) if len(steps) == 1 else None
        return field_range(field) if not steps else None
    return None


def default_table(model: type[BaseModel], path: Sequence[str]) -> dict[str, Any] | None:
    """The table to start from when a file leaves out the one ``path`` names.

    ``path`` is below ``model``. The table is empty for a section (its fields take their
    defaults), the default entries for a table of numbers; None if ``path`` names neither
    (a typo, or a table key).
    """
    node: type[BaseModel] = model
    steps = list(path)
    while steps:
        field = node.model_fields.get(steps.pop(0))
        if field is None:
            return None
        nested = list(_children(field.annotation))
        if not nested:
            if steps or value_range(field) is None:
                return None
            default = field.get_default(call_default_factory=True)
            return dict(default) if isinstance(default, dict) else None
        if typing.get_origin(_strip_optional(field.annotation)) in (dict, list):
            if not steps:
                return None
            steps.pop(0)
        node = nested[0]
    return {}


def numeric_fields(model: type[BaseModel],
                   prefix: str = "") -> Iterator[tuple[str, Range]]:
    """Every numeric field (and table of numbers) below ``model``, with its range.

    Tables of sections and lists of sections show as ``*`` in the dotted name.
    """
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        nested = list(_children(field.annotation))
        origin = typing.get_origin(_strip_optional(field.annotation))
        if nested:
            for sub in nested:
                yield from numeric_fields(sub, f"{key}.*." if origin in (dict, list)
                                          else f"{key}.")
            continue
        r = field_range(field) or value_range(field)
        if r is not None:
            yield (f"{key}.*" if origin is dict else key), r
