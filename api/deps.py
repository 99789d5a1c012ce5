"""FastAPI dependencies: the request's transaction, the caller, role checks, audit identity.

Every route declares who may call it with `Allow(...)` or `PUBLIC` (on the route or its router);
a test walks all routes and fails on any that declares neither.

Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in the thread pool, and
each such hop costs CPU and a wake-up of the event loop on every request. Those that touch the database
(the session, the token lookup) stay plain functions in the pool.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from access import auth
from access.audit import service as audit
from access.roles import ALL_ROLES, ROOM, Role
from access.users.errors import PasswordChangeRequired
from access.users.models import AuthToken, TokenKind, User
from api.context import AppContext
from config.settings import Settings
from core.actor import Actor
from core.errors import ControlroomError, Forbidden, Unauthenticated

__all__ = [
    "ANY_USER",
    "IN_ROOM",
    "PUBLIC",
    "SESSION_COOKIE",
    "UNSAFE_METHODS",
    "Allow",
    "CurrentToken",
    "CurrentUser",
    "NowDep",
    "Public",
    "SessionDep",
    "SettingsDep",
    "actor_of",
    "audit_as",
    "get_context",
    "get_session",
    "now_of",
]

SESSION_COOKIE = "cr_session"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def get_context(request: Request) -> AppContext:
    """The app's context object."""
    ctx: AppContext = request.app.state.ctx
    return ctx


async def _get_settings(request: Request) -> Settings:
    return get_context(request).settings


SettingsDep = Annotated[Settings, Depends(_get_settings)]


def actor_of(request: Request) -> Actor:
    """The audit identity of the request's caller (anonymous before login)."""
    user: User | None = getattr(request.state, "user", None)
    client = request.client.host if request.client else ""
    request_id: str = getattr(request.state, "request_id", "")
    if user is None:
        return Actor(id=None, name="anonymous", client=client, request_id=request_id)
    return Actor.of(user, client=client, request_id=request_id)


def now_of(request: Request) -> dt.datetime:
    """The time at the edge: the app clock's (`core/clock.py`), passed down to every service as `now`."""
    return get_context(request).clock.now()


async def _now(request: Request) -> dt.datetime:
    return now_of(request)


NowDep = Annotated[dt.datetime, Depends(_now)]  # no I/O: async, so no thread-pool hop


def audit_as(
    request: Request,
    action: str | None = None,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    *,
    outcome: str | None = None,
    more: dict[str, Any] | None = None,
) -> None:
    """Name the audit row of this state-changing request: the one way every route and page does it. The row
    is written after a successful commit, or by the middleware on a refusal, so name the action before the
    call that may refuse. What is left None stays as named before; `more` adds keys to the detail."""
    state = request.state
    if action is not None:
        state.audit_action = action
    if target is not None:
        state.audit_target = target
    if detail is not None:
        state.audit_detail = detail
    if outcome is not None:
        state.audit_outcome = outcome
    if more:
        state.audit_detail = {**(getattr(state, "audit_detail", None) or {}), **more}


def _audit_action(request: Request) -> str:
    route = request.scope.get("route")
    name = getattr(route, "name", "") or request.url.path
    return str(name)


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request. A state-changing request that succeeds is audited inside it; the request
    counts as audited only once that commit succeeded (a failed commit leaves the row to the middleware).
    A wrong password at re-authentication (an error with `failed_login`) commits instead of rolling back:
    its transaction holds only the counted failure (`access.auth.reauthenticate` runs before any change),
    written before the answer and under the check's lock, so no guess goes uncounted."""
    factory = get_context(request).session_factory
    recorded = False
    with factory.begin() as session:
        session.info["client_address"] = request.client.host if request.client else ""
        try:
            yield session
        except ControlroomError as exc:
            if exc.failed_login:
                session.commit()
            raise
        if request.method in UNSAFE_METHODS and not getattr(request.state, "audited", False):
            audit.record(
                session,
                actor=actor_of(request),
                action=getattr(request.state, "audit_action", None) or _audit_action(request),
                target=getattr(request.state, "audit_target", None) or request.url.path,
                outcome=getattr(request.state, "audit_outcome", "ok"),
                detail=getattr(request.state, "audit_detail", None),
                now=now_of(request),
            )
            recorded = True
    if recorded:
        request.state.audited = True


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _token_from(request: Request, session: Session, settings: Settings) -> AuthToken:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = auth.resolve_token(
            session, secret=header[7:].strip(), kind=TokenKind.API, auth=settings.auth, now=now_of(request)
        )
        if token is None:
            raise Unauthenticated("the bearer token is invalid, expired or revoked")
        return token
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise Unauthenticated("sign in first")
    token = auth.resolve_token(
        session, secret=cookie, kind=TokenKind.SESSION, auth=settings.auth, now=now_of(request)
    )
    if token is None:
        raise Unauthenticated("your session has ended; sign in again")
    if request.method in UNSAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not secrets.compare_digest(sent, token.csrf_token):
            raise Forbidden("missing or wrong CSRF token (send the X-CSRF-Token header)")
    return token


# what a user whose password someone else set (an administrator's one-time password) may still do:
# change it (the page and the API), sign out, and read who they are
PASSWORD_CHANGE_ROUTES = frozenset(
    {"/account/password", "/api/v1/auth/password", "/api/v1/auth/logout", "/api/v1/auth/me", "/logout"}
)


def _check_password_change(request: Request, user: User) -> None:
    if not user.must_change_password:
        return
    route = request.scope.get("route")
    if getattr(route, "path_format", None) in PASSWORD_CHANGE_ROUTES:
        return
    raise PasswordChangeRequired(
        "your password was set by an administrator: change it first (POST /api/v1/auth/password, "
        "or /account/password in the console)"
    )


def current_token(request: Request, session: SessionDep, settings: SettingsDep) -> AuthToken:
    """The caller's live session or API token; 401 without one; 403 password_change_required, except on
    PASSWORD_CHANGE_ROUTES, while the user's password is one someone else set."""
    cached: AuthToken | None = getattr(request.state, "token", None)
    if cached is not None:
        return cached
    token = _token_from(request, session, settings)
    request.state.token = token
    request.state.user = token.user
    request.state.user_ref = (token.user.id, token.user.username)  # plain values survive a rollback
    request.state.user_language = token.user.language  # an error page's language, after a rollback too
    _check_password_change(request, token.user)
    return token


CurrentToken = Annotated[AuthToken, Depends(current_token)]


async def current_user(token: CurrentToken) -> User:
    """The signed-in user."""
    return token.user


CurrentUser = Annotated[User, Depends(current_user)]


class Allow:
    """Route guard: the caller must hold one of `roles`. Declare it on every non-public route."""

    def __init__(self, *roles: Role) -> None:
        if not roles:
            raise ValueError("Allow() needs at least one role")
        self.roles = frozenset(roles)

    async def __call__(self, user: CurrentUser) -> User:
        """Return the user, or raise Forbidden naming the roles needed."""
        return self.check(user)

    def check(self, user: User) -> User:
        """Return `user`, or raise Forbidden naming the roles needed (for checks inside a route)."""
        if not user.has_any(self.roles):
            needed = ", ".join(sorted(self.roles))
            raise Forbidden(f"this needs one of the roles: {needed}")
        return user

    def __repr__(self) -> str:
        return f"Allow({', '.join(sorted(self.roles))})"


class Public:
    """Route marker: anyone may call this (login, health, metrics)."""

    async def __call__(self) -> None:
        """Allow everyone."""


PUBLIC = Public()
ANY_USER = Allow(*ALL_ROLES)
# the people who work in the room: they watch cameras, work alerts, place holds
IN_ROOM = Allow(*ROOM)
