"""Every role policy of the API and the console, declared once: the JSON routes, the console pages and the
navigation all take their guards from here, so a page can never let in someone its route refuses."""

from __future__ import annotations

from access.roles import Role
from api.deps import ANY_USER, IN_ROOM, Allow
from maintenance.lifecycle import Action

__all__ = [
    "ANY_USER",
    "EQUIPMENT_KEEPERS",
    "FAULT_DECIDERS",
    "FAULT_STEP",
    "FAULT_TECHS",
    "IN_ROOM",
    "MAINTENANCE_STAFF",
    "REPORT_READERS",
]

REPORT_READERS = Allow(Role.SUPERVISOR, Role.SHIFT_LEADER)
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
