"""Logins, lockout, console sessions, API tokens and password changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from access.passwords import hash_password, needs_rehash, verify_password
from access.signin import throttle
from access.users import service as users
from access.users.errors import LoginRefused, LoginThrottled
from access.users.models import AuthToken, TokenKind, User
from config.settings import AuthSettings
from core.clock import Clock
from core.errors import ControlroomError, Forbidden, Invalid, Unauthenticated

__all__ = [
    "IssuedToken",
    "LoginAttempt",
    "attempt_login",
    "change_password",
    "hash_token",
    "issue_api_token",
    "issue_session",
    "reauthenticate",
    "resolve_token",
    "revoke",
]

_TOUCH_EVERY = dt.timedelta(seconds=60)
# A fixed hash verified for unknown users, so a miss costs as long as a hit.
_DUMMY_HASH = hash_password("controlroom-timing-equaliser")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A freshly issued secret (shown once) and its stored row."""

    secret: str
    token: AuthToken


def hash_token(secret: str) -> str:
    """The stored form of a token secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    """The result of a login: the user, or why not. Failures are counted in the caller's transaction,
    which must still commit (so the lockout counter survives the refusal)."""

    user: User | None
    error: Unauthenticated | LoginThrottled | None
    username: str


def attempt_login(
    session: Session,
    *,
    username: str,
    password: str,
    auth: AuthSettings,
    address: str = "",
    clock: Clock,
) -> LoginAttempt:
    """Check a user name and password under the sign-in throttle (`access.signin.throttle`). Unknown names,
    disabled accounts and wrong passwords get one answer and cost one password hash each; so does a
    throttled name whether it exists or not. Takes the edge's clock, not a time, because the time is read
    after the address lock: parallel attempts must not judge by a time before the last one's failure."""
    throttle.lock_address(session, address)
    now = clock.now()
    wait = throttle.wait_s(session, username=username, address=address, auth=auth, now=now)
    if wait > 0:
        refused = LoginThrottled(
            f"too many failed sign-ins; try again in {math.ceil(wait)} s", retry_after_s=wait
        )
        return LoginAttempt(None, refused, username)
    user = users.get_by_username(session, username)
    matches = verify_password(user.password_hash if user is not None else _DUMMY_HASH, password)
    if user is None or user.disabled or not matches:
        throttle.record_failure(
            session, username=username, address=address, now=clock.now()
        )  # back-off from now, after the hash
        return LoginAttempt(None, LoginRefused("wrong user name or password"), username)
    user.failed_logins = 0
    user.locked_until = None
    throttle.clear(session, username=username, address=address, auth=auth, now=now)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return LoginAttempt(user, None, username)


def reauthenticate(
    session: Session,
    *,
    user: User,
    password: str,
    auth: AuthSettings,
    refused: Callable[[], ControlroomError],
    now: dt.datetime,
) -> None:
    """Check a signed-in user's password again (password change, signatures); call it before any change.
    A wrong one is counted in this transaction and raises `refused()` marked as a failed sign-in, whose
    transaction the HTTP layer commits (with just the count) instead of rolling it back; after too many,
    LoginThrottled without checking. One check per user at a time (the count is read and written under a
    per-user lock), so concurrent guesses cannot slip past the limit."""
    throttle.lock_reauth(session, user.username)
    wait = throttle.reauth_wait_s(session, username=user.username, auth=auth, now=now)
    if wait > 0:
        raise LoginThrottled(
            f"too many wrong passwords; try again in {math.ceil(wait)} s", retry_after_s=wait
        )
    if user.disabled or not verify_password(user.password_hash, password):
        address = str(session.info.get("client_address", ""))  # set by the HTTP layer's session
        throttle.record_failure(session, username=user.username, address=address, now=now)
        error = refused()
        error.failed_login = user.username
        raise error


def _issue(
    session: Session, *, user: User, kind: TokenKind, lifetime: dt.timedelta, name: str, now: dt.datetime
) -> IssuedToken:
    secret = secrets.token_urlsafe(32)
    token = AuthToken(
        user_id=user.id,
        kind=kind,
        name=name,
        token_hash=hash_token(secret),
        csrf_token=secrets.token_urlsafe(24) if kind is TokenKind.SESSION else "",
        expires_at=now + lifetime,
        last_seen_at=now,
        created_at=now,
    )
    session.add(token)
    session.flush()
    return IssuedToken(secret=secret, token=token)


def issue_session(session: Session, *, user: User, auth: AuthSettings, now: dt.datetime) -> IssuedToken:
    """Start a console session for `user` (the secret goes into an HTTP-only cookie)."""
    lifetime = dt.timedelta(minutes=auth.session_minutes)
    return _issue(session, user=user, kind=TokenKind.SESSION, lifetime=lifetime, name="console", now=now)


def issue_api_token(
    session: Session,
    *,
    user: User,
    name: str,
    days: int,
    max_days: int | None = None,
    via: AuthToken | None = None,
    now: dt.datetime,
) -> IssuedToken:
    """Create a bearer token for an integration; the secret is shown once.

    Only a signed-in person (`via` a console session) may mint one, for at most `max_days`: a bearer
    token cannot mint further tokens, so a leaked token cannot extend its own life."""
    if via is not None and via.kind is not TokenKind.SESSION:
        raise Forbidden("a bearer token cannot create tokens; sign in to the console to create one")
    if max_days is not None and days > max_days:
        raise Invalid(f"a token may live at most {max_days} days", field="body.days")
    return _issue(
        session, user=user, kind=TokenKind.API, lifetime=dt.timedelta(days=days), name=name, now=now
    )


def resolve_token(
    session: Session, *, secret: str, kind: TokenKind, auth: AuthSettings, now: dt.datetime
) -> AuthToken | None:
    """Return the live token for `secret` (not expired, revoked, idle too long, or of a disabled user)."""
    # one round trip for the token, its user and the user's roles (every authenticated request does this)
    token = (
        session.scalars(
            select(AuthToken)
            .where(AuthToken.token_hash == hash_token(secret), AuthToken.kind == kind)
            .options(joinedload(AuthToken.user).joinedload(User.role_rows))
        )
        .unique()
        .first()
    )
    if token is None or token.revoked_at is not None or token.expires_at <= now or token.user.disabled:
        return None
    idle = dt.timedelta(minutes=auth.idle_minutes)
    if kind is TokenKind.SESSION and token.last_seen_at is not None and now - token.last_seen_at > idle:
        return None
    if token.last_seen_at is None or now - token.last_seen_at > _TOUCH_EVERY:
        _touch(session, token, now)
    return token


def _touch(session: Session, token: AuthToken, now: dt.datetime) -> None:
    """Note that the token was used, unless a concurrent request of the same token is doing so (its row
    lock is skipped, not waited for). Waiting would hold a thread of the pool until that request commits;
    with many concurrent requests on one token every thread waited on a request that needed a thread to
    finish (seen under bench.api_load: the server stopped answering)."""
    free = session.scalar(
        select(AuthToken.id).where(AuthToken.id == token.id).with_for_update(skip_locked=True)
    )
    if free is not None:
        session.execute(
            update(AuthToken)
            .where(AuthToken.id == token.id)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
    set_committed_value(token, "last_seen_at", now)  # this request's view, without an UPDATE by the ORM


def revoke(session: Session, *, token: AuthToken, now: dt.datetime) -> None:
    """End one session or token."""
    token.revoked_at = now
    session.flush()


def change_password(
    session: Session,
    *,
    user: User,
    current: str,
    new: str,
    auth: AuthSettings,
    keep_token_id: int | None = None,
    now: dt.datetime,
) -> User:
    """Change the user's password after checking the current one (throttled); end their other sessions.
    Clears the mark of a password someone else set (the caller audits that); never sets it."""
    reauthenticate(
        session,
        user=user,
        password=current,
        auth=auth,
        refused=lambda: LoginRefused("the current password is wrong"),
        now=now,
    )
    users.check_password_rules(new, min_length=auth.min_password_length, username=user.username)
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    user.must_change_password = False
    users.revoke_tokens(session, user=user, keep_id=keep_token_id, now=now)
    session.flush()
    return user
