"""/admin/users: accounts, roles, language, disable/enable, unlock, password reset and tokens (admin only).

The page's script sends JSON here; every change carries a reason and is audited with the user's state
before and after, in the request's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from access import tokens
from access.roles import Role
from access.users import admin
from access.users import service as users
from access.users.models import User
from api.console.admin.schemas import Reason, UserAdd, UserEdit
from api.console.routes import render
from api.deps import CurrentToken, NowDep, SessionDep, SettingsDep, audit_as
from api.policies import ADMINS

__all__ = ["router"]

router = APIRouter(include_in_schema=False, dependencies=[Depends(ADMINS)])


def _row(user: User, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        **admin.snapshot(user, now=now),
        "must_change_password": user.must_change_password,
    }


def _audit(request: Request, action: str, user: User, reason: str, **detail: Any) -> None:
    audit_as(request, action, f"user:{user.username}", detail={"reason": reason, **detail})


@router.get("/admin/users")
def users_page(
    request: Request,
    token: CurrentToken,
    session: SessionDep,
    now: NowDep,
    q: Annotated[str, Query(max_length=64)] = "",
    role: Role | None = None,
    state: Annotated[str, Query(pattern="^(all|enabled|disabled|locked)$")] = "all",
) -> HTMLResponse:
    """Users with filters, the add form and the edit panel."""
    rows, total = admin.search(session, text=q.strip(), role=role, state=state, now=now)  # type: ignore[arg-type]
    return render(
        request,
        "admin/users.html",
        token=token,
        users=[_row(u, now) for u in rows],
        total=total,
        roles=list(Role),
        filters={"q": q, "role": role.value if role else "", "state": state},
    )


@router.post("/admin/users", status_code=201)
def add_user(
    body: UserAdd, request: Request, session: SessionDep, settings: SettingsDep, now: NowDep
) -> dict[str, Any]:
    """Create a user with a one-time password, returned once and to be changed at the first sign-in."""
    password = admin.one_time_password()
    user = users.create(
        session,
        username=body.username,
        password=password,
        roles=body.roles,
        display_name=body.display_name,
        language=body.language,
        min_password_length=settings.auth.min_password_length,
        must_change_password=True,
        now=now,
    )
    after = {**admin.snapshot(user, now=now), "must_change_password": True}
    _audit(request, "user.create", user, body.reason, before=None, after=after)
    return {**_row(user, now), "password": password}


@router.patch("/admin/users/{user_id}")
def edit_user(
    user_id: int, body: UserEdit, request: Request, session: SessionDep, now: NowDep
) -> dict[str, Any]:
    """Change roles, language, name or the disabled flag; the last enabled admin stays."""
    user = users.require(session, user_id)
    before = admin.snapshot(user, now=now)
    admin.check_admin_remains(session, user=user, roles=body.roles, disabled=body.disabled)
    users.update(
        session,
        user=user,
        display_name=body.display_name,
        roles=body.roles,
        disabled=body.disabled,
        language=body.language,
        now=now,
    )
    _audit(request, "user.update", user, body.reason, before=before, after=admin.snapshot(user, now=now))
    return _row(user, now)


@router.post("/admin/users/{user_id}/unlock")
def unlock_user(
    user_id: int, body: Reason, request: Request, session: SessionDep, now: NowDep
) -> dict[str, Any]:
    """Clear a sign-in lock."""
    user = users.require(session, user_id)
    before = admin.snapshot(user, now=now)
    admin.unlock(session, user=user)
    _audit(request, "user.unlock", user, body.reason, before=before, after=admin.snapshot(user, now=now))
    return _row(user, now)


@router.post("/admin/users/{user_id}/password")
def reset_user_password(
    user_id: int, body: Reason, request: Request, session: SessionDep, now: NowDep
) -> dict[str, Any]:
    """A new one-time password (shown once, to be changed at the next sign-in); the user's sessions and
    tokens end."""
    user = users.require(session, user_id)
    before = {
        **admin.snapshot(user, now=now),
        "password": "unchanged",
        "must_change_password": user.must_change_password,
    }
    password = admin.reset_password(session, user=user, now=now)
    after = {
        **admin.snapshot(user, now=now),
        "password": "one-time, shown once",
        "must_change_password": True,
    }
    _audit(request, "user.password_reset", user, body.reason, before=before, after=after, sessions_ended=True)
    return {**_row(user, now), "password": password}


@router.get("/admin/users/{user_id}/tokens")
def user_tokens(user_id: int, session: SessionDep, token: CurrentToken, now: NowDep) -> list[dict[str, Any]]:
    """The user's live sessions and API tokens (never their secrets): the service of GET /api/v1/auth/tokens."""
    user = users.require(session, user_id)
    return [
        {
            "id": t.id,
            "kind": t.kind.value,
            "name": t.name,
            "created_at": t.created_at.isoformat(),
            "expires_at": t.expires_at.isoformat(),
            "last_seen_at": t.last_seen_at.isoformat() if t.last_seen_at else None,
        }
        for t in tokens.list_live(session, caller=token.user, user_id=user.id, now=now)
    ]


@router.post("/admin/users/{user_id}/tokens/{token_id}/revoke")
def revoke_user_token(
    user_id: int,
    token_id: int,
    body: Reason,
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    now: NowDep,
) -> dict[str, Any]:
    """End one of the user's sessions or tokens: the service of DELETE /api/v1/auth/tokens/{id}."""
    user = users.require(session, user_id)
    ended = tokens.revoke(session, caller=token.user, token_id=token_id, owner_id=user.id, now=now)
    _audit(
        request,
        "user.token_revoke",
        user,
        body.reason,
        token_id=ended.id,
        kind=ended.kind.value,
        before={"token": ended.id, "revoked": False},
        after={"token": ended.id, "revoked": True},
    )
    return {"id": ended.id, "revoked": True}
