"""Console pages of handovers (form, signing, print, re-assignment); incidents are in incidents.py, visitors
in visitors.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from access.roles import ROOM, STAFF, Role
from access.users import service as users
from access.users.models import User
from api.console.routes import render
from api.console.shift_common import back
from api.deps import Allow, CurrentToken, SessionDep, SettingsDep, audit_as, now_of
from shift_logs.handover import service as handovers
from shift_logs.handover import signing
from shift_logs.handover.models import Handover, HandoverState, Verdict
from shift_logs.roster import presence
from shift_logs.roster import service as roster

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Password = Annotated[str, Form(min_length=1, max_length=256)]


def _since(value: str | None) -> dt.datetime | None:
    """An open item's ISO time (as stored in the handover) back as a datetime, for `local()`."""
    return dt.datetime.fromisoformat(value) if value else None


def _answers(item: list[str], ok: list[str], note: list[str]) -> dict[str, dict[str, object]]:
    answers: dict[str, dict[str, object]] = {}
    for i, name in enumerate(item):
        value = ok[i] if i < len(ok) else ""
        answers[name] = {
            "ok": {"yes": True, "no": False}.get(value),
            "note": note[i] if i < len(note) else "",
        }
    return answers


@router.get("/handovers", dependencies=[Depends(Allow(*ROOM))])
def handovers_page(
    request: Request, session: SessionDep, token: CurrentToken, offset: Annotated[int, Query(ge=0)] = 0
) -> HTMLResponse:
    """Handovers, newest first, and the form to start one."""
    rows, total = handovers.list_(session, limit=50, offset=offset)
    here = presence.open_presence(session, user_id=token.user.id)
    return render(
        request,
        "shift/handovers.html",
        token=token,
        handovers=rows,
        total=total,
        offset=offset,
        posts=roster.list_posts(session),
        my_post=here.post_id if here else None,
    )


@router.post("/handovers", dependencies=[Depends(Allow(*STAFF))])
def handovers_start(
    request: Request, session: SessionDep, token: CurrentToken, post_id: Annotated[int, Form(ge=1)]
) -> Response:
    """Draft the handover of a post (open items gathered now)."""
    audit_as(request, "handover.draft", f"post:{post_id}")
    handover = handovers.draft(session, post_id=post_id, outgoing=token.user, now=now_of(request))
    return back(f"/handovers/{handover.id}")


@router.get("/handovers/{handover_id}", dependencies=[Depends(Allow(*ROOM))])
def handover_page(
    handover_id: int, request: Request, session: SessionDep, token: CurrentToken
) -> HTMLResponse:
    """One handover: open items, checklist, remarks, and the signature the signed-in person may give."""
    handover = handovers.require(session, handover_id)
    return render(
        request,
        "shift/handover.html",
        token=token,
        h=handover,
        post=roster.require_post(session, handover.post_id),
        intact=handovers.content_intact(session, handover),
        since=_since,
        states=HandoverState,
        is_leader=Role.SHIFT_LEADER in token.user.roles,
        reassignable=handover.state in signing.REASSIGNABLE,
        candidates=_candidates(session, handover) if Role.SHIFT_LEADER in token.user.roles else [],
    )


def _candidates(session: Session, handover: Handover) -> list[User]:
    """Who a leader may name as the incoming person instead: enabled, allowed on the post, not the outgoing."""
    post = roster.require_post(session, handover.post_id)
    allowed = set(post.roles or [])
    people, _ = users.list_(session, limit=500, offset=0, include_disabled=False)
    return [
        u
        for u in people
        if u.id not in (handover.outgoing_id, handover.incoming_id)
        and (not allowed or allowed & {r.value for r in u.roles})
        and u.has_any(set(STAFF))
    ]


@router.get("/handovers/{handover_id}/print", dependencies=[Depends(Allow(*ROOM))])
def handover_print(
    handover_id: int, request: Request, session: SessionDep, token: CurrentToken
) -> HTMLResponse:
    """The handover as a printable page."""
    handover = handovers.require(session, handover_id)
    return render(
        request,
        "shift/handover_print.html",
        token=token,
        h=handover,
        post=roster.require_post(session, handover.post_id),
        intact=handovers.content_intact(session, handover),
        since=_since,
    )


@router.post("/handovers/{handover_id}", dependencies=[Depends(Allow(*STAFF))])
def handover_save(
    handover_id: int,
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    remarks: Annotated[str, Form(max_length=8000)] = "",
    item: Annotated[list[str] | None, Form()] = None,
    ok: Annotated[list[str] | None, Form()] = None,
    note: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save the draft's checklist and remarks."""
    audit_as(request, "handover.update", f"handover:{handover_id}")
    answers = _answers(item or [], ok or [], note or [])
    handovers.update(session, handover_id=handover_id, user=token.user, remarks=remarks, checklist=answers)
    return back(f"/handovers/{handover_id}")


@router.post("/handovers/{handover_id}/sign", dependencies=[Depends(Allow(*STAFF))])
def handover_sign(
    handover_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    password: Password,
) -> Response:
    """The outgoing operator signs."""
    audit_as(request, "handover.sign", f"handover:{handover_id}", {"as": "outgoing"})
    signing.sign(
        session,
        handover_id=handover_id,
        signer=token.user,
        password=password,
        now=now_of(request),
        auth=settings.auth,
    )
    return back(f"/handovers/{handover_id}")


@router.post("/handovers/{handover_id}/accept", dependencies=[Depends(Allow(*STAFF))])
def handover_accept(
    handover_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    password: Password,
    verdict: Annotated[Verdict, Form()],
    reservations: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """The incoming operator signs; one reservation per line."""
    audit_as(request, "handover.accept", f"handover:{handover_id}", {"verdict": str(verdict)})
    signing.accept(
        session,
        handover_id=handover_id,
        signer=token.user,
        password=password,
        verdict=verdict,
        reservations=reservations.splitlines(),
        now=now_of(request),
        auth=settings.auth,
    )
    return back(f"/handovers/{handover_id}")


@router.post("/handovers/{handover_id}/countersign", dependencies=[Depends(Allow(Role.SHIFT_LEADER))])
def handover_countersign(
    handover_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    password: Password,
) -> Response:
    """The shift leader countersigns."""
    audit_as(request, "handover.countersign", f"handover:{handover_id}")
    signing.countersign(
        session,
        handover_id=handover_id,
        leader=token.user,
        password=password,
        now=now_of(request),
        auth=settings.auth,
    )
    return back(f"/handovers/{handover_id}")


@router.post("/handovers/{handover_id}/reassign", dependencies=[Depends(Allow(Role.SHIFT_LEADER))])
def handover_reassign(
    handover_id: int,
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    incoming_id: Annotated[int, Form(ge=1)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """A shift leader names another incoming person (until the incoming signature)."""
    audit_as(request, "handover.reassign", f"handover:{handover_id}", {"to": incoming_id})
    handover, previous = signing.reassign(
        session,
        handover_id=handover_id,
        leader=token.user,
        incoming_id=incoming_id,
        now=now_of(request),
        reason=reason,
    )
    audit_as(
        request,
        detail={
            "from": previous.username,
            "to": handover.incoming.username,
            "reason": reason,
            "state": str(handover.state),
        },
    )
    return back(f"/handovers/{handover_id}")
