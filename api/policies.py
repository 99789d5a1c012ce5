"""Every role policy of the API and the console, declared once: the JSON routes, the console pages and the
navigation all take their guards from here, so a page can never let in someone its route refuses."""

from __future__ import annotations

from access.roles import LEAD, ROOM, Role
from api.deps import ANY_USER, IN_ROOM, Allow
from maintenance.lifecycle import Action

__all__ = [
    "ADMINS",
    "ANY_USER",
    "EQUIPMENT_KEEPERS",
    "FAULT_DECIDERS",
    "FAULT_STEP",
    "FAULT_TECHS",
    "IN_ROOM",
    "LEADS",
    "MAINTENANCE_STAFF",
    "OVERSEERS",
    "POST_ADMINS",
    "REPORT_READERS",
    "ROOM_OR_ADMIN",
]

ADMINS = Allow(Role.ADMIN)  # users, cameras, zones
LEADS = Allow(*LEAD)  # the shift's leads: footage-request decisions, tasks and rosters of others
REPORT_READERS = LEADS
OVERSEERS = Allow(Role.ADMIN, Role.SUPERVISOR)  # the duty rules, shifts, the audit log, a PTZ home
ROOM_OR_ADMIN = Allow(*ROOM, Role.ADMIN)  # PTZ control, the compliance page
POST_ADMINS = Allow(Role.ADMIN, Role.SHIFT_LEADER)  # the posts page
FAULT_TECHS = Allow(Role.MAINTENANCE)
FAULT_DECIDERS = Allow(Role.MAINTENANCE, Role.SHIFT_LEADER, Role.SUPERVISOR)
MAINTENANCE_STAFF = Allow(Role.MAINTENANCE, Role.SHIFT_LEADER, Role.SUPERVISOR, Role.ADMIN)
EQUIPMENT_KEEPERS = Allow(Role.MAINTENANCE, Role.ADMIN)

# Who may take each step of a fault: the technicians start and fix, the deciders do the rest.
FAULT_STEP: dict[Action, Allow] = {
    action: FAULT_TECHS if action in (Action.START, Action.FIX) else FAULT_DECIDERS
    for action in Action
    if action is not Action.AUTO_FIX
}
