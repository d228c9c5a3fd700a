"""The base of every world-file section: strict keys, finite numbers, optional sources."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Section(BaseModel):
    """Base of every world section: strict keys, finite numbers, optional sources."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True, strict=True)

    sources: dict[str, str] = Field(default_factory=dict)

    @field_validator("sources")
    @classmethod
    def _sources_name_fields(cls, sources: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(sources) - set(cls.model_fields))
        if unknown:
            raise ValueError(f"expected sources for keys of this table, got unknown {unknown}")
        return sources
