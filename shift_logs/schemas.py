"""Shapes shared by the shift-log schemas (the bases are core.schemas')."""

from __future__ import annotations

from core.schemas import ReadSchema, WriteSchema

__all__ = ["ReadSchema", "UserRef", "WriteSchema"]


class UserRef(ReadSchema):
    """A person, as shown next to what they did."""

    id: int
    username: str
    display_name: str
