"""The compliance page: the duty rules in force (with their clauses), my confirmation, and violations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.console.admin.rules import editor_context
from api.console.routes import render
from api.deps import CurrentToken, SessionDep, SettingsDep
from api.policies import ROOM_OR_ADMIN
from shift_logs.rules import service as rules
from shift_logs.rules import store

router = APIRouter(include_in_schema=False)


@router.get("/compliance", dependencies=[Depends(ROOM_OR_ADMIN)])
def compliance_page(
    request: Request,
    token: CurrentToken,
    session: SessionDep,
    settings: SettingsDep,
    state: Annotated[str, Query(pattern="^(open|resolved|all)$")] = "open",
    rule_id: Annotated[str | None, Query(max_length=40)] = None,
    subject: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """Rules in force, whether I confirmed this version, and violations with filters."""
    in_force = store.in_force(session)
    head = store.current(session)
    rows, total = rules.list_(
        session, limit=200, offset=0, state=state, rule_id=rule_id or None, subject=subject or None
    )
    rule_rows = [{"id": name, **rule} for name, rule in in_force.rules.model_dump(mode="json").items()]
    return render(
        request,
        "compliance.html",
        token=token,
        rules=rule_rows,
        version=head.version if head is not None else 0,
        to_confirm=rules.needs_confirmation(session, user=token.user),
        violations=rows,
        total=total,
        filters={"state": state, "rule_id": rule_id or "", "subject": subject or ""},
        **editor_context(session, token.user, settings),
    )
