"""The roles of the control room (see the regulations) and who may do what."""

from __future__ import annotations

import enum

__all__ = ["ALL_ROLES", "LEAD", "ROOM", "STAFF", "Role"]


class Role(enum.StrEnum):
    """A role a user can hold; a person may hold several."""

    OPERATOR = "operator"
    SHIFT_LEADER = "shift_leader"
    SUPERVISOR = "supervisor"
    MAINTENANCE = "maintenance"
    ADMIN = "admin"


ALL_ROLES: frozenset[Role] = frozenset(Role)
ROOM: frozenset[Role] = frozenset(
    {Role.OPERATOR, Role.SHIFT_LEADER, Role.SUPERVISOR}
)  # who works in the room
STAFF: frozenset[Role] = frozenset({Role.OPERATOR, Role.SHIFT_LEADER})  # who stands at a post
LEAD: frozenset[Role] = frozenset({Role.SHIFT_LEADER, Role.SUPERVISOR})  # who leads the shift
