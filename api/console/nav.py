"""The console's navigation: each domain adds its pages here, with the roles that see them."""

from __future__ import annotations

from dataclasses import dataclass

from access.roles import ALL_ROLES, Role
from access.users.models import User
from api.policies import IN_ROOM, REPORT_READERS

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
    NavItem("/compliance", "nav.compliance", ALL_ROLES - {Role.MAINTENANCE}),
    NavItem("/maintenance", "nav.maintenance", frozenset({Role.MAINTENANCE})),
    NavItem("/duty-log", "shift.nav.duty_log", ALL_ROLES - {Role.MAINTENANCE, Role.ADMIN}),
    NavItem("/handovers", "shift.nav.handovers", ALL_ROLES - {Role.MAINTENANCE, Role.ADMIN}),
    NavItem("/roster", "shift.nav.roster", ALL_ROLES - {Role.MAINTENANCE, Role.ADMIN}),
    NavItem("/tasks", "shift.nav.tasks", ALL_ROLES - {Role.MAINTENANCE, Role.ADMIN}),
    NavItem("/incidents", "shift.nav.incidents", ALL_ROLES - {Role.MAINTENANCE, Role.ADMIN}),
    NavItem("/visitors", "shift.nav.visitors", ALL_ROLES - {Role.MAINTENANCE, Role.ADMIN}),
    NavItem("/footage", "footage.nav", IN_ROOM.roles),
    NavItem("/footage/requests", "footage.nav.access", frozenset({Role.MAINTENANCE, Role.ADMIN})),
    NavItem("/admin/users", "admin.nav.users", frozenset({Role.ADMIN})),
    NavItem("/admin/cameras", "admin.nav.cameras", frozenset({Role.ADMIN})),
    NavItem("/admin/posts", "admin.nav.posts", frozenset({Role.ADMIN, Role.SHIFT_LEADER})),
]


def nav_for(user: User | None) -> list[NavItem]:
    """The links `user` may follow (the server checks again on every page)."""
    if user is None:
        return []
    return [item for item in NAV if user.has_any(item.roles)]
