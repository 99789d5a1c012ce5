"""Handover signatures (R4): outgoing, incoming (accept or with reservations), leader's countersignature.

Each signature re-authenticates the signer with their password and is written into the post's duty
log; the API audits it as `handover.sign` / `handover.accept` / `handover.countersign`.

A shift leader can re-assign a handover to another incoming person until the incoming signature is given
(`handover.reassign`): the new person must be allowed on the post, the change is written into the duty log,
and a handover signed by the outgoing operator gets its content hash renewed in that same entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from access import auth as auth_check
from access.roles import Role
from access.users import service as users
from access.users.models import User
from config.settings import AuthSettings
from core.messages import Message
from db.transition import claim
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import EntryKind
from shift_logs.handover.errors import (
    BadSignature,
    ChecklistIncomplete,
    HandoverNotFound,
    HandoverSigned,
    HandoverStateError,
    ReassignInvalid,
    ReservationsRequired,
    WrongSigner,
)
from shift_logs.handover.models import Handover, HandoverState, Verdict
from shift_logs.handover.service import content_hash, refresh_items
from shift_logs.roster import post_admin
from shift_logs.roster import service as roster
from shift_logs.rules import service as duty_rules
from shift_logs.rules import store as rule_versions
from shift_logs.task import service as tasks

__all__ = ["REASSIGNABLE", "accept", "countersign", "reassign", "sign"]


def _reauthenticate(
    session: Session, user: User, password: str, auth: AuthSettings | None, now: dt.datetime
) -> None:
    """A wrong password counts toward the sign-in throttle; too many refuse the signature unchecked."""
    auth_check.reauthenticate(
        session,
        user=user,
        password=password,
        auth=auth or AuthSettings(),
        refused=lambda: BadSignature("the password does not match: signature refused", field="password"),
        now=now,
    )


_ORDER = list(HandoverState)
_STEP = {
    HandoverState.DRAFT: "signed by the outgoing operator",
    HandoverState.SIGNED: "accepted by the incoming operator",
    HandoverState.ACCEPTED: "countersigned by a shift leader",
}


def _claim(session: Session, handover_id: int, expected: HandoverState) -> Handover:
    """Lock the handover for the step out of `expected`; 409 naming its state when it is elsewhere."""

    def refuse(handover: Handover, state: str) -> HandoverSigned | HandoverStateError:
        if _ORDER.index(handover.state) > _ORDER.index(expected):
            return HandoverSigned(f"handover {handover.id} is {state} already")
        return HandoverStateError(
            f"handover {handover.id} is {state}: it must be {_STEP[handover.state]} first"
        )

    return claim(
        session,
        Handover,
        handover_id,
        state=lambda h: h.state,
        allowed=lambda h: h.state is expected,
        missing=lambda: HandoverNotFound(f"no handover with id {handover_id}"),
        refuse=refuse,
    )


def _log(
    session: Session, handover: Handover, text: str, user: User, now: dt.datetime, message: Message
) -> None:
    duty_log.append(
        session,
        post_id=handover.post_id,
        shift_id=handover.shift_id,
        kind=EntryKind.HANDOVER,
        text=text,
        author=user,
        now=now,
        ref=f"handover:{handover.id}",
        message=message,
    )


def sign(
    session: Session,
    *,
    handover_id: int,
    signer: User,
    password: str,
    now: dt.datetime,
    auth: AuthSettings | None = None,
) -> Handover:
    """The outgoing operator signs: the content is frozen, hashed and bound to the duty log's head."""
    handover = _claim(session, handover_id, HandoverState.DRAFT)
    if handover.outgoing_id != signer.id:
        raise WrongSigner(
            f"handover {handover.id} is signed by {handover.outgoing.username}, not {signer.username}"
        )
    missing = [row["item"] for row in handover.checklist if row.get("ok") is None]
    if missing:
        raise ChecklistIncomplete(
            f"answer every checklist item first: {', '.join(missing)}", field="checklist"
        )
    _reauthenticate(session, signer, password, auth, now)
    refresh_items(session, handover)
    head = duty_log.head(session, post_id=handover.post_id)
    handover.log_head_seq = head.seq if head else 0
    handover.log_head_hash = head.hash if head else None
    handover.content_hash = content_hash(handover)
    handover.outgoing_signed_at, handover.state = now, HandoverState.SIGNED
    grace = dt.timedelta(
        minutes=rule_versions.in_force(session, now).rules.handover_lead.params.grace_minutes
    )
    handover.late = handover.due_at is not None and now > handover.due_at + grace
    text = (
        f"handover {handover.id} signed by {signer.username} (outgoing) for {handover.incoming.username}; "
        f"covers entries 1-{handover.log_head_seq}; content sha256 {handover.content_hash}"
        + ("; LATE" if handover.late else "")
    )
    said = Message(
        "msg.duty.handover_signed_late" if handover.late else "msg.duty.handover_signed",
        {
            "id": handover.id,
            "user": signer.username,
            "incoming": handover.incoming.username,
            "seq": handover.log_head_seq or 0,
            "hash": handover.content_hash or "",
        },
    )
    _log(session, handover, text, signer, now, said)
    session.flush()
    return handover


def accept(
    session: Session,
    *,
    handover_id: int,
    signer: User,
    password: str,
    verdict: Verdict,
    now: dt.datetime,
    reservations: Sequence[str] = (),
    auth: AuthSettings | None = None,
) -> Handover:
    """The incoming operator signs; each reservation becomes a task on the post."""
    handover = _claim(session, handover_id, HandoverState.SIGNED)
    if handover.incoming_id != signer.id:
        raise WrongSigner(
            f"handover {handover.id} is accepted by {handover.incoming.username}, not {signer.username}"
        )
    notes = [text.strip() for text in reservations if text.strip()]
    if verdict is Verdict.RESERVATIONS and not notes:
        raise ReservationsRequired("write down at least one reservation", field="reservations")
    if verdict is Verdict.ACCEPT and notes:
        raise ReservationsRequired("reservations need the verdict 'reservations'", field="verdict")
    _reauthenticate(session, signer, password, auth, now)
    handover.verdict, handover.reservations = verdict, notes
    handover.incoming_signed_at, handover.state = now, HandoverState.ACCEPTED
    for note in notes:
        tasks.assign(
            session,
            title=note[:200],
            detail=note,
            assigned_by=signer,
            now=now,
            post_id=handover.post_id,
            source_handover_id=handover.id,
        )
    suffix = f" with {len(notes)} reservation(s)" if notes else ""
    _log(
        session,
        handover,
        f"handover {handover.id} accepted by {signer.username} (incoming){suffix}",
        signer,
        now,
        Message(
            "msg.duty.handover_accepted_reservations" if notes else "msg.duty.handover_accepted",
            {"id": handover.id, "user": signer.username, "n": len(notes)},
        ),
    )
    session.flush()
    return handover


def countersign(
    session: Session,
    *,
    handover_id: int,
    leader: User,
    password: str,
    now: dt.datetime,
    auth: AuthSettings | None = None,
) -> Handover:
    """The shift leader countersigns an accepted handover; it is closed for good."""
    handover = _claim(session, handover_id, HandoverState.ACCEPTED)
    if Role.SHIFT_LEADER not in leader.roles or leader.id in (handover.outgoing_id, handover.incoming_id):
        raise WrongSigner(
            "the countersignature belongs to a shift leader who neither handed over nor took over"
        )
    _reauthenticate(session, leader, password, auth, now)
    handover.leader_id, handover.countersigned_at = leader.id, now
    handover.state = HandoverState.COUNTERSIGNED
    _log(
        session,
        handover,
        f"handover {handover.id} countersigned by {leader.username} (shift leader)",
        leader,
        now,
        Message("msg.duty.handover_countersigned", {"id": handover.id, "user": leader.username}),
    )
    session.flush()
    return handover


REASSIGNABLE = frozenset({HandoverState.DRAFT, HandoverState.SIGNED})


def reassign(
    session: Session,
    *,
    handover_id: int,
    leader: User,
    incoming_id: int,
    now: dt.datetime,
    reason: str = "",
) -> tuple[Handover, User]:
    """A shift leader names another incoming person (while the incoming signature is not given yet).

    Returns the handover and the person it was assigned to before. Refused with 409 naming the state once the
    incoming person has signed (accepted or countersigned); the new person must hold a role the post allows,
    must not be disabled, and must not be the outgoing operator (the duty rules' separation of duties).
    """

    def refuse(handover: Handover, state: str) -> HandoverSigned:
        return HandoverSigned(
            f"handover {handover.id} is {state} already: the incoming person can no longer be changed"
        )

    handover = claim(
        session,
        Handover,
        handover_id,
        state=lambda h: h.state,
        allowed=lambda h: h.state in REASSIGNABLE,
        missing=lambda: HandoverNotFound(f"no handover with id {handover_id}"),
        refuse=refuse,
    )
    if Role.SHIFT_LEADER not in leader.roles:
        raise WrongSigner("only a shift leader re-assigns a handover")
    incoming = users.get(session, incoming_id)
    if incoming is None:
        raise ReassignInvalid(f"no user with id {incoming_id}", field="incoming_id")
    previous = handover.incoming
    if incoming.id == previous.id:
        raise ReassignInvalid(f"{incoming.username} is the incoming person already", field="incoming_id")
    if incoming.disabled:
        raise ReassignInvalid(f"{incoming.username} is disabled", field="incoming_id")
    post = roster.require_post(session, handover.post_id)
    post_admin.check_role_allowed(post, incoming, field="incoming_id")
    duty_rules.check_handover(
        session,
        post=post.name,
        outgoing=handover.outgoing,
        incoming=incoming,
        ends_at=handover.due_at or now,
        now=now,
        error=WrongSigner,
    )
    handover.incoming_id, handover.incoming = incoming.id, incoming
    text = (
        f"handover {handover.id} re-assigned by {leader.username} (shift leader) "
        f"from {previous.username} to {incoming.username}"
    )
    if reason.strip():
        text += f": {reason.strip()}"
    if handover.state is HandoverState.SIGNED:
        # the outgoing signature covered the incoming person: the renewed hash is chained into the log here
        handover.content_hash = content_hash(handover)
        text += f"; content sha256 {handover.content_hash}"
    signed = handover.state is HandoverState.SIGNED
    said = Message(
        "msg.duty.handover_reassigned_signed" if signed else "msg.duty.handover_reassigned",
        {
            "id": handover.id,
            "user": leader.username,
            "from": previous.username,
            "to": incoming.username,
            "reason": f": {reason.strip()}" if reason.strip() else "",
            "hash": handover.content_hash or "",
        },
    )
    _log(session, handover, text, leader, now, said)
    session.flush()
    return handover, previous
