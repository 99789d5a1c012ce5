"""The sign-in throttle (the policy; README "Security").

- Per address: at most `auth.address_max_failures` failed checks in `auth.address_window_minutes`; beyond
  that every sign-in from the address is refused unchecked until the window slides.
- Per account and address: `auth.lockout_attempts` failures are free, then each further failure doubles a
  back-off (2 s, 4 s, 8 s, ...) capped at `auth.lockout_minutes`. There is no hard lock: an attacker
  elsewhere can never lock the last admin out, and the account itself is never locked at all.
- Unknown names are counted and throttled exactly like known ones, so the answers say nothing about which
  names exist. Wrong passwords at re-authentication (password change, handover signatures) count too.

Failures are rows in `login_failures` (a sliding window any process sees); the check and the insert of a
sign-in run under a per-address lock, those of a re-authentication under a per-user lock (PostgreSQL
advisory locks; SQLite writers are serialised by BEGIN IMMEDIATE), and a failed re-authentication's count is
committed with its transaction (the HTTP layer commits instead of rolling back), so concurrent clients cannot
slip extra guesses past the limit.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from access.signin.models import LoginFailure
from config.settings import AuthSettings
from db.transition import serialize

__all__ = ["clear", "lock_address", "lock_reauth", "reauth_wait_s", "record_failure", "wait_s"]

_BACKOFF_BASE_S = 2.0


def _key(username: str) -> str:
    return username.strip().lower()[:64]


def lock_address(session: Session, address: str) -> None:
    """Serialise sign-ins from one address until the transaction ends (PostgreSQL; SQLite already is)."""
    serialize(session, f"signin:{address}")


def lock_reauth(session: Session, username: str) -> None:
    """Serialise one user's re-authentications until the transaction ends (PostgreSQL; SQLite already is)."""
    serialize(session, f"reauth:{_key(username)}")


def _backoff_s(failures: int, auth: AuthSettings) -> float:
    over = failures - auth.lockout_attempts
    if over < 0:
        return 0.0
    return min(_BACKOFF_BASE_S * math.pow(2, min(over, 30)), auth.lockout_minutes * 60.0)


def _address_wait(session: Session, address: str, auth: AuthSettings, now: dt.datetime) -> float:
    window = dt.timedelta(minutes=auth.address_window_minutes)
    recent = (
        select(LoginFailure.at)
        .where(LoginFailure.address == address, LoginFailure.at > now - window)
        .order_by(LoginFailure.at.desc())
        .limit(auth.address_max_failures)
    )
    times = list(session.scalars(recent))
    if len(times) < auth.address_max_failures:
        return 0.0
    return max(0.0, (times[-1] + window - now).total_seconds())  # until the oldest of them slides out


def _account_wait(
    session: Session, username: str, address: str | None, auth: AuthSettings, now: dt.datetime
) -> float:
    window = dt.timedelta(minutes=auth.lockout_minutes)
    stmt = select(func.count(), func.max(LoginFailure.at)).where(
        LoginFailure.username == _key(username), LoginFailure.at > now - window
    )
    if address is not None:
        stmt = stmt.where(LoginFailure.address == address)
    count, last = session.execute(stmt).one()
    if not count or last is None:
        return 0.0
    return max(0.0, _backoff_s(int(count), auth) - (now - last).total_seconds())


def wait_s(session: Session, *, username: str, address: str, auth: AuthSettings, now: dt.datetime) -> float:
    """Seconds before this address may try this name again (0: now)."""
    return max(
        _address_wait(session, address, auth, now), _account_wait(session, username, address, auth, now)
    )


def reauth_wait_s(session: Session, *, username: str, auth: AuthSettings, now: dt.datetime) -> float:
    """Seconds before a signed-in user may re-enter their password (failures from any address count)."""
    return _account_wait(session, username, None, auth, now)


def record_failure(session: Session, *, username: str, address: str, now: dt.datetime) -> None:
    """Count one failed password check."""
    session.add(LoginFailure(username=_key(username), address=address[:64], at=now))
    session.flush()


def clear(session: Session, *, username: str, address: str, auth: AuthSettings, now: dt.datetime) -> None:
    """After a successful sign-in: forget this name's failures from this address, and failures that fell out
    of every window (the table stays small)."""
    session.execute(
        delete(LoginFailure).where(LoginFailure.username == _key(username), LoginFailure.address == address)
    )
    oldest = now - dt.timedelta(minutes=max(auth.lockout_minutes, auth.address_window_minutes))
    session.execute(delete(LoginFailure).where(LoginFailure.at < oldest))
