"""Login, logout, the caller's own account, API tokens."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from access import auth, tokens
from access.users.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    LoginRequest,
    LoginResult,
    PasswordChange,
    UserRead,
)
from api.deps import ANY_USER, PUBLIC, CurrentToken, CurrentUser, NowDep, SessionDep, SettingsDep, audit_as
from api.errors import PROBLEM_RESPONSES, problem_response, status_for
from api.login import clear_session_cookie, set_session_cookie, sign_in, sign_out
from core.errors import Throttled
from core.types import RowId

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], responses=PROBLEM_RESPONSES)


@router.post("/login", dependencies=[Depends(PUBLIC)], response_model=LoginResult)
def login(body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Sign in; sets the session cookie and returns the CSRF token for later requests."""
    attempt, issued = sign_in(request, session, settings, username=body.username, password=body.password)
    if issued is None:
        assert attempt.error is not None
        error = attempt.error
        refused = problem_response(status_for(error), error.code, error.message)
        if isinstance(error, Throttled):
            refused.headers["Retry-After"] = str(max(1, math.ceil(error.retry_after_s)))
        return refused
    assert attempt.user is not None
    result = LoginResult(
        user=UserRead.model_validate(attempt.user),
        csrf_token=issued.token.csrf_token,
        expires_at=issued.token.expires_at,
    )
    response = JSONResponse(result.model_dump(mode="json"))
    set_session_cookie(response, issued, settings)
    return response


@router.post("/logout", dependencies=[Depends(ANY_USER)], status_code=204)
def logout(request: Request, session: SessionDep, token: CurrentToken) -> Response:
    """End this session."""
    sign_out(request, session, token)
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.get("/me", dependencies=[Depends(ANY_USER)], response_model=UserRead)
def read_me(user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return UserRead.model_validate(user)


@router.post("/password", dependencies=[Depends(ANY_USER)], status_code=204)
def change_password(
    body: PasswordChange,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    now: NowDep,
) -> Response:
    """Change your password; your other sessions end. After a password someone else set (an
    administrator's one-time password) this is the one thing the user may do, and it lifts that mark."""
    was_set_by_other = token.user.must_change_password
    audit_as(
        request,
        "user.password_change",
        f"user:{token.user.username}",
        detail={
            "before": {"must_change_password": was_set_by_other},
            "after": {"must_change_password": False},
        },
    )
    auth.change_password(
        session,
        user=token.user,
        current=body.current_password,
        new=body.new_password,
        auth=settings.auth,
        keep_token_id=token.id,
        now=now,
    )
    return Response(status_code=204)


@router.post("/tokens", dependencies=[Depends(ANY_USER)], response_model=ApiTokenCreated, status_code=201)
def create_api_token(
    body: ApiTokenCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    now: NowDep,
) -> ApiTokenCreated:
    """Create a bearer token for an integration (signed in, not with a token); the secret is shown only now."""
    user = token.user
    issued = auth.issue_api_token(
        session,
        user=user,
        name=body.name,
        days=body.days,
        max_days=settings.auth.api_token_max_days,
        via=token,
        now=now,
    )
    audit_as(
        request,
        "token.create",
        f"user:{user.username}",
        detail={
            "after": {
                "token_id": issued.token.id,
                "name": issued.token.name,
                "expires_at": issued.token.expires_at.isoformat(),
            }
        },
    )
    return ApiTokenCreated(
        id=issued.token.id, name=issued.token.name, token=issued.secret, expires_at=issued.token.expires_at
    )


@router.get("/tokens", dependencies=[Depends(ANY_USER)], response_model=list[ApiTokenRead])
def list_api_tokens(
    user: CurrentUser,
    session: SessionDep,
    now: NowDep,
    user_id: Annotated[int | None, Query(ge=1, description="Another user's (admin only).")] = None,
) -> list[ApiTokenRead]:
    """Your live sessions and API tokens (an admin may ask for another user's), newest first."""
    rows = tokens.list_live(session, caller=user, user_id=user_id or user.id, now=now)
    return [ApiTokenRead.model_validate(t) for t in rows]


@router.delete("/tokens/{token_id}", dependencies=[Depends(ANY_USER)], status_code=204)
def revoke_api_token(
    token_id: RowId, request: Request, user: CurrentUser, session: SessionDep, now: NowDep
) -> Response:
    """Revoke one of your sessions or tokens (an admin: anyone's); it stops working at once."""
    token = tokens.revoke(session, caller=user, token_id=token_id, now=now)
    audit_as(
        request,
        "token.revoke",
        f"user:{token.user.username}",
        detail={"before": {"token_id": token.id, "name": token.name, "kind": token.kind}},
    )
    return Response(status_code=204)
