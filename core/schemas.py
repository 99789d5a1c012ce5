"""The one pair of schema bases: every request body and every response shape of every package starts here."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["ReadSchema", "WriteSchema"]


class ReadSchema(BaseModel):
    """Response shapes, built from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class WriteSchema(BaseModel):
    """Request bodies: unknown fields are refused, strings stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
