"""One page of a list and the total that matches, in one round trip (`count(*) OVER ()` on the rows)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

__all__ = ["page"]

T = TypeVar("T")


def page(
    session: Session,
    stmt: Select[T],
    *,
    order: tuple[ColumnElement[Any], ...],
    limit: int,
    offset: int,
) -> tuple[list[T], int]:
    """The rows of `stmt` in `order` from `offset` (at most `limit`) and how many match in all. The total
    rides on the rows as a window count; only a page past the end costs a separate count."""
    counted = stmt.add_columns(func.count().over()).order_by(*order).limit(limit).offset(offset)
    rows = session.execute(counted).all()
    if rows:
        return [row[0] for row in rows], int(rows[0][1])
    if offset == 0:
        return [], 0
    return [], session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
