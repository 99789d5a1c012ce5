"""Errors of the users domain."""

from __future__ import annotations

from core.errors import Conflict, Forbidden, Invalid, NotFound, Throttled, Unauthenticated

__all__ = [
    "AccountLocked",
    "LastAdmin",
    "LoginRefused",
    "LoginThrottled",
    "PasswordChangeRequired",
    "TokenNotFound",
    "UserNotFound",
    "UsernameTaken",
    "WeakPassword",
]


class UserNotFound(NotFound):
    """No user with that id or name."""

    code = "user_not_found"


class UsernameTaken(Conflict):
    """Another user already has that name."""

    code = "username_taken"


class WeakPassword(Invalid):
    """The new password does not meet the rules."""

    code = "weak_password"


class LoginRefused(Unauthenticated):
    """Wrong user name or password, or a disabled account (deliberately not said which)."""

    code = "login_refused"


class AccountLocked(Unauthenticated):
    """Too many failed logins; the account is locked for a while."""

    code = "account_locked"


class LastAdmin(Conflict):
    """The change would leave no enabled admin (rule `last_admin`): nobody could manage accounts any more."""

    code = "last_admin"


class TokenNotFound(NotFound):
    """No such session or token (or not one the caller may see)."""

    code = "token_not_found"


class LoginThrottled(Throttled):
    """Too many failed password checks from this address or for this name; the same answer whether the
    name exists or not."""

    code = "login_throttled"


class PasswordChangeRequired(Forbidden):
    """The user signed in with a password someone else set (a one-time password from an administrator):
    until they choose their own, they may only change it or sign out."""

    code = "password_change_required"
