"""Failed sign-ins and re-authentications, kept for the throttle's sliding window (any process sees them)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

__all__ = ["LoginFailure"]


class LoginFailure(Base):
    """One failed password check: which name was tried (as typed, lower-cased; known or not), from where."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_address_at", "address", "at"),
        Index("ix_login_failures_username_at", "username", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime]
