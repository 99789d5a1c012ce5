"""Users, their roles, and the tokens (console sessions and API tokens) that stand for them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from access.roles import Role
from db.base import Base, CreatedAtMixin, str_enum

__all__ = ["AuthToken", "TokenKind", "User", "UserRole"]


class User(CreatedAtMixin, Base):
    """A person who uses the console or the API."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default="en")
    disabled: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # set by someone else (an administrator's one-time password): only changing it is allowed until then
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """The roles this user holds."""
        return frozenset(row.role for row in self.role_rows)

    def has_any(self, roles: frozenset[Role] | set[Role]) -> bool:
        """True when the user holds at least one of `roles`."""
        return not self.roles.isdisjoint(roles)


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))

    user: Mapped[User] = relationship(back_populates="role_rows")


class TokenKind(enum.StrEnum):
    """A console session (cookie) or a long-lived API token (bearer)."""

    SESSION = "session"
    API = "api"


class AuthToken(CreatedAtMixin, Base):
    """A secret that stands for a user; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TokenKind] = mapped_column(str_enum(TokenKind, 16))
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64), default="")
    expires_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(lazy="joined")
