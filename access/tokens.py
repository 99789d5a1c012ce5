"""Listing and revoking sessions and API tokens: your own, or anyone's for an admin."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Role
from access.users.errors import TokenNotFound
from access.users.models import AuthToken, TokenKind, User
from core.errors import Forbidden

__all__ = ["is_live", "list_live", "revoke"]


def _may_manage(caller: User, user_id: int) -> None:
    if user_id != caller.id and Role.ADMIN not in caller.roles:
        raise Forbidden("only an admin may see or revoke another user's tokens")


def list_live(
    session: Session,
    *,
    caller: User,
    user_id: int,
    kind: TokenKind | None = None,
    now: dt.datetime,
) -> list[AuthToken]:
    """The live (not revoked, not expired) sessions and tokens of `user_id`, newest first."""
    _may_manage(caller, user_id)
    stmt = select(AuthToken).where(
        AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None), AuthToken.expires_at > now
    )
    if kind is not None:
        stmt = stmt.where(AuthToken.kind == kind)
    return list(session.scalars(stmt.order_by(AuthToken.id.desc())))


def is_live(session: Session, *, token_id: int, now: dt.datetime) -> bool:
    """True while the session or token is neither revoked nor expired and its user is enabled (long-lived
    streams ask this, so they end with the session: logout, expiry, revocation, a disabled account)."""
    token = session.get(AuthToken, token_id)
    return (
        token is not None and token.revoked_at is None and token.expires_at > now and not token.user.disabled
    )


def revoke(
    session: Session,
    *,
    caller: User,
    token_id: int,
    owner_id: int | None = None,
    now: dt.datetime,
) -> AuthToken:
    """End one session or token of the caller (or anyone's, for an admin); another user's token is
    reported as not found to non-admins, so ids reveal nothing. With `owner_id` (the admin console's page of
    one user) the token must also be that user's."""
    token = session.get(AuthToken, token_id)
    if (
        token is None
        or (token.user_id != caller.id and Role.ADMIN not in caller.roles)
        or (owner_id is not None and token.user_id != owner_id)
    ):
        raise TokenNotFound(f"no token with id {token_id}")
    if token.revoked_at is None:
        token.revoked_at = now
        session.flush()
    return token
