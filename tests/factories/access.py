"""Builders for users and tokens. Password hashes are computed once per password (Argon2 is slow)."""

from __future__ import annotations

import datetime as dt
import itertools
from functools import cache

from sqlalchemy.orm import Session

from access import auth
from access.passwords import hash_password
from access.roles import Role
from access.users.models import User, UserRole
from core.clock import utcnow

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@cache
def _hash(password: str) -> str:
    return hash_password(password)


def make_user(
    session: Session,
    *,
    username: str | None = None,
    roles: tuple[Role, ...] = (Role.OPERATOR,),
    password: str = DEFAULT_PASSWORD,
    disabled: bool = False,
) -> User:
    """Create a user (flushed) with the given roles."""
    user = User(
        username=username or f"user{next(_counter)}",
        display_name="Test User",
        password_hash=_hash(password),
        disabled=disabled,
    )
    user.role_rows = [UserRole(role=role) for role in roles]
    session.add(user)
    session.flush()
    return user


def make_api_token(session: Session, user: User, *, days: int = 1, now: dt.datetime | None = None) -> str:
    """Issue a bearer token for `user` (at `now`, by default the real time) and return its secret."""
    return auth.issue_api_token(session, user=user, name="test", days=days, now=now or utcnow()).secret
