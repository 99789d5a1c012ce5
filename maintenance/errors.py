"""Errors of equipment maintenance.

NotFound      EquipmentNotFound, FaultNotFound, CheckNotFound, PhotoNotFound
Conflict      EquipmentNameTaken, CameraAlreadyRegistered, CheckAlreadyDone
  InvalidTransition  FaultTransitionRefused
Forbidden     SelfVerifyForbidden
Invalid       InvalidAssignee, InvalidDuplicate, ChecklistMismatch, PhotoRefused (not an image, too large)
"""

from __future__ import annotations

from core.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound

__all__ = [
    "CameraAlreadyRegistered",
    "CheckAlreadyDone",
    "CheckNotFound",
    "ChecklistMismatch",
    "EquipmentNameTaken",
    "EquipmentNotFound",
    "FaultNotFound",
    "FaultTransitionRefused",
    "InvalidAssignee",
    "InvalidDuplicate",
    "PhotoNotFound",
    "PhotoRefused",
    "SelfVerifyForbidden",
]


class EquipmentNotFound(NotFound):
    """No equipment with that id or name."""

    code = "equipment_not_found"


class FaultNotFound(NotFound):
    """No fault with that id."""

    code = "fault_not_found"


class CheckNotFound(NotFound):
    """No maintenance check with that id."""

    code = "check_not_found"


class PhotoNotFound(NotFound):
    """No photo with that id on that fault."""

    code = "photo_not_found"


class EquipmentNameTaken(Conflict):
    """Another piece of equipment already has that name."""

    code = "equipment_name_taken"


class CameraAlreadyRegistered(Conflict):
    """The camera is linked to another equipment entry already."""

    code = "camera_already_registered"


class CheckAlreadyDone(Conflict):
    """The check was completed already."""

    code = "check_already_done"


class FaultTransitionRefused(InvalidTransition):
    """The lifecycle does not allow this step from the fault's current state."""

    code = "fault_transition_refused"


class SelfVerifyForbidden(Forbidden):
    """The configuration requires someone other than the fixer to verify a fault."""

    code = "self_verify_forbidden"


class InvalidAssignee(Invalid):
    """A fault can only be assigned to an active maintenance user."""

    code = "invalid_assignee"


class InvalidDuplicate(Invalid):
    """A duplicate must point at another, existing fault."""

    code = "invalid_duplicate"


class ChecklistMismatch(Invalid):
    """The answers do not match the check's checklist."""

    code = "checklist_mismatch"


class PhotoRefused(Invalid):
    """The upload is not a JPEG or PNG image, or too large."""

    code = "photo_refused"
