"""What an administrator does to accounts beyond the basics: search, unlock, reset a password, look at and
revoke a user's tokens, and never leave the site without an enabled admin. Services flush; the caller commits."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Literal

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from access.passwords import hash_password
from access.roles import Role
from access.signin.models import LoginFailure
from access.users import service as users
from access.users.errors import LastAdmin, TokenNotFound
from access.users.models import User, UserRole
from access.users.service import check_admin_remains

__all__ = [
    "LastAdmin",
    "TokenNotFound",
    "UserState",
    "check_admin_remains",
    "one_time_password",
    "reset_password",
    "search",
    "snapshot",
    "unlock",
]

UserState = Literal["all", "enabled", "disabled", "locked"]


def one_time_password() -> str:
    """A fresh random password shown once to the admin (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def snapshot(user: User, *, now: dt.datetime) -> dict[str, Any]:
    """The audited state of a user (before/after of a change): never the password hash."""
    return {
        "display_name": user.display_name,
        "roles": sorted(r.value for r in user.roles),
        "language": user.language,
        "disabled": user.disabled,
        "locked": user.locked_until is not None and user.locked_until > now,
    }


def search(
    session: Session,
    *,
    text: str = "",
    role: Role | None = None,
    state: UserState = "all",
    limit: int = 200,
    offset: int = 0,
    now: dt.datetime,
) -> tuple[list[User], int]:
    """Users by name matching `text` (name or display name), holding `role`, in `state`; and the total."""
    stmt = select(User)
    if text:
        like = f"%{text.lower()}%"
        stmt = stmt.where(or_(func.lower(User.username).like(like), func.lower(User.display_name).like(like)))
    if role is not None:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if state == "enabled":
        stmt = stmt.where(User.disabled.is_(False))
    elif state == "disabled":
        stmt = stmt.where(User.disabled.is_(True))
    elif state == "locked":
        stmt = stmt.where(User.locked_until.is_not(None), User.locked_until > now)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(User.username).limit(limit).offset(offset)).all()
    return list(rows), total


def unlock(session: Session, *, user: User) -> User:
    """Clear failed sign-ins and a lock, and the sign-in throttle's back-off for the name (every address)."""
    user.failed_logins = 0
    user.locked_until = None
    session.execute(delete(LoginFailure).where(LoginFailure.username == user.username.lower()))
    session.flush()
    return user


def reset_password(session: Session, *, user: User, now: dt.datetime) -> str:
    """Give `user` a new one-time password (returned once), to be changed at their next sign-in; unlock
    them and end their sessions and tokens."""
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.must_change_password = True
    unlock(session, user=user)
    users.revoke_tokens(session, user=user, now=now)
    session.flush()
    return password
