"""Errors of handovers."""

from __future__ import annotations

from core.errors import Conflict, Invalid, InvalidTransition, NotFound

__all__ = [
    "BadSignature",
    "ChecklistIncomplete",
    "DraftExists",
    "HandoverNotFound",
    "HandoverSigned",
    "HandoverStateError",
    "NoOutgoingShift",
    "ReassignInvalid",
    "ReservationsRequired",
    "WrongSigner",
]


class HandoverNotFound(NotFound):
    """No handover with that id."""

    code = "handover_not_found"


class DraftExists(Conflict):
    """The post already has a handover that is not countersigned."""

    code = "handover_draft_exists"


class NoOutgoingShift(Conflict):
    """The person drafting is not rostered on the post now (or just before)."""

    code = "not_rostered"


class HandoverSigned(InvalidTransition):
    """A handover's content is frozen once the outgoing operator has signed it."""

    code = "handover_signed"


class HandoverStateError(InvalidTransition):
    """The signature is out of order (e.g. a countersignature before the incoming signature)."""

    code = "handover_state"


class WrongSigner(Conflict):
    """This signature belongs to someone else."""

    code = "wrong_signer"


class BadSignature(Invalid):
    """The password given to sign does not match: the signature is refused."""

    code = "bad_signature"


class ChecklistIncomplete(Invalid):
    """Every checklist item must be answered before signing."""

    code = "checklist_incomplete"


class ReservationsRequired(Invalid):
    """Accepting with reservations needs at least one reservation written down."""

    code = "reservations_required"


class ReassignInvalid(Invalid):
    """A re-assignment names nobody new, or someone who cannot take over (disabled)."""

    code = "handover_reassign_invalid"
