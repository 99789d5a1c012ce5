"""Request and response shapes for users and logins."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from access.roles import Role
from core.schemas import ReadSchema, WriteSchema

__all__ = [
    "ApiTokenCreate",
    "ApiTokenCreated",
    "ApiTokenRead",
    "LoginRequest",
    "LoginResult",
    "PasswordChange",
    "UserCreate",
    "UserRead",
    "UserUpdate",
]

Username = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$", description="Login name.")
Password = Field(min_length=1, max_length=256, description="Password.")


class LoginRequest(WriteSchema):
    """A login with user name and password."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Password


class UserRead(ReadSchema):
    """A user as shown to admins and to the user."""

    id: int
    username: str
    display_name: str
    roles: list[Role]
    language: str
    disabled: bool
    locked_until: dt.datetime | None
    must_change_password: bool = Field(
        description="Signed in with a password someone else set: only changing it (and signing out) is allowed."
    )
    created_at: dt.datetime


class LoginResult(ReadSchema):
    """The signed-in user and the CSRF token to send with state-changing requests."""

    user: UserRead
    csrf_token: str
    expires_at: dt.datetime


class UserCreate(WriteSchema):
    """A new user."""

    username: str = Username
    password: str = Field(min_length=1, max_length=256)
    display_name: str = Field(default="", max_length=200)
    roles: list[Role] = Field(min_length=1, max_length=5, description="At least one role.")
    language: Literal["en", "zh"] = "en"
    must_change_password: bool = Field(
        default=True,
        description="The password is set by the caller, not the user: the user must change it at the first "
        "sign-in (until then every other request answers 403 password_change_required).",
    )


class UserUpdate(WriteSchema):
    """Changes to a user; absent fields stay as they are."""

    display_name: str | None = Field(default=None, max_length=200)
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=5)
    disabled: bool | None = None
    language: Literal["en", "zh"] | None = None


class PasswordChange(WriteSchema):
    """A password change by the user."""

    current_password: str = Password
    new_password: str = Password


class ApiTokenCreate(WriteSchema):
    """A new API token for an integration."""

    name: str = Field(min_length=1, max_length=100)
    days: int = Field(default=90, ge=1, le=3650)


class ApiTokenCreated(ReadSchema):
    """The token secret, shown once."""

    id: int
    name: str
    token: str
    expires_at: dt.datetime


class ApiTokenRead(ReadSchema):
    """A live session or API token (never its secret)."""

    id: int
    user_id: int
    kind: str
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_seen_at: dt.datetime | None
