"""Signing in and out, shared by the JSON API and the console form."""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.orm import Session

from access import auth
from access.users.errors import LoginThrottled
from access.users.models import AuthToken
from api.deps import SESSION_COOKIE, audit_as, get_context, now_of
from config.settings import Settings

__all__ = ["clear_session_cookie", "set_session_cookie", "sign_in", "sign_out"]


def sign_in(
    request: Request, session: Session, settings: Settings, *, username: str, password: str
) -> tuple[auth.LoginAttempt, auth.IssuedToken | None]:
    """Check the credentials; on success start a session. The attempt is audited either way."""
    address = request.client.host if request.client else ""
    attempt = auth.attempt_login(
        session,
        username=username,
        password=password,
        auth=settings.auth,
        address=address,
        clock=get_context(request).clock,
    )
    audit_as(request, "auth.login", f"user:{username[:64]}")
    if isinstance(attempt.error, LoginThrottled):  # unchecked: noise anyone can make, not chained
        request.state.audited, request.state.refusal = True, "throttled"
        return attempt, None
    if attempt.user is None:
        assert attempt.error is not None
        audit_as(request, detail={"reason": attempt.error.code}, outcome="refused")
        return attempt, None
    request.state.user = attempt.user
    request.state.user_ref = (attempt.user.id, attempt.user.username)
    return attempt, auth.issue_session(session, user=attempt.user, auth=settings.auth, now=now_of(request))


def set_session_cookie(response: Response, issued: auth.IssuedToken, settings: Settings) -> None:
    """Put the session secret into an HTTP-only, SameSite=Strict cookie."""
    response.set_cookie(
        SESSION_COOKIE,
        issued.secret,
        max_age=settings.auth.session_minutes * 60,
        httponly=True,
        samesite="strict",
        secure=settings.auth.cookie_secure,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/")


def sign_out(request: Request, session: Session, token: AuthToken) -> None:
    """End the caller's session (audited as auth.logout)."""
    audit_as(request, "auth.logout")
    auth.revoke(session, token=token, now=now_of(request))
