"""Base shapes of the shift-log schemas (request bodies refuse unknown fields)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["ReadSchema", "UserRef", "WriteSchema"]


class ReadSchema(BaseModel):
    """Response shapes, built from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class WriteSchema(BaseModel):
    """Request bodies: unknown fields are refused, strings stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UserRef(ReadSchema):
    """A person, as shown next to what they did."""

    id: int
    username: str
    display_name: str
