"""The one look-up by primary key: the row, or the package's NotFound naming what is missing."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from core.errors import NotFound

__all__ = ["require"]

T = TypeVar("T")


def require(session: Session, model: type[T], ident: int, *, error: type[NotFound], what: str) -> T:
    """`session.get(model, ident)`, or raise `error` ("no <what> with id <ident>", a 404)."""
    row = session.get(model, ident)
    if row is None:
        raise error(f"no {what} with id {ident}")
    return row
