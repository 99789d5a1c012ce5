"""Creating, finding and changing users. Services flush; the caller's transaction commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from access.passwords import hash_password
from access.roles import Role
from access.users.errors import LastAdmin, UsernameTaken, UserNotFound, WeakPassword
from access.users.models import AuthToken, User, UserRole
from db import lookup

__all__ = [
    "check_admin_remains",
    "check_password_rules",
    "create",
    "get",
    "get_by_username",
    "list_",
    "require",
    "require_by_username",
    "revoke_tokens",
    "set_disabled",
    "set_language",
    "set_roles",
    "update",
    "with_role",
]


def check_password_rules(password: str, *, min_length: int, username: str = "") -> None:
    """Raise WeakPassword when `password` is too short, blank or equal to the user name."""
    if len(password) < min_length:
        raise WeakPassword(f"password must be at least {min_length} characters", field="password")
    if not password.strip():
        raise WeakPassword("password must not be blank", field="password")
    if username and password.lower() == username.lower():
        raise WeakPassword("password must differ from the user name", field="password")


def get(session: Session, user_id: int) -> User | None:
    """Return the user with `user_id`, or None."""
    return session.get(User, user_id)


def require(session: Session, user_id: int) -> User:
    """Return the user with `user_id`, or raise UserNotFound."""
    return lookup.require(session, User, user_id, error=UserNotFound, what="user")


def with_role(session: Session, role: Role) -> list[User]:
    """The enabled users holding `role`, by name: the one "users with role X" query."""
    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == role, User.disabled.is_(False))
        .order_by(User.username)
    )
    return list(session.scalars(stmt))


def get_by_username(session: Session, username: str) -> User | None:
    """Return the user called `username` (case-insensitive), or None."""
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def require_by_username(session: Session, username: str) -> User:
    """Return the user called `username`, or raise UserNotFound."""
    user = get_by_username(session, username)
    if user is None:
        raise UserNotFound(f"no user called {username!r}")
    return user


def create(
    session: Session,
    *,
    username: str,
    password: str,
    roles: Iterable[Role],
    display_name: str = "",
    language: str = "en",
    min_password_length: int = 10,
    must_change_password: bool = False,
    now: dt.datetime,
) -> User:
    """Create a user with a hashed password and the given roles; `must_change_password` when someone else
    chose the password (the user may only change it until they have)."""
    if get_by_username(session, username) is not None:
        raise UsernameTaken(f"user name {username!r} is taken")
    check_password_rules(password, min_length=min_password_length, username=username)
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        language=language,
        password_changed_at=now,
        must_change_password=must_change_password,
    )
    user.role_rows = [UserRole(role=role) for role in sorted(set(roles))]
    session.add(user)
    session.flush()
    return user


def list_(
    session: Session, *, limit: int, offset: int, include_disabled: bool = True
) -> tuple[list[User], int]:
    """Return one page of users by name and the total."""
    stmt = select(User)
    if not include_disabled:
        stmt = stmt.where(User.disabled.is_(False))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(User.username).limit(limit).offset(offset)).all()
    return list(rows), total


def check_admin_remains(
    session: Session, *, user: User, roles: Iterable[Role] | None = None, disabled: bool | None = None
) -> None:
    """Raise LastAdmin (rule last_admin) when giving `user` these roles / this disabled flag leaves no
    enabled admin. The services that change roles or disable users check it themselves (API, console, CLI)."""
    stays_admin = Role.ADMIN in (set(roles) if roles is not None else user.roles)
    stays_enabled = not (disabled if disabled is not None else user.disabled)
    if stays_admin and stays_enabled:
        return
    others = [admin for admin in with_role(session, Role.ADMIN) if admin.id != user.id]
    if not others and Role.ADMIN in user.roles and not user.disabled:
        raise LastAdmin(
            f"rule last_admin: {user.username} is the last enabled administrator: "
            "give another user the admin role first",
            detail={"rule": "last_admin", "user": user.username},
        )


def set_roles(session: Session, *, user: User, roles: Iterable[Role]) -> User:
    """Replace the user's roles (never the last enabled admin's admin role)."""
    wanted = set(roles)
    check_admin_remains(session, user=user, roles=wanted)
    user.role_rows = [row for row in user.role_rows if row.role in wanted]
    have = {row.role for row in user.role_rows}
    user.role_rows.extend(UserRole(role=role) for role in sorted(wanted - have))
    session.flush()
    return user


def revoke_tokens(session: Session, *, user: User, now: dt.datetime, keep_id: int | None = None) -> int:
    """End every live session and token of `user` (except `keep_id`); return how many."""
    stmt = (
        sql_update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    if keep_id is not None:
        stmt = stmt.where(AuthToken.id != keep_id)
    result = session.execute(stmt.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def set_disabled(session: Session, *, user: User, disabled: bool, now: dt.datetime) -> User:
    """Disable (ending all sessions; never the last enabled admin) or re-enable a user."""
    check_admin_remains(session, user=user, disabled=disabled)
    user.disabled = disabled
    if disabled:
        revoke_tokens(session, user=user, now=now)
    else:
        user.failed_logins = 0
        user.locked_until = None
    session.flush()
    return user


def set_language(session: Session, *, user: User, language: str) -> User:
    """Set the user's console language."""
    user.language = language
    session.flush()
    return user


def update(
    session: Session,
    *,
    user: User,
    display_name: str | None = None,
    roles: Iterable[Role] | None = None,
    disabled: bool | None = None,
    language: str | None = None,
    now: dt.datetime,
) -> User:
    """Apply the given changes to `user`; None leaves a field as it is."""
    if display_name is not None:
        user.display_name = display_name
    if roles is not None:
        set_roles(session, user=user, roles=roles)
    if disabled is not None and disabled != user.disabled:
        set_disabled(session, user=user, disabled=disabled, now=now)
    if language is not None:
        user.language = language
    session.flush()
    return user
