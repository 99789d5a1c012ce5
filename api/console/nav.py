"""The console's navigation: each domain adds its pages here, with the roles that see them."""

from __future__ import annotations

from dataclasses import dataclass

from access.roles import ALL_ROLES, Role
from access.users.models import User
from api.policies import ADMINS, FAULT_TECHS, IN_ROOM, POST_ADMINS, REPORT_READERS, ROOM_OR_ADMIN

__all__ = ["NAV", "NavItem", "nav_for"]


@dataclass(frozen=True, slots=True)
class NavItem:
    """One link in the top bar: path, translation key, roles that see it."""

    href: str
    label: str
    roles: frozenset[Role]


NAV: list[NavItem] = [
    NavItem("/", "nav.home", ALL_ROLES),
    NavItem("/wall", "nav.wall", IN_ROOM.roles),
    NavItem("/alerts", "nav.alerts", IN_ROOM.roles),
    NavItem("/reports", "nav.reports", REPORT_READERS.roles),
    NavItem("/faults", "nav.faults", ALL_ROLES),
    NavItem("/compliance", "nav.compliance", ROOM_OR_ADMIN.roles),
    NavItem("/maintenance", "nav.maintenance", FAULT_TECHS.roles),
    NavItem("/duty-log", "shift.nav.duty_log", IN_ROOM.roles),
    NavItem("/handovers", "shift.nav.handovers", IN_ROOM.roles),
    NavItem("/roster", "shift.nav.roster", IN_ROOM.roles),
    NavItem("/tasks", "shift.nav.tasks", IN_ROOM.roles),
    NavItem("/incidents", "shift.nav.incidents", IN_ROOM.roles),
    NavItem("/visitors", "shift.nav.visitors", IN_ROOM.roles),
    NavItem("/footage", "footage.nav", IN_ROOM.roles),
    NavItem("/footage/requests", "footage.nav.access", frozenset({Role.MAINTENANCE, Role.ADMIN})),
    NavItem("/admin/users", "admin.nav.users", ADMINS.roles),
    NavItem("/admin/cameras", "admin.nav.cameras", ADMINS.roles),
    NavItem("/admin/posts", "admin.nav.posts", POST_ADMINS.roles),
]


def nav_for(user: User | None) -> list[NavItem]:
    """The links `user` may follow (the server checks again on every page)."""
    if user is None:
        return []
    return [item for item in NAV if user.has_any(item.roles)]
