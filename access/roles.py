"""The roles of the control room (see the regulations) and who may do what."""

from __future__ import annotations

import enum

__all__ = ["ALL_ROLES", "Role"]


class Role(enum.StrEnum):
    """A role a user can hold; a person may hold several."""

    OPERATOR = "operator"
    SHIFT_LEADER = "shift_leader"
    SUPERVISOR = "supervisor"
    MAINTENANCE = "maintenance"
    ADMIN = "admin"


ALL_ROLES: frozenset[Role] = frozenset(Role)
