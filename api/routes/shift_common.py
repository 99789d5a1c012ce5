"""What the shift-log routes share: the clock and paging a short list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from access.roles import Role
from api.deps import get_context
from api.schemas import Page, PageParams

__all__ = ["LEAD", "ROOM", "STAFF", "NowDep", "page_of"]

T = TypeVar("T")

ROOM = (Role.OPERATOR, Role.SHIFT_LEADER, Role.SUPERVISOR)  # people who work in the room
STAFF = (Role.OPERATOR, Role.SHIFT_LEADER)  # people who stand at a post
LEAD = (Role.SHIFT_LEADER, Role.SUPERVISOR)


def _now(request: Request) -> dt.datetime:
    return get_context(request).clock.now()


NowDep = Annotated[dt.datetime, Depends(_now)]


def page_of(items: Sequence[T], page: PageParams) -> Page[T]:
    """One page of an already short, fully loaded list."""
    chunk = list(items[page.offset : page.offset + page.limit])
    return Page[T](items=chunk, total=len(items), limit=page.limit, offset=page.offset)
