"""What the shift-log routes share: paging a short list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from api.schemas import Page, PageParams

__all__ = ["page_of"]

T = TypeVar("T")


def page_of(items: Sequence[T], page: PageParams) -> Page[T]:
    """One page of an already short, fully loaded list."""
    chunk = list(items[page.offset : page.offset + page.limit])
    return Page[T](items=chunk, total=len(items), limit=page.limit, offset=page.offset)
