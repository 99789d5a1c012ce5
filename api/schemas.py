"""Shapes shared by every route: pages of results and the problem (error) body."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from core.schemas import ReadSchema

__all__ = ["FieldError", "Page", "PageParams", "Problem"]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int = Field(description="How many items match in all.")
    limit: int
    offset: int


class PageParams(BaseModel):
    """Pagination query parameters of every list."""

    limit: int = Field(default=50, ge=1, le=500, description="Items per page.")
    offset: int = Field(default=0, ge=0, le=10_000_000, description="Items to skip.")


PageQuery = Annotated[PageParams, Query()]


class FieldError(ReadSchema):
    """One invalid input field."""

    field: str = Field(description="Where: body.name, query.limit, path.user_id ...")
    message: str


class Problem(ReadSchema):
    """The error body of every failed request (RFC 9457 problem details, plus `code` and `errors`)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] = Field(default_factory=list)
